"""Recurring polls: a series stored with its schedule, each occurrence made as a new poll by
the job "series:<id>" (claimed with a lease, so one runner of any replica makes it), stopped
by its organiser."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Protocol

from bot.domain.comparison import Comparison, compare
from bot.domain.errors import NotOrganiser, PollError, PollNotFound
from bot.domain.model import ANONYMITY_THRESHOLD, Poll, PollDraft, PollStatus
from bot.domain.series import Series, first_start, latest_due, occurrence_key
from bot.domain.tally import PollTally
from bot.services.creating import CreatedPoll, Occurrence, PollCreation, Where
from bot.services.jobs import JobQueue
from bot.services.messages import PollMessages
from bot.services.origins import FollowUpLinks
from bot.services.people import PeopleDirectory
from bot.services.polls import PollLookup
from bot.services.ports import (
    Clock,
    Job,
    JobStore,
    PollStore,
    Presenter,
    SeriesStore,
    SlackError,
)

logger = logging.getLogger(__name__)

# The series' job is due this long after a first occurrence made at once: it makes that
# occurrence only if the request making it died on the way.
FIRST_OCCURRENCE_FALLBACK = timedelta(minutes=2)


class _Store(SeriesStore, PollStore, JobStore, Protocol):
    """What the use case stores: series, their jobs and the polls they made."""


@dataclass(frozen=True, slots=True)
class StartedSeries:
    """The stored series and its first occurrence, if it started at once."""

    series: Series
    first: CreatedPoll | None
    duplicate: bool = False


class RecurringPolls:
    """Starting, running and stopping series."""

    def __init__(
        self,
        store: _Store,
        creation: PollCreation,
        people: PeopleDirectory,
        queue: JobQueue,
        clock: Clock,
        messages: PollMessages,
        presenter: Presenter,
        *,
        organiser_changed: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.creation = creation
        self.people = people
        self.queue = queue
        self.clock = clock
        self.messages = messages
        self.presenter = presenter
        # Told when an organiser's series were set up or stopped: their Home tab lists them.
        self.organiser_changed = organiser_changed or (lambda organiser_id: None)

    async def start(
        self, draft: PollDraft, where: Where, *, idempotency_key: str | None = None
    ) -> StartedSeries:
        """Store the series; its first occurrence is made now when it starts now (a refusal of
        it, say an empty audience, leaves no series behind). The same submission again (a
        retry of Slack's) finds the series it made: duplicate."""
        assert draft.every is not None
        zone = await self.people.zone(where.organiser_id)
        now = self.clock.now()
        first_at = first_start(draft, now, zone)
        at_once = first_at <= now
        series, made = await self.store.create_series(
            idempotency_key=idempotency_key,
            team_id=where.team_id,
            channel_id=draft.channel_id or where.channel_id,
            organiser_id=where.organiser_id,
            draft=draft,
            every=draft.every,
            tz=zone.key,
            first_start_at=first_at,
            job_due_at=first_at + FIRST_OCCURRENCE_FALLBACK if at_once else first_at,
        )
        if not made:
            return StartedSeries(series, None, duplicate=True)
        if not at_once:
            self.queue.wake()
            self.organiser_changed(where.organiser_id)
            return StartedSeries(series, None)
        try:
            created = await self._make(series, 0)
        except Exception:
            await self.store.delete_series(series.id)
            raise
        self.organiser_changed(where.organiser_id)
        stored = await self.store.get_series(series.id)
        return StartedSeries(stored or series, created)

    async def run_job(self, job: Job) -> None:
        """Make the latest occurrence whose time has come (only that one, after a downtime)."""
        series = await self.store.get_series(int(job.key.partition(":")[2]))
        if series is None or not series.is_active:
            return
        number = latest_due(series, self.clock.now())
        if number is None:
            await self.store.schedule_job(job.key, job.kind, None, series.next_start_at)
            return
        skipped = number - series.next_number
        if skipped:
            logger.info("series %s: %d missed occurrence(s) left out", series.id, skipped)
        try:
            await self._make(series, number)
        except PollError as error:
            # Not to be retried (the channel was archived, nobody is left to ask): this
            # occurrence is left out and the series goes on.
            logger.warning("series %s: occurrence %d refused: %s", series.id, number, error)
            advanced = await self.store.advance_series(
                series.id,
                next_number=number + 1,
                next_start_at=series.start_of(number + 1),
                last_poll_id=None,
            )
            await self._tell_refused(advanced or series, error)

    async def _tell_refused(self, series: Series, error: PollError) -> None:
        """The organiser hears of it by DM; a failure to tell them loses only the note."""
        lang = await self.people.language_of(series.organiser_id)
        note = self.presenter.occurrence_refused(series, error, lang=lang)
        try:
            await self.messages.tell(series.organiser_id, None, note)
        except SlackError as failure:
            logger.info("series %s: the organiser was not told: %s", series.id, failure.code)

    async def _make(self, series: Series, number: int) -> CreatedPoll:
        draft = replace(series.draft, channel_id=series.channel_id)
        drawn_before: tuple[str, ...] = ()
        if draft.audience.sample_size is not None and series.last_poll_id is not None:
            drawn_before = tuple(await self.store.members_of(series.last_poll_id))
        created = await self.creation.create(
            draft,
            Where(series.team_id, series.channel_id, series.organiser_id),
            idempotency_key=occurrence_key(series.id, number),
            occurrence=Occurrence(series.id, drawn_before),
        )
        await self.store.advance_series(
            series.id,
            next_number=number + 1,
            next_start_at=series.start_of(number + 1),
            last_poll_id=created.poll.id,
        )
        self.queue.wake()
        return created

    # --- stopping ---------------------------------------------------------------------------

    async def stop(self, series_id: int, user_id: str) -> Series:
        """End a series (its organiser only); the polls already posted run to their close."""
        series = await self.store.get_series(series_id)
        if series is None:
            raise PollError("error.series_not_found", series_id=series_id)
        if series.organiser_id != user_id:
            raise PollError("error.not_series_organiser", series_id=series_id)
        if not series.is_active:
            raise PollError("error.series_stopped", series_id=series_id)
        stopped = await self.store.stop_series(series_id, self.clock.now())
        logger.info("series %s stopped by its organiser", series_id)
        self.organiser_changed(user_id)
        return stopped or series

    async def stop_by_poll(self, poll_id: int, user_id: str) -> Series:
        """End the series a poll belongs to (any of its polls names it)."""
        poll = await self.store.get_poll(poll_id)
        if poll is None:
            raise PollNotFound(poll_id)
        if poll.series_id is None:
            if poll.organiser_id != user_id:
                raise NotOrganiser(poll_id)
            raise PollError("error.not_recurring", poll_id=poll_id)
        return await self.stop(poll.series_id, user_id)

    # --- reading ----------------------------------------------------------------------------

    async def series_of(self, organiser_id: str) -> list[Series]:
        """An organiser's series that go on, with their next start (App Home)."""
        return await self.store.active_series_of(organiser_id)

    async def series_in(self, channel_id: str) -> list[Series]:
        """The series of a channel that go on, with their next start (the list)."""
        return await self.store.active_series_in(channel_id)

    async def previous(self, poll: Poll) -> Poll | None:
        """The occurrence before this one of the same series, if there is one."""
        if poll.series_id is None:
            return None
        previous_id = await self.store.previous_in_series(poll.id)
        return None if previous_id is None else await self.store.get_poll(previous_id)


class SeriesComparisons:
    """What an occurrence's summary compares with: the occurrence before it, once closed."""

    def __init__(
        self,
        store: _Store,
        lookup: PollLookup,
        links: FollowUpLinks,
        *,
        threshold: int = ANONYMITY_THRESHOLD,
    ) -> None:
        self.store = store
        self.lookup = lookup
        self.links = links
        self.threshold = threshold

    async def comparison(self, poll: Poll, tally: PollTally) -> Comparison | None:
        if poll.series_id is None:
            return None
        previous_id = await self.store.previous_in_series(poll.id)
        if previous_id is None:
            return None
        previous = await self.store.get_poll(previous_id)
        if previous is None or previous.status is not PollStatus.CLOSED:
            return None  # still open (a long duration): its results are not out to compare
        before = await self.lookup.current_tally(previous)
        return compare(
            previous,
            before,
            poll,
            tally,
            threshold=self.threshold,
            previous_link=await self.links.summary_link(previous.id),
        )
