"""Block Kit validation of composition objects (text, option, confirm) and block elements."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TEXT_TYPES = ("plain_text", "mrkdwn")
SELECT_TYPES = {
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
}
MULTI_SELECT_TYPES = {"multi_" + t for t in SELECT_TYPES}
INTERACTIVE_COMMON = {
    "button",
    "checkboxes",
    "datepicker",
    "overflow",
    "radio_buttons",
    "timepicker",
    "workflow_button",
    *SELECT_TYPES,
    *MULTI_SELECT_TYPES,
}
SECTION_ACCESSORY_TYPES = INTERACTIVE_COMMON | {"image"}
ACTIONS_ELEMENT_TYPES = INTERACTIVE_COMMON | {"datetimepicker", "rich_text_input"}
INPUT_ELEMENT_TYPES = (INTERACTIVE_COMMON - {"button", "overflow", "workflow_button"}) | {
    "datetimepicker",
    "email_text_input",
    "file_input",
    "number_input",
    "plain_text_input",
    "rich_text_input",
    "url_text_input",
}
KNOWN_ELEMENT_TYPES = SECTION_ACCESSORY_TYPES | ACTIONS_ELEMENT_TYPES | INPUT_ELEMENT_TYPES
OPTION_LIMITS = {
    "static_select": 100,
    "multi_static_select": 100,
    "radio_buttons": 10,
    "checkboxes": 10,
    "overflow": 5,
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Checker:
    """Collects Slack-style error strings `<message> [json-pointer:<path>]`."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, message: str, ptr: str) -> None:
        """Record one error."""
        self.errors.append(f"{message} [json-pointer:{ptr}]")

    def string(self, value: Any, ptr: str, *, max_len: int, min_len: int = 0) -> bool:
        """Check a string field's type and length; True when it is a string."""
        if not isinstance(value, str):
            self.err("must provide a string", ptr)
            return False
        if len(value) > max_len:
            self.err(f"must be less than {max_len + 1} characters", ptr)
        elif len(value) < min_len:
            self.err(f"must be more than {min_len - 1} characters", ptr)
        return True

    def items(self, value: Any, ptr: str, *, max_items: int, min_items: int = 0) -> list[Any]:
        """Check an array field's type and size; returns the list (empty when invalid)."""
        if not isinstance(value, list):
            self.err("must provide an array", ptr)
            return []
        if len(value) > max_items:
            self.err(f"no more than {max_items} items allowed", ptr)
        elif len(value) < min_items:
            self.err(f"no less than {min_items} items allowed", ptr)
        return value

    def obj(self, value: Any, ptr: str) -> bool:
        """Check that a field is an object."""
        if not isinstance(value, dict):
            self.err("must provide an object", ptr)
            return False
        return True

    def required(self, node: dict[str, Any], names: Iterable[str], ptr: str) -> bool:
        """Check required fields; True when all are present."""
        ok = True
        for name in names:
            if node.get(name) is None:
                self.err(f"missing required field: {name}", ptr)
                ok = False
        return ok

    def action_id(self, node: dict[str, Any], ptr: str) -> None:
        """Check the optional action_id (≤ 255)."""
        if "action_id" in node:
            self.string(node["action_id"], f"{ptr}/action_id", max_len=255, min_len=1)

    def text(
        self, value: Any, ptr: str, *, max_len: int, plain_only: bool = False, min_len: int = 1
    ) -> None:
        """Check a text object: type plain_text|mrkdwn, non-empty text, allowed keys."""
        if not self.obj(value, ptr):
            return
        kind = value.get("type")
        allowed_types = ("plain_text",) if plain_only else TEXT_TYPES
        if kind not in allowed_types:
            self.err("must be a valid enum value", f"{ptr}/type")
            return
        if not self.required(value, ["text"], ptr):
            return
        self.string(value["text"], f"{ptr}/text", max_len=max_len, min_len=min_len)
        allowed = (
            {"type", "text", "emoji"} if kind == "plain_text" else {"type", "text", "verbatim"}
        )
        for key in value:
            if key not in allowed:
                self.err(f"invalid additional property: {key}", ptr)

    def confirm(self, value: Any, ptr: str) -> None:
        """Check a confirmation dialog object."""
        if not self.obj(value, ptr):
            return
        self.required(value, ["title", "text", "confirm", "deny"], ptr)
        if "title" in value:
            self.text(value["title"], f"{ptr}/title", max_len=100, plain_only=True)
        if "text" in value:
            self.text(value["text"], f"{ptr}/text", max_len=300)
        for key in ("confirm", "deny"):
            if key in value:
                self.text(value[key], f"{ptr}/{key}", max_len=30, plain_only=True)
        if "style" in value and value["style"] not in ("primary", "danger"):
            self.err("must be a valid enum value", f"{ptr}/style")

    def option(self, value: Any, ptr: str, *, plain_only: bool, url_ok: bool) -> None:
        """Check an option object: text ≤ 75, value ≤ 150, description ≤ 75."""
        if not self.obj(value, ptr):
            return
        self.required(value, ["text", "value"], ptr)
        if "text" in value:
            self.text(value["text"], f"{ptr}/text", max_len=75, plain_only=plain_only)
        if "value" in value:
            self.string(value["value"], f"{ptr}/value", max_len=150)
        if "description" in value:
            self.text(value["description"], f"{ptr}/description", max_len=75, plain_only=plain_only)
        allowed = {"text", "value", "description"} | ({"url"} if url_ok else set())
        if "url" in value and url_ok:
            self.string(value["url"], f"{ptr}/url", max_len=3000)
        for key in value:
            if key not in allowed:
                self.err(f"invalid additional property: {key}", ptr)

    def options(self, element: dict[str, Any], ptr: str) -> list[dict[str, Any]]:
        """Check `options` / `option_groups` of a choice element; returns every option."""
        kind = str(element.get("type"))
        limit = OPTION_LIMITS.get(kind, 100)
        plain_only = kind not in ("radio_buttons", "checkboxes")
        url_ok = kind == "overflow"
        has_groups = "option_groups" in element and kind in ("static_select", "multi_static_select")
        if has_groups and "options" in element:
            self.err("must provide either options or option_groups, not both", ptr)
        collected: list[dict[str, Any]] = []
        if has_groups:
            groups = self.items(element["option_groups"], f"{ptr}/option_groups", max_items=100)
            for gi, group in enumerate(groups):
                gptr = f"{ptr}/option_groups/{gi}"
                if not self.obj(group, gptr):
                    continue
                self.required(group, ["label", "options"], gptr)
                if "label" in group:
                    self.text(group["label"], f"{gptr}/label", max_len=75, plain_only=True)
                opts = self.items(group.get("options", []), f"{gptr}/options", max_items=100)
                for oi, opt in enumerate(opts):
                    self.option(opt, f"{gptr}/options/{oi}", plain_only=True, url_ok=False)
                collected.extend(o for o in opts if isinstance(o, dict))
            return collected
        if not self.required(element, ["options"], ptr):
            return collected
        opts = self.items(element["options"], f"{ptr}/options", max_items=limit, min_items=1)
        for oi, opt in enumerate(opts):
            self.option(opt, f"{ptr}/options/{oi}", plain_only=plain_only, url_ok=url_ok)
        collected.extend(o for o in opts if isinstance(o, dict))
        return collected

    def initial_options(
        self, element: dict[str, Any], options: list[dict[str, Any]], ptr: str
    ) -> None:
        """initial_option / initial_options must be among the element's options."""

        def key(opt: Any) -> tuple[Any, Any]:
            if not isinstance(opt, dict):
                return (None, None)
            text = opt.get("text")
            return (opt.get("value"), text.get("text") if isinstance(text, dict) else None)

        known = {key(o) for o in options}
        if "initial_option" in element and key(element["initial_option"]) not in known:
            self.err("must be one of the provided options", f"{ptr}/initial_option")
        if "initial_options" in element:
            initial = self.items(
                element["initial_options"], f"{ptr}/initial_options", max_items=100
            )
            for i, opt in enumerate(initial):
                if key(opt) not in known:
                    self.err("must be one of the provided options", f"{ptr}/initial_options/{i}")

    def element(self, element: Any, ptr: str, *, allowed: set[str]) -> None:
        """Check one interactive or image element in a given container."""
        if not self.obj(element, ptr):
            return
        kind = element.get("type")
        if kind not in KNOWN_ELEMENT_TYPES or kind not in allowed:
            self.err("failed to match all allowed schemas", ptr)
            return
        self.action_id(element, ptr)
        if "confirm" in element:
            self.confirm(element["confirm"], f"{ptr}/confirm")
        if "placeholder" in element:
            self.text(element["placeholder"], f"{ptr}/placeholder", max_len=150, plain_only=True)
        check = _ELEMENT_CHECKS.get(str(kind))
        if check is not None:
            check(self, element, ptr)


