"""KeyedLock: one holder per key at a time, keys side by side, nothing kept once idle."""

from __future__ import annotations

import asyncio

import pytest

from bot.services.locks import KeyedLock


async def test_one_key_is_held_by_one_task_at_a_time() -> None:
    locks = KeyedLock[str]()
    order: list[str] = []
    first_in = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with locks.hold("poll:1"):
            order.append("first in")
            first_in.set()
            await release_first.wait()
            order.append("first out")

    async def second() -> None:
        await first_in.wait()
        async with locks.hold("poll:1"):
            order.append("second in")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_in.wait()
    for _ in range(10):  # turns of the loop enough for the second task to reach the lock
        await asyncio.sleep(0)
    assert locks.busy("poll:1") and order == ["first in"]
    release_first.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert order == ["first in", "first out", "second in"]


async def test_other_keys_do_not_wait() -> None:
    locks = KeyedLock[str]()
    async with locks.hold("a"):
        await asyncio.wait_for(_enter(locks, "b"), 1)


async def test_a_key_is_forgotten_when_nobody_holds_or_waits_for_it() -> None:
    locks = KeyedLock[tuple[str, str]]()
    for team in ("T1", "T2", "T3"):
        async with locks.hold(("", team)):
            assert locks.busy(("", team))
    assert len(locks) == 0 and not locks.busy(("", "T1"))


async def test_a_failure_inside_releases_and_forgets_the_key() -> None:
    locks = KeyedLock[str]()
    with pytest.raises(RuntimeError):
        async with locks.hold("a"):
            raise RuntimeError("boom")
    assert len(locks) == 0
    await asyncio.wait_for(_enter(locks, "a"), 1)


async def test_a_waiter_cancelled_leaves_nothing_behind() -> None:
    locks = KeyedLock[str]()
    async with locks.hold("a"):
        waiter = asyncio.create_task(_enter(locks, "a"))
        for _ in range(10):  # the waiter reaches the lock and waits there
            await asyncio.sleep(0)
        assert not waiter.done()
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    assert len(locks) == 0


async def _enter(locks: KeyedLock[str], key: str) -> None:
    async with locks.hold(key):
        pass
