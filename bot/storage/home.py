"""Home tabs in the database: who has opened theirs, when it was last published, and the polls it
lists (waiting for the person's answer, and the person's own)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.domain.model import Poll, PollStatus
from bot.services.ports import HomeRecord
from bot.storage.jobs import job_scope, job_stamp
from bot.storage.rows import (
    Table,
    current_enterprise,
    from_ms,
    load_poll,
    rows_of_people,
    to_ms,
    workspace_scope,
)
from bot.storage.sql import Row, Sql

# A planned refresh keeps the earlier of its two times: a change that may wait never delays one
# that may not (CASE rather than MIN/LEAST, which the two dialects spell differently). Like any
# job it carries the workspace it was planned in, and leaves another workspace's alone.
_PLAN_EARLIEST = (
    "INSERT INTO jobs (job_key, kind, poll_id, due_at, team_id, enterprise_id,"
    " is_enterprise_install) VALUES (?, ?, NULL, ?, ?, ?, ?)"
    " ON CONFLICT (job_key) DO UPDATE SET due_at = CASE"
    " WHEN excluded.due_at < jobs.due_at THEN excluded.due_at ELSE jobs.due_at END"
)
_OPEN = (PollStatus.OPEN.value, PollStatus.CLOSING.value)


def _record(row: Row) -> HomeRecord:
    published = row["published_at"]
    return HomeRecord(
        user_id=str(row["user_id"]),
        team_id=str(row["team_id"]),
        opened_at=from_ms(int(row["opened_at"])),
        published_at=None if published is None else from_ms(int(published)),
    )


async def _polls(conn: Sql, rows: Iterable[Row]) -> list[Poll]:
    found = []
    for row in rows:
        loaded = await load_poll(conn, int(row["id"]))
        if loaded is not None:
            found.append(loaded[0])
    return found


class HomeTable(Table):
    """The home_views table, and the reads behind a person's Home tab."""

    async def record_home_opened(self, user_id: str, team_id: str, now: datetime) -> None:
        # One row per person: someone of an Enterprise Grid org (one user id in each of its
        # workspaces) has theirs where they opened it last.
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO home_views (user_id, team_id, opened_at, enterprise_id)"
                " VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET opened_at = excluded.opened_at,"
                " team_id = excluded.team_id, enterprise_id = excluded.enterprise_id",
                (user_id, team_id, to_ms(now), current_enterprise()),
            )

    async def home_record(self, user_id: str) -> HomeRecord | None:
        found = await self.home_records([user_id])
        return found[0] if found else None

    async def home_records(self, user_ids: Iterable[str]) -> list[HomeRecord]:
        async with self.db.reading() as conn:
            rows = await rows_of_people(
                conn, "SELECT user_id, team_id, opened_at, published_at FROM home_views", user_ids
            )
            return [_record(row) for row in rows]

    async def set_home_published(self, user_id: str, at: datetime) -> None:
        scope = workspace_scope()
        async with self.db.transaction() as conn:
            await conn.execute(
                f"UPDATE home_views SET published_at = ? WHERE user_id = ?{scope.sql}",
                (to_ms(at), user_id, *scope.params),
            )

    async def plan_home_refresh(self, key: str, kind: str, due_at: datetime) -> None:
        scope = job_scope()
        where = f" WHERE {scope.condition}" if scope else ""
        async with self.db.transaction() as conn:
            await conn.execute(
                _PLAN_EARLIEST + where, (key, kind, to_ms(due_at), *job_stamp(), *scope.params)
            )

    async def waiting_polls(self, user_id: str) -> list[Poll]:
        scope = workspace_scope("p")
        async with self.db.reading() as conn:
            rows = await conn.fetch_all(
                "SELECT p.id FROM polls p JOIN poll_members m ON m.poll_id = p.id"
                f" WHERE m.user_id = ? AND m.answered = FALSE AND p.status = ?{scope.sql}"
                " ORDER BY p.opened_at DESC, p.id DESC",
                (user_id, PollStatus.OPEN.value, *scope.params),
            )
            return await _polls(conn, rows)

    async def organised_polls(self, user_id: str, *, open_: bool, limit: int) -> list[Poll]:
        params: tuple[str, ...]
        if open_:
            where, params = "status IN (?, ?)", _OPEN
        else:
            where, params = "status = ?", (PollStatus.CLOSED.value,)
        order = "opened_at DESC, id DESC" if open_ else "closed_at DESC, id DESC"
        scope = workspace_scope()
        async with self.db.reading() as conn:
            rows = await conn.fetch_all(
                f"SELECT id FROM polls WHERE organiser_id = ? AND {where}{scope.sql}"
                f" ORDER BY {order} LIMIT ?",
                (user_id, *params, *scope.params, limit),
            )
            return await _polls(conn, rows)

    async def poll_people(self, poll_id: int) -> list[str]:
        scope = workspace_scope()
        async with self.db.reading() as conn:
            organiser = await conn.fetch_one(
                f"SELECT organiser_id FROM polls WHERE id = ?{scope.sql}",
                (poll_id, *scope.params),
            )
            if organiser is None:
                return []
            rows = await conn.fetch_all(
                "SELECT user_id FROM poll_members WHERE poll_id = ?", (poll_id,)
            )
        return list(
            dict.fromkeys([str(organiser["organiser_id"]), *(str(r["user_id"]) for r in rows)])
        )
