"""End-to-end fixtures: the strict Slack emulator and the real bot over HTTP or Socket Mode."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.app import Wishbot, http_application, start, stop
from bot.clock import ShiftableClock
from bot.config import Secret, Settings
from bot.storage.database import Database
from bot.storage.repository import Repository
from slack_emulator import SlackClientDriver, SlackEmulator, scopes_from_manifest

SIGNING_SECRET = "e2e-signing-secret-0123456789"
BOT_TOKEN = "xoxb-e2e-bot-token"
APP_TOKEN = "xapp-e2e-app-token"
CHANNEL = "C0GENERAL"
ORGANISER = "U0ORGANISER"
PEOPLE = ("U0AINO", "U0BENGT", "U0CARLA", "U0DAVID", "U0EEVA")
FINN = "U0EEVA"


MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack-app-manifest.yml"


@pytest.fixture
def clock() -> ShiftableClock:
    """The one clock of the test: the emulator's time and the bot's. Tests move it forward
    instead of waiting (emu.advance_time moves it too)."""
    return ShiftableClock()


@pytest.fixture
async def emu(clock: ShiftableClock) -> AsyncIterator[SlackEmulator]:
    """A workspace with an organiser, five people (Eeva reads Finnish) and #general; the bot is
    granted exactly the scopes its manifest asks for."""
    emulator = SlackEmulator(
        signing_secret=SIGNING_SECRET,
        bot_token=BOT_TOKEN,
        app_token=APP_TOKEN,
        clock=clock,
        scopes=scopes_from_manifest(MANIFEST),
    )
    await emulator.start()
    emulator.add_user(ORGANISER, "olivia", real_name="Olivia Organiser", tz="Europe/Helsinki")
    for user_id in PEOPLE:
        locale = "fi-FI" if user_id == FINN else "en-US"
        emulator.add_user(user_id, user_id[2:].lower(), tz="Europe/Helsinki", locale=locale)
    emulator.add_user("U0ROBOT", "robot", is_bot=True)
    emulator.add_user("U0GONE", "gone", deleted=True)
    emulator.add_channel(CHANNEL, "general", members=(ORGANISER, *PEOPLE, "U0ROBOT", "U0GONE"))
    try:
        yield emulator
    finally:
        await emulator.stop()


def make_settings(
    emu: SlackEmulator, db_path: Path, *, socket: bool = False, db_url: str | None = None
) -> Settings:
    return Settings(
        bot_token=Secret(BOT_TOKEN),
        signing_secret=Secret(SIGNING_SECRET),
        app_token=Secret(APP_TOKEN) if socket else None,
        api_url=emu.api_url,
        db_path=db_path,
        port=0,
        command="/wishes",
        language="en",
        log_level="INFO",
        log_format="text",
        quiet_hours=None,
        retention_days=None,
        db_url=Secret(db_url) if db_url is not None else None,
    )


@dataclass
class RunningBot:
    """The bot as Slack sees it: a driver that delivers requests to it, plus its database."""

    bot: Wishbot
    driver: SlackClientDriver
    url: str | None
    settings: Settings

    @property
    def repo(self) -> Repository:
        return self.bot.repo

    async def settle(self) -> None:
        """Wait until work started after the acks (posting, updates) and every job due now
        (closes, reminders) has finished."""
        await self.bot.settle()


BotFactory = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def start_bot(
    emu: SlackEmulator, tmp_path: Path, clock: ShiftableClock, db_url: str | None
) -> AsyncIterator[BotFactory]:
    """Start the real bot (HTTP by default, or Socket Mode) on a real SQLite file, or on a
    database of its own on the throwaway PostgreSQL server (see tests/conftest.py)."""
    cleanups: list[Callable[[], Awaitable[None]]] = []

    async def factory(
        *, mode: str = "http", bot_clock: ShiftableClock | None = None, **overrides: object
    ) -> RunningBot:
        """bot_clock: a clock of the bot's own (a replica whose clock differs from Slack's)."""
        settings = make_settings(
            emu, tmp_path / "wishbot.sqlite3", socket=mode == "socket", db_url=db_url
        )
        settings = dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]  # a test names real fields
        bot = await start(settings, clock=bot_clock or clock)
        # As a load balancer waits for /readyz: forms are checked against the user groups
        # learnt in the warm-up, and a test that races it would test the start, not the form.
        await asyncio.wait_for(bot.warm.wait(), timeout=10)
        if mode == "socket":
            handler = AsyncSocketModeHandler(bot.app, APP_TOKEN)
            await handler.connect_async()  # type: ignore[no-untyped-call]  # Bolt leaves it untyped
            await emu.wait_socket_connected(timeout=5)
            driver = emu.driver("socket")

            async def close_socket() -> None:
                await driver.close()
                await handler.close_async()  # type: ignore[no-untyped-call]  # Bolt leaves it untyped
                await stop(bot)

            cleanups.append(close_socket)
            return RunningBot(bot, driver, None, settings)
        runner = web.AppRunner(http_application(bot))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        url = f"http://127.0.0.1:{port}"
        driver = emu.driver("http", request_url=f"{url}/slack/events")

        async def close_http() -> None:
            await driver.close()
            await runner.cleanup()
            await stop(bot)

        cleanups.append(close_http)
        return RunningBot(bot, driver, url, settings)

    yield factory
    for cleanup in reversed(cleanups):
        await cleanup()


@pytest.fixture
async def running(start_bot: BotFactory) -> RunningBot:
    return await start_bot()


async def open_database(path: Path) -> Repository:
    return Repository(await Database.open(path))


async def eventually(predicate: Callable[[], Awaitable[bool]], limit: float = 5.0) -> None:
    """Wait for an async condition (database state) with a timeout, checking often."""
    deadline = asyncio.get_running_loop().time() + limit
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)
