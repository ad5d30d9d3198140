"""A workspace's rows as a whole: its jobs cancelled and everything of it purged when the app
leaves it, and the workspaces it left, remembered until their purge is due.

Unlike every other table of the repository, these take the workspace as an argument and ignore
the current one: the Slack edge and the retention run call them for a given workspace."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.services.ports.workspaces import PurgedWorkspace, WorkspaceKey
from bot.storage.retention import PURGED_TABLES
from bot.storage.rows import Scope, Table, scope_of, to_ms
from bot.storage.series import series_job_key
from bot.storage.sql import Sql


def rows_of(key: WorkspaceKey, table: str | None = None) -> Scope:
    """The rows a purge of key removes: its team's, or for an org-wide install every row of its
    enterprise, whichever of its workspaces it belongs to."""
    if key.is_enterprise_install:
        key = dataclasses.replace(key, team_id=None)
    return scope_of(key, table)


class WorkspaceTable(Table):
    """The WorkspaceStore port: each method is one transaction."""

    async def cancel_workspace_jobs(self, key: WorkspaceKey) -> int:
        async with self.db.transaction() as conn:
            return await _delete_jobs(conn, key)

    async def purge_workspace(self, key: WorkspaceKey) -> PurgedWorkspace:
        """Its jobs, polls (their questions, people asked, answers, reminders, opt-outs,
        messages and outcome reports go with them by ON DELETE CASCADE), series, Home tabs and
        people, in one transaction; then the deleted rows are made unreadable from the files."""
        rows = rows_of(key)
        async with self.db.transaction() as conn:
            jobs = await _delete_jobs(conn, key)
            polls = await conn.execute(f"DELETE FROM polls WHERE {rows.condition}", rows.params)
            await conn.execute(f"DELETE FROM series WHERE {rows.condition}", rows.params)
            await conn.execute(f"DELETE FROM home_views WHERE {rows.condition}", rows.params)
            people = await conn.execute(
                f"DELETE FROM slack_users WHERE {rows.condition}", rows.params
            )
        if polls or people or jobs:
            await self.db.forget_deleted(PURGED_TABLES)
        return PurgedWorkspace(polls=polls, people=people, jobs=jobs)

    async def record_uninstall(self, key: WorkspaceKey, at: datetime) -> None:
        enterprise, team = key.installation
        async with self.db.transaction() as conn:
            # Told twice (app_uninstalled, then tokens_revoked): the retention period runs
            # from the first.
            await conn.execute(
                "INSERT INTO uninstalls (enterprise_id, team_id, is_enterprise_install,"
                " uninstalled_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (enterprise_id, team_id) DO NOTHING",
                (enterprise, team, key.is_enterprise_install, to_ms(at)),
            )

    async def forget_uninstall(self, key: WorkspaceKey) -> None:
        enterprise, team = key.installation
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM uninstalls WHERE enterprise_id = ? AND team_id = ?",
                (enterprise, team),
            )

    async def uninstalled_before(self, at: datetime) -> list[WorkspaceKey]:
        async with self.db.reading() as conn:
            rows = await conn.fetch_all(
                "SELECT enterprise_id, team_id, is_enterprise_install FROM uninstalls"
                " WHERE uninstalled_at < ? ORDER BY uninstalled_at, enterprise_id, team_id",
                (to_ms(at),),
            )
        return [
            WorkspaceKey(
                str(row["enterprise_id"]) or None,
                str(row["team_id"]) or None,
                bool(row["is_enterprise_install"]),
            )
            for row in rows
        ]


async def _delete_jobs(conn: Sql, key: WorkspaceKey) -> int:
    """Every job of the workspace: planned in it, of its polls, or starting its series."""
    rows = rows_of(key)
    series = await conn.fetch_all(f"SELECT id FROM series WHERE {rows.condition}", rows.params)
    deleted = await conn.execute(
        f"DELETE FROM jobs WHERE {rows.condition}"
        f" OR poll_id IN (SELECT id FROM polls WHERE {rows.condition})",
        (*rows.params, *rows.params),
    )
    for row in series:
        deleted += await conn.execute(
            "DELETE FROM jobs WHERE job_key = ?", (series_job_key(int(row["id"])),)
        )
    return deleted
