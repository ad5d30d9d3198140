"""The follow-up form ("Vote on these wishes"): the wishes of a closed poll one per line, how
people vote, when the vote closes and how it reminds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from bot.domain.model import (
    DEFAULT_DOTS,
    DEFAULT_PLACES,
    MAX_DOTS,
    MAX_OPTION_LENGTH,
    MAX_PLACES,
    MAX_QUESTION_LENGTH,
    MIN_DOTS,
    MIN_PLACES,
    Poll,
    QuestionKind,
)
from bot.domain.wishes import MAX_WISHES, MIN_WISHES, Wish, wish_lines
from bot.i18n import t
from bot.slack import ids
from bot.slack.blocks.common import (
    Block,
    View,
    context,
    input_block,
    modal_text,
    option,
    tm,
)
from bot.slack.blocks.create_form import close_and_remind_blocks
from bot.slack.blocks.form_state import FormValues

# The methods of a follow-up vote, in the order the form offers them (the first is chosen).
METHODS: Final = (QuestionKind.DOTS, QuestionKind.RANK, QuestionKind.SINGLE)
# A plain_text_input holds at most 3,000 characters: 25 wishes of 75 and their line breaks fit,
# and a longer list is pre-filled with as many of the most frequent as fit.
MAX_WISHES_INPUT: Final = 3000


def render_follow_up_form(
    original: Poll, wishes: Sequence[Wish], *, lang: str, values: FormValues | None = None
) -> View:
    """The follow-up form, pre-filled with the wishes one per line (most frequent first)."""
    values = values or {}
    shown = _fitting(wishes)
    anonymity = t(
        lang, "follow_up.intro_anonymous" if original.anonymous else "follow_up.intro_named"
    )
    notes = [tm(lang, "follow_up.intro", poll_id=original.id, anonymity=anonymity)]
    if any(wish.shortened for wish in shown):
        notes.append(tm(lang, "follow_up.shortened", max=MAX_OPTION_LENGTH, poll_id=original.id))
    if len(shown) < len(wishes):
        notes.append(
            tm(lang, "follow_up.not_shown", count=len(wishes) - len(shown), poll_id=original.id)
        )
    blocks: list[Block] = [context(*notes)]
    blocks.append(_question_input(values, lang))
    blocks.append(_wishes_input(shown, values, lang))
    blocks.append(_method_input(values, lang))
    blocks.append(
        _number_input(
            ids.FOLLOW_UP_DOTS_BLOCK, "dots", MIN_DOTS, MAX_DOTS, DEFAULT_DOTS, values, lang
        )
    )
    blocks.append(
        _number_input(
            ids.FOLLOW_UP_PLACES_BLOCK,
            "places",
            MIN_PLACES,
            MAX_PLACES,
            DEFAULT_PLACES,
            values,
            lang,
        )
    )
    blocks.extend(close_and_remind_blocks(values, lang))
    return {
        "type": "modal",
        "callback_id": ids.FOLLOW_UP_VIEW,
        "private_metadata": json.dumps({"poll_id": original.id, "channel_id": original.channel_id}),
        "title": modal_text(t(lang, "follow_up.title")),
        "submit": modal_text(t(lang, "follow_up.submit")),
        "close": modal_text(t(lang, "follow_up.cancel")),
        "blocks": blocks,
    }


def read_follow_up_metadata(private_metadata: str) -> tuple[int, str]:
    """The original poll's id and channel the follow-up form was opened for ((0, "") when the
    metadata is not the form's: the poll is then not found, politely)."""
    try:
        metadata = json.loads(private_metadata)
    except ValueError:
        return 0, ""
    if not isinstance(metadata, dict):
        return 0, ""
    poll_id, channel_id = metadata.get("poll_id"), metadata.get("channel_id")
    return (
        poll_id if isinstance(poll_id, int) else 0,
        channel_id if isinstance(channel_id, str) else "",
    )


def _fitting(wishes: Sequence[Wish]) -> list[Wish]:
    """The most frequent wishes whose lines fit the input (all of them, nearly always)."""
    shown: list[Wish] = []
    for wish in wishes:
        if len(wish_lines([*shown, wish])) > MAX_WISHES_INPUT:
            break
        shown.append(wish)
    return shown


def _question_input(values: FormValues, lang: str) -> Block:
    typed = values.get(ids.FOLLOW_UP_QUESTION_BLOCK)
    question = typed if isinstance(typed, str) and typed else t(lang, "follow_up.question.default")
    element = {
        "type": "plain_text_input",
        "action_id": ids.FORM_ELEMENT,
        "max_length": MAX_QUESTION_LENGTH,
        "initial_value": question,
    }
    return input_block(ids.FOLLOW_UP_QUESTION_BLOCK, t(lang, "follow_up.question.label"), element)


def _wishes_input(wishes: Sequence[Wish], values: FormValues, lang: str) -> Block:
    typed = values.get(ids.FOLLOW_UP_WISHES_BLOCK)
    lines = typed if isinstance(typed, str) else wish_lines(wishes)
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.FORM_ELEMENT,
        "multiline": True,
        "max_length": MAX_WISHES_INPUT,
    }
    if lines:
        element["initial_value"] = lines[:MAX_WISHES_INPUT]
    hint = t(
        lang, "follow_up.wishes.hint", min=MIN_WISHES, max=MAX_WISHES, length=MAX_OPTION_LENGTH
    )
    return input_block(
        ids.FOLLOW_UP_WISHES_BLOCK, t(lang, "follow_up.wishes.label"), element, hint=hint
    )


def _method_input(values: FormValues, lang: str) -> Block:
    """The methods, each saying how much a person gives (the number of the field below)."""
    dots = _typed_number(values, ids.FOLLOW_UP_DOTS_BLOCK, MIN_DOTS, MAX_DOTS, DEFAULT_DOTS)
    places = _typed_number(
        values, ids.FOLLOW_UP_PLACES_BLOCK, MIN_PLACES, MAX_PLACES, DEFAULT_PLACES
    )
    choices = [
        option(
            t(lang, f"follow_up.method.{kind.value}"),
            kind.value,
            t(lang, f"follow_up.method_hint.{kind.value}", dots=dots, places=places),
        )
        for kind in METHODS
    ]
    chosen = values.get(ids.FOLLOW_UP_METHOD_BLOCK) or METHODS[0].value
    element: dict[str, Any] = {
        "type": "radio_buttons",
        "action_id": ids.FORM_ELEMENT,
        "options": choices,
    }
    for choice in choices:
        if choice["value"] == chosen:
            element["initial_option"] = choice
    return input_block(ids.FOLLOW_UP_METHOD_BLOCK, t(lang, "follow_up.method.label"), element)


def _number_input(
    block_id: str,
    name: str,
    low: int,
    high: int,
    default: int,
    values: FormValues,
    lang: str,
) -> Block:
    element = {
        "type": "number_input",
        "action_id": ids.FORM_ELEMENT,
        "is_decimal_allowed": False,
        "min_value": str(low),
        "max_value": str(high),
        "initial_value": str(_typed_number(values, block_id, low, high, default)),
    }
    hint = t(lang, f"follow_up.{name}.hint", min=low, max=high, default=default)
    return input_block(
        block_id, t(lang, f"follow_up.{name}.label"), element, hint=hint, optional=True
    )


def _typed_number(values: FormValues, block_id: str, low: int, high: int, default: int) -> int:
    """The number typed in a field when the form is shown again, if it is one in range."""
    typed = values.get(block_id)
    if isinstance(typed, str) and typed.strip().isdigit() and low <= int(typed) <= high:
        return int(typed)
    return default
