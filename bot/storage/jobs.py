"""Jobs in the database, claimed with a lease (see bot.services.jobs).

Claiming, renewing and finishing are the job runner's, across every workspace: each job it
claims names its workspace, and the runner runs it there. What a request does with jobs
(plan, cancel, run now, read) stays within its workspace's jobs and those of none."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from bot.services.ports import Job
from bot.services.ports.workspaces import WorkspaceKey, current_workspace
from bot.storage.rows import Scope, Table, from_ms, poll_in_workspace, to_ms, workspace_scope
from bot.storage.sql import Row, Sql

_COLUMNS = "job_key, kind, poll_id, due_at, attempts, team_id, enterprise_id, is_enterprise_install"
# A job nobody holds, or whose holder's claim has lapsed.
_CLAIMABLE = "(lease_until IS NULL OR lease_until < ?)"
# A new job carries the workspace it was planned in (NULLs in single-workspace mode); the job
# runner runs it there.
_INSERT = (
    "INSERT INTO jobs (job_key, kind, poll_id, due_at, team_id, enterprise_id,"
    " is_enterprise_install) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def job_scope() -> Scope:
    """The jobs the current workspace may see and move: its own, and those of no workspace
    (the retention run); every job in single-workspace mode."""
    own = workspace_scope("jobs")
    if not own:
        return own
    return Scope(
        f"(jobs.team_id IS NULL AND jobs.enterprise_id IS NULL OR {own.condition})", own.params
    )


def job_stamp() -> tuple[str | None, str | None, bool]:
    """(team, enterprise, org-wide install) of the current workspace, for a new job's row."""
    key = current_workspace()
    if key is None:
        return (None, None, False)
    return (key.team_id, key.enterprise_id, key.is_enterprise_install)


def _upsert(scope: Scope) -> str:
    # A job is planned again by its key: a new time replaces the old one; the row keeps the
    # workspace it was first planned in, and another workspace's job is left as it is.
    where = f" WHERE {scope.condition}" if scope else ""
    return _INSERT + f" ON CONFLICT (job_key) DO UPDATE SET due_at = excluded.due_at{where}"


async def upsert_job(conn: Sql, key: str, kind: str, poll_id: int | None, due_at: datetime) -> None:
    """Plan a job in a use case's own transaction, with what it stores."""
    scope = job_scope()
    await conn.execute(
        _upsert(scope), (key, kind, poll_id, to_ms(due_at), *job_stamp(), *scope.params)
    )


def _job(row: Row) -> Job:
    return Job(
        key=str(row["job_key"]),
        kind=str(row["kind"]),
        poll_id=None if row["poll_id"] is None else int(row["poll_id"]),
        due_at=from_ms(int(row["due_at"])),
        attempts=int(row["attempts"]),
        workspace=_workspace(row),
    )


def _workspace(row: Row) -> WorkspaceKey | None:
    team, enterprise = row["team_id"], row["enterprise_id"]
    if team is None and enterprise is None:
        return None
    return WorkspaceKey(
        None if enterprise is None else str(enterprise),
        None if team is None else str(team),
        bool(row["is_enterprise_install"]),
    )


