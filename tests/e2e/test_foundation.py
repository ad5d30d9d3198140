"""The foundation end to end: help in both modes, request signing, health, retries."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import aiohttp
import pytest

from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, BotFactory, RunningBot


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_help_answers_ephemerally_in_both_modes(start_bot: BotFactory, mode: str) -> None:
    running = await start_bot(mode=mode)
    reply = await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "help")
    assert reply.status == 200
    assert reply.body is not None
    assert reply.body.get("response_type") == "ephemeral"
    text = str(reply.body)
    assert "/wishes list" in text and "/wishes close 12" in text


async def test_unknown_subcommand_answers_with_help(running: RunningBot) -> None:
    reply = await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "frobnicate 3")
    assert reply.body is not None
    text = str(reply.body)
    assert "frobnicate" in text
    assert "/wishes list" in text


def command_body(text: str) -> bytes:
    return urlencode(
        {
            "command": "/wishes",
            "text": text,
            "user_id": ORGANISER,
            "channel_id": CHANNEL,
            "team_id": "T0WISH",
            "response_url": "http://127.0.0.1:1/unused",
            "trigger_id": "1.2.3",
        }
    ).encode()


async def test_wrong_signature_gets_401_and_changes_nothing(
    running: RunningBot, emu: SlackEmulator
) -> None:
    body = command_body('new "Sneaky?" "A" "B"')
    headers = running.driver.signed_headers(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    status, _ = await post(running, body, headers)
    assert status == 401
    assert await running.repo.polls_with_status() == []
    assert emu.calls_to("chat.postMessage") == []


async def test_stale_timestamp_is_refused(running: RunningBot, emu: SlackEmulator) -> None:
    body = command_body('new "Old?" "A" "B"')
    headers = running.driver.signed_headers(body, timestamp=int(time.time()) - 301)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    status, _ = await post(running, body, headers)
    assert status == 401
    assert emu.calls_to("chat.postMessage") == []


async def post(running: RunningBot, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    assert running.url is not None
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{running.url}/slack/events", data=body, headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_healthz_reports_ok_from_a_real_query(running: RunningBot) -> None:
    assert running.url is not None
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{running.url}/healthz") as response:
            assert response.status == 200
            data = await response.json()
        assert data["status"] == "ok"
        assert data["schema_version"] >= 1
        # A broken database (tables gone) must turn the probe red.
        async with running.bot.db.transaction() as conn:
            await conn.execute("DROP TABLE schema_migrations")
        async with session.get(f"{running.url}/healthz") as response:
            assert response.status == 503
