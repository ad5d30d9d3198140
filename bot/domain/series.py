"""Recurring polls: when each occurrence starts, and the draft every occurrence is made from."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidPollInput
from bot.domain.model import (
    Audience,
    AudienceKind,
    Every,
    PollDraft,
    Question,
    QuestionKind,
)

# The words of `every:` in English, Finnish and Swedish; each help names its own.
EVERY_WORDS = {
    "week": Every.WEEK,
    "weekly": Every.WEEK,
    "1w": Every.WEEK,
    "viikko": Every.WEEK,
    "viikoittain": Every.WEEK,
    "vecka": Every.WEEK,
    "veckan": Every.WEEK,
    "2w": Every.TWO_WEEKS,
    "2weeks": Every.TWO_WEEKS,
    "2viikkoa": Every.TWO_WEEKS,
    "2veckor": Every.TWO_WEEKS,
    "month": Every.MONTH,
    "monthly": Every.MONTH,
    "kuukausi": Every.MONTH,
    "kuukausittain": Every.MONTH,
    "månad": Every.MONTH,
    "månaden": Every.MONTH,
}


def parse_every(value: str) -> Every:
    every = EVERY_WORDS.get(value.casefold())
    if every is None:
        raise InvalidPollInput("error.bad_every", value=value)
    return every


@dataclass(frozen=True, slots=True)
class Series:
    """A recurring poll: the draft each occurrence is made of, and where the schedule is.

    Occurrence n (0 is the first) starts at occurrence_start(first_start_at, every, n, zone);
    next_number is the first occurrence not started yet."""

    id: int
    team_id: str
    channel_id: str
    organiser_id: str
    draft: PollDraft
    every: Every
    tz: str
    first_start_at: datetime
    next_number: int
    next_start_at: datetime
    stopped_at: datetime | None = None
    last_poll_id: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def is_active(self) -> bool:
        return self.stopped_at is None

    def start_of(self, number: int) -> datetime:
        return occurrence_start(self.first_start_at, self.every, number, self.zone)


def occurrence_key(series_id: int, number: int) -> str:
    """The idempotency key of one occurrence: two runners never make it twice."""
    return f"series:{series_id}:{number}"


def occurrence_start(first: datetime, every: Every, number: int, zone: ZoneInfo) -> datetime:
    """When occurrence `number` starts: the first start's local wall time, `number` weeks, two
    weeks or months later in zone (so 09:00 stays 09:00 across a change of summer time); a
    month on the same day of the month, or its last day when the month is shorter."""
    local = first.astimezone(zone)
    if every is Every.MONTH:
        day = _add_months(local.date(), number, local.day)
    else:
        weeks = number * (2 if every is Every.TWO_WEEKS else 1)
        day = local.date() + timedelta(weeks=weeks)
    wall = datetime.combine(day, local.time().replace(tzinfo=None))
    return _from_wall(wall, zone)


def _add_months(start: date, months: int, day_of_month: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day_of_month, last))


def _from_wall(wall: datetime, zone: ZoneInfo) -> datetime:
    """A local wall time as a moment; a time skipped by the clocks moving forward is read as
    the same time of the offset before the change (an hour later in local time)."""
    return wall.replace(tzinfo=zone).astimezone(UTC)


def latest_due(series: Series, now: datetime) -> int | None:
    """The latest occurrence number, from next_number on, whose start has come; None if none
    has. After a downtime the ones missed before it are left out."""
    if series.start_of(series.next_number) > now:
        return None
    number = series.next_number
    while series.start_of(number + 1) <= now:
        number += 1
    return number


def first_start(draft: PollDraft, now: datetime, zone: ZoneInfo) -> datetime:
    """When the first occurrence starts: now, or the local date and time the form gave (a
    time that has passed today means now)."""
    start = draft.first_start
    if start is None:
        return now
    wall = datetime(start.year, start.month, start.day, start.hour or 0, start.minute)
    if start.hour is None:
        # A date only: the time of day it was made at, on that day.
        local_now = now.astimezone(zone)
        wall = wall.replace(hour=local_now.hour, minute=local_now.minute)
    return max(now, _from_wall(wall, zone))


def occurrence_draft(draft: PollDraft) -> PollDraft:
    """The draft each occurrence is made of: the organiser's own options only (never what
    respondents suggested), and no schedule of its own."""
    questions = tuple(_organisers_question(question) for question in draft.questions)
    return replace(draft, questions=questions, every=None, first_start=None)


def _organisers_question(question: Question) -> Question:
    suggested = {s.position for s in question.suggestions}
    options = tuple(o for i, o in enumerate(question.options) if i not in suggested)
    return replace(question, options=options, suggestions=())


# --- the stored draft ------------------------------------------------------------------------


def draft_to_text(draft: PollDraft) -> str:
    """The draft of a series as JSON (its close a duration, checked by check_recurring)."""
    draft = occurrence_draft(draft)
    assert isinstance(draft.close, timedelta)
    audience = draft.audience
    data: dict[str, Any] = {
        "questions": [
            {
                "text": q.text,
                "kind": q.kind.value,
                "options": list(q.options),
                "size": q.size,
                "open": q.open,
            }
            for q in draft.questions
        ],
        "anonymous": draft.anonymous,
        "close_seconds": draft.close.total_seconds(),
        "close_explicit": draft.close_explicit,
        "remind_seconds": None
        if draft.remind_every is None
        else draft.remind_every.total_seconds(),
        "remind_explicit": draft.remind_explicit,
        "audience": {
            "kind": audience.kind.value,
            "users": list(audience.user_ids),
            "groups": list(audience.usergroup_ids),
            "sample": audience.sample_size,
        },
        "channel_id": draft.channel_id,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def draft_from_text(text: str) -> PollDraft:
    data = json.loads(text)
    audience = data["audience"]
    remind = data["remind_seconds"]
    return PollDraft(
        questions=tuple(
            Question(
                q["text"],
                QuestionKind(q["kind"]),
                tuple(q["options"]),
                size=q["size"],
                open=q["open"],
            )
            for q in data["questions"]
        ),
        anonymous=data["anonymous"],
        close=timedelta(seconds=data["close_seconds"]),
        close_explicit=data["close_explicit"],
        remind_every=None if remind is None else timedelta(seconds=remind),
        remind_explicit=data["remind_explicit"],
        audience=Audience(
            kind=AudienceKind(audience["kind"]),
            user_ids=tuple(audience["users"]),
            usergroup_ids=tuple(audience["groups"]),
            sample_size=audience["sample"],
        ),
        channel_id=data["channel_id"],
    )
