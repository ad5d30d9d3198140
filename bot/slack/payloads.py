"""Reading Slack payloads into domain inputs: form state, the answer form, button values (the
create form has a module of its own, create_form_input)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from bot.domain.errors import InvalidAnswer, PollNotFound
from bot.domain.model import (
    NPS_SCALE,
    RATING_SCALE,
    Poll,
    Question,
    QuestionAnswer,
    QuestionKind,
)
from bot.domain.outcome import MAX_NOTE_LENGTH, Decision, OutcomeStatus
from bot.domain.suggestions import OptionsCheck, open_questions
from bot.domain.text import encode_typed, plain
from bot.slack import ids
from bot.slack.blocks.answer_form import dots_by_option, spread_block_ids
from bot.slack.blocks.form_state import (
    FormMetadata,
    FormValues,
    read_form_metadata,
)
from bot.slack.blocks.templates import BLANK_TEMPLATE, TEMPLATES

__all__ = [
    "FormMetadata",
    "parse_answer_metadata",
    "parse_poll_id_value",
    "parse_vote_button",
    "parse_vote_value",
    "read_answer_form",
    "read_form_metadata",
    "read_form_values",
    "read_outcome_form",
    "read_suggest_form",
    "read_template_choice",
]

_QUESTION_PREFIXES: Final = (
    ids.QUESTION_TEXT_BLOCK_PREFIX,
    ids.QUESTION_KIND_BLOCK_PREFIX,
    ids.QUESTION_OPTIONS_BLOCK_PREFIX,
    ids.QUESTION_SIZE_BLOCK_PREFIX,
    ids.QUESTION_OPEN_BLOCK_PREFIX,
)
_SCALAR_KEYS: Final = (
    "value",
    "selected_date",
    "selected_time",
    "selected_conversation",
    "selected_channel",
    "selected_user",
)
_LIST_KEYS: Final = ("selected_users", "selected_conversations", "selected_channels")
WHOLE_NUMBER: Final = re.compile(r"\d{1,9}")
_POLL_ID: Final = re.compile(r"\d{1,18}")
_VOTE: Final = re.compile(r"(\d{1,18}):(\d{1,4})(?::([0-9a-f]{10}))?")


def read_template_choice(action: Mapping[str, Any]) -> str:
    """The template picked in a block_actions action of the template select."""
    selected = action.get("selected_option")
    value = selected.get("value") if isinstance(selected, Mapping) else None
    return value if isinstance(value, str) and value in TEMPLATES else BLANK_TEMPLATE


def _element_state(
    state_values: Mapping[str, Any], block_id: str, action_id: str
) -> Mapping[str, Any] | None:
    block = state_values.get(block_id)
    if not isinstance(block, Mapping) or not block:
        return None
    element = block.get(action_id)
    if element is None:
        # The question inputs of the create form carry a per-template action_id
        # (ids.question_element_id); every block holds exactly one element, so take it.
        element = next(iter(block.values()))
    return element if isinstance(element, Mapping) else None


def _element_value(element: Mapping[str, Any]) -> str | list[str] | None:
    """The value of one state element, whatever its type; None when nothing was given."""
    for key in _SCALAR_KEYS:
        value = element.get(key)
        if isinstance(value, str) and value:
            return value
    selected = element.get("selected_option")
    if isinstance(selected, Mapping) and isinstance(selected.get("value"), str):
        return str(selected["value"])
    options = element.get("selected_options")
    if isinstance(options, list):
        return [str(o["value"]) for o in options if isinstance(o, Mapping) and "value" in o]
    for key in _LIST_KEYS:
        items = element.get(key)
        if isinstance(items, list):
            return [str(item) for item in items]
    return None


def read_form_values(
    state_values: Mapping[str, Any], *, include_questions: bool = True
) -> FormValues:
    """The create form's current values, to carry over when it is rendered again.

    Leave the questions out (include_questions=False) when a template was chosen, so that the
    template's questions replace them."""
    values: FormValues = {}
    for block_id in state_values:
        if block_id == ids.TEMPLATE_BLOCK:
            continue
        if not include_questions and block_id.startswith(_QUESTION_PREFIXES):
            continue
        element = _element_state(state_values, block_id, ids.FORM_ELEMENT)
        value = None if element is None else _element_value(element)
        if value:
            values[block_id] = value
    return values