def _button(c: Checker, el: dict[str, Any], ptr: str) -> None:
    if c.required(el, ["text"], ptr):
        c.text(el["text"], f"{ptr}/text", max_len=75, plain_only=True)
    if "value" in el:
        c.string(el["value"], f"{ptr}/value", max_len=2000)
    if "url" in el:
        c.string(el["url"], f"{ptr}/url", max_len=3000)
    if "style" in el and el["style"] not in ("primary", "danger"):
        c.err("must be a valid enum value", f"{ptr}/style")
    if "accessibility_label" in el:
        c.string(el["accessibility_label"], f"{ptr}/accessibility_label", max_len=75)


def _choice(c: Checker, el: dict[str, Any], ptr: str) -> None:
    options = c.options(el, ptr)
    c.initial_options(el, options, ptr)
    if str(el.get("type")).startswith("multi_") and "max_selected_items" in el:
        value = el["max_selected_items"]
        if not isinstance(value, int) or value < 1:
            c.err("must be greater than or equal to 1", f"{ptr}/max_selected_items")


def _overflow(c: Checker, el: dict[str, Any], ptr: str) -> None:
    c.options(el, ptr)


def _plain_text_input(c: Checker, el: dict[str, Any], ptr: str) -> None:
    max_len = el.get("max_length")
    min_len = el.get("min_length")
    if max_len is not None and (not isinstance(max_len, int) or not 1 <= max_len <= 3000):
        c.err("must be between 1 and 3000", f"{ptr}/max_length")
    if min_len is not None and (not isinstance(min_len, int) or not 0 <= min_len <= 3000):
        c.err("must be between 0 and 3000", f"{ptr}/min_length")
    if isinstance(max_len, int) and isinstance(min_len, int) and min_len > max_len:
        c.err("min_length must be less than or equal to max_length", f"{ptr}/min_length")
    if "initial_value" in el:
        limit = max_len if isinstance(max_len, int) and 1 <= max_len <= 3000 else 3000
        c.string(el["initial_value"], f"{ptr}/initial_value", max_len=limit)


