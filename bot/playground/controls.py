"""Interactive Block Kit elements as HTML form controls: in a message each button or menu is its
own small form; in a modal every input belongs to the one form that submits the modal."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from html import escape
from typing import Any, Protocol

from bot.playground.render import JsonDict, Renderer, action_token, attr, option_label
from slack_emulator.interaction import all_options, block_id, text_of

MULTI_VALUE = frozenset(
    {
        "multi_static_select",
        "checkboxes",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
TEXT_TYPES = {"plain_text_input": "text", "email_text_input": "email", "url_text_input": "url"}
PEOPLE_PICKERS = frozenset({"users_select", "multi_users_select"})
CHANNEL_PICKERS = frozenset(
    {
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
    }
)
SELECTS = frozenset({"static_select", "multi_static_select"}) | PEOPLE_PICKERS | CHANNEL_PICKERS


class FormFields(Protocol):
    """What the handlers read of a posted form (aiohttp's MultiDictProxy has both)."""

    def get(self, key: str, /) -> object: ...

    def getall(self, key: str, default: list[str], /) -> Sequence[object]: ...


def input_name(bid: str) -> str:
    """The form field of an input block."""
    return f"in:{bid}"


def html_id(prefix: str, key: str) -> str:
    """A valid, stable HTML id for a block_id (which may hold any character)."""
    return f"{prefix}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def _confirm(element: JsonDict) -> str:
    confirm = element.get("confirm")
    if not isinstance(confirm, dict):
        return ""
    return f' data-confirm="{attr(text_of(confirm.get("text")))}"'


def _shown_once(element: JsonDict, label: str) -> str:
    """A label taken from the text beside the menu is for screen readers only: that text is
    on the screen already."""
    return ' class="visually-hidden"' if label and not element.get("placeholder") else ""


def _button_style(element: JsonDict) -> str:
    style = element.get("style")
    return f"btn btn-{style}" if style in ("primary", "danger") else "btn"


class MessageControls:
    """Buttons and menus of one message or ephemeral; `target` says which (JSON)."""

    def __init__(self, renderer: Renderer, target: str, hidden: str) -> None:
        self.renderer = renderer
        self.target = target
        self.hidden = hidden

    def _form(self, action: str, body: str, confirm: str = "") -> str:
        return (
            f'<form class="bk-control" method="post" action="{action}"{confirm}>{self.hidden}'
            f'<input type="hidden" name="target" value="{attr(self.target)}">{body}</form>'
        )

    def __call__(
        self,
        element: JsonDict,
        bid: str,
        aid: str,
        input_block: JsonDict | None = None,
        *,
        label: str = "",
    ) -> str:
        kind = element.get("type")
        token = (
            f'<input type="hidden" name="action" value="{attr(action_token(bid, aid, element))}">'
        )
        if kind == "button":
            text = escape(text_of(element.get("text")), quote=False)
            body = f'{token}<button type="submit" class="{_button_style(element)}">{text}</button>'
            return self._form("/playground/click", body, _confirm(element))
        if kind == "overflow" or kind in SELECTS:
            field_id = html_id("pick", f"{self.target}/{bid}/{aid}")
            name = escape(text_of(element.get("placeholder")) or label or "Choose", quote=False)
            options = _options(self.renderer, element, [])
            body = (
                f'{token}<label for="{field_id}"{_shown_once(element, label)}>{name}</label> '
                f'<select id="{field_id}" name="choice">{options}</select> '
                '<button type="submit" class="btn">Choose</button>'
            )
            return self._form("/playground/select", body)
        return f'<span class="bk-unknown">[{attr(kind)}]</span>'


class ModalControls:
    """Inputs, buttons and menus of the viewer's top modal, all inside the modal's form."""

    def __init__(
        self, renderer: Renderer, values: dict[str, dict[str, JsonDict]], errors: dict[str, str]
    ) -> None:
        self.renderer = renderer
        self.values = values
        self.errors = errors

    def __call__(
        self,
        element: JsonDict,
        bid: str,
        aid: str,
        input_block: JsonDict | None = None,
        *,
        label: str = "",
    ) -> str:
        entry = self.values.get(bid, {}).get(aid, {})
        if input_block is not None:
            return self._input_block(input_block, element, bid, entry)
        token = attr(action_token(bid, aid, element))
        if element.get("type") == "button":
            text = escape(text_of(element.get("text")), quote=False)
            return (
                f'<button type="submit" class="{_button_style(element)}"'
                f' formaction="/playground/view/click" name="action" value="{token}"'
                f"{_confirm(element)}>{text}</button>"
            )
        field_id = html_id("act", bid)
        name = escape(text_of(element.get("placeholder")) or label or "Choose", quote=False)
        return (
            f'<span class="bk-control"><label for="{field_id}"{_shown_once(element, label)}>'
            f"{name}</label> "
            f"{self._field(element, field_id, f'act:{bid}', entry, '')} "
            f'<button type="submit" class="btn" formaction="/playground/view/select"'
            f' name="action" value="{token}">Apply</button></span>'
        )

    def _input_block(self, block: JsonDict, element: JsonDict, bid: str, entry: JsonDict) -> str:
        field_id = html_id("in", bid)
        label = escape(text_of(block.get("label")), quote=False)
        optional = ' <span class="optional">(optional)</span>' if block.get("optional") else ""
        hint = block.get("hint")
        error = self.errors.get(bid)
        described = []
        extra = []
        if hint:
            described.append(f"{field_id}-hint")
            extra.append(f'<p class="hint" id="{field_id}-hint">{self.renderer.text(hint)}</p>')
        if error:
            described.append(f"{field_id}-error")
            extra.append(
                f'<p class="error" id="{field_id}-error" role="alert">'
                f"{escape(error, quote=False)}</p>"
            )
        aria = f' aria-describedby="{" ".join(described)}"' if described else ""
        if error:
            aria += ' aria-invalid="true"'
        field = self._field(element, field_id, input_name(bid), entry, aria)
        if element.get("type") in ("radio_buttons", "checkboxes"):
            return (
                f'<fieldset class="bk-input"{aria}><legend>{label}{optional}</legend>'
                f"{field}{''.join(extra)}</fieldset>"
            )
        return (
            f'<div class="bk-input"><label for="{field_id}">{label}{optional}</label>'
            f"{field}{''.join(extra)}</div>"
        )

    def _field(
        self, element: JsonDict, field_id: str, name: str, entry: JsonDict, aria: str
    ) -> str:
        kind = str(element.get("type"))
        common = f'id="{field_id}" name="{attr(name)}"{aria}'
        placeholder = text_of(element.get("placeholder"))
        if placeholder:
            common += f' placeholder="{attr(placeholder)}"'
        if kind in TEXT_TYPES or kind == "number_input":
            return _text_field(element, kind, common, entry.get("value"))
        if kind in ("radio_buttons", "checkboxes"):
            return _choice_list(self.renderer, element, kind, field_id, name, _chosen(entry))
        if kind in SELECTS:
            multiple = " multiple" if kind in MULTI_VALUE else ""
            options = _options(self.renderer, element, _chosen(entry))
            return f"<select {common}{multiple}>{options}</select>"
        if kind == "datepicker":
            value = entry.get("selected_date") or ""
            return f'<input type="date" {common} value="{attr(value)}">'
        if kind == "timepicker":
            value = entry.get("selected_time") or ""
            return f'<input type="time" {common} value="{attr(value)}">'
        return f'<span class="bk-unknown">[{attr(kind)}]</span>'


def _text_field(element: JsonDict, kind: str, common: str, value: Any) -> str:
    shown = "" if value is None else str(value)
    if element.get("max_length"):
        common += f' maxlength="{int(element["max_length"])}"'
    if kind == "plain_text_input" and element.get("multiline"):
        return f"<textarea {common}>{escape(shown, quote=False)}</textarea>"
    if kind == "number_input":
        step = "any" if element.get("is_decimal_allowed") else "1"
        bounds = "".join(
            f' {key}="{attr(element[source])}"'
            for key, source in (("min", "min_value"), ("max", "max_value"))
            if source in element
        )
        return f'<input type="number" step="{step}"{bounds} {common} value="{attr(shown)}">'
    return f'<input type="{TEXT_TYPES[kind]}" {common} value="{attr(shown)}">'


def _chosen(entry: JsonDict) -> list[str]:
    """The values an element holds now, whatever its kind."""
    chosen: list[str] = []
    for key, held in entry.items():
        if key == "selected_option" and isinstance(held, dict):
            chosen.append(str(held.get("value")))
        elif key == "selected_options" and isinstance(held, list):
            chosen.extend(str(option.get("value")) for option in held)
        elif key.startswith("selected_") and isinstance(held, str):
            chosen.append(held)
        elif key.startswith("selected_") and isinstance(held, list):
            chosen.extend(str(item) for item in held)
    return chosen


def _choices(renderer: Renderer, element: JsonDict) -> list[tuple[str, str]]:
    """(value, escaped label) of every option a select offers."""
    kind = element.get("type")
    emu = renderer.emu
    if kind in PEOPLE_PICKERS:
        return [(u.id, escape(u.real_name, quote=False)) for u in emu.people()]
    if kind in CHANNEL_PICKERS:
        return [(c.id, f"#{escape(c.name, quote=False)}") for c in emu.conversations()]
    return [(str(o.get("value")), option_label(o)) for o in all_options(element)]


def _options(renderer: Renderer, element: JsonDict, chosen: list[str]) -> str:
    blank = "" if element.get("type") in MULTI_VALUE else '<option value="">—</option>'
    return blank + "".join(
        f'<option value="{attr(value)}"{" selected" if value in chosen else ""}>{label}</option>'
        for value, label in _choices(renderer, element)
    )


def _choice_list(
    renderer: Renderer, element: JsonDict, kind: str, field_id: str, name: str, chosen: list[str]
) -> str:
    input_type = "radio" if kind == "radio_buttons" else "checkbox"
    items = []
    for position, option in enumerate(all_options(element)):
        value = str(option.get("value"))
        item_id = f"{field_id}-{position}"
        checked = " checked" if value in chosen else ""
        description = option.get("description")
        note = f' <span class="hint">{renderer.text(description)}</span>' if description else ""
        items.append(
            f'<div class="choice"><input type="{input_type}" id="{item_id}" name="{attr(name)}"'
            f' value="{attr(value)}"{checked}> <label for="{item_id}">'
            f"{renderer.text(option.get('text'))}</label>{note}</div>"
        )
    return "".join(items)


def submitted_values(
    blocks: list[JsonDict], form: FormFields, prefix: str = "in:"
) -> dict[str, Any]:
    """What the person typed and chose in a modal's form, keyed by block_id (as the emulator's
    driver takes it); an empty field is None."""
    values: dict[str, Any] = {}
    for index, block in enumerate(blocks):
        if block.get("type") != "input":
            continue
        bid = block_id(block, index)
        element = block.get("element") or {}
        name = f"{prefix}{bid}"
        if element.get("type") in MULTI_VALUE:
            values[bid] = [v for v in form.getall(name, []) if v]
        else:
            values[bid] = form.get(name) or None
    return values
