"""Block Kit validation as Slack applies it to messages, modals and Home tabs."""

from __future__ import annotations

import json
from typing import Any, Literal

from .blockkit_elements import (
    ACTIONS_ELEMENT_TYPES,
    INPUT_ELEMENT_TYPES,
    SECTION_ACCESSORY_TYPES,
    Checker,
)

Surface = Literal["message", "modal", "home"]

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
#: Slack truncates chat.postMessage `text` above this many characters.
MESSAGE_TEXT_TRUNCATE = 40_000
#: chat.update / chat.postEphemeral fail with `msg_too_long` above this many characters.
MESSAGE_TEXT_MAX = 4_000
#: Undocumented overall cap: characters of text in section (text + fields) and markdown
#: blocks of one message, beyond which Slack answers `msg_blocks_too_long`. Observed around
#: 13 k characters (slackapi/bolt-js#2509); the emulator can override it per instance.
MAX_MESSAGE_MARKDOWN_CHARS = 13_000
#: views.* fail with `view_too_large` when the serialized view exceeds this many bytes.
VIEW_MAX_BYTES = 250_000
BLOCK_TYPES = (
    "section",
    "header",
    "divider",
    "context",
    "actions",
    "input",
    "image",
    "rich_text",
    "markdown",
)


def validate_blocks(
    blocks: Any, *, surface: Surface = "message", pointer: str = "/blocks"
) -> list[str]:
    """Validate a blocks array; returns Slack-style error strings (empty when valid)."""
    checker = Checker()
    _check_blocks(checker, blocks, surface=surface, pointer=pointer)
    return checker.errors


def _check_blocks(checker: Checker, blocks: Any, *, surface: Surface, pointer: str) -> None:
    limit = MESSAGE_MAX_BLOCKS if surface == "message" else VIEW_MAX_BLOCKS
    items = checker.items(blocks, pointer, max_items=limit)
    seen_block_ids: set[str] = set()
    for index, block in enumerate(items):
        ptr = f"{pointer}/{index}"
        if not checker.obj(block, ptr):
            continue
        kind = block.get("type")
        if kind not in BLOCK_TYPES or (kind == "markdown" and surface != "message"):
            checker.err("failed to match all allowed schemas", ptr)
            continue
        block_id = block.get("block_id")
        if block_id is not None and checker.string(
            block_id, f"{ptr}/block_id", max_len=255, min_len=1
        ):
            if block_id in seen_block_ids:
                checker.err("block_id must be unique", f"{ptr}/block_id")
            seen_block_ids.add(block_id)
        _BLOCK_CHECKS[str(kind)](checker, block, ptr)
        _check_unique_action_ids(checker, block, ptr)


def _check_unique_action_ids(checker: Checker, block: dict[str, Any], ptr: str) -> None:
    seen: set[str] = set()
    for path, element in _block_elements(block, ptr):
        action_id = element.get("action_id")
        if isinstance(action_id, str):
            if action_id in seen:
                checker.err("action_id must be unique within a block", f"{path}/action_id")
            seen.add(action_id)


def _block_elements(block: dict[str, Any], ptr: str) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(block.get("accessory"), dict):
        found.append((f"{ptr}/accessory", block["accessory"]))
    if isinstance(block.get("element"), dict):
        found.append((f"{ptr}/element", block["element"]))
    if block.get("type") == "actions" and isinstance(block.get("elements"), list):
        found.extend(
            (f"{ptr}/elements/{i}", el)
            for i, el in enumerate(block["elements"])
            if isinstance(el, dict)
        )
    return found


