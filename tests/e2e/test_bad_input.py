"""Bad input end to end: each gets a clear ephemeral message, and nothing is stored or posted."""

from __future__ import annotations

import pytest

from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import create, last_ephemeral, text_of

TWENTY_SIX = " ".join(f'"Option {n}"' for n in range(26))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('new "" "A" "B"', "has no text"),
        ('new "   " "A" "B"', "has no text"),
        ('new "Which day?" "Mon"', "only one option"),
        (f'new "Which one?" {TWENTY_SIX}', "too many options"),
        ('new "Which day?" "Mon" "Tue" "Mon"', "“Mon” twice"),
        (f'new "Which day?" "Mon" "{"x" * 76}"', "option of question 1 is too long"),
        (f'new "{"Why " * 600}?" "A" "B"', "Question 1 is too long"),
        ('new "Which day?" "Mon" "Tue" closes:2001-01-01', "already past"),
        ('new "Which day?" "Mon" "Tue" closes:2001-01-01 12:00', "already past"),
        ('new "Which day?" "Mon" "Tue" closes:soonish', "not a closing time I understand"),
        ('new "Which day?" "Mon" "Tue" closes:3x', "not a closing time I understand"),
        ('new "Which day?" "Mon" "Tue" frobnicate', "I don't know “frobnicate”"),
        ('new "Which day?" "Mon" "Tue" remind:often', "not a duration"),
        ('new "Which day?" "Mon" "Tue" sample:zero', "not a sample size"),
        ('new "Which day?" "Mon" "Tue', "quote is not closed"),
        ('new "Which day?" "Mon" "Tue" multi rating', "either multiple choice"),
        ("new Which day?", "Start with the question in quotes"),
    ],
)
async def test_bad_quick_poll_is_explained_and_nothing_is_stored(
    running: RunningBot, emu: SlackEmulator, text: str, expected: str
) -> None:
    reply = await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", text)
    assert reply.status == 200
    await running.settle()
    assert expected in last_ephemeral(emu, ORGANISER)
    assert await running.repo.polls_with_status() == []
    assert emu.calls_to("chat.postMessage") == []
    assert emu.messages(CHANNEL) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("close 999", "can't find poll #999"),
        ("results 4242", "can't find poll #4242"),
        ("export 77", "can't find poll #77"),
        ("delete 12", "can't find poll #12"),
        ("close abc", "“abc” is not a poll number"),
        ("results #x1", "is not a poll number"),
        ("close", "Which poll?"),
    ],
)
async def test_unknown_or_malformed_poll_id_is_explained(
    running: RunningBot, emu: SlackEmulator, text: str, expected: str
) -> None:
    await create(running, emu, 'new "Which day?" "Mon" "Tue"')
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", text)
    await running.settle()
    assert expected in last_ephemeral(emu, ORGANISER)
    assert len(emu.messages(CHANNEL)) == 1
    assert emu.files == []


async def dm_answer_button(emu: SlackEmulator, running: RunningBot) -> tuple[str, int]:
    """A sample poll: a drawn person and the poll id; their invitation DM has an Answer button."""
    poll = await create(running, emu, 'new "Which days?" "Mon" "Tue" multi sample:1')
    (drawn,) = [p for p in PEOPLE if await running.repo.is_member(poll.id, p)]
    await emu.wait_for(lambda: emu.dm_messages(drawn))
    return drawn, poll.id


async def test_answering_a_closed_poll_from_an_old_message_says_it_closed(
    running: RunningBot, emu: SlackEmulator
) -> None:
    drawn, poll_id = await dm_answer_button(emu, running)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll_id}")
    await running.settle()
    invite = emu.dm_messages(drawn)[-1]
    await running.driver.click(drawn, invite, action_id="poll.answer")
    await running.settle()
    note = last_ephemeral(emu, drawn)
    assert f"#{poll_id}" in note and ("already closed" in note or "suljettu" in note)
    assert emu.views(drawn) == []
    assert await running.repo.response_of(poll_id, drawn) is None


async def test_answering_a_deleted_poll_says_it_is_gone(
    running: RunningBot, emu: SlackEmulator
) -> None:
    drawn, poll_id = await dm_answer_button(emu, running)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"delete {poll_id}")
    await running.settle()
    await running.driver.click(ORGANISER, emu.ephemerals(ORGANISER)[-1], "Delete")
    await running.settle()
    await running.driver.click(drawn, emu.dm_messages(drawn)[-1], action_id="poll.answer")
    await running.settle()
    note = last_ephemeral(emu, drawn)
    assert f"#{poll_id}" in note
    assert emu.views(drawn) == []
    assert await running.repo.get_poll(poll_id) is None


async def test_a_poll_cannot_be_created_in_a_dm(running: RunningBot, emu: SlackEmulator) -> None:
    await running.driver.slash_command(ORGANISER, "dm", "/wishes", 'new "Which day?" "Mon" "Tue"')
    await running.settle()
    assert "direct message" in last_ephemeral(emu, ORGANISER)
    assert await running.repo.polls_with_status() == []
    assert text_of([c.args for c in emu.calls_to("chat.postMessage")]) == ""
