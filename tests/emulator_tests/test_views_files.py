"""views.* with trigger rules and stack limits, and the files_upload_v2 flow."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import SlackEmulator


def modal(title: str = "Poll", **extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "poll.create",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Create"},
        "blocks": [
            {
                "type": "input",
                "block_id": "question",
                "label": {"type": "plain_text", "text": "Question"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }
    view.update(extra)
    return view


async def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        await call
    return str(info.value.response["error"])


async def test_views_open_returns_view_and_stores_it(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    trigger = emu.issue_trigger("U1")
    reply = await client.views_open(trigger_id=trigger, view=modal())
    view = reply["view"]
    assert view["id"].startswith("V") and view["hash"] and view["state"] == {"values": {}}
    assert view["root_view_id"] == view["id"] and view["callback_id"] == "poll.create"
    assert [v.id for v in emu.views("U1")] == [view["id"]]


async def test_trigger_is_single_use_and_expires(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    trigger = emu.issue_trigger("U1")
    await client.views_open(trigger_id=trigger, view=modal())
    assert (
        await error_of(client.views_open(trigger_id=trigger, view=modal()))
        == "exchanged_trigger_id"
    )
    stale = emu.issue_trigger("U1")
    emu.advance_time(emu.trigger_ttl + 0.1)
    assert await error_of(client.views_open(trigger_id=stale, view=modal())) == "expired_trigger_id"
    assert (
        await error_of(client.views_open(trigger_id="123.456.abc", view=modal()))
        == "invalid_trigger_id"
    )


async def test_invalid_view_reports_invalid_arguments(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as info:
        await client.views_open(trigger_id=emu.issue_trigger("U1"), view=modal(title="t" * 25))
    assert info.value.response["error"] == "invalid_arguments"
    assert info.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    huge = modal(blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2999}}] * 99)
    assert (
        await error_of(client.views_open(trigger_id=emu.issue_trigger("U1"), view=huge))
        == "view_too_large"
    )


async def test_push_limit_update_hash_and_publish(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    root = (await client.views_open(trigger_id=emu.issue_trigger("U1"), view=modal()))["view"]
    await client.views_push(trigger_id=emu.issue_trigger("U1"), view=modal("Second"))
    await client.views_push(trigger_id=emu.issue_trigger("U1"), view=modal("Third"))
    error = await error_of(
        client.views_push(trigger_id=emu.issue_trigger("U1"), view=modal("Fourth"))
    )
    assert error == "push_limit_reached"
    assert [v.title for v in emu.views("U1")] == ["Poll", "Second", "Third"]
    updated = await client.views_update(
        view_id=root["id"], hash=root["hash"], view=modal("Renamed")
    )
    assert updated["view"]["hash"] != root["hash"]
    stale = client.views_update(view_id=root["id"], hash=root["hash"], view=modal())
    assert await error_of(stale) == "hash_conflict"
    assert await error_of(client.views_update(view_id="V404", view=modal())) == "not_found"
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    published = await client.views_publish(user_id="U1", view=home)
    assert emu.home_view("U1") is not None and emu.home_view("U1").id == published["view"]["id"]  # type: ignore[union-attr]  # published just above
    assert await error_of(client.views_publish(user_id="U1", view=modal())) == "invalid_arguments"
    titled = {**home, "title": {"type": "plain_text", "text": "Home"}}
    assert await error_of(client.views_publish(user_id="U1", view=titled)) == "invalid_arguments"
    emu.home_tab_enabled = False
    assert await error_of(client.views_publish(user_id="U1", view=home)) == "not_enabled"


async def test_files_upload_v2_against_the_emulator(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    content = "question,answer\nWhat?,Everything\n"
    reply = await client.files_upload_v2(
        channel="C100",
        content=content,
        filename="results.csv",
        title="Poll results",
        initial_comment="Here are the results",
    )
    assert reply["file"]["title"] == "Poll results"
    [stored] = emu.files
    assert stored.content == content.encode() and stored.filename == "results.csv"
    assert stored.channel == "C100" and stored.initial_comment == "Here are the results"
    assert emu.messages("C100")[-1].files is not None
    dm = (await client.conversations_open(users="U1"))["channel"]["id"]
    await client.files_upload_v2(channel=dm, content=b"\x00\x01", filename="raw.bin")
    assert emu.files[-1].channel == dm
    assert content in emu.all_recorded_text()


async def test_complete_upload_requires_membership(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as info:
        await client.files_upload_v2(channel="C300", content="x", filename="a.txt")
    assert info.value.response["error"] == "not_in_channel"
    assert emu.files == []


async def test_upload_length_must_match(emu: SlackEmulator, client: AsyncWebClient) -> None:
    reply = await client.files_getUploadURLExternal(filename="a.txt", length=5)
    async with aiohttp.ClientSession() as session:
        async with session.post(reply["upload_url"], data=b"1234") as resp:
            assert resp.status == 400
        async with session.post(reply["upload_url"], data=b"12345") as resp:
            assert (resp.status, await resp.text()) == (200, "OK - 5")
    with pytest.raises(SlackApiError) as info:
        await client.files_getUploadURLExternal(filename="a.txt", length=0)
    assert info.value.response["error"] == "missing_argument"
