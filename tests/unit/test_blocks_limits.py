"""A checker of Slack's Block Kit limits used on every render output, and tests that it bites."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pytest

from bot.slack.blocks import Message

MAX_MESSAGE_BLOCKS = 50
MAX_MODAL_BLOCKS = 100
# Slack answers msg_blocks_too_long near 13k characters of text; renders stay under 12k.
MAX_MESSAGE_TEXT = 12_000
MAX_FALLBACK = 4000
# Mentions, dates and links to Slack messages (permalinks Slack gave) the renderer may write;
# anything else in <…> would be an injection.
SAFE_TOKEN = re.compile(
    r"<(?:@[UW][A-Z0-9]+|#C[A-Z0-9]+|!date\^\d+\^[^|>]+\|[^>]+"
    r"|https://[a-z0-9.-]+\.slack\.com/archives/[^\s|<>]+\|[^<>|]+)>"
)
ENTITY = re.compile(r"&(?:amp|lt|gt);")
ELEMENT_LIMITS = {"action_id": 255, "value": 2000}


class LimitError(AssertionError):
    """A render output Slack would refuse."""


def _check(condition: bool, problem: str) -> None:
    if not condition:
        raise LimitError(problem)


def _text_object(obj: Any, where: str, *, limit: int, kind: str | None = None) -> str:
    _check(isinstance(obj, dict), f"{where}: text object expected")
    _check(obj.get("type") in {"plain_text", "mrkdwn"}, f"{where}: bad text type")
    if kind is not None:
        _check(obj["type"] == kind, f"{where}: {kind} expected")
    text = obj.get("text")
    _check(isinstance(text, str) and 1 <= len(text) <= limit, f"{where}: text 1-{limit} chars")
    if obj["type"] == "mrkdwn":
        _check_mrkdwn(text, where)
    return str(text)


def _check_mrkdwn(text: str, where: str) -> None:
    """Every < starts a safe token, a raw > only opens a quote, every & is an escape entity."""
    stripped = SAFE_TOKEN.sub("", text)
    for line in stripped.split("\n"):
        body = line[2:] if line.startswith("> ") else line
        _check("<" not in body and ">" not in body, f"{where}: raw < or > in {line[:80]!r}")
    _check("&" not in ENTITY.sub("", stripped), f"{where}: unescaped & in {text[:80]!r}")


def _option(obj: Any, where: str) -> None:
    _text_object(obj.get("text"), f"{where}.text", limit=75)
    value = obj.get("value")
    _check(isinstance(value, str) and 1 <= len(value) <= 150, f"{where}: option value ≤ 150")
    if "description" in obj:
        _text_object(obj["description"], f"{where}.description", limit=75)


def _element(element: Any, where: str) -> None:
    kind = element.get("type")
    action_id = element.get("action_id", "")
    _check(len(action_id) <= ELEMENT_LIMITS["action_id"], f"{where}: action_id too long")
    if "placeholder" in element:
        _text_object(element["placeholder"], f"{where}.placeholder", limit=150, kind="plain_text")
    if kind == "button":
        _text_object(element["text"], f"{where}.text", limit=75, kind="plain_text")
        _check(len(element.get("value", "")) <= ELEMENT_LIMITS["value"], f"{where}: value")
        _check(element.get("style") in {None, "primary", "danger"}, f"{where}: style")
        if "confirm" in element:
            confirm = element["confirm"]
            _text_object(confirm["title"], f"{where}.confirm.title", limit=100)
            _text_object(confirm["text"], f"{where}.confirm.text", limit=300)
            _text_object(confirm["confirm"], f"{where}.confirm.confirm", limit=30)
            _text_object(confirm["deny"], f"{where}.confirm.deny", limit=30)
    elif kind in {"static_select", "multi_static_select", "radio_buttons", "checkboxes"}:
        options = element.get("options", [])
        most = 10 if kind in {"radio_buttons", "checkboxes"} else 100
        _check(1 <= len(options) <= most, f"{where}: {kind} takes 1-{most} options")
        for index, option in enumerate(options):
            _option(option, f"{where}.options[{index}]")
        if "initial_option" in element:
            _check(element["initial_option"] in options, f"{where}: initial_option not an option")
        if "initial_options" in element:
            chosen = element["initial_options"]
            _check(bool(chosen), f"{where}: empty initial_options")
            _check(all(o in options for o in chosen), f"{where}: initial_options not options")
    elif kind == "plain_text_input":
        max_length = element.get("max_length", 3000)
        _check(1 <= max_length <= 3000, f"{where}: max_length 1-3000")
        _check(len(element.get("initial_value", "")) <= max_length, f"{where}: initial_value")
    elif kind == "datepicker" and "initial_date" in element:
        _check(bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", element["initial_date"])), where)
    elif kind == "timepicker" and "initial_time" in element:
        _check(bool(re.fullmatch(r"\d{2}:\d{2}", element["initial_time"])), where)
    elif kind not in {
        "number_input",
        "multi_users_select",
        "conversations_select",
        "datepicker",
        "timepicker",
    }:
        raise LimitError(f"{where}: unexpected element {kind}")


def _block(block: Any, where: str, *, in_modal: bool) -> None:
    kind = block.get("type")
    _check(len(block.get("block_id", "")) <= 255, f"{where}: block_id too long")
    if kind == "section":
        _text_object(block["text"], f"{where}.text", limit=3000)
        if "accessory" in block:
            _element(block["accessory"], f"{where}.accessory")
    elif kind == "header":
        _text_object(block["text"], f"{where}.text", limit=150, kind="plain_text")
    elif kind == "context":
        elements = block.get("elements", [])
        _check(1 <= len(elements) <= 10, f"{where}: context takes 1-10 elements")
        for index, element in enumerate(elements):
            _text_object(element, f"{where}.elements[{index}]", limit=3000)
    elif kind == "actions":
        elements = block.get("elements", [])
        _check(1 <= len(elements) <= 25, f"{where}: actions take 1-25 elements")
        action_ids = [element["action_id"] for element in elements]
        _check(len(set(action_ids)) == len(action_ids), f"{where}: duplicate action_id")
        for index, element in enumerate(elements):
            _element(element, f"{where}.elements[{index}]")
    elif kind == "input":
        _check(in_modal, f"{where}: input blocks belong in modals")
        _check("block_id" in block, f"{where}: input without block_id")
        _text_object(block["label"], f"{where}.label", limit=2000, kind="plain_text")
        if "hint" in block:
            _text_object(block["hint"], f"{where}.hint", limit=2000, kind="plain_text")
        _element(block["element"], f"{where}.element")
    elif kind != "divider":
        raise LimitError(f"{where}: unexpected block {kind}")


def _unique_block_ids(blocks: Sequence[Mapping[str, Any]]) -> None:
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    _check(len(set(block_ids)) == len(block_ids), f"duplicate block_id in {block_ids}")


def text_size(node: Any) -> int:
    """Characters of all text strings in a block tree (independent of the renderer's count)."""
    if isinstance(node, dict):
        return sum(
            len(value) if key == "text" and isinstance(value, str) else text_size(value)
            for key, value in node.items()
        )
    if isinstance(node, list):
        return sum(text_size(item) for item in node)
    return 0


def check_message(message: Message) -> Message:
    """Fail unless Slack would accept the message in chat.postMessage."""
    _check(isinstance(message, Message), "Message expected")
    _check(1 <= len(message.text) <= MAX_FALLBACK, "fallback text 1-4000 chars")
    _check_mrkdwn(message.text, "text")
    _check(1 <= len(message.blocks) <= MAX_MESSAGE_BLOCKS, f"{len(message.blocks)} blocks")
    _check(text_size(message.blocks) <= MAX_MESSAGE_TEXT, f"{text_size(message.blocks)} chars")
    _unique_block_ids(message.blocks)
    for index, block in enumerate(message.blocks):
        _block(block, f"blocks[{index}]", in_modal=False)
    return message


def check_messages(messages: Iterable[Message]) -> list[Message]:
    """check_message on each of a list of messages (which must not be empty)."""
    checked = [check_message(message) for message in messages]
    _check(bool(checked), "no messages")
    return checked


def check_view(view: dict[str, Any]) -> dict[str, Any]:
    """Fail unless Slack would accept the view in views.open / views.update."""
    _check(view.get("type") == "modal", "modal expected")
    _text_object(view["title"], "title", limit=24, kind="plain_text")
    for key in ("submit", "close"):
        if key in view:
            _text_object(view[key], key, limit=24, kind="plain_text")
    blocks = view["blocks"]
    _check(1 <= len(blocks) <= MAX_MODAL_BLOCKS, f"{len(blocks)} blocks in a modal")
    if any(block["type"] == "input" for block in blocks):
        _check("submit" in view, "a view with inputs needs submit")
    _check(len(view.get("private_metadata", "")) <= 3000, "private_metadata over 3000")
    _check(len(view.get("callback_id", "")) <= 255, "callback_id over 255")
    _unique_block_ids(blocks)
    for index, block in enumerate(blocks):
        _block(block, f"blocks[{index}]", in_modal=True)
    return view


def check_home_view(view: dict[str, Any]) -> dict[str, Any]:
    """Fail unless Slack would accept the view in views.publish (a Home tab: no title, no
    buttons of its own, at most 100 blocks)."""
    _check(view.get("type") == "home", "home expected")
    for key in ("title", "submit", "close"):
        _check(key not in view, f"a Home tab has no {key}")
    blocks = view["blocks"]
    _check(1 <= len(blocks) <= MAX_MODAL_BLOCKS, f"{len(blocks)} blocks in a Home tab")
    _unique_block_ids(blocks)
    for index, block in enumerate(blocks):
        _block(block, f"blocks[{index}]", in_modal=True)
    return view


def all_text(messages: Iterable[Message]) -> Iterator[str]:
    """Every text string in the messages' blocks, in order."""

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    yield value
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    for message in messages:
        yield message.text
        yield from walk(message.blocks)


def mrkdwn_texts(messages: Iterable[Message]) -> Iterator[str]:
    """The fallback texts and every mrkdwn text (what Slack parses for mentions and links)."""

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                yield node["text"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    for message in messages:
        yield message.text
        yield from walk(message.blocks)


def _message(*blocks: dict[str, Any], text: str = "fallback") -> Message:
    return Message(text=text, blocks=list(blocks))


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(text: str, action_id: str = "a") -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": "1",
    }


@pytest.mark.parametrize(
    "message",
    [
        _message(*[_section("x")] * 51),
        _message(_section("x" * 3001)),
        _message(*[_section("x" * 3000)] * 5),
        _message({"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}),
        _message({"type": "actions", "elements": [_button("x" * 76)]}),
        _message({"type": "actions", "elements": [_button("x", str(i)) for i in range(26)]}),
        _message({"type": "actions", "elements": [_button("x"), _button("y")]}),
        _message({"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}),
        _message({**_section("x"), "block_id": "b"}, {**_section("y"), "block_id": "b"}),
        _message(_section("hello <!channel>")),
        _message(_section("see <https://evil.example|this>")),
        _message(_section("fish & chips")),
        _message(_section("")),
        _message(_section("x"), text="x" * 4001),
        _message(_section("x"), text="ping <!here>"),
    ],
    ids=[
        "51 blocks",
        "long section",
        "too much text",
        "long header",
        "long button",
        "26 buttons",
        "duplicate action_id",
        "11 context elements",
        "duplicate block_id",
        "channel ping",
        "link",
        "raw ampersand",
        "empty text",
        "long fallback",
        "ping in fallback",
    ],
)
def test_checker_refuses_what_slack_refuses(message: Message) -> None:
    with pytest.raises(LimitError):
        check_message(message)


def test_checker_refuses_bad_views() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "x" * 25},
        "blocks": [_section("x")],
    }
    with pytest.raises(LimitError):
        check_view(view)
    view["title"] = {"type": "plain_text", "text": "ok"}
    view["private_metadata"] = "x" * 3001
    with pytest.raises(LimitError):
        check_view(view)


def test_checker_accepts_safe_tokens_and_entities() -> None:
    text = "<@U1> in <#C1> at <!date^1^{date_short_pretty} {time}|2026-01-01 00:00 UTC> &amp; &lt;"
    check_message(_message(_section(text), _section("> quoted line\n> another")))
