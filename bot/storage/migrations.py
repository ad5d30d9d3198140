"""Applies the numbered .sql files of migrations/ (SQLite) or migrations/postgresql/ in order, each
in its own transaction; replicas starting together take turns (an advisory lock on PostgreSQL,
the write lock on SQLite) and none applies a migration twice."""

from __future__ import annotations

import logging
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.storage.sql import Sql, SqlDatabase

logger = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any number, the same in every replica: it names the lock migrations take turns with.
MIGRATION_LOCK = 0x5749534842  # "WISHB"


class MigrationError(Exception):
    """The database cannot be brought to this code's schema."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations_dir(dialect: str = "sqlite") -> Path:
    """The backend's migrations folder: beside the package in a checkout, inside it when
    installed."""
    package_dir = Path(__file__).resolve().parent.parent
    below = () if dialect == "sqlite" else (dialect,)
    candidates = (
        package_dir.parent.joinpath("migrations", *below),
        Path(sys.prefix).joinpath("share", "wishbot", "migrations", *below),
    )
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise MigrationError("the migrations folder is missing from this installation")


def load_migrations(folder: Path | None = None, dialect: str = "sqlite") -> list[Migration]:
    """Every migration file, by version."""
    found = []
    for path in sorted((folder or migrations_dir(dialect)).glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name} is not named like 0001_description.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a version number")
    return found


async def applied_versions(db: SqlDatabase) -> set[int]:
    async with db.transaction() as conn:
        await _take_turns(conn)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)"
        )
        rows = await conn.fetch_all("SELECT version FROM schema_migrations")
    return {int(row[0]) for row in rows}


async def migrate(db: SqlDatabase, folder: Path | None = None) -> list[Migration]:
    """Apply what is missing; refuse a database that is newer than this code."""
    migrations = load_migrations(folder, db.dialect.name)
    applied = await applied_versions(db)
    newest_known = max((m.version for m in migrations), default=0)
    if applied and max(applied) > newest_known:
        raise MigrationError(
            f"the database {db.location} is at schema version {max(applied)}, newer than this "
            f"Wishbot knows ({newest_known}): upgrade Wishbot or use a matching backup"
        )
    done = []
    for migration in migrations:
        if migration.version in applied:
            continue
        async with db.transaction() as conn:
            await _take_turns(conn)
            if await conn.fetch_one(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            ):
                continue  # another replica applied it while this one waited
            for statement in split_statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, int(time.time() * 1000)),
            )
        logger.info("applied migration %04d_%s", migration.version, migration.name)
        done.append(migration)
    return done


async def pending_migrations(db: SqlDatabase, folder: Path | None = None) -> list[Migration]:
    applied = await applied_versions(db)
    return [m for m in load_migrations(folder, db.dialect.name) if m.version not in applied]


async def _take_turns(conn: Sql) -> None:
    """Hold the migration lock until this transaction ends (SQLite's write lock is one)."""
    if conn.dialect.name == "postgresql":
        await conn.fetch_one("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))


def split_statements(sql: str) -> list[str]:
    """Statements of a migration file; our migrations keep ';' out of strings and comments."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
