"""Ack latency: a driver that times each signed request, and percentiles of the samples."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp

from slack_emulator import (
    AckReply,
    AckTimeoutError,
    Delivery,
    SlackClientDriver,
    parse_ack_body,
)


class TimedDriver(SlackClientDriver):
    """The emulator's driver (real payloads, real signatures) over one kept-alive session; the
    time from sending the request until its response has arrived is recorded per request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.samples: list[float] = []
        self.failures = 0
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=0)
            timeout = aiohttp.ClientTimeout(total=self.ack_timeout)
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        await super().close()

    async def _post(
        self, url: str, body: bytes, headers: dict[str, str], delivery: Delivery
    ) -> AckReply:
        all_headers = {"User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)", **headers}
        started = time.perf_counter()
        try:
            async with self.session().post(url, data=body, headers=all_headers) as resp:
                raw = await resp.read()
                elapsed = time.perf_counter() - started
                status, ctype, resp_headers = resp.status, resp.content_type, dict(resp.headers)
        except TimeoutError:
            self.failures += 1
            raise AckTimeoutError(delivery, self.ack_timeout) from None
        if status != 200:
            self.failures += 1
        self.samples.append(elapsed)
        return AckReply(status, parse_ack_body(raw, ctype), delivery, headers=resp_headers)


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds (inclusive quantiles, so p99 of 300 samples is defined)."""
    if len(samples) < 2:
        value = samples[0] * 1000 if samples else float("nan")
        return {"p50": value, "p95": value, "p99": value, "n": len(samples)}
    cuts = statistics.quantiles([s * 1000 for s in samples], n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "n": len(samples)}


def ratios(bot: dict[str, float], floor: dict[str, float]) -> dict[str, float]:
    return {key: bot[key] / floor[key] for key in ("p50", "p95", "p99")}


Request = Callable[[TimedDriver, int], Awaitable[Any]]


async def interleaved(
    bot: TimedDriver,
    floor: TimedDriver,
    request: Request,
    count: int,
    concurrency: int,
) -> None:
    """`count` pairs of requests, `concurrency` pairs in flight: request i goes to the bot and
    to the floor at the same moment (which one is sent first alternates), so that whatever else
    the machine is doing at that moment falls on both alike."""
    pending = list(range(count))

    async def worker() -> None:
        while pending:
            index = pending.pop(0)
            first, second = (bot, floor) if index % 2 == 0 else (floor, bot)
            await asyncio.gather(request(first, index), request(second, index))

    await asyncio.gather(*(worker() for _ in range(min(concurrency, count))))
