"""Rules a poll description must meet, shared by the quick syntax and the create form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.domain.errors import InvalidPollInput
from bot.domain.model import (
    DEFAULT_DOTS,
    DEFAULT_PLACES,
    MAX_DOTS,
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_PLACES,
    MAX_QUESTION_LENGTH,
    MAX_QUESTIONS,
    MIN_DOTS,
    MIN_OPTIONS,
    MIN_PLACES,
    MIN_REMIND_INTERVAL,
    NPS_SCALE,
    RATING_SCALE,
    AbsoluteClose,
    AudienceKind,
    PollDraft,
    Question,
    QuestionAnswer,
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
EVENT_FIELD = "event"
REPEAT_FIELD = "repeat"


def question_field(index: int) -> str:
    """Form field name of the text of question index (0-based)."""
    return f"q{index}"


def options_field(index: int) -> str:
    """Form field name of the options of question index (0-based)."""
    return f"q{index}_options"


def size_field(index: int) -> str:
    """Form field name of the dots or places of question index (0-based)."""
    return f"q{index}_size"


def resolved_size(kind: QuestionKind, size: int | None, option_count: int) -> int | None:
    """The size a question is stored with: None for kinds without one, the default where none
    was given. A ranking left at its default ranks no more places than there are options (two
    options rank two places); a size given explicitly is kept, for validation to judge."""
    if kind is QuestionKind.DOTS:
        return DEFAULT_DOTS if size is None else size
    if kind is QuestionKind.RANK:
        return min(DEFAULT_PLACES, max(option_count, MIN_PLACES)) if size is None else size
    return None


def with_resolved_size(question: Question) -> Question:
    """The question with its size resolved (see resolved_size)."""
    size = resolved_size(question.kind, question.size, len(question.options))
    if size == question.size:
        return question
    return Question(
        question.text,
        question.kind,
        question.options,
        size=size,
        open=question.open,
        suggestions=question.suggestions,
    )


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
    if question.kind.has_options:
        _validate_options(index, question.options)
    elif question.options:
        key = {
            QuestionKind.TEXT: "error.text_with_options",
            QuestionKind.NPS: "error.nps_with_options",
        }.get(question.kind, "error.rating_with_options")
        raise InvalidPollInput(key, field=options_field(index), number=number)
    _validate_size(index, question)


def _validate_size(index: int, question: Question) -> None:
    """Dots between 1 and 10; places between 2 and 5 and no more than there are options."""
    field = size_field(index)
    number = index + 1
    size = question.size
    if question.kind is QuestionKind.DOTS:
        if size is None or not MIN_DOTS <= size <= MAX_DOTS:
            raise InvalidPollInput(
                "error.bad_dots", field=field, value=str(size), min=MIN_DOTS, max=MAX_DOTS
            )
    elif question.kind is QuestionKind.RANK:
        if size is None or not MIN_PLACES <= size <= MAX_PLACES:
            raise InvalidPollInput(
                "error.bad_places", field=field, value=str(size), min=MIN_PLACES, max=MAX_PLACES
            )
        if size > len(question.options):
            raise InvalidPollInput(
                "error.rank_too_few_options",
                field=field,
                number=number,
                places=size,
                options=len(question.options),
            )
    elif size is not None:
        raise InvalidPollInput("error.size_not_allowed", field=field, number=number)


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


def validate_event(event: AbsoluteClose) -> None:
    """Check that an event date (and time) is a real calendar date and time."""
    try:
        dt.datetime(event.year, event.month, event.day, event.hour or 0, event.minute)
    except ValueError:
        raise InvalidPollInput(
            "error.bad_event", field=EVENT_FIELD, value=format_absolute_close(event)
        ) from None


def format_absolute_close(close: AbsoluteClose) -> str:
    """Write a local close date as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`."""
    date_text = f"{close.year:04d}-{close.month:02d}-{close.day:02d}"
    if close.hour is None:
        return date_text
    return f"{date_text} {close.hour:02d}:{close.minute:02d}"


def check_recurring(draft: PollDraft) -> None:
    """What a recurring poll cannot be: it lasts a duration each time, never until a date."""
    if draft.every is None:
        if draft.first_start is not None:
            raise InvalidPollInput("error.first_start_without_repeat", field=REPEAT_FIELD)
        return
    if not isinstance(draft.close, dt.timedelta):
        raise InvalidPollInput("error.every_with_date", field=CLOSE_FIELD)
    if draft.event is not None:
        raise InvalidPollInput("error.every_with_event", field=EVENT_FIELD)
    if draft.follow_up_of is not None:
        raise InvalidPollInput("error.every_with_follow_up", field=REPEAT_FIELD)


def validate_draft(draft: PollDraft) -> None:
    """Check a whole draft: questions, close, reminder interval and audience."""
    validate_questions(draft.questions)
    validate_close(draft.close)
    if draft.event is not None:
        validate_event(draft.event)
    check_recurring(draft)
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


def answer_fits(
    kind: QuestionKind, size: int | None, option_count: int, answer: QuestionAnswer
) -> bool:
    """Whether an answer can stand for a question of this shape: real options only, at most
    size dots (an option once per dot) or size places (each option once), a rating or score on
    its scale. The forms check this with their own messages; the store checks it again."""
    choices = answer.choices
    if any(not 0 <= choice < option_count for choice in choices):
        return False
    if kind.has_options:
        if answer.rating is not None:
            return False
        if kind is QuestionKind.SINGLE:
            return len(choices) <= 1
        if kind is QuestionKind.DOTS:
            return len(choices) <= (size or DEFAULT_DOTS)
        unique = len(set(choices)) == len(choices)
        if kind is QuestionKind.RANK:
            return unique and len(choices) <= (size or DEFAULT_PLACES)
        return unique
    if choices:
        return False
    if kind is QuestionKind.RATING:
        return answer.rating is None or answer.rating in RATING_SCALE
    if kind is QuestionKind.NPS:
        return answer.rating is None or answer.rating in NPS_SCALE
    return answer.rating is None
