"""A poll's jobs follow the poll: its close, its next reminder round, its next deliveries."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.domain.event_schedule import latest_due_auto_round, next_auto_round
from bot.domain.model import Poll, PollStatus
from bot.services import jobs
from bot.services.jobs import JobQueue, job_key
from bot.services.ports import Clock, PollStore, ReminderStore

logger = logging.getLogger(__name__)


class PollSchedule:
    """Derives the jobs of a poll from what the database says; safe to call any time, from any
    replica: the jobs are rewritten, never added twice."""

    def __init__(
        self,
        polls: PollStore,
        reminders: ReminderStore,
        queue: JobQueue,
        clock: Clock,
        changed: Callable[[int], None] | None = None,
    ):
        self.polls = polls
        self.reminders = reminders
        self.queue = queue
        self.clock = clock
        # Told of every change that moves a poll's jobs (created, extended, closed, deleted):
        # the Home tabs that list the poll follow it.
        self.changed = changed

    async def poll_changed(self, poll_id: int) -> None:
        """Make the poll's jobs match the poll (one write for all of them)."""
        await self._sync(poll_id)
        if self.changed is not None:
            self.changed(poll_id)

    async def plan_next(self, poll_id: int) -> None:
        """The poll's jobs again after one of them ran (a reminder round went out, a close
        found the poll extended): nothing its people see changed, so no Home follows."""
        await self._sync(poll_id)

    async def _sync(self, poll_id: int) -> None:
        poll = await self.polls.get_poll(poll_id)
        if poll is None or poll.status is PollStatus.CLOSED:
            await self.queue.set_poll_jobs(poll_id, dict.fromkeys(jobs.POLL_JOBS))
        elif poll.status is PollStatus.CLOSING:
            # A close has begun (perhaps before a crash): finish it now.
            now = self.clock.now()
            await self.queue.set_poll_jobs(
                poll_id, {jobs.CLOSE: now, jobs.ROUND: None, jobs.DELIVER: None}
            )
        else:
            due = {
                jobs.CLOSE: poll.closes_at,
                jobs.ROUND: await self._next_round(poll),
                jobs.DELIVER: await self.reminders.next_delivery(poll.id),
            }
            await self.queue.set_poll_jobs(poll_id, due)

    async def deliveries_changed(self, poll_id: int) -> None:
        """The poll's planned reminders changed: deliver the next ones when they are due."""
        at = await self.reminders.next_delivery(poll_id)
        if at is None:
            await self.queue.cancel([job_key(jobs.DELIVER, poll_id)])
        else:
            await self.queue.schedule(jobs.DELIVER, poll_id, at)

    async def recover(self) -> None:
        """At start: every poll that is open or closing gets its jobs (again)."""
        for poll in await self.polls.polls_with_status(PollStatus.OPEN, PollStatus.CLOSING):
            await self._sync(poll.id)  # nothing changed for the people: no Home to publish

    async def _next_round(self, poll: Poll) -> datetime | None:
        """When the poll's next automatic round is due (None: no more rounds)."""
        now = self.clock.now()
        due = latest_due_auto_round(poll, now)
        if due is not None and due[0] > (await self.reminders.latest_auto_round(poll.id) or 0):
            return now  # missed while the bot was down (or due this instant): the latest, once
        upcoming = next_auto_round(poll, now)
        return None if upcoming is None else upcoming[1]