class JobTable(Table):
    """Scheduling, claiming, renewing and finishing jobs; each method is one transaction."""

    async def schedule_job(
        self, key: str, kind: str, poll_id: int | None, due_at: datetime
    ) -> None:
        async with self.db.transaction() as conn:
            if poll_id is not None and not await poll_in_workspace(conn, poll_id):
                return
            await upsert_job(conn, key, kind, poll_id, due_at)

    async def set_poll_jobs(
        self, poll_id: int, due: Mapping[str, tuple[str, datetime | None]]
    ) -> None:
        scope = job_scope()
        stamp = job_stamp()
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return
            await conn.execute_many(
                _upsert(scope),
                [
                    (key, kind, poll_id, to_ms(at), *stamp, *scope.params)
                    for key, (kind, at) in due.items()
                    if at is not None
                ],
            )
            await conn.execute_many(
                f"DELETE FROM jobs WHERE job_key = ?{scope.sql}",
                [(key, *scope.params) for key, (_kind, at) in due.items() if at is None],
            )

    async def cancel_jobs(self, keys: Iterable[str]) -> None:
        scope = job_scope()
        async with self.db.transaction() as conn:
            await conn.execute_many(
                f"DELETE FROM jobs WHERE job_key = ?{scope.sql}", [(k, *scope.params) for k in keys]
            )

    async def claim_due_jobs(
        self, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> list[Job]:
        async with self.db.transaction() as conn:
            return await _claimed(
                conn,
                "UPDATE jobs SET lease_owner = ?, lease_until = ? WHERE job_key IN"
                f" (SELECT job_key FROM jobs WHERE due_at <= ? AND {_CLAIMABLE}"
                f"  ORDER BY due_at LIMIT ?{conn.dialect.skip_locked}) RETURNING {_COLUMNS}",
                (owner, to_ms(lease_until), to_ms(now), to_ms(now), limit),
            )

    async def claim_job(
        self, key: str, now: datetime, owner: str, lease_until: datetime
    ) -> Job | None:
        scope = job_scope()
        async with self.db.transaction() as conn:
            claimed = await _claimed(
                conn,
                "UPDATE jobs SET lease_owner = ?, lease_until = ?"
                f" WHERE job_key = ? AND {_CLAIMABLE}{scope.sql} RETURNING {_COLUMNS}",
                (owner, to_ms(lease_until), key, to_ms(now), *scope.params),
            )
        return claimed[0] if claimed else None

    async def renew_claims(self, keys: Iterable[str], owner: str, lease_until: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute_many(
                "UPDATE jobs SET lease_until = ? WHERE job_key = ? AND lease_owner = ?",
                [(to_ms(lease_until), key, owner) for key in keys],
            )

    async def finish_job(self, job: Job, owner: str) -> None:
        async with self.db.transaction() as conn:
            changed = await conn.execute(
                "DELETE FROM jobs WHERE job_key = ? AND lease_owner = ? AND due_at = ?",
                (job.key, owner, to_ms(job.due_at)),
            )
            if changed == 0:
                # Moved while it ran (the next round, say): it waits for its new time.
                await conn.execute(
                    "UPDATE jobs SET lease_owner = NULL, lease_until = NULL, attempts = 0,"
                    " last_error = NULL WHERE job_key = ? AND lease_owner = ?",
                    (job.key, owner),
                )

    async def retry_job(self, job: Job, owner: str, due_at: datetime, error: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE jobs SET due_at = ?, attempts = attempts + 1, last_error = ?,"
                " lease_owner = NULL, lease_until = NULL WHERE job_key = ? AND lease_owner = ?",
                (to_ms(due_at), error[:300], job.key, owner),
            )

    async def forget_claims(self) -> int:
        """Release every claim: only for a database this process holds alone (the SQLite file
        lock), where a claim left behind can only be a crashed run of this same bot."""
        async with self.db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE jobs SET lease_owner = NULL, lease_until = NULL"
                " WHERE lease_owner IS NOT NULL"
            )
            return changed

    async def get_job(self, key: str) -> Job | None:
        scope = job_scope()
        async with self.db.reading() as conn:
            row = await conn.fetch_one(
                f"SELECT {_COLUMNS} FROM jobs WHERE job_key = ?{scope.sql}", (key, *scope.params)
            )
        return None if row is None else _job(row)

    async def next_job_due(self) -> datetime | None:
        async with self.db.reading() as conn:
            row = await conn.fetch_one(
                "SELECT MIN(CASE WHEN lease_until IS NULL THEN due_at"
                f" ELSE {conn.dialect.greatest('due_at', 'lease_until')} END) AS next FROM jobs",
                (),
            )
        return None if row is None or row["next"] is None else from_ms(int(row["next"]))

    async def failing_jobs(self, keys: Iterable[str]) -> Mapping[str, int]:
        wanted = list(keys)
        if not wanted:
            return {}
        marks = ", ".join("?" for _ in wanted)
        scope = job_scope()
        async with self.db.reading() as conn:
            rows = await conn.fetch_all(
                "SELECT job_key, attempts FROM jobs"
                f" WHERE job_key IN ({marks}) AND attempts > 0{scope.sql}",
                (*wanted, *scope.params),
            )
        return {str(r["job_key"]): int(r["attempts"]) for r in rows}


async def _claimed(conn: Sql, sql: str, params: tuple[object, ...]) -> list[Job]:
    return [_job(row) for row in await conn.fetch_all(sql, params)]
