"""Applies the numbered .sql files of migrations/ in order, each in its own transaction."""

from __future__ import annotations

import logging
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.storage.database import Database

logger = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(Exception):
    """The database cannot be brought to this code's schema."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations_dir() -> Path:
    """The migrations folder: beside the package in a checkout, inside it when installed."""
    package_dir = Path(__file__).resolve().parent.parent
    candidates = (
        package_dir.parent / "migrations",
        Path(sys.prefix) / "share" / "wishbot" / "migrations",
    )
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise MigrationError("the migrations folder is missing from this installation")


def load_migrations(folder: Path | None = None) -> list[Migration]:
    """Every migration file, by version."""
    found = []
    for path in sorted((folder or migrations_dir()).glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name} is not named like 0001_description.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a version number")
    return found


async def applied_versions(db: Database) -> set[int]:
    async with db.transaction() as conn:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)"
        )
        rows = await conn.fetch_all("SELECT version FROM schema_migrations")
    return {int(row[0]) for row in rows}


async def migrate(db: Database, folder: Path | None = None) -> list[Migration]:
    """Apply what is missing; refuse a database that is newer than this code."""
    migrations = load_migrations(folder)
    applied = await applied_versions(db)
    newest_known = max((m.version for m in migrations), default=0)
    if applied and max(applied) > newest_known:
        raise MigrationError(
            f"the database {db.path} is at schema version {max(applied)}, newer than this "
            f"Wishbot knows ({newest_known}): upgrade Wishbot or use a matching backup"
        )
    done = []
    for migration in migrations:
        if migration.version in applied:
            continue
        async with db.transaction() as conn:
            for statement in split_statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, int(time.time() * 1000)),
            )
        logger.info("applied migration %04d_%s", migration.version, migration.name)
        done.append(migration)
    return done


async def pending_migrations(db: Database, folder: Path | None = None) -> list[Migration]:
    applied = await applied_versions(db)
    return [m for m in load_migrations(folder) if m.version not in applied]


def split_statements(sql: str) -> list[str]:
    """Statements of a migration file; our migrations keep ';' out of strings and comments."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
