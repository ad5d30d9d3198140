"""The answer modal: one optional input per question, pre-filled with the person's last answer."""

from __future__ import annotations

from typing import Any

from bot.domain.errors import PollError
from bot.domain.model import (
    DEFAULT_DOTS,
    DEFAULT_PLACES,
    MAX_FREE_TEXT_LENGTH,
    NPS_SCALE,
    RATING_SCALE,
    Poll,
    Question,
    QuestionAnswer,
    QuestionKind,
    Response,
)
from bot.domain.suggestions import form_check
from bot.i18n import t
from bot.slack import ids
from bot.slack.blocks.common import (
    MAX_LABEL_TEXT,
    MAX_MODAL_BLOCKS,
    Block,
    Message,
    View,
    context,
    modal_text,
    option,
    plain,
    sections,
    slack_date,
    tm,
    user_mention,
)
from bot.slack.blocks.notices import render_error
from bot.slack.blocks.poll_message import anonymity_note
from bot.slack.blocks.text import user_plain

# Radio buttons and checkboxes take at most 10 options; longer lists become selects.
_MAX_INLINE_OPTIONS = 10
# The blocks of the modal before the questions: the intro and the anonymity note.
_INTRO_BLOCKS = 2
# Kinds answered in several inputs under a title section: a dot vote (a select per option, or
# per dot where that is too many blocks) and a ranking (a select per place).
_SPREAD_KINDS = frozenset({QuestionKind.DOTS, QuestionKind.RANK})


def render_answer_modal(
    poll: Poll, *, previous: Response | None, lang: str, note: str | None = None
) -> View:
    """The modal a person answers in (in their own language); private_metadata is the poll id
    (see answer_metadata). note: a line to show first (why the form is shown again)."""
    intro = tm(
        lang,
        "answer.intro",
        organiser=user_mention(poll.organiser_id),
        closes=slack_date(poll.closes_at, lang),
    )
    blocks: list[Block] = [context(intro), context(anonymity_note(poll, lang))]
    if note is not None:
        blocks.insert(0, context(note))
    several = len(poll.questions) > 1
    by_option = dots_by_option(poll)
    for index, question in enumerate(poll.questions):
        answer = _previous_answer(previous, index)
        label = user_plain(question.text)
        if several:
            label = t(lang, "answer.question_label", number=index + 1, question=label)
        if question.kind in _SPREAD_KINDS:
            blocks.extend(_spread_blocks(index, question, answer, label, by_option, lang))
            continue
        blocks.append(
            {
                "type": "input",
                "block_id": ids.answer_block_id(index),
                "optional": True,
                "label": plain(label, MAX_LABEL_TEXT),
                "hint": plain(_hint(question, lang), MAX_LABEL_TEXT),
                "element": _element(question, answer, lang),
            }
        )
    return {
        "type": "modal",
        "callback_id": ids.ANSWER_VIEW,
        "private_metadata": answer_metadata(poll),
        "title": modal_text(t(lang, "answer.title", poll_id=poll.id)),
        "submit": modal_text(t(lang, "answer.submit")),
        "close": modal_text(t(lang, "answer.cancel")),
        "blocks": blocks,
    }


def dots_by_option(poll: Poll) -> bool:
    """Whether dot votes are answered with a select of 0..N per option (True) or, where that
    would pass the modal's 100 blocks (several dot votes of many options), with a select of
    the options per dot: N selects of "where does this dot go"."""
    return _block_count(poll, by_option=True) <= MAX_MODAL_BLOCKS


def _block_count(poll: Poll, *, by_option: bool) -> int:
    return _INTRO_BLOCKS + sum(
        1 + len(_spread_ids(index, question, by_option)) if question.kind in _SPREAD_KINDS else 1
        for index, question in enumerate(poll.questions)
    )


def spread_block_ids(poll: Poll, index: int) -> list[str]:
    """The input blocks of a dot vote or ranking: one per option or dot, or one per place."""
    return _spread_ids(index, poll.questions[index], dots_by_option(poll))


def _spread_ids(index: int, question: Question, by_option: bool) -> list[str]:
    if question.kind is QuestionKind.RANK:
        return [ids.answer_place_block_id(index, place) for place in range(_places(question))]
    if by_option:
        return [ids.answer_option_block_id(index, i) for i in range(len(question.options))]
    return [ids.answer_dot_block_id(index, dot) for dot in range(_dots(question))]


def first_input_block_id(poll: Poll, index: int = 0) -> str:
    """The first input block of question index, where an error about it shows."""
    if index < len(poll.questions) and poll.questions[index].kind in _SPREAD_KINDS:
        return spread_block_ids(poll, index)[0]
    return ids.answer_block_id(index)


def _dots(question: Question) -> int:
    return question.size or DEFAULT_DOTS


def _places(question: Question) -> int:
    return min(question.size or DEFAULT_PLACES, len(question.options))


def _hint(question: Question, lang: str) -> str:
    if question.kind is QuestionKind.DOTS and _dots(question) == 1:
        return t(lang, "answer.hint.dots_one")
    return t(
        lang,
        f"answer.hint.{question.kind.value}",
        dots=_dots(question),
        places=question.size or DEFAULT_PLACES,
    )


def place_label(place: int, lang: str) -> str:
    """ "1st choice", "2nd choice", ... for place 0, 1, ..."""
    return t(lang, f"answer.place.{place + 1}")


