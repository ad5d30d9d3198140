"""Polls about an event: closed and reminded on the event's clock, in each person's time zone."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import stop
from bot.clock import ShiftableClock
from bot.domain.model import Poll, PollStatus, ReminderStatus
from bot.domain.schedule import WorkingHours, local_to_utc
from bot.slack import ids
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, BotFactory, RunningBot
from tests.e2e.helpers import create, last_ephemeral, poll_message, reminded, shown, text_of

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
NEW_YORKER = "U0NEWYORK"
HOURS = WorkingHours()  # Mon-Fri 08:00-18:00, each in their own zone
ASKED = (*PEOPLE, NEW_YORKER)


def next_sunday(clock: ShiftableClock, weeks_ahead: int) -> date:
    """A Sunday a few weeks ahead: its fifth, third and second days before are Tue, Thu, Fri."""
    today = clock.now().date()
    return today + timedelta(days=6 - today.weekday() + 7 * weeks_ahead)


def at(day: date, hour: int, zone: ZoneInfo = HELSINKI, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute), zone)


@pytest.fixture
async def event_bot(start_bot: BotFactory, emu: SlackEmulator) -> RunningBot:
    """The bot with working hours on, and a New Yorker in #general besides the Helsinki people."""
    emu.add_user(NEW_YORKER, "newyorker", tz="America/New_York", locale="en-US")
    emu.add_member(CHANNEL, NEW_YORKER)
    return await start_bot(quiet_hours=HOURS)


def reminded_now(emu: SlackEmulator, poll: Poll) -> Counter[str]:
    return reminded(emu, poll.id, [ORGANISER, *ASKED])


def dm_local_times(emu: SlackEmulator, user: str, zone: ZoneInfo) -> list[datetime]:
    """When the person's DMs arrived, on their own clock."""
    return [
        datetime.fromtimestamp(float(message.ts), UTC).astimezone(zone)
        for message in emu.dm_messages(user)
    ]


async def settle_at(running: RunningBot, clock: ShiftableClock, moment: datetime) -> None:
    clock.set(moment)
    await running.settle()


