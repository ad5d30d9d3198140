"""What a client shows: mrkdwn tokens (mentions, links, dates in the reader's zone), the people,
channels and groups a client lists, and the values a modal holds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from slack_emulator import SlackEmulator
from slack_emulator.mrkdwn import (
    Broadcast,
    ChannelMention,
    DateToken,
    GroupMention,
    Link,
    Text,
    UserMention,
    decode_entities,
    format_date,
    parse,
)

# Tuesday 3 February 2026, 14:00 UTC: 16:00 in Helsinki, 09:00 in New York.
NOW = datetime(2026, 2, 3, 14, 0, tzinfo=UTC)
TODAY_16 = int(datetime(2026, 2, 3, 14, 0, 5, tzinfo=UTC).timestamp())
TOMORROW = int(datetime(2026, 2, 4, 10, 30, tzinfo=UTC).timestamp())
LATER = int(datetime(2026, 2, 18, 6, 39, tzinfo=UTC).timestamp())
LAST_YEAR = int(datetime(2025, 12, 23, 12, 0, tzinfo=UTC).timestamp())


class StoppedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, delta: object) -> None:
        raise AssertionError("not moved in these tests")


def test_tokens_and_text_are_split_in_order_with_entities_decoded_once() -> None:
    text = (
        "*Hi* <@U1> &amp; <@U2|bob> in <#C100> <#C9|gone>: <!subteam^S1|@devs> <!here> "
        "<https://example.org/a?b=1&amp;c=2|a &lt;link&gt;> <mailto:x@example.org> "
        "&amp;lt; <!date^1700000000^{date_num}^https://example.org|a fallback> <!nonsense|n>"
    )
    assert parse(text) == [
        Text("*Hi* "),
        UserMention("U1"),
        Text(" & "),
        UserMention("U2", "bob"),
        Text(" in "),
        ChannelMention("C100"),
        Text(" "),
        ChannelMention("C9", "gone"),
        Text(": "),
        GroupMention("S1", "@devs"),
        Text(" "),
        Broadcast("here"),
        Text(" "),
        Link("https://example.org/a?b=1&c=2", "a <link>"),
        Text(" "),
        Link("mailto:x@example.org"),
        Text(" &lt; "),
        DateToken(1700000000, "{date_num}", "a fallback", "https://example.org"),
        Text(" "),
        Text("n"),
    ]
    assert decode_entities("&amp;amp; &gt;") == "&amp; >"


@pytest.mark.parametrize(
    ("unix", "fmt", "tz", "hour_24", "shown"),
    [
        (LATER, "{date_num}", "UTC", True, "2026-02-18"),
        (LATER, "{date_slash}", "UTC", True, "18/02/2026"),
        (LATER, "{date}", "UTC", True, "February 18th, 2026"),
        (LATER, "{date_short}", "UTC", True, "Feb 18, 2026"),
        (LATER, "{date_long}", "UTC", True, "Wednesday, February 18th, 2026"),
        (LATER, "{date_long_full}", "UTC", True, "February 18, 2026"),
        (LATER, "{time}", "UTC", False, "6:39 AM"),
        (LATER, "{time}", "Europe/Helsinki", True, "08:39"),
        (TODAY_16, "{time_secs}", "Europe/Helsinki", True, "16:00:05"),
        (TODAY_16, "{time_secs}", "America/New_York", False, "9:00:05 AM"),
        (TODAY_16, "{date_short_pretty} {time}", "Europe/Helsinki", True, "Today 16:00"),
        (TOMORROW, "Closes {date_short_pretty} at {time}", "UTC", True, "Closes tomorrow at 10:30"),
        (TOMORROW, "{date_pretty}", "America/New_York", True, "Tomorrow"),
        (LATER, "{date_short_pretty} {time}", "Europe/Helsinki", True, "Feb 18, 2026 08:39"),
        (LATER, "{date_long_pretty}", "UTC", True, "Wednesday, February 18th, 2026"),
        (LATER, "{day_divider_pretty}", "UTC", True, "Wednesday, February 18th"),
        (LAST_YEAR, "{day_divider_pretty}", "UTC", True, "Tuesday, December 23rd, 2025"),
        (LAST_YEAR, "{ago}", "UTC", True, "42 days ago"),
        (TOMORROW, "{ago}", "UTC", True, "in 20 hours"),
        (LATER, "{date_num} {nonsense}", "UTC", True, "the fallback"),
    ],
    ids=lambda value: str(value),
)
def test_dates_show_in_the_readers_zone_and_clock(
    unix: int, fmt: str, tz: str, hour_24: bool, shown: str
) -> None:
    token = DateToken(unix, fmt, "the fallback")
    assert format_date(token, tz=tz, now=NOW, hour_24=hour_24) == shown


def test_the_day_changes_where_the_reader_is() -> None:
    # 23:30 UTC on the 3rd is already the 4th in Helsinki and still the 3rd in New York.
    late = DateToken(int(datetime(2026, 2, 3, 23, 30, tzinfo=UTC).timestamp()), "{date_pretty}", "")
    assert format_date(late, tz="Europe/Helsinki", now=NOW) == "Tomorrow"
    assert format_date(late, tz="America/New_York", now=NOW) == "Today"


@pytest.fixture
def workspace() -> SlackEmulator:
    emu = SlackEmulator(clock=StoppedClock(NOW))
    emu.add_user("U1", "olivia", real_name="Olivia Bennett", display_name="Olivia",
                 tz="America/New_York", locale="en-US")  # fmt: skip
    emu.add_user("U2", "aino", real_name="Aino Virtanen", display_name="",
                 tz="Europe/Helsinki", locale="fi-FI")  # fmt: skip
    emu.add_user("U3", "gone", deleted=True)
    emu.add_user("U4", "robot", is_bot=True)
    emu.add_channel("C2", "general", members=["U1", "U2"])
    emu.add_channel("C1", "design", members=["U2"])
    emu.add_usergroup("S2", "writers", ["U1"])
    emu.add_usergroup("S1", "designers", ["U2"])
    emu.workspace.ensure_dm("U1")
    return emu


def test_readable_text_names_people_channels_and_groups_and_dates_per_reader(
    workspace: SlackEmulator,
) -> None:
    text = (
        "*Asked by* <@U1> in <#C2> &amp; <#C9|elsewhere>, <!subteam^S1>, <@U9|someone>: "
        f"closes <!date^{TOMORROW}^{{date_short_pretty}} {{time}}|2026-02-04 10:30 UTC> "
        "<https://example.org|see>"
    )
    assert workspace.readable(text, "U1") == (
        "*Asked by* @Olivia in #general & #elsewhere, @designers, @someone: "
        "closes Tomorrow 5:30 AM see"
    )
    assert workspace.readable(text, "U2") == (
        "*Asked by* @Olivia in #general & #elsewhere, @designers, @someone: "
        "closes Tomorrow 12:30 see"
    )
    assert workspace.readable("<@U2>", "U1") == "@Aino Virtanen"  # no display name: the real one


def test_a_client_lists_active_people_channels_by_name_and_groups(
    workspace: SlackEmulator,
) -> None:
    assert [u.id for u in workspace.people()] == ["U1", "U2"]
    assert [c.name for c in workspace.conversations()] == ["design", "general"]
    assert [c.name for c in workspace.conversations(member="U1")] == ["general"]
    assert [g.handle for g in workspace.usergroups()] == ["designers", "writers"]
