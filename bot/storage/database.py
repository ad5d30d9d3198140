"""SQLite, the embedded backend: one connection that writes (serialised transactions) and one that
reads, so that reads never wait for a write and writes (answers before their ack) never wait for
reads. WAL mode lets the reader see every committed write at once."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite

from bot.storage.sql import SQLITE, Row, Sql

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
T = TypeVar("T")


class SqliteSql:
    """The statement API over one aiosqlite connection."""

    dialect = SQLITE

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        # One trip to the database thread (execute, fetch and close a cursor would take three):
        # in a burst every trip waits behind all the other ready tasks of the event loop.
        return list(await self.connection.execute_fetchall(sql, tuple(params)))

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = await self.connection.execute(sql, tuple(params))
        return cursor.rowcount

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            await self.connection.executemany(sql, [tuple(row) for row in rows])


class Database:
    """Two connections, each with a lock: statements of concurrent tasks never interleave inside
    a transaction, because aiosqlite runs a connection's statements on one thread."""

    dialect = SQLITE

    def __init__(
        self, connection: aiosqlite.Connection, reader: aiosqlite.Connection, path: Path
    ) -> None:
        self.connection = connection
        self.reader = reader
        self.path = path
        self._lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()
        self._writer_sql = SqliteSql(connection)
        self._reader_sql = SqliteSql(reader)

    @property
    def location(self) -> str:
        return str(self.path)

    async def server_version(self) -> str:
        return sqlite3.sqlite_version

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating the folder) and configure the database file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = await _connect(path)
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute("PRAGMA synchronous = NORMAL")
        # Deleted rows are overwritten, not left in free pages: purged answers and the cut link of
        # anonymous polls cannot be read back from the file.
        await connection.execute("PRAGMA secure_delete = ON")
        reader = await _connect(path)
        await reader.execute("PRAGMA query_only = ON")
        return cls(connection, reader, path)

    async def close(self) -> None:
        async with self._read_lock:
            await self.reader.close()
        async with self._lock:
            await self.connection.close()

    async def checkpoint(self) -> None:
        """Copy the WAL into the file and empty it, so that the old images of deleted rows leave
        the WAL as well. Best effort and never waiting: while another process reads (a backup),
        the WAL stays as it is until a later checkpoint."""
        async with self._lock:
            await self.connection.execute("PRAGMA busy_timeout = 0")
            try:
                await self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                await self.connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    async def forget_deleted(self, tables: Sequence[str]) -> None:
        """secure_delete overwrote the rows in the file; the WAL may still hold their old pages."""
        await self.checkpoint()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Sql]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error."""
        async with self._lock:
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer_sql
            except BaseException:
                await self.connection.execute("ROLLBACK")
                raise
            await self.connection.execute("COMMIT")

    async def transaction_in_thread(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run work (plain sqlite3 calls) as one transaction, in one trip to the writer's thread.

        For the hottest write, answers before their ack: a transaction of statements awaited one
        by one costs a trip through the event loop per statement, each queued behind every ready
        task. aiosqlite has no public call for running a function on its thread; _execute is the
        one its own methods use, so the work is queued behind the writer's other statements."""
        async with self._lock:
            connection = self.connection
            return cast(
                T,
                await connection._execute(  # type: ignore[no-untyped-call]  # aiosqlite: untyped
                    _in_transaction, connection._conn, work
                ),
            )

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Sql]:
        """Reads on the reading connection. Each statement sees every write committed before it;
        reads that must agree with each other exactly belong in a transaction()."""
        async with self._read_lock:
            yield self._reader_sql


def _in_transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


async def _connect(path: Path) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = aiosqlite.Row
    await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection
