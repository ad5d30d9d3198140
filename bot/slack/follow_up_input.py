"""What the follow-up form's input says: the vote to create, or every wrong field's message."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.domain.errors import InvalidPollInput, PollError
from bot.domain.model import (
    DEFAULT_DOTS,
    DEFAULT_PLACES,
    MAX_DOTS,
    MAX_PLACES,
    MAX_QUESTION_LENGTH,
    MIN_DOTS,
    MIN_PLACES,
    Question,
    QuestionKind,
)
from bot.domain.text import encode_typed, plain
from bot.domain.wishes import read_wish_list
from bot.services.follow_ups import FollowUpVote
from bot.slack import ids
from bot.slack.blocks.follow_up_form import METHODS
from bot.slack.blocks.form_state import FormValues
from bot.slack.blocks.notices import error_text
from bot.slack.create_form_input import FormErrors, read_close, read_remind
from bot.slack.payloads import WHOLE_NUMBER, read_form_values

# Records the message of one wrong field (the first one per block wins).
Fail = Callable[..., None]


def read_follow_up_form(state_values: Mapping[str, Any], *, lang: str) -> FollowUpVote:
    """The vote a submitted follow-up form describes; FormErrors lists every wrong field."""
    values = read_form_values(state_values)
    errors: dict[str, str] = {}

    def fail(block_id: str, error: PollError, **overrides: object) -> None:
        errors.setdefault(block_id, error_text(error, lang=lang, **overrides))

    question_text = _read_question(values, fail)
    options: tuple[str, ...] = ()
    try:
        # Modal inputs arrive as typed; they are kept in the stored form of people's text.
        options = read_wish_list(encode_typed(_text(values, ids.FOLLOW_UP_WISHES_BLOCK)))
    except InvalidPollInput as error:
        fail(ids.FOLLOW_UP_WISHES_BLOCK, error)
    methods = {kind.value: kind for kind in METHODS}
    kind = methods.get(_text(values, ids.FOLLOW_UP_METHOD_BLOCK), METHODS[0])
    size = _read_size(kind, values, fail)
    if kind is QuestionKind.RANK and options and size is not None and size > len(options):
        fail(
            ids.FOLLOW_UP_PLACES_BLOCK,
            InvalidPollInput("error.follow_up_bad_places", min=MIN_PLACES, max=len(options)),
        )
    close = read_close(values, fail)
    remind_every, remind_explicit = read_remind(values, fail)
    if errors:
        raise FormErrors(errors)
    return FollowUpVote(
        question=Question(text=question_text, kind=kind, options=options, size=size),
        close=close,
        remind_every=remind_every,
        remind_explicit=remind_explicit,
    )


def _text(values: FormValues, block_id: str) -> str:
    value = values.get(block_id)
    return value.strip() if isinstance(value, str) else ""


def _read_question(values: FormValues, fail: Fail) -> str:
    text = encode_typed(_text(values, ids.FOLLOW_UP_QUESTION_BLOCK))
    if not plain(text).strip():
        fail(ids.FOLLOW_UP_QUESTION_BLOCK, InvalidPollInput("error.empty_question", number=1))
    elif len(plain(text)) > MAX_QUESTION_LENGTH:
        error = InvalidPollInput("error.question_too_long", number=1, max=MAX_QUESTION_LENGTH)
        fail(ids.FOLLOW_UP_QUESTION_BLOCK, error)
    return text


def _read_size(kind: QuestionKind, values: FormValues, fail: Fail) -> int | None:
    """Dots to spread or places to rank; None for a pick-one vote."""
    if kind is QuestionKind.DOTS:
        block_id, low, high, default, key = (
            ids.FOLLOW_UP_DOTS_BLOCK,
            MIN_DOTS,
            MAX_DOTS,
            DEFAULT_DOTS,
            "error.follow_up_bad_dots",
        )
    elif kind is QuestionKind.RANK:
        block_id, low, high, default, key = (
            ids.FOLLOW_UP_PLACES_BLOCK,
            MIN_PLACES,
            MAX_PLACES,
            DEFAULT_PLACES,
            "error.follow_up_bad_places",
        )
    else:
        return None
    typed = _text(values, block_id)
    if not typed:
        return default
    if not WHOLE_NUMBER.fullmatch(typed) or not low <= int(typed) <= high:
        fail(block_id, InvalidPollInput(key, min=low, max=high))
        return default
    return int(typed)
