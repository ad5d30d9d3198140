"""Tests of the rules shared by the quick syntax and the create form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.domain.errors import InvalidPollInput
from bot.domain.model import (
    MAX_OPTION_LENGTH,
    MAX_QUESTION_LENGTH,
    MAX_QUESTIONS,
    AbsoluteClose,
    Audience,
    AudienceKind,
    CloseSpec,
    PollDraft,
    Question,
    QuestionKind,
)
from bot.domain.validation import validate_draft, validate_questions

SINGLE = QuestionKind.SINGLE
GOOD = Question("Which?", SINGLE, ("A", "B"))


def _error_of(questions: tuple[Question, ...]) -> InvalidPollInput:
    with pytest.raises(InvalidPollInput) as caught:
        validate_questions(questions)
    return caught.value


@pytest.mark.parametrize(
    "questions",
    [
        pytest.param((GOOD,), id="one-single-choice"),
        pytest.param((GOOD,) * MAX_QUESTIONS, id="five-questions"),
        pytest.param((Question("Why?", QuestionKind.TEXT),), id="free-text"),
        pytest.param((Question("How?", QuestionKind.RATING),), id="rating"),
        pytest.param(
            (Question("x" * MAX_QUESTION_LENGTH, QuestionKind.MULTI, ("y" * 75, "z")),),
            id="longest-texts",
        ),
    ],
)
def test_valid_questions_pass(questions: tuple[Question, ...]) -> None:
    validate_questions(questions)


@pytest.mark.parametrize(
    ("questions", "key", "field", "params"),
    [
        pytest.param((), "error.no_questions", "q0", {}, id="no-questions"),
        pytest.param(
            (GOOD,) * (MAX_QUESTIONS + 1),
            "error.too_many_questions",
            None,
            {"max": MAX_QUESTIONS},
            id="six-questions",
        ),
        pytest.param(
            (GOOD, Question("  ", SINGLE, ("A", "B"))),
            "error.empty_question",
            "q1",
            {"number": 2},
            id="blank-second-question",
        ),
        pytest.param(
            (Question("x" * (MAX_QUESTION_LENGTH + 1), QuestionKind.TEXT),),
            "error.question_too_long",
            "q0",
            {"number": 1, "max": MAX_QUESTION_LENGTH},
            id="question-too-long",
        ),
        pytest.param(
            (GOOD, GOOD, Question("Q", SINGLE)),
            "error.missing_options",
            "q2_options",
            {"number": 3},
            id="choice-without-options",
        ),
        pytest.param(
            (Question("Q", QuestionKind.MULTI, ("A",)),),
            "error.one_option",
            "q0_options",
            {"number": 1, "min": 2},
            id="one-option",
        ),
        pytest.param(
            (Question("Q", SINGLE, tuple(f"o{n}" for n in range(26))),),
            "error.too_many_options",
            "q0_options",
            {"number": 1, "max": 25},
            id="twenty-six-options",
        ),
        pytest.param(
            (Question("Q", SINGLE, ("Tea", " tea ")),),
            "error.duplicate_option",
            "q0_options",
            {"number": 1, "option": "tea"},
            id="duplicate-option",
        ),
        pytest.param(
            (Question("Q", SINGLE, ("A", " ")),),
            "error.empty_option",
            "q0_options",
            {"number": 1},
            id="blank-option",
        ),
        pytest.param(
            (Question("Q", SINGLE, ("A", "b" * (MAX_OPTION_LENGTH + 1))),),
            "error.option_too_long",
            "q0_options",
            {"number": 1, "option": "b" * (MAX_OPTION_LENGTH + 1), "max": MAX_OPTION_LENGTH},
            id="option-too-long",
        ),
        pytest.param(
            (Question("Q", QuestionKind.RATING, ("A", "B")),),
            "error.rating_with_options",
            "q0_options",
            {"number": 1},
            id="rating-with-options",
        ),
        pytest.param(
            (Question("Q", QuestionKind.TEXT, ("A", "B")),),
            "error.text_with_options",
            "q0_options",
            {"number": 1},
            id="text-with-options",
        ),
    ],
)
def test_invalid_questions_name_key_field_and_params(
    questions: tuple[Question, ...], key: str, field: str | None, params: dict[str, Any]
) -> None:
    error = _error_of(questions)
    assert (error.message_key, error.field, error.params) == (key, field, params)


def test_valid_draft_passes() -> None:
    validate_draft(PollDraft(questions=(GOOD,)))


@pytest.mark.parametrize(
    ("draft", "key", "field"),
    [
        pytest.param(
            PollDraft((GOOD,), remind_every=timedelta(seconds=9)),
            "error.remind_too_short",
            "remind",
            id="remind-under-ten-seconds",
        ),
        pytest.param(
            PollDraft((GOOD,), audience=Audience(AudienceKind.PEOPLE)),
            "error.empty_audience",
            "audience",
            id="people-without-anyone",
        ),
        pytest.param(
            PollDraft((GOOD,), audience=Audience(sample_size=0)),
            "error.bad_sample",
            "sample_size",
            id="sample-zero",
        ),
        pytest.param(
            PollDraft((GOOD,), close=AbsoluteClose(2026, 2, 29)),
            "error.bad_close",
            "close",
            id="not-a-leap-year",
        ),
        pytest.param(
            PollDraft((GOOD,), close=timedelta(0)),
            "error.bad_close",
            "close",
            id="zero-duration",
        ),
    ],
)
def test_invalid_draft_names_key_and_field(draft: PollDraft, key: str, field: str) -> None:
    with pytest.raises(InvalidPollInput) as caught:
        validate_draft(draft)
    assert (caught.value.message_key, caught.value.field) == (key, field)


@pytest.mark.parametrize(
    "close",
    [
        pytest.param(AbsoluteClose(2028, 2, 29, 23, 59), id="leap-day"),
        pytest.param(timedelta(seconds=1), id="one-second"),
    ],
)
def test_valid_close_specs_pass(close: CloseSpec) -> None:
    validate_draft(PollDraft((GOOD,), close=close))
