"""Tests that each mistake in the one-line poll syntax gets its own catalog key."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.model import (
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUESTION_LENGTH,
)
from tests.unit.factories import only_question, parse_error, parse_new_poll


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        pytest.param('new ""', "error.empty_question", {"number": 1}, id="empty-question"),
        pytest.param("new What is it?", "error.missing_question", {"word": "What"}, id="no-quotes"),
        pytest.param('new "Q?', "error.unclosed_quote", {"value": '"Q?'}, id="unclosed"),
        pytest.param('new "Q?" "A', "error.unclosed_quote", {"value": '"A'}, id="unclosed-option"),
        pytest.param('new "Q?" "A"', "error.one_option", {"number": 1, "min": 2}, id="one-option"),
        pytest.param(
            'new "Q?" "A" "a "',
            "error.duplicate_option",
            {"number": 1, "option": "a"},
            id="duplicate-ignoring-case-and-spaces",
        ),
        pytest.param('new "Q?" "A" ""', "error.empty_option", {"number": 1}, id="empty-option"),
        pytest.param(
            'new "Q?" "A" "B" fast', "error.unknown_keyword", {"word": "fast"}, id="stray-word"
        ),
        pytest.param(
            'new "Q?" "A" "B" colour:red',
            "error.unknown_keyword",
            {"word": "colour:red"},
            id="unknown-keyword-with-value",
        ),
        pytest.param('new "Q?" closes:soon', "error.bad_close", {"value": "soon"}, id="bad-close"),
        pytest.param(
            'new "Q?" closes:2026-02-30',
            "error.bad_close",
            {"value": "2026-02-30"},
            id="impossible-date",
        ),
        pytest.param(
            'new "Q?" closes:2026-12-01T25:00',
            "error.bad_close",
            {"value": "2026-12-01 25:00"},
            id="impossible-time",
        ),
        pytest.param('new "Q?" closes:', "error.missing_value", {"word": "closes:"}, id="no-value"),
        pytest.param(
            'new "Q?" remind:often', "error.bad_duration", {"value": "often"}, id="bad-remind"
        ),
        pytest.param(
            'new "Q?" remind:5s', "error.remind_too_short", {"min_seconds": 10}, id="remind-5s"
        ),
        pytest.param('new "Q?" sample:0', "error.bad_sample", {"value": "0"}, id="sample-zero"),
        pytest.param('new "Q?" sample:x', "error.bad_sample", {"value": "x"}, id="sample-text"),
        pytest.param('new "Q?" multi', "error.multi_without_options", {}, id="multi-no-options"),
        pytest.param('new "Q?" rating multi', "error.multi_and_rating", {}, id="multi-rating"),
        pytest.param(
            'new "Q?" "A" "B" rating',
            "error.rating_with_options",
            {"number": 1},
            id="rating-with-options",
        ),
        pytest.param('new "Q?" to:', "error.empty_audience", {}, id="empty-to"),
        pytest.param(
            'new "Q?" to: anonymous', "error.empty_audience", {}, id="to-followed-by-keyword"
        ),
        pytest.param(
            'new "Q?" to:maija', "error.bad_mention", {"value": "maija"}, id="plain-name-after-to"
        ),
        pytest.param(
            'new "Q?" to: @maija', "error.bad_mention", {"value": "@maija"}, id="unescaped-name"
        ),
        pytest.param(
            'new "Q?" to: <@U1> maija',
            "error.unknown_keyword",
            {"word": "maija"},
            id="stray-word-after-mentions",
        ),
        pytest.param(
            'new "Q?" to: <@U1> <@bad',
            "error.bad_mention",
            {"value": "<@bad"},
            id="malformed-mention",
        ),
        pytest.param(
            'new "Q?" to: <!here>', "error.bad_mention", {"value": "<!here>"}, id="here-mention"
        ),
        pytest.param(
            'new "Q?" <@U1>', "error.mention_without_to", {"mention": "<@U1>"}, id="no-to"
        ),
        pytest.param(
            'new "Q?" <@u1', "error.bad_mention", {"value": "<@u1"}, id="malformed-without-to"
        ),
        pytest.param(
            'new "Q?" multi "A" "B" multi',
            "error.duplicate_keyword",
            {"word": "multi"},
            id="repeated-flag",
        ),
        pytest.param(
            'new "Q?" closes:1d sulkeutuu:2d',
            "error.duplicate_keyword",
            {"word": "sulkeutuu:2d"},
            id="repeated-keyword-in-two-languages",
        ),
    ],
)
def test_quick_poll_reports_each_mistake_with_its_own_key(
    text: str, key: str, params: dict[str, Any]
) -> None:
    error = parse_error(text)
    assert (error.message_key, error.params) == (key, params)


def test_too_many_options_reported_with_maximum() -> None:
    options = " ".join(f'"Option {n}"' for n in range(MAX_OPTIONS + 1))
    error = parse_error(f'new "Q?" {options}')
    assert (error.message_key, error.params["max"]) == ("error.too_many_options", MAX_OPTIONS)


def test_twenty_five_options_are_allowed() -> None:
    options = " ".join(f'"Option {n}"' for n in range(MAX_OPTIONS))
    assert len(only_question(parse_new_poll(f'new "Q?" {options}')).options) == MAX_OPTIONS


def test_option_longer_than_limit_reported_with_option_and_maximum() -> None:
    long_option = "x" * (MAX_OPTION_LENGTH + 1)
    error = parse_error(f'new "Q?" "{long_option}" "B"')
    assert error.message_key == "error.option_too_long"
    assert error.params == {"number": 1, "option": long_option, "max": MAX_OPTION_LENGTH}


def test_question_longer_than_limit_rejected() -> None:
    error = parse_error(f'new "{"q" * (MAX_QUESTION_LENGTH + 1)}"')
    assert (error.message_key, error.params["max"]) == (
        "error.question_too_long",
        MAX_QUESTION_LENGTH,
    )
