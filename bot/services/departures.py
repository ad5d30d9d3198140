"""A workspace installs Wishbot, or removes it: what is kept, started, stopped and deleted."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.services.ports import Clock
from bot.services.ports.workspaces import (
    InstallationStore,
    PurgedWorkspace,
    WorkspaceKey,
    WorkspaceStore,
)

logger = logging.getLogger(__name__)

Forget = Callable[[WorkspaceKey], None]
Welcome = Callable[[WorkspaceKey], Awaitable[None]]


class Departures:
    """When the app leaves a workspace (app_uninstalled, tokens_revoked) its tokens are deleted
    and its jobs cancelled at once; its polls, answers and people are purged right after, or,
    with a retention period, that many days later (an install again within it keeps them)."""

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
        """The app was removed from the workspace, or its bot token revoked: what must hold
        before the event's ack (quick, and enough for a purge to follow even after a crash); a
        second event of the two Slack sends finds nothing left to do."""
        await self.installations.delete_installation(workspace)
        self.forget_tokens(workspace)
        cancelled = await self.workspaces.cancel_workspace_jobs(workspace)
        await self.workspaces.record_uninstall(workspace, self.clock.now())
        logger.info(
            "left workspace %s: tokens deleted, %d job(s) cancelled; its data is purged %s",
            workspace,
            cancelled,
            "now" if self.retention is None else f"in {self.retention.days} day(s)",
        )

    async def purge(self, workspace: WorkspaceKey) -> None:
        """After the ack (a purge of a big workspace may take longer than Slack waits): without
        a retention period, its data goes now (with one, the daily retention run purges it)."""
        if self.retention is None:
            await purge_left(self.workspaces, workspace)

    async def purge_unfinished(self) -> None:
        """At start: a purge that a crash or a stop interrupted after the ack is done now."""
        if self.retention is None:
            await purge_left_before(self.workspaces, self.clock.now())

    async def arrived(self, workspace: WorkspaceKey) -> None:
        """Installed (again): a purge planned for its data is off."""
        await self.workspaces.forget_uninstall(workspace)


async def purge_left_before(workspaces: WorkspaceStore, at: datetime) -> list[WorkspaceKey]:
    """Purge every workspace the app left before at; returns them."""
    left = await workspaces.uninstalled_before(at)
    for workspace in left:
        await purge_left(workspaces, workspace)
    return left


async def purge_left(workspaces: WorkspaceStore, workspace: WorkspaceKey) -> PurgedWorkspace:
    """Purge a workspace the app left, then forget that it left: a crash in between purges it
    again next time, never leaves it unpurged."""
    purged = await workspaces.purge_workspace(workspace)
    await workspaces.forget_uninstall(workspace)
    logger.info(
        "workspace %s purged: %d poll(s), %d cached profile(s), %d job(s)",
        workspace,
        purged.polls,
        purged.people,
        purged.jobs,
    )
    return purged
