"""Wishbot's Home tab: what a person still has to answer and the polls they run, published when
they open it and kept current (at most once a minute per person) while anything on it changes.

Every button on Home goes through the same use cases, with the same permission checks, as the
commands (bot.services.home_actions); this module only adds keeping the Home current."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

from bot.domain.model import Poll, PollStatus
from bot.domain.series import Series
from bot.domain.wishes import has_wishes
from bot.services import jobs
from bot.services.background import BackgroundWork
from bot.services.jobs import JobQueue, job_key
from bot.services.origins import FollowUpLinks
from bot.services.people import PeopleDirectory
from bot.services.ports import (
    Clock,
    HomeRecord,
    HomeStore,
    HomeUnavailable,
    Job,
    PollStore,
    SeriesStore,
    SlackPort,
    View,
)
from bot.services.ports.workspaces import WorkspaceKey, current_workspace, in_workspace

logger = logging.getLogger(__name__)

HOME: Final = "home"  # the job kind: publish one person's Home again (key "home:<user id>")
# A person's Home is published again at most this often for changes made by others (answers to
# their polls, a close): a burst of a hundred answers ends in one views.publish.
REPUBLISH_GAP: Final = timedelta(minutes=1)
MAX_WAITING: Final = 20
MAX_OPEN_OWN: Final = 15
MAX_CLOSED_OWN: Final = 10
MAX_SERIES: Final = 5


def home_job_key(user_id: str) -> str:
    return f"{HOME}:{user_id}"


@dataclass(frozen=True, slots=True)
class OwnOpenPoll:
    """An open poll of the person's own, with how far its answers have come; for one closed but
    with its summary not out yet, how often Slack has refused it so far."""

    poll: Poll
    answered: int
    asked: int
    failed_close_attempts: int = 0


@dataclass(frozen=True, slots=True)
class OwnClosedPoll:
    """A closed poll of the person's own: a link to its summary (None when Slack gave none)
    and whether it has free-text wishes to put to a vote."""

    poll: Poll
    summary_link: str | None
    has_wishes: bool


@dataclass(frozen=True, slots=True)
class HomeContent:
    """What one person's Home tab shows."""

    user_id: str
    waiting: tuple[Poll, ...]
    more_waiting: int
    open_polls: tuple[OwnOpenPoll, ...]
    more_open: int
    closed_polls: tuple[OwnClosedPoll, ...]
    # The person's recurring series that go on, the next to start first.
    series: tuple[Series, ...] = ()
    more_series: int = 0


class HomePresenter(Protocol):
    """Renders a Home tab (bot.slack.presenter implements it)."""

    def home(self, content: HomeContent, *, lang: str) -> View: ...


