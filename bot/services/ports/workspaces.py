"""Which workspace a piece of work belongs to, and where the installations of many live.

In multi-workspace mode every request and every job runs *in* one workspace: the Slack edge
(Bolt middleware) and the job runner set it once, at the start, and everything below reads it
from here: the Slack adapter picks that workspace's token and rate limits, the repository stamps
it on the rows it writes and reads only that workspace's polls. Like a database session's
tenant, it is ambient so that no query can forget it. In single-workspace mode nothing sets it
and nothing is filtered: one token, one workspace, as before."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class WorkspaceKey:
    """A workspace, keyed as Bolt keys installations: an org-wide install of Enterprise Grid
    (is_enterprise_install) is the enterprise's, whatever workspace a request comes from; its
    requests still name their workspace in team_id, and their rows carry it."""

    enterprise_id: str | None
    team_id: str | None
    is_enterprise_install: bool = False

    @property
    def installation(self) -> tuple[str, str]:
        """The key of the installation that serves this workspace: ("E…", "") for an org-wide
        install, (enterprise id or "", "T…") for a workspace install."""
        if self.is_enterprise_install:
            return (self.enterprise_id or "", "")
        return (self.enterprise_id or "", self.team_id or "")

    def __str__(self) -> str:
        enterprise, team = self.installation
        return f"{enterprise}/{team}" if enterprise else team


_current: ContextVar[WorkspaceKey | None] = ContextVar("wishbot_workspace", default=None)


def current_workspace() -> WorkspaceKey | None:
    """The workspace the running request or job belongs to; None in single-workspace mode."""
    return _current.get()


@contextmanager
def in_workspace(workspace: WorkspaceKey | None) -> Iterator[None]:
    """Run the block (and every task it starts) in this workspace."""
    token = _current.set(workspace)
    try:
        yield
    finally:
        _current.reset(token)


def enter_workspace(workspace: WorkspaceKey | None) -> None:
    """Set the workspace for the rest of this task (and the tasks it starts): for Bolt
    middleware, whose listener runs after it returns in the same task."""
    _current.set(workspace)


class WorkspaceMismatch(Exception):
    """A row of another workspace was asked for; shown to people as 'not found'."""


# The bot's own user id in the current workspace (each install has a bot user of its own).
BotUser = Callable[[], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class InstallationRecord:
    """One installation of the app, as stored: its key in the clear (to find it), everything
    else (Bolt's Installation as a JSON-safe dict, tokens included) sealed at rest."""

    enterprise_id: str | None
    team_id: str | None  # None for an org-wide install
    is_enterprise_install: bool
    installed_at: datetime
    bot_token_expires_at: datetime | None
    data: Mapping[str, Any]

    @property
    def key(self) -> WorkspaceKey:
        return WorkspaceKey(self.enterprise_id, self.team_id, self.is_enterprise_install)


Refresh = Callable[[InstallationRecord], Awaitable[InstallationRecord | None]]


class InstallationStore(Protocol):
    """Installations and OAuth states, in Wishbot's database (either backend)."""

    async def save_installation(self, record: InstallationRecord) -> None:
        """Insert or replace the installation of record.key."""
        ...

    async def find_installation(self, key: WorkspaceKey) -> InstallationRecord | None:
        """The installation serving key (an org-wide one for is_enterprise_install)."""
        ...

    async def delete_installation(self, key: WorkspaceKey) -> None:
        """Forget the installation serving key (its tokens with it); none is fine."""
        ...

    async def installations(self) -> list[InstallationRecord]:
        """Every installation, for background work and warm-up."""
        ...

    async def rotate_installation(
        self, key: WorkspaceKey, refresh: Refresh
    ) -> InstallationRecord | None:
        """Under a database lock on that installation (no two replicas at once): read it, call
        refresh with it, save what refresh returns (None: keep it as it is), return the stored
        one. None when there is no installation."""
        ...

    async def issue_state(self, state: str, expires_at: datetime) -> None: ...

    async def consume_state(self, state: str, now: datetime) -> bool:
        """True once for a state issued and not expired; it is gone afterwards."""
        ...


@dataclass(frozen=True, slots=True)
class PurgedWorkspace:
    """What a purge deleted, for the log line."""

    polls: int
    people: int
    jobs: int


class WorkspaceStore(Protocol):
    """A workspace's rows as a whole: cancelled and purged when the app leaves it."""

    async def cancel_workspace_jobs(self, key: WorkspaceKey) -> int:
        """Delete every job of the workspace (an org-wide key: of every workspace of the
        enterprise); how many."""
        ...

    async def purge_workspace(self, key: WorkspaceKey) -> PurgedWorkspace:
        """Delete the workspace's polls (with everything that hangs off them: people asked,
        answers, reminders, outcome reports), its series, Home tabs, people and jobs, in one
        transaction; an org-wide key purges every workspace of the enterprise."""
        ...

    async def record_uninstall(self, key: WorkspaceKey, at: datetime) -> None:
        """Remember that the app left the workspace, for a purge after the retention period
        (a later install of it again forgets this)."""
        ...

    async def forget_uninstall(self, key: WorkspaceKey) -> None: ...

    async def uninstalled_before(self, at: datetime) -> list[WorkspaceKey]:
        """Workspaces the app left before at, not yet purged."""
        ...
