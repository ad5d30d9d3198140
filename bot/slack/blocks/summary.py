"""Results: the closing summary (channel message plus thread replies) and interim results."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime

from bot.domain.comparison import Comparison, Measure, QuestionChange
from bot.domain.model import ANONYMITY_THRESHOLD, RATING_SCALE, AudienceKind, Poll, Question
from bot.domain.tally import (
    ChoiceResult,
    DotsResult,
    NpsResult,
    PollTally,
    QuestionResult,
    RankResult,
    RatingResult,
    TextResult,
    bar,
)
from bot.domain.wishes import poll_wishes
from bot.i18n import format_decimal, format_percent, t
from bot.services.ports import FollowUpOrigin
from bot.slack.blocks.common import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    MESSAGE_TEXT_BUDGET,
    Block,
    Message,
    Mrkdwn,
    context,
    divider,
    header,
    make_message,
    section,
    sections,
    slack_date,
    tm,
    user_mention,
)
from bot.slack.blocks.event import closed_before_event
from bot.slack.blocks.follow_up_notes import next_steps_actions, origin_line
from bot.slack.blocks.packing import pack_blocks
from bot.slack.blocks.text import escape, join_within, quote_pieces, shorten, user_mrkdwn

Item = tuple[Block, str | None]

_LABEL_LENGTH = 150
# An option the previous occurrence did not have.
_NO_FIGURE = "\u2013"
# Every page keeps room for one more block and some text: the part label of a thread reply, or
# the "continues in the thread" note of the first message.
_PAGE_BLOCKS = MAX_MESSAGE_BLOCKS - 2
_PAGE_TEXT = MESSAGE_TEXT_BUDGET - 1_000


def render_summary(
    poll: Poll,
    tally: PollTally,
    *,
    lang: str,
    anonymity_threshold: int = ANONYMITY_THRESHOLD,
    origin: FollowUpOrigin | None = None,
    comparison: Comparison | None = None,
) -> list[Message]:
    """The closing summary: the first message goes to the channel, the rest to its thread.

    A follow-up's summary says which poll it follows; a poll of wishes ends in the organiser's
    next steps (on the last part, where the results end). An occurrence of a recurring poll
    compares with the one before (linked): the response rate, and each question's figures."""
    closed = poll.closed_at or poll.closes_at
    intro = [
        header(t(lang, "summary.header", poll_id=poll.id)),
        *([] if origin is None else [context(origin_line(origin, lang))]),
        *_overview(poll, tally, lang, until=closed),
        *([] if comparison is None else [context(_compared_with(comparison, lang))]),
        *closed_before_event(poll, lang),
    ]
    results = _results(poll, tally, lang, anonymity_threshold, comparison)
    # What next only when there are wishes to vote on: none were written, or too few answered
    # an anonymous poll for them to be shown, and both buttons would only be refused.
    wishes = poll_wishes(poll, tally, threshold=anonymity_threshold)
    ending = next_steps_actions(poll, lang) if wishes else []
    messages = _paginate(
        poll, tally, lang, intro, results, more_key="summary.more_in_thread", ending=ending
    )
    if poll.outcome_reported_at is not None:
        # Pages keep room for one more block: the first message says a report exists (added
        # after paging, so the parts posted before are edited, never re-cut).
        first = messages[0]
        reported = context(tm(lang, "summary.outcome_reported", when=poll.outcome_reported_at))
        messages[0] = make_message(first.text, [*map(dict, first.blocks), reported])
    return messages


