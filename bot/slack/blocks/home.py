"""The Home tab: what the person still has to answer, the polls they run, how to start one.

One renderer, within Slack's limits for any number of polls and any length of question: 100
blocks a Home tab, 3,000 characters a section."""

from __future__ import annotations

from bot.domain.model import Poll, PollStatus
from bot.i18n import t
from bot.services.home import HomeContent, OwnClosedPoll, OwnOpenPoll
from bot.slack import ids
from bot.slack.blocks.common import (
    MAX_MODAL_BLOCKS,
    Block,
    Mrkdwn,
    View,
    actions,
    button,
    context,
    divider,
    header,
    section,
    slack_date,
    tm,
)
from bot.slack.blocks.poll_message import close_confirm, preview
from bot.slack.blocks.series import every_text, series_question
from bot.slack.blocks.text import escape

# A question is cut to this in a Home line (the whole question is in the poll and its form).
QUESTION_LENGTH = 200


def channel_mention(channel_id: str) -> Mrkdwn:
    return Mrkdwn(f"<#{escape(channel_id)}>")


def render_home(content: HomeContent, *, lang: str, command: str) -> View:
    """The person's Home tab as a views.publish view."""
    blocks = [
        *_waiting_blocks(content, lang),
        divider(),
        *_own_blocks(content, lang),
        *_series_blocks(content, lang),
        divider(),
        *_start_blocks(lang, command),
    ]
    # A last guard: the lists are capped so that this never cuts, whatever their lengths.
    return {"type": "home", "blocks": blocks[:MAX_MODAL_BLOCKS]}


def _waiting_blocks(content: HomeContent, lang: str) -> list[Block]:
    blocks: list[Block] = [header(t(lang, "home.waiting.header"))]
    if not content.waiting:
        return [*blocks, section(t(lang, "home.waiting.none"))]
    for poll in content.waiting:
        answer = button(t(lang, "poll.button.answer"), ids.OPEN_ANSWER_ACTION, str(poll.id))
        blocks.append(
            section(
                _poll_line(poll, "home.waiting.entry", lang),
                accessory=answer,
                block_id=f"{ids.HOME_WAITING_BLOCK}.{poll.id}",
            )
        )
    if content.more_waiting:
        blocks.append(context(t(lang, "home.more", count=content.more_waiting)))
    return blocks


def _poll_line(poll: Poll, key: str, lang: str) -> str:
    return tm(
        lang,
        key,
        poll_id=poll.id,
        question=preview(poll, QUESTION_LENGTH),
        channel=channel_mention(poll.channel_id),
        closes=slack_date(poll.closes_at, lang),
    )


def _own_blocks(content: HomeContent, lang: str) -> list[Block]:
    blocks: list[Block] = [header(t(lang, "home.own.header"))]
    if not content.open_polls and not content.closed_polls:
        # A series whose first poll has not started yet is theirs too: listed below.
        return blocks if content.series else [*blocks, section(t(lang, "home.own.none"))]
    for entry in content.open_polls:
        blocks.extend(_open_poll_blocks(entry, lang))
    if content.more_open:
        blocks.append(context(t(lang, "home.own.more_open")))
    if content.closed_polls:
        blocks.append(context(t(lang, "home.closed.header")))
    for closed in content.closed_polls:
        blocks.extend(_closed_poll_blocks(closed, lang))
    return blocks


def _series_blocks(content: HomeContent, lang: str) -> list[Block]:
    """The person's recurring series, each with Stop series; nothing when there are none."""
    if not content.series:
        return []
    blocks: list[Block] = [divider(), header(t(lang, "home.series.header"))]
    for series in content.series:
        text = tm(
            lang,
            "home.series.entry",
            question=series_question(series, QUESTION_LENGTH),
            every=Mrkdwn(every_text(series, lang)),
            channel=channel_mention(series.channel_id),
            next=slack_date(series.next_start_at, lang),
        )
        stop = button(
            t(lang, "home.button.stop_series"), ids.HOME_STOP_SERIES_ACTION, str(series.id)
        )
        block_id = f"{ids.HOME_SERIES_BLOCK}.{series.id}"
        blocks.append(section(text, accessory=stop, block_id=block_id))
    if content.more_series:
        blocks.append(context(t(lang, "home.more", count=content.more_series)))
    return blocks


def _open_poll_blocks(entry: OwnOpenPoll, lang: str) -> list[Block]:
    poll = entry.poll
    if poll.status is PollStatus.OPEN:
        key = "home.own.entry"
    else:  # closed for answers, its summary not out yet: whether Slack keeps refusing it
        key = "home.own.entry_retrying" if entry.failed_close_attempts else "home.own.entry_closing"
    text = tm(
        lang,
        key,
        poll_id=poll.id,
        question=preview(poll, QUESTION_LENGTH),
        channel=channel_mention(poll.channel_id),
        closes=slack_date(poll.closes_at, lang),
        answered=entry.answered,
        asked=entry.asked,
        attempts=entry.failed_close_attempts,
    )
    block_id = f"{ids.HOME_OWN_BLOCK}.{poll.id}"
    blocks = [section(text, block_id=block_id)]
    if poll.status is PollStatus.OPEN:
        value = str(poll.id)
        buttons = [
            button(
                t(lang, "home.button.close"),
                ids.CLOSE_ACTION,
                value,
                style="danger",
                confirm=close_confirm(poll.id, lang),
            ),
            button(t(lang, "home.button.remind"), ids.HOME_REMIND_ACTION, value),
            button(t(lang, "home.button.extend"), ids.HOME_EXTEND_ACTION, value),
            button(t(lang, "home.button.export"), ids.HOME_EXPORT_ACTION, value),
        ]
        blocks.extend(actions(f"{block_id}.actions", buttons))
    return blocks


def _closed_poll_blocks(entry: OwnClosedPoll, lang: str) -> list[Block]:
    poll = entry.poll
    question = preview(poll, QUESTION_LENGTH)
    if entry.summary_link is not None:
        key = "home.closed.entry_linked"
        link = Mrkdwn(escape(entry.summary_link))
    else:
        key, link = "home.closed.entry", Mrkdwn("")
    when = poll.closed_at or poll.closes_at
    text = tm(lang, key, poll_id=poll.id, question=question, link=link, closed=when)
    block_id = f"{ids.HOME_CLOSED_BLOCK}.{poll.id}"
    value = str(poll.id)
    buttons = []
    if entry.has_wishes:
        buttons.append(
            button(t(lang, "next_steps.button.prioritise"), ids.PRIORITISE_ACTION, value)
        )
    buttons.append(button(t(lang, "next_steps.button.outcome"), ids.OUTCOME_ACTION, value))
    return [section(text, block_id=block_id), *actions(f"{block_id}.actions", buttons)]


def _start_blocks(lang: str, command: str) -> list[Block]:
    new_poll = button(
        t(lang, "home.button.new_poll"), ids.HOME_NEW_POLL_ACTION, "", style="primary"
    )
    return [
        header(t(lang, "home.start.header")),
        section(tm(lang, "home.start.text", command=Mrkdwn(escape(command)))),
        *actions(ids.HOME_START_BLOCK, [new_poll]),
    ]