def read_answer_form(
    poll: Poll, state_values: Mapping[str, Any]
) -> tuple[QuestionAnswer | None, ...]:
    """One answer per question from the answer modal; None where the person left it empty."""
    answers: list[QuestionAnswer | None] = []
    for index, question in enumerate(poll.questions):
        if question.kind in (QuestionKind.DOTS, QuestionKind.RANK):
            answers.append(_read_spread(poll, index, state_values))
            continue
        element = _element_state(state_values, ids.answer_block_id(index), ids.ANSWER_ELEMENT)
        answers.append(None if element is None else _read_answer(question, element))
    return tuple(answers)


def _read_spread(poll: Poll, index: int, state_values: Mapping[str, Any]) -> QuestionAnswer | None:
    """A dot vote or a ranking from its selects; InvalidAnswer names the block to mark (more
    dots than the question gives, an option ranked twice, a place after an empty one)."""
    question = poll.questions[index]
    block_ids = spread_block_ids(poll, index)
    # Each select holds a number of dots (0..N, one per option) or an option (one per dot of a
    # dot vote of many options, or one per place of a ranking).
    counts_dots = question.kind is QuestionKind.DOTS and dots_by_option(poll)
    below = (question.size or 0) + 1 if counts_dots else len(question.options)
    picked: list[int | None] = []
    for block_id in block_ids:
        element = _element_state(state_values, block_id, ids.ANSWER_ELEMENT)
        value = None if element is None else _element_value(element)
        picked.append(None if value is None else _number(value, below, field=block_id))
    if question.kind is QuestionKind.RANK:
        return _ranking(question, block_ids, picked)
    if counts_dots:
        _check_dots(question, block_ids, picked)
        choices = [option for option, dots in enumerate(picked) for _ in range(dots or 0)]
    else:
        choices = sorted(choice for choice in picked if choice is not None)
    return QuestionAnswer(choices=tuple(choices)) if choices else None


def _check_dots(question: Question, block_ids: list[str], given: list[int | None]) -> None:
    """More dots than the question gives: marked on the option whose dots went over."""
    budget = question.size or 0
    total = 0
    for block_id, dots in zip(block_ids, given, strict=True):
        total += dots or 0
        if total > budget:
            raise InvalidAnswer(
                "error.too_many_dots", field=block_id, dots=budget, given=sum(d or 0 for d in given)
            )


def _ranking(
    question: Question, block_ids: list[str], picked: list[int | None]
) -> QuestionAnswer | None:
    """Places filled from the first on (later ones may stay empty), each option once."""
    ranked: list[int] = []
    for place, (block_id, choice) in enumerate(zip(block_ids, picked, strict=True)):
        if choice is None:
            continue
        if len(ranked) < place:
            raise InvalidAnswer(
                "error.rank_gap", field=block_ids[len(ranked)], place=len(ranked) + 1
            )
        if choice in ranked:
            raise InvalidAnswer(
                "error.repeated_rank",
                field=block_id,
                option=plain(question.options[choice]),
                place=ranked.index(choice) + 1,
            )
        ranked.append(choice)
    return QuestionAnswer(choices=tuple(ranked)) if ranked else None


def _read_answer(question: Question, element: Mapping[str, Any]) -> QuestionAnswer | None:
    value = _element_value(element)
    if question.kind is QuestionKind.TEXT:
        text = value.strip() if isinstance(value, str) else ""
        return QuestionAnswer(text=encode_typed(text)) if text else None
    if value is None or value == []:
        return None
    if question.kind is QuestionKind.RATING:
        rating = _number(value, len(RATING_SCALE) + 1)
        if rating not in RATING_SCALE:
            raise InvalidAnswer()
        return QuestionAnswer(rating=rating)
    if question.kind is QuestionKind.NPS:
        return QuestionAnswer(rating=_number(value, len(NPS_SCALE)))
    chosen = [value] if isinstance(value, str) else value
    choices = sorted({_number(item, len(question.options)) for item in chosen})
    if question.kind is QuestionKind.SINGLE and len(choices) != 1:
        raise InvalidAnswer()
    return QuestionAnswer(choices=tuple(choices))