def render_interim_results(
    poll: Poll,
    tally: PollTally,
    *,
    lang: str,
    next_reminder: datetime | None,
    closes_at: datetime,
    anonymity_threshold: int = ANONYMITY_THRESHOLD,
) -> list[Message]:
    """Results so far for the organiser (ephemeral messages), with the next reminder and close."""
    if next_reminder is None:
        reminder = t(lang, "interim.no_reminder")
    else:
        reminder = tm(lang, "interim.next_reminder", when=next_reminder)
    intro = [
        header(t(lang, "interim.header", poll_id=poll.id)),
        *_overview(poll, tally, lang, until=closes_at),
        context(tm(lang, "interim.closes", when=closes_at), reminder),
    ]
    results = _results(poll, tally, lang, anonymity_threshold)
    return _paginate(poll, tally, lang, intro, results, more_key="interim.more_below")


def _overview(poll: Poll, tally: PollTally, lang: str, *, until: datetime) -> list[Block]:
    """How many answered, and one line on the method: who was asked, when, how anonymously."""
    respondents = tm(
        lang,
        "summary.respondents",
        responded=tally.responded,
        asked=tally.asked,
        percent=format_percent(tally.response_percent, lang),
    )
    method = tm(
        lang,
        "summary.method",
        audience=_audience(poll, lang),
        asked=tally.asked,
        opened=slack_date(poll.opened_at, lang),
        closes=slack_date(until, lang),
        anonymity=t(lang, "summary.anonymous" if poll.anonymous else "summary.named"),
    )
    return [section(respondents), context(method)]


def _audience(poll: Poll, lang: str) -> Mrkdwn:
    """Who was asked; a channel mention, so it is mrkdwn already."""
    audience = poll.audience
    if poll.follow_up_of is not None:
        # A follow-up asks its original's people, not the channel's members of today.
        return Mrkdwn(t(lang, "summary.audience.follow_up", poll_id=poll.follow_up_of))
    if audience.sample_size is not None:
        return Mrkdwn(t(lang, "summary.audience.sample", size=audience.sample_size))
    if audience.kind is AudienceKind.PEOPLE:
        return Mrkdwn(t(lang, "summary.audience.people"))
    return Mrkdwn(t(lang, "summary.audience.channel", channel_id=escape(poll.channel_id)))


def _results(
    poll: Poll,
    tally: PollTally,
    lang: str,
    threshold: int,
    comparison: Comparison | None = None,
) -> Iterator[Item]:
    """The per-question results, or only why they are hidden for a small anonymous poll; each
    shown result of a recurring poll with its change since the last occurrence."""
    if poll.anonymous and tally.responded < threshold:
        # With so few answers, totals could tell who answered what: show the count only.
        yield section(t(lang, "summary.below_threshold", threshold=threshold)), None
        return
    for number, result in enumerate(tally.results, start=1):
        yield divider(), None
        if poll.anonymous and 0 < result.answered < threshold:
            # Even when enough people answered the poll, few answers to one question (a free
            # text most of all) could tell who wrote what.
            yield from _hidden_question_items(number, result, lang, threshold)
        else:
            yield from _question_items(number, result, lang)
            change = None if comparison is None else comparison.for_question(number - 1)
            if change is not None:
                for block in sections(_change_line(change, lang)):
                    yield block, None


def _compared_with(comparison: Comparison, lang: str) -> str:
    """The line that links the previous occurrence's summary and compares response rates."""
    poll_id = comparison.previous_poll_id
    if comparison.previous_link is None:
        previous = f"#{poll_id}"
    else:
        previous = f"<{escape(comparison.previous_link)}|#{poll_id}>"
    return t(
        lang,
        "summary.compare.header",
        previous=previous,
        before=format_percent(comparison.rate_before, lang),
        now=format_percent(comparison.rate_now, lang),
    )


def _change_line(change: QuestionChange, lang: str) -> str:
    """ "Since last time: Workshop 3 → 5 · Lunch 2 → 1", or "average 3.4 → 3.9"."""
    parts = []
    for figure in change.figures:
        before = (
            _NO_FIGURE if figure.before is None else _figure(change.measure, figure.before, lang)
        )
        now = _figure(change.measure, figure.now, lang)
        if figure.label is None:
            key = f"summary.compare.{change.measure.value}"
            parts.append(t(lang, key, before=before, now=now))
        else:
            label = shorten(user_mrkdwn(figure.label), _LABEL_LENGTH)
            parts.append(t(lang, "summary.compare.option", option=label, before=before, now=now))
    return t(lang, "summary.compare.since", changes=" · ".join(parts))


