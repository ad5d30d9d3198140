"""drop_response: the call is carried out, then its answer is lost (a transport error)."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import SlackEmulator


def no_retry_client(emu: SlackEmulator) -> AsyncWebClient:
    return AsyncWebClient(token=emu.bot_token, base_url=emu.api_url, retry_handlers=[])


async def test_dropped_post_message_exists_once_and_the_caller_gets_a_transport_error(
    emu: SlackEmulator,
) -> None:
    client = no_retry_client(emu)
    emu.drop_response("chat.postMessage")
    with pytest.raises(aiohttp.ClientConnectionError):
        await client.chat_postMessage(channel="C100", text="sent once")
    assert [m.text for m in emu.messages("C100")] == ["sent once"]
    call = emu.calls_to("chat.postMessage")[-1]
    assert call.dropped and call.ok and call.status == 200
    assert call.response["ts"] == emu.messages("C100")[0].ts  # what Slack would have answered
    assert emu.dropped_responses == 1
    reply = await client.chat_postMessage(channel="C100", text="answered")  # only once
    assert reply["ok"] and not emu.calls_to("chat.postMessage")[-1].dropped
    assert emu.dropped_responses == 1


async def test_default_sdk_retry_repeats_a_dropped_post(emu: SlackEmulator) -> None:
    client = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)  # default handlers
    emu.drop_response("chat.postMessage")
    reply = await client.chat_postMessage(channel="C100", text="posted twice")
    assert reply["ok"]
    assert [m.text for m in emu.messages("C100")] == ["posted twice", "posted twice"]
    assert [c.dropped for c in emu.calls_to("chat.postMessage")] == [True, False]


async def test_dropped_update_is_applied(emu: SlackEmulator) -> None:
    client = no_retry_client(emu)
    posted = await client.chat_postMessage(channel="C100", text="v1")
    emu.drop_response("chat.update", times=1)
    with pytest.raises(aiohttp.ClientConnectionError):
        await client.chat_update(channel="C100", ts=posted["ts"], text="v2")
    message = emu.message("C100", posted["ts"])
    assert message is not None and message.text == "v2"
    assert emu.calls_to("chat.update")[-1].dropped


async def test_drops_count_down_per_method_and_clear_faults_removes_them(
    emu: SlackEmulator,
) -> None:
    client = no_retry_client(emu)
    emu.drop_response("auth.test", times=2)
    for _ in range(2):
        with pytest.raises(aiohttp.ClientConnectionError):
            await client.auth_test()
    assert (await client.auth_test())["ok"]
    assert (await client.users_info(user="U1"))["ok"]  # other methods were never affected
    emu.drop_response("auth.test")
    emu.clear_faults()
    assert (await client.auth_test())["ok"]
    assert emu.dropped_responses == 2
    with pytest.raises(ValueError, match="at least 1"):
        emu.drop_response("auth.test", times=0)
