"""What the use cases need from storage: the polls and people here, the job queue, outcome
reports, series and Home in ports of their own, and Store, all of them behind one object.
bot.storage implements it on SQLite (and PostgreSQL); every method is one transaction, so a use
case never holds a transaction open across a Slack call."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.model import (
    Audience,
    Person,
    Poll,
    PollCounts,
    PollStatus,
    Question,
    QuestionAnswer,
    Reminder,
    ReminderStatus,
    Response,
)
from bot.domain.suggestions import OptionsCheck
from bot.services.ports.home_store import HomeStore
from bot.services.ports.job_store import JobStore
from bot.services.ports.outcome_store import OutcomeStore
from bot.services.ports.series_store import SeriesStore


class StoreUnavailable(Exception):
    """The database cannot be reached just now (a restart, a network failure): nothing was
    stored, and the same request may be made again in a moment."""


class AnswerOutcome(enum.Enum):
    """What became of an answer given to the store."""

    STORED = "stored"
    SUPERSEDED = "superseded"  # a later answer of the same person is already stored
    CLOSED = "closed"  # the poll no longer takes answers
    NOT_ASKED = "not_asked"  # the person is not among those asked
    NOT_FOUND = "not_found"  # there is no such poll (any more)
    INVALID = "invalid"  # the answer does not fit the poll (no such option)
    OPTIONS_CHANGED = "options_changed"  # an option was removed after the click or form showed


class SuggestionOutcome(enum.Enum):
    """What became of a suggested option given to the store."""

    ADDED = "added"
    NOT_FOUND = "not_found"  # no such poll, or no such question
    CLOSED = "closed"
    NOT_ASKED = "not_asked"
    NOT_OPEN = "not_open"  # the question does not take suggestions
    FULL = "full"  # the question has MAX_OPTIONS options already
    DUPLICATE = "duplicate"  # the same as an existing option (ignoring case and punctuation)


@dataclass(frozen=True, slots=True)
class SuggestionResult:
    """position: of the new option, or of the existing one a duplicate equals."""

    outcome: SuggestionOutcome
    position: int | None = None
    existing: str | None = None


class RemovalOutcome(enum.Enum):
    """What became of an organiser's removal of a suggested option."""

    REMOVED = "removed"
    NOT_FOUND = "not_found"
    CLOSED = "closed"
    NO_SUCH_OPTION = "no_such_option"
    NOT_SUGGESTED = "not_suggested"  # the organiser's own options stay


@dataclass(frozen=True, slots=True)
class RemovalResult:
    """text: the removed option; answers: how many people had chosen it; emptied: how many of
    them had answered nothing else (they count as not answered again)."""

    outcome: RemovalOutcome
    text: str | None = None
    answers: int = 0
    emptied: int = 0


@dataclass(frozen=True, slots=True)
class AnswerContext:
    """What opening the answer form needs: the poll, whether the person is asked, and the
    answer they gave before (the form starts from it)."""

    poll: Poll
    asked: bool
    previous: Response | None


