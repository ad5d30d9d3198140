"""State shapes and element lookup the driver uses to build interaction payloads."""

from __future__ import annotations

from typing import Any

import pytest

from slack_emulator.interaction import find_clickable, find_input, state_entry
from slack_emulator.payloads import client_problems, current_entries, fill_entries

OPTS = [
    {"text": {"type": "plain_text", "text": "Red"}, "value": "r"},
    {"text": {"type": "plain_text", "text": "Blue"}, "value": "b"},
]


def el(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "action_id": "a", **extra}


SHAPES: list[tuple[str, dict[str, Any], Any, dict[str, Any]]] = [
    ("plain_text_input", el("plain_text_input"), "hi", {"value": "hi"}),
    ("plain_text_input_empty", el("plain_text_input"), None, {"value": None}),
    ("number_input", el("number_input", is_decimal_allowed=False), 5, {"value": "5"}),
    ("radio_buttons", el("radio_buttons", options=OPTS), "Blue", {"selected_option": OPTS[1]}),
    (
        "static_select_by_value",
        el("static_select", options=OPTS),
        "r",
        {"selected_option": OPTS[0]},
    ),
    ("static_select_empty", el("static_select", options=OPTS), None, {"selected_option": None}),
    ("checkboxes", el("checkboxes", options=OPTS), ["r", "Blue"], {"selected_options": OPTS}),
    (
        "multi_static_select_empty",
        el("multi_static_select", options=OPTS),
        None,
        {"selected_options": []},
    ),
    ("users_select", el("users_select"), "U1", {"selected_user": "U1"}),
    (
        "multi_users_select",
        el("multi_users_select"),
        ["U1", "U2"],
        {"selected_users": ["U1", "U2"]},
    ),
    ("conversations_select", el("conversations_select"), "C1", {"selected_conversation": "C1"}),
    ("channels_select", el("channels_select"), "C1", {"selected_channel": "C1"}),
    ("datepicker", el("datepicker"), "2026-01-31", {"selected_date": "2026-01-31"}),
    ("timepicker", el("timepicker"), "09:30", {"selected_time": "09:30"}),
    ("datetimepicker", el("datetimepicker"), "1666869900", {"selected_date_time": 1666869900}),
]


@pytest.mark.parametrize(
    ("element", "value", "expected"), [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES]
)
def test_state_entry_shapes(element: dict[str, Any], value: Any, expected: dict[str, Any]) -> None:
    assert state_entry(element, value) == {"type": element["type"], **expected}


def test_option_must_be_offered() -> None:
    with pytest.raises(AssertionError, match="not offered"):
        state_entry(el("static_select", options=OPTS), "Green")


def blocks() -> list[dict[str, Any]]:
    return [
        {
            "type": "input",
            "block_id": "q1",
            "label": {"type": "plain_text", "text": "Question 1"},
            "element": el("plain_text_input", max_length=5, initial_value="hey"),
        },
        {
            "type": "input",
            "block_id": "color",
            "optional": True,
            "label": {"type": "plain_text", "text": "Colour"},
            "element": el("static_select", options=OPTS, initial_option=OPTS[0]),
        },
        {
            "type": "actions",
            "block_id": "acts",
            "elements": [
                {"type": "button", "action_id": "ok", "text": {"type": "plain_text", "text": "OK"}},
                {
                    "type": "button",
                    "action_id": "ok2",
                    "text": {"type": "plain_text", "text": "OK then"},
                },
            ],
        },
    ]


def test_initial_values_fill_state_and_user_input_overrides() -> None:
    state = current_entries(blocks(), {})
    assert state["q1"]["a"]["value"] == "hey"
    assert state["color"]["a"]["selected_option"] == OPTS[0]
    assert "acts" not in state
    stored = fill_entries(blocks(), {}, {"Question 1": "new", "color": "Blue"})
    state = current_entries(blocks(), stored)
    assert state["q1"]["a"]["value"] == "new" and state["color"]["a"]["selected_option"] == OPTS[1]


def test_client_rules_block_submission() -> None:
    stored = fill_entries(blocks(), {}, {"Question 1": "far too long"})
    assert client_problems(blocks(), current_entries(blocks(), stored)) == [
        "input 'Question 1' is longer than max_length"
    ]
    stored = fill_entries(blocks(), {}, {"q1": None, "color": None})
    assert client_problems(blocks(), current_entries(blocks(), stored)) == [
        "required input 'Question 1' is empty"
    ]


def test_find_clickable_prefers_exact_label_and_reports_ambiguity() -> None:
    assert find_clickable(blocks(), "OK").action_id == "ok"
    assert find_clickable(blocks(), "ok then").action_id == "ok2"
    with pytest.raises(AssertionError, match="no button 'Nope'"):
        find_clickable(blocks(), "Nope")
    twins = [
        {
            "type": "actions",
            "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Go"}}] * 2,
        }
    ]
    with pytest.raises(AssertionError, match="ambiguous"):
        find_clickable(twins, "Go")


def test_find_input_by_block_id_action_id_or_label() -> None:
    assert find_input(blocks(), "color").block_id == "color"
    assert find_input(blocks(), "Colour").block_id == "color"
    with pytest.raises(AssertionError, match="ambiguous"):
        find_input(blocks(), "a")
