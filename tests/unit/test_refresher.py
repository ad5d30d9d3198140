"""The poll message refresher coalesces bursts and always runs once after the last change."""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.services.refresher import PollMessageRefresher


async def test_burst_of_marks_becomes_few_spaced_updates_and_a_final_one() -> None:
    runs: list[tuple[int, float, int]] = []
    counter = {"value": 0}

    async def update(poll_id: int) -> None:
        runs.append((poll_id, time.monotonic(), counter["value"]))

    refresher = PollMessageRefresher(update, min_interval=0.05)
    for _ in range(200):
        counter["value"] += 1
        refresher.mark(7)
        await asyncio.sleep(0.001)
    await refresher.drain()
    assert 2 <= len(runs) < 20
    gaps = [b[1] - a[1] for a, b in itertools.pairwise(runs)]
    assert all(gap >= 0.045 for gap in gaps)
    assert runs[-1][2] == 200  # the last update saw the final count


async def test_polls_are_refreshed_independently() -> None:
    seen: list[int] = []

    async def update(poll_id: int) -> None:
        seen.append(poll_id)

    refresher = PollMessageRefresher(update, min_interval=0.05)
    refresher.mark(1)
    refresher.mark(2)
    await refresher.drain()
    assert sorted(seen) == [1, 2]
