"""The clocks: real time, and real time that tests and the playground move forward."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ShiftableClock, SystemClock

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def test_system_clock_is_timezone_aware() -> None:
    assert SystemClock().now().tzinfo is UTC


def test_shiftable_clock_starts_where_asked_and_jumps_forward() -> None:
    clock = ShiftableClock(START)
    assert abs(clock.now() - START) < timedelta(seconds=5)
    clock.advance(timedelta(hours=1))
    assert clock.now() - START >= timedelta(hours=1)
    clock.set(datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/Helsinki")))
    assert clock.now() >= datetime(2026, 6, 1, 9, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_shiftable_clock_never_goes_back_and_refuses_naive_times() -> None:
    clock = ShiftableClock(START)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="naive"):
        clock.set(datetime(2027, 1, 1))


async def test_a_sleeper_wakes_when_the_clock_is_moved_past_its_time() -> None:
    clock = ShiftableClock(START)
    sleeper = asyncio.create_task(clock.sleep_until(clock.now() + timedelta(days=1)))
    await asyncio.sleep(0)
    assert not sleeper.done()
    clock.advance(timedelta(hours=23))
    await asyncio.sleep(0.01)
    assert not sleeper.done()  # an hour is still left
    clock.advance(timedelta(hours=1))
    await asyncio.wait_for(sleeper, timeout=5)


async def test_sleeping_until_a_past_moment_returns_at_once() -> None:
    clock = ShiftableClock(START)
    await asyncio.wait_for(clock.sleep_until(START - timedelta(days=1)), timeout=1)
    await asyncio.wait_for(SystemClock().sleep_until(START), timeout=1)
