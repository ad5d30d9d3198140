"""Fixtures for the emulator's self-tests: a started emulator and a slack_sdk client on it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import SlackEmulator

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"
APP_TOKEN = "xapp-test"


@pytest.fixture
async def emu() -> AsyncIterator[SlackEmulator]:
    """A started emulator with a small workspace: #general (C100), #secret (private, G200)."""
    emulator = SlackEmulator(
        signing_secret=SIGNING_SECRET,
        bot_token=BOT_TOKEN,
        app_token=APP_TOKEN,
        team_id="T0WISH",
        bot_user_id="UBOT",
    )
    emulator.add_user(
        "U1", "alice", real_name="Alice Example", tz="Europe/Helsinki", locale="fi-FI"
    )
    emulator.add_user("U2", "bob", real_name="Bob Example", tz="America/New_York")
    emulator.add_user("U3", "carol", deleted=True)
    emulator.add_channel("C100", "general", members=["U1", "U2"])
    emulator.add_channel("C300", "random", members=["U1"], bot_member=False)
    emulator.add_channel("G200", "secret", private=True, members=["U1"], bot_member=False)
    emulator.add_channel("G201", "team", private=True, members=["U1", "U2"])
    emulator.add_channel("C400", "old", members=["U1"], archived=True)
    emulator.add_usergroup("S1", "devs", ["U1", "U2"])
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
def client(emu: SlackEmulator) -> AsyncWebClient:
    """A real slack_sdk AsyncWebClient pointed at the emulator (per-request sessions)."""
    return AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url)


@contextlib.asynccontextmanager
async def serve_bolt(app: AsyncApp) -> AsyncIterator[str]:
    """Serve a Bolt AsyncApp over HTTP on 127.0.0.1:0; yields its /slack/events URL."""
    runner = web.AppRunner(app.web_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    finally:
        await runner.cleanup()
