"""Keeps each poll message's "N of M answered" current within Slack's update limits."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.services.background import BackgroundWork
from bot.services.ports import Clock

logger = logging.getLogger(__name__)

# Slack allows about one update per message per second; one second also keeps the count at
# most a couple of seconds behind.
MIN_INTERVAL = timedelta(seconds=1)

Updater = Callable[[int], Awaitable[None]]


class PollMessageRefresher:
    """Coalesces many answer notifications into at most one update per poll per interval; the
    last update always runs after the last notification, so the final count is exact."""

    def __init__(
        self,
        update: Updater,
        clock: Clock,
        background: BackgroundWork,
        min_interval: timedelta = MIN_INTERVAL,
    ) -> None:
        self._update = update
        self._clock = clock
        self._background = background
        self._min_interval = min_interval
        self._dirty: set[int] = set()
        self._running: set[int] = set()
        # When each poll's message was last updated, oldest first; entries older than the
        # interval no longer matter and are dropped.
        self._last_run: OrderedDict[int, datetime] = OrderedDict()

    def mark(self, poll_id: int) -> None:
        """The poll's count changed; an update follows soon."""
        self._dirty.add(poll_id)
        if poll_id not in self._running:
            self._running.add(poll_id)
            self._background.spawn(self._run(poll_id), f"refresh:{poll_id}")

    async def _run(self, poll_id: int) -> None:
        try:
            while poll_id in self._dirty:
                last = self._last_run.get(poll_id)
                if last is not None:
                    await self._clock.sleep_until(last + self._min_interval)
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
                self._finished(poll_id)
        finally:
            self._running.discard(poll_id)

    def _finished(self, poll_id: int) -> None:
        now = self._clock.now()
        self._last_run.pop(poll_id, None)
        self._last_run[poll_id] = now
        while self._last_run:
            oldest, at = next(iter(self._last_run.items()))
            if now - at < self._min_interval or oldest in self._running:
                break
            del self._last_run[oldest]
