"""The job runner: claims due jobs, runs each through the handler of its kind, sleeps until the
next one is due. Several runners (replicas) may share one database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.services.jobs import JobQueue, JobWork
from bot.services.ports import Job, StoreUnavailable

logger = logging.getLogger(__name__)

# Jobs run at once in one process: rounds of different workspaces have limits of their own, so
# 50 workspaces' rounds go out side by side (4 left the 50th waiting 1.5 minutes; see
# docs/performance.md).
CONCURRENT_JOBS = 16
# Jobs created by another replica (or a claim that lapsed there) are noticed this often.
LOOK_AGAIN = timedelta(seconds=5)


class JobRunner:
    """Runs jobs until stopped; a job of an unknown kind is dropped with a warning."""

    def __init__(
        self,
        queue: JobQueue,
        handlers: Mapping[str, JobWork],
        *,
        concurrency: int = CONCURRENT_JOBS,
        look_again: timedelta = LOOK_AGAIN,
    ) -> None:
        self.queue = queue
        self.handlers = handlers
        self.concurrency = concurrency
        self.look_again = look_again
        self._running: set[asyncio.Task[bool]] = set()
        # Claims on their way from the database: claimed there, not yet running here.
        self._claiming = 0
        self._loop_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._loop(), name="job-runner")

    async def stop(self) -> None:
        """Stop taking jobs and wait for the ones running (a graceful shutdown)."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    @property
    def running(self) -> int:
        return len(self._running)

    async def idle(self) -> bool:
        """No job running here and none due now (tests wait for this)."""
        if self._running or self._claiming:
            return False
        due = await self.queue.store.next_job_due()
        return due is None or due > self.queue.clock.now()

    async def _loop(self) -> None:
        while True:
            try:
                await self._claim_and_start()
                clock = self.queue.clock
                until = clock.now() + self.look_again
                if len(self._running) < self.concurrency:
                    due = await self.queue.store.next_job_due()
                    if due is not None:
                        until = min(until, due)
                await self.queue.wait_for_work(until)
            except asyncio.CancelledError:
                raise
            except StoreUnavailable as error:
                logger.warning("the job runner cannot reach the database: %s", error)
                await self.queue.wait_for_work(self.queue.clock.now() + self.look_again)
            except Exception:
                # The database may be away for a moment; the jobs stay in it.
                logger.exception("the job runner failed to look for work; trying again")
                await self.queue.wait_for_work(self.queue.clock.now() + self.look_again)

    async def _claim_and_start(self) -> None:
        while (free := self.concurrency - len(self._running)) > 0:
            self._claiming += 1
            try:
                jobs = await self.queue.claim_due(free)
            finally:
                self._claiming -= 1
            for job in jobs:
                task = asyncio.create_task(self._run(job), name=f"job:{job.key}")
                self._running.add(task)
                task.add_done_callback(self._done)
            if len(jobs) < free:
                return

    def _done(self, task: asyncio.Task[bool]) -> None:
        self._running.discard(task)
        self.queue.wake()  # a slot is free again

    async def _run(self, job: Job) -> bool:
        handler = self.handlers.get(job.kind)
        if handler is None:
            logger.warning("dropping job %s of unknown kind %s", job.key, job.kind)
            return await self.queue.run(job, _nothing)
        return await self.queue.run(job, handler)


async def _nothing(_job: Job) -> None:
    return None