def _spread_blocks(
    index: int,
    question: Question,
    answer: QuestionAnswer | None,
    label: str,
    by_option: bool,
    lang: str,
) -> list[Block]:
    """A dot vote or ranking: its question and hint as a title, then one select per option,
    dot or place, each pre-filled from the previous answer."""
    title: Block = {
        "type": "section",
        "block_id": ids.answer_block_id(index),
        "text": plain(f"{label}\n{_hint(question, lang)}"),
    }
    previous = () if answer is None else answer.choices
    option_texts = [user_plain(text) for text in question.options]
    choices = [option(text, str(i)) for i, text in enumerate(option_texts)]
    block_ids = _spread_ids(index, question, by_option)
    blocks = [title]
    if question.kind is QuestionKind.DOTS and by_option:
        counts = [option(str(count), str(count)) for count in range(_dots(question) + 1)]
        for i, block_id in enumerate(block_ids):
            given = previous.count(i)
            chosen = counts[given] if 0 < given < len(counts) else None
            blocks.append(_select_input(block_id, option_texts[i], counts, chosen, "0"))
        return blocks
    for slot, block_id in enumerate(block_ids):
        picked = previous[slot] if slot < len(previous) else None
        chosen = choices[picked] if picked is not None and 0 <= picked < len(choices) else None
        if question.kind is QuestionKind.RANK:
            slot_label = place_label(slot, lang)
        else:
            slot_label = t(lang, "answer.dot_label", dot=slot + 1)
        placeholder = t(lang, "answer.placeholder.single")
        blocks.append(_select_input(block_id, slot_label, choices, chosen, placeholder))
    return blocks


def _select_input(
    block_id: str,
    label: str,
    choices: list[dict[str, Any]],
    chosen: dict[str, Any] | None,
    placeholder: str,
) -> Block:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.ANSWER_ELEMENT,
        "options": choices,
        "placeholder": plain(placeholder),
    }
    if chosen is not None:
        element["initial_option"] = chosen
    return {
        "type": "input",
        "block_id": block_id,
        "optional": True,
        "label": plain(label, MAX_LABEL_TEXT),
        "element": element,
    }


def answer_metadata(poll: Poll) -> str:
    """The poll id, and for a poll whose options may change, the options the form shows (a form
    sent after a removal is refused rather than counted for the options now numbered so)."""
    if not any(question.open for question in poll.questions):
        return str(poll.id)
    return f"{poll.id}:{form_check(poll).token()}"


def _previous_answer(previous: Response | None, index: int) -> QuestionAnswer | None:
    if previous is None or index >= len(previous.answers):
        return None
    return previous.answers[index]


def _element(question: Question, answer: QuestionAnswer | None, lang: str) -> dict[str, Any]:
    if question.kind is QuestionKind.TEXT:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": ids.ANSWER_ELEMENT,
            "multiline": True,
            "max_length": MAX_FREE_TEXT_LENGTH,
            "placeholder": plain(t(lang, "answer.placeholder.text")),
        }
        if answer is not None and answer.text:
            element["initial_value"] = user_plain(answer.text)[:MAX_FREE_TEXT_LENGTH]
        return element
    if question.kind is QuestionKind.NPS:
        return _nps_element(answer, lang)
    if question.kind is QuestionKind.RATING:
        choices = [option(t(lang, f"rating.{point}"), str(point)) for point in RATING_SCALE]
        element = {"type": "radio_buttons", "action_id": ids.ANSWER_ELEMENT, "options": choices}
        if answer is not None and answer.rating in RATING_SCALE:
            element["initial_option"] = choices[RATING_SCALE.index(answer.rating)]
        return element
    choices = [option(user_plain(text), str(index)) for index, text in enumerate(question.options)]
    chosen = [] if answer is None else [choices[i] for i in answer.choices if 0 <= i < len(choices)]
    inline = len(choices) <= _MAX_INLINE_OPTIONS
    if question.kind is QuestionKind.SINGLE:
        element = {"type": "radio_buttons" if inline else "static_select", "options": choices}
        if not inline:
            element["placeholder"] = plain(t(lang, "answer.placeholder.single"))
        if chosen:
            element["initial_option"] = chosen[0]
    else:
        element = {"type": "checkboxes" if inline else "multi_static_select", "options": choices}
        if not inline:
            element["placeholder"] = plain(t(lang, "answer.placeholder.multi"))
        if chosen:
            element["initial_options"] = chosen
    element["action_id"] = ids.ANSWER_ELEMENT
    return element


def _nps_element(answer: QuestionAnswer | None, lang: str) -> dict[str, Any]:
    """0-10 in a select: radio buttons take at most 10 options, and the scale has 11."""
    ends = {NPS_SCALE[0]: "answer.nps.low", NPS_SCALE[-1]: "answer.nps.high"}
    choices = [
        option(t(lang, ends[score]) if score in ends else str(score), str(score))
        for score in NPS_SCALE
    ]
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.ANSWER_ELEMENT,
        "options": choices,
        "placeholder": plain(t(lang, "answer.placeholder.nps")),
    }
    if answer is not None and answer.rating in NPS_SCALE:
        element["initial_option"] = choices[answer.rating]
    return element


def render_answer_result_view(*, error: PollError | None, poll: Poll | None, lang: str) -> View:
    """What the answer modal turns into after sending: thanks, or why it did not work."""
    if error is not None:
        text = render_error(error, lang=lang).text
    elif poll is not None:
        text = tm(lang, "answer.saved", poll_id=poll.id, closes=poll.closes_at)
    else:
        text = t(lang, "answer.saved_plain")
    return _text_view(text, lang)


def render_notice_view(message: Message, lang: str) -> View:
    """A modal that only shows a message (what a submitted form turns into on a refusal)."""
    return _text_view(message.text, lang)


def _text_view(text: str, lang: str) -> View:
    return {
        "type": "modal",
        "title": modal_text(t(lang, "answer.result_title")),
        "close": modal_text(t(lang, "answer.close")),
        "blocks": sections(text),
    }
