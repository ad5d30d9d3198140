"""The floor of the many-workspace round: a bare Web API client that posts given messages, each
workspace's with its own token and client, `python -m bench.floor_round PLAN.json`.

It does nothing but post (no database, no planning, no rendering), so the time it takes is the
fastest the emulator, this machine and Slack's limits let those messages be accepted. Prints one
JSON line: {"seconds": ..., "ok": ..., "failed": ...}."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient


async def post_all(client: AsyncWebClient, posts: list[dict[str, Any]], workers: int) -> int:
    """Post every message with `workers` calls in flight; how many were refused."""
    pending = list(reversed(posts))
    failed = 0

    async def worker() -> None:
        nonlocal failed
        while pending:
            args = pending.pop()
            try:
                await client.chat_postMessage(**args)
            except SlackApiError:
                failed += 1

    await asyncio.gather(*(worker() for _ in range(min(workers, len(posts)))))
    return failed


async def run(plan: dict[str, Any]) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        clients = [
            (
                AsyncWebClient(
                    token=workspace["token"],
                    base_url=plan["api_url"],
                    session=session,
                    timeout=30,
                    retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=20)],
                ),
                workspace["posts"],
            )
            for workspace in plan["workspaces"]
        ]
        started = time.perf_counter()
        refused = await asyncio.gather(
            *(post_all(client, posts, plan["workers"]) for client, posts in clients)
        )
        seconds = time.perf_counter() - started
    total = sum(len(posts) for _client, posts in clients)
    return {"seconds": seconds, "ok": total - sum(refused), "failed": sum(refused)}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(json.loads(Path(sys.argv[1]).read_text())))))
