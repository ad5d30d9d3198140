"""Per-key serialisation (one creation per idempotency key, one token refresh per installation,
one people refresh per workspace at a time), forgetting keys nobody uses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass
class _Entry:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class KeyedLock(Generic[K]):
    """An asyncio.Lock per key, forgotten as soon as nobody holds or waits for it."""

    def __init__(self) -> None:
        self._entries: dict[K, _Entry] = {}

    @asynccontextmanager
    async def hold(self, key: K) -> AsyncIterator[None]:
        entry = self._entries.setdefault(key, _Entry())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[key]

    def busy(self, key: K) -> bool:
        """Whether someone holds or waits for the key."""
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)
