"""Which database the settings name: a SQLite file (the embedded default) or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.storage.database import Database
from bot.storage.postgres import PostgresDatabase
from bot.storage.sql import SqlDatabase


async def open_database(
    path: Path, url: str | None, *, pool_size: int, password: str | None = None
) -> SqlDatabase:
    """Open SQLite at path, or PostgreSQL at url when one is given."""
    if url is None:
        return await Database.open(path)
    return await PostgresDatabase.open(url, pool_size=pool_size, password=password)


async def open_configured(settings: Settings) -> SqlDatabase:
    """The database the settings name (WISHBOT_DB, WISHBOT_DB_POOL)."""
    url = settings.db_url.reveal() if settings.db_url is not None else None
    password = settings.db_password.reveal() if settings.db_password is not None else None
    return await open_database(settings.db_path, url, pool_size=settings.db_pool, password=password)


async def describe(db: SqlDatabase) -> str:
    """The backend, as `wishbot check` shows it: "SQLite 3.40.1 at data/wishbot.sqlite3"."""
    return f"{db.dialect.title} {await db.server_version()} at {db.location}"
