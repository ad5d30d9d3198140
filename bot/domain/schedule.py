"""Time rules: when a poll closes, when reminder rounds fall due and when a person can get one.

Every datetime in and out is timezone-aware; results are in UTC. The current time is always
passed in, so the rules can be tested at any instant, including DST changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.durations import format_duration
from bot.domain.errors import InvalidPollInput
from bot.domain.model import (
    DEFAULT_REMIND_EVERY,
    MIN_REMIND_INTERVAL,
    AbsoluteClose,
    CloseSpec,
)
from bot.domain.validation import CLOSE_FIELD, REMIND_FIELD, format_absolute_close

# A date without a time closes at the end of that day, so "closes:2026-12-01" still takes
# answers all of 1 December wherever the organiser is.
DATE_ONLY_CLOSE_TIME = time(23, 59)
MAX_REMINDER_CUTOFF = timedelta(minutes=30)
# A failed job (Slack down) is tried again after 5 s, 10 s, 20 s, … up to every 10 minutes.
RETRY_FIRST_DELAY = timedelta(seconds=5)
RETRY_MAX_DELAY = timedelta(minutes=10)
_ONE_TICK = timedelta(microseconds=1)


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed: {moment!r}")
    return moment.astimezone(UTC)


def retry_delay(attempt: int) -> timedelta:
    """How long to wait before trying a failed job again, after its attempt-th failure."""
    if attempt < 1:
        raise ValueError(f"attempts count from 1, got {attempt}")
    # Capped before multiplying: 2 ** attempt of a job failing for weeks must not overflow.
    doublings = min(attempt - 1, 16)
    return min(RETRY_FIRST_DELAY * (1 << doublings), RETRY_MAX_DELAY)


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time; a time in a DST gap moves forward by the gap and
    an ambiguous time (autumn) means its first occurrence."""
    # The default fold=0 reads a skipped time with the offset before the change, which
    # shifts it forward, and picks the first of two repeated times.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def resolve_close(spec: CloseSpec, now: datetime, tz: ZoneInfo) -> datetime:
    """The UTC close time of a close spec; durations count from now, dates are local to tz."""
    now = _require_aware(now)
    shown = _describe_close(spec)
    try:
        closes_at = now + spec if isinstance(spec, timedelta) else _absolute_close_utc(spec, tz)
    except (OverflowError, ValueError):
        # Feb 30 from a hand-made spec, or a date so far away it leaves datetime's range.
        raise InvalidPollInput("error.bad_close", field=CLOSE_FIELD, value=shown) from None
    if closes_at <= now:
        raise InvalidPollInput("error.close_in_past", field=CLOSE_FIELD, value=shown)
    return closes_at


def _describe_close(spec: CloseSpec) -> str:
    if isinstance(spec, AbsoluteClose):
        return format_absolute_close(spec)
    return format_duration(spec) if spec >= timedelta(seconds=1) else str(spec)


def _absolute_close_utc(spec: AbsoluteClose, tz: ZoneInfo) -> datetime:
    day = date(spec.year, spec.month, spec.day)
    at = DATE_ONLY_CLOSE_TIME if spec.hour is None else time(spec.hour, spec.minute)
    return local_to_utc(day, at, tz)


def reminder_cutoff(opened_at: datetime, closes_at: datetime) -> timedelta:
    """No automatic round goes out when less than this remains: 10 % of the open time, at most
    30 minutes."""
    open_time = max(closes_at - opened_at, timedelta(0))
    return min(open_time / 10, MAX_REMINDER_CUTOFF)


def _last_round_number(opened_at: datetime, closes_at: datetime, remind_every: timedelta) -> int:
    """The highest k with opened_at + k·every strictly before closes_at - cutoff (0 if none)."""
    if remind_every <= timedelta(0):
        raise ValueError(f"remind_every must be positive, got {remind_every!r}")
    span = closes_at - reminder_cutoff(opened_at, closes_at) - opened_at
    if span <= timedelta(0):
        return 0
    # Strictly before: a round landing exactly on the limit is left out.
    return (span - _ONE_TICK) // remind_every


def round_due_times(
    opened_at: datetime, closes_at: datetime, remind_every: timedelta
) -> list[datetime]:
    """Every round's due time: opened_at + k·every for k ≥ 1 before the cutoff."""
    last = _last_round_number(opened_at, closes_at, remind_every)
    return [_utc(opened_at) + k * remind_every for k in range(1, last + 1)]


def iter_round_due_times(
    opened_at: datetime, closes_at: datetime, remind_every: timedelta
) -> Iterator[tuple[int, datetime]]:
    """Round numbers and due times one by one, for polls with very many rounds."""
    last = _last_round_number(opened_at, closes_at, remind_every)
    for k in range(1, last + 1):
        yield k, _utc(opened_at) + k * remind_every


