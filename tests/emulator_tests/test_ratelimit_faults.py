"""Rate limits (429 + Retry-After), injected faults and delays."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import SlackEmulator


async def test_tier_limit_gives_429_with_retry_after(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.set_rate_limit("users.info", 3, window_seconds=30)
    for _ in range(3):
        await client.users_info(user="U1")
    with pytest.raises(SlackApiError) as info:
        await client.users_info(user="U1")
    response = info.value.response
    assert response.status_code == 429
    assert response["error"] == "ratelimited"
    assert 1 <= int(response.headers["Retry-After"]) <= 30
    assert emu.rate_limited_count == 1
    assert emu.calls_to("users.info")[-1].status == 429
    await client.conversations_info(channel="C100")  # other methods are unaffected
    emu.advance_time(30)
    await client.users_info(user="U1")


async def test_post_message_is_limited_per_channel(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    for i in range(5):
        await client.chat_postMessage(channel="C100", text=f"burst {i}")
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="C100", text="too fast")
    assert info.value.response.status_code == 429
    await client.chat_postMessage(channel="G201", text="another channel is fine")


async def test_window_scale_and_disabling(emu: SlackEmulator, client: AsyncWebClient) -> None:
    emu.set_rate_limit("users.list", 1, window_seconds=60)
    emu.rate_window_scale = 0.001
    await client.users_list()
    emu.advance_time(0.1)
    await client.users_list()
    emu.rate_limits_enabled = False
    emu.rate_window_scale = 1.0
    for _ in range(3):
        await client.users_list()


async def test_injected_429_is_retried_by_sdk_handler(emu: SlackEmulator) -> None:
    client = AsyncWebClient(
        token=emu.bot_token,
        base_url=emu.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    emu.fail("auth.test", status=429, retry_after=1, times=1)
    emu.rate_limits_enabled = False
    # The handler sleeps Retry-After (+ jitter); keep this the only slow test of the file.
    reply = await client.auth_test()
    assert reply["ok"]
    assert [c.status for c in emu.calls_to("auth.test")] == [429, 200]


async def test_injected_errors_and_server_errors(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.fail("chat.postMessage", error="channel_not_found", times=1)
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="C100", text="x")
    assert info.value.response["error"] == "channel_not_found"
    emu.fail("users.info", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            await client.users_info(user="U1")
        assert info.value.response.status_code == 500
    assert (await client.users_info(user="U1"))["ok"]
    await client.chat_postMessage(channel="C100", text="fault used up")


async def test_delay_makes_client_time_out(emu: SlackEmulator) -> None:
    client = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url, timeout=1)
    emu.delay("conversations.info", 1.2)
    with pytest.raises(asyncio.TimeoutError):
        await client.conversations_info(channel="C100")
    emu.delay("conversations.info", 0)
    assert (await client.conversations_info(channel="C100"))["ok"]


async def test_one_message_takes_one_update_per_second(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    first = await client.chat_postMessage(channel="C100", text="poll")
    other = await client.chat_postMessage(channel="C100", text="another poll")
    await client.chat_update(channel="C100", ts=first["ts"], text="1 of 3 answered")
    with pytest.raises(SlackApiError) as info:
        await client.chat_update(channel="C100", ts=first["ts"], text="2 of 3 answered")
    response = info.value.response
    assert response.status_code == 429
    assert response.data == {"ok": False, "error": "ratelimited"}
    assert response.headers["Retry-After"] == "1"
    assert emu.message("C100", first["ts"]).text == "1 of 3 answered"  # type: ignore[union-attr]  # posted just above
    # another message of the same channel is not affected
    await client.chat_update(channel="C100", ts=other["ts"], text="updated at once")
    emu.advance_time(1)
    await client.chat_update(channel="C100", ts=first["ts"], text="2 of 3 answered")
    assert emu.message("C100", first["ts"]).text == "2 of 3 answered"  # type: ignore[union-attr]  # posted just above


async def test_per_message_limit_is_configurable(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C100", text="v0")
    emu.set_rate_limit("chat.update", 3, window_seconds=10, per_message=True)
    for i in range(3):
        await client.chat_update(channel="C100", ts=posted["ts"], text=f"v{i + 1}")
    with pytest.raises(SlackApiError) as info:
        await client.chat_update(channel="C100", ts=posted["ts"], text="v4")
    assert int(info.value.response.headers["Retry-After"]) == 10
    emu.remove_rate_limit("chat.update", per_message=True)
    assert "chat.update" in emu.rate_limiter.method_limits  # the Tier 3 limit stays
    for i in range(5):
        await client.chat_update(channel="C100", ts=posted["ts"], text=f"w{i}")
    with pytest.raises(ValueError, match="not both"):
        emu.set_rate_limit("chat.update", 1, 1, per_channel=True, per_message=True)
