"""The poll message in the channel: the questions, who asks, counts, and the answer buttons."""

from __future__ import annotations

from typing import Any

from bot.domain.model import Poll, PollCounts, Question, QuestionKind
from bot.domain.suggestions import open_questions, vote_check
from bot.i18n import t
from bot.services.ports import FollowUpOrigin
from bot.slack import ids
from bot.slack.blocks.common import (
    Block,
    Message,
    Mrkdwn,
    actions,
    button,
    confirm_dialog,
    context,
    header,
    make_message,
    sections,
    slack_date,
    tm,
    user_mention,
)
from bot.slack.blocks.event import event_line
from bot.slack.blocks.follow_up_notes import origin_line
from bot.slack.blocks.text import shorten, user_mrkdwn, user_plain

# The fallback text is a notification preview: a short start of the question is enough.
_PREVIEW_LENGTH = 200


def kind_label(question: Question, lang: str) -> str:
    """How a question is answered, in words ("Choose one", "Spread 3 dots over the options")."""
    if question.kind is QuestionKind.DOTS and question.size == 1:
        return t(lang, "poll.kind.dots_one")
    return t(lang, f"poll.kind.{question.kind.value}", dots=question.size, places=question.size)


def question_sections(poll: Poll, lang: str) -> list[Block]:
    """The poll's questions: one in bold, or several numbered, each with how it is answered."""
    if len(poll.questions) == 1:
        question = poll.questions[0]
        key = "poll.question_one_click" if poll.is_one_click else "poll.question_single"
        text = t(lang, key, question=user_mrkdwn(question.text), kind=kind_label(question, lang))
        return sections(text)
    blocks: list[Block] = []
    for number, question in enumerate(poll.questions, start=1):
        text = t(
            lang,
            "poll.question_numbered",
            number=number,
            question=user_mrkdwn(question.text),
            kind=kind_label(question, lang),
        )
        blocks.extend(sections(text))
    return blocks


def anonymity_note(poll: Poll, lang: str) -> str:
    """What the organiser can and cannot see, in plain words."""
    return t(lang, "poll.anonymous_note" if poll.anonymous else "poll.named_note")


def close_confirm(poll_id: int, lang: str) -> dict[str, Any]:
    """The "close the poll?" dialog of every Close button (the poll message's, Home's): a close
    cannot be undone."""
    return confirm_dialog(
        t(lang, "poll.close_confirm.title", poll_id=poll_id),
        t(lang, "poll.close_confirm.text"),
        t(lang, "poll.close_confirm.confirm"),
        t(lang, "poll.close_confirm.deny"),
    )


def preview(poll: Poll, length: int = _PREVIEW_LENGTH) -> Mrkdwn:
    """The start of the first question, as mrkdwn, for previews and notification texts."""
    if not poll.questions:
        return Mrkdwn("")
    return Mrkdwn(shorten(user_mrkdwn(poll.questions[0].text), length))


def _origin_blocks(origin: FollowUpOrigin | None, lang: str) -> list[Block]:
    return [] if origin is None else [context(origin_line(origin, lang))]


def render_poll_message(
    poll: Poll,
    *,
    answered: int,
    asked: int,
    lang: str,
    origin: FollowUpOrigin | None = None,
) -> Message:
    """The open poll as posted in the channel (in the organiser's language); a follow-up says
    which poll it follows."""
    facts = tm(
        lang,
        "poll.facts_open",
        organiser=user_mention(poll.organiser_id),
        closes=slack_date(poll.closes_at, lang),
        poll_id=poll.id,
        answered=answered,
        asked=asked,
    )
    hint_key = "poll.one_click_hint" if poll.is_one_click else "poll.answer_hint"
    blocks = [
        header(t(lang, "poll.header", poll_id=poll.id)),
        *_origin_blocks(origin, lang),
        *question_sections(poll, lang),
        *event_line(poll, lang),
        context(facts),
        context(anonymity_note(poll, lang), t(lang, hint_key)),
    ]
    value = str(poll.id)
    suggestions_open = bool(open_questions(poll))
    blocks.extend(suggested_options_context(poll, lang))
    if poll.is_one_click:
        votes = [
            button(user_plain(text), ids.vote_action_id(index), vote_value(poll, index))
            for index, text in enumerate(poll.questions[0].options)
        ]
        blocks.extend(actions(ids.POLL_VOTE_BLOCK, votes))
    controls = (
        []
        if poll.is_one_click
        else [button(t(lang, "poll.button.answer"), ids.OPEN_ANSWER_ACTION, value, style="primary")]
    )
    if suggestions_open:
        controls.append(button(t(lang, "poll.button.suggest"), ids.SUGGEST_ACTION, value))
    confirm = close_confirm(poll.id, lang)
    controls.append(button(t(lang, "poll.button.close"), ids.CLOSE_ACTION, value, confirm=confirm))
    blocks.extend(actions(ids.POLL_ACTIONS_BLOCK, controls))
    fallback = tm(
        lang,
        "poll.fallback",
        poll_id=poll.id,
        organiser=user_mention(poll.organiser_id),
        question=preview(poll),
    )
    return make_message(fallback, blocks)


def vote_value(poll: Poll, index: int) -> str:
    """The value of a one-click button: poll and option, and, when options may change, the
    fingerprint of the options up to this one (a click from before a removal is refused)."""
    if not poll.questions[0].open:
        return f"{poll.id}:{index}"
    return f"{poll.id}:{index}:{vote_check(poll, index).digest}"


def suggested_options_context(poll: Poll, lang: str) -> list[Block]:
    """The options respondents added, each with its number (what remove-option takes). Never
    who added them: the poll message is for everyone."""
    blocks: list[Block] = []
    several = len(poll.questions) > 1
    for number, question in enumerate(poll.questions, start=1):
        if not question.suggestions:
            continue
        listed = ", ".join(
            t(
                lang,
                "poll.suggested_option",
                number=s.position + 1,
                option=user_mrkdwn(question.options[s.position]),
            )
            for s in question.suggestions
            if s.position < len(question.options)
        )
        key = "poll.suggested_numbered" if several else "poll.suggested"
        blocks.append(context(t(lang, key, number=number, options=listed)))
    return blocks


def render_closed_poll_message(
    poll: Poll,
    *,
    answered: int,
    asked: int,
    lang: str,
    origin: FollowUpOrigin | None = None,
) -> Message:
    """The poll message after closing: no buttons, when it closed and the final counts."""
    closed_at = poll.closed_at or poll.closes_at
    facts = tm(
        lang,
        "poll.facts_closed",
        organiser=user_mention(poll.organiser_id),
        closed=slack_date(closed_at, lang),
        poll_id=poll.id,
        answered=answered,
        asked=asked,
    )
    blocks = [
        header(t(lang, "poll.header_closed", poll_id=poll.id)),
        *_origin_blocks(origin, lang),
        *question_sections(poll, lang),
        *event_line(poll, lang),
        context(facts),
        context(anonymity_note(poll, lang)),
    ]
    fallback = tm(lang, "poll.fallback_closed", poll_id=poll.id, question=preview(poll))
    return make_message(fallback, blocks)


def render_options_changed(poll: Poll, counts: PollCounts, *, lang: str) -> Message:
    """For someone who clicked an option shown before one was removed: nothing was counted,
    and here is the poll as it is now, to click again."""
    note = tm(lang, "notice.options_changed", poll_id=poll.id)
    current = render_poll_message(poll, answered=counts.answered, asked=counts.asked, lang=lang)
    return make_message(note, [*sections(note), *map(dict, current.blocks)])
