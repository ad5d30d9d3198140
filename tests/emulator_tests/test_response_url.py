"""response_url: ephemeral and in_channel replies, replace/delete original, 5 uses in 30 minutes."""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import SlackEmulator


async def post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as resp:
        return resp.status, await resp.json()


async def test_ephemeral_by_default_and_in_channel(emu: SlackEmulator) -> None:
    url = emu.issue_response_url("C100", "U1")
    assert url.startswith(emu.base_url + "response/")
    assert await post(url, {"text": "just you"}) == (200, {"ok": True})
    assert [e.text for e in emu.ephemerals("U1")] == ["just you"]
    await post(url, {"text": "everyone", "response_type": "in_channel"})
    assert [m.text for m in emu.messages("C100")] == ["everyone"]
    assert [p.status for p in emu.response_url_posts] == [200, 200]


async def test_five_uses_then_refused(emu: SlackEmulator) -> None:
    url = emu.issue_response_url("C100", "U1")
    for i in range(5):
        status, _ = await post(url, {"text": f"use {i}"})
        assert status == 200
    status, body = await post(url, {"text": "sixth"})
    assert (status, body["error"]) == (404, "used_url")
    assert len(emu.ephemerals("U1")) == 5


async def test_expires_after_thirty_minutes(emu: SlackEmulator) -> None:
    url = emu.issue_response_url("C100", "U1")
    emu.advance_time(30 * 60 + 1)
    status, body = await post(url, {"text": "late"})
    assert (status, body["error"]) == (404, "expired_url")


async def test_replace_and_delete_original_channel_message(emu: SlackEmulator) -> None:
    client = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)
    posted = await client.chat_postMessage(channel="C100", text="vote here")
    url = emu.issue_response_url("C100", "U1", posted["ts"])
    await post(url, {"replace_original": True, "text": "voted"})
    assert [m.text for m in emu.messages("C100")] == ["voted"]
    await post(url, {"delete_original": True})
    assert emu.messages("C100") == []


async def test_replace_original_on_ephemeral_source(emu: SlackEmulator) -> None:
    url = emu.issue_response_url("C100", "U1")
    await post(url, {"text": "step 1"})
    await post(url, {"text": "step 2", "replace_original": True})
    assert [e.text for e in emu.ephemerals("U1")] == ["step 2"]


async def test_blocks_are_validated(emu: SlackEmulator) -> None:
    url = emu.issue_response_url("C100", "U1")
    status, body = await post(url, {"blocks": [{"type": "section"}]})
    assert status == 400 and body["error"] == "invalid_blocks"
    status, body = await post(url, {})
    assert status == 400 and body["error"] == "no_text"


async def test_more_than_fifty_blocks_refused_like_post_message(emu: SlackEmulator) -> None:
    blocks = [{"type": "divider"}] * 51
    client = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)
    try:
        await client.chat_postMessage(channel="C100", text="x", blocks=blocks)
    except SlackApiError as error:
        expected = error.response.data
    else:
        raise AssertionError("chat.postMessage took 51 blocks")
    url = emu.issue_response_url("C100", "U1")
    assert await post(url, {"text": "x", "blocks": blocks}) == (400, expected)
    assert emu.ephemerals("U1") == []


async def test_markdown_budget_is_chat_post_messages(emu: SlackEmulator) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 2900}} for _ in range(5)]
    url = emu.issue_response_url("C100", "U1")
    assert await post(url, {"text": "t", "blocks": blocks}) == (
        400,
        {"ok": False, "error": "msg_blocks_too_long"},
    )
    emu.max_message_markdown_chars = 20_000  # the one knob moves both limits
    assert await post(url, {"text": "t", "blocks": blocks}) == (200, {"ok": True})
