"""The poll message refresher coalesces bursts and always runs once after the last change."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta

from bot.clock import ShiftableClock
from bot.services.background import BackgroundWork
from bot.services.refresher import PollMessageRefresher

INTERVAL = timedelta(seconds=1)


async def test_burst_of_marks_becomes_few_spaced_updates_and_a_final_one() -> None:
    clock = ShiftableClock()
    work = BackgroundWork()
    runs: list[tuple[int, datetime, int]] = []
    counter = {"value": 0}

    async def update(poll_id: int) -> None:
        runs.append((poll_id, clock.now(), counter["value"]))

    refresher = PollMessageRefresher(update, clock, work, min_interval=INTERVAL)
    for step in range(200):
        counter["value"] += 1
        refresher.mark(7)
        await asyncio.sleep(0)
        if step % 20 == 19:
            clock.advance(timedelta(milliseconds=300))  # 200 marks over 3 s of the clock
    clock.advance(INTERVAL)
    await asyncio.wait_for(work.drain(), timeout=5)
    assert 2 <= len(runs) <= 5
    gaps = [b[1] - a[1] for a, b in itertools.pairwise(runs)]
    assert all(gap >= INTERVAL for gap in gaps), gaps
    assert runs[-1][2] == 200  # the last update saw the final count


async def test_polls_are_refreshed_independently() -> None:
    clock = ShiftableClock()
    work = BackgroundWork()
    seen: list[int] = []

    async def update(poll_id: int) -> None:
        seen.append(poll_id)

    refresher = PollMessageRefresher(update, clock, work, min_interval=INTERVAL)
    refresher.mark(1)
    refresher.mark(2)
    await asyncio.wait_for(work.drain(), timeout=5)
    assert sorted(seen) == [1, 2]


async def test_a_failed_update_is_logged_and_the_next_mark_updates_again() -> None:
    clock = ShiftableClock()
    work = BackgroundWork()
    calls: list[int] = []

    async def update(poll_id: int) -> None:
        calls.append(poll_id)
        if len(calls) == 1:
            raise RuntimeError("Slack is down")

    refresher = PollMessageRefresher(update, clock, work, min_interval=INTERVAL)
    refresher.mark(3)
    await asyncio.wait_for(work.drain(), timeout=5)
    refresher.mark(3)
    clock.advance(INTERVAL)
    await asyncio.wait_for(work.drain(), timeout=5)
    assert calls == [3, 3]
