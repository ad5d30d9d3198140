"""The answer modal: one optional input per question, pre-filled with the person's last answer."""

from __future__ import annotations

from typing import Any

from bot.domain.errors import PollError
from bot.domain.model import (
    MAX_FREE_TEXT_LENGTH,
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
    for index, question in enumerate(poll.questions):
        answer = _previous_answer(previous, index)
        label = user_plain(question.text)
        if several:
            label = t(lang, "answer.question_label", number=index + 1, question=label)
        blocks.append(
            {
                "type": "input",
                "block_id": ids.answer_block_id(index),
                "optional": True,
                "label": plain(label, MAX_LABEL_TEXT),
                "hint": plain(t(lang, f"answer.hint.{question.kind.value}"), MAX_LABEL_TEXT),
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