class PollStore(Protocol):
    """Polls, the people asked, their answers and the poll's Slack messages."""

    async def create_poll(
        self,
        *,
        team_id: str,
        channel_id: str,
        organiser_id: str,
        language: str,
        questions: Sequence[Question],
        anonymous: bool,
        audience: Audience,
        opened_at: datetime,
        closes_at: datetime,
        remind_every: timedelta | None,
        members: Iterable[str],
        idempotency_key: str | None = None,
        event_at: datetime | None = None,
        event_has_time: bool = False,
        follow_up_of: int | None = None,
        event_tz: str | None = None,
        event_reminder_days: Sequence[int] = (),
        series_id: int | None = None,
    ) -> Poll | None:
        """The new poll; None when a poll with this idempotency_key exists already (the same
        submission, stored by another replica a moment ago)."""
        ...

    async def poll_by_idempotency_key(self, key: str) -> Poll | None: ...

    async def get_poll(self, poll_id: int) -> Poll | None: ...

    async def polls_with_status(self, *statuses: PollStatus) -> list[Poll]: ...

    async def polls_in_channel(self, channel_id: str, *statuses: PollStatus) -> list[Poll]: ...

    async def set_message_ts(self, poll_id: int, ts: str) -> None: ...

    async def set_closes_at(self, poll_id: int, closes_at: datetime) -> bool: ...

    async def claim_message_refresh(self, poll_id: int, now: datetime, gap: timedelta) -> bool:
        """Whether this process may refresh the poll's message now: no replica is refreshing
        it, and none finished within the last gap. The claim is recorded."""
        ...

    async def release_message_refresh(self, poll_id: int, finished_at: datetime) -> None:
        """The refresh claimed here is done (the gap to the next one counts from now)."""
        ...

    async def begin_close(self, poll_id: int, now: datetime) -> Poll | None: ...

    async def mark_summary_started(self, poll_id: int) -> None: ...

    async def summary_started(self, poll_id: int) -> bool: ...

    async def finish_close(self, poll_id: int) -> None: ...

    async def delete_poll(self, poll_id: int) -> bool: ...

    async def record_message(
        self, poll_id: int, kind: str, part: int, channel_id: str, ts: str
    ) -> None: ...

    async def record_message_once(
        self, poll_id: int, kind: str, part: int, channel_id: str, ts: str
    ) -> bool:
        """Record a message unless this kind and part is recorded already; whether it was."""
        ...

    async def messages(
        self, poll_id: int, kind: str | None = None
    ) -> list[tuple[int, str, str]]: ...

    async def members_of(self, poll_id: int) -> list[str]:
        """Everyone the poll asks."""
        ...

    async def counts(self, poll_id: int) -> PollCounts: ...

    async def is_member(self, poll_id: int, user_id: str) -> bool: ...

    async def add_joined_member(
        self, channel_id: str, user_id: str, now: datetime
    ) -> list[int]: ...

    async def uninvited_members(self, poll_id: int) -> list[str]: ...

    async def mark_invited(self, poll_id: int, user_id: str) -> None: ...

    async def record_response(
        self,
        poll_id: int,
        user_id: str,
        answers: Sequence[QuestionAnswer | None],
        at: datetime,
        *,
        check: OptionsCheck | None = None,
    ) -> AnswerOutcome:
        """check: the options the form showed; OPTIONS_CHANGED when they were renumbered."""
        ...

    async def record_vote(
        self,
        poll_id: int,
        user_id: str,
        option: int,
        at: datetime,
        *,
        check: OptionsCheck | None = None,
    ) -> AnswerOutcome:
        """A one-click answer, checked (open, asked, a one-click poll, a real option, the options
        as the button showed them) and stored in one short transaction."""
        ...

    async def add_suggestion(
        self, poll_id: int, question: int, user_id: str, text: str
    ) -> SuggestionResult:
        """Add a respondent's option at the end of an open question, in one transaction: the
        poll open, the person asked, the question open, room left, not a duplicate."""
        ...

    async def remove_option(self, poll_id: int, question: int, position: int) -> RemovalResult:
        """Remove a suggested option of an open poll with its answers, and renumber the later
        options and their answers, in one transaction."""
        ...

    async def response_of(self, poll_id: int, user_id: str) -> Response | None: ...

    async def answer_context(self, poll_id: int, user_id: str) -> AnswerContext | None:
        """The poll, whether the person is asked, and their last answer, in one read."""
        ...

    async def responses(self, poll: Poll) -> list[Response]: ...

    async def reported_polls_in_channel(self, channel_id: str) -> list[Poll]:
        """The channel's closed polls whose outcome was reported, latest report first."""
        ...


class ReminderStore(Protocol):
    """Reminder rounds, single reminders and opt-outs."""

    async def reminder_candidates(self, poll_id: int) -> list[str]: ...

    async def latest_auto_round(self, poll_id: int) -> int | None: ...

    async def start_round(
        self,
        poll_id: int,
        auto_index: int | None,
        now: datetime,
        deliveries: Sequence[tuple[str, datetime]],
    ) -> int | None: ...

    async def reminders_with_status(
        self, poll_id: int, status: ReminderStatus, *, due_by: datetime | None = None
    ) -> list[Reminder]: ...

    async def next_delivery(self, poll_id: int) -> datetime | None: ...

    async def set_reminder_status(
        self,
        reminder: Reminder,
        status: ReminderStatus,
        *,
        expected: ReminderStatus,
        at: datetime | None = None,
        dm_channel_id: str | None = None,
        message_ts: str | None = None,
        error: str | None = None,
        attempts: int | None = None,
    ) -> bool: ...

    async def reminder_count_for(self, poll_id: int, user_id: str) -> int: ...

    async def opt_out(self, poll_id: int, user_id: str, now: datetime) -> None: ...

    async def still_wants_reminder(self, poll_id: int, user_id: str) -> bool: ...


class PeopleStore(Protocol):
    """The workspace's people as Slack last described them, and the bot's DM with each."""

    async def save_people(self, people: Iterable[Person], now: datetime) -> None: ...

    async def people(self, user_ids: Iterable[str]) -> dict[str, Person]: ...

    async def dm_channel(self, user_id: str) -> str | None: ...

    async def save_dm_channel(self, user_id: str, channel_id: str, now: datetime) -> None: ...


class Store(
    PollStore, ReminderStore, PeopleStore, JobStore, OutcomeStore, SeriesStore, HomeStore, Protocol
):
    """Everything the use cases store, behind one object."""
