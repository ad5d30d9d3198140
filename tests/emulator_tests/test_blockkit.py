"""Block Kit validation: every limit the emulator enforces, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from slack_emulator import validate_blocks, validate_view
from slack_emulator.blockkit import markdown_chars


def section(text: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(label: str = "Go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": label}, **extra}


def option(text: str, value: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value or text, **extra}


def options(n: int) -> list[dict[str, Any]]:
    return [option(f"o{i}") for i in range(n)]


def actions(*elements: dict[str, Any], block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def input_block(element: dict[str, Any], label: str = "Label", **extra: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "label": {"type": "plain_text", "text": label},
        "element": element,
        **extra,
    }


def select(kind: str, opts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": kind, "action_id": "a", "options": opts, **extra}


VALID_MESSAGE = [
    {"type": "header", "text": {"type": "plain_text", "text": "Poll"}},
    section("*Question*", accessory=select("static_select", options(3))),
    {"type": "divider"},
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "by <@U1>"}]},
    actions(
        button("Yes", action_id="yes", value="1"), button("No", action_id="no", style="danger")
    ),
    {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": "a"}, {"type": "plain_text", "text": "b"}],
    },
    {"type": "markdown", "text": "**bold**"},
    {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "chart"},
    {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": []}]},
]

CASES: list[tuple[str, list[Any], str, str]] = [
    (
        "too_many_blocks",
        [{"type": "divider"}] * 51,
        "message",
        "no more than 50 items allowed [json-pointer:/blocks]",
    ),
    (
        "section_text_3001",
        [section("x" * 3001)],
        "message",
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ),
    (
        "section_text_empty",
        [section("")],
        "message",
        "must be more than 0 characters [json-pointer:/blocks/0/text/text]",
    ),
    ("section_without_text", [{"type": "section"}], "message", "missing required field: text"),
    (
        "fields_11",
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
        "message",
        "no more than 10 items allowed [json-pointer:/blocks/0/fields]",
    ),
    (
        "field_2001",
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
        "message",
        "must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]",
    ),
    (
        "header_151",
        [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
        "message",
        "must be less than 151 characters",
    ),
    (
        "header_mrkdwn",
        [{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}],
        "message",
        "must be a valid enum value [json-pointer:/blocks/0/text/type]",
    ),
    (
        "context_11",
        [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
        "message",
        "no more than 10 items allowed [json-pointer:/blocks/0/elements]",
    ),
    (
        "actions_26",
        [actions(*[button(f"b{i}", action_id=f"a{i}") for i in range(26)])],
        "message",
        "no more than 25 items allowed [json-pointer:/blocks/0/elements]",
    ),
    (
        "button_text_76",
        [actions(button("b" * 76))],
        "message",
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
    ),
    (
        "button_mrkdwn",
        [actions({"type": "button", "text": {"type": "mrkdwn", "text": "b"}})],
        "message",
        "must be a valid enum value",
    ),
    (
        "button_value_2001",
        [actions(button(value="v" * 2001))],
        "message",
        "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]",
    ),
    (
        "action_id_256",
        [actions(button(action_id="a" * 256))],
        "message",
        "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]",
    ),
    (
        "block_id_256",
        [section(block_id="b" * 256)],
        "message",
        "must be less than 256 characters [json-pointer:/blocks/0/block_id]",
    ),
    (
        "duplicate_block_id",
        [section(block_id="x"), section(block_id="x")],
        "message",
        "block_id must be unique [json-pointer:/blocks/1/block_id]",
    ),
    (
        "duplicate_action_id",
        [actions(button("a", action_id="x"), button("b", action_id="x"))],
        "message",
        "action_id must be unique within a block",
    ),
    (
        "unknown_block",
        [{"type": "video"}],
        "message",
        "failed to match all allowed schemas [json-pointer:/blocks/0]",
    ),
    (
        "unknown_element",
        [actions({"type": "slider", "action_id": "s"})],
        "message",
        "failed to match all allowed schemas [json-pointer:/blocks/0/elements/0]",
    ),
    ("empty_text", [section(accessory=button(""))], "message", "must be more than 0 characters"),
    (
        "bad_text_type",
        [{"type": "section", "text": {"type": "markdown", "text": "x"}}],
        "message",
        "must be a valid enum value",
    ),
    (
        "emoji_on_mrkdwn",
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x", "emoji": True}}],
        "message",
        "invalid additional property: emoji",
    ),
    (
        "static_select_101",
        [section(accessory=select("static_select", options(101)))],
        "message",
        "no more than 100 items allowed [json-pointer:/blocks/0/accessory/options]",
    ),
    (
        "radio_11",
        [actions(select("radio_buttons", options(11)))],
        "message",
        "no more than 10 items allowed",
    ),
    (
        "checkboxes_11",
        [actions(select("checkboxes", options(11)))],
        "message",
        "no more than 10 items allowed",
    ),
    (
        "overflow_6",
        [section(accessory=select("overflow", options(6)))],
        "message",
        "no more than 5 items allowed [json-pointer:/blocks/0/accessory/options]",
    ),
    (
        "option_text_76",
        [actions(select("static_select", [option("t" * 76, "v")]))],
        "message",
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]",
    ),
    (
        "option_value_151",
        [actions(select("static_select", [option("t", "v" * 151)]))],
        "message",
        "must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]",
    ),
    (
        "option_description_76",
        [
            actions(
                select(
                    "radio_buttons",
                    [option("t", description={"type": "plain_text", "text": "d" * 76})],
                )
            )
        ],
        "message",
        "must be less than 76 characters",
    ),
    (
        "select_option_mrkdwn",
        [
            actions(
                select("static_select", [{"text": {"type": "mrkdwn", "text": "t"}, "value": "v"}])
            )
        ],
        "message",
        "must be a valid enum value",
    ),
    (
        "initial_option_foreign",
        [actions(select("static_select", options(2), initial_option=option("zzz")))],
        "message",
        "must be one of the provided options [json-pointer:/blocks/0/elements/0/initial_option]",
    ),
    (
        "initial_options_foreign",
        [actions(select("checkboxes", options(2), initial_options=[option("o0"), option("zz")]))],
        "message",
        "must be one of the provided options [json-pointer:/blocks/0/elements/0/initial_options/1]",
    ),
    (
        "pti_max_length_0",
        [input_block({"type": "plain_text_input", "max_length": 0})],
        "modal",
        "must be between 1 and 3000",
    ),
    (
        "pti_max_length_3001",
        [input_block({"type": "plain_text_input", "max_length": 3001})],
        "modal",
        "must be between 1 and 3000",
    ),
    (
        "pti_placeholder_151",
        [
            input_block(
                {
                    "type": "plain_text_input",
                    "placeholder": {"type": "plain_text", "text": "p" * 151},
                }
            )
        ],
        "modal",
        "must be less than 151 characters",
    ),
    (
        "input_label_2001",
        [input_block({"type": "plain_text_input"}, label="l" * 2001)],
        "modal",
        "must be less than 2001 characters [json-pointer:/blocks/0/label/text]",
    ),
    (
        "input_hint_2001",
        [
            input_block(
                {"type": "plain_text_input"}, hint={"type": "plain_text", "text": "h" * 2001}
            )
        ],
        "modal",
        "must be less than 2001 characters [json-pointer:/blocks/0/hint/text]",
    ),
    (
        "input_without_element",
        [{"type": "input", "label": {"type": "plain_text", "text": "l"}}],
        "modal",
        "missing required field: element",
    ),
    (
        "input_without_label",
        [{"type": "input", "element": {"type": "plain_text_input"}}],
        "modal",
        "missing required field: label",
    ),
    ("button_in_input", [input_block(button())], "modal", "failed to match all allowed schemas"),
    (
        "number_input_without_flag",
        [input_block({"type": "number_input"})],
        "modal",
        "missing required field: is_decimal_allowed",
    ),
    (
        "bad_initial_date",
        [actions({"type": "datepicker", "initial_date": "1.2.2024"})],
        "message",
        "must match the format YYYY-MM-DD",
    ),
    (
        "markdown_in_modal",
        [{"type": "markdown", "text": "x"}],
        "modal",
        "failed to match all allowed schemas",
    ),
    (
        "markdown_12001",
        [{"type": "markdown", "text": "x" * 12001}],
        "message",
        "must be less than 12001 characters",
    ),
    ("modal_101_blocks", [{"type": "divider"}] * 101, "modal", "no more than 100 items allowed"),
]


def test_valid_message_blocks_pass() -> None:
    assert validate_blocks(VALID_MESSAGE, surface="message") == []


def test_hundred_blocks_are_fine_in_a_modal_but_not_in_a_message() -> None:
    blocks = [{"type": "divider"}] * 100
    assert validate_blocks(blocks, surface="modal") == []
    assert validate_blocks(blocks, surface="message") != []


@pytest.mark.parametrize(
    ("blocks", "surface", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_limit_violations_are_reported(blocks: list[Any], surface: Any, expected: str) -> None:
    errors = validate_blocks(blocks, surface=surface)
    assert any(expected in e for e in errors), errors


def modal(**extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Create poll"},
        "submit": {"type": "plain_text", "text": "Create"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            input_block({"type": "plain_text_input", "action_id": "q"}, block_id="question")
        ],
    }
    view.update(extra)
    return view


VIEW_CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "title_25",
        modal(title={"type": "plain_text", "text": "t" * 25}),
        "must be less than 25 characters [json-pointer:/view/title/text]",
    ),
    (
        "submit_25",
        modal(submit={"type": "plain_text", "text": "s" * 25}),
        "[json-pointer:/view/submit/text]",
    ),
    (
        "close_mrkdwn",
        modal(close={"type": "mrkdwn", "text": "c"}),
        "must be a valid enum value [json-pointer:/view/close/type]",
    ),
    ("submit_missing_with_input", modal(submit=None), "missing required field: submit"),
    (
        "private_metadata_3001",
        modal(private_metadata="m" * 3001),
        "must be less than 3001 characters [json-pointer:/view/private_metadata]",
    ),
    ("callback_id_256", modal(callback_id="c" * 256), "[json-pointer:/view/callback_id]"),
    (
        "blocks_101",
        modal(blocks=[{"type": "divider"}] * 101),
        "no more than 100 items allowed [json-pointer:/view/blocks]",
    ),
    ("bad_type", modal(type="dialog"), "must be a valid enum value [json-pointer:/view/type]"),
    ("no_title", {"type": "modal", "blocks": []}, "missing required field: title"),
]


def test_valid_modal_passes() -> None:
    assert validate_view(modal(private_metadata="x" * 3000, callback_id="poll.create")) == []


@pytest.mark.parametrize(
    ("view", "expected"), [c[1:] for c in VIEW_CASES], ids=[c[0] for c in VIEW_CASES]
)
def test_view_violations_are_reported(view: dict[str, Any], expected: str) -> None:
    errors = validate_view(view)
    assert any(expected in e for e in errors), errors


def test_home_view_needs_no_title_and_allows_100_blocks() -> None:
    assert (
        validate_view({"type": "home", "blocks": [{"type": "divider"}] * 100}, expected="home")
        == []
    )


def test_markdown_chars_counts_section_and_markdown_text() -> None:
    blocks = [
        section("abc", fields=[{"type": "mrkdwn", "text": "de"}]),
        {"type": "markdown", "text": "fgh"},
        {"type": "divider"},
    ]
    assert markdown_chars(blocks) == 8


def test_home_view_refuses_a_title_and_buttons() -> None:
    plain = {"type": "plain_text", "text": "Home"}
    for key in ("title", "submit", "close"):
        view = {"type": "home", key: plain, "blocks": [{"type": "divider"}]}
        errors = validate_view(view, expected="home")
        assert any(f"/view/{key}" in e for e in errors), errors


def test_home_view_allows_at_most_100_blocks() -> None:
    view = {"type": "home", "blocks": [{"type": "divider"}] * 101}
    assert validate_view(view, expected="home")
