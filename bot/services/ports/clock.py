"""Time, as the use cases see it: the current moment, and waiting for a later one."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """The one source of time: tests and the playground move it forward instead of waiting."""

    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...

    async def sleep_until(self, moment: datetime) -> None:
        """Return once now() has reached moment (at once if it already has)."""
        ...
