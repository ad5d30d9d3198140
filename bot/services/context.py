"""The shared parts every use case needs, wired once by bot.app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.domain.schedule import Clock, WorkingHours
from bot.services.people import PeopleDirectory
from bot.services.refresher import PollMessageRefresher
from bot.slack.gateway import SlackGateway
from bot.storage.repository import Repository

logger = logging.getLogger(__name__)


class PollScheduling(Protocol):
    """What the use cases tell the scheduler: a poll's times changed (or it ended)."""

    async def poll_changed(self, poll_id: int) -> None: ...


class NoScheduling:
    async def poll_changed(self, poll_id: int) -> None:
        return None


def _nothing() -> None:
    return None


@dataclass
class Context:
    """Storage, Slack, clock and settings shared by the services."""

    repo: Repository
    gateway: SlackGateway
    people: PeopleDirectory
    clock: Clock
    bot_user_id: str
    default_language: str
    quiet_hours: WorkingHours | None
    refresher: PollMessageRefresher | None = None
    scheduling: PollScheduling = field(default_factory=NoScheduling)
    # Told of each reminder delivered (the metrics count them); set by bot.app.
    on_reminder_sent: Callable[[], None] = _nothing
    _background: set[asyncio.Task[Any]] = field(default_factory=set)

    def spawn(self, work: Coroutine[Any, Any, Any], name: str) -> None:
        """Run work after the ack; failures are logged with the traceback, never lost silently."""
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._finished)

    def track_current_task(self) -> None:
        """Count the running listener as background work: Bolt lets it go on after the ack, and a
        graceful shutdown (and a test waiting for quiet) must wait for it too."""
        task = asyncio.current_task()
        if task is not None and task not in self._background:
            self._background.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("background task %s failed", task.get_name(), exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for background work (graceful shutdown and tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
        if self.refresher is not None:
            await self.refresher.drain()
