"""The job queue's port: scheduled work kept in the database, claimed by one runner at a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.services.ports.workspaces import WorkspaceKey


@dataclass(frozen=True, slots=True)
class Job:
    """A piece of scheduled work, claimed by one runner at a time.

    key names it ("close:12"); due_at is when it should run; attempts counts failed runs."""

    key: str
    kind: str
    poll_id: int | None
    due_at: datetime
    attempts: int = 0
    # The workspace it was scheduled in (None in single-workspace mode, and for jobs of none).
    workspace: WorkspaceKey | None = None


class JobStore(Protocol):
    """Scheduled work in the database: the only truth about what is due, shared by every runner."""

    async def schedule_job(
        self, key: str, kind: str, poll_id: int | None, due_at: datetime
    ) -> None:
        """Create the job or move it to due_at; a run in progress keeps its claim."""
        ...

    async def set_poll_jobs(
        self, poll_id: int, due: Mapping[str, tuple[str, datetime | None]]
    ) -> None:
        """Several jobs of one poll at once, by key: (kind, due time), or (kind, None) to cancel;
        one transaction."""
        ...

    async def cancel_jobs(self, keys: Iterable[str]) -> None: ...

    async def claim_due_jobs(
        self, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> list[Job]:
        """Claim up to limit jobs due by now that nobody holds (or whose claim lapsed)."""
        ...

    async def claim_job(
        self, key: str, now: datetime, owner: str, lease_until: datetime
    ) -> Job | None:
        """Claim one job now, due or not; None when it does not exist or someone holds it."""
        ...

    async def renew_claims(
        self, keys: Iterable[str], owner: str, lease_until: datetime
    ) -> None: ...

    async def finish_job(self, job: Job, owner: str) -> None:
        """The run succeeded: the job is gone, unless it was moved meanwhile (then it waits)."""
        ...

    async def retry_job(self, job: Job, owner: str, due_at: datetime, error: str) -> None:
        """The run failed: try again at due_at, one attempt more."""
        ...

    async def next_job_due(self) -> datetime | None:
        """When the next job becomes claimable: its due time, or when a lapsed claim ends."""
        ...

    async def failing_jobs(self, keys: Iterable[str]) -> Mapping[str, int]:
        """Failed attempts so far of the given jobs that have failed at least once."""
        ...
