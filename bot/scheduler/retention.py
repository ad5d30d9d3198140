"""The daily retention job: polls closed longer ago than WISHBOT_RETENTION_DAYS are purged."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.domain.retention import retention_cutoff
from bot.services import jobs
from bot.services.jobs import JobQueue
from bot.services.ports import Clock, Job
from bot.storage.retention import PurgeReport, RetentionStore

logger = logging.getLogger(__name__)

RETENTION_INTERVAL = timedelta(days=1)
# The first run waits a little after a start (out of the way of the catch-up work) but not a
# day: a bot restarted every night still purges.
FIRST_RUN_DELAY = timedelta(minutes=1)


class RetentionJob:
    """Purges once a day; the clock decides what "closed N days ago" means, so tests move it."""

    def __init__(self, store: RetentionStore, queue: JobQueue, clock: Clock, days: int) -> None:
        self.store = store
        self.queue = queue
        self.clock = clock
        self.days = days

    async def install(self) -> None:
        await self.queue.schedule(jobs.RETENTION, None, self.clock.now() + FIRST_RUN_DELAY)

    async def run_job(self, job: Job) -> None:
        await self.run()
        await self.queue.schedule(jobs.RETENTION, None, self.clock.now() + RETENTION_INTERVAL)

    async def run(self) -> PurgeReport:
        """Purge now: every poll closed before today minus the retention days."""
        cutoff = retention_cutoff(self.clock.now(), self.days)
        report = await self.store.purge(cutoff)
        for poll in report.polls:
            logger.info(
                "retention: poll %s purged (closed %s, %d responses)",
                poll.poll_id,
                poll.closed_at.date().isoformat(),
                poll.responses,
                extra={"poll_id": poll.poll_id},
            )
        if report.polls or report.people:
            logger.info(
                "retention: %d poll(s) closed before %s and %d cached profile(s) purged",
                len(report.polls),
                cutoff.date().isoformat(),
                report.people,
            )
        return report