def next_round(
    opened_at: datetime, closes_at: datetime, remind_every: timedelta, after: datetime
) -> tuple[int, datetime] | None:
    """The first round (number, due time) strictly after `after`, or None if none is left."""
    last = _last_round_number(opened_at, closes_at, remind_every)
    k = max((after - opened_at) // remind_every + 1, 1)
    if k > last:
        return None
    return k, _utc(opened_at) + k * remind_every


def latest_due_round(
    opened_at: datetime, closes_at: datetime, remind_every: timedelta, now: datetime
) -> tuple[int, datetime] | None:
    """The most recent round whose time has come (due ≤ now), or None; used to send only one
    of several rounds missed while the bot was down."""
    last = _last_round_number(opened_at, closes_at, remind_every)
    k = min((now - opened_at) // remind_every, last)
    if k < 1:
        return None
    return k, _utc(opened_at) + k * remind_every


def reminders_fit(remind_every: timedelta, opened_at: datetime, closes_at: datetime) -> bool:
    """Whether at least one round of this interval goes out before the cutoff."""
    if remind_every < MIN_REMIND_INTERVAL:
        return False
    return _last_round_number(opened_at, closes_at, remind_every) >= 1


def check_reminders(
    remind_every: timedelta | None, opened_at: datetime, closes_at: datetime
) -> None:
    """Raise if an interval the organiser chose is too short or lets no round go out."""
    if remind_every is None:
        return
    if remind_every < MIN_REMIND_INTERVAL:
        raise InvalidPollInput(
            "error.remind_too_short",
            field=REMIND_FIELD,
            min_seconds=int(MIN_REMIND_INTERVAL.total_seconds()),
        )
    if not reminders_fit(remind_every, opened_at, closes_at):
        raise InvalidPollInput(
            "error.remind_too_long", field=REMIND_FIELD, value=format_duration(remind_every)
        )


def default_remind_every(opened_at: datetime, closes_at: datetime) -> timedelta | None:
    """The interval used when the organiser chose none: daily if that fits, else one round
    halfway through a short poll, else none."""
    if reminders_fit(DEFAULT_REMIND_EVERY, opened_at, closes_at):
        return DEFAULT_REMIND_EVERY
    # Whole seconds keep the interval storable and printable; halfway is always before the
    # cutoff, which is at most a tenth of the open time.
    halfway = timedelta(seconds=(closes_at - opened_at) // timedelta(seconds=2))
    if reminders_fit(halfway, opened_at, closes_at):
        return halfway
    return None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# ---- working hours ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Days (Mon=0) and the local hours within them when reminders may be delivered."""

    weekdays: frozenset[int] = frozenset(range(5))
    start: time = time(8, 0)
    end: time = time(18, 0)

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError(f"weekdays must be a non-empty set of 0..6, got {set(self.weekdays)}")
        if self.start >= self.end:
            # Hours across midnight are not supported: nobody asked, and they complicate DST.
            raise ValueError(f"working hours must start before they end: {self.start}-{self.end}")

    def contains(self, local: datetime) -> bool:
        """Whether a local wall time falls inside these hours."""
        return local.weekday() in self.weekdays and self.start <= local.time() < self.end


_DAY_NAMES = {
    **{name: day for day, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{
        name: day
        for day, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{name: day for day, name in enumerate(("ma", "ti", "ke", "to", "pe", "la", "su"))},
}
_HOURS_SPEC = re.compile(
    r"(?:(?P<days>.*?)\s+)?(?P<start>\d{1,2}[:.]\d{2})\s*-\s*(?P<end>\d{1,2}[:.]\d{2})"
)
_FORMAT_HINT = 'expected "off" or days and hours like "Mon-Fri 08:00-18:00" or "Mon,Wed 9:00-17:30"'


def parse_working_hours(text: str) -> WorkingHours | None:
    """Read a setting such as `Mon-Fri 08:00-18:00` or `mon,wed,fri 9:00-16:00`; `off` → None."""
    cleaned = text.strip().lower()
    if cleaned in {"off", "none"}:
        return None
    match = _HOURS_SPEC.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"bad working hours {text!r}: {_FORMAT_HINT}")
    days_text = match["days"]
    weekdays = _parse_weekdays(days_text, text) if days_text else frozenset(range(5))
    start = _parse_clock_time(match["start"], text)
    end = _parse_clock_time(match["end"], text)
    try:
        return WorkingHours(weekdays, start, end)
    except ValueError as error:
        raise ValueError(f"bad working hours {text!r}: {error}") from None


def _parse_weekdays(days_text: str, original: str) -> frozenset[int]:
    days: set[int] = set()
    for part in re.split(r"\s*,\s*", days_text.strip()):
        first, dash, last = (piece.strip() for piece in part.partition("-"))
        if first not in _DAY_NAMES or (dash and last not in _DAY_NAMES):
            raise ValueError(f"bad day {part!r} in working hours {original!r}: {_FORMAT_HINT}")
        start_day = _DAY_NAMES[first]
        end_day = _DAY_NAMES[last] if dash else start_day
        # A range may wrap over the weekend: "sat-mon" is Saturday, Sunday and Monday.
        length = (end_day - start_day) % 7 + 1
        days.update((start_day + offset) % 7 for offset in range(length))
    return frozenset(days)


def _parse_clock_time(text: str, original: str) -> time:
    hour_text, minute_text = re.split(r"[:.]", text)
    hour, minute = int(hour_text), int(minute_text)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"bad time {text!r} in working hours {original!r}: {_FORMAT_HINT}")
    return time(hour, minute)


def delivery_time(
    due: datetime, tz: ZoneInfo | None, hours: WorkingHours | None, closes_at: datetime
) -> datetime | None:
    """When a reminder due at `due` may reach a person: at once inside their working hours,
    else at the start of their next working hours; None if that is not before closes_at."""
    due = _require_aware(due)
    closes_at = _require_aware(closes_at)
    deliver_at = due if hours is None else _next_working_moment(due, tz or ZoneInfo("UTC"), hours)
    return deliver_at if deliver_at < closes_at else None


def _next_working_moment(due: datetime, tz: ZoneInfo, hours: WorkingHours) -> datetime:
    local = due.astimezone(tz)
    if hours.contains(local):
        return due
    # Compare UTC instants: aware datetimes sharing a tzinfo compare by wall time, which is
    # wrong across a DST change.
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in hours.weekdays:
            continue
        start = local_to_utc(day, hours.start, tz)
        if start > due:
            return start
    raise AssertionError("a non-empty week of working days always has a next start")
