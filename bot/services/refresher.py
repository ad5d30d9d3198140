"""Keeps each poll message's "N of M answered" current within Slack's update limits."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.services.background import BackgroundWork
from bot.services.ports import Clock

logger = logging.getLogger(__name__)

# Slack allows about one update per message per second; one second also keeps the count at
# most a couple of seconds behind.
MIN_INTERVAL = timedelta(seconds=1)

Updater = Callable[[int], Awaitable[None]]


class RefreshClaims(Protocol):
    """Turns on each poll message shared by the replicas (through the database)."""

    async def claim_message_refresh(self, poll_id: int, now: datetime, gap: timedelta) -> bool: ...

    async def release_message_refresh(self, poll_id: int, finished_at: datetime) -> None: ...


class PollMessageRefresher:
    """Coalesces many answer notifications into at most one update per poll per interval; the
    last update always runs after the last notification, so the final count is exact."""

    def __init__(
        self,
        update: Updater,
        clock: Clock,
        background: BackgroundWork,
        min_interval: timedelta = MIN_INTERVAL,
        claims: RefreshClaims | None = None,
    ) -> None:
        self._update = update
        # None when this process is the only one that updates Slack.
        self._claims = claims
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
                if not await self._claimed(poll_id):
                    # Another replica refreshed it a moment ago, perhaps before this answer:
                    # this one tries again once the interval has passed.
                    self._finished(poll_id)
                    continue
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
                await self._release(poll_id)
        finally:
            self._running.discard(poll_id)

    async def _claimed(self, poll_id: int) -> bool:
        if self._claims is None:
            return True
        try:
            now = self._clock.now()
            return await self._claims.claim_message_refresh(poll_id, now, self._min_interval)
        except Exception as error:
            # At worst one update more than the limit, which Slack answers with a 429 that is
            # respected; never a message left behind.
            logger.warning("claiming the refresh of poll %s failed: %s", poll_id, error)
            return True

    async def _release(self, poll_id: int) -> None:
        if self._claims is None:
            return
        try:
            await self._claims.release_message_refresh(poll_id, self._clock.now())
        except Exception as error:  # the hold runs out by itself
            logger.warning("releasing the refresh of poll %s failed: %s", poll_id, error)

    def _finished(self, poll_id: int) -> None:
        now = self._clock.now()
        self._last_run.pop(poll_id, None)
        self._last_run[poll_id] = now
        while self._last_run:
            oldest, at = next(iter(self._last_run.items()))
            if now - at < self._min_interval or oldest in self._running:
                break
            del self._last_run[oldest]
