"""Rules a poll description must meet, shared by the quick syntax and the create form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.domain.errors import InvalidPollInput
from bot.domain.model import (
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUESTION_LENGTH,
    MAX_QUESTIONS,
    MIN_OPTIONS,
    MIN_REMIND_INTERVAL,
    AbsoluteClose,
    AudienceKind,
    PollDraft,
    Question,
    QuestionKind,
)
from bot.domain.suggestions import accepts_suggestions
from bot.domain.text import plain

# Form field names carried by InvalidPollInput.field; the form reader maps them to its blocks.
CLOSE_FIELD = "close"
REMIND_FIELD = "remind"
AUDIENCE_FIELD = "audience"
GROUPS_FIELD = "audience_groups"
SAMPLE_SIZE_FIELD = "sample_size"
CHANNEL_FIELD = "channel"

_CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTI})


def question_field(index: int) -> str:
    """Form field name of the text of question index (0-based)."""
    return f"q{index}"


def options_field(index: int) -> str:
    """Form field name of the options of question index (0-based)."""
    return f"q{index}_options"


def validate_questions(questions: Sequence[Question]) -> None:
    """Check the number of questions and each question's text and options."""
    if not questions:
        raise InvalidPollInput("error.no_questions", field=question_field(0))
    if len(questions) > MAX_QUESTIONS:
        raise InvalidPollInput("error.too_many_questions", max=MAX_QUESTIONS)
    for index, question in enumerate(questions):
        _validate_question(index, question)


def _validate_question(index: int, question: Question) -> None:
    text_field = question_field(index)
    # number is 1-based for messages such as "Question 2 has only one option".
    number = index + 1
    # Limits are what a person reads: a mention counts as its name, "&amp;" as one character.
    text = plain(question.text).strip()
    if not text:
        raise InvalidPollInput("error.empty_question", field=text_field, number=number)
    if len(text) > MAX_QUESTION_LENGTH:
        raise InvalidPollInput(
            "error.question_too_long", field=text_field, number=number, max=MAX_QUESTION_LENGTH
        )
    if question.open and not accepts_suggestions(question.kind):
        raise InvalidPollInput(
            "error.open_needs_choices", field=options_field(index), number=number
        )
    if question.kind in _CHOICE_KINDS:
        _validate_options(index, question.options)
    elif question.options:
        key = "error.rating_with_options"
        if question.kind is QuestionKind.TEXT:
            key = "error.text_with_options"
        raise InvalidPollInput(key, field=options_field(index), number=number)


def _validate_options(index: int, options: Sequence[str]) -> None:
    field = options_field(index)
    number = index + 1
    if not options:
        raise InvalidPollInput("error.missing_options", field=field, number=number)
    if len(options) < MIN_OPTIONS:
        raise InvalidPollInput("error.one_option", field=field, number=number, min=MIN_OPTIONS)
    if len(options) > MAX_OPTIONS:
        raise InvalidPollInput(
            "error.too_many_options", field=field, number=number, max=MAX_OPTIONS
        )
    seen: set[str] = set()
    for option in options:
        text = plain(option).strip()
        if not text:
            raise InvalidPollInput("error.empty_option", field=field, number=number)
        if len(text) > MAX_OPTION_LENGTH:
            raise InvalidPollInput(
                "error.option_too_long",
                field=field,
                number=number,
                option=text,
                max=MAX_OPTION_LENGTH,
            )
        folded = text.casefold()
        if folded in seen:
            raise InvalidPollInput(
                "error.duplicate_option", field=field, number=number, option=text
            )
        seen.add(folded)


def validate_close(close: AbsoluteClose | dt.timedelta) -> None:
    """Check that a close spec is a positive duration or a real calendar date and time."""
    if isinstance(close, dt.timedelta):
        if close <= dt.timedelta(0):
            raise InvalidPollInput("error.bad_close", field=CLOSE_FIELD, value=str(close))
        return
    try:
        dt.datetime(close.year, close.month, close.day, close.hour or 0, close.minute)
    except ValueError:
        raise InvalidPollInput(
            "error.bad_close", field=CLOSE_FIELD, value=format_absolute_close(close)
        ) from None


def format_absolute_close(close: AbsoluteClose) -> str:
    """Write a local close date as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`."""
    date_text = f"{close.year:04d}-{close.month:02d}-{close.day:02d}"
    if close.hour is None:
        return date_text
    return f"{date_text} {close.hour:02d}:{close.minute:02d}"


def validate_draft(draft: PollDraft) -> None:
    """Check a whole draft: questions, close, reminder interval and audience."""
    validate_questions(draft.questions)
    validate_close(draft.close)
    if draft.remind_every is not None and draft.remind_every < MIN_REMIND_INTERVAL:
        raise InvalidPollInput(
            "error.remind_too_short",
            field=REMIND_FIELD,
            min_seconds=int(MIN_REMIND_INTERVAL.total_seconds()),
        )
    audience = draft.audience
    if audience.kind is AudienceKind.PEOPLE and not (audience.user_ids or audience.usergroup_ids):
        raise InvalidPollInput("error.empty_audience", field=AUDIENCE_FIELD)
    if audience.sample_size is not None and audience.sample_size < 1:
        raise InvalidPollInput(
            "error.bad_sample", field=SAMPLE_SIZE_FIELD, value=str(audience.sample_size)
        )
