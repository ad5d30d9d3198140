"""The playground's small workspace: eight people in three languages and two time zones, two
channels and a user group."""

from __future__ import annotations

from dataclasses import dataclass

from slack_emulator import SlackEmulator

HELSINKI = "Europe/Helsinki"
NEW_YORK = "America/New_York"
GENERAL = "C0PLAYGEN"
IDEAS = "C0PLAYIDEAS"
DESIGNERS = "S0PLAYDESIGN"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone the page can act as."""

    user_id: str
    name: str
    real_name: str
    locale: str
    tz: str


PEOPLE = (
    Person("U0OLIVIA", "olivia", "Olivia Bennett", "en-US", NEW_YORK),
    Person("U0MARCUS", "marcus", "Marcus Reed", "en-US", NEW_YORK),
    Person("U0PRIYA", "priya", "Priya Shah", "en-GB", HELSINKI),
    Person("U0AINO", "aino", "Aino Virtanen", "fi-FI", HELSINKI),
    Person("U0JUHANI", "juhani", "Juhani Korhonen", "fi-FI", HELSINKI),
    Person("U0LEENA", "leena", "Leena Mäkinen", "fi-FI", HELSINKI),
    Person("U0ERIK", "erik", "Erik Lindqvist", "sv-SE", HELSINKI),
    Person("U0SARA", "sara", "Sara Nyström", "sv-SE", HELSINKI),
)
# The first person of the list is who the page opens as.
FIRST_PERSON = PEOPLE[0].user_id
IDEAS_MEMBERS = ("U0OLIVIA", "U0PRIYA", "U0AINO", "U0ERIK", "U0MARCUS")
DESIGN_GROUP = ("U0PRIYA", "U0AINO", "U0ERIK")


def seed(emu: SlackEmulator) -> None:
    """Add the people, #general (everyone), #product-ideas (five) and @designers."""
    for person in PEOPLE:
        emu.add_user(
            person.user_id,
            person.name,
            real_name=person.real_name,
            display_name=person.real_name.split()[0],
            tz=person.tz,
            locale=person.locale,
        )
    emu.add_channel(GENERAL, "general", members=[p.user_id for p in PEOPLE])
    emu.add_channel(IDEAS, "product-ideas", members=IDEAS_MEMBERS)
    emu.add_usergroup(DESIGNERS, "designers", DESIGN_GROUP)
