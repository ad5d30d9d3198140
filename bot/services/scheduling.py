"""A poll's jobs follow the poll: its close, its next reminder round, its next deliveries."""

from __future__ import annotations

import logging

from bot.domain.model import Poll, PollStatus
from bot.domain.schedule import latest_due_round, next_round
from bot.services import jobs
from bot.services.jobs import JobQueue, job_key
from bot.services.ports import Clock, PollStore, ReminderStore

logger = logging.getLogger(__name__)


class PollSchedule:
    """Derives the jobs of a poll from what the database says; safe to call any time, from any
    replica: the jobs are rewritten, never added twice."""

    def __init__(self, polls: PollStore, reminders: ReminderStore, queue: JobQueue, clock: Clock):
        self.polls = polls
        self.reminders = reminders
        self.queue = queue
        self.clock = clock

    async def poll_changed(self, poll_id: int) -> None:
        """Make the poll's jobs match the poll."""
        poll = await self.polls.get_poll(poll_id)
        if poll is None or poll.status is PollStatus.CLOSED:
            await self.queue.cancel(job_key(kind, poll_id) for kind in jobs.POLL_JOBS)
            return
        if poll.status is PollStatus.CLOSING:
            # A close has begun (perhaps before a crash): finish it now.
            await self.queue.cancel(job_key(kind, poll_id) for kind in (jobs.ROUND, jobs.DELIVER))
            await self.queue.schedule(jobs.CLOSE, poll_id, self.clock.now())
            return
        await self.queue.schedule(jobs.CLOSE, poll.id, poll.closes_at)
        await self._schedule_round(poll)
        await self.deliveries_changed(poll.id)

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
            await self.poll_changed(poll.id)

    async def _schedule_round(self, poll: Poll) -> None:
        key = job_key(jobs.ROUND, poll.id)
        if poll.remind_every is None:
            await self.queue.cancel([key])
            return
        now = self.clock.now()
        started = await self.reminders.latest_auto_round(poll.id) or 0
        due = latest_due_round(poll.opened_at, poll.closes_at, poll.remind_every, now)
        if due is not None and due[0] > started:
            # Missed while the bot was down (or due this instant): the latest one runs, once.
            await self.queue.schedule(jobs.ROUND, poll.id, now)
            return
        upcoming = next_round(poll.opened_at, poll.closes_at, poll.remind_every, now)
        if upcoming is None:
            await self.queue.cancel([key])
        else:
            await self.queue.schedule(jobs.ROUND, poll.id, upcoming[1])
