"""The workflow step's inputs read into the draft the quick syntax would make."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.domain.errors import InvalidPollInput
from bot.domain.model import DEFAULT_CLOSE_AFTER, DEFAULT_REMIND_EVERY, QuestionKind
from bot.domain.quickpoll import parse_quick_poll
from bot.slack.workflow_step_input import organiser_of, read_step_inputs

BASE: dict[str, Any] = {"organiser": "U1", "channel": "C1", "question": "Lunch?"}


def test_a_choice_step_reads_as_the_quick_syntax_does() -> None:
    inputs = {**BASE, "options": ["Pizza", "Soup"], "closes_in": "2d", "remind_every": "12h"}

    request = read_step_inputs(inputs)

    quick = parse_quick_poll('"Lunch?" "Pizza" "Soup" closes:2d remind:12h')
    assert request.draft.questions == quick.questions
    assert request.draft.close == quick.close == timedelta(days=2)
    assert request.draft.remind_every == quick.remind_every
    assert (request.organiser_id, request.channel_id) == ("U1", "C1")
    assert request.draft.channel_id == "C1"


def test_left_out_inputs_take_the_quick_syntaxs_defaults() -> None:
    draft = read_step_inputs({**BASE, "options": [], "closes_in": " "}).draft

    assert draft.questions[0].kind is QuestionKind.TEXT
    assert draft.close == DEFAULT_CLOSE_AFTER
    assert draft.remind_every == DEFAULT_REMIND_EVERY
    assert draft.anonymous is False


def test_text_is_stored_as_typed() -> None:
    draft = read_step_inputs({**BASE, "question": "R&D <or> ops?"}).draft

    assert draft.questions[0].text == "R&amp;D &lt;or&gt; ops?"


def test_remind_off_turns_reminders_off() -> None:
    assert read_step_inputs({**BASE, "remind_every": "off"}).draft.remind_every is None


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"options": ["Only"]}, "error.one_option"),
        ({"options": ["A", "", "  "]}, "error.one_option"),
        ({"closes_in": "soon"}, "error.bad_duration"),
        ({"question": ""}, "error.step_missing_input"),
        ({"organiser": None}, "error.step_missing_input"),
        ({"anonymous": "yes"}, "error.step_bad_input"),
        ({"options": "A, B"}, "error.step_bad_input"),
    ],
)
def test_bad_inputs_are_refused_with_a_message(changes: dict[str, Any], key: str) -> None:
    inputs = {k: v for k, v in {**BASE, **changes}.items() if v is not None}

    with pytest.raises(InvalidPollInput) as refused:
        read_step_inputs(inputs)

    assert refused.value.message_key == key


def test_the_organiser_is_read_even_when_the_rest_is_wrong() -> None:
    assert organiser_of({"organiser": "U1", "options": 3}) == "U1"
    assert organiser_of({"organiser": 7}) == ""
