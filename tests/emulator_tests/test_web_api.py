"""The Web API through a real slack_sdk AsyncWebClient: auth, chat.*, conversations.*, users.*."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import SlackEmulator

from .conftest import APP_TOKEN


async def api_error(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        await call
    return info.value


async def test_auth_errors_and_token_types(emu: SlackEmulator) -> None:
    no_token = AsyncWebClient(base_url=emu.api_url)
    assert (await api_error(no_token.auth_test())).response["error"] == "not_authed"
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=emu.api_url)
    assert (await api_error(wrong.auth_test())).response["error"] == "invalid_auth"
    app_level = AsyncWebClient(token=APP_TOKEN, base_url=emu.api_url)
    err = await api_error(app_level.chat_postMessage(channel="C100", text="x"))
    assert err.response["error"] == "not_allowed_token_type"
    bot = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)
    err = await api_error(bot.apps_connections_open(app_token=emu.bot_token))
    assert err.response["error"] == "not_allowed_token_type"
    assert err.response.headers["Content-Type"].startswith("application/json")


async def test_unknown_method(client: AsyncWebClient) -> None:
    err = await api_error(client.api_call("polls.create"))
    assert err.response["error"] == "unknown_method"


async def test_auth_test_identifies_the_bot(client: AsyncWebClient) -> None:
    reply = await client.auth_test()
    assert reply["user_id"] == "UBOT"
    assert reply["team_id"] == "T0WISH"
    assert reply["bot_id"].startswith("B")
    assert reply["url"].startswith("https://")


async def test_post_message_channels_and_errors(emu: SlackEmulator, client: AsyncWebClient) -> None:
    first = await client.chat_postMessage(channel="C100", text="one")
    second = await client.chat_postMessage(channel="C100", text="two")
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["bot_id"] == emu.bot_id
    assert [m.text for m in emu.messages("C100")] == ["one", "two"]

    await client.chat_postMessage(channel="C300", text="public, not joined")
    assert emu.channel("C300").posted_without_join
    for channel, error in [
        ("G200", "channel_not_found"),
        ("C400", "is_archived"),
        ("C999", "channel_not_found"),
    ]:
        err = await api_error(client.chat_postMessage(channel=channel, text="x"))
        assert err.response["error"] == error
    err = await api_error(client.api_call("chat.postMessage", json={"channel": "C100"}))
    assert err.response["error"] == "no_text"
    err = await api_error(client.api_call("chat.postMessage", json={"text": "x"}))
    assert err.response["error"] == "channel_not_found"


async def test_post_message_to_user_id_lands_in_app_dm(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    reply = await client.chat_postMessage(channel="U1", text="hello")
    opened = await client.conversations_open(users="U1")
    assert reply["channel"] == opened["channel"]["id"] == emu.dm_channel_id("U1")
    assert reply["channel"].startswith("D")
    assert [m.text for m in emu.dm_messages("U1")] == ["hello"]


async def test_post_message_blocks_validation_shape(client: AsyncWebClient) -> None:
    err = await api_error(
        client.chat_postMessage(channel="C100", text="x", blocks=[{"type": "divider"}] * 51)
    )
    assert err.response.data == {
        "ok": False,
        "error": "invalid_blocks",
        "errors": ["no more than 50 items allowed [json-pointer:/blocks]"],
        "response_metadata": {
            "messages": ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]
        },
    }
    err = await api_error(
        client.api_call("chat.postMessage", params={"channel": "C100", "blocks": "[not json"})
    )
    assert err.response["error"] == "invalid_blocks_format"


async def test_post_message_long_text_truncated_and_markdown_cap(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    reply = await client.chat_postMessage(channel="C100", text="x" * 40_010)
    assert len(reply["message"]["text"]) == 40_000
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 2900}} for _ in range(5)]
    err = await api_error(client.chat_postMessage(channel="C100", text="t", blocks=blocks))
    assert err.response["error"] == "msg_blocks_too_long"


async def test_threads_metadata_and_history(emu: SlackEmulator, client: AsyncWebClient) -> None:
    metadata = {"event_type": "poll_created", "event_payload": {"poll_id": "p1"}}
    parent = await client.chat_postMessage(channel="C100", text="parent", metadata=metadata)
    await client.chat_postMessage(channel="C100", text="reply", thread_ts=parent["ts"])
    assert [m.text for m in emu.thread("C100", parent["ts"])] == ["parent", "reply"]
    history = await client.conversations_history(channel="C100", include_all_metadata=True)
    assert [m["text"] for m in history["messages"]] == ["parent"]
    assert history["messages"][0]["metadata"] == metadata
    assert history["messages"][0]["reply_count"] == 1
    plain = await client.conversations_history(channel="C100")
    assert "metadata" not in plain["messages"][0]
    err = await api_error(client.chat_postMessage(channel="C100", text="x", thread_ts="1.000001"))
    assert err.response["error"] == "thread_not_found"
    err = await api_error(client.conversations_history(channel="C300"))
    assert err.response["error"] == "not_in_channel"


async def test_update_and_delete(emu: SlackEmulator, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C100", text="v1")
    await client.chat_postMessage(channel="C100", text="r", thread_ts=posted["ts"])
    updated = await client.chat_update(
        channel="C100", ts=posted["ts"], text="v2", blocks=[{"type": "divider"}]
    )
    assert updated["message"]["text"] == "v2"
    assert emu.message("C100", posted["ts"]).blocks == [{"type": "divider"}]  # type: ignore[union-attr]  # posted just above
    emu.advance_time(1)  # one update per message per second
    err = await api_error(client.chat_update(channel="C100", ts=posted["ts"], text="x" * 4001))
    assert err.response["error"] == "msg_too_long"
    err = await api_error(client.chat_update(channel="C100", ts="1.000000", text="x"))
    assert err.response["error"] == "message_not_found"
    await client.chat_delete(channel="C100", ts=posted["ts"])
    assert [m.text for m in emu.messages("C100")] == ["r"]
    err = await api_error(client.chat_delete(channel="C100", ts=posted["ts"]))
    assert err.response["error"] == "message_not_found"


async def test_get_permalink_of_messages_and_thread_replies(client: AsyncWebClient) -> None:
    parent = await client.chat_postMessage(channel="C100", text="parent")
    reply = await client.chat_postMessage(channel="C100", text="reply", thread_ts=parent["ts"])
    link = await client.chat_getPermalink(channel="C100", message_ts=parent["ts"])
    digits = parent["ts"].replace(".", "")
    assert link["permalink"] == f"https://wishbot-test.slack.com/archives/C100/p{digits}"
    assert link["channel"] == "C100"
    threaded = await client.chat_getPermalink(channel="C100", message_ts=reply["ts"])
    assert threaded["permalink"].endswith(f"?thread_ts={parent['ts']}&cid=C100")
    for channel, ts, error in [
        ("C100", "1.000001", "message_not_found"),
        ("C999", parent["ts"], "channel_not_found"),
        ("G200", parent["ts"], "channel_not_found"),
    ]:
        err = await api_error(client.chat_getPermalink(channel=channel, message_ts=ts))
        assert err.response["error"] == error


async def test_cannot_update_someone_elses_message(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    message = emu.add_message("C100", "U1", "mine")
    err = await api_error(client.chat_update(channel="C100", ts=message.ts, text="x"))
    assert err.response["error"] == "cant_update_message"
    err = await api_error(client.chat_delete(channel="C100", ts=message.ts))
    assert err.response["error"] == "cant_delete_message"


async def test_post_ephemeral(emu: SlackEmulator, client: AsyncWebClient) -> None:
    reply = await client.chat_postEphemeral(channel="C100", user="U1", text="only you")
    assert reply["message_ts"]
    assert [e.text for e in emu.ephemerals("U1")] == ["only you"]
    for channel, user, error in [
        ("C100", "U3", "user_not_in_channel"),
        ("C300", "U1", "not_in_channel"),
        ("G200", "U1", "channel_not_found"),
    ]:
        err = await api_error(client.chat_postEphemeral(channel=channel, user=user, text="x"))
        assert err.response["error"] == error


async def test_members_pagination_over_two_thousand_users(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    ids = emu.populate(2000, "C900", channel_name="everyone")
    members: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await client.conversations_members(channel="C900", limit=1000, cursor=cursor)
        members.extend(page["members"])
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert set(ids) <= set(members) and "UBOT" in members
    default_page = await client.conversations_members(channel="C900")
    assert len(default_page["members"]) == 100
    err = await api_error(client.conversations_members(channel="C900", cursor="bogus"))
    assert err.response["error"] == "invalid_cursor"
    err = await api_error(client.conversations_members(channel="G200"))
    assert err.response["error"] == "channel_not_found"


async def test_users_list_pagination_and_users_info(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.populate(250, "C901")
    seen: list[str] = []
    cursor = None
    while True:
        page = await client.users_list(limit=100, cursor=cursor, include_locale=True)
        seen.extend(u["id"] for u in page["members"])
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == len(emu.workspace.users)
    assert "USLACKBOT" in seen
    info = await client.users_info(user="U1", include_locale=True)
    assert info["user"]["locale"] == "fi-FI"
    assert info["user"]["tz"] == "Europe/Helsinki"
    assert info["user"]["tz_offset"] in (7200, 10800)
    assert info["user"]["profile"]["display_name"] == "alice"
    assert "locale" not in (await client.users_info(user="U1"))["user"]
    assert (await client.users_info(user="U3"))["user"]["deleted"] is True
    err = await api_error(client.users_info(user="U404"))
    assert err.response["error"] == "user_not_found"


async def test_conversations_info_join_open(emu: SlackEmulator, client: AsyncWebClient) -> None:
    info = await client.conversations_info(channel="C300", include_num_members=True)
    assert info["channel"]["is_member"] is False and info["channel"]["num_members"] == 1
    joined = await client.conversations_join(channel="C300")
    assert joined["channel"]["is_member"] is True
    again = await client.conversations_join(channel="C300")
    assert again["warning"] == "already_in_channel"
    err = await api_error(client.conversations_join(channel="G201"))
    assert err.response["error"] == "method_not_supported_for_channel_type"
    private = await client.conversations_info(channel="G201")
    assert private["channel"]["is_private"] is True
    first = await client.conversations_open(users="U2")
    second = await client.conversations_open(users="U2")
    assert first["channel"]["id"] == second["channel"]["id"] and second["already_open"]
    for users, error in [("U3", "user_disabled"), ("U404", "user_not_found")]:
        err = await api_error(client.conversations_open(users=users))
        assert err.response["error"] == error


async def test_usergroups(client: AsyncWebClient) -> None:
    assert (await client.usergroups_users_list(usergroup="S1"))["users"] == ["U1", "U2"]
    err = await api_error(client.usergroups_users_list(usergroup="S404"))
    assert err.response["error"] == "no_such_subteam"


async def test_calls_are_recorded_with_decoded_args(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    await client.chat_postMessage(
        channel="C100", text="Secret Name", blocks=json.dumps([{"type": "divider"}])
    )
    call = emu.calls_to("chat.postMessage")[-1]
    assert call.ok and call.status == 200 and call.args["blocks"] == [{"type": "divider"}]
    assert "token" not in call.args
    assert "Secret Name" in emu.all_recorded_text()
    emu.clear_calls()
    assert emu.calls == []


async def test_wait_for_times_out_with_a_helpful_message(emu: SlackEmulator) -> None:
    with pytest.raises(AssertionError, match="never happens"):
        await emu.wait_for(lambda: False, timeout=0.05, message="never happens")


async def test_scopes_can_be_narrowed_to_the_manifest(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.add_user("U9", "dave", email="dave@example.com")
    assert (await client.users_info(user="U9"))["user"]["profile"]["email"] == "dave@example.com"
    emu.scopes -= {"chat:write.public", "groups:read", "users:read.email"}
    assert "email" not in (await client.users_info(user="U9"))["user"]["profile"]
    err = await api_error(client.chat_postMessage(channel="C300", text="x"))
    assert err.response["error"] == "not_in_channel"
    err = await api_error(client.conversations_members(channel="G201"))
    assert (err.response["error"], err.response["needed"]) == ("missing_scope", "groups:read")
    assert (await client.conversations_members(channel="C100"))["ok"]


async def test_token_inside_json_body_is_not_accepted(emu: SlackEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        url = emu.api_url + "auth.test"
        async with session.post(url, json={"token": emu.bot_token}) as resp:
            assert (await resp.json())["error"] == "not_authed"
        async with session.post(url, data={"token": emu.bot_token}) as resp:
            assert (await resp.json())["ok"] is True


async def test_history_pagination_in_a_dm(emu: SlackEmulator, client: AsyncWebClient) -> None:
    emu.rate_limits_enabled = False
    for i in range(7):
        await client.chat_postMessage(channel="U2", text=f"m{i}")
    dm = emu.dm_channel_id("U2")
    assert dm is not None
    first = await client.conversations_history(channel=dm, limit=5)
    assert [m["text"] for m in first["messages"]] == ["m6", "m5", "m4", "m3", "m2"]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    rest = await client.conversations_history(channel=dm, limit=5, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["m1", "m0"] and rest["has_more"] is False
