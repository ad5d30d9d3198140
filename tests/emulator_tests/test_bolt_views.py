"""Modal flows through a Bolt app: dispatch_action selects, views.update/push, response_action."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import AckProblem, SlackClientDriver, SlackEmulator

from .conftest import BOT_TOKEN, SIGNING_SECRET, serve_bolt


def modal(
    title: str = "New poll", callback_id: str = "poll.create", **extra: Any
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Create"},
        "blocks": [
            {
                "type": "input",
                "block_id": "template",
                "dispatch_action": True,
                "label": {"type": "plain_text", "text": "Template"},
                "element": {
                    "type": "static_select",
                    "action_id": "template.pick",
                    "options": [
                        {"text": {"type": "plain_text", "text": "Retro"}, "value": "retro"},
                        {"text": {"type": "plain_text", "text": "Roadmap"}, "value": "roadmap"},
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "question",
                "label": {"type": "plain_text", "text": "Question"},
                "element": {"type": "plain_text_input", "action_id": "q"},
            },
            {
                "type": "actions",
                "block_id": "tools",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "add",
                        "text": {"type": "plain_text", "text": "Add details"},
                    }
                ],
            },
        ],
    }
    view.update(extra)
    return view


def details() -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "poll.details",
        "notify_on_close": True,
        "title": {"type": "plain_text", "text": "Details"},
        "close": {"type": "plain_text", "text": "Back"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "More"}}],
    }


@pytest.fixture
async def views_app(
    emu: SlackEmulator,
) -> AsyncIterator[tuple[SlackClientDriver, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []
    app = AsyncApp(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url), signing_secret=SIGNING_SECRET
    )

    @app.command("/wishes")
    async def open_modal(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=command["trigger_id"], view=modal())

    @app.action("template.pick")
    async def pick(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        seen.append(body)
        choice = body["actions"][0]["selected_option"]["text"]["text"]
        await client.views_update(
            view_id=body["view"]["id"], hash=body["view"]["hash"], view=modal(f"Poll: {choice}")
        )

    @app.action("add")
    async def add(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_push(trigger_id=body["trigger_id"], view=details())

    @app.view("poll.create")
    async def submit(ack: AsyncAck, view: dict[str, Any], body: dict[str, Any]) -> None:
        seen.append(body)
        question = view["state"]["values"]["question"]["q"]["value"]
        if question == "update":
            await ack(response_action="update", view=modal("Updated", callback_id="poll.done"))
        elif question == "push":
            await ack(response_action="push", view=details())
        elif question == "invalid":
            await ack(response_action="update", view=modal("T" * 30))
        else:
            await ack()

    @app.view_closed("poll.details")
    async def closed(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        seen.append(body)

    async with serve_bolt(app) as url:
        driver = emu.driver("http", request_url=url)
        yield driver, seen
        await driver.close()


async def open_poll_modal(emu: SlackEmulator, driver: SlackClientDriver) -> None:
    await driver.slash_command("U1", "C100", "/wishes")
    await emu.wait_for(lambda: emu.views("U1"), message="modal open")


async def test_dispatch_select_sends_block_actions_and_update_keeps_state(
    emu: SlackEmulator, views_app: Any
) -> None:
    driver, seen = views_app
    await open_poll_modal(emu, driver)
    [view] = emu.views("U1")
    assert await driver.select("U1", view, "Question", "typed first") is None  # no dispatch_action
    reply = await driver.select("U1", view, "Template", "Roadmap")
    assert reply is not None and reply.ok
    await emu.wait_for(lambda: emu.views("U1")[0].title == "Poll: Roadmap")
    payload = seen[-1]
    assert payload["container"] == {"type": "view", "view_id": view.id}
    assert payload["actions"][0]["type"] == "static_select"
    assert payload["view"]["state"]["values"]["question"]["q"]["value"] == "typed first"
    sent = await driver.submit_view("U1")
    assert sent.body is None
    values = seen[-1]["view"]["state"]["values"]
    assert values["question"]["q"]["value"] == "typed first"
    assert values["template"]["template.pick"]["selected_option"]["value"] == "roadmap"


async def test_response_action_update_push_and_view_closed(
    emu: SlackEmulator, views_app: Any
) -> None:
    driver, seen = views_app
    await open_poll_modal(emu, driver)
    reply = await driver.submit_view("U1", fill={"Question": "update", "Template": "retro"})
    assert reply.response_action == "update"
    [view] = emu.views("U1")
    assert view.title == "Updated" and view.callback_id == "poll.done"
    await open_poll_modal(emu, driver)
    await driver.submit_view("U1", fill={"Question": "push", "Template": "retro"})
    assert [v.title for v in emu.views("U1")] == ["New poll", "Details"]
    closed = await driver.close_view("U1")
    assert closed is not None and closed.ok
    assert seen[-1]["type"] == "view_closed" and seen[-1]["is_cleared"] is False
    assert [v.title for v in emu.views("U1")] == ["New poll"]


async def test_button_in_modal_pushes_via_api(emu: SlackEmulator, views_app: Any) -> None:
    driver, _ = views_app
    await open_poll_modal(emu, driver)
    await driver.click("U1", emu.views("U1")[0], "Add details")
    await emu.wait_for(lambda: len(emu.views("U1")) == 2)


async def test_invalid_update_view_is_a_problem(emu: SlackEmulator, views_app: Any) -> None:
    driver, _ = views_app
    await open_poll_modal(emu, driver)
    with pytest.raises(AckProblem, match="must be less than 25 characters"):
        await driver.submit_view("U1", fill={"Question": "invalid", "Template": "retro"})
