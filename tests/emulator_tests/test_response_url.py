"""response_url: ephemeral and in_channel replies, replace/delete original, 5 uses in 30 minutes.

From a click in a message the reply replaces that message unless replace_original is false;
from a slash command it is always a new message (see slack_emulator/response_url.py)."""

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


async def posted(emu: SlackEmulator, text: str) -> str:
    client = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)
    return str((await client.chat_postMessage(channel="C100", text=text))["ts"])


def texts(emu: SlackEmulator) -> tuple[list[str], list[str]]:
    """(channel message texts, U1's ephemeral texts)."""
    return [m.text for m in emu.messages("C100")], [e.text for e in emu.ephemerals("U1")]


async def test_click_reply_replaces_the_source_message_by_default(emu: SlackEmulator) -> None:
    ts = await posted(emu, "vote here")
    url = emu.issue_response_url("C100", "U1", ts)
    assert await post(url, {"text": "thanks for voting"}) == (200, {"ok": True})
    assert texts(emu) == (["thanks for voting"], [])
    await post(url, {"text": "everyone sees", "response_type": "in_channel"})
    assert texts(emu) == (["everyone sees"], [])  # still the same one message


async def test_click_reply_with_replace_original_false_is_a_new_message(
    emu: SlackEmulator,
) -> None:
    ts = await posted(emu, "vote here")
    url = emu.issue_response_url("C100", "U1", ts)
    await post(url, {"text": "only you", "replace_original": False})
    assert texts(emu) == (["vote here"], ["only you"])
    await post(
        url,
        {
            "text": "in the thread",
            "response_type": "in_channel",
            "replace_original": "false",  # the docs' own example sends a string
            "thread_ts": ts,
        },
    )
    assert texts(emu) == (["vote here", "in the thread"], ["only you"])
    assert emu.thread("C100", ts)[-1].text == "in the thread"


async def test_click_in_an_ephemeral_replaces_it_by_default(emu: SlackEmulator) -> None:
    url = emu.issue_response_url("C100", "U1")
    await post(url, {"text": "step 1"})
    source = emu.ephemerals("U1")[0]
    click_url = emu.issue_response_url("C100", "U1", source.ts, is_ephemeral=True)
    await post(click_url, {"text": "step 2"})
    assert texts(emu) == ([], ["step 2"])
    await post(click_url, {"text": "a new one", "replace_original": False})
    assert texts(emu) == ([], ["step 2", "a new one"])
    await post(click_url, {"delete_original": True})
    assert texts(emu) == ([], ["a new one"])


async def test_delete_original_with_a_payload_deletes_then_posts(emu: SlackEmulator) -> None:
    ts = await posted(emu, "vote here")
    url = emu.issue_response_url("C100", "U1", ts)
    await post(url, {"delete_original": True, "text": "poll removed"})
    assert texts(emu) == ([], ["poll removed"])
    status, body = await post(url, {"delete_original": True})
    assert (status, body["error"]) == (404, "message_not_found")


async def test_slash_command_reply_cannot_replace_or_delete(emu: SlackEmulator) -> None:
    url = emu.issue_response_url("C100", "U1")  # a slash command: no source message
    await post(url, {"text": "step 1"})
    await post(url, {"text": "step 2", "replace_original": True})
    assert texts(emu) == ([], ["step 1", "step 2"])
    assert await post(url, {"delete_original": True}) == (200, {"ok": True})
    assert texts(emu) == ([], ["step 1", "step 2"])


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