def _number(value: str | list[str], below: int, *, field: str | None = None) -> int:
    """An option value (a small index or rating) that must be less than below."""
    if not isinstance(value, str) or not WHOLE_NUMBER.fullmatch(value) or int(value) >= below:
        raise InvalidAnswer(field=field)
    return int(value)


def parse_poll_id_value(value: str) -> int:
    """The poll id of a button value "<poll_id>"; PollNotFound when it is not one."""
    if not _POLL_ID.fullmatch(value):
        raise PollNotFound(value)
    return int(value)


def parse_vote_value(value: str) -> tuple[int, int]:
    """(poll id, option index) of a vote button value "<poll_id>:<index>"; PollNotFound if not."""
    poll_id, index, _check = parse_vote_button(value)
    return poll_id, index


def parse_vote_button(value: str) -> tuple[int, int, OptionsCheck | None]:
    """(poll id, option index, the options the button was shown with) of a vote button value
    "<poll_id>:<index>[:<digest>]"; PollNotFound if it is not one."""
    match = _VOTE.fullmatch(value)
    if match is None:
        raise PollNotFound(value)
    index = int(match[2])
    check = None if match[3] is None else OptionsCheck((index + 1,), match[3])
    return int(match[1]), index, check


def read_outcome_form(state_values: Mapping[str, Any]) -> tuple[list[Decision], bool]:
    """The organiser's decisions from the outcome form, and whether everyone is told again."""
    decisions = []
    for block_id in state_values:
        if not block_id.startswith(ids.OUTCOME_STATUS_BLOCK_PREFIX):
            continue
        suffix = block_id[len(ids.OUTCOME_STATUS_BLOCK_PREFIX) :]
        if not suffix.isdigit():
            continue
        position = int(suffix)
        element = _element_state(state_values, block_id, ids.OUTCOME_ELEMENT)
        value = None if element is None else _element_value(element)
        status = OutcomeStatus(value) if value in set(OutcomeStatus) else None
        note_state = _element_state(
            state_values, ids.outcome_note_block_id(position), ids.OUTCOME_ELEMENT
        )
        note = None if note_state is None else _element_value(note_state)
        typed = note.strip()[:MAX_NOTE_LENGTH] if isinstance(note, str) else ""
        decisions.append(Decision(position, status, encode_typed(typed) if typed else None))
    tell = _element_state(state_values, ids.OUTCOME_TELL_AGAIN_BLOCK, ids.OUTCOME_ELEMENT)
    chosen = None if tell is None else _element_value(tell)
    return decisions, isinstance(chosen, list) and bool(chosen)


def parse_answer_metadata(private_metadata: str) -> tuple[int, OptionsCheck | None]:
    """(poll id, the options the form showed) of the answer form's private_metadata."""
    poll_text, colon, token = private_metadata.partition(":")
    poll_id = parse_poll_id_value(poll_text)
    if not colon:
        return poll_id, None
    check = OptionsCheck.from_token(token)
    if check is None:
        raise PollNotFound(private_metadata)
    return poll_id, check


def read_suggest_form(poll: Poll, state_values: Mapping[str, Any]) -> tuple[int, str]:
    """(question position, the suggestion in the stored form) from the suggestion modal; the
    question is the only open one unless the person picked another."""
    questions = open_questions(poll)
    question = questions[0] if questions else 0
    picked = _element_state(state_values, ids.SUGGEST_QUESTION_BLOCK, ids.SUGGEST_ELEMENT)
    value = None if picked is None else _element_value(picked)
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value) and int(value) in questions:
        question = int(value)
    typed = _element_state(state_values, ids.SUGGEST_TEXT_BLOCK, ids.SUGGEST_ELEMENT)
    text = None if typed is None else _element_value(typed)
    return question, encode_typed(text.strip()) if isinstance(text, str) else ""
