"""Scheduled work kept in the database and claimed with a lease: exactly one runner (in this
process or in any replica) does each job, and another one takes over when a claim lapses."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Final

from bot.domain.schedule import retry_delay
from bot.services.ports import Clock, Job, JobStore, SlackError
from bot.services.ports.workspaces import in_workspace

logger = logging.getLogger(__name__)

CLOSE: Final = "close"  # close a poll whose time has come, or finish a close that has begun
ROUND: Final = "round"  # start the poll's next automatic reminder round
DELIVER: Final = "deliver"  # send the poll's reminders that are due
INVITE: Final = "invite"  # tell the people drawn for a sample that they were picked
OUTCOME: Final = "outcome"  # publish a poll's outcome report: its thread reply and its DMs
RETENTION: Final = "retention"  # purge polls past the retention period
LINK: Final = "link"  # link a new follow-up poll from the thread of the summary it follows
SERIES: Final = "series"  # start a recurring series' next occurrence ("series:<series id>")
POLL_JOBS: Final = (CLOSE, ROUND, DELIVER, INVITE)

DEFAULT_LEASE: Final = timedelta(seconds=60)


def job_key(kind: str, poll_id: int | None = None) -> str:
    """The job's name: "close:12", or the kind alone for a job of no poll ("retention")."""
    return kind if poll_id is None else f"{kind}:{poll_id}"


class JobBusy(Exception):
    """Another runner holds the job right now; it will do the work."""

    def __init__(self, key: str) -> None:
        super().__init__(f"job {key} is being run elsewhere")
        self.key = key


JobWork = Callable[[Job], Awaitable[None]]


class JobQueue:
    """Scheduling, claiming and finishing jobs; a claim is renewed while its work runs."""

    def __init__(
        self, store: JobStore, clock: Clock, owner: str, *, lease: timedelta = DEFAULT_LEASE
    ) -> None:
        self.store = store
        self.clock = clock
        self.owner = owner
        self.lease = lease
        self._wakeup: asyncio.Event | None = None
        # When this process's runner means to look for work next; work due later needs no wake.
        self._looking_at: datetime | None = None

    async def schedule(self, kind: str, poll_id: int | None, due_at: datetime) -> None:
        await self.store.schedule_job(job_key(kind, poll_id), kind, poll_id, due_at)
        self._wake_for(due_at)

    async def set_poll_jobs(self, poll_id: int, due: Mapping[str, datetime | None]) -> None:
        """The poll's jobs of these kinds: due at the given times, or cancelled (None)."""
        await self.store.set_poll_jobs(
            poll_id, {job_key(kind, poll_id): (kind, at) for kind, at in due.items()}
        )
        times = [at for at in due.values() if at is not None]
        if times:
            self._wake_for(min(times))

    def _wake_for(self, due_at: datetime) -> None:
        if self._looking_at is None or due_at < self._looking_at:
            self.wake()

    async def cancel(self, keys: Iterable[str]) -> None:
        await self.store.cancel_jobs(keys)

    def wake(self) -> None:
        """Tell the runner of this process to look for due work now."""
        self._event().set()

    async def wait_for_work(self, until: datetime) -> None:
        """Return at until, or sooner when wake() is called."""
        event = self._event()
        if event.is_set():
            event.clear()
            return
        self._looking_at = until
        sleeping = asyncio.ensure_future(self.clock.sleep_until(until))
        woken = asyncio.ensure_future(event.wait())
        try:
            await asyncio.wait({sleeping, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeping, woken):
                task.cancel()
            event.clear()
            self._looking_at = None

    def _event(self) -> asyncio.Event:
        if self._wakeup is None:
            self._wakeup = asyncio.Event()
        return self._wakeup

    async def claim_due(self, limit: int) -> list[Job]:
        now = self.clock.now()
        return await self.store.claim_due_jobs(now, self.owner, now + self.lease, limit)

    async def run(self, job: Job, work: JobWork) -> bool:
        """Run claimed work; the job is finished on success, retried later on failure.

        Returns whether the work succeeded; a failure is logged, never raised."""
        try:
            async with self._renewed(job):
                with _in_workspace_of(job):
                    await work(job)
        except Exception as error:
            attempts = job.attempts + 1
            due_at = self.clock.now() + retry_delay(attempts)
            logger.warning(
                "job %s failed (attempt %d), retried at %s: %s",
                job.key,
                attempts,
                due_at.isoformat(timespec="seconds"),
                error,
                exc_info=not isinstance(error, SlackError),
                extra={"poll_id": job.poll_id} if job.poll_id is not None else {},
            )
            await self.store.retry_job(job, self.owner, due_at, f"{type(error).__name__}: {error}")
            self.wake()
            return False
        await self.store.finish_job(job, self.owner)
        return True

    async def run_now(self, kind: str, poll_id: int | None, work: JobWork) -> bool:
        """Claim the job now (due or not) and run it here; raises JobBusy when another runner
        holds it. Returns whether the work succeeded (a failed one is retried later)."""
        key = job_key(kind, poll_id)
        now = self.clock.now()
        job = await self.store.claim_job(key, now, self.owner, now + self.lease)
        if job is None:
            raise JobBusy(key)
        return await self.run(job, work)

    @asynccontextmanager
    async def _renewed(self, job: Job) -> AsyncIterator[None]:
        renewal = asyncio.ensure_future(self._renew(job.key))
        try:
            yield
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal

    async def _renew(self, key: str) -> None:
        while True:
            await self.clock.sleep_until(self.clock.now() + self.lease / 3)
            try:
                await self.store.renew_claims([key], self.owner, self.clock.now() + self.lease)
            except Exception as error:  # the claim may lapse; the work goes on either way
                logger.warning("renewing the claim on job %s failed: %s", key, error)


def _in_workspace_of(job: Job) -> contextlib.AbstractContextManager[None]:
    """A job runs in the workspace it was scheduled in (a job of none, in the caller's)."""
    return contextlib.nullcontext() if job.workspace is None else in_workspace(job.workspace)