def _number_input(c: Checker, el: dict[str, Any], ptr: str) -> None:
    if "is_decimal_allowed" not in el:
        c.err("missing required field: is_decimal_allowed", ptr)
    elif not isinstance(el["is_decimal_allowed"], bool):
        c.err("must provide a boolean", f"{ptr}/is_decimal_allowed")
    for key in ("initial_value", "min_value", "max_value"):
        if key in el:
            try:
                float(str(el[key]))
            except ValueError:
                c.err("must be a number", f"{ptr}/{key}")


def _datepicker(c: Checker, el: dict[str, Any], ptr: str) -> None:
    if "initial_date" in el and not _DATE.match(str(el["initial_date"])):
        c.err("must match the format YYYY-MM-DD", f"{ptr}/initial_date")


def _timepicker(c: Checker, el: dict[str, Any], ptr: str) -> None:
    if "initial_time" in el and not _TIME.match(str(el["initial_time"])):
        c.err("must match the format HH:mm", f"{ptr}/initial_time")


def _datetimepicker(c: Checker, el: dict[str, Any], ptr: str) -> None:
    if "initial_date_time" in el and not isinstance(el["initial_date_time"], int):
        c.err("must provide an integer", f"{ptr}/initial_date_time")


def _image(c: Checker, el: dict[str, Any], ptr: str) -> None:
    if "image_url" not in el and "slack_file" not in el:
        c.err("missing required field: image_url", ptr)
    if "image_url" in el:
        c.string(el["image_url"], f"{ptr}/image_url", max_len=3000, min_len=1)
    if c.required(el, ["alt_text"], ptr):
        c.string(el["alt_text"], f"{ptr}/alt_text", max_len=2000, min_len=1)


def _workflow_button(c: Checker, el: dict[str, Any], ptr: str) -> None:
    c.required(el, ["workflow"], ptr)
    if c.required(el, ["text"], ptr):
        c.text(el["text"], f"{ptr}/text", max_len=75, plain_only=True)


_ELEMENT_CHECKS: dict[str, Any] = {
    "button": _button,
    "static_select": _choice,
    "multi_static_select": _choice,
    "radio_buttons": _choice,
    "checkboxes": _choice,
    "overflow": _overflow,
    "plain_text_input": _plain_text_input,
    "number_input": _number_input,
    "datepicker": _datepicker,
    "timepicker": _timepicker,
    "datetimepicker": _datetimepicker,
    "image": _image,
    "workflow_button": _workflow_button,
}
