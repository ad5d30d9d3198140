"""Recurring polls end to end on a controlled clock: occurrences on their schedule, restarts and
downtime, stopping, the comparison with the previous occurrence, and the audience of the day."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import stop
from bot.clock import ShiftableClock
from bot.domain.model import Poll, PollStatus
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, BotFactory, RunningBot
from tests.e2e.helpers import channel_posts, create, last_ephemeral, poll_message, text_of

WEEK = timedelta(weeks=1)
WEEKLY = '"Which session next?" "Workshop" "Lunch" every:week closes:2d remind:off'


async def occurrences(running: RunningBot, series_id: int | None) -> list[Poll]:
    """The series' polls, oldest first."""
    polls = await running.repo.polls_with_status()
    return sorted((p for p in polls if p.series_id == series_id), key=lambda p: p.id)


async def settle_at(running: RunningBot, clock: ShiftableClock, moment: datetime) -> None:
    clock.set(moment)
    await running.settle()


async def vote(running: RunningBot, emu: SlackEmulator, poll: Poll, votes: dict[str, str]) -> None:
    message = poll_message(emu, poll)
    for user, label in votes.items():
        reply = await running.driver.click(user, message, label)
        assert reply.status == 200
    await running.settle()


def summary_of(emu: SlackEmulator, poll: Poll) -> str:
    """The text of a poll's summary message (its first part)."""
    found = [
        text_of(m.blocks)
        for m in channel_posts(emu)
        if f"Results of poll #{poll.id}" in text_of(m.blocks)
    ]
    assert found, f"no summary of poll #{poll.id}"
    return found[0]


def posted_questions(emu: SlackEmulator) -> list[str]:
    """The ts of every poll message in the channel (every post that is no summary), in order."""
    return [m.ts for m in channel_posts(emu) if "Results of poll" not in text_of(m.blocks)]


def summary_link(emu: SlackEmulator, poll: Poll) -> str:
    head = next(m for m in channel_posts(emu) if f"Results of poll #{poll.id}" in text_of(m.blocks))
    return f"https://wishbot-test.slack.com/archives/{CHANNEL}/p{head.ts.replace('.', '')}"


async def test_a_weekly_series_across_a_restart_compares_each_time_and_stops(
    start_bot: BotFactory, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    first_bot = await start_bot()
    started = clock.now()
    first = await create(first_bot, emu, WEEKLY)
    assert first.series_id is not None
    assert "It repeats every week; the next one starts" in last_ephemeral(emu, ORGANISER)
    series = await first_bot.repo.get_series(first.series_id)
    assert series is not None and series.next_number == 1
    # Helsinki keeps its winter time all along: a week is seven days of 24 hours.
    assert series.next_start_at == series.first_start_at + WEEK
    first_start = series.first_start_at
    await vote(first_bot, emu, first, {PEOPLE[0]: "Workshop", PEOPLE[1]: "Workshop"})
    await vote(first_bot, emu, first, {PEOPLE[2]: "Workshop", PEOPLE[3]: "Lunch"})
    await settle_at(first_bot, clock, first.closes_at + timedelta(seconds=1))
    assert "Compared with" not in summary_of(emu, first)

    # A week on, the second occurrence: a new poll, the same question, options and duration.
    await settle_at(first_bot, clock, started + WEEK + timedelta(seconds=1))
    _, second = await occurrences(first_bot, first.series_id)
    assert second.questions == first.questions and second.id != first.id
    assert second.closes_at - second.opened_at == timedelta(days=2)
    assert second.remind_every is None
    votes = dict.fromkeys(PEOPLE, "Workshop")
    await vote(first_bot, emu, second, votes)
    await settle_at(first_bot, clock, second.closes_at + timedelta(seconds=1))
    text = summary_of(emu, second)
    link = summary_link(emu, first)
    assert f"Compared with the last time (<{link}|#{first.id}>): response rate 67% → 83%" in text
    assert "_Since last time:_ Workshop 3 → 5 · Lunch 1 → 0" in text

    # The bot is down over the third start; started again it makes that occurrence once.
    await stop(first_bot.bot)
    clock.set(started + 2 * WEEK + timedelta(hours=1))
    again = await start_bot()
    await again.settle()
    await again.settle()
    polls = await occurrences(again, first.series_id)
    assert [p.id for p in polls[:2]] == [first.id, second.id] and len(polls) == 3
    third = polls[2]
    # Each occurrence posted once, the restart not making one twice.
    assert posted_questions(emu) == [p.message_ts for p in polls]
    await vote(again, emu, third, {PEOPLE[0]: "Lunch", PEOPLE[1]: "Workshop"})
    await vote(again, emu, third, {PEOPLE[2]: "Lunch"})
    await settle_at(again, clock, third.closes_at + timedelta(seconds=1))
    text = summary_of(emu, third)
    link = summary_link(emu, second)
    assert f"Compared with the last time (<{link}|#{second.id}>): response rate 83% → 50%" in text
    assert "_Since last time:_ Lunch 0 → 2 · Workshop 5 → 1" in text

    # After a long downtime only the latest missed occurrence starts, once.
    await stop(again.bot)
    clock.set(started + 5 * WEEK + timedelta(hours=2))
    later = await start_bot()
    await later.settle()
    polls = await occurrences(later, first.series_id)
    assert len(polls) == 4
    assert posted_questions(emu) == [p.message_ts for p in polls]
    series = await later.repo.get_series(first.series_id)
    assert series is not None and series.next_number == 6
    assert series.next_start_at == first_start + 6 * WEEK

    # Someone else cannot stop it; the organiser can, and the open poll runs to its close.
    open_poll = polls[3]
    await later.driver.slash_command(PEOPLE[0], CHANNEL, "/wishes", f"stop {open_poll.id}")
    await later.settle()
    assert "Only the person who set up the recurring poll" in last_ephemeral(emu, PEOPLE[0])
    await later.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"stop {first.id}")
    await later.settle()
    assert "The recurring poll is stopped" in last_ephemeral(emu, ORGANISER)
    series = await later.repo.get_series(first.series_id)
    assert series is not None and series.stopped_at is not None
    assert (await later.repo.get_poll(open_poll.id)).status is PollStatus.OPEN  # type: ignore[union-attr]  # the poll exists
    await settle_at(later, clock, started + 8 * WEEK)
    assert len(await occurrences(later, first.series_id)) == 4
    assert (await later.repo.get_poll(open_poll.id)).status is PollStatus.CLOSED  # type: ignore[union-attr]  # the poll exists