def _figure(measure: Measure, value: float, lang: str) -> str:
    if measure is Measure.SHARE:
        return format_percent(value, lang)
    if measure is Measure.AVERAGE:
        return format_decimal(value, lang)
    if measure is Measure.NPS:
        return format_nps(round(value))
    return str(round(value))


def _hidden_question_items(
    number: int, result: QuestionResult, lang: str, threshold: int
) -> Iterator[Item]:
    title = t(
        lang, "summary.question_title", number=number, question=user_mrkdwn(result.question.text)
    )
    for block in sections(title):
        yield block, None
    yield section(t(lang, "summary.question_below_threshold", threshold=threshold)), None


def _question_items(number: int, result: QuestionResult, lang: str) -> Iterator[Item]:
    question = result.question
    title = t(lang, "summary.question_title", number=number, question=user_mrkdwn(question.text))
    for block in sections(title):
        yield block, None
    group = t(
        lang,
        "summary.question_continued",
        number=number,
        question=shorten(user_mrkdwn(question.text), _LABEL_LENGTH),
    )
    if isinstance(result, ChoiceResult):
        lines = _choice_lines(result, lang)
    elif isinstance(result, RatingResult):
        lines = _rating_lines(result, lang)
    elif isinstance(result, DotsResult):
        lines = _dots_lines(result, lang)
    elif isinstance(result, RankResult):
        lines = _rank_lines(result, lang)
    elif isinstance(result, NpsResult):
        lines = _nps_lines(result, lang)
    else:
        yield from _text_items(result, lang, group)
        return
    for block in sections("\n".join(lines)):
        yield block, group


def _choice_lines(result: ChoiceResult, lang: str) -> list[str]:
    if not result.answered:
        return [t(lang, "summary.no_answers")]
    lines = [t(lang, "summary.answered_question", answered=result.answered)]
    # The tally orders the options most chosen first.
    lines.extend(
        t(
            lang,
            "summary.option_line",
            bar=bar(count.percent),
            percent=format_percent(count.percent, lang),
            count=count.count,
            option=user_mrkdwn(count.text),
        )
        + suggested_note(result.question, count.position, lang)
        for count in result.options
    )
    return lines


def suggested_note(question: Question, position: int, lang: str) -> str:
    """ " (suggested by @name)" after an option a respondent added, as mrkdwn; only "(suggested)"
    when who it was is not known (an anonymous poll never tells: its store does not say)."""
    suggestion = question.suggestion_at(position)
    if suggestion is None:
        return ""
    if suggestion.by is None:
        return " _(" + t(lang, "summary.suggested") + ")_"
    return " _(" + t(lang, "summary.suggested_by", person=user_mention(suggestion.by)) + ")_"


def _rating_lines(result: RatingResult, lang: str) -> list[str]:
    if result.average is None or not result.answered:
        return [t(lang, "summary.no_answers")]
    lines = [
        t(
            lang,
            "summary.rating_average",
            average=format_decimal(result.average, lang),
            answered=result.answered,
        )
    ]
    for point, count in zip(RATING_SCALE, result.counts, strict=False):
        percent = 100.0 * count / result.answered
        label = t(lang, f"rating.{point}")
        lines.append(t(lang, "summary.rating_line", bar=bar(percent), label=label, count=count))
    return lines


