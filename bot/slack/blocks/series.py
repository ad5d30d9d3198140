"""Recurring series: the organiser's confirmations and the series in the channel's list."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.series import Series
from bot.i18n import t
from bot.slack.blocks.common import (
    Block,
    Message,
    Mrkdwn,
    context,
    header,
    make_message,
    section,
    sections,
    tm,
)
from bot.slack.blocks.text import shorten, user_mrkdwn

_QUESTION_LENGTH = 150
# The channel's list shows at most this many series, then "…and N more".
MAX_LISTED_SERIES = 10


def series_question(series: Series, length: int = _QUESTION_LENGTH) -> Mrkdwn:
    """The first question of the series' polls, as mrkdwn (people's text as they typed it)."""
    questions = series.draft.questions
    return Mrkdwn(shorten(user_mrkdwn(questions[0].text), length) if questions else "")


def every_text(series: Series, lang: str) -> str:
    return t(lang, f"series.every.{series.every.value}")


def series_started_line(series: Series, lang: str) -> str:
    """What the organiser is told besides the poll's own notice: how often it starts again."""
    return tm(
        lang,
        "notice.series_started",
        series_id=series.id,
        every=Mrkdwn(every_text(series, lang)),
        next=series.next_start_at,
    )


def render_series_planned(series: Series, *, lang: str) -> Message:
    """The series starts later (the form's first start date): when, and how often."""
    text = tm(
        lang,
        "notice.series_planned",
        series_id=series.id,
        channel_id=series.channel_id,
        every=Mrkdwn(every_text(series, lang)),
        first=series.next_start_at,
    )
    return make_message(text, sections(text))


def series_entry(series: Series, lang: str) -> str:
    return tm(
        lang,
        "list.series_entry",
        series_id=series.id,
        question=series_question(series),
        every=Mrkdwn(every_text(series, lang)),
        next=series.next_start_at,
    )


def series_blocks(series: Sequence[Series], lang: str) -> list[Block]:
    """The channel's series with their next start, for the end of the poll list."""
    if not series:
        return []
    blocks: list[Block] = [header(t(lang, "list.series_header"))]
    blocks.extend(section(series_entry(one, lang)) for one in series[:MAX_LISTED_SERIES])
    if len(series) > MAX_LISTED_SERIES:
        blocks.append(context(t(lang, "list.more", count=len(series) - MAX_LISTED_SERIES)))
    return blocks
