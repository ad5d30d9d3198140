"""The SQL the repository speaks on either backend: one statement API with `?` placeholders, and
the few places where SQLite and PostgreSQL differ (Dialect)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol


class WriteConflict(Exception):
    """Another transaction wrote the same rows at the same moment (another replica, say); the
    transaction was rolled back and may simply be run again."""


class Row(Protocol):
    """A result row: by column name or position (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: int | str, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between the backends in the repository's SQL."""

    name: str
    title: str  # as people read it: "SQLite", "PostgreSQL"
    # Appended to the SELECT that picks rows to claim: other runners skip rows being claimed.
    skip_locked: str
    greatest_function: str
    # Appended to a SELECT of rows a transaction relies on staying as read until it commits
    # (a poll's state while answers to it are written): a concurrent change waits for it.
    lock_shared: str

    def greatest(self, first: str, second: str) -> str:
        """The larger of two expressions."""
        return f"{self.greatest_function}({first}, {second})"


# SQLite has one writer at a time: what a write transaction reads stays as read until it ends.
SQLITE = Dialect("sqlite", "SQLite", skip_locked="", greatest_function="MAX", lock_shared="")
POSTGRESQL = Dialect(
    "postgresql",
    "PostgreSQL",
    skip_locked=" FOR UPDATE SKIP LOCKED",
    greatest_function="GREATEST",
    lock_shared=" FOR SHARE",
)


class Sql(Protocol):
    """Statements inside one transaction (or one read), `?` placeholders on both backends."""

    dialect: Dialect

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        ...

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


class SqlDatabase(Protocol):
    """A database the repository can use: SQLite (bot.storage.database) or PostgreSQL
    (bot.storage.postgres)."""

    dialect: Dialect

    @property
    def location(self) -> str:
        """Where the data is, as it may be shown (a path, or a URL without its password)."""
        ...

    async def server_version(self) -> str:
        """The engine's version, as `wishbot check` shows it."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Sql]:
        """One transaction; committed at the end, rolled back on any error."""
        ...

    def reading(self) -> AbstractAsyncContextManager[Sql]:
        """Reads; each statement sees every write committed before it."""
        ...

    async def forget_deleted(self, tables: Sequence[str]) -> None:
        """Make deleted rows of these tables unreadable from the database files too (SQLite:
        overwritten already, the WAL emptied; PostgreSQL: VACUUM)."""
        ...

    async def close(self) -> None: ...
