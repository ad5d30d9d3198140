"""The poll scheduler: one close job, one round job and one delivery job per open poll."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.domain.model import Poll, PollStatus
from bot.domain.schedule import latest_due_round, next_round
from bot.services.closing import ClosingService
from bot.services.context import Context
from bot.services.polls import PollService
from bot.services.reminders import ReminderService

logger = logging.getLogger(__name__)


def close_job_id(poll_id: int) -> str:
    return f"close:{poll_id}"


def round_job_id(poll_id: int) -> str:
    return f"round:{poll_id}"


def delivery_job_id(poll_id: int) -> str:
    return f"deliver:{poll_id}"


class PollScheduler:
    """The database is the source of truth; jobs are derived from it and can be rebuilt any time.

    A job whose time passed while the bot was down runs at once (misfires are never dropped), and
    of several missed rounds only the latest is started."""

    def __init__(
        self,
        ctx: Context,
        polls: PollService,
        closing: ClosingService,
        reminders: ReminderService,
    ) -> None:
        self.ctx = ctx
        self.polls = polls
        self.closing = closing
        self.reminders = reminders
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )

    async def start(self) -> None:
        """Start the scheduler and rebuild every job from the database."""
        self.scheduler.start()
        await self.closing.complete_interrupted()
        for poll in await self.ctx.repo.polls_with_status(PollStatus.OPEN):
            await self.poll_changed(poll.id)
        logger.info("scheduler started with %d jobs", len(self.scheduler.get_jobs()))

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    @property
    def pending_jobs(self) -> int:
        return len(self.scheduler.get_jobs())

    async def poll_changed(self, poll_id: int) -> None:
        """Make the poll's jobs match the database."""
        poll = await self.ctx.repo.get_poll(poll_id)
        if poll is None or poll.status is not PollStatus.OPEN:
            for job_id in (close_job_id(poll_id), round_job_id(poll_id), delivery_job_id(poll_id)):
                self._remove(job_id)
            return
        self._at(close_job_id(poll.id), poll.closes_at, self._close, poll.id)
        await self._schedule_rounds(poll)
        await self._schedule_delivery(poll.id)

    async def _schedule_rounds(self, poll: Poll) -> None:
        if poll.remind_every is None:
            self._remove(round_job_id(poll.id))
            return
        now = self.ctx.clock.now()
        started = await self.ctx.repo.latest_auto_round(poll.id) or 0
        due = latest_due_round(poll.opened_at, poll.closes_at, poll.remind_every, now)
        if due is not None and due[0] > started:
            when = now  # missed while down (or due this instant): the latest one runs once, now
        else:
            upcoming = next_round(poll.opened_at, poll.closes_at, poll.remind_every, now)
            if upcoming is None:
                self._remove(round_job_id(poll.id))
                return
            when = upcoming[1]
        self._at(round_job_id(poll.id), when, self._round, poll.id)

    async def _schedule_delivery(self, poll_id: int) -> None:
        at = await self.ctx.repo.next_delivery(poll_id)
        if at is None:
            self._remove(delivery_job_id(poll_id))
        else:
            self._at(delivery_job_id(poll_id), at, self._deliver, poll_id)

    def _at(self, job_id: str, when: datetime, func: object, poll_id: int) -> None:
        self.scheduler.add_job(
            func, "date", run_date=when, id=job_id, args=[poll_id], replace_existing=True
        )

    def _remove(self, job_id: str) -> None:
        if self.scheduler.get_job(job_id) is not None:
            self.scheduler.remove_job(job_id)

    # --- jobs --------------------------------------------------------------------------------

    async def _close(self, poll_id: int) -> None:
        poll = await self.ctx.repo.get_poll(poll_id)
        if poll is None or poll.status is PollStatus.CLOSED:
            return
        if poll.status is PollStatus.OPEN and poll.closes_at > self.ctx.clock.now():
            await self.poll_changed(poll_id)  # extended after this job was planned
            return
        try:
            await self.closing.close(poll_id)
        except Exception:
            logger.exception(
                "closing poll %s failed; retried at the next start",
                poll_id,
                extra={"poll_id": poll_id},
            )

    async def _round(self, poll_id: int) -> None:
        poll = await self.ctx.repo.get_poll(poll_id)
        if poll is None or not poll.is_open or poll.remind_every is None:
            return
        due = latest_due_round(
            poll.opened_at, poll.closes_at, poll.remind_every, self.ctx.clock.now()
        )
        if due is not None:
            await self.reminders.start_round(poll, due[0])
            await self.reminders.deliver_due(poll_id)
        await self.poll_changed(poll_id)

    async def _deliver(self, poll_id: int) -> None:
        await self.reminders.deliver_due(poll_id)
        await self._schedule_delivery(poll_id)