async def test_close_and_reminders_land_on_the_events_days_in_each_persons_hours(
    event_bot: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    running = event_bot
    event = next_sunday(clock, 2)
    clock.set(at(event - timedelta(days=10), 10))
    poll = await create(running, emu, f'new "Food at the party?" "Pizza" "Sushi" event:{event}')
    assert poll.event_at == at(event, 0)
    assert poll.closes_at == at(event - timedelta(days=2), 16)
    assert poll.event_reminder_days == (5, 3)
    created = last_ephemeral(emu, ORGANISER)
    assert "reminded 5 and 3 days before the event" in created
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Pizza")
    await running.settle()

    # The round starts as the fifth day before begins anywhere; nobody hears of it at night.
    await settle_at(running, clock, at(event - timedelta(days=6), 12) + timedelta(minutes=1))
    assert reminded_now(emu, poll) == Counter()
    planned = {
        r.user_id: r.deliver_at
        for r in await running.repo.reminders_with_status(poll.id, ReminderStatus.DUE)
    }
    fifth = event - timedelta(days=5)
    assert planned == {
        **{person: at(fifth, 8) for person in PEOPLE[1:]},
        NEW_YORKER: at(fifth, 8, NEW_YORK),
    }

    await settle_at(running, clock, at(fifth, 8) + timedelta(seconds=1))
    assert reminded_now(emu, poll) == Counter(dict.fromkeys(PEOPLE[1:], 1))
    await settle_at(running, clock, at(fifth, 8, NEW_YORK) + timedelta(seconds=1))
    assert reminded_now(emu, poll) == Counter(dict.fromkeys(ASKED[1:], 1))

    await running.driver.click(PEOPLE[1], poll_message(emu, poll), "Sushi")
    await running.settle()
    third = event - timedelta(days=3)
    await settle_at(running, clock, at(third, 8) + timedelta(seconds=1))
    await settle_at(running, clock, at(third, 8, NEW_YORK) + timedelta(seconds=1))
    expected = Counter({**dict.fromkeys(ASKED[1:], 1), **dict.fromkeys(ASKED[2:], 2)})
    assert reminded_now(emu, poll) == expected

    for person in PEOPLE[2:]:
        arrived = dm_local_times(emu, person, HELSINKI)
        assert [(a.date(), a.hour, a.minute) for a in arrived] == [(fifth, 8, 0), (third, 8, 0)]
    arrived = dm_local_times(emu, NEW_YORKER, NEW_YORK)
    assert [(a.date(), a.hour, a.minute) for a in arrived] == [(fifth, 8, 0), (third, 8, 0)]

    await settle_at(running, clock, poll.closes_at - timedelta(seconds=1))
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None and stored.status is PollStatus.OPEN
    await settle_at(running, clock, poll.closes_at + timedelta(seconds=1))
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None and stored.status is PollStatus.CLOSED
    summary = shown(emu.messages(CHANNEL)[-1])
    assert "Closed 2 days before the event on" in summary
    assert reminded_now(emu, poll) == expected  # at most two each, as always


async def test_the_poll_message_shows_the_event_date_as_a_date_token(
    event_bot: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    event = next_sunday(clock, 2)
    clock.set(at(event - timedelta(days=10), 10))
    poll = await create(event_bot, emu, f'new "Food?" "Pizza" "Sushi" event:{event}')
    noon = int(at(event, 12).timestamp())
    text = text_of(poll_message(emu, poll).blocks)
    assert f"Event: <!date^{noon}^{{date_long}}|{event.isoformat()}>" in text
    # Read anywhere from New York to Tokyo, noon in Helsinki is the same date.
    for zone in ("America/New_York", "Asia/Tokyo", "America/Los_Angeles"):
        assert datetime.fromtimestamp(noon, ZoneInfo(zone)).date() == event

    timed = await create(
        event_bot, emu, f'new "Drinks?" "Yes" "No" tapahtuma:{event:%d.%m.%Y} 18.30'
    )
    starts = int(at(event, 18, minute=30).timestamp())
    assert timed.event_has_time
    expected = f"<!date^{starts}^{{date_long}} {{time}}|{event.isoformat()} 18:30>"
    assert expected in text_of(poll_message(emu, timed).blocks)


async def test_an_event_two_days_away_closes_the_day_before_without_reminders(
    event_bot: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    event = next_sunday(clock, 1)
    clock.set(at(event - timedelta(days=2), 9))
    poll = await create(event_bot, emu, f'new "Food?" "Pizza" "Sushi" event:{event}')
    assert poll.closes_at == at(event - timedelta(days=1), 16)
    assert (poll.event_reminder_days, poll.remind_every) == ((), None)
    assert "No reminders will be sent" in last_ephemeral(emu, ORGANISER)
    await settle_at(event_bot, clock, poll.closes_at + timedelta(seconds=1))
    summary = shown(emu.messages(CHANNEL)[-1])
    assert "Closed 1 day before the event on" in summary
    assert reminded_now(emu, poll) == Counter()


async def test_an_event_four_days_away_skips_the_five_day_reminder(
    event_bot: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    event = next_sunday(clock, 1)
    clock.set(at(event - timedelta(days=4), 10))  # the Wednesday
    poll = await create(event_bot, emu, f'new "Food?" "Pizza" "Sushi" event:{event}')
    assert poll.event_reminder_days == (3,)
    await event_bot.settle()
    assert reminded_now(emu, poll) == Counter()
    third = event - timedelta(days=3)
    await settle_at(event_bot, clock, at(third, 8, NEW_YORK) + timedelta(seconds=1))
    assert reminded_now(emu, poll) == Counter(dict.fromkeys(ASKED, 1))
    await settle_at(event_bot, clock, poll.closes_at + timedelta(seconds=1))
    assert reminded_now(emu, poll) == Counter(dict.fromkeys(ASKED, 1))


@pytest.mark.parametrize("days_ago", [0, 3], ids=["today", "past"])
async def test_an_event_today_or_past_is_refused(
    event_bot: RunningBot, emu: SlackEmulator, clock: ShiftableClock, days_ago: int
) -> None:
    event = next_sunday(clock, 1)
    clock.set(at(event, 9))
    day = event - timedelta(days=days_ago)
    reply = await event_bot.driver.slash_command(
        ORGANISER, CHANNEL, "/wishes", f'new "Food?" "Pizza" "Sushi" event:{day}'
    )
    assert reply.status == 200
    await event_bot.settle()
    assert f"The event date {day.isoformat()} is today or already past" in last_ephemeral(
        emu, ORGANISER
    )
    assert await event_bot.repo.polls_with_status() == []


async def test_closes_and_remind_chosen_by_the_organiser_win(
    event_bot: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    event = next_sunday(clock, 2)
    clock.set(at(event - timedelta(days=10), 10))
    close = event - timedelta(days=4)
    poll = await create(
        event_bot, emu, f'new "Food?" "Pizza" "Sushi" event:{event} closes:{close} 12:00 remind:2d'
    )
    assert poll.closes_at == at(close, 12)
    assert (poll.remind_every, poll.event_reminder_days) == (timedelta(days=2), ())
    only_close = await create(
        event_bot, emu, f'new "Drinks?" "Yes" "No" event:{event} closes:{close}'
    )
    assert only_close.closes_at == at(close, 23, minute=59)
    assert only_close.event_reminder_days == (5,)  # the three-day round falls after the close

    reply = await event_bot.driver.slash_command(
        ORGANISER, CHANNEL, "/wishes", f'new "Cake?" "Yes" "No" event:{event} closes:3w'
    )
    assert reply.status == 200
    await event_bot.settle()
    assert "after the event begins" in last_ephemeral(emu, ORGANISER)
    assert len(await event_bot.repo.polls_with_status()) == 2


async def test_extend_moves_an_event_polls_close_and_keeps_its_reminders(
    event_bot: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    event = next_sunday(clock, 2)
    clock.set(at(event - timedelta(days=10), 10))
    poll = await create(event_bot, emu, f'new "Food?" "Pizza" "Sushi" event:{event}')
    await event_bot.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"extend {poll.id} 1d")
    await event_bot.settle()
    extended = await event_bot.repo.get_poll(poll.id)
    assert extended is not None and extended.closes_at == poll.closes_at + timedelta(days=1)
    assert extended.event_reminder_days == (5, 3)
    for days_before in (5, 3):
        day = event - timedelta(days=days_before)
        await settle_at(event_bot, clock, at(day, 8, NEW_YORK) + timedelta(seconds=1))
    assert reminded_now(emu, poll) == Counter(dict.fromkeys(ASKED, 2))
    await settle_at(event_bot, clock, poll.closes_at + timedelta(seconds=1))
    still = await event_bot.repo.get_poll(poll.id)
    assert still is not None and still.status is PollStatus.OPEN
    await settle_at(event_bot, clock, extended.closes_at + timedelta(seconds=1))
    assert "Closed 1 day before the event on" in shown(emu.messages(CHANNEL)[-1])


async def test_the_form_takes_an_event_date_and_refuses_one_today_inline(
    event_bot: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    event = next_sunday(clock, 2)
    clock.set(at(event - timedelta(days=10), 10))
    await event_bot.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no create form")
    labels = text_of(emu.views(ORGANISER)[-1].blocks)
    assert "Event date" in labels and "Event time" in labels
    today = clock.now().astimezone(HELSINKI).date()
    reply = await event_bot.driver.submit_view(
        ORGANISER,
        fill={
            ids.question_text_block_id(0): "Food?",
            ids.question_options_block_id(0): "Pizza\nSushi",
            ids.EVENT_DATE_BLOCK: today.isoformat(),
        },
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert "today or already past" in reply.body["errors"][ids.EVENT_DATE_BLOCK]
    reply = await event_bot.driver.submit_view(
        ORGANISER,
        fill={ids.EVENT_DATE_BLOCK: event.isoformat(), ids.EVENT_TIME_BLOCK: "18:00"},
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await event_bot.settle()
    (poll,) = await event_bot.repo.polls_with_status()
    assert (poll.event_at, poll.event_has_time) == (at(event, 18), True)
    assert poll.closes_at == at(event - timedelta(days=2), 16)
    assert poll.event_reminder_days == (5, 3)


async def test_the_reminder_plan_survives_a_restart(
    start_bot: BotFactory, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    emu.add_user(NEW_YORKER, "newyorker", tz="America/New_York", locale="en-US")
    emu.add_member(CHANNEL, NEW_YORKER)
    first = await start_bot(quiet_hours=HOURS)
    event = next_sunday(clock, 2)
    clock.set(at(event - timedelta(days=10), 10))
    poll = await create(first, emu, f'new "Food?" "Pizza" "Sushi" event:{event}')
    await stop(first.bot)

    again = await start_bot(quiet_hours=HOURS)
    fifth = event - timedelta(days=5)
    await settle_at(again, clock, at(fifth, 8, NEW_YORK) + timedelta(seconds=1))
    assert reminded_now(emu, poll) == Counter(dict.fromkeys(ASKED, 1))
    arrived = dm_local_times(emu, NEW_YORKER, NEW_YORK)
    assert [(a.date(), a.hour, a.minute) for a in arrived] == [(fifth, 8, 0)]
    await settle_at(again, clock, poll.closes_at + timedelta(seconds=1))
    assert "Closed 2 days before the event on" in shown(emu.messages(CHANNEL)[-1])


async def test_interim_results_tell_the_organiser_when_the_next_reminder_goes_out(
    event_bot: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    event = next_sunday(clock, 2)
    clock.set(at(event - timedelta(days=10), 10))
    poll = await create(event_bot, emu, f'new "Food?" "Pizza" "Sushi" event:{event}')
    await event_bot.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"results {poll.id}")
    await event_bot.settle()
    # Not when the round is planned (the day before), but when it reaches people here.
    fifth = int(at(event - timedelta(days=5), 8).timestamp())
    assert f"Next reminder <!date^{fifth}^" in last_ephemeral(emu, ORGANISER)


async def test_an_organiser_in_new_york_closes_on_new_yorks_clock_and_helsinki_is_reminded_on_its(
    event_bot: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    event = next_sunday(clock, 2)
    clock.set(at(event - timedelta(days=10), 18))  # 11:00 in New York
    poll = await create(
        event_bot, emu, f'new "Food?" "Pizza" "Sushi" event:{event} 19:00', user=NEW_YORKER
    )
    # The event's date and time and the close are the organiser's: 16:00 in New York.
    assert poll.event_at == at(event, 19, NEW_YORK)
    assert poll.closes_at == at(event - timedelta(days=2), 16, NEW_YORK)
    assert poll.event_reminder_days == (5, 3)
    asked = [ORGANISER, *PEOPLE]  # in Helsinki; the organiser in New York is not reminded
    # Each round reaches Helsinki at 08:00 there, not a second before.
    for days_before, rounds_before in ((5, 0), (3, 1)):
        day = event - timedelta(days=days_before)
        await settle_at(event_bot, clock, at(day, 8) - timedelta(seconds=1))
        expected = Counter(dict.fromkeys(asked, rounds_before)) if rounds_before else Counter()
        assert reminded(emu, poll.id, [*asked, NEW_YORKER]) == expected
        await settle_at(event_bot, clock, at(day, 8) + timedelta(seconds=1))
        assert reminded(emu, poll.id, [*asked, NEW_YORKER]) == Counter(
            dict.fromkeys(asked, rounds_before + 1)
        )
    for person in asked:
        arrived = [(a.date(), a.hour) for a in dm_local_times(emu, person, HELSINKI)]
        assert arrived == [(event - timedelta(days=5), 8), (event - timedelta(days=3), 8)]

    # Friday 16:00 in New York is 23:00 in Helsinki: still open a second before, closed after.
    await settle_at(event_bot, clock, poll.closes_at - timedelta(seconds=1))
    still = await event_bot.repo.get_poll(poll.id)
    assert still is not None and still.status is PollStatus.OPEN
    await settle_at(event_bot, clock, poll.closes_at + timedelta(seconds=1))
    closed = await event_bot.repo.get_poll(poll.id)
    assert closed is not None and closed.status is PollStatus.CLOSED
    assert "Closed 2 days before the event on" in shown(emu.messages(CHANNEL)[-1])
