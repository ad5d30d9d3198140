"""The event a poll is about, as the poll message and the summary show it."""

from __future__ import annotations

from bot.domain.event_schedule import days_before_event, event_token_time, event_zone
from bot.domain.model import Poll
from bot.i18n import t, tn
from bot.slack.blocks.common import Block, Mrkdwn, context


def event_date(poll: Poll, lang: str) -> Mrkdwn | None:
    """The event's date (and time) as a Slack date token, each reader's own calendar; the
    fallback is the date as the organiser wrote it."""
    moment = event_token_time(poll)
    if moment is None or poll.event_at is None:
        return None
    local = poll.event_at.astimezone(event_zone(poll))
    fields = {"year": local.year, "month": local.month, "day": local.day}
    if poll.event_has_time:
        fallback = t(lang, "format.event_date_time", hour=local.hour, minute=local.minute, **fields)
        token_format = "{date_long} {time}"
    else:
        fallback = t(lang, "format.event_date", **fields)
        token_format = "{date_long}"
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{token_format}|{fallback}>")


def event_line(poll: Poll, lang: str) -> list[Block]:
    """The poll message's line naming the event (nothing for a poll about no event)."""
    date = event_date(poll, lang)
    if date is None:
        return []
    return [context(t(lang, "poll.event", date=date))]


def closed_before_event(poll: Poll, lang: str) -> list[Block]:
    """The summary's line on how many days before the event the poll closed."""
    date = event_date(poll, lang)
    closed = poll.closed_at or poll.closes_at
    days = days_before_event(poll, closed)
    if date is None or days is None:
        return []
    if days > 0:
        text = tn(lang, "summary.event_closed_before", days, date=date)
    elif days == 0:
        text = t(lang, "summary.event_closed_on_the_day", date=date)
    else:
        text = tn(lang, "summary.event_closed_after", -days, date=date)
    return [context(text)]