def _dots_lines(result: DotsResult, lang: str) -> list[str]:
    if not result.answered:
        return [t(lang, "summary.no_answers")]
    lines = [t(lang, "summary.dots_total", answered=result.answered, dots=result.total_dots)]
    # The tally orders the options with the most dots first.
    lines.extend(
        t(
            lang,
            "summary.dots_line",
            bar=bar(count.percent),
            percent=format_percent(count.percent, lang),
            option=user_mrkdwn(count.text) + suggested_note(result.question, count.position, lang),
            dots=count.dots,
            people=count.people,
            answered=result.answered,
        )
        for count in result.options
    )
    return lines


def _rank_lines(result: RankResult, lang: str) -> list[str]:
    if not result.answered:
        return [t(lang, "summary.no_answers")]
    lines = [t(lang, "summary.rank_total", answered=result.answered, places=result.places)]
    # The bar is the share of the most points an option could get (first for everyone).
    most = result.places * result.answered
    lines.extend(
        t(
            lang,
            "summary.rank_line",
            bar=bar(100.0 * count.points / most),
            option=user_mrkdwn(count.text) + suggested_note(result.question, count.position, lang),
            points=count.points,
            firsts=count.first_places,
        )
        for count in result.options
    )
    return lines


def _nps_lines(result: NpsResult, lang: str) -> list[str]:
    if result.score is None or not result.answered:
        return [t(lang, "summary.no_answers")]
    lines = [
        t(lang, "summary.nps_score", score=format_nps(result.score), answered=result.answered),
        t(
            lang,
            "summary.nps_groups",
            promoters=result.promoters,
            passives=result.passives,
            detractors=result.detractors,
        ),
    ]
    for score, count in enumerate(result.counts):
        percent = 100.0 * count / result.answered
        lines.append(t(lang, "summary.nps_line", bar=bar(percent), score=score, count=count))
    return lines


def format_nps(score: int) -> str:
    """An NPS with its sign, as it is usually written: +25, 0, -10."""
    return f"{score:+d}" if score else "0"


def _text_items(result: TextResult, lang: str, group: str) -> Iterator[Item]:
    """Every free-text answer in full, quoted and escaped, packed into as few sections as fit."""
    if not result.texts:
        yield section(t(lang, "summary.no_answers")), group
        return
    yield section(t(lang, "summary.text_answers", count=len(result.texts))), group
    pieces = itertools.chain.from_iterable(
        quote_pieces(text, MAX_SECTION_TEXT, separator="\n\n") for text in result.texts
    )
    for chunk in join_within(pieces, MAX_SECTION_TEXT):
        yield section(chunk), group


def _paginate(
    poll: Poll,
    tally: PollTally,
    lang: str,
    intro: list[Block],
    results: Iterator[Item],
    *,
    more_key: str,
    ending: list[Block] | None = None,
) -> list[Message]:
    """Pack intro and results into messages; later ones say which part of the results they are.

    ending (a block or two of buttons) closes the last message: every page keeps room for one
    more block and some text, and a message that also gets a note has the room of that note."""
    items = itertools.chain(((block, None) for block in intro), results)
    pages = pack_blocks(items, max_blocks=_PAGE_BLOCKS, max_text=_PAGE_TEXT)
    total = len(pages)
    fallback = tm(
        lang,
        "summary.fallback",
        poll_id=poll.id,
        responded=tally.responded,
        asked=tally.asked,
        percent=format_percent(tally.response_percent, lang),
    )
    ending = ending or []
    label_blocks = 1 if total > 1 else 0
    if ending and label_blocks + len(pages[-1]) + len(ending) > MAX_MESSAGE_BLOCKS:
        pages.append([])  # no room left on the last page: the buttons get one of their own
        total += 1
    first = pages[0] + ([context(t(lang, more_key))] if total > 1 else [])
    messages = [make_message(fallback, first + (ending if total == 1 else []))]
    for index, page in enumerate(pages[1:], start=2):
        label = t(lang, "summary.part", poll_id=poll.id, part=index, total=total)
        last = ending if index == total else []
        messages.append(make_message(label, [context(label), *page, *last]))
    return messages
