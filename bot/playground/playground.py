"""The playground's state across resets: the current world, notices waiting for each person, and
the revision a page compares to know that it is out of date."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from bot.playground.world import World, remove_database


class Playground:
    """Owns the running world; one action at a time goes through `lock`."""

    def __init__(
        self, db_path: Path, *, log_level: str = "WARNING", start_at: datetime | None = None
    ) -> None:
        self.db_path = db_path
        self.start_at = start_at
        self.log_level = log_level
        self.lock = asyncio.Lock()
        self.notices: dict[str, str] = {}
        self.generation = 0
        self._world: World | None = None

    @property
    def world(self) -> World:
        """The running world (between start and stop)."""
        if self._world is None:
            raise RuntimeError("the playground is not started")
        return self._world

    @property
    def running(self) -> bool:
        """False while Reset swaps one world for the next."""
        return self._world is not None

    @property
    def revision(self) -> str:
        """Changes whenever the workspace does, and with every reset."""
        return f"{self.generation}.{self.world.emu.revision}"

    async def start(self) -> None:
        """Open a fresh world. The stand-in Slack lives in memory, so a database left by an
        earlier run would point at messages that no longer exist: it goes first."""
        remove_database(self.db_path)
        self._world = await World.open(
            self.db_path, log_level=self.log_level, start_at=self.start_at
        )

    async def stop(self) -> None:
        """Close the world, if one runs."""
        if self._world is not None:
            await self._world.close()
            self._world = None

    async def reset(self) -> None:
        """Stop the bot, remove the database, and start a fresh world."""
        async with self.lock:
            await self.stop()
            self.notices.clear()
            self.generation += 1
            await self.start()
