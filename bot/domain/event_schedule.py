"""Polls about an event: when such a poll closes and when its reminders go out, counted back
from the event's date in the organiser's time zone.

Like bot.domain.schedule, every datetime in and out is timezone-aware and the current time is
passed in. The rules:

- without `closes:` the poll closes two days before the event at 16:00 (organiser's time); an
  event less than three days away closes one day before, and when that moment has passed
  already (an event tomorrow, asked after 16:00) the poll closes when the event begins;
- an event today or in the past is refused, and so is a chosen close after the event begins;
- without `remind:` the automatic reminder rounds fall five and three days before the event;
  a round whose day is not after today (organiser's calendar) or not before the close is left
  out when the poll is made;
- each person gets a round's reminder at the start of their working hours on the round's day
  in their own time zone (the last working day before it when that day is not one), never
  before the round starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.errors import InvalidPollInput
from bot.domain.model import AbsoluteClose, CloseSpec, Poll, PollDraft
from bot.domain.schedule import (
    WorkingHours,
    check_reminders,
    default_remind_every,
    delivery_time,
    latest_due_round,
    local_to_utc,
    next_round,
    resolve_close,
)
from bot.domain.validation import (
    CLOSE_FIELD,
    EVENT_FIELD,
    format_absolute_close,
    validate_event,
)

EVENT_CLOSE_TIME = time(16, 0)
CLOSE_DAYS_BEFORE = 2
# An event fewer days away than this closes one day before instead.
SHORT_NOTICE_DAYS = 3
SHORT_NOTICE_CLOSE_DAYS_BEFORE = 1
EVENT_REMINDER_DAYS = (5, 3)
# With working hours off a reminder still needs a time of day: the morning of its day.
ANY_HOUR_REMINDER_TIME = time(9, 0)
# The first moment of a date anywhere on Earth: a round starts when its day begins at UTC+14,
# so that it is planned before anyone's working day on that date.
_EARLIEST_ZONE = timezone(timedelta(hours=14))
# A date-only event's Slack date token: noon of the date in the organiser's zone reads as the
# same date for every reader within eleven hours of them.
_DATE_TOKEN_TIME = time(12, 0)


@dataclass(frozen=True, slots=True)
class EventPlan:
    """An event poll's times: the event's start, the close and the reminder rounds."""

    event_at: datetime
    has_time: bool
    closes_at: datetime
    reminder_days: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PollTimes:
    """A new poll's close and reminders, and its event plan if it is about an event."""

    closes_at: datetime
    remind_every: timedelta | None
    event: EventPlan | None = None


def resolve_times(draft: PollDraft, now: datetime, tz: ZoneInfo) -> PollTimes:
    """When a drafted poll closes and how it reminds; the organiser's choices win, an event
    poll's defaults come from the event."""
    if draft.event is None:
        closes_at = resolve_close(draft.close, now, tz)
        if not draft.remind_explicit:
            return PollTimes(closes_at, default_remind_every(now, closes_at))
        check_reminders(draft.remind_every, now, closes_at)
        return PollTimes(closes_at, draft.remind_every)
    plan = plan_event(
        draft.event,
        now,
        tz,
        close=draft.close if draft.close_explicit else None,
        event_reminders=not draft.remind_explicit,
    )
    if not draft.remind_explicit:
        return PollTimes(plan.closes_at, None, plan)
    check_reminders(draft.remind_every, now, plan.closes_at)
    return PollTimes(plan.closes_at, draft.remind_every, plan)


def event_date(event: AbsoluteClose) -> date:
    """The event's calendar date; a polite error for a date that does not exist."""
    validate_event(event)
    return date(event.year, event.month, event.day)


def event_start(event: AbsoluteClose, tz: ZoneInfo) -> datetime:
    """When the event begins (UTC): its time, or the first moment of its date."""
    day = event_date(event)
    at = time(0) if event.hour is None else time(event.hour, event.minute)
    try:
        return local_to_utc(day, at, tz)
    except (OverflowError, ValueError):
        # A date at the very end of datetime's range.
        raise InvalidPollInput(
            "error.bad_event", field=EVENT_FIELD, value=format_absolute_close(event)
        ) from None


def plan_event(
    event: AbsoluteClose,
    now: datetime,
    tz: ZoneInfo,
    *,
    close: CloseSpec | None,
    event_reminders: bool,
) -> EventPlan:
    """The close and reminder rounds of a poll about event (read in tz); close is the
    organiser's own close (None: on the event's clock); event_reminders False when the organiser
    chose reminders themselves (remind:)."""
    day = event_date(event)
    today = now.astimezone(tz).date()
    if day <= today:
        raise InvalidPollInput(
            "error.event_not_ahead", field=EVENT_FIELD, value=format_absolute_close(event)
        )
    starts_at = event_start(event, tz)
    if close is None:
        closes_at = default_event_close(day, starts_at, now, tz)
    else:
        closes_at = resolve_close(close, now, tz)
        if closes_at > starts_at:
            raise InvalidPollInput(
                "error.close_after_event", field=CLOSE_FIELD, event=format_absolute_close(event)
            )
    days: tuple[int, ...] = ()
    if event_reminders:
        days = tuple(
            before
            for before in EVENT_REMINDER_DAYS
            if day - timedelta(days=before) > today
            and local_to_utc(day - timedelta(days=before), time(0), tz) < closes_at
        )
    return EventPlan(starts_at, event.hour is not None, closes_at, days)


