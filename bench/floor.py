"""The floor: a bare Bolt AsyncApp that only acks, served like the bot (`python -m bench.floor`)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build_app(token: str, signing_secret: str, api_url: str, command: str) -> AsyncApp:
    """Acks the slash command and any button click; does nothing else."""
    app = AsyncApp(
        client=AsyncWebClient(token=token, base_url=api_url, timeout=10),
        signing_secret=signing_secret,
    )

    async def handle_command(ack: AsyncAck) -> None:
        await ack()

    async def handle_click(ack: AsyncAck) -> None:
        await ack()

    app.command(command)(handle_command)
    app.action(re.compile(".*"))(handle_click)
    return app


def http_application(app: AsyncApp) -> web.Application:
    """The same two routes as the bot, through the same Bolt aiohttp adapter."""

    async def slack_events(request: web.Request) -> web.StreamResponse:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def healthz(_request: web.Request) -> web.StreamResponse:
        return web.json_response({"status": "ok"})

    application = web.Application()
    application.router.add_post("/slack/events", slack_events)
    application.router.add_get("/healthz", healthz)
    return application


async def serve(env: dict[str, Any]) -> None:
    app = build_app(
        env["SLACK_BOT_TOKEN"],
        env["SLACK_SIGNING_SECRET"],
        env["SLACK_API_URL"],
        env.get("WISHBOT_COMMAND", "/wishes"),
    )
    runner = web.AppRunner(http_application(app))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(env["PORT"])).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve(dict(os.environ)))
