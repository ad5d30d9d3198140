"""Tests of counting answers into per-question results."""

from __future__ import annotations

import pytest

from bot.domain.model import QuestionAnswer
from bot.domain.tally import (
    ChoiceResult,
    OptionCount,
    PollTally,
    RatingResult,
    TextResult,
    bar,
    tally,
)
from tests.unit.factories import (
    MULTI,
    RATING,
    SINGLE,
    TEXT,
    choice,
    make_poll,
    rating,
    respond,
    text,
)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param(
            [choice(1), choice(1), choice(0), choice(2)],
            ((1, 2, 50.0), (0, 1, 25.0), (2, 1, 25.0)),
            id="most-chosen-first-ties-in-option-order",
        ),
        pytest.param(
            [choice(2), choice(0)],
            ((0, 1, 50.0), (2, 1, 50.0), (1, 0, 0.0)),
            id="tie-keeps-original-order",
        ),
        pytest.param(
            [choice(0), None, QuestionAnswer(), choice(0), choice(1)],
            ((0, 2, 200 / 3), (1, 1, 100 / 3), (2, 0, 0.0)),
            id="skipped-answers-not-in-denominator",
        ),
        pytest.param([], ((0, 0, 0.0), (1, 0, 0.0), (2, 0, 0.0)), id="nobody-answered"),
    ],
)
def test_single_choice_shares_are_of_those_who_answered(
    answers: list[QuestionAnswer | None], expected: tuple[tuple[int, int, float], ...]
) -> None:
    responses = [respond(f"U{n}", answer) for n, answer in enumerate(answers)]
    result = tally(make_poll(SINGLE), responses, asked=10).results[0]
    assert isinstance(result, ChoiceResult)
    assert result.answered == sum(1 for a in answers if a is not None and a.choices)
    assert [(o.position, o.count, o.percent) for o in result.options] == list(expected)
    assert [o.text for o in result.options] == [SINGLE.options[p] for p, _, _ in expected]


def test_multiple_choice_shares_may_exceed_one_hundred_percent() -> None:
    responses = [
        respond("U1", choice(0, 1, 2)),
        respond("U2", choice(0, 2)),
        respond("U3", choice(2)),
        respond("U4", choice(0, 0)),  # a repeated index is one vote
    ]
    result = tally(make_poll(MULTI), responses, asked=4).results[0]
    assert result == ChoiceResult(
        MULTI,
        answered=4,
        options=(
            OptionCount(0, "API", 3, 75.0),
            OptionCount(2, "Docs", 3, 75.0),
            OptionCount(1, "UI", 1, 25.0),
        ),
    )
    assert sum(option.percent for option in result.options) == 175.0


def test_rating_gives_exact_average_and_counts_per_point() -> None:
    responses = [respond(f"U{n}", rating(value)) for n, value in enumerate([5, 4, 4, 2, 5, 5])]
    result = tally(make_poll(RATING), responses, asked=6).results[0]
    assert result == RatingResult(RATING, answered=6, average=25 / 6, counts=(0, 1, 0, 2, 3))


def test_rating_without_answers_has_no_average() -> None:
    result = tally(make_poll(RATING), [respond("U1", None)], asked=3).results[0]
    assert result == RatingResult(RATING, answered=0, average=None, counts=(0, 0, 0, 0, 0))


def test_text_keeps_every_non_empty_answer_in_order() -> None:
    responses = [
        respond("U1", text("More talks")),
        respond("U2", text("   ")),
        respond("U3", None),
        respond("U4", text("Pizza")),
    ]
    result = tally(make_poll(TEXT), responses, asked=4).results[0]
    assert result == TextResult(TEXT, answered=2, texts=("More talks", "Pizza"))


def test_responded_counts_people_with_at_least_one_answer() -> None:
    poll = make_poll(SINGLE, RATING, TEXT)
    responses = [
        respond("U1", choice(0), None, None),
        respond("U2", None, rating(3), text("ok")),
        respond("U3", None, None, text("  ")),
        respond("U4", None, None, None),
        respond("U5", QuestionAnswer(), rating(9), None),  # off-scale rating is not an answer
    ]
    result = tally(poll, responses, asked=8)
    assert (result.asked, result.responded) == (8, 2)
    assert result.response_percent == 25.0
    assert [r.answered for r in result.results] == [1, 1, 1]


def test_short_answer_tuple_counts_as_skipped_questions() -> None:
    result = tally(make_poll(SINGLE, TEXT), [respond("U1", choice(1))], asked=1)
    assert [r.answered for r in result.results] == [1, 0]


def test_out_of_range_choice_is_ignored() -> None:
    result = tally(make_poll(SINGLE), [respond("U1", choice(7))], asked=1)
    assert (result.responded, result.results[0].answered) == (0, 0)


def test_nobody_asked_gives_zero_response_percent() -> None:
    assert tally(make_poll(SINGLE), [], asked=0) == PollTally(
        asked=0,
        responded=0,
        results=(
            ChoiceResult(
                SINGLE,
                0,
                tuple(OptionCount(n, o, 0, 0.0) for n, o in enumerate(SINGLE.options)),
            ),
        ),
    )


def test_ten_thousand_mixed_responses_tally_exactly() -> None:
    # How fast this is (under 50 ms) is measured by make bench, not asserted here.
    poll = make_poll(SINGLE, MULTI, RATING, TEXT)
    responses = [
        respond(
            f"U{n}",
            choice(n % 3),
            choice(0, 1) if n % 2 else choice(2),
            rating(n % 5 + 1),
            text(f"idea {n}") if n % 10 == 0 else None,
        )
        for n in range(10_000)
    ]
    result = tally(poll, responses, asked=12_000)
    single, multi, rated, texts = result.results
    assert isinstance(single, ChoiceResult)
    assert [o.count for o in single.options] == [3334, 3333, 3333]
    assert isinstance(multi, ChoiceResult)
    assert [(o.position, o.count, o.percent) for o in multi.options] == [
        (0, 5000, 50.0),
        (1, 5000, 50.0),
        (2, 5000, 50.0),
    ]
    assert isinstance(rated, RatingResult)
    assert (rated.average, rated.counts) == (3.0, (2000,) * 5)
    assert isinstance(texts, TextResult)
    assert len(texts.texts) == 1000
    assert result.responded == 10_000


@pytest.mark.parametrize(
    ("percent", "width", "expected"),
    [
        pytest.param(50.0, 10, "█████░░░░░", id="half"),
        pytest.param(0.0, 10, "░░░░░░░░░░", id="zero"),
        pytest.param(100.0, 10, "██████████", id="full"),
        pytest.param(175.0, 10, "██████████", id="over-hundred-capped"),
        pytest.param(25.0, 10, "███░░░░░░░", id="half-block-rounds-up"),
        pytest.param(200 / 3, 10, "███████░░░", id="two-thirds"),
        pytest.param(4.0, 10, "░░░░░░░░░░", id="small-share-rounds-down"),
        pytest.param(50.0, 4, "██░░", id="custom-width"),
    ],
)
def test_bar_fills_share_of_width(percent: float, width: int, expected: str) -> None:
    assert bar(percent, width) == expected