def iter_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive elements of a block (accessory, input element, actions elements)."""
    return [element for _, element in _block_elements(block, "")]


def _section(c: Checker, block: dict[str, Any], ptr: str) -> None:
    if "text" not in block and "fields" not in block:
        c.err("missing required field: text", ptr)
    if "text" in block:
        c.text(block["text"], f"{ptr}/text", max_len=3000)
    if "fields" in block:
        fields = c.items(block["fields"], f"{ptr}/fields", max_items=10, min_items=1)
        for i, item in enumerate(fields):
            c.text(item, f"{ptr}/fields/{i}", max_len=2000)
    if "accessory" in block:
        c.element(block["accessory"], f"{ptr}/accessory", allowed=SECTION_ACCESSORY_TYPES)


def _header(c: Checker, block: dict[str, Any], ptr: str) -> None:
    if c.required(block, ["text"], ptr):
        c.text(block["text"], f"{ptr}/text", max_len=150, plain_only=True)


def _divider(c: Checker, block: dict[str, Any], ptr: str) -> None:
    return None


def _context(c: Checker, block: dict[str, Any], ptr: str) -> None:
    if not c.required(block, ["elements"], ptr):
        return
    elements = c.items(block["elements"], f"{ptr}/elements", max_items=10, min_items=1)
    for i, el in enumerate(elements):
        eptr = f"{ptr}/elements/{i}"
        if isinstance(el, dict) and el.get("type") == "image":
            c.element(el, eptr, allowed={"image"})
        else:
            c.text(el, eptr, max_len=3000)


def _actions(c: Checker, block: dict[str, Any], ptr: str) -> None:
    if not c.required(block, ["elements"], ptr):
        return
    elements = c.items(block["elements"], f"{ptr}/elements", max_items=25, min_items=1)
    for i, el in enumerate(elements):
        c.element(el, f"{ptr}/elements/{i}", allowed=ACTIONS_ELEMENT_TYPES)


def _input(c: Checker, block: dict[str, Any], ptr: str) -> None:
    c.required(block, ["label", "element"], ptr)
    if "label" in block:
        c.text(block["label"], f"{ptr}/label", max_len=2000, plain_only=True)
    if "hint" in block:
        c.text(block["hint"], f"{ptr}/hint", max_len=2000, plain_only=True)
    if "element" in block:
        c.element(block["element"], f"{ptr}/element", allowed=INPUT_ELEMENT_TYPES)
    for flag in ("optional", "dispatch_action"):
        if flag in block and not isinstance(block[flag], bool):
            c.err("must provide a boolean", f"{ptr}/{flag}")


def _image(c: Checker, block: dict[str, Any], ptr: str) -> None:
    if "image_url" not in block and "slack_file" not in block:
        c.err("missing required field: image_url", ptr)
    if "image_url" in block:
        c.string(block["image_url"], f"{ptr}/image_url", max_len=3000, min_len=1)
    if c.required(block, ["alt_text"], ptr):
        c.string(block["alt_text"], f"{ptr}/alt_text", max_len=2000, min_len=1)
    if "title" in block:
        c.text(block["title"], f"{ptr}/title", max_len=2000, plain_only=True)


def _rich_text(c: Checker, block: dict[str, Any], ptr: str) -> None:
    if c.required(block, ["elements"], ptr):
        c.items(block["elements"], f"{ptr}/elements", max_items=100)


def _markdown(c: Checker, block: dict[str, Any], ptr: str) -> None:
    if c.required(block, ["text"], ptr):
        c.string(block["text"], f"{ptr}/text", max_len=12_000, min_len=1)


_BLOCK_CHECKS = {
    "section": _section,
    "header": _header,
    "divider": _divider,
    "context": _context,
    "actions": _actions,
    "input": _input,
    "image": _image,
    "rich_text": _rich_text,
    "markdown": _markdown,
}


def markdown_chars(blocks: list[Any]) -> int:
    """Characters of text in section (text + fields) and markdown blocks of a message."""
    total = 0
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "markdown" and isinstance(block.get("text"), str):
            total += len(block["text"])
        if block.get("type") == "section":
            parts = [block.get("text"), *(block.get("fields") or [])]
            total += sum(
                len(p["text"])
                for p in parts
                if isinstance(p, dict) and isinstance(p.get("text"), str)
            )
    return total


def validate_view(view: Any, *, expected: Surface | None = None) -> list[str]:
    """Validate a modal or Home view object; pointers start at `/view`."""
    checker = Checker()
    if not checker.obj(view, "/view"):
        return checker.errors
    kind = view.get("type")
    if kind not in ("modal", "home") or (expected is not None and kind != expected):
        checker.err("must be a valid enum value", "/view/type")
        return checker.errors
    if kind == "modal":
        if checker.required(view, ["title"], "/view"):
            checker.text(view["title"], "/view/title", max_len=24, plain_only=True)
        for key in ("submit", "close"):
            if view.get(key) is not None:
                checker.text(view[key], f"/view/{key}", max_len=24, plain_only=True)
    else:
        # A Home tab has no title bar and no buttons of its own: Slack's view reference lists
        # title, submit and close for modals only, and views.publish refuses them.
        for key in ("title", "submit", "close"):
            if key in view:
                checker.err("must not be provided for a home view", f"/view/{key}")
    if checker.required(view, ["blocks"], "/view"):
        _check_blocks(checker, view["blocks"], surface=kind, pointer="/view/blocks")
    has_input = any(
        isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or []
    )
    if kind == "modal" and has_input and view.get("submit") is None:
        checker.err("missing required field: submit", "/view")
    if "private_metadata" in view:
        checker.string(view["private_metadata"], "/view/private_metadata", max_len=3000)
    for key in ("callback_id", "external_id"):
        if key in view:
            checker.string(view[key], f"/view/{key}", max_len=255)
    for key in ("clear_on_close", "notify_on_close", "submit_disabled"):
        if key in view and not isinstance(view[key], bool):
            checker.err("must provide a boolean", f"/view/{key}")
    return checker.errors


def view_size(view: Any) -> int:
    """Serialized size of a view in bytes, as compared with the 250 kB limit."""
    return len(json.dumps(view, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
