"""The daily retention job: polls closed longer ago than WISHBOT_RETENTION_DAYS are purged, and
so are the workspaces the app was uninstalled from longer ago than that."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta

from bot.domain.retention import retention_cutoff
from bot.services import jobs
from bot.services.departures import purge_left_before
from bot.services.jobs import JobQueue
from bot.services.ports import Clock, Job
from bot.services.ports.workspaces import WorkspaceKey, WorkspaceStore
from bot.storage.retention import PurgeReport, RetentionStore

logger = logging.getLogger(__name__)

RETENTION_INTERVAL = timedelta(days=1)
# The first run waits a little after a start (out of the way of the catch-up work) but not a
# day: a bot restarted every night still purges.
FIRST_RUN_DELAY = timedelta(minutes=1)


class RetentionJob:
    """Purges once a day; the clock decides what "closed N days ago" means, so tests move it.

    workspaces: where uninstalled workspaces are remembered and purged (multi-workspace mode;
    None: there are none to purge)."""

    def __init__(
        self,
        store: RetentionStore,
        queue: JobQueue,
        clock: Clock,
        days: int,
        workspaces: WorkspaceStore | None = None,
    ) -> None:
        self.store = store
        self.queue = queue
        self.clock = clock
        self.days = days
        self.workspaces = workspaces

    async def install(self) -> None:
        await self.queue.schedule(jobs.RETENTION, None, self.clock.now() + FIRST_RUN_DELAY)

    async def run_job(self, job: Job) -> None:
        await self.run()
        await self.queue.schedule(jobs.RETENTION, None, self.clock.now() + RETENTION_INTERVAL)

    async def run(self) -> PurgeReport:
        """Purge now: every poll closed before today minus the retention days, and every
        workspace uninstalled before then."""
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
        purged = await self._purge_uninstalled(cutoff)
        return dataclasses.replace(report, workspaces=purged) if purged else report

    async def _purge_uninstalled(self, cutoff: datetime) -> list[WorkspaceKey]:
        if self.workspaces is None:
            return []
        return await purge_left_before(self.workspaces, cutoff)
