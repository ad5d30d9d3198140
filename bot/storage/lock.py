"""One Wishbot per database file: the running bot holds an exclusive flock on `<db>.lock`."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DatabaseInUse(Exception):
    """Another process (a running bot, or a restore) holds the database's lock."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(f"a Wishbot is running on {db_path}")
        self.db_path = db_path


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class DatabaseLock:
    """An exclusive, non-blocking flock. The kernel drops it when the process dies, so a killed
    bot never leaves a stale lock behind; the lock file itself stays (removing it would race)."""

    def __init__(self, db_path: Path, fd: int) -> None:
        self.db_path = db_path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, db_path: Path) -> DatabaseLock:
        """Take the lock now or raise DatabaseInUse; creates the database's folder."""
        db_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseInUse(db_path) from None
        except BaseException:
            os.close(fd)
            raise
        return cls(db_path, fd)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> DatabaseLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
