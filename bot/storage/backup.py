"""Online backup and checked restore of the database, both through SQLite's backup API."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

from bot.storage.lock import DatabaseLock

# A file without these is not a Wishbot database, whatever else it holds.
WISHBOT_TABLES = frozenset(
    {"schema_migrations", "polls", "questions", "poll_members", "responses", "answers"}
)
# SQLite's companions of a database file; a stale one beside a restored file would corrupt it.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
BUSY_TIMEOUT_SECONDS = 10.0


class BackupError(Exception):
    """A backup or restore cannot be done; str() is the one line for the operator. Nothing was
    changed: the live database and an existing target file are as they were."""


@dataclass(frozen=True, slots=True)
class DatabaseSummary:
    """What a copied database holds, for the operator's confirmation line."""

    schema_version: int
    polls: int


def backup(db_path: Path, target: Path) -> DatabaseSummary:
    """Copy the live database (a bot may be writing to it) into target, consistently: one read
    transaction over the whole copy. The copy is checked, then renamed into place."""
    if not db_path.is_file():
        raise BackupError(f"there is no database at {db_path}")
    folder = target.parent
    if not folder.is_dir():
        raise BackupError(f"the backup folder {folder} does not exist")
    if target.is_dir():
        raise BackupError(f"{target} is a folder: name the backup file")
    if target.resolve() == db_path.resolve():
        raise BackupError("the backup file cannot be the live database itself")
    temporary = _create_temporary(folder, target.name)
    try:
        with (
            closing(_connect(db_path, "rw")) as source,
            closing(sqlite3.connect(temporary)) as copy,
        ):
            source.backup(copy)
            # A self-contained file: no -wal beside it to forget when it is moved off the host.
            copy.execute("PRAGMA journal_mode = DELETE")
            summary = check_wishbot_database(copy, target, newest_known=None)
        _durable_replace(temporary, target)
    except sqlite3.Error as error:
        raise BackupError(f"the backup of {db_path} failed: {error}") from None
    except OSError as error:
        raise BackupError(f"cannot write the backup to {target}: {error.strerror}") from None
    finally:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
    return summary


def restore(source_file: Path, db_path: Path, *, newest_known: int) -> DatabaseSummary:
    """Replace the database with a checked backup, atomically. Refuses (DatabaseInUse) while a bot
    runs on it; a damaged, foreign or too new file changes nothing (BackupError)."""
    if not source_file.is_file():
        raise BackupError(f"there is no backup file {source_file}")
    try:
        with closing(_connect(source_file, "ro")) as source:
            summary = check_wishbot_database(source, source_file, newest_known=newest_known)
            with DatabaseLock.acquire(db_path):
                _replace_database(source, db_path)
    except sqlite3.Error as error:
        raise BackupError(f"cannot restore from {source_file}: {error}") from None
    except OSError as error:
        raise BackupError(f"cannot write {db_path}: {error.strerror}") from None
    return summary


def check_wishbot_database(
    conn: sqlite3.Connection, path: Path, *, newest_known: int | None
) -> DatabaseSummary:
    """Integrity, Wishbot's tables and a schema version this code can migrate from."""
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        damage = "damaged" if "malformed" in str(error) else "not a usable SQLite database"
        raise BackupError(f"{path} is {damage} ({error})") from None
    if [tuple(row) for row in rows] != [("ok",)]:
        raise BackupError(f"{path} is damaged (integrity check: {rows[0][0]})")
    tables = {str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master")}
    missing = sorted(WISHBOT_TABLES - tables)
    if missing:
        raise BackupError(f"{path} is not a Wishbot database (no table {', '.join(missing)})")
    version = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
    if version is None:
        raise BackupError(f"{path} is not a Wishbot database (no schema version)")
    if newest_known is not None and int(version) > newest_known:
        raise BackupError(
            f"{path} is at schema version {version}, newer than this Wishbot knows "
            f"({newest_known}): upgrade Wishbot first"
        )
    polls = int(conn.execute("SELECT COUNT(*) FROM polls").fetchone()[0])
    return DatabaseSummary(schema_version=int(version), polls=polls)


def _replace_database(source: sqlite3.Connection, db_path: Path) -> None:
    last_poll_id = _retire(db_path)
    temporary = _create_temporary(db_path.parent, db_path.name)
    try:
        with closing(sqlite3.connect(temporary)) as copy:
            source.backup(copy)
            if last_poll_id is not None:
                # Polls created after the backup still have their messages, with buttons that
                # name their ids, in Slack: the restored database must not hand those ids out.
                raised = copy.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'polls'",
                    (last_poll_id,),
                ).rowcount
                if not raised:  # no poll was ever created before the backup
                    copy.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES ('polls', ?)",
                        (last_poll_id,),
                    )
                copy.commit()
            # A poll still open in the backup may have been closed, and summarised, since: its
            # next close must look in Slack's history first instead of posting a second summary.
            copy.execute("UPDATE polls SET summary_started = TRUE WHERE status <> 'closed'")
            copy.commit()
            copy.execute("PRAGMA journal_mode = DELETE")
        for suffix in COMPANION_SUFFIXES:
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        _durable_replace(temporary, db_path)
    finally:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)


def _retire(db_path: Path) -> int | None:
    """Fold the old database's WAL in, so that no companion file of it is needed any more
    (SQLite would replay a stale -wal into the restored file), and read the last poll id it
    handed out. None when there is no old database or it cannot be read."""
    if not db_path.is_file():
        return None
    with suppress(sqlite3.Error), closing(_connect(db_path, "rw")) as old:
        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = old.execute("SELECT seq FROM sqlite_sequence WHERE name = 'polls'").fetchone()
        return None if row is None else int(row[0])
    return None


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    """Open an existing file only (plain connect() would create an empty database)."""
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_SECONDS
    )


def _create_temporary(folder: Path, name: str) -> Path:
    """A new empty file beside the target: the rename into place is then atomic. Creating it
    first turns a missing or read-only folder into a plain OSError with its reason."""
    temporary = folder / f".{name}.{os.getpid()}.tmp"
    with suppress(OSError):
        temporary.unlink(missing_ok=True)  # left by a crashed run that had the same pid
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as error:
        raise BackupError(f"cannot write in {folder}: {error.strerror}") from None
    return temporary


def _durable_replace(temporary: Path, target: Path) -> None:
    fd = os.open(temporary, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, target)
    folder_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder_fd)
    finally:
        os.close(folder_fd)
