"""Reminders and closing on time, end to end, with short durations."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ShiftableClock
from bot.domain.model import PollStatus, ReminderStatus
from bot.domain.schedule import WorkingHours
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, BotFactory, RunningBot
from tests.e2e.helpers import last_ephemeral, reminded, reminders_sent
from tests.e2e.test_poll_lifecycle import create_quick_poll


def reminded_here(emu: SlackEmulator, poll_id: int) -> Counter[str]:
    """Reminders per person of #general for the poll."""
    return reminded(emu, poll_id, [ORGANISER, *PEOPLE])


async def test_manual_round_reaches_exactly_the_non_respondents(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await create_quick_poll(running, emu, 'new "Lunch?" "Pizza" "Soup" remind:off')
    (message,) = emu.messages(CHANNEL)
    await running.driver.click(PEOPLE[0], message, "Pizza")
    await running.driver.click(PEOPLE[1], message, "Soup")
    await running.settle()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remind {poll_id}")
    await running.settle()
    assert reminded_here(emu, poll_id) == Counter(dict.fromkeys(PEOPLE[2:], 1))
    dm = emu.dm_messages(PEOPLE[2])[-1]
    assert "Lunch?" in str(dm.blocks) and ORGANISER in str(dm.blocks)


async def test_cap_of_two_and_opt_out_hold(running: RunningBot, emu: SlackEmulator) -> None:
    poll_id = await create_quick_poll(running, emu, 'new "Lunch?" "Pizza" "Soup" remind:off')
    for _ in range(3):
        await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remind {poll_id}")
        await running.settle()
        if _ == 0:
            opt_out_dm = emu.dm_messages(PEOPLE[0])[-1]
            await running.driver.click(PEOPLE[0], opt_out_dm, action_id="poll.opt_out")
            await running.settle()
    counts = reminded_here(emu, poll_id)
    assert counts[PEOPLE[0]] == 1  # opted out after the first
    assert all(counts[p] == 2 for p in PEOPLE[1:])  # never more than two
    assert counts[ORGANISER] == 0


async def test_answering_from_the_reminder_dm_works(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await create_quick_poll(running, emu, 'new "Lunch?" "Pizza" "Soup" remind:off')
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remind {poll_id}")
    await running.settle()
    dm = emu.dm_messages(PEOPLE[3])[-1]
    await running.driver.click(PEOPLE[3], dm, action_id="poll.answer")
    await running.settle()
    await running.driver.submit_view(PEOPLE[3], fill={"Lunch?": "Soup"})
    await running.settle()
    assert (await running.repo.counts(poll_id)).answered == 1
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remind {poll_id}")
    await running.settle()
    assert reminded_here(emu, poll_id)[PEOPLE[3]] == 1  # answered: no second reminder


async def test_automatic_rounds_and_the_close_happen_on_time(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    poll_id = await create_quick_poll(running, emu, 'new "Quick?" "Yes" "No" closes:1d remind:6h')
    (message,) = emu.messages(CHANNEL)
    await running.driver.click(PEOPLE[0], message, "Yes")
    await running.settle()
    assert reminded_here(emu, poll_id) == Counter()
    clock.advance(timedelta(hours=6, seconds=1))  # the first round
    await running.settle()
    assert reminded_here(emu, poll_id) == Counter(dict.fromkeys(PEOPLE[1:], 1))
    clock.advance(timedelta(hours=13))  # rounds 2 and 3 were due: only the latest goes out
    await running.settle()
    assert reminded_here(emu, poll_id) == Counter(dict.fromkeys(PEOPLE[1:], 2))
    assert len(emu.messages(CHANNEL)) == 1
    clock.advance(timedelta(hours=5))  # past the close
    await running.settle()
    poll = await running.repo.get_poll(poll_id)
    assert poll is not None and poll.status is PollStatus.CLOSED
    assert "1 of 6" in str(emu.messages(CHANNEL)[1].blocks)
    assert reminded_here(emu, poll_id) == Counter(dict.fromkeys(PEOPLE[1:], 2))  # at most two


async def test_rate_limits_and_server_errors_lose_nobody(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await create_quick_poll(running, emu, 'new "Lunch?" "Pizza" "Soup" remind:off')
    emu.fail("chat.postMessage", status=429, retry_after=1, times=2)
    emu.fail("conversations.open", status=500, times=2)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remind {poll_id}")
    await running.settle()
    assert reminded_here(emu, poll_id) == Counter(dict.fromkeys(PEOPLE, 1))
    assert emu.rate_limited_count >= 1


async def test_extend_moves_the_close_and_rejects_the_past(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await create_quick_poll(running, emu, 'new "Lunch?" "Pizza" "Soup" closes:1h')
    before = await running.repo.get_poll(poll_id)
    assert before is not None
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"extend {poll_id} 2h")
    await running.settle()
    after = await running.repo.get_poll(poll_id)
    assert after is not None
    assert (after.closes_at - before.closes_at).total_seconds() == 7200
    await running.driver.slash_command(
        ORGANISER, CHANNEL, "/wishes", f"extend {poll_id} 2020-01-01"
    )
    await running.settle()
    unchanged = await running.repo.get_poll(poll_id)
    assert unchanged is not None and unchanged.closes_at == after.closes_at
    await running.driver.slash_command(PEOPLE[0], CHANNEL, "/wishes", f"extend {poll_id} 1d")
    await running.settle()
    assert "only the person who created" in str(emu.ephemerals(PEOPLE[0])[-1]).lower()


async def test_round_to_2000_people_completes_while_commands_are_acked(
    start_bot: BotFactory, emu: SlackEmulator
) -> None:
    crowd = emu.populate(2000, "C0CROWD")
    emu.add_member("C0CROWD", ORGANISER)
    # Slack's limits stay on, but per second rather than per minute so that the test is quick;
    # the bot still meets 429s with Retry-After on the way.
    emu.set_rate_limit("conversations.open", 300, 1)
    emu.set_rate_limit("chat.postMessage", 300, 1)
    running: RunningBot = await start_bot()
    reply = await running.driver.slash_command(
        ORGANISER, "C0CROWD", "/wishes", 'new "Big?" "A" "B" remind:off'
    )
    await running.settle()
    polls = await running.repo.polls_with_status()
    assert len(polls) == 1, emu.ephemerals(ORGANISER)
    (poll,) = polls
    round_task = asyncio.create_task(
        running.driver.slash_command(ORGANISER, "C0CROWD", "/wishes", f"remind {poll.id}")
    )
    await round_task
    # While the round runs, commands are still acknowledged (the driver fails past 3 s).
    for _ in range(5):
        help_reply = await running.driver.slash_command(ORGANISER, "C0CROWD", "/wishes", "help")
        assert help_reply.status == 200
    await running.settle()
    totals = await running.repo.reminder_totals(poll.id)
    assert totals == {"sent": 2000}
    counts = reminded(emu, poll.id, crowd)
    assert set(counts) == set(crowd)
    assert max(counts.values()) == 1, "someone was reminded twice"
    assert reply.status == 200
    assert len(crowd) == 2000


async def test_quiet_hours_defer_a_reminder_to_the_persons_working_hours(
    start_bot: BotFactory, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    # A Monday 10:00 UTC: inside UTC's working hours, 18:00 eight hours ahead (outside).
    today = clock.now().date()
    monday = today + timedelta(days=7 - today.weekday())
    clock.set(datetime.combine(monday, time(10), tzinfo=UTC))
    hours = WorkingHours(weekdays=frozenset(range(5)), start=time(8), end=time(17))
    emu.add_user("U0NEARBY", "nearby", tz="UTC")
    emu.add_user("U0FARAWAY", "faraway", tz="Etc/GMT-8")
    emu.add_member(CHANNEL, "U0NEARBY")
    emu.add_member(CHANNEL, "U0FARAWAY")
    running = await start_bot(quiet_hours=hours)
    poll_id = await create_quick_poll(running, emu, 'new "Lunch?" "Pizza" "Soup" remind:off')
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remind {poll_id}")
    await running.settle()
    assert emu.dm_messages("U0NEARBY")
    assert not emu.dm_messages("U0FARAWAY")
    planned = await running.repo.reminders_with_status(poll_id, ReminderStatus.DUE)
    (later,) = [r for r in planned if r.user_id == "U0FARAWAY"]
    local_start = later.deliver_at.astimezone(ZoneInfo("Etc/GMT-8"))
    assert (local_start.date(), local_start.time()) == (monday + timedelta(days=1), hours.start)
    clock.set(later.deliver_at + timedelta(seconds=1))  # Tuesday 08:00 there
    await running.settle()
    assert len(emu.dm_messages("U0FARAWAY")) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('new "Lunch?" "Pizza" "Soup" remind:5s', "would be too much"),
        ('new "Lunch?" "Pizza" "Soup" closes:1d remind:1w', "would not go out before"),
        ('new "Lunch?" "Pizza" "Soup" closes:2m remind:2m', "would not go out before"),
    ],
)
async def test_reminder_intervals_that_cannot_work_are_refused(
    running: RunningBot, emu: SlackEmulator, text: str, expected: str
) -> None:
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", text)
    await running.settle()
    assert expected in last_ephemeral(emu, ORGANISER)
    assert await running.repo.polls_with_status() == []
    assert emu.messages(CHANNEL) == []


async def test_remind_and_extend_refuse_closed_and_other_peoples_polls(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await create_quick_poll(running, emu, 'new "Lunch?" "Pizza" "Soup" remind:off')
    for verb in (f"remind {poll_id}", f"extend {poll_id} 1d"):
        await running.driver.slash_command(PEOPLE[0], CHANNEL, "/wishes", verb)
        await running.settle()
        assert "Only the person who created" in last_ephemeral(emu, PEOPLE[0])
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll_id}")
    await running.settle()
    closed = await running.repo.get_poll(poll_id)
    assert closed is not None
    for verb in (f"remind {poll_id}", f"extend {poll_id} 1d"):
        await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", verb)
        await running.settle()
        assert "already closed" in last_ephemeral(emu, ORGANISER)
    assert reminders_sent(emu, poll_id) == []
    after = await running.repo.get_poll(poll_id)
    assert after is not None and after.closes_at == closed.closes_at
