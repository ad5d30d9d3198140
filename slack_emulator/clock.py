"""The one clock behind every time the emulator shows or uses: ts values, expiries, windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class WorldClock(Protocol):
    """A clock shared by the emulator and the app under test: aware UTC time, moved by tests."""

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by delta."""
        ...


class OffsetClock:
    """Real wall time plus an offset that `advance` increases (the default clock)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        """Wall time (UTC) plus the offset."""
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        """Jump forward by delta (negative deltas are refused: time only moves on)."""
        if delta < timedelta(0):
            raise ValueError(f"a clock only moves forward, not by {delta}")
        self.offset += delta


def aware_now(clock: WorldClock) -> datetime:
    """The clock's time in UTC; a naive datetime is refused (it names no instant)."""
    moment = clock.now()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the clock returned a naive datetime: {moment!r}")
    return moment.astimezone(UTC)


def epoch_micros(moment: datetime) -> int:
    """Whole microseconds since the Unix epoch, without float rounding."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def epoch_seconds(clock: WorldClock) -> float:
    """The clock's time as Unix epoch seconds."""
    return epoch_micros(aware_now(clock)) / 1_000_000
