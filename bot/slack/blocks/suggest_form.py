"""The small modal in which a respondent suggests an option, and what it turns into after."""

from __future__ import annotations

from typing import Any

from bot.domain.model import MAX_SUGGESTION_LENGTH, Poll
from bot.domain.suggestions import open_questions
from bot.i18n import t
from bot.slack import ids
from bot.slack.blocks.common import (
    MAX_OPTION_TEXT,
    MAX_PLACEHOLDER_TEXT,
    Block,
    Mrkdwn,
    View,
    context,
    input_block,
    modal_text,
    option,
    plain,
    sections,
    tm,
)
from bot.slack.blocks.text import shorten, user_mrkdwn, user_plain


def render_suggest_modal(poll: Poll, *, lang: str) -> View:
    """One text input (at most MAX_SUGGESTION_LENGTH characters), and, when several questions
    take suggestions, which one it is for. private_metadata is the poll id."""
    questions = open_questions(poll)
    blocks: list[Block] = [context(t(lang, "suggest.intro"))]
    if len(questions) == 1:
        only = poll.questions[questions[0]]
        blocks.extend(sections(t(lang, "suggest.for_question", question=user_mrkdwn(only.text))))
    else:
        choices = [
            option(
                shorten(
                    t(lang, "suggest.question_choice", number=i + 1, question=user_plain(q.text)),
                    MAX_OPTION_TEXT,
                ),
                str(i),
            )
            for i, q in ((i, poll.questions[i]) for i in questions)
        ]
        select: dict[str, Any] = {
            "type": "static_select",
            "action_id": ids.SUGGEST_ELEMENT,
            "options": choices,
            "initial_option": choices[0],
        }
        blocks.append(input_block(ids.SUGGEST_QUESTION_BLOCK, t(lang, "suggest.which"), select))
    text_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.SUGGEST_ELEMENT,
        "max_length": MAX_SUGGESTION_LENGTH,
        "placeholder": plain(t(lang, "suggest.placeholder"), MAX_PLACEHOLDER_TEXT),
    }
    hint = t(lang, "suggest.hint", max=MAX_SUGGESTION_LENGTH)
    blocks.append(
        input_block(ids.SUGGEST_TEXT_BLOCK, t(lang, "suggest.label"), text_input, hint=hint)
    )
    return {
        "type": "modal",
        "callback_id": ids.SUGGEST_VIEW,
        "private_metadata": str(poll.id),
        "title": modal_text(t(lang, "suggest.title", poll_id=poll.id)),
        "submit": modal_text(t(lang, "suggest.submit")),
        "close": modal_text(t(lang, "suggest.cancel")),
        "blocks": blocks,
    }


def render_suggestion_added_view(poll: Poll, question: int, position: int, *, lang: str) -> View:
    """What the suggestion modal turns into: the option is there for everyone, and the
    suggester's own answer is as it was."""
    text = tm(
        lang,
        "suggest.added",
        poll_id=poll.id,
        number=position + 1,
        option=Mrkdwn(user_mrkdwn(poll.questions[question].options[position])),
    )
    return {
        "type": "modal",
        "title": modal_text(t(lang, "suggest.done_title")),
        "close": modal_text(t(lang, "answer.close")),
        "blocks": [*sections(text), context(t(lang, "suggest.answer_unchanged"))],
    }
