"""What a Slack client does with blocks: find elements by label, build state.values shapes."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from .blockkit import iter_elements
from .common import JsonDict

OPTION_SINGLE = {"static_select", "external_select", "radio_buttons"}
OPTION_MULTI = {"multi_static_select", "multi_external_select", "checkboxes"}
SCALAR_FIELDS = {
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}
LIST_FIELDS = {
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
}
TEXT_INPUTS = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
INITIAL_KEYS = (
    "initial_value",
    "initial_option",
    "initial_options",
    "initial_user",
    "initial_users",
    "initial_conversation",
    "initial_conversations",
    "initial_channel",
    "initial_channels",
    "initial_date",
    "initial_time",
    "initial_date_time",
)


def _auto_id(prefix: str, *parts: Any) -> str:
    digest = hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return f"{prefix}{digest[:5]}"


def block_id(block: JsonDict, index: int) -> str:
    """The block's block_id, or the stable id Slack would have generated for it."""
    return str(block.get("block_id") or _auto_id("", index, block.get("type")))


def action_id(element: JsonDict, block_index: int, element_index: int) -> str:
    """The element's action_id, or a stable generated one."""
    return str(element.get("action_id") or _auto_id("", block_index, element_index))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def text_of(obj: Any) -> str:
    """The `text` of a text object ("" when absent)."""
    if isinstance(obj, dict):
        return str(obj.get("text") or "")
    return ""


@dataclass
class Found:
    """An element located in a block list (with the option picked, for overflow menus)."""

    block: JsonDict
    block_id: str
    element: JsonDict
    action_id: str
    option: JsonDict | None = None

    @property
    def type(self) -> str:
        """The element type."""
        return str(self.element.get("type"))


def elements(blocks: list[JsonDict]) -> list[Found]:
    """Every interactive element of a block list, in order."""
    found: list[Found] = []
    for bi, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        for ei, element in enumerate(iter_elements(block)):
            found.append(Found(block, block_id(block, bi), element, action_id(element, bi, ei)))
    return found


def _pick(candidates: list[tuple[str, Found]], wanted: str, what: str) -> Found:
    for matcher in (
        lambda name: name == wanted,
        lambda name: _norm(name) == _norm(wanted),
        lambda name: _norm(wanted) in _norm(name),
    ):
        hits = [f for name, f in candidates if matcher(name)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = [name for name, f in candidates if matcher(name)]
            raise AssertionError(f"{what} {wanted!r} is ambiguous: {names}")
    names = [name for name, _ in candidates]
    raise AssertionError(f"no {what} {wanted!r}; visible: {names}")


def find_clickable(
    blocks: list[JsonDict],
    label: str | None = None,
    *,
    action_id: str | None = None,
    value: str | None = None,
) -> Found:
    """A button (or overflow option) by visible label, action_id and/or value."""
    candidates: list[tuple[str, Found]] = []
    for f in elements(blocks):
        if f.type == "button":
            candidates.append((text_of(f.element.get("text")), f))
        elif f.type == "overflow":
            for opt in f.element.get("options") or []:
                found = Found(f.block, f.block_id, f.element, f.action_id, option=opt)
                candidates.append((text_of(opt.get("text")), found))
    if action_id is not None:
        candidates = [c for c in candidates if c[1].action_id == action_id]
    if value is not None:
        candidates = [c for c in candidates if (c[1].option or c[1].element).get("value") == value]
    if label is None:
        if len(candidates) != 1:
            raise AssertionError(f"expected one clickable match, found {len(candidates)}")
        return candidates[0][1]
    return _pick(candidates, label, "button")


def find_input(blocks: list[JsonDict], key: str) -> Found:
    """A stateful element by block_id, action_id, input label, section text or placeholder."""
    all_found = [f for f in elements(blocks) if f.type not in ("button", "overflow", "image")]
    for attr in ("block_id", "action_id"):
        exact = [f for f in all_found if getattr(f, attr) == key]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            raise AssertionError(f"{attr} {key!r} is ambiguous; use a block_id or label")
    candidates = [
        (text_of(source), f)
        for f in all_found
        for source in (
            f.block.get("label"),
            f.block.get("text") if f.block.get("type") == "section" else None,
            f.element.get("placeholder"),
        )
        if text_of(source)
    ]
    return _pick(candidates, key, "input")


def all_options(element: JsonDict) -> list[JsonDict]:
    """An element's options, option_groups flattened."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def find_option(element: JsonDict, wanted: Any) -> JsonDict:
    """The option a user picks, by value or visible text (external selects accept anything)."""
    if isinstance(wanted, dict):
        return copy.deepcopy(wanted)
    wanted_text = str(wanted)
    options = all_options(element)
    if not options and str(element.get("type", "")).endswith("external_select"):
        return {"text": {"type": "plain_text", "text": wanted_text}, "value": wanted_text}
    for opt in options:
        if opt.get("value") == wanted_text:
            return copy.deepcopy(opt)
    for opt in options:
        if _norm(text_of(opt.get("text"))) == _norm(wanted_text):
            return copy.deepcopy(opt)
    shown = [(o.get("value"), text_of(o.get("text"))) for o in options]
    raise AssertionError(f"option {wanted_text!r} is not offered; options: {shown}")


def _listify(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def initial_value(element: JsonDict) -> Any:
    """The element's initial value (as a user-facing value), or None."""
    for key in INITIAL_KEYS:
        if key in element:
            return element[key]
    return None


def state_entry(element: JsonDict, value: Any) -> JsonDict:
    """The state.values entry Slack sends for an element holding `value` (None = empty)."""
    kind = str(element.get("type"))
    entry: JsonDict = {"type": kind}
    if kind in TEXT_INPUTS:
        entry["value"] = None if value is None or value == "" else str(value)
    elif kind in OPTION_SINGLE:
        entry["selected_option"] = None if value is None else find_option(element, value)
    elif kind in OPTION_MULTI:
        entry["selected_options"] = [find_option(element, v) for v in _listify(value)]
    elif kind in SCALAR_FIELDS:
        if kind == "datetimepicker" and value is not None:
            value = int(value)
        entry[SCALAR_FIELDS[kind]] = value
        if kind == "timepicker" and element.get("timezone"):
            entry["timezone"] = element["timezone"]
    elif kind in LIST_FIELDS:
        entry[LIST_FIELDS[kind]] = [str(v) for v in _listify(value)]
    elif kind == "rich_text_input":
        entry["rich_text_value"] = (
            None
            if value is None
            else {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [{"type": "text", "text": str(value)}],
                    }
                ],
            }
        )
    elif kind == "file_input":
        entry["files"] = _listify(value)
    return entry


def is_empty(entry: JsonDict) -> bool:
    """True when a state entry holds no value."""
    values = [v for k, v in entry.items() if k not in ("type", "timezone")]
    return all(v in (None, "", []) for v in values)


def action_payload(found: Found, action_ts: str, value: Any = None) -> JsonDict:
    """One `actions[]` entry of a block_actions payload."""
    el = found.element
    action: JsonDict = {"action_id": found.action_id, "block_id": found.block_id}
    if found.type == "button":
        action.update(text=copy.deepcopy(el.get("text")), type="button")
        if "value" in el:
            action["value"] = el["value"]
        if "style" in el:
            action["style"] = el["style"]
    elif found.type == "overflow":
        action.update(type="overflow", selected_option=copy.deepcopy(found.option))
    else:
        action.update(state_entry(el, value))
        if "placeholder" in el:
            action["placeholder"] = copy.deepcopy(el["placeholder"])
    action["action_ts"] = action_ts
    return action
