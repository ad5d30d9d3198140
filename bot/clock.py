"""Clocks: the real one, and one that runs in real time but can be moved forward (tests and the
playground skip an hour or a day, and everything waiting on it wakes as if that time had passed).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

# Sleeping in slices keeps a long wait correct when the machine's clock is adjusted meanwhile.
_MAX_SLICE_SECONDS = 60.0


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed: {moment!r}")
    return moment.astimezone(UTC)


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, moment: datetime) -> None:
        moment = _aware(moment)
        remaining = (moment - self.now()).total_seconds()
        while remaining > 0:
            await asyncio.sleep(min(remaining, _MAX_SLICE_SECONDS))
            remaining = (moment - self.now()).total_seconds()


class ShiftableClock:
    """Real time plus an offset that only grows. advance() moves every waiter along with it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0) if start is None else _aware(start) - datetime.now(UTC)
        self._moved: asyncio.Future[None] | None = None

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        """Jump forward by delta (never back: times already handed out must stay in the past)."""
        if delta < timedelta(0):
            raise ValueError(f"a clock only moves forward, not by {delta}")
        self._offset += delta
        moved, self._moved = self._moved, None
        if moved is not None and not moved.done():
            moved.set_result(None)

    def set(self, moment: datetime) -> None:
        """Jump forward to moment."""
        self.advance(_aware(moment) - self.now())

    async def sleep_until(self, moment: datetime) -> None:
        moment = _aware(moment)
        while (remaining := (moment - self.now()).total_seconds()) > 0:
            if self._moved is None or self._moved.done():
                self._moved = asyncio.get_running_loop().create_future()
            moved = self._moved
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(moved), min(remaining, _MAX_SLICE_SECONDS))
