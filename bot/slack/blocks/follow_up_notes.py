"""The lines that tie a poll of wishes to its follow-up vote: the organiser's next steps (on the
summary and in an ephemeral), "Follow-up to #12", and the link in the original summary's thread."""

from __future__ import annotations

from bot.domain.model import Poll
from bot.i18n import t
from bot.services.ports import FollowUpOrigin
from bot.slack import ids
from bot.slack.blocks.common import (
    Block,
    Message,
    Mrkdwn,
    actions,
    button,
    context,
    make_message,
    sections,
    tm,
)
from bot.slack.blocks.text import escape


def next_steps_actions(poll: Poll, lang: str) -> list[Block]:
    """ "Vote on these wishes" and "Record what we did" (for the organiser; others are refused)."""
    value = str(poll.id)
    buttons = [
        button(
            t(lang, "next_steps.button.prioritise"),
            ids.PRIORITISE_ACTION,
            value,
            style="primary",
        ),
        button(t(lang, "next_steps.button.outcome"), ids.OUTCOME_ACTION, value),
    ]
    return actions(ids.NEXT_STEPS_BLOCK, buttons)


def render_next_steps(poll: Poll, *, lang: str) -> Message:
    """The organiser's ephemeral once a poll of wishes has closed."""
    text = tm(lang, "next_steps.text", poll_id=poll.id)
    blocks = [
        *sections(text),
        context(t(lang, "next_steps.hint")),
        *next_steps_actions(poll, lang),
    ]
    return make_message(tm(lang, "next_steps.fallback", poll_id=poll.id), blocks)


def origin_line(origin: FollowUpOrigin, lang: str) -> str:
    """ "Follow-up to #12", the number linking to that poll's summary when Slack gave a link."""
    number = escape(t(lang, "follow_up.origin_poll", poll_id=origin.poll_id))
    poll = f"<{origin.summary_link}|{number}>" if origin.summary_link else number
    return tm(lang, "follow_up.origin", poll=Mrkdwn(poll))


def render_follow_up_link(
    original: Poll, follow_up: Poll, link: str | None, *, lang: str
) -> Message:
    """The reply in the original summary's thread pointing to the follow-up vote."""
    name = escape(t(lang, "follow_up.link_poll", poll_id=follow_up.id))
    poll = f"<{link}|{name}>" if link else name
    text = tm(lang, "follow_up.link", poll=Mrkdwn(poll), closes=follow_up.closes_at)
    return make_message(text, sections(text))
