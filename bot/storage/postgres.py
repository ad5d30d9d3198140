"""PostgreSQL, the backend for several replicas: a bounded pool of asyncpg connections behind the
same statement API as SQLite (the repository's `?` placeholders become `$1`, `$2`, …).

asyncpg rather than psycopg 3 or SQLAlchemy: it is asyncio-native, keeps prepared statements per
connection, and the repository needs nothing from an ORM (its SQL is written for both backends)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.services.ports import StoreUnavailable
from bot.storage.sql import POSTGRESQL, Row, Sql, WriteConflict

logger = logging.getLogger(__name__)

DEFAULT_POOL_SIZE = 10
# A statement that waits longer than this for a lock or a busy server fails (and is retried
# by whoever made it: a job later, a click by the person) instead of holding an ack back.
COMMAND_TIMEOUT_SECONDS = 10.0
# Connecting gives up after this: while the server is away, requests are answered at once.
CONNECT_TIMEOUT_SECONDS = 3.0
_PLACEHOLDER = re.compile(r"\?")
_COUNT = re.compile(r"(\d+)$")

# The server is away (restarting, unreachable) or went away during the transaction.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.InterfaceError,
)
# Another transaction wrote the same rows first; running this one again sees what it wrote.
_CONFLICT: tuple[type[BaseException], ...] = (
    asyncpg.UniqueViolationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
)

Connection = asyncpg.Connection | PoolConnectionProxy


@lru_cache(maxsize=4096)
def numbered(sql: str) -> str:
    """The repository's `?` placeholders as PostgreSQL's `$1`, `$2`, … (its SQL has no `?` in a
    literal)."""
    counter = iter(range(1, 100_000))
    return _PLACEHOLDER.sub(lambda _match: f"${next(counter)}", sql)


def without_password(url: str) -> str:
    """The database URL as it may be shown: no password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class PostgresSql:
    """The statement API over one pooled connection."""

    dialect = POSTGRESQL

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self.connection.fetch(numbered(sql), *params))

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = await self.connection.fetchrow(numbered(sql), *params)
        return row

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        status = await self.connection.execute(numbered(sql), *params)
        match = _COUNT.search(status)  # "UPDATE 3", "INSERT 0 1", "DELETE 0"
        return int(match[1]) if match else 0

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            await self.connection.executemany(numbered(sql), [tuple(row) for row in rows])


class PostgresDatabase:
    """A pool of at most pool_size connections. A connection the server dropped (a restart) is
    replaced when the pool hands it out next; while the server is away, every transaction fails
    with StoreUnavailable at once instead of waiting."""

    dialect = POSTGRESQL

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self.pool = pool
        self.url = url

    @classmethod
    async def open(
        cls, url: str, *, pool_size: int = DEFAULT_POOL_SIZE, password: str | None = None
    ) -> PostgresDatabase:
        """Connect (the password from the URL, else the one given, else PGPASSWORD or the
        passfile, as libpq does)."""
        try:
            pool = await asyncpg.create_pool(
                url,
                password=password if urlsplit(url).password is None else None,
                min_size=1,
                max_size=pool_size,
                command_timeout=COMMAND_TIMEOUT_SECONDS,
                timeout=CONNECT_TIMEOUT_SECONDS,
            )
        except _UNAVAILABLE as error:
            raise StoreUnavailable(
                f"cannot connect to {without_password(url)}: {_reason(error)}"
            ) from None
        except asyncpg.PostgresError as error:
            # A wrong password or a missing database: the server says which, in one line.
            raise StoreUnavailable(f"{without_password(url)}: {_reason(error)}") from None
        return cls(pool, url)

    @property
    def location(self) -> str:
        return without_password(self.url)

    async def server_version(self) -> str:
        async with self._connection() as connection:
            version: str = await connection.fetchval("SHOW server_version")
        return version

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Sql]:
        async with self._connection() as connection:
            try:
                async with connection.transaction():
                    yield PostgresSql(connection)
            except _CONFLICT as error:
                raise WriteConflict(_reason(error)) from error
            except _UNAVAILABLE as error:
                raise StoreUnavailable(_reason(error)) from error

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Sql]:
        async with self._connection() as connection:
            try:
                yield PostgresSql(connection)
            except _UNAVAILABLE as error:
                raise StoreUnavailable(_reason(error)) from error

    async def forget_deleted(self, tables: Sequence[str]) -> None:
        """VACUUM the tables: the old versions of deleted and rewritten rows are removed from
        the table files. Not guaranteed: pages the WAL and base backups hold until they are
        recycled or expire, and rows a long-running transaction still sees (VACUUM leaves them
        to a later run, which the next purge or close does)."""
        async with self._connection() as connection:
            for table in tables:
                await connection.execute(f"VACUUM {table}")

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Connection]:
        try:
            connection = await self.pool.acquire()
        except _UNAVAILABLE as error:
            raise StoreUnavailable(_reason(error)) from error
        try:
            yield connection
        finally:
            try:
                await self.pool.release(connection)
            except _UNAVAILABLE:
                logger.info("dropped a database connection the server closed")


def _reason(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
