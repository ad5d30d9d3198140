"""The event of a poll as the poll message, the reminder and the summary show it, EN, FI, SV."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.model import Poll, PollStatus
from bot.domain.schedule import local_to_utc
from bot.domain.tally import PollTally
from bot.slack.blocks import Message, render_poll_message, render_summary
from bot.slack.blocks.notices import render_created, render_reminder_dm
from tests.unit.factories import SINGLE, make_poll
from tests.unit.test_blocks_limits import check_messages, mrkdwn_texts

HELSINKI = ZoneInfo("Europe/Helsinki")
EVENT_DAY = date(2027, 3, 14)


def shown(*messages: Message) -> str:
    return "\n".join(mrkdwn_texts(messages))


def helsinki(day: int, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(date(2027, 3, day), time(hour, minute), HELSINKI)


def event_poll(**changes: Any) -> Poll:
    defaults: dict[str, Any] = {
        "opened_at": helsinki(1, 10),
        "closes_at": helsinki(12, 16),
        "event_at": helsinki(14, 0),
        "event_tz": "Europe/Helsinki",
        "event_reminder_days": (5, 3),
    }
    return dataclasses.replace(make_poll(SINGLE), **{**defaults, **changes})


def empty_tally() -> PollTally:
    return PollTally(asked=5, responded=0, results=())


NOON = int(helsinki(14, 12).timestamp())


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", f"📅 Event: <!date^{NOON}^{{date_long}}|2027-03-14>"),
        ("fi", f"📅 Tapahtuma: <!date^{NOON}^{{date_long}}|14.3.2027>"),
        ("sv", f"📅 Evenemang: <!date^{NOON}^{{date_long}}|14.3.2027>"),
    ],
)
def test_the_poll_message_and_the_reminder_name_the_event_day(lang: str, line: str) -> None:
    poll = event_poll()
    message = render_poll_message(poll, answered=0, asked=5, lang=lang)
    assert line in shown(message)
    reminder = render_reminder_dm(poll, lang=lang, reminder_number=1)
    assert line in shown(reminder)
    check_messages([message, reminder])


def test_an_event_with_a_time_shows_the_time_too() -> None:
    poll = event_poll(event_at=helsinki(14, 18, 30), event_has_time=True)
    starts = int(helsinki(14, 18, 30).timestamp())
    text = shown(render_poll_message(poll, answered=0, asked=5, lang="fi"))
    assert f"<!date^{starts}^{{date_long}} {{time}}|14.3.2027 klo 18.30>" in text
    swedish = shown(render_poll_message(poll, answered=0, asked=5, lang="sv"))
    assert f"<!date^{starts}^{{date_long}} {{time}}|14.3.2027 kl. 18.30>" in swedish


def test_a_poll_about_no_event_shows_none() -> None:
    poll = make_poll(SINGLE)
    assert "📅" not in shown(render_poll_message(poll, answered=0, asked=5, lang="en"))


@pytest.mark.parametrize(
    ("closed", "lang", "expected"),
    [
        (helsinki(12, 16), "en", "Closed 2 days before the event on <!date^"),
        (helsinki(13, 16), "en", "Closed 1 day before the event on <!date^"),
        (helsinki(14, 9), "en", "Closed on the day of the event, <!date^"),
        (helsinki(17, 9), "en", "Closed 3 days after the event on <!date^"),
        (helsinki(12, 16), "fi", "Kysely sulkeutui 2 päivää ennen tapahtumaa (<!date^"),
        (helsinki(13, 16), "fi", "Kysely sulkeutui 1 päivä ennen tapahtumaa (<!date^"),
    ],
)
def test_the_summary_says_how_many_days_before_the_event_it_closed(
    closed: datetime, lang: str, expected: str
) -> None:
    poll = event_poll(status=PollStatus.CLOSED, closed_at=closed)
    messages = render_summary(poll, empty_tally(), lang=lang)
    assert expected in shown(messages[0])
    check_messages(messages)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ((5, 3), "reminded 5 and 3 days before the event, each in their working hours"),
        ((3,), "reminded 3 days before the event, each in their working hours"),
        ((), "No reminders will be sent."),
    ],
)
def test_the_organiser_hears_when_the_event_reminders_go_out(
    days: tuple[int, ...], expected: str
) -> None:
    poll = event_poll(event_reminder_days=days)
    text = render_created(poll, asked=5, everyone_asked=False, lang="en").text
    assert expected in text
