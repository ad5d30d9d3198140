"""The lines that tie a poll of wishes to its follow-up vote: the organiser's next steps (on the
summary and in an ephemeral), "Follow-up to #12", and the link in the original summary's thread."""

from __future__ import annotations

import re
from typing import Final

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

# A link Slack gave (chat.getPermalink): https, and nothing that could end the <url|label> token.
_URL: Final = re.compile(r"https://[^\s<>|]+")


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


def _linked(label: str, url: str | None) -> Mrkdwn:
    """label as mrkdwn, linking to url (a permalink Slack gave) when there is a usable one."""
    text = escape(label)
    if url is None or not _URL.fullmatch(url):
        return Mrkdwn(text)
    return Mrkdwn(f"<{url}|{text}>")


def origin_line(origin: FollowUpOrigin, lang: str) -> str:
    """ "Follow-up to #12", the number linking to that poll's summary when Slack gave a link."""
    number = t(lang, "follow_up.origin_poll", poll_id=origin.poll_id)
    return tm(lang, "follow_up.origin", poll=_linked(number, origin.summary_link))


def render_follow_up_link(
    original: Poll, follow_up: Poll, link: str | None, *, lang: str
) -> Message:
    """The reply in the original summary's thread pointing to the follow-up vote."""
    name = t(lang, "follow_up.link_poll", poll_id=follow_up.id)
    text = tm(lang, "follow_up.link", poll=_linked(name, link), closes=follow_up.closes_at)
    return make_message(text, sections(text))
