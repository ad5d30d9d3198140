"""Tests of reading and writing short durations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.durations import format_duration, parse_duration
from bot.domain.errors import InvalidPollInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("90s", timedelta(seconds=90), id="seconds"),
        pytest.param("15m", timedelta(minutes=15), id="minutes"),
        pytest.param("2h", timedelta(hours=2), id="hours"),
        pytest.param("3d", timedelta(days=3), id="days"),
        pytest.param("1w", timedelta(weeks=1), id="weeks"),
        pytest.param("1h30m", timedelta(hours=1, minutes=30), id="combination"),
        pytest.param("1w2d3h4m5s", timedelta(days=9, seconds=3 * 3600 + 4 * 60 + 5), id="all"),
        pytest.param(" 2H ", timedelta(hours=2), id="upper-case-and-spaces"),
        pytest.param("0h10m", timedelta(minutes=10), id="zero-part-in-combination"),
    ],
)
def test_parse_duration_reads_integer_and_unit(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("3", id="no-unit"),
        pytest.param("d", id="no-number"),
        pytest.param("0d", id="zero"),
        pytest.param("-1d", id="negative"),
        pytest.param("1.5h", id="fraction"),
        pytest.param("3 d", id="space-inside"),
        pytest.param("30m1h", id="small-unit-first"),
        pytest.param("1h1h", id="repeated-unit"),
        pytest.param("3y", id="unknown-unit"),
        pytest.param("999999999w", id="too-large-for-timedelta"),
        pytest.param("1234567890s", id="too-many-digits"),
    ],
)
def test_parse_duration_rejects_malformed_text(text: str) -> None:
    with pytest.raises(InvalidPollInput) as caught:
        parse_duration(text)
    assert caught.value.message_key == "error.bad_duration"
    assert caught.value.params == {"value": text.strip()}


def test_parse_duration_carries_the_form_field() -> None:
    with pytest.raises(InvalidPollInput) as caught:
        parse_duration("soon", field="remind")
    assert caught.value.field == "remind"


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        pytest.param(timedelta(days=3), "3d", id="days"),
        pytest.param(timedelta(days=7), "1w", id="week"),
        pytest.param(timedelta(minutes=90), "1h30m", id="hours-and-minutes"),
        pytest.param(timedelta(seconds=10, microseconds=5), "10s", id="drops-microseconds"),
    ],
)
def test_format_duration_writes_compact_form(duration: timedelta, expected: str) -> None:
    assert format_duration(duration) == expected


def test_format_duration_refuses_less_than_a_second() -> None:
    with pytest.raises(ValueError, match="at least one second"):
        format_duration(timedelta(milliseconds=500))


@given(st.integers(min_value=1, max_value=10**9))
def test_format_then_parse_gives_the_same_duration(seconds: int) -> None:
    duration = timedelta(seconds=seconds)
    assert parse_duration(format_duration(duration)) == duration
