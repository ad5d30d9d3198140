"""Start the playground from the command line: serve the page on 127.0.0.1 until interrupted."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from aiohttp import web

from bot.playground.playground import Playground
from bot.playground.server import playground_application
from bot.playground.world import DEFAULT_DB

DEFAULT_PORT = 3000
PORT_VARIABLE = "WISHBOT_PLAYGROUND_PORT"
# Any of these means someone has started to connect a real Slack: then no playground.
SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID")
EXIT_USAGE = 2
EXIT_FAILURE = 1


def slack_configured(environ: Mapping[str, str]) -> bool:
    """Whether the environment (or .env) names a Slack app at all."""
    return any(environ.get(name, "").strip() for name in SLACK_VARIABLES)


def playground_port(environ: Mapping[str, str], given: int | None) -> int:
    """--port, else WISHBOT_PLAYGROUND_PORT, else 3000; ValueError names the bad value."""
    if given is not None:
        raw = str(given)
    else:
        raw = environ.get(PORT_VARIABLE, "").strip() or str(DEFAULT_PORT)
    if not raw.isdigit() or not 0 <= int(raw) <= 65535:
        raise ValueError(f"{PORT_VARIABLE} must be a port number from 0 to 65535, not {raw!r}")
    return int(raw)


def page_url(port: int) -> str:
    """Where the page is served."""
    return f"http://127.0.0.1:{port}/playground"


def announcement(url: str) -> str:
    """The line `wishbot playground` prints once the page is up."""
    return f"Wishbot playground on {url} (Ctrl+C stops it)"


def run_playground(
    port: int, *, announce: Callable[[str], str] = announcement, db_path: Path = DEFAULT_DB
) -> int:
    """Serve the playground until SIGINT or SIGTERM, printing announce(url) once the page is
    up; the exit status."""
    return asyncio.run(_serve(port, announce, db_path))


async def _serve(port: int, announce: Callable[[str], str], db_path: Path) -> int:
    stop_event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop_event.set)
    playground = Playground(db_path)
    await playground.start()
    runner = web.AppRunner(playground_application(playground), access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, "127.0.0.1", port).start()
        except OSError as error:
            print(
                f"wishbot: cannot serve the playground on port {port}: {error.strerror}"
                f" (choose another with --port or {PORT_VARIABLE})",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        print(announce(page_url(int(runner.addresses[0][1]))), flush=True)
        await stop_event.wait()
    finally:
        await runner.cleanup()
        await playground.stop()
    return 0
