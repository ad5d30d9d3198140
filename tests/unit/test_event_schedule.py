"""Tests of an event poll's times: its close, its reminder rounds and each person's delivery."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidPollInput
from bot.domain.event_schedule import (
    EVENT_REMINDER_DAYS,
    days_before_event,
    event_delivery_time,
    event_token_time,
    latest_due_auto_round,
    next_auto_round,
    plan_event,
    resolve_times,
    round_day,
    round_start,
)
from bot.domain.model import AbsoluteClose, Poll, PollDraft, Question, QuestionKind
from bot.domain.schedule import WorkingHours, local_to_utc
from bot.domain.validation import CLOSE_FIELD, EVENT_FIELD
from tests.unit.factories import make_poll, parse_error, parse_new_poll

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
# Sunday 14 March 2027; its fifth, third and second days before are Tuesday to Friday.
EVENT = AbsoluteClose(2027, 3, 14)
EVENT_DAY = date(2027, 3, 14)
HOURS = WorkingHours()  # Mon-Fri 08:00-18:00


def helsinki(day: int, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(date(2027, 3, day), time(hour, minute), HELSINKI)


def test_an_event_closes_two_days_before_at_16_and_reminds_five_and_three_days_before() -> None:
    plan = plan_event(EVENT, helsinki(1, 10), HELSINKI, close=None, event_reminders=True)
    assert plan.event_at == helsinki(14, 0)
    assert not plan.has_time
    assert plan.closes_at == helsinki(12, 16)
    assert plan.reminder_days == EVENT_REMINDER_DAYS == (5, 3)


def test_an_event_with_a_time_starts_then() -> None:
    event = AbsoluteClose(2027, 3, 14, 18, 30)
    plan = plan_event(event, helsinki(1, 10), HELSINKI, close=None, event_reminders=True)
    assert (plan.event_at, plan.has_time) == (helsinki(14, 18, 30), True)
    assert plan.closes_at == helsinki(12, 16)


@pytest.mark.parametrize(
    ("now", "days"),
    [
        (helsinki(8, 23, 59), (5, 3)),  # the fifth day before is tomorrow
        (helsinki(9, 0, 1), (3,)),  # four days away: the five-day round is past
        (helsinki(10, 12), (3,)),
        (helsinki(11, 9), ()),  # three days away: both are today or past
    ],
    ids=["six-days", "five-days", "four-days", "three-days"],
)
def test_reminder_rounds_on_days_already_begun_are_left_out(
    now: datetime, days: tuple[int, ...]
) -> None:
    plan = plan_event(EVENT, now, HELSINKI, close=None, event_reminders=True)
    assert plan.reminder_days == days


def test_an_event_three_days_away_still_closes_two_days_before() -> None:
    plan = plan_event(EVENT, helsinki(11, 17), HELSINKI, close=None, event_reminders=True)
    assert plan.closes_at == helsinki(12, 16)


@pytest.mark.parametrize("day", [12, 13], ids=["two-days", "tomorrow"])
def test_an_event_less_than_three_days_away_closes_the_day_before(day: int) -> None:
    plan = plan_event(EVENT, helsinki(day, 9), HELSINKI, close=None, event_reminders=True)
    assert plan.closes_at == helsinki(13, 16)
    assert plan.reminder_days == ()


def test_an_event_tomorrow_asked_after_16_closes_when_the_event_begins() -> None:
    event = AbsoluteClose(2027, 3, 14, 10, 0)
    plan = plan_event(event, helsinki(13, 17), HELSINKI, close=None, event_reminders=True)
    assert plan.closes_at == plan.event_at == helsinki(14, 10)


@pytest.mark.parametrize(
    "now",
    [helsinki(14, 0, 1), helsinki(14, 23, 59), helsinki(20, 9)],
    ids=["today", "late-today", "past"],
)
def test_an_event_today_or_past_is_refused(now: datetime) -> None:
    with pytest.raises(InvalidPollInput) as caught:
        plan_event(EVENT, now, HELSINKI, close=None, event_reminders=True)
    assert (caught.value.message_key, caught.value.field) == ("error.event_not_ahead", EVENT_FIELD)


def test_the_event_date_is_the_organisers_date() -> None:
    # 23:30 on the 13th in New York is already the 14th in Helsinki: today there.
    now = local_to_utc(date(2027, 3, 13), time(23, 30), NEW_YORK)
    assert plan_event(EVENT, now, NEW_YORK, close=None, event_reminders=True)
    with pytest.raises(InvalidPollInput):
        plan_event(EVENT, now, HELSINKI, close=None, event_reminders=True)


def test_a_chosen_close_wins_and_rounds_after_it_are_left_out() -> None:
    close = AbsoluteClose(2027, 3, 10, 12, 0)
    plan = plan_event(EVENT, helsinki(1, 10), HELSINKI, close=close, event_reminders=True)
    assert plan.closes_at == helsinki(10, 12)
    assert plan.reminder_days == (5,)
    within = plan_event(
        EVENT, helsinki(1, 10), HELSINKI, close=timedelta(days=2), event_reminders=True
    )
    assert within.closes_at == helsinki(3, 10)
    assert within.reminder_days == ()


@pytest.mark.parametrize(
    "close",
    [AbsoluteClose(2027, 3, 14), AbsoluteClose(2027, 3, 14, 0, 1), timedelta(weeks=3)],
    ids=["event-day", "a-minute-in", "duration"],
)
def test_a_close_after_the_event_begins_is_refused(close: AbsoluteClose | timedelta) -> None:
    with pytest.raises(InvalidPollInput) as caught:
        plan_event(EVENT, helsinki(1, 10), HELSINKI, close=close, event_reminders=True)
    assert (caught.value.message_key, caught.value.field) == (
        "error.close_after_event",
        CLOSE_FIELD,
    )


def test_chosen_reminders_replace_the_event_rounds() -> None:
    draft = PollDraft(
        questions=(Question("Food?", QuestionKind.TEXT),),
        event=EVENT,
        remind_every=timedelta(days=2),
        remind_explicit=True,
    )
    times = resolve_times(draft, helsinki(1, 10), HELSINKI)
    assert times.remind_every == timedelta(days=2)
    assert times.event is not None and times.event.reminder_days == ()
    off = resolve_times(dataclasses.replace(draft, remind_every=None), helsinki(1, 10), HELSINKI)
    assert off.remind_every is None
    assert off.event is not None and off.event.reminder_days == ()


def test_a_draft_without_event_keeps_its_own_times() -> None:
    draft = PollDraft(questions=(Question("Food?", QuestionKind.TEXT),))
    times = resolve_times(draft, helsinki(1, 10), HELSINKI)
    assert (times.closes_at, times.remind_every, times.event) == (
        helsinki(4, 10),
        timedelta(days=1),
        None,
    )


def test_a_round_starts_as_its_day_begins_anywhere() -> None:
    start = round_start(EVENT_DAY, 5)
    assert start == datetime(2027, 3, 8, 10, 0, tzinfo=UTC)  # 9 March 00:00 at UTC+14
    for zone in (HELSINKI, NEW_YORK, TOKYO, ZoneInfo("Pacific/Kiritimati")):
        assert start <= local_to_utc(date(2027, 3, 9), HOURS.start, zone)


@pytest.mark.parametrize("zone", [HELSINKI, NEW_YORK, TOKYO], ids=str)
def test_each_person_gets_a_round_at_the_start_of_their_working_day(zone: ZoneInfo) -> None:
    day = date(2027, 3, 9)
    at = event_delivery_time(day, zone, HOURS, helsinki(12, 16), round_start(EVENT_DAY, 5))
    assert at == local_to_utc(day, time(8), zone)


def test_a_round_on_a_weekend_goes_out_the_working_day_before() -> None:
    saturday = date(2027, 3, 13)
    now = round_start(date(2027, 3, 18), 5)
    at = event_delivery_time(saturday, HELSINKI, HOURS, helsinki(16, 16), now)
    # Friday, as soon as the round has started (the Saturday begins at UTC+14 on Friday noon).
    assert at == helsinki(12, 12)
    assert at is not None and HOURS.contains(at.astimezone(HELSINKI))


def test_a_round_started_late_goes_out_at_once_in_working_hours_or_at_the_next_start() -> None:
    day = date(2027, 3, 9)
    close = helsinki(12, 16)
    assert event_delivery_time(day, HELSINKI, HOURS, close, helsinki(9, 11)) == helsinki(9, 11)
    assert event_delivery_time(day, HELSINKI, HOURS, close, helsinki(9, 19)) == helsinki(10, 8)


def test_a_round_that_cannot_go_out_before_the_close_is_skipped() -> None:
    day = date(2027, 3, 12)
    now = round_start(EVENT_DAY, 2)
    assert event_delivery_time(day, NEW_YORK, HOURS, helsinki(12, 12), now) is None


def test_without_working_hours_a_round_goes_out_in_the_morning() -> None:
    day = date(2027, 3, 9)
    at = event_delivery_time(day, NEW_YORK, None, helsinki(12, 16), round_start(EVENT_DAY, 5))
    assert at == local_to_utc(day, time(9), NEW_YORK)


def event_poll(**changes: Any) -> Poll:
    base = make_poll(Question("Food?", QuestionKind.TEXT))
    defaults: dict[str, Any] = {
        "opened_at": helsinki(1, 10),
        "closes_at": helsinki(12, 16),
        "event_at": helsinki(14, 0),
        "event_tz": "Europe/Helsinki",
        "event_reminder_days": (5, 3),
    }
    return dataclasses.replace(base, **{**defaults, **changes})


def test_the_rounds_of_a_stored_event_poll() -> None:
    poll = event_poll()
    first, second = round_start(EVENT_DAY, 5), round_start(EVENT_DAY, 3)
    assert next_auto_round(poll, helsinki(1, 10)) == (1, first)
    assert latest_due_auto_round(poll, helsinki(1, 10)) is None
    assert latest_due_auto_round(poll, first) == (1, first)
    assert next_auto_round(poll, first) == (2, second)
    assert latest_due_auto_round(poll, helsinki(13, 9)) == (2, second)
    assert next_auto_round(poll, second) is None
    assert (round_day(poll, 1), round_day(poll, 2), round_day(poll, 3)) == (
        date(2027, 3, 9),
        date(2027, 3, 11),
        None,
    )


def test_a_round_after_an_earlier_close_does_not_start() -> None:
    poll = event_poll(closes_at=helsinki(10, 12))
    assert next_auto_round(poll, round_start(EVENT_DAY, 5)) is None


def test_days_before_the_event_count_the_organisers_calendar() -> None:
    poll = event_poll()
    assert days_before_event(poll, helsinki(12, 16)) == 2
    assert days_before_event(poll, helsinki(13, 23, 59)) == 1
    assert days_before_event(poll, helsinki(14, 12)) == 0
    assert days_before_event(poll, helsinki(16, 9)) == -2
    assert days_before_event(event_poll(event_at=None), helsinki(1, 1)) is None


def test_a_date_only_event_token_shows_noon_of_its_date() -> None:
    token = event_token_time(event_poll())
    assert token == helsinki(14, 12)
    for zone in (NEW_YORK, TOKYO, ZoneInfo("America/Los_Angeles")):
        assert token is not None and token.astimezone(zone).date() == EVENT_DAY
    timed = event_poll(event_at=helsinki(14, 18), event_has_time=True)
    assert event_token_time(timed) == helsinki(14, 18)


# ---- the quick syntax ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "event"),
    [
        ("event:2027-03-14", EVENT),
        ("event:2027-03-14 18:00", AbsoluteClose(2027, 3, 14, 18, 0)),
        ("event: 2027-03-14T18:00", AbsoluteClose(2027, 3, 14, 18, 0)),
        ("tapahtuma:14.3.2027", EVENT),
        ("tapahtuma:14.3.2027 18.30", AbsoluteClose(2027, 3, 14, 18, 30)),
    ],
)
def test_the_quick_syntax_reads_an_event(words: str, event: AbsoluteClose) -> None:
    draft = parse_new_poll(f'new "Food?" "Pizza" "Soup" {words} anonymous')
    assert draft.event == event
    assert not draft.close_explicit
    assert draft.anonymous


def test_a_closes_word_beside_an_event_is_the_organisers_choice() -> None:
    draft = parse_new_poll('new "Food?" event:2027-03-14 closes:3d')
    assert draft.close_explicit
    assert draft.close == timedelta(days=3)


@pytest.mark.parametrize("value", ["3d", "2027-02-30", "tomorrow", "2027-03-14 25:00"])
def test_an_event_that_is_not_a_date_is_refused(value: str) -> None:
    assert parse_error(f'new "Food?" event:{value}').message_key == "error.bad_event"


def test_two_events_are_refused() -> None:
    error = parse_error('new "Food?" event:2027-03-14 tapahtuma:15.3.2027')
    assert error.message_key == "error.duplicate_keyword"


def test_a_round_on_a_sunday_after_a_friday_round_waits_for_monday() -> None:
    # An event on Wednesday 17 March: the five-day round is on Friday 12th, the three-day one on
    # Sunday 14th. The Sunday round starts as Sunday begins at UTC+14, on Saturday: too late for
    # Friday, so it waits for Monday 08:00, still before the close at 16:00.
    event_day = date(2027, 3, 17)
    sunday = event_day - timedelta(days=3)
    now = round_start(event_day, 3)
    at = event_delivery_time(sunday, HELSINKI, HOURS, helsinki(15, 16), now)
    assert at == helsinki(15, 8)
