"""Recurring polls, the pure parts: when each occurrence starts, the stored draft, the syntax."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.commands import StopCommand, parse_command
from bot.domain.model import Every, OptionSuggestion, QuestionKind
from bot.domain.series import (
    Series,
    draft_from_text,
    draft_to_text,
    latest_due,
    occurrence_draft,
    occurrence_start,
)
from tests.unit.factories import parse_error, parse_new_poll

HELSINKI = ZoneInfo("Europe/Helsinki")


def helsinki(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HELSINKI)


@pytest.mark.parametrize(
    ("every", "number", "expected"),
    [
        (Every.WEEK, 1, helsinki(2026, 3, 16, 9)),
        (Every.TWO_WEEKS, 1, helsinki(2026, 3, 23, 9)),
        # Summer time begins on 29 March: still 9 o'clock in Helsinki, an hour less in UTC.
        (Every.WEEK, 3, helsinki(2026, 3, 30, 9)),
        (Every.MONTH, 1, helsinki(2026, 4, 9, 9)),
    ],
)
def test_an_occurrence_starts_at_the_same_local_time(
    every: Every, number: int, expected: datetime
) -> None:
    first = helsinki(2026, 3, 9, 9)
    start = occurrence_start(first, every, number, HELSINKI)
    assert start == expected
    assert start.astimezone(HELSINKI).hour == 9


def test_summer_time_moves_the_utc_hour_not_the_local_one() -> None:
    first = helsinki(2026, 3, 23, 9)
    assert first.astimezone(UTC).hour == 7
    assert occurrence_start(first, Every.WEEK, 1, HELSINKI).astimezone(UTC).hour == 6


def test_a_month_keeps_its_day_and_clamps_at_the_end_of_a_shorter_month() -> None:
    first = helsinki(2026, 1, 31, 10)
    days = [occurrence_start(first, Every.MONTH, n, HELSINKI).date() for n in range(5)]
    assert [(d.month, d.day) for d in days] == [(1, 31), (2, 28), (3, 31), (4, 30), (5, 31)]
    leap = helsinki(2027, 12, 29, 10)
    assert occurrence_start(leap, Every.MONTH, 2, HELSINKI).date().isoformat() == "2028-02-29"


def test_a_time_the_clocks_skip_is_read_an_hour_later() -> None:
    first = datetime(2026, 3, 22, 3, 30, tzinfo=HELSINKI)  # 03:30 does not exist on 29 March
    start = occurrence_start(first, Every.WEEK, 1, HELSINKI).astimezone(HELSINKI)
    assert (start.day, start.hour, start.minute) == (29, 4, 30)


def series(next_number: int) -> Series:
    first = helsinki(2026, 3, 9, 9)
    return Series(
        id=1,
        team_id="T",
        channel_id="C",
        organiser_id="U",
        draft=parse_new_poll('new "Q?" "A" "B" every:week'),
        every=Every.WEEK,
        tz="Europe/Helsinki",
        first_start_at=first,
        next_number=next_number,
        next_start_at=occurrence_start(first, Every.WEEK, next_number, HELSINKI),
    )


def test_after_a_downtime_only_the_latest_missed_occurrence_is_due() -> None:
    assert latest_due(series(1), helsinki(2026, 3, 16, 8, 59)) is None
    assert latest_due(series(1), helsinki(2026, 3, 16, 9)) == 1
    assert latest_due(series(1), helsinki(2026, 4, 8, 12)) == 4
    assert latest_due(series(5), helsinki(2026, 4, 8, 12)) is None


def test_the_stored_draft_keeps_everything_but_suggested_options() -> None:
    draft = parse_new_poll(
        'new "Where?" "Here" "There" multi open anonymous closes:2d remind:12h sample:4 every:2w'
    )
    question = replace(
        draft.questions[0],
        options=("Here", "There", "Everywhere"),
        suggestions=(OptionSuggestion(2, "U9"),),
    )
    read = draft_from_text(draft_to_text(replace(draft, questions=(question,))))
    assert read == occurrence_draft(draft)
    assert read.questions[0].options == ("Here", "There")
    assert read.questions[0].kind is QuestionKind.MULTI and read.questions[0].open
    assert read.anonymous and read.close == timedelta(days=2)
    assert read.remind_every == timedelta(hours=12) and read.audience.sample_size == 4
    assert read.every is None


def test_people_groups_and_text_survive_the_stored_draft() -> None:
    draft = parse_new_poll('new "Café & <@U1>?" "Ä" "Ö" to:<@U1> <!subteam^S1> every:month')
    read = draft_from_text(draft_to_text(draft))
    assert read.audience == draft.audience
    assert read.questions == draft.questions
    assert read.questions[0].options == ("Ä", "Ö")


@pytest.mark.parametrize(
    ("words", "every"),
    [
        ("every:week", Every.WEEK),
        ("joka:viikko", Every.WEEK),
        ("toistuu:2w", Every.TWO_WEEKS),
        ("varje:månad", Every.MONTH),
        ("varje: vecka", Every.WEEK),
    ],
)
def test_every_is_read_in_each_language(words: str, every: Every) -> None:
    assert parse_new_poll(f'new "Q?" "A" "B" {words}').every is every


@pytest.mark.parametrize(
    ("words", "key"),
    [
        ("every:week closes:2030-01-01", "error.every_with_date"),
        ("every:week event:2030-01-01", "error.every_with_event"),
        ("every:day", "error.bad_every"),
        ("every:week joka:viikko", "error.duplicate_keyword"),
    ],
)
def test_what_cannot_repeat_is_refused(words: str, key: str) -> None:
    assert parse_error(f'new "Q?" "A" "B" {words}').message_key == key


@pytest.mark.parametrize("verb", ["stop", "lopeta", "stoppa"])
def test_stop_names_a_poll(verb: str) -> None:
    assert parse_command(f"{verb} #12") == StopCommand(12)
