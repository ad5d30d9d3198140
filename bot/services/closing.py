"""Closing a poll: the message shows "Closed" and the summary is posted exactly once."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain.errors import PollClosed
from bot.domain.model import Poll, PollStatus
from bot.domain.wishes import poll_wishes
from bot.services import jobs
from bot.services.jobs import JobBusy, JobQueue
from bot.services.origins import SUMMARY, FollowUpLinks
from bot.services.polls import PollLookup
from bot.services.ports import (
    Clock,
    FollowUpOrigin,
    Job,
    MessageTag,
    OutcomeUnknown,
    PollStore,
    Presenter,
    SlackError,
    SlackPort,
)
from bot.services.scheduling import PollSchedule
from bot.services.series import SeriesComparisons

logger = logging.getLogger(__name__)

__all__ = ["NEXT_STEPS", "SUMMARY", "ClosedPoll", "Closing", "summary_tag"]

# The poll_messages kind that records the organiser's next-steps note as told (an ephemeral
# has nothing to look up later, so it is recorded before it is sent: at most once).
NEXT_STEPS = "next_steps"


def summary_tag(poll_id: int, part: int) -> MessageTag:
    return {"poll": poll_id, "part": part}


@dataclass(frozen=True, slots=True)
class ClosedPoll:
    """A poll closed for answers; summarised is False while its summary is still to be posted
    (Slack did not answer: the close job keeps trying)."""

    poll: Poll
    summarised: bool


class Closing:
    """Close = OPEN → CLOSING (answers stop, anonymous answers unlinked) → message updated →
    summary parts posted, each recorded → CLOSED. The Slack side runs as the poll's close job,
    so one runner does it at a time, and a failed or interrupted run is tried again."""

    def __init__(
        self,
        polls: PollStore,
        slack: SlackPort,
        presenter: Presenter,
        lookup: PollLookup,
        schedule: PollSchedule,
        queue: JobQueue,
        clock: Clock,
        origins: FollowUpLinks | None = None,
        comparisons: SeriesComparisons | None = None,
        close_failed: Callable[[int], None] | None = None,
    ) -> None:
        self.polls = polls
        self.slack = slack
        self.presenter = presenter
        self.lookup = lookup
        self.schedule = schedule
        self.queue = queue
        self.clock = clock
        self.origins = origins
        self.comparisons = comparisons
        # Told when Slack refused a close that is to be tried again (the organiser's Home says so).
        self.close_failed = close_failed

    async def close(self, poll_id: int, *, by_user: str) -> ClosedPoll:
        """The organiser closes the poll now."""
        poll = await self.lookup.require_organiser(poll_id, by_user)
        if poll.status is PollStatus.CLOSED:
            raise PollClosed(poll.id)
        if (
            poll.status is PollStatus.OPEN
            and await self.polls.begin_close(poll.id, self.clock.now()) is None
        ):
            raise PollClosed(poll.id)  # closed by someone else in the meantime
        # Due only if this close stops half-way (a crash): due at once, a job runner would
        # often claim it first and the close would run outside the organiser's request.
        await self.queue.schedule(jobs.CLOSE, poll.id, self.clock.now() + self.queue.lease)
        # JobBusy: another runner is finishing this close already.
        with contextlib.suppress(JobBusy):
            await self.queue.run_now(jobs.CLOSE, poll.id, self.run_close_job)
        closed = await self.lookup.require(poll.id)
        return ClosedPoll(closed, summarised=closed.status is PollStatus.CLOSED)

    async def run_close_job(self, job: Job) -> None:
        """The close job: close a poll whose time has come, or finish a close that has begun."""
        assert job.poll_id is not None
        poll = await self.polls.get_poll(job.poll_id)
        if poll is None or poll.status is PollStatus.CLOSED:
            return
        if poll.status is PollStatus.OPEN:
            if poll.closes_at > self.clock.now():
                await self.schedule.plan_next(poll.id)  # extended after the job was planned
                return
            await self.polls.begin_close(poll.id, self.clock.now())
        try:
            await self._complete(poll.id)
        except Exception:
            if self.close_failed is not None:
                self.close_failed(poll.id)
            raise  # the job is tried again later

    async def _complete(self, poll_id: int) -> None:
        """Finish a close that has begun; safe to repeat after a failure or a crash."""
        poll = await self.polls.get_poll(poll_id)
        if poll is None or poll.status is not PollStatus.CLOSING:
            return
        counts = await self.polls.counts(poll.id)
        origin = None if self.origins is None else await self.origins.origin(poll)
        if poll.message_ts is not None:
            closed = self.presenter.closed_poll_message(poll, counts, origin)
            await self.slack.update(poll.channel_id, poll.message_ts, closed)
        await self._post_summary(poll, origin)
        await self._tell_next_steps(poll)
        await self.polls.finish_close(poll.id)
        await self.schedule.poll_changed(poll.id)
        logger.info(
            "poll %s closed: %d of %d answered",
            poll.id,
            counts.answered,
            counts.asked,
            extra={"poll_id": poll.id},
        )

    async def _post_summary(self, poll: Poll, origin: FollowUpOrigin | None) -> None:
        tally = await self.lookup.current_tally(poll)
        comparison = None
        if self.comparisons is not None:
            comparison = await self.comparisons.comparison(poll, tally)
        parts = self.presenter.summary(poll, tally, origin, comparison)
        posted = {part: ts for part, _channel, ts in await self.polls.messages(poll.id, SUMMARY)}
        # An earlier run may have posted a part and stopped before recording it.
        uncertain = await self.polls.summary_started(poll.id)
        if not uncertain:
            await self.polls.mark_summary_started(poll.id)
        for index, message in enumerate(parts):
            if index in posted:
                continue
            thread_ts = posted.get(0) if index else None
            tag = summary_tag(poll.id, index)
            ts = None
            if uncertain:
                ts = await self.slack.find_tagged(
                    poll.channel_id, tag, oldest=poll.opened_at, thread_ts=thread_ts
                )
                # Parts go out in order: once one is missing, none after it was posted either.
                uncertain = ts is not None
            if ts is None:
                ts = (
                    await self.slack.post(poll.channel_id, message, tag=tag, thread_ts=thread_ts)
                ).ts
            await self.polls.record_message(poll.id, SUMMARY, index, poll.channel_id, ts)
            posted[index] = ts

    async def _tell_next_steps(self, poll: Poll) -> None:
        """Once the summary is out, tell the organiser of a poll of wishes what they can do
        next; once, whichever run of the close gets here first. A failure only loses the note
        (the summary carries the same buttons), never the close. A poll that asked for wishes
        but got none to show (nobody wrote one, or too few answered it anonymously) has none."""
        if not poll_wishes(poll, await self.lookup.current_tally(poll)):
            return
        if not await self.polls.record_message_once(poll.id, NEXT_STEPS, 0, poll.channel_id, ""):
            return
        message = self.presenter.next_steps(poll)
        try:
            await self.slack.post_ephemeral(poll.channel_id, poll.organiser_id, message)
            return
        except OutcomeUnknown:
            return  # it may have been shown; a DM could show it twice
        except SlackError as error:
            logger.info("next steps of poll %s by ephemeral failed: %s", poll.id, error.code)
        try:
            await self.slack.post(poll.organiser_id, message)
        except SlackError as error:
            logger.warning(
                "telling the organiser of poll %s what next failed: %s",
                poll.id,
                error.code,
                extra={"poll_id": poll.id},
            )
