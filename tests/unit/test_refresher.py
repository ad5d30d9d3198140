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


async def test_two_replicas_sharing_claims_update_a_message_at_most_once_an_interval() -> None:
    clock = ShiftableClock()
    work = BackgroundWork()
    runs: list[tuple[str, datetime, int]] = []
    counter = {"value": 0}

    class SharedClaims:
        """What the message_refreshes table does, in one place both replicas see."""

        def __init__(self) -> None:
            self.held_until: dict[int, datetime] = {}

        async def claim_message_refresh(self, poll_id: int, now: datetime, gap: timedelta) -> bool:
            if poll_id in self.held_until and self.held_until[poll_id] > now - gap:
                return False
            self.held_until[poll_id] = now + timedelta(seconds=5)
            return True

        async def release_message_refresh(self, poll_id: int, finished_at: datetime) -> None:
            self.held_until[poll_id] = finished_at

    claims = SharedClaims()

    def replica(name: str) -> PollMessageRefresher:
        async def update(poll_id: int) -> None:
            runs.append((name, clock.now(), counter["value"]))
            clock.advance(timedelta(milliseconds=400))  # a slow Slack: the gap counts from the end

        return PollMessageRefresher(update, clock, work, min_interval=INTERVAL, claims=claims)

    replicas = [replica("a"), replica("b")]
    for step in range(100):
        counter["value"] += 1
        replicas[step % 2].mark(7)  # the load balancer sends answers to both
        await asyncio.sleep(0)
        if step % 10 == 9:
            clock.advance(timedelta(milliseconds=250))
    for _ in range(3):
        clock.advance(INTERVAL)
        await asyncio.sleep(0)
    await asyncio.wait_for(work.drain(), timeout=5)
    assert {name for name, _at, _count in runs} == {"a", "b"}
    gaps = [b[1] - a[1] for a, b in itertools.pairwise(runs)]
    assert all(gap >= INTERVAL + timedelta(milliseconds=400) for gap in gaps), gaps
    assert runs[-1][2] == 100  # whichever replica ran last saw the final count
