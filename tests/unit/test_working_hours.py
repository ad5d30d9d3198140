"""Tests of working hours: reading the setting and when a reminder may be delivered."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule import (
    WorkingHours,
    delivery_time,
    parse_working_hours,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


WEEKDAYS = frozenset(range(5))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("off", None, id="off"),
        pytest.param(" OFF ", None, id="off-any-case"),
        pytest.param("Mon-Fri 08:00-18:00", WorkingHours(), id="default"),
        pytest.param(
            "mon-sat 9:00-17:30",
            WorkingHours(frozenset(range(6)), time(9), time(17, 30)),
            id="lower-case-single-digit-hour",
        ),
        pytest.param(
            "Mon,Wed,Fri 08:00-16:00",
            WorkingHours(frozenset({0, 2, 4}), time(8), time(16)),
            id="list-of-days",
        ),
        pytest.param(
            "Mon - Wed, Fri 8.00 - 16.00",
            WorkingHours(frozenset({0, 1, 2, 4}), time(8), time(16)),
            id="spaces-and-dots",
        ),
        pytest.param(
            "Sat-Mon 10:00-14:00",
            WorkingHours(frozenset({5, 6, 0}), time(10), time(14)),
            id="range-over-weekend",
        ),
        pytest.param(
            "ma-pe 07:30-15:30", WorkingHours(WEEKDAYS, time(7, 30), time(15, 30)), id="finnish"
        ),
        pytest.param(
            "09:00-17:00", WorkingHours(WEEKDAYS, time(9), time(17)), id="hours-only-weekdays"
        ),
    ],
)
def test_parse_working_hours_reads_setting(text: str, expected: WorkingHours | None) -> None:
    assert parse_working_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "bad working hours", id="empty"),
        pytest.param("weekdays", "bad working hours", id="no-hours"),
        pytest.param("Mon-Fry 08:00-18:00", "bad day 'mon-fry'", id="misspelt-day"),
        pytest.param("Mon-Fri 08:00-25:00", "bad time '25:00'", id="hour-25"),
        pytest.param("Mon-Fri 18:00-08:00", "must start before they end", id="across-midnight"),
        pytest.param("Mon-Fri 8-18", "bad working hours", id="no-minutes"),
    ],
)
def test_parse_working_hours_explains_bad_setting(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_working_hours(text)


# 2026-03-27 is a Friday; Helsinki moves to summer time on Sunday 2026-03-29 at 03:00.
@pytest.mark.parametrize(
    ("due", "tz", "hours", "expected"),
    [
        pytest.param(
            utc(2026, 3, 27, 10),
            HELSINKI,
            WorkingHours(),
            utc(2026, 3, 27, 10),
            id="inside-hours-at-once",
        ),
        pytest.param(
            utc(2026, 3, 27, 5),
            HELSINKI,
            WorkingHours(),
            utc(2026, 3, 27, 6),
            id="early-morning-waits-for-8",
        ),
        pytest.param(
            utc(2026, 3, 27, 16),
            HELSINKI,
            WorkingHours(),
            utc(2026, 3, 30, 5),
            id="friday-evening-waits-for-monday-summer-time",
        ),
        pytest.param(
            utc(2026, 3, 27, 16),
            HELSINKI,
            WorkingHours(frozenset(range(7))),
            utc(2026, 3, 28, 6),
            id="saturday-still-winter-time",
        ),
        pytest.param(
            utc(2026, 3, 28, 20),
            HELSINKI,
            WorkingHours(frozenset(range(7))),
            utc(2026, 3, 29, 5),
            id="sunday-of-dst-change",
        ),
        pytest.param(
            utc(2026, 3, 27, 16),
            None,
            WorkingHours(),
            utc(2026, 3, 27, 16),
            id="no-time-zone-is-utc",
        ),
        pytest.param(
            utc(2026, 3, 27, 23),
            None,
            WorkingHours(),
            utc(2026, 3, 30, 8),
            id="no-time-zone-weekend",
        ),
        pytest.param(
            utc(2026, 3, 28, 3),
            HELSINKI,
            None,
            utc(2026, 3, 28, 3),
            id="hours-off-delivers-at-once",
        ),
        pytest.param(
            utc(2026, 11, 1, 5, 30),
            NEW_YORK,
            WorkingHours(frozenset(range(7))),
            utc(2026, 11, 1, 13),
            id="new-york-autumn-change",
        ),
        pytest.param(
            utc(2026, 3, 27, 16),
            HELSINKI,
            WorkingHours(end=time(19)),
            utc(2026, 3, 27, 16),
            id="end-is-exclusive-inside",
        ),
        pytest.param(
            utc(2026, 3, 27, 17),
            HELSINKI,
            WorkingHours(end=time(19)),
            utc(2026, 3, 30, 5),
            id="end-is-exclusive-at-end",
        ),
    ],
)
def test_delivery_time_waits_for_working_hours(
    due: datetime, tz: ZoneInfo | None, hours: WorkingHours | None, expected: datetime
) -> None:
    assert delivery_time(due, tz, hours, closes_at=utc(2027, 1, 1)) == expected


@pytest.mark.parametrize(
    ("due", "hours", "closes_at"),
    [
        pytest.param(utc(2026, 3, 27, 16), WorkingHours(), utc(2026, 3, 30, 5), id="at-close"),
        pytest.param(utc(2026, 3, 27, 16), WorkingHours(), utc(2026, 3, 28), id="after-close"),
        pytest.param(utc(2026, 3, 27, 10), None, utc(2026, 3, 27, 10), id="due-at-close"),
    ],
)
def test_delivery_time_is_none_when_poll_closes_first(
    due: datetime, hours: WorkingHours | None, closes_at: datetime
) -> None:
    assert delivery_time(due, HELSINKI, hours, closes_at) is None


@pytest.mark.parametrize(
    ("weekdays", "start", "end"),
    [
        pytest.param(frozenset[int](), time(8), time(18), id="no-days"),
        pytest.param(frozenset({7}), time(8), time(18), id="day-seven"),
        pytest.param(WEEKDAYS, time(18), time(18), id="empty-hours"),
    ],
)
def test_working_hours_reject_impossible_values(
    weekdays: frozenset[int], start: time, end: time
) -> None:
    with pytest.raises(ValueError, match=r"weekdays|start before"):
        WorkingHours(weekdays, start, end)