class HomeTab:
    """Publishing a person's Home, and re-publishing it when something on it changes."""

    def __init__(
        self,
        store: HomeStore,
        polls: PollStore,
        series: SeriesStore,
        slack: SlackPort,
        presenter: HomePresenter,
        people: PeopleDirectory,
        links: FollowUpLinks,
        queue: JobQueue,
        clock: Clock,
        background: BackgroundWork,
    ) -> None:
        self.store = store
        self.polls = polls
        self.series = series
        self.slack = slack
        self.presenter = presenter
        self.people = people
        self.links = links
        self.queue = queue
        self.clock = clock
        self.background = background
        # Polls changed since the last planning, with who changed them (whose Home follows
        # at once); polls whose every person's Home follows, not only the organiser's.
        # Per workspace: a plan reads and schedules in the workspace the polls belong to.
        self._pending: dict[WorkspaceKey | None, dict[int, set[str]]] = {}
        self._everyone: dict[WorkspaceKey | None, set[int]] = {}
        # People whose own Home changed in a way no poll tells of (a series set up or stopped).
        self._people: dict[WorkspaceKey | None, set[str]] = {}
        self._planning = False

    async def opened(self, user_id: str, team_id: str) -> None:
        """The person opened their Home tab: remember it, and publish what it shows now."""
        await self.store.record_home_opened(user_id, team_id, self.clock.now())
        # Someone new to the bot: their language from Slack before the first Home.
        await self.people.warm(user_id)
        await self.publish(user_id)

    async def content(self, user_id: str) -> HomeContent:
        waiting = await self.store.waiting_polls(user_id)
        own_open = await self.store.organised_polls(user_id, open_=True, limit=MAX_OPEN_OWN + 1)
        own_closed = await self.store.organised_polls(user_id, open_=False, limit=MAX_CLOSED_OWN)
        failing = await self.queue.store.failing_jobs(
            job_key(jobs.CLOSE, poll.id)
            for poll in own_open[:MAX_OPEN_OWN]
            if poll.status is PollStatus.CLOSING
        )
        open_polls = []
        for poll in own_open[:MAX_OPEN_OWN]:
            counts = await self.polls.counts(poll.id)
            attempts = failing.get(job_key(jobs.CLOSE, poll.id), 0)
            open_polls.append(OwnOpenPoll(poll, counts.answered, counts.asked, attempts))
        closed_polls = [
            OwnClosedPoll(poll, await self.links.summary_link(poll.id), has_wishes(poll))
            for poll in own_closed
        ]
        series = await self.series.active_series_of(user_id)
        return HomeContent(
            user_id=user_id,
            waiting=tuple(waiting[:MAX_WAITING]),
            more_waiting=max(0, len(waiting) - MAX_WAITING),
            open_polls=tuple(open_polls),
            # Only "more" is known past the limit, not how many: the list says so.
            more_open=max(0, len(own_open) - MAX_OPEN_OWN),
            closed_polls=tuple(closed_polls),
            series=tuple(series[:MAX_SERIES]),
            more_series=max(0, len(series) - MAX_SERIES),
        )

    async def publish(self, user_id: str) -> None:
        """views.publish the person's Home as it is now, in their language."""
        content = await self.content(user_id)
        lang = await self.people.language_of(user_id)
        await self.slack.publish_home(user_id, self.presenter.home(content, lang=lang))
        await self.store.set_home_published(user_id, self.clock.now())

    async def run_job(self, job: Job) -> None:
        """The refresh job of one person's Home."""
        _kind, _, user_id = job.key.partition(":")
        if not user_id:
            return
        try:
            await self.publish(user_id)  # any other SlackError: retried later by the job queue
        except HomeUnavailable as error:
            logger.info("no Home for %s: %s", user_id, error.code)

    def poll_changed(self, poll_id: int, actor: str | None = None) -> None:
        """The poll was created, extended, closed or deleted: each of its people who has opened
        their Home gets it published again, the actor at once, everyone else at most once a
        minute."""
        self._everyone.setdefault(current_workspace(), set()).add(poll_id)
        self._note(poll_id, actor)

    def close_failed(self, poll_id: int) -> None:
        """Slack refused the poll's summary (the close is tried again): its organiser's Home
        says so, at most once a minute."""
        self._note(poll_id, None)

    def answered(self, poll_id: int, user_id: str) -> None:
        """Someone answered: their own Home at once, the organiser's at most once a minute
        (nobody else's Home shows what they answered)."""
        self._note(poll_id, user_id)

    def person_changed(self, user_id: str) -> None:
        """Something on this person's Home alone changed by their own doing (they set up or
        stopped a series): it follows at once, if they have ever opened it."""
        self._people.setdefault(current_workspace(), set()).add(user_id)
        self._start_planning()

    def _note(self, poll_id: int, actor: str | None) -> None:
        # Noted in memory and planned by one task: a burst of 300 answers costs a few reads,
        # not 300 of them next to the answers' own writes.
        actors = self._pending.setdefault(current_workspace(), {}).setdefault(poll_id, set())
        if actor is not None:
            actors.add(actor)
        self._start_planning()

    def _start_planning(self) -> None:
        if not self._planning:
            self._planning = True
            self.background.spawn(self._plan_pending(), "home-plan")

    async def _plan_pending(self) -> None:
        try:
            while self._pending or self._people:
                pending, self._pending = self._pending, {}
                everyone, self._everyone = self._everyone, {}
                people, self._people = self._people, {}
                for workspace in {*pending, *people}:
                    with in_workspace(workspace):
                        await self._plan(
                            pending.get(workspace, {}),
                            everyone.get(workspace, set()),
                            people.get(workspace, set()),
                        )
        finally:
            self._planning = False

    async def _plan(
        self, pending: dict[int, set[str]], everyone: set[int], people: set[str]
    ) -> None:
        actors = people.union(*pending.values())
        others: set[str] = set()
        for poll_id in pending:
            if poll_id in everyone:
                others.update(await self.store.poll_people(poll_id))
            elif (poll := await self.polls.get_poll(poll_id)) is not None:
                others.add(poll.organiser_id)
        records = await self.store.home_records(actors | others)
        now = self.clock.now()
        for record in records:
            due = now if record.user_id in actors else self._next_turn(record, now)
            await self.store.plan_home_refresh(home_job_key(record.user_id), HOME, due)
        if records:
            self.queue.wake()

    @staticmethod
    def _next_turn(record: HomeRecord, now: datetime) -> datetime:
        if record.published_at is None:
            return now
        return max(now, record.published_at + REPUBLISH_GAP)
