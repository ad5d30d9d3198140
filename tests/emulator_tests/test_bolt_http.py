"""A real Bolt AsyncApp served over HTTP (aiohttp, port 0) driven through the emulator."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltRequest, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import AckProblem, SlackClientDriver, SlackEmulator

from .conftest import BOT_TOKEN, SIGNING_SECRET, serve_bolt

POLL_MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "poll.create",
    "title": {"type": "plain_text", "text": "New poll"},
    "submit": {"type": "plain_text", "text": "Create"},
    "blocks": [
        {
            "type": "input",
            "block_id": "question",
            "label": {"type": "plain_text", "text": "Question 1"},
            "element": {"type": "plain_text_input", "action_id": "value", "max_length": 100},
        },
        {
            "type": "input",
            "block_id": "kind",
            "label": {"type": "plain_text", "text": "Kind"},
            "element": {
                "type": "radio_buttons",
                "action_id": "value",
                "options": [
                    {"text": {"type": "plain_text", "text": "Workshop"}, "value": "ws"},
                    {"text": {"type": "plain_text", "text": "Webinar"}, "value": "web"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "audience",
            "optional": True,
            "label": {"type": "plain_text", "text": "Audience"},
            "element": {"type": "multi_users_select", "action_id": "value"},
        },
    ],
}
VOTE_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*What next?*"}},
    {
        "type": "actions",
        "block_id": "poll.vote",
        "elements": [
            {
                "type": "button",
                "action_id": "vote.ws",
                "text": {"type": "plain_text", "text": "Workshop"},
                "value": "ws",
            },
            {
                "type": "button",
                "action_id": "vote.web",
                "text": {"type": "plain_text", "text": "Webinar"},
                "value": "web",
            },
        ],
    },
]


def build_app(emu: SlackEmulator, seen: list[dict[str, Any]]) -> AsyncApp:
    app = AsyncApp(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url),
        signing_secret=SIGNING_SECRET,
    )

    @app.command("/wishes")
    async def wishes(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        if command["text"] == "new":
            await ack()
            await client.views_open(trigger_id=command["trigger_id"], view=POLL_MODAL)
        elif command["text"] == "post":
            await ack()
            await client.chat_postMessage(
                channel=command["channel_id"], text="Vote", blocks=VOTE_BLOCKS
            )
        elif command["text"] == "broken":
            await ack(text="x", blocks=[{"type": "section"}])
        else:
            await ack(f"hi {command['user_name']}: {command['text']}")

    @app.view("poll.create")
    async def create(ack: AsyncAck, view: dict[str, Any], body: dict[str, Any]) -> None:
        seen.append(body)
        question = view["state"]["values"]["question"]["value"]["value"]
        if question == "bad":
            await ack(response_action="errors", errors={"question": "Too short"})
        else:
            await ack()

    @app.action("vote.ws")
    async def vote(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        seen.append(body)
        await respond(replace_original=True, text="Thanks for voting")

    @app.event("app_home_opened")
    async def home(
        event: dict[str, Any], client: AsyncWebClient, request: AsyncBoltRequest
    ) -> None:
        seen.append({"retry": request.headers.get("x-slack-retry-num", ["0"])[0]})
        await client.views_publish(
            user_id=event["user"],
            view={
                "type": "home",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Home"}}],
            },
        )

    return app


@pytest.fixture
async def bolt_http(
    emu: SlackEmulator,
) -> AsyncIterator[tuple[SlackClientDriver, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []
    async with serve_bolt(build_app(emu, seen)) as url:
        driver = emu.driver("http", request_url=url)
        yield driver, seen
        await driver.close()


async def test_signed_slash_command_is_acked(emu: SlackEmulator, bolt_http: Any) -> None:
    driver, _ = bolt_http
    reply = await driver.slash_command("U1", "C100", "/wishes", "help")
    assert reply.status == 200
    assert reply.body == {"text": "hi alice: help"}
    assert reply.response_url and reply.response_url.startswith(emu.base_url)
    assert [e.text for e in emu.ephemerals("U1")] == ["hi alice: help"]
    assert "hi alice: help" in emu.all_recorded_text()


async def test_bad_and_stale_signatures_are_rejected(emu: SlackEmulator, bolt_http: Any) -> None:
    driver, _ = bolt_http
    body = json.dumps({"type": "event_callback", "event": {"type": "app_home_opened"}}).encode()
    wrong = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=00",
    }
    assert (await driver.raw_post(body, wrong)).status == 401
    stale = {
        "Content-Type": "application/json",
        **driver.signed_headers(body, timestamp=int(time.time()) - 600),
    }
    assert (await driver.raw_post(body, stale)).status == 401


async def test_modal_open_and_submit_with_errors_then_close(
    emu: SlackEmulator, bolt_http: Any
) -> None:
    driver, seen = bolt_http
    await driver.slash_command("U1", "C100", "/wishes", "new")
    await emu.wait_for(lambda: emu.views("U1"), message="modal opened")
    reply = await driver.submit_view("U1", fill={"Question 1": "bad", "Kind": "Workshop"})
    assert reply.response_action == "errors" and reply.errors == {"question": "Too short"}
    assert len(emu.views("U1")) == 1
    reply = await driver.submit_view(
        "U1", values={"question": "What next?", "kind": "web", "audience": ["U1", "U2"]}
    )
    assert reply.body is None and emu.views("U1") == []
    state = seen[-1]["view"]["state"]["values"]
    assert state["question"]["value"] == {"type": "plain_text_input", "value": "What next?"}
    assert state["kind"]["value"]["selected_option"]["value"] == "web"
    assert state["audience"]["value"] == {
        "type": "multi_users_select",
        "selected_users": ["U1", "U2"],
    }


async def test_client_refuses_to_submit_missing_required_input(
    emu: SlackEmulator, bolt_http: Any
) -> None:
    driver, _ = bolt_http
    await driver.slash_command("U1", "C100", "/wishes", "new")
    await emu.wait_for(lambda: emu.views("U1"))
    with pytest.raises(AssertionError, match="required input 'Kind' is empty"):
        await driver.submit_view("U1", fill={"Question 1": "Why?"})


async def test_click_button_and_respond_replaces_message(
    emu: SlackEmulator, bolt_http: Any
) -> None:
    driver, seen = bolt_http
    await driver.slash_command("U1", "C100", "/wishes", "post")
    [message] = await emu.wait_for(lambda: emu.messages("C100"))
    reply = await driver.click("U1", message, label="Workshop")
    assert reply.status == 200
    await emu.wait_for(lambda: emu.messages("C100")[0].text == "Thanks for voting")
    payload = seen[-1]
    assert payload["container"] == {
        "type": "message",
        "message_ts": message.ts,
        "channel_id": "C100",
        "is_ephemeral": False,
    }
    assert (
        payload["actions"][0]["value"] == "ws" and payload["actions"][0]["block_id"] == "poll.vote"
    )
    assert payload["message"]["ts"] == message.ts and payload["trigger_id"]


async def test_invalid_ack_blocks_are_a_problem(emu: SlackEmulator, bolt_http: Any) -> None:
    driver, _ = bolt_http
    with pytest.raises(AckProblem, match="missing required field: text"):
        await driver.slash_command("U1", "C100", "/wishes", "broken")


async def test_event_and_retry_headers(emu: SlackEmulator, bolt_http: Any) -> None:
    driver, seen = bolt_http
    reply = await driver.app_home_opened("U1")
    assert reply.status == 200
    await emu.wait_for(lambda: emu.home_view("U1"))
    await driver.retry(reply, reason="http_timeout")
    await emu.wait_for(lambda: {"retry": "1"} in seen)


async def test_click_in_ephemeral_and_replace_it(emu: SlackEmulator, bolt_http: Any) -> None:
    driver, seen = bolt_http
    client = AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url)
    await client.chat_postEphemeral(channel="C100", user="U2", text="Vote", blocks=VOTE_BLOCKS)
    [ephemeral] = emu.ephemerals("U2")
    await driver.click("U2", ephemeral, "Workshop")
    await emu.wait_for(lambda: emu.ephemerals("U2")[0].text == "Thanks for voting")
    assert seen[-1]["container"]["is_ephemeral"] is True and "message" not in seen[-1]
    with pytest.raises(AssertionError, match="not shown to U1"):
        await driver.click("U1", ephemeral, "Workshop")
