"""Installations and OAuth states in Wishbot's database (the InstallationStore port), on either
backend. Each installation row shows only its key and times; the record itself (tokens, refresh
tokens, names, the installer) is sealed JSON (bot.storage.sealing).

Refreshing a rotating token spends its refresh token, so two refreshes of one installation must
never run at once: on PostgreSQL the row is locked (SELECT … FOR UPDATE) for the refresh, which
serialises replicas; SQLite has one process per database file (the bot holds its lock), so a lock
per installation in this object is enough, and no write transaction is held across the network
call."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.services.locks import KeyedLock
from bot.services.ports import Clock
from bot.services.ports.workspaces import InstallationRecord, Refresh, WorkspaceKey
from bot.storage.rows import from_ms, to_ms
from bot.storage.sealing import SealBroken, Sealer
from bot.storage.sql import Row, Sql, SqlDatabase

_COLUMNS = (
    "enterprise_id, team_id, is_enterprise_install, installed_at, bot_token_expires_at, sealed"
)
_UPSERT = (
    f"INSERT INTO installations ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (enterprise_id, team_id) DO UPDATE SET"
    " is_enterprise_install = excluded.is_enterprise_install,"
    " installed_at = excluded.installed_at,"
    " bot_token_expires_at = excluded.bot_token_expires_at, sealed = excluded.sealed"
)
_BY_KEY = f"SELECT {_COLUMNS} FROM installations WHERE enterprise_id = ? AND team_id = ?"


class InstallationTable:
    """The InstallationStore port over the installations and oauth_states tables. clock tells
    which OAuth states have expired when a new one is issued (the app's clock; the system's by
    default)."""

    def __init__(self, db: SqlDatabase, sealer: Sealer, *, clock: Clock | None = None) -> None:
        self.db = db
        self._sealer = sealer
        self._clock = clock
        # One lock per installation: refreshes in this process wait for each other (and, on
        # PostgreSQL, need one pooled connection between them rather than one each).
        self._refreshing = KeyedLock[tuple[str, str]]()

    async def save_installation(self, record: InstallationRecord) -> None:
        async with self.db.transaction() as sql:
            await sql.execute(_UPSERT, self._row(record))

    async def find_installation(self, key: WorkspaceKey) -> InstallationRecord | None:
        async with self.db.reading() as sql:
            row = await sql.fetch_one(_BY_KEY, key.installation)
        return None if row is None else self._record(row)

    async def delete_installation(self, key: WorkspaceKey) -> None:
        async with self.db.transaction() as sql:
            await sql.execute(
                "DELETE FROM installations WHERE enterprise_id = ? AND team_id = ?",
                key.installation,
            )

    async def installations(self) -> list[InstallationRecord]:
        async with self.db.reading() as sql:
            rows = await sql.fetch_all(
                f"SELECT {_COLUMNS} FROM installations ORDER BY enterprise_id, team_id"
            )
        return [self._record(row) for row in rows]

    async def reseal_installations(self) -> int:
        """Seal every installation again under the first key of WISHBOT_SECRET_KEY, so that the
        keys after it can be dropped; how many."""
        async with self.db.transaction() as sql:
            # Locked: a refresh saved meanwhile would otherwise be overwritten with what it
            # replaced (on SQLite the write transaction alone keeps others out).
            rows = await sql.fetch_all(
                f"SELECT enterprise_id, team_id, sealed FROM installations{self._for_update}"
            )
            await sql.execute_many(
                "UPDATE installations SET sealed = ? WHERE enterprise_id = ? AND team_id = ?",
                [
                    (self._sealer.reseal(str(row["sealed"])), row["enterprise_id"], row["team_id"])
                    for row in rows
                ],
            )
        return len(rows)

    async def rotate_installation(
        self, key: WorkspaceKey, refresh: Refresh
    ) -> InstallationRecord | None:
        async with self._refreshing.hold(key.installation):
            if self.db.dialect.name == "postgresql":
                return await self._rotate_locking_row(key, refresh)
            return await self._rotate_in_process(key, refresh)

    async def issue_state(self, state: str, expires_at: datetime) -> None:
        now = self._clock.now() if self._clock is not None else datetime.now(UTC)
        async with self.db.transaction() as sql:
            await sql.execute("DELETE FROM oauth_states WHERE expires_at <= ?", (to_ms(now),))
            await sql.execute(
                "INSERT INTO oauth_states (state, expires_at) VALUES (?, ?)",
                (state, to_ms(expires_at)),
            )

    async def consume_state(self, state: str, now: datetime) -> bool:
        # One statement: of two requests with the same state, only one deletes the row.
        async with self.db.transaction() as sql:
            row = await sql.fetch_one(
                "DELETE FROM oauth_states WHERE state = ? RETURNING expires_at", (state,)
            )
        return row is not None and int(row["expires_at"]) > to_ms(now)

    async def _rotate_locking_row(
        self, key: WorkspaceKey, refresh: Refresh
    ) -> InstallationRecord | None:
        """PostgreSQL: a replica that comes second waits on the row lock, then reads what the
        first one saved (whose token is fresh, so its refresh returns None)."""
        async with self.db.transaction() as sql:
            row = await sql.fetch_one(f"{_BY_KEY}{self._for_update}", key.installation)
            if row is None:
                return None
            current = self._record(row)
            refreshed = await refresh(current)
            if refreshed is None:
                return current
            await self._save_refreshed(sql, key, refreshed)
            return refreshed

    async def _rotate_in_process(
        self, key: WorkspaceKey, refresh: Refresh
    ) -> InstallationRecord | None:
        """SQLite: the lock of rotate_installation serialises refreshes in the one process."""
        current = await self.find_installation(key)
        if current is None:
            return None
        refreshed = await refresh(current)
        if refreshed is None:
            return current
        async with self.db.transaction() as sql:
            await self._save_refreshed(sql, key, refreshed)
        return refreshed

    async def _save_refreshed(
        self, sql: Sql, key: WorkspaceKey, refreshed: InstallationRecord
    ) -> None:
        if refreshed.key.installation != key.installation:
            raise ValueError(f"a refresh of installation {key} returned one of {refreshed.key}")
        await sql.execute(_UPSERT, self._row(refreshed))

    @property
    def _for_update(self) -> str:
        return " FOR UPDATE" if self.db.dialect.name == "postgresql" else ""

    def _row(self, record: InstallationRecord) -> tuple[Any, ...]:
        enterprise, team = record.key.installation
        expires = record.bot_token_expires_at
        return (
            enterprise,
            team,
            record.is_enterprise_install,
            to_ms(record.installed_at),
            None if expires is None else to_ms(expires),
            self._sealer.seal(_sealed_json(enterprise, team, record.data)),
        )

    def _record(self, row: Row) -> InstallationRecord:
        enterprise, team = str(row["enterprise_id"]), str(row["team_id"])
        expires = row["bot_token_expires_at"]
        return InstallationRecord(
            enterprise_id=enterprise or None,
            team_id=team or None,
            is_enterprise_install=bool(row["is_enterprise_install"]),
            installed_at=from_ms(int(row["installed_at"])),
            bot_token_expires_at=None if expires is None else from_ms(int(expires)),
            data=_opened_data(enterprise, team, self._sealer.unseal(str(row["sealed"]))),
        )


def _sealed_json(enterprise: str, team: str, data: Any) -> str:
    # The key is sealed with the data: a sealed record copied into another row (another
    # workspace's) does not open there.
    return json.dumps({"installation": [enterprise, team], "data": dict(data)}, sort_keys=True)


def _opened_data(enterprise: str, team: str, opened: str) -> dict[str, Any]:
    payload = json.loads(opened)
    if payload.get("installation") != [enterprise, team]:
        raise SealBroken(
            f"the sealed installation in row {enterprise}/{team} belongs to another workspace"
        )
    data: dict[str, Any] = payload["data"]
    return data