async def test_the_list_shows_a_series_with_its_next_start(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, WEEKLY)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "list")
    await running.settle()
    shown = last_ephemeral(emu, ORGANISER)
    series = await running.repo.get_series(poll.series_id)  # type: ignore[arg-type]  # a series' poll has its id
    assert series is not None
    # The series starts when it is made, a moment before its first poll opens.
    assert poll.opened_at - series.first_start_at < timedelta(seconds=5)
    start = int((series.first_start_at + WEEK).timestamp())
    assert "Recurring polls" in shown
    assert f"Which session next?\nevery week · next <!date^{start}^" in shown


async def test_a_sample_series_prefers_people_not_drawn_last_time(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    started = clock.now()
    first = await create(running, emu, '"How was the week?" rating sample:3 every:week')
    drawn = [set(await running.repo.members_of(first.id))]
    for week in (1, 2):
        await settle_at(running, clock, started + week * WEEK + timedelta(seconds=1))
        latest = (await occurrences(running, first.series_id))[-1]
        drawn.append(set(await running.repo.members_of(latest.id)))
    assert [len(people) for people in drawn] == [3, 3, 3]
    # Three of five each time: the two not drawn last time are drawn, and one of the others.
    for last, now in itertools.pairwise(drawn):
        assert set(PEOPLE) - last <= now and len(now & last) == 1


async def test_a_channel_series_asks_the_channels_members_of_the_day(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    started = clock.now()
    first = await create(running, emu, WEEKLY)
    emu.add_user("U0NEWBIE", "newbie", tz="Europe/Helsinki")
    emu.add_member(CHANNEL, "U0NEWBIE")
    emu.remove_member(CHANNEL, PEOPLE[4])
    await settle_at(running, clock, started + WEEK + timedelta(seconds=1))
    _, second = await occurrences(running, first.series_id)
    before = set(await running.repo.members_of(first.id))
    now = set(await running.repo.members_of(second.id))
    assert now == before - {PEOPLE[4]} | {"U0NEWBIE"}


async def test_a_fixed_close_date_or_an_event_cannot_repeat(
    running: RunningBot, emu: SlackEmulator
) -> None:
    for text, refusal in (
        ('"Q?" "A" "B" every:week closes:2030-01-01', "give `closes:` as a duration"),
        ('"Q?" "A" "B" every:week event:2030-01-01', "A poll about one event cannot repeat"),
        ('"Q?" "A" "B" every:fortnight', "is not a repeat I know"),
    ):
        await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", text)
        await running.settle()
        assert refusal in last_ephemeral(emu, ORGANISER)
    assert await running.repo.polls_with_status() == []
    assert await running.repo.active_series_of(ORGANISER) == []


async def test_stop_of_a_poll_that_does_not_repeat_says_so(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, '"Q?" "A" "B"')
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"lopeta {poll.id}")
    await running.settle()
    assert f"Poll #{poll.id} does not repeat" in last_ephemeral(emu, ORGANISER)


async def test_the_form_plans_a_series_from_its_first_start_date(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    from bot.slack import ids

    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no create form")
    assert "Repeat" in text_of(emu.views(ORGANISER)[-1].blocks)
    helsinki = ZoneInfo("Europe/Helsinki")
    first_day = (clock.now().astimezone(helsinki) + timedelta(days=3)).date()
    question = {
        ids.question_text_block_id(0): "Team lunch where?",
        ids.question_options_block_id(0): "Pizza\nSushi",
        ids.REPEAT_BLOCK: "2w",
        ids.FIRST_START_DATE_BLOCK: first_day.isoformat(),
        ids.FIRST_START_TIME_BLOCK: "09:30",
    }
    # A fixed closing date cannot repeat: refused in the form, under the date.
    reply = await running.driver.submit_view(
        ORGANISER, fill={**question, ids.CLOSE_DATE_BLOCK: first_day.isoformat()}
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert "as a duration" in reply.body["errors"][ids.CLOSE_DATE_BLOCK]
    reply = await running.driver.submit_view(
        ORGANISER, fill={**question, ids.CLOSE_DATE_BLOCK: None}
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    assert await running.repo.polls_with_status() == []
    first_at = datetime.combine(first_day, time(9, 30), tzinfo=helsinki)
    assert "The recurring poll is set up" in last_ephemeral(emu, ORGANISER)
    (series,) = await running.repo.active_series_of(ORGANISER)
    assert series.next_start_at == first_at and series.every.value == "2w"
    await settle_at(running, clock, first_at + timedelta(seconds=1))
    (first,) = await occurrences(running, series.id)
    assert first.questions[0].options == ("Pizza", "Sushi")
    (series,) = await running.repo.active_series_of(ORGANISER)
    assert series.next_start_at == first_at + 2 * WEEK


@pytest.mark.postgresql_only
async def test_two_replicas_start_each_occurrence_once(
    start_bot: BotFactory, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    one = await start_bot()
    other = await start_bot()
    started = clock.now()
    first = await create(one, emu, WEEKLY)
    for week in (1, 2, 3):
        clock.set(started + week * WEEK + timedelta(seconds=1))
        one.bot.runner.queue.wake()
        other.bot.runner.queue.wake()
        for _ in range(2):
            await one.settle()
            await other.settle()
        assert len(await occurrences(other, first.series_id)) == week + 1
    # Each occurrence posted once: one poll message per poll, no stray second post.
    polls = await occurrences(one, first.series_id)
    questions = [m for m in channel_posts(emu) if m.ts in {p.message_ts for p in polls}]
    assert len(questions) == len(polls) == 4
    assert sum("Results of poll" not in text_of(m.blocks) for m in channel_posts(emu)) == 4


async def test_an_occurrence_that_cannot_start_is_told_to_the_organiser_and_the_series_goes_on(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    started = clock.now()
    first = await create(running, emu, WEEKLY)
    emu.channel(CHANNEL).archived = True
    await settle_at(running, clock, started + WEEK + timedelta(seconds=1))
    assert len(await occurrences(running, first.series_id)) == 1
    (note,) = [text_of(m.blocks) for m in emu.dm_messages(ORGANISER) if "recurring" in m.text]
    assert "“Which session next?” could not start this time" in note
    assert "archived" in note
    emu.channel(CHANNEL).archived = False
    await settle_at(running, clock, started + 2 * WEEK + timedelta(seconds=1))
    assert len(await occurrences(running, first.series_id)) == 2


async def test_a_series_to_people_and_groups_resolves_the_groups_again(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    emu.add_usergroup("S0DESIGN", "design", [PEOPLE[2], PEOPLE[3]])
    started = clock.now()
    first = await create(
        running,
        emu,
        f'"Design review slot?" "Mon" "Tue" to:<@{PEOPLE[0]}> <!subteam^S0DESIGN> every:week',
    )
    assert set(await running.repo.members_of(first.id)) == {
        ORGANISER,
        PEOPLE[0],
        PEOPLE[2],
        PEOPLE[3],
    }
    emu.add_usergroup("S0DESIGN", "design", [PEOPLE[3], PEOPLE[4]])
    await settle_at(running, clock, started + WEEK + timedelta(seconds=1))
    _, second = await occurrences(running, first.series_id)
    assert set(await running.repo.members_of(second.id)) == {
        ORGANISER,
        PEOPLE[0],
        PEOPLE[3],
        PEOPLE[4],
    }
