"""The create form's audience choices and channel picker, filled in by visible labels."""

from __future__ import annotations

from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import text_of


async def open_form(running: RunningBot, emu: SlackEmulator) -> None:
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no modal opened")


QUESTION = {
    "Question 1": "Which snacks?",
    "Options for question 1": "Fruit\nCookies",
}


async def test_chosen_people_and_a_typed_group_handle_are_asked(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.add_usergroup("S0DESIGN", "design", [PEOPLE[2], PEOPLE[3]])
    await open_form(running, emu)
    reply = await running.driver.submit_view(
        ORGANISER,
        fill={
            **QUESTION,
            "Who is asked": "Chosen people and groups",
            "People": [PEOPLE[0]],
            "User groups": "@Design",
        },
    )
    assert reply.body is None, reply.body
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    for person in (ORGANISER, PEOPLE[0], PEOPLE[2], PEOPLE[3]):
        assert await running.repo.is_member(poll.id, person)
    for person in (PEOPLE[1], PEOPLE[4]):
        assert not await running.repo.is_member(poll.id, person)
    assert (await running.repo.counts(poll.id)).asked == 4


async def test_an_unknown_group_handle_is_a_field_error_and_the_form_stays(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await open_form(running, emu)
    reply = await running.driver.submit_view(
        ORGANISER,
        fill={**QUESTION, "Who is asked": "Chosen people and groups", "User groups": "@nobody"},
    )
    assert reply.response_action == "errors"
    assert "@nobody" in str(reply.errors)
    assert emu.views(ORGANISER), "the form was lost"
    assert await running.repo.polls_with_status() == []


async def test_a_random_sample_from_the_form_asks_only_the_drawn_people(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await open_form(running, emu)
    await running.driver.submit_view(
        ORGANISER,
        fill={**QUESTION, "Who is asked": "A random sample", "Sample size": "2"},
    )
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    drawn = [p for p in PEOPLE if await running.repo.is_member(poll.id, p)]
    assert len(drawn) == 2
    for person in drawn:
        assert "Which snacks?" in text_of([m.blocks for m in emu.dm_messages(person)])
    assert not emu.dm_messages(ORGANISER) or all(
        "Which snacks?" not in text_of(m.blocks) for m in emu.dm_messages(ORGANISER)
    )


async def test_the_channel_picker_posts_where_chosen_and_the_bot_joins_it(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.add_channel("C0OTHER", "other", members=(ORGANISER, *PEOPLE), bot_member=False)
    await open_form(running, emu)
    await running.driver.submit_view(ORGANISER, fill={**QUESTION, "Post in channel": "C0OTHER"})
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    assert poll.channel_id == "C0OTHER"
    assert emu.calls_to("conversations.join")
    assert any("Which snacks?" in text_of(m.blocks) for m in emu.messages("C0OTHER"))
    assert not [m for m in emu.messages(CHANNEL) if "Which snacks?" in text_of(m.blocks)]
