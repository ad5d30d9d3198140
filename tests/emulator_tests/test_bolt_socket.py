"""A real Bolt AsyncApp connected through AsyncSocketModeHandler to the emulator's /link."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import AckTimeoutError, SlackEmulator

from .conftest import APP_TOKEN, BOT_TOKEN

BUTTONS = [
    {
        "type": "actions",
        "block_id": "b",
        "elements": [
            {
                "type": "button",
                "action_id": "yes",
                "text": {"type": "plain_text", "text": "Yes"},
                "value": "y",
            },
            {
                "type": "overflow",
                "action_id": "more",
                "options": [
                    {"text": {"type": "plain_text", "text": "Close poll"}, "value": "close"}
                ],
            },
        ],
    }
]


@pytest.fixture
async def socket_app(emu: SlackEmulator) -> AsyncIterator[list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    app = AsyncApp(client=AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url))

    @app.command("/wishes")
    async def wishes(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        if command["text"] == "post":
            await ack()
            await client.chat_postMessage(
                channel=command["channel_id"], text="Poll", blocks=BUTTONS
            )
        else:
            await ack(
                blocks=[
                    {
                        "type": "section",
                        "text": {"type": "mrkdwn", "text": f"echo {command['text']}"},
                    }
                ],
                text="echo",
            )

    @app.action("more")
    async def more(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        seen.append(body)
        await respond(delete_original=True)

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], body: dict[str, Any]) -> None:
        seen.append(body)

    handler = AsyncSocketModeHandler(app, APP_TOKEN)
    await handler.connect_async()  # type: ignore[no-untyped-call]  # Bolt leaves it untyped
    try:
        await emu.wait_socket_connected()
        yield seen
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]  # Bolt leaves it untyped


async def test_slash_command_ack_payload_comes_back(emu: SlackEmulator, socket_app: Any) -> None:
    driver = emu.driver("socket")
    reply = await driver.slash_command("U1", "C100", "/wishes", "ping")
    assert reply.status == 200
    assert reply.body is not None and reply.body["text"] == "echo"
    assert reply.body["blocks"][0]["text"]["text"] == "echo ping"
    [envelope] = emu.socket.envelopes
    assert envelope["type"] == "slash_commands" and envelope["accepts_response_payload"] is True
    assert envelope["payload"]["command"] == "/wishes"
    assert [e.text for e in emu.ephemerals("U1")] == ["echo"]


async def test_overflow_option_and_respond_delete(emu: SlackEmulator, socket_app: Any) -> None:
    driver = emu.driver("socket")
    await driver.slash_command("U1", "C100", "/wishes", "post")
    [message] = await emu.wait_for(lambda: emu.messages("C100"))
    await driver.click("U1", message, label="Close poll")
    await emu.wait_for(lambda: not emu.messages("C100"), message="original deleted")
    action = socket_app[-1]["actions"][0]
    assert action["type"] == "overflow" and action["selected_option"]["value"] == "close"


async def test_events_and_unacked_requests(emu: SlackEmulator, socket_app: Any) -> None:
    driver = emu.driver("socket", ack_timeout=0.5)
    reply = await driver.app_home_opened("U1")
    assert reply.status == 200 and reply.body is None
    await emu.wait_for(lambda: socket_app)
    assert socket_app[-1]["type"] == "event_callback"
    await driver.retry(reply, reason="timeout")
    assert emu.socket.envelopes[-1]["retry_attempt"] == 1
    with pytest.raises(AckTimeoutError):
        await driver.slash_command("U1", "C100", "/unknown")


async def test_disconnect_makes_client_reconnect(emu: SlackEmulator, socket_app: Any) -> None:
    assert await emu.send_disconnect("refresh_requested") == 1
    await emu.wait_for(lambda: emu.socket.total_connections == 2 and emu.socket_connections == 1)
    reply = await emu.driver("socket").slash_command("U2", "C100", "/wishes", "again")
    assert reply.ok and len(emu.calls_to("apps.connections.open")) == 2


async def test_command_in_app_dm_and_user_dm(emu: SlackEmulator, socket_app: Any) -> None:
    driver = emu.driver("socket")
    reply = await driver.slash_command("U1", "dm", "/wishes", "in dm")
    assert reply.ok and emu.dm_channel_id("U1") is not None
    reply = await driver.slash_command("U1", "D0PEOPLE", "/wishes", "between people")
    assert reply.ok and emu.ephemerals("U1")[-1].channel == "D0PEOPLE"
