"""One piece of work per item, a few at a time: how DMs (reminders, outcome reports) go out."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def fan_out(
    items: Sequence[T],
    work: Callable[[T], Awaitable[R]],
    *,
    workers: int,
    failed: Callable[[T], None],
) -> list[R | None]:
    """work(item) for every item, at most workers at once, results in the items' order. An item
    whose work raises gets None, after failed(item) (which logs it): one person's failure never
    stops the others."""
    results: list[R | None] = [None] * len(items)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(items)):
        queue.put_nowait(index)

    async def worker() -> None:
        while not queue.empty():
            index = queue.get_nowait()
            try:
                results[index] = await work(items[index])
            except Exception:
                failed(items[index])

    await asyncio.gather(*(worker() for _ in range(min(workers, len(items)))))
    return results
