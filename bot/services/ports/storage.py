"""What the use cases need from storage. bot.storage implements it on SQLite (and PostgreSQL);
every method is one transaction, so a use case never holds a transaction open across a Slack
call."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.model import (
    Audience,
    Every,
    Person,
    Poll,
    PollCounts,
    PollDraft,
    PollStatus,
    Question,
    QuestionAnswer,
    Reminder,
    ReminderStatus,
    Response,
)
from bot.domain.outcome import OutcomeDelivery, OutcomeItem, OutcomeState
from bot.domain.series import Series
from bot.domain.suggestions import OptionsCheck
from bot.services.ports.workspaces import WorkspaceKey


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


@dataclass(frozen=True, slots=True)
class Job:
    """A piece of scheduled work, claimed by one runner at a time.

    key names it ("close:12"); due_at is when it should run; attempts counts failed runs."""

    key: str
    kind: str
    poll_id: int | None
    due_at: datetime
    attempts: int = 0
    # The workspace it was scheduled in (None in single-workspace mode, and for jobs of none).
    workspace: WorkspaceKey | None = None


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


class JobStore(Protocol):
    """Scheduled work in the database: the only truth about what is due, shared by every runner."""

    async def schedule_job(
        self, key: str, kind: str, poll_id: int | None, due_at: datetime
    ) -> None:
        """Create the job or move it to due_at; a run in progress keeps its claim."""
        ...

    async def set_poll_jobs(
        self, poll_id: int, due: Mapping[str, tuple[str, datetime | None]]
    ) -> None:
        """Several jobs of one poll at once, by key: (kind, due time), or (kind, None) to cancel;
        one transaction."""
        ...

    async def cancel_jobs(self, keys: Iterable[str]) -> None: ...

    async def claim_due_jobs(
        self, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> list[Job]:
        """Claim up to limit jobs due by now that nobody holds (or whose claim lapsed)."""
        ...

    async def claim_job(
        self, key: str, now: datetime, owner: str, lease_until: datetime
    ) -> Job | None:
        """Claim one job now, due or not; None when it does not exist or someone holds it."""
        ...

    async def renew_claims(
        self, keys: Iterable[str], owner: str, lease_until: datetime
    ) -> None: ...

    async def finish_job(self, job: Job, owner: str) -> None:
        """The run succeeded: the job is gone, unless it was moved meanwhile (then it waits)."""
        ...

    async def retry_job(self, job: Job, owner: str, due_at: datetime, error: str) -> None:
        """The run failed: try again at due_at, one attempt more."""
        ...

    async def next_job_due(self) -> datetime | None:
        """When the next job becomes claimable: its due time, or when a lapsed claim ends."""
        ...

    async def failing_jobs(self, keys: Iterable[str]) -> Mapping[str, int]:
        """Failed attempts so far of the given jobs that have failed at least once."""
        ...


class OutcomeStore(Protocol):
    """A closed poll's decided items, the state of its outcome report and the report's DMs."""

    async def record_outcome(
        self,
        poll_id: int,
        items: Sequence[OutcomeItem],
        now: datetime,
        *,
        tell_everyone: bool,
        job: tuple[str, str],
    ) -> OutcomeState:
        """The decisions and a new revision of the report, with a round of DMs to everyone asked
        (a first report, or tell_everyone) and the publishing job (key, kind) due now; one
        transaction."""
        ...

    async def outcome_items(self, poll_id: int) -> list[OutcomeItem]: ...

    async def outcome_state(self, poll_id: int) -> OutcomeState | None: ...

    async def mark_outcome_reply_started(self, poll_id: int) -> None: ...

    async def set_outcome_published(
        self, poll_id: int, revision: int, channel_id: str, ts: str
    ) -> None: ...

    async def outcome_deliveries(
        self, poll_id: int, status: ReminderStatus
    ) -> list[OutcomeDelivery]: ...

    async def set_outcome_delivery_status(
        self,
        delivery: OutcomeDelivery,
        status: ReminderStatus,
        *,
        expected: ReminderStatus,
        at: datetime | None = None,
        dm_channel_id: str | None = None,
        message_ts: str | None = None,
        error: str | None = None,
    ) -> bool:
        """Compare-and-set a delivery's status: False when someone else moved it first."""
        ...


class SeriesStore(Protocol):
    """Recurring series; each method is one transaction that also moves the series' job
    ("series:<id>") to the next start, or removes it once the series has stopped."""

    async def create_series(
        self,
        *,
        team_id: str,
        channel_id: str,
        organiser_id: str,
        draft: PollDraft,
        every: Every,
        tz: str,
        first_start_at: datetime,
        job_due_at: datetime,
        idempotency_key: str | None = None,
    ) -> tuple[Series, bool]:
        """The new series and True; the one made with this idempotency_key and False."""
        ...

    async def get_series(self, series_id: int) -> Series | None: ...

    async def delete_series(self, series_id: int) -> None: ...

    async def advance_series(
        self,
        series_id: int,
        *,
        next_number: int,
        next_start_at: datetime,
        last_poll_id: int | None,
    ) -> Series | None: ...

    async def stop_series(self, series_id: int, now: datetime) -> Series | None: ...

    async def active_series_of(self, organiser_id: str) -> list[Series]:
        """An organiser's series that go on, the next to start first."""
        ...

    async def active_series_in(self, channel_id: str) -> list[Series]: ...

    async def previous_in_series(self, poll_id: int) -> int | None:
        """The occurrence of the same series made just before this poll."""
        ...


@dataclass(frozen=True, slots=True)
class HomeRecord:
    """A person who has opened Wishbot's Home tab, and when it was last published to them."""

    user_id: str
    team_id: str
    opened_at: datetime
    published_at: datetime | None


class HomeStore(Protocol):
    """Who opened their Home tab, what it lists, and its re-publishing (a job per person)."""

    async def record_home_opened(self, user_id: str, team_id: str, now: datetime) -> None: ...

    async def home_record(self, user_id: str) -> HomeRecord | None: ...

    async def home_records(self, user_ids: Iterable[str]) -> list[HomeRecord]:
        """Those of these people who have opened their Home at least once."""
        ...

    async def set_home_published(self, user_id: str, at: datetime) -> None: ...

    async def plan_home_refresh(self, key: str, kind: str, due_at: datetime) -> None:
        """The person's refresh job due at due_at, or earlier if it is planned earlier already
        (a burst of changes ends in one publish)."""
        ...

    async def waiting_polls(self, user_id: str) -> list[Poll]:
        """Open polls the person is asked in and has not answered, newest first."""
        ...

    async def organised_polls(self, user_id: str, *, open_: bool, limit: int) -> list[Poll]:
        """The person's own polls, newest first: open (and closing) ones, or closed ones."""
        ...

    async def poll_people(self, poll_id: int) -> list[str]:
        """The organiser and everyone asked (whose Home may list the poll)."""
        ...


class Store(
    PollStore, ReminderStore, PeopleStore, JobStore, OutcomeStore, SeriesStore, HomeStore, Protocol
):
    """Everything the use cases store, behind one object."""
