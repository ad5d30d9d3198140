"""One aiosqlite connection for the process: WAL, foreign keys, serialised transactions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class Database:
    """The connection plus a lock: statements of concurrent tasks never interleave inside a
    transaction, because aiosqlite runs them all on one thread and one connection."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating the folder) and configure the database file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute("PRAGMA synchronous = NORMAL")
        # Deleted rows are overwritten, not left in free pages: purged answers and the cut link of
        # anonymous polls cannot be read back from the file.
        await connection.execute("PRAGMA secure_delete = ON")
        return cls(connection, path)

    async def close(self) -> None:
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

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error."""
        async with self._lock:
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                await self.connection.execute("ROLLBACK")
                raise
            await self.connection.execute("COMMIT")

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """A consistent read: no other task's transaction is half-done while it runs."""
        async with self._lock:
            yield self.connection
