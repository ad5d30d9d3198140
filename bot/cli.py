"""The operations commands of the CLI: keygen, backup, restore and purge, each one line per
outcome."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Settings
from bot.domain.model import PollStatus
from bot.domain.retention import retention_cutoff
from bot.storage.backend import open_configured
from bot.storage.backup import BackupError, backup, restore
from bot.storage.lock import DatabaseInUse
from bot.storage.migrations import load_migrations, pending_migrations
from bot.storage.retention import PurgeReport, RetentionStore

EXIT_USAGE = 2
EXIT_FAILURE = 1


def run_keygen() -> int:
    """Print a fresh key for WISHBOT_SECRET_KEY; nothing else is read or written."""
    from bot.storage.sealing import generate_key

    print(generate_key())
    return 0


def fail(message: str, status: int = EXIT_USAGE) -> int:
    print(f"wishbot: {message}", file=sys.stderr)
    return status


# PostgreSQL has its own tools for this, made for a live server; the README shows them.
POSTGRES_BACKUP = "on PostgreSQL, back up with pg_dump -Fc and restore with pg_restore"


async def run_backup(settings: Settings, target: Path) -> int:
    """Copy the live database to target while the bot keeps running."""
    if settings.backend != "sqlite":
        return fail(f"'wishbot backup' copies a SQLite file: {POSTGRES_BACKUP}")
    try:
        summary = await asyncio.to_thread(backup, settings.db_path, target)
    except BackupError as error:
        return fail(str(error))
    print(
        f"backed up {settings.db_path} to {target}"
        f" (schema version {summary.schema_version}, {summary.polls} polls)"
    )
    return 0


async def run_restore(settings: Settings, source: Path) -> int:
    """Replace the (stopped) bot's database with a checked backup."""
    if settings.backend != "sqlite":
        return fail(f"'wishbot restore' restores a SQLite file: {POSTGRES_BACKUP}")
    newest_known = max((m.version for m in load_migrations()), default=0)
    try:
        summary = await asyncio.to_thread(
            restore, source, settings.db_path, newest_known=newest_known
        )
    except DatabaseInUse as error:
        return fail(f"{error}: stop it before restoring; nothing was changed", EXIT_FAILURE)
    except BackupError as error:
        return fail(f"{error}; nothing was changed")
    print(
        f"restored {settings.db_path} from {source}"
        f" (schema version {summary.schema_version}, {summary.polls} polls);"
        " the next start migrates it if needed"
    )
    return 0


async def run_purge(settings: Settings, *, dry_run: bool) -> int:
    """Delete (or with dry_run list) the polls past WISHBOT_RETENTION_DAYS."""
    days = settings.retention_days
    if days is None:
        return fail("WISHBOT_RETENTION_DAYS is off: set it to a number of days to purge")
    if settings.backend == "sqlite" and not settings.db_path.is_file():
        return fail(f"there is no database at {settings.db_path}")
    db = await open_configured(settings)
    try:
        if await pending_migrations(db):
            return fail(f"database {db.location} needs migrating: run 'wishbot migrate'")
        store = RetentionStore(db)
        cutoff = retention_cutoff(SystemClock().now(), days)
        report = await (store.preview(cutoff) if dry_run else store.purge(cutoff))
    finally:
        await db.close()
    for line in describe(report, dry_run=dry_run):
        print(line)
    return 0


def describe(report: PurgeReport, *, dry_run: bool) -> list[str]:
    """One line per poll, then a total; the words say whether anything was deleted."""
    verb = "would be purged" if dry_run else "purged"
    lines = [
        f"poll {p.poll_id} (closed {p.closed_at:%Y-%m-%d %H:%M} UTC"
        f"{', anonymous' if p.anonymous else ''}): {verb}: {p.asked} people asked,"
        f" {p.responses} responses, {p.answers} answers, {p.reminders} reminders,"
        f" {p.opt_outs} opt-outs"
        for p in report.polls
    ]
    lines.append(
        f"{len(report.polls)} {PollStatus.CLOSED.value} poll(s) and {report.people} cached"
        f" profile(s) of people in no remaining poll {verb}"
    )
    return lines
