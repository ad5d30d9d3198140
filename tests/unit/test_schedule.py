"""Tests of the time rules: close times, reminder rounds and clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidPollInput
from bot.domain.model import AbsoluteClose, CloseSpec
from bot.domain.schedule import (
    check_reminders,
    default_remind_every,
    iter_round_due_times,
    latest_due_round,
    next_round,
    reminder_cutoff,
    resolve_close,
    round_due_times,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday
OPENED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# ---- resolve_close -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "tz", "expected"),
    [
        pytest.param(timedelta(days=3), HELSINKI, NOW + 3 * DAY, id="duration-from-now"),
        pytest.param(
            AbsoluteClose(2026, 12, 1, 16, 0), HELSINKI, utc(2026, 12, 1, 14, 0), id="winter-time"
        ),
        pytest.param(
            AbsoluteClose(2027, 6, 1, 16, 0), HELSINKI, utc(2027, 6, 1, 13, 0), id="summer-time"
        ),
        pytest.param(
            AbsoluteClose(2026, 12, 1), HELSINKI, utc(2026, 12, 1, 21, 59), id="date-is-23-59"
        ),
        pytest.param(
            AbsoluteClose(2026, 12, 1), NEW_YORK, utc(2026, 12, 2, 4, 59), id="date-in-new-york"
        ),
        pytest.param(
            AbsoluteClose(2027, 3, 28, 3, 30),
            HELSINKI,
            utc(2027, 3, 28, 1, 30),
            id="skipped-spring-time-moves-forward",
        ),
        pytest.param(
            AbsoluteClose(2027, 10, 31, 3, 30),
            HELSINKI,
            utc(2027, 10, 31, 0, 30),
            id="repeated-autumn-time-is-first-one",
        ),
    ],
)
def test_resolve_close_gives_utc_instant(spec: CloseSpec, tz: ZoneInfo, expected: datetime) -> None:
    closes_at = resolve_close(spec, NOW, tz)
    assert closes_at == expected
    assert closes_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("spec", "tz", "key", "value"),
    [
        pytest.param(
            AbsoluteClose(2026, 11, 2, 11, 0),
            HELSINKI,
            "error.close_in_past",
            "2026-11-02 11:00",
            id="earlier-today",
        ),
        pytest.param(
            AbsoluteClose(2026, 11, 2, 12, 0),
            HELSINKI,
            "error.close_in_past",
            "2026-11-02 12:00",
            id="exactly-now",
        ),
        pytest.param(
            AbsoluteClose(2020, 1, 1), HELSINKI, "error.close_in_past", "2020-01-01", id="old-date"
        ),
        pytest.param(
            -DAY, HELSINKI, "error.close_in_past", "-1 day, 0:00:00", id="negative-duration"
        ),
        pytest.param(
            AbsoluteClose(9999, 12, 31, 23, 59),
            NEW_YORK,
            "error.bad_close",
            "9999-12-31 23:59",
            id="beyond-datetime-range",
        ),
        pytest.param(
            AbsoluteClose(2027, 2, 30), HELSINKI, "error.bad_close", "2027-02-30", id="feb-30"
        ),
    ],
)
def test_resolve_close_rejects_past_and_impossible_times(
    spec: CloseSpec, tz: ZoneInfo, key: str, value: str
) -> None:
    with pytest.raises(InvalidPollInput) as caught:
        resolve_close(spec, NOW, tz)
    assert (caught.value.message_key, caught.value.field, caught.value.params) == (
        key,
        "close",
        {"value": value},
    )


def test_resolve_close_refuses_naive_now() -> None:
    with pytest.raises(ValueError, match="naive"):
        resolve_close(DAY, datetime(2026, 1, 1), HELSINKI)


# ---- reminder rounds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("open_for", "expected"),
    [
        pytest.param(3 * DAY, timedelta(minutes=30), id="long-poll-capped-at-30-min"),
        pytest.param(HOUR, timedelta(minutes=6), id="one-hour-gives-10-percent"),
        pytest.param(5 * HOUR, timedelta(minutes=30), id="exactly-at-cap"),
        pytest.param(timedelta(0), timedelta(0), id="zero"),
        pytest.param(-HOUR, timedelta(0), id="closes-before-opening"),
    ],
)
def test_reminder_cutoff_is_tenth_of_open_time_at_most_half_hour(
    open_for: timedelta, expected: timedelta
) -> None:
    assert reminder_cutoff(OPENED, OPENED + open_for) == expected


@pytest.mark.parametrize(
    ("open_for", "every", "expected_offsets"),
    [
        pytest.param(3 * DAY, DAY, [DAY, 2 * DAY], id="daily-over-three-days"),
        pytest.param(10 * HOUR, HOUR, [k * HOUR for k in range(1, 10)], id="hourly-over-ten"),
        pytest.param(
            100 * MIN, 30 * MIN, [30 * MIN, 60 * MIN], id="round-exactly-at-cutoff-left-out"
        ),
        pytest.param(DAY, DAY, [], id="interval-as-long-as-poll"),
        pytest.param(25 * MIN, timedelta(seconds=10), None, id="many-short-rounds"),
    ],
)
def test_round_due_times_fall_before_cutoff(
    open_for: timedelta, every: timedelta, expected_offsets: list[timedelta] | None
) -> None:
    closes_at = OPENED + open_for
    rounds = round_due_times(OPENED, closes_at, every)
    if expected_offsets is not None:
        assert rounds == [OPENED + offset for offset in expected_offsets]
    limit = closes_at - reminder_cutoff(OPENED, closes_at)
    assert all(due < limit for due in rounds)
    assert [due for _, due in iter_round_due_times(OPENED, closes_at, every)] == rounds


def test_round_due_times_count_for_many_short_rounds() -> None:
    # 25 min open: cutoff 2.5 min, so rounds every 10 s strictly before 22.5 min: 134 of them.
    assert len(round_due_times(OPENED, OPENED + 25 * MIN, timedelta(seconds=10))) == 134


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        pytest.param(OPENED - DAY, (1, OPENED + HOUR), id="before-opening"),
        pytest.param(OPENED, (1, OPENED + HOUR), id="at-opening"),
        pytest.param(OPENED + HOUR, (2, OPENED + 2 * HOUR), id="exactly-at-round-one"),
        pytest.param(OPENED + 90 * MIN, (2, OPENED + 2 * HOUR), id="between-rounds"),
        pytest.param(OPENED + 9 * HOUR, None, id="after-last-round"),
    ],
)
def test_next_round_is_first_strictly_after(
    after: datetime, expected: tuple[int, datetime] | None
) -> None:
    assert next_round(OPENED, OPENED + 10 * HOUR, HOUR, after) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(OPENED + 30 * MIN, None, id="before-first-round"),
        pytest.param(OPENED + HOUR, (1, OPENED + HOUR), id="exactly-at-round-one"),
        pytest.param(OPENED + 5 * HOUR + MIN, (5, OPENED + 5 * HOUR), id="several-missed"),
        pytest.param(OPENED + 30 * HOUR, (9, OPENED + 9 * HOUR), id="after-close-gives-last"),
    ],
)
def test_latest_due_round_is_most_recent_passed(
    now: datetime, expected: tuple[int, datetime] | None
) -> None:
    assert latest_due_round(OPENED, OPENED + 10 * HOUR, HOUR, now) == expected


@pytest.mark.parametrize(
    ("every", "open_for"),
    [
        pytest.param(None, HOUR, id="reminders-off"),
        pytest.param(DAY, 3 * DAY, id="daily-over-three-days"),
        pytest.param(timedelta(seconds=10), MIN, id="shortest-interval"),
    ],
)
def test_check_reminders_accepts_intervals_that_fit(
    every: timedelta | None, open_for: timedelta
) -> None:
    check_reminders(every, OPENED, OPENED + open_for)


@pytest.mark.parametrize(
    ("every", "open_for", "key", "params"),
    [
        pytest.param(
            timedelta(seconds=9), DAY, "error.remind_too_short", {"min_seconds": 10}, id="short"
        ),
        pytest.param(DAY, DAY, "error.remind_too_long", {"value": "1d"}, id="as-long-as-poll"),
        pytest.param(55 * MIN, HOUR, "error.remind_too_long", {"value": "55m"}, id="inside-cutoff"),
    ],
)
def test_check_reminders_rejects_intervals_that_cannot_work(
    every: timedelta, open_for: timedelta, key: str, params: dict[str, object]
) -> None:
    with pytest.raises(InvalidPollInput) as caught:
        check_reminders(every, OPENED, OPENED + open_for)
    assert (caught.value.message_key, caught.value.field, caught.value.params) == (
        key,
        "remind",
        params,
    )


@pytest.mark.parametrize(
    ("open_for", "expected"),
    [
        pytest.param(3 * DAY, DAY, id="daily-when-it-fits"),
        pytest.param(4 * HOUR, 2 * HOUR, id="halfway-for-short-poll"),
        pytest.param(timedelta(seconds=15), None, id="none-for-tiny-poll"),
    ],
)
def test_default_remind_every_adapts_to_short_polls(
    open_for: timedelta, expected: timedelta | None
) -> None:
    assert default_remind_every(OPENED, OPENED + open_for) == expected
