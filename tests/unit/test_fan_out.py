"""fan_out: every item's work, a few at a time, one failure never stopping the others."""

from __future__ import annotations

import asyncio

from bot.services.fan_out import fan_out


async def test_every_item_is_worked_at_most_workers_at_once_results_in_order() -> None:
    running = 0
    most = 0

    async def double(number: int) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0)
        running -= 1
        return number * 2

    results = await fan_out(list(range(10)), double, workers=3, failed=lambda _: None)
    assert results == [n * 2 for n in range(10)]
    assert most == 3


async def test_a_failing_item_gets_none_and_the_others_go_on() -> None:
    failed: list[int] = []

    async def work(number: int) -> int:
        if number == 2:
            raise RuntimeError("Slack said no")
        return number

    results = await fan_out([1, 2, 3], work, workers=2, failed=failed.append)
    assert results == [1, None, 3]
    assert failed == [2]


async def test_no_items_no_workers() -> None:
    async def work(number: int) -> int:
        raise AssertionError("nothing to do")

    assert await fan_out([], work, workers=8, failed=lambda _: None) == []
