"""Recurring series in the database, with the job that starts each next occurrence."""

from __future__ import annotations

from datetime import datetime

from bot.domain.model import Every, PollDraft
from bot.domain.series import Series, draft_from_text, draft_to_text
from bot.services.ports.workspaces import WorkspaceMismatch
from bot.storage.jobs import job_scope, upsert_job
from bot.storage.rows import Table, current_enterprise, from_ms, to_ms, workspace_scope
from bot.storage.sql import Row, Sql

SERIES_JOB = "series"


def series_job_key(series_id: int) -> str:
    return f"{SERIES_JOB}:{series_id}"


def _series(row: Row) -> Series:
    stopped = row["stopped_at"]
    last = row["last_poll_id"]
    return Series(
        id=int(row["id"]),
        team_id=str(row["team_id"]),
        channel_id=str(row["channel_id"]),
        organiser_id=str(row["organiser_id"]),
        draft=draft_from_text(str(row["draft"])),
        every=Every(row["every"]),
        tz=str(row["tz"]),
        first_start_at=from_ms(int(row["first_start_at"])),
        next_number=int(row["next_number"]),
        next_start_at=from_ms(int(row["next_start_at"])),
        stopped_at=None if stopped is None else from_ms(int(stopped)),
        last_poll_id=None if last is None else int(last),
    )


class SeriesTable(Table):
    """Each method is one transaction; a change of schedule moves the series' job with it."""

    async def create_series(
        self,
        *,
        team_id: str,
        channel_id: str,
        organiser_id: str,
        draft: PollDraft,
        every: Every,
        tz: str,
        first_start_at: datetime,
        job_due_at: datetime,
        idempotency_key: str | None = None,
    ) -> tuple[Series, bool]:
        """Store a series whose occurrence 0 starts at first_start_at, with its job due at
        job_due_at (a fallback when the first occurrence is started at once); True when it is
        new, False when one with this idempotency_key was there already (WorkspaceMismatch
        when that one is another workspace's)."""
        async with self.db.transaction() as conn:
            row = await conn.fetch_one(
                "INSERT INTO series (team_id, channel_id, organiser_id, draft, every, tz,"
                " first_start_at, next_number, next_start_at, idempotency_key, enterprise_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)"
                # The same submission arriving twice (at two replicas) makes one series.
                " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                (
                    team_id,
                    channel_id,
                    organiser_id,
                    draft_to_text(draft),
                    every.value,
                    tz,
                    to_ms(first_start_at),
                    to_ms(first_start_at),
                    idempotency_key,
                    current_enterprise(),
                ),
            )
            if row is None:
                existing = await conn.fetch_one(
                    "SELECT id FROM series WHERE idempotency_key = ?", (idempotency_key,)
                )
                assert existing is not None
                found = await _get(conn, int(existing["id"]))
                if found is None:
                    raise WorkspaceMismatch(int(existing["id"]))
                return found, False
            series_id = int(row["id"])
            await _plan(conn, series_id, job_due_at)
            series = await _get(conn, series_id)
        assert series is not None
        return series, True

    async def get_series(self, series_id: int) -> Series | None:
        async with self.db.reading() as conn:
            return await _get(conn, series_id)

    async def delete_series(self, series_id: int) -> None:
        """Undo a series whose first occurrence could not be made."""
        async with self.db.transaction() as conn:
            if not await _in_workspace(conn, series_id):
                return
            await _cancel(conn, series_id)
            await conn.execute(
                "UPDATE polls SET series_id = NULL WHERE series_id = ?", (series_id,)
            )
            await conn.execute("DELETE FROM series WHERE id = ?", (series_id,))

    async def advance_series(
        self,
        series_id: int,
        *,
        next_number: int,
        next_start_at: datetime,
        last_poll_id: int | None,
    ) -> Series | None:
        """Move the schedule on (never back) and its job to the next start; a stopped series
        keeps no job."""
        async with self.db.transaction() as conn:
            if not await _in_workspace(conn, series_id):
                return None
            await conn.execute(
                "UPDATE series SET next_number = ?, next_start_at = ?,"
                " last_poll_id = COALESCE(?, last_poll_id)"
                " WHERE id = ? AND next_number < ?",
                (next_number, to_ms(next_start_at), last_poll_id, series_id, next_number),
            )
            series = await _get(conn, series_id)
            if series is None or not series.is_active:
                await _cancel(conn, series_id)
            else:
                await _plan(conn, series_id, series.next_start_at)
        return series

    async def stop_series(self, series_id: int, now: datetime) -> Series | None:
        """End the series: no occurrence starts after this (the job goes)."""
        async with self.db.transaction() as conn:
            if not await _in_workspace(conn, series_id):
                return None
            await conn.execute(
                "UPDATE series SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL",
                (to_ms(now), series_id),
            )
            await _cancel(conn, series_id)
            return await _get(conn, series_id)

    async def active_series_of(self, organiser_id: str) -> list[Series]:
        """An organiser's series that go on, the next to start first (for App Home)."""
        return await self._active("organiser_id", organiser_id)

    async def active_series_in(self, channel_id: str) -> list[Series]:
        """The series of a channel that go on, the next to start first (for the list)."""
        return await self._active("channel_id", channel_id)

    async def _active(self, column: str, value: str) -> list[Series]:
        scope = workspace_scope()
        async with self.db.reading() as conn:
            rows = await conn.fetch_all(
                f"SELECT * FROM series WHERE {column} = ? AND stopped_at IS NULL{scope.sql}"
                " ORDER BY next_start_at, id",
                (value, *scope.params),
            )
        return [_series(row) for row in rows]

    async def previous_in_series(self, poll_id: int) -> int | None:
        """The occurrence of the same series made just before this poll, if any."""
        scope, same = workspace_scope("this"), workspace_scope("p")
        async with self.db.reading() as conn:
            row = await conn.fetch_one(
                "SELECT MAX(p.id) AS previous FROM polls p JOIN polls this"
                " ON this.series_id = p.series_id"
                f" WHERE this.id = ? AND p.id < this.id{scope.sql}{same.sql}",
                (poll_id, *scope.params, *same.params),
            )
        return None if row is None or row["previous"] is None else int(row["previous"])


async def _get(conn: Sql, series_id: int) -> Series | None:
    """The series, if it is one of the current workspace's (see rows.Scope)."""
    scope = workspace_scope()
    row = await conn.fetch_one(
        f"SELECT * FROM series WHERE id = ?{scope.sql}", (series_id, *scope.params)
    )
    return None if row is None else _series(row)


async def _in_workspace(conn: Sql, series_id: int) -> bool:
    """Whether the series may be changed in the current workspace: always in single-workspace
    mode (without a query), else it must be one of its series."""
    return not workspace_scope() or await _get(conn, series_id) is not None


async def _plan(conn: Sql, series_id: int, due_at: datetime) -> None:
    await upsert_job(conn, series_job_key(series_id), SERIES_JOB, None, due_at)


async def _cancel(conn: Sql, series_id: int) -> None:
    scope = job_scope()
    await conn.execute(
        f"DELETE FROM jobs WHERE job_key = ?{scope.sql}",
        (series_job_key(series_id), *scope.params),
    )
