"""The daily retention job: polls closed longer ago than WISHBOT_RETENTION_DAYS are purged."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.domain.retention import retention_cutoff
from bot.domain.schedule import Clock
from bot.storage.retention import PurgeReport, RetentionStore

logger = logging.getLogger(__name__)

RETENTION_JOB_ID = "retention"
RETENTION_INTERVAL = timedelta(days=1)
# The first run waits a little after a start (out of the way of the catch-up work) but not a
# day: a bot restarted every night still purges.
FIRST_RUN_DELAY = timedelta(minutes=1)


class RetentionJob:
    """Purges once a day; the clock decides what "closed N days ago" means, so tests move it."""

    def __init__(self, store: RetentionStore, clock: Clock, days: int) -> None:
        self.store = store
        self.clock = clock
        self.days = days

    def install(self, scheduler: AsyncIOScheduler) -> None:
        scheduler.add_job(
            self._run_logged,
            "interval",
            seconds=RETENTION_INTERVAL.total_seconds(),
            next_run_time=datetime.now(UTC) + FIRST_RUN_DELAY,
            id=RETENTION_JOB_ID,
            replace_existing=True,
        )

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

    async def _run_logged(self) -> None:
        try:
            await self.run()
        except Exception:
            logger.exception("the retention job failed; it runs again tomorrow")
