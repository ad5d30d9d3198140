"""A modal as a person's client holds it: typed values before a button, field errors until the
next submission, the values a page shows; and the revision a page watches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import SlackClientDriver, SlackEmulator

from .conftest import BOT_TOKEN, SIGNING_SECRET, serve_bolt


def form(title: str = "Wish") -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "wish",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {
                "type": "input",
                "block_id": "wish",
                "label": {"type": "plain_text", "text": "Your wish"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            },
            {
                "type": "input",
                "block_id": "size",
                "optional": True,
                "label": {"type": "plain_text", "text": "Size"},
                "element": {
                    "type": "radio_buttons",
                    "action_id": "pick",
                    "options": [
                        {"text": {"type": "plain_text", "text": "Small"}, "value": "s"},
                        {"text": {"type": "plain_text", "text": "Large"}, "value": "l"},
                    ],
                    "initial_option": {
                        "text": {"type": "plain_text", "text": "Small"},
                        "value": "s",
                    },
                },
            },
            {
                "type": "actions",
                "block_id": "tools",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "preview",
                        "text": {"type": "plain_text", "text": "Preview"},
                    }
                ],
            },
        ],
    }


@pytest.fixture
async def form_app(
    emu: SlackEmulator,
) -> AsyncIterator[tuple[SlackClientDriver, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []
    app = AsyncApp(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url), signing_secret=SIGNING_SECRET
    )

    @app.command("/wishes")
    async def open_form(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=command["trigger_id"], view=form())

    @app.action("preview")
    async def preview(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        seen.append(body["view"]["state"]["values"])
        await client.views_update(view_id=body["view"]["id"], view=form("Previewed"))

    @app.view("wish")
    async def submit(ack: AsyncAck, view: dict[str, Any]) -> None:
        wish = view["state"]["values"]["wish"]["text"]["value"]
        if wish == "bad":
            await ack(response_action="errors", errors={"wish": "Wish for something else"})
        else:
            await ack()

    async with serve_bolt(app) as url:
        driver = emu.driver("http", request_url=url)
        yield driver, seen
        await driver.close()


async def opened(emu: SlackEmulator, driver: SlackClientDriver) -> None:
    await driver.slash_command("U1", "C100", "/wishes")
    await emu.wait_for(lambda: emu.views("U1"))


async def test_typed_values_travel_with_a_button_and_survive_the_update(
    emu: SlackEmulator, form_app: tuple[SlackClientDriver, list[dict[str, Any]]]
) -> None:
    driver, seen = form_app
    await opened(emu, driver)
    await driver.fill_view("U1", {"Your wish": "More coffee", "size": "l"})
    await driver.click("U1", emu.views("U1")[-1], "Preview")
    await emu.wait_for(lambda: emu.views("U1")[-1].title == "Previewed")
    assert seen[0]["wish"]["text"]["value"] == "More coffee"
    assert seen[0]["size"]["pick"]["selected_option"]["value"] == "l"
    shown = emu.view_values(emu.views("U1")[-1])
    assert shown["wish"]["text"]["value"] == "More coffee"
    assert shown["size"]["pick"]["selected_option"]["value"] == "l"


async def test_view_values_fall_back_to_the_initial_values(
    emu: SlackEmulator, form_app: tuple[SlackClientDriver, list[dict[str, Any]]]
) -> None:
    driver, _seen = form_app
    await opened(emu, driver)
    shown = emu.view_values(emu.views("U1")[-1])
    assert shown["wish"]["text"]["value"] is None
    assert shown["size"]["pick"]["selected_option"]["value"] == "s"


async def test_field_errors_stay_shown_until_the_next_submission(
    emu: SlackEmulator, form_app: tuple[SlackClientDriver, list[dict[str, Any]]]
) -> None:
    driver, _seen = form_app
    await opened(emu, driver)
    reply = await driver.submit_view("U1", fill={"Your wish": "bad"})
    assert reply.response_action == "errors"
    (view,) = emu.views("U1")
    assert view.errors == {"wish": "Wish for something else"}
    assert emu.view_values(view)["wish"]["text"]["value"] == "bad"  # what was typed stays
    await driver.submit_view("U1", fill={"Your wish": "good"})
    assert emu.views("U1") == []
    assert view.errors == {}


async def test_fill_view_needs_an_open_modal(
    emu: SlackEmulator, form_app: tuple[SlackClientDriver, list[dict[str, Any]]]
) -> None:
    driver, _seen = form_app
    with pytest.raises(AssertionError, match="no open modal"):
        await driver.fill_view("U1", {"Your wish": "x"})


async def test_the_revision_moves_with_every_call_and_delivery(
    emu: SlackEmulator, form_app: tuple[SlackClientDriver, list[dict[str, Any]]]
) -> None:
    driver, _seen = form_app
    before = emu.revision
    await opened(emu, driver)
    assert emu.revision > before
    settled = emu.revision
    assert emu.revision == settled  # nothing happens by itself