def default_event_close(day: date, starts_at: datetime, now: datetime, tz: ZoneInfo) -> datetime:
    """Two days before the event at 16:00, one day before for an event less than three days
    away; the event's start when that moment has passed already."""
    ahead = (day - now.astimezone(tz).date()).days
    before = CLOSE_DAYS_BEFORE if ahead >= SHORT_NOTICE_DAYS else SHORT_NOTICE_CLOSE_DAYS_BEFORE
    closes_at = local_to_utc(day - timedelta(days=before), EVENT_CLOSE_TIME, tz)
    return closes_at if closes_at > now else starts_at


def round_start(day: date, days_before: int) -> datetime:
    """When the round `days_before` the event on day starts: as that date begins anywhere."""
    return datetime.combine(day - timedelta(days=days_before), time(0), _EARLIEST_ZONE).astimezone(
        UTC
    )


def event_delivery_time(
    round_day: date,
    tz: ZoneInfo | None,
    hours: WorkingHours | None,
    closes_at: datetime,
    now: datetime,
) -> datetime | None:
    """When a person in tz gets the reminder of the round on round_day: the start of their
    working hours that day (the last working day before it when it is not one), or now when
    that has passed; None when that is not before the close."""
    zone = tz or ZoneInfo("UTC")
    if hours is None:
        planned = local_to_utc(round_day, ANY_HOUR_REMINDER_TIME, zone)
    else:
        planned = local_to_utc(_working_day_on_or_before(round_day, hours), hours.start, zone)
    return delivery_time(max(planned, now), zone, hours, closes_at)


def _working_day_on_or_before(day: date, hours: WorkingHours) -> date:
    for back in range(7):
        candidate = day - timedelta(days=back)
        if candidate.weekday() in hours.weekdays:
            return candidate
    raise AssertionError("a non-empty week of working days always has one")


# ---- a stored poll ------------------------------------------------------------------------


def event_zone(poll: Poll) -> ZoneInfo:
    """The zone the poll's event date is read in (UTC when unknown)."""
    try:
        return ZoneInfo(poll.event_tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def event_day(poll: Poll) -> date | None:
    """The local date of the poll's event, None for a poll about no event."""
    if poll.event_at is None:
        return None
    return poll.event_at.astimezone(event_zone(poll)).date()


def event_token_time(poll: Poll) -> datetime | None:
    """The moment a Slack date token of the event shows: its start, or for a date-only event
    noon of its date, so that readers in other zones see the same date."""
    day = event_day(poll)
    if day is None or poll.event_at is None:
        return None
    if poll.event_has_time:
        return poll.event_at
    return local_to_utc(day, _DATE_TOKEN_TIME, event_zone(poll))


def days_before_event(poll: Poll, moment: datetime) -> int | None:
    """Calendar days from moment to the event (in the event's zone); negative after it."""
    day = event_day(poll)
    if day is None:
        return None
    return (day - moment.astimezone(event_zone(poll)).date()).days


def _event_rounds(poll: Poll) -> list[tuple[int, datetime]]:
    """The poll's event-anchored rounds (number from 1, start), those before the close."""
    day = event_day(poll)
    if day is None:
        return []
    starts = (round_start(day, before) for before in poll.event_reminder_days)
    return [(k, at) for k, at in enumerate(starts, start=1) if at < poll.closes_at]


def round_day(poll: Poll, auto_index: int) -> date | None:
    """The day of the poll's event-anchored round auto_index (None for interval rounds)."""
    day = event_day(poll)
    if day is None or not 1 <= auto_index <= len(poll.event_reminder_days):
        return None
    return day - timedelta(days=poll.event_reminder_days[auto_index - 1])


def latest_due_auto_round(poll: Poll, now: datetime) -> tuple[int, datetime] | None:
    """The most recent automatic round whose time has come, by the event or by remind_every."""
    if poll.event_reminder_days:
        due = [(k, at) for k, at in _event_rounds(poll) if at <= now]
        return due[-1] if due else None
    if poll.remind_every is None:
        return None
    return latest_due_round(poll.opened_at, poll.closes_at, poll.remind_every, now)


def next_auto_round(poll: Poll, after: datetime) -> tuple[int, datetime] | None:
    """The first automatic round strictly after `after`, by the event or by remind_every."""
    if poll.event_reminder_days:
        return next(((k, at) for k, at in _event_rounds(poll) if at > after), None)
    if poll.remind_every is None:
        return None
    return next_round(poll.opened_at, poll.closes_at, poll.remind_every, after)
