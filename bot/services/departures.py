"""A workspace installs Wishbot, or removes it: what is kept, started, stopped and deleted."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.services.ports import Clock
from bot.services.ports.workspaces import InstallationStore, WorkspaceKey, WorkspaceStore

logger = logging.getLogger(__name__)

Forget = Callable[[WorkspaceKey], None]
Welcome = Callable[[WorkspaceKey], Awaitable[None]]


class Departures:
    """When the app leaves a workspace (app_uninstalled, tokens_revoked) its tokens are deleted
    and its jobs cancelled at once; its polls, answers and people are purged at once, or, with
    a retention period, that many days later (an install again within it keeps them)."""

    def __init__(
        self,
        installations: InstallationStore,
        workspaces: WorkspaceStore,
        clock: Clock,
        *,
        retention_days: int | None,
        forget_tokens: Forget,
    ) -> None:
        self.installations = installations
        self.workspaces = workspaces
        self.clock = clock
        self.retention = None if retention_days is None else timedelta(days=retention_days)
        self.forget_tokens = forget_tokens

    async def left(self, workspace: WorkspaceKey) -> None:
        """The app was removed from the workspace, or its bot token revoked; a second event of
        the two Slack sends finds nothing left to do."""
        await self.installations.delete_installation(workspace)
        self.forget_tokens(workspace)
        cancelled = await self.workspaces.cancel_workspace_jobs(workspace)
        if self.retention is None:
            purged = await self.workspaces.purge_workspace(workspace)
            logger.info(
                "left workspace %s: tokens deleted, %d job(s) cancelled, %d poll(s) and %d"
                " person record(s) purged",
                workspace,
                cancelled,
                purged.polls,
                purged.people,
            )
            return
        await self.workspaces.record_uninstall(workspace, self.clock.now())
        logger.info(
            "left workspace %s: tokens deleted, %d job(s) cancelled; its data is purged in %d"
            " day(s)",
            workspace,
            cancelled,
            self.retention.days,
        )

    async def arrived(self, workspace: WorkspaceKey) -> None:
        """Installed (again): a purge planned for its data is off."""
        await self.workspaces.forget_uninstall(workspace)
