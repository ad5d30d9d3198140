"""Keeps each poll message's "N of M answered" current within Slack's update limits."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

# Slack allows about one update per message per second; one second also keeps the count at
# most a couple of seconds behind.
MIN_INTERVAL_SECONDS = 1.0

Updater = Callable[[int], Awaitable[None]]


class PollMessageRefresher:
    """Coalesces many answer notifications into at most one update per poll per interval; the
    last update always runs after the last notification, so the final count is exact."""

    def __init__(self, update: Updater, min_interval: float = MIN_INTERVAL_SECONDS) -> None:
        self._update = update
        self._min_interval = min_interval
        self._dirty: set[int] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._last_run: dict[int, float] = {}

    def mark(self, poll_id: int) -> None:
        """The poll's count changed; an update follows soon."""
        self._dirty.add(poll_id)
        if poll_id not in self._tasks:
            self._tasks[poll_id] = asyncio.create_task(self._run(poll_id))

    async def _run(self, poll_id: int) -> None:
        try:
            while poll_id in self._dirty:
                wait = self._last_run.get(poll_id, 0.0) + self._min_interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._dirty.discard(poll_id)
                try:
                    await self._update(poll_id)
                except Exception:
                    logger.exception(
                        "updating the message of poll %s failed",
                        poll_id,
                        extra={"poll_id": poll_id},
                    )
                # Timed from the end: however long reading and rendering took, two calls to
                # Slack for the same message are always at least the interval apart.
                self._last_run[poll_id] = time.monotonic()
        finally:
            self._tasks.pop(poll_id, None)

    async def drain(self) -> None:
        """Wait until every pending update has run (shutdown, and tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
