"""Dot voting, ranking and NPS in the domain: the quick syntax, validation, what answers fit,
the exact tallies and the CSV columns."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from bot.domain.errors import InvalidPollInput
from bot.domain.export import render_csv
from bot.domain.model import Question, QuestionAnswer, QuestionKind
from bot.domain.tally import (
    DotsCount,
    DotsResult,
    NpsResult,
    RankCount,
    RankResult,
    net_promoter_score,
    tally,
)
from bot.domain.validation import (
    answer_fits,
    resolved_size,
    size_field,
    validate_questions,
    with_resolved_size,
)
from tests.unit.factories import make_poll, only_question, parse_error, parse_new_poll, respond

DOTS = Question("Budget?", QuestionKind.DOTS, ("Coffee", "Books", "Games"), size=4)
RANK = Question("Food?", QuestionKind.RANK, ("Pizza", "Sushi", "Tacos", "Curry"), size=3)
NPS = Question("Recommend us?", QuestionKind.NPS)


def dots(*choices: int) -> QuestionAnswer:
    return QuestionAnswer(choices=tuple(sorted(choices)))


def ranked(*choices: int) -> QuestionAnswer:
    return QuestionAnswer(choices=choices)


def score(value: int) -> QuestionAnswer:
    return QuestionAnswer(rating=value)


# --- quick syntax -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "size"),
    [
        pytest.param('new "Q?" "A" "B" dots', QuestionKind.DOTS, 3, id="dots-default-3"),
        pytest.param('new "Q?" "A" "B" dots:10', QuestionKind.DOTS, 10, id="dots-10"),
        pytest.param('new "Q?" "A" "B" dots: 1', QuestionKind.DOTS, 1, id="dots-space"),
        pytest.param('new "Q?" "A" "B" pisteet:5', QuestionKind.DOTS, 5, id="finnish-dots"),
        pytest.param('new "Q?" "A" "B" "C" "D" rank', QuestionKind.RANK, 3, id="rank-3"),
        pytest.param('new "Q?" "A" "B" rank', QuestionKind.RANK, 2, id="rank-capped-to-2"),
        pytest.param('new "Q?" "A" "B" "C" rank:2', QuestionKind.RANK, 2, id="rank-2"),
        pytest.param('new "Q?" "A" "B" JÄRJESTYS:2', QuestionKind.RANK, 2, id="finnish-rank"),
        pytest.param('new "Q?" nps', QuestionKind.NPS, None, id="nps"),
        pytest.param('new "Q?" suosittelu anonyymi', QuestionKind.NPS, None, id="finnish-nps"),
        pytest.param('new "Q?" "A" "B" prickar:4', QuestionKind.DOTS, 4, id="swedish-dots"),
        pytest.param('new "Q?" "A" "B" "C" Rangordna', QuestionKind.RANK, 3, id="swedish-rank"),
    ],
)
def test_quick_syntax_reads_the_new_kinds(text: str, kind: QuestionKind, size: int | None) -> None:
    question = only_question(parse_new_poll(text))
    assert (question.kind, question.size) == (kind, size)


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        pytest.param(
            'new "Q?" "A" "B" dots:0',
            "error.bad_dots",
            {"value": "0", "min": 1, "max": 10},
            id="dots-0",
        ),
        pytest.param(
            'new "Q?" "A" "B" dots:11',
            "error.bad_dots",
            {"value": "11", "min": 1, "max": 10},
            id="dots-11",
        ),
        pytest.param(
            'new "Q?" "A" "B" dots:x',
            "error.bad_dots",
            {"value": "x", "min": 1, "max": 10},
            id="dots-word",
        ),
        pytest.param(
            'new "Q?" "A" "B" "C" "D" "E" "F" rank:6',
            "error.bad_places",
            {"value": "6", "min": 2, "max": 5},
            id="rank-6",
        ),
        pytest.param(
            'new "Q?" "A" "B" rank:1',
            "error.bad_places",
            {"value": "1", "min": 2, "max": 5},
            id="rank-1",
        ),
        pytest.param(
            'new "Q?" "A" "B" rank:3',
            "error.rank_too_few_options",
            {"number": 1, "places": 3, "options": 2},
            id="rank-more-places-than-options",
        ),
        pytest.param('new "Q?" dots', "error.missing_options", {"number": 1}, id="dots-no-opts"),
        pytest.param(
            'new "Q?" "A" rank', "error.one_option", {"number": 1, "min": 2}, id="rank-one-option"
        ),
        pytest.param(
            'new "Q?" "A" "B" nps', "error.nps_with_options", {"number": 1}, id="nps-opts"
        ),
        pytest.param('new "Q?" nps:5', "error.nps_with_size", {"word": "nps:5"}, id="nps-number"),
        pytest.param(
            'new "Q?" "A" "B" dots rank',
            "error.conflicting_kinds",
            {"first": "dots", "second": "rank"},
            id="dots-and-rank",
        ),
        pytest.param(
            'new "Q?" "A" "B" multi pisteet',
            "error.conflicting_kinds",
            {"first": "multi", "second": "pisteet"},
            id="multi-and-dots",
        ),
        pytest.param(
            'new "Q?" rating nps',
            "error.conflicting_kinds",
            {"first": "rating", "second": "nps"},
            id="rating-and-nps",
        ),
        pytest.param(
            'new "Q?" "A" "B" dots dots:2',
            "error.duplicate_keyword",
            {"word": "dots:2"},
            id="dots-twice",
        ),
        pytest.param(
            'new "Q?" "A" "B" dots:', "error.missing_value", {"word": "dots:"}, id="dots:"
        ),
    ],
)
def test_quick_syntax_mistakes_with_the_new_kinds(
    text: str, key: str, params: dict[str, object]
) -> None:
    error = parse_error(text)
    assert (error.message_key, error.params) == (key, params)


# --- validation and what fits -------------------------------------------------------------


def test_sizes_resolve_to_their_defaults() -> None:
    assert resolved_size(QuestionKind.DOTS, None, 2) == 3
    assert resolved_size(QuestionKind.RANK, None, 2) == 2
    assert resolved_size(QuestionKind.RANK, None, 9) == 3
    assert resolved_size(QuestionKind.RANK, 5, 2) == 5  # given: validation judges it
    assert resolved_size(QuestionKind.NPS, None, 0) is None
    drafted = Question("Vote?", QuestionKind.DOTS, ("A", "B"))
    assert with_resolved_size(drafted).size == 3
    assert with_resolved_size(DOTS) is DOTS


@pytest.mark.parametrize(
    ("question", "key"),
    [
        pytest.param(
            Question("Q?", QuestionKind.DOTS, ("A", "B"), size=0), "error.bad_dots", id="0"
        ),
        pytest.param(Question("Q?", QuestionKind.DOTS, ("A", "B")), "error.bad_dots", id="no-size"),
        pytest.param(
            Question("Q?", QuestionKind.RANK, ("A", "B"), size=6), "error.bad_places", id="6"
        ),
        pytest.param(
            Question("Q?", QuestionKind.RANK, ("A", "B"), size=3),
            "error.rank_too_few_options",
            id="3>2",
        ),
        pytest.param(
            Question("Q?", QuestionKind.SINGLE, ("A", "B"), size=3), "error.size_not_allowed"
        ),
    ],
)
def test_sizes_out_of_range_are_refused_on_the_size_field(question: Question, key: str) -> None:
    with pytest.raises(InvalidPollInput) as raised:
        validate_questions([Question("First?", QuestionKind.TEXT), question])
    assert raised.value.message_key == key
    assert raised.value.field == size_field(1)


@pytest.mark.parametrize(
    ("question", "answer", "fits"),
    [
        pytest.param(DOTS, dots(0, 0, 0, 1), True, id="dots-all-4"),
        pytest.param(DOTS, dots(2), True, id="dots-fewer"),
        pytest.param(DOTS, dots(0, 0, 1, 1, 2), False, id="dots-5-of-4"),
        pytest.param(DOTS, dots(3), False, id="dots-no-such-option"),
        pytest.param(RANK, ranked(1, 0, 2), True, id="rank-3"),
        pytest.param(RANK, ranked(3), True, id="rank-only-1st"),
        pytest.param(RANK, ranked(1, 1), False, id="rank-repeated"),
        pytest.param(RANK, ranked(0, 1, 2, 3), False, id="rank-too-many-places"),
        pytest.param(NPS, score(0), True, id="nps-0"),
        pytest.param(NPS, score(10), True, id="nps-10"),
        pytest.param(NPS, score(11), False, id="nps-11"),
        pytest.param(NPS, QuestionAnswer(choices=(0,)), False, id="nps-with-choice"),
        pytest.param(Question("R?", QuestionKind.RATING), score(6), False, id="rating-6"),
        pytest.param(
            Question("S?", QuestionKind.SINGLE, ("A", "B")), ranked(0, 1), False, id="single-2"
        ),
        pytest.param(
            Question("M?", QuestionKind.MULTI, ("A", "B")), ranked(0, 0), False, id="multi-0-0"
        ),
    ],
)
def test_what_answers_fit_a_question(
    question: Question, answer: QuestionAnswer, fits: bool
) -> None:
    assert answer_fits(question.kind, question.size, len(question.options), answer) is fits


# --- tallies ------------------------------------------------------------------------------


def test_dots_per_option_share_of_all_dots_and_people_most_first_ties_in_order() -> None:
    responses = [
        respond("U1", dots(0, 0, 0, 1)),
        respond("U2", dots(1, 1, 2, 2)),
        respond("U3", dots(0, 2, 2)),
        respond("U4", None),
    ]
    result = tally(make_poll(DOTS), responses, asked=5).results[0]
    assert result == DotsResult(
        DOTS,
        answered=3,
        total_dots=11,
        options=(
            DotsCount(0, "Coffee", 4, 400 / 11, 2),
            DotsCount(2, "Games", 4, 400 / 11, 2),
            DotsCount(1, "Books", 3, 300 / 11, 2),
        ),
    )


def test_borda_points_and_first_places_most_points_first() -> None:
    responses = [
        respond("U1", ranked(1, 0, 2)),
        respond("U2", ranked(1, 3)),
        respond("U3", ranked(2)),
        respond("U4", ranked(0, 1, 3)),
    ]
    result = tally(make_poll(RANK), responses, asked=4).results[0]
    assert result == RankResult(
        RANK,
        answered=4,
        places=3,
        options=(
            RankCount(1, "Sushi", 8, 2),
            RankCount(0, "Pizza", 5, 1),
            RankCount(2, "Tacos", 4, 1),
            RankCount(3, "Curry", 3, 0),
        ),
    )


def test_equal_points_put_more_first_places_first() -> None:
    question = Question("Q?", QuestionKind.RANK, ("A", "B", "C"), size=2)
    # A: 2 + 1 + 1 = 4 points, one first place; B: 2 + 2 = 4 points, two first places.
    responses = [
        respond("U1", ranked(0, 2)),
        respond("U2", ranked(1, 0)),
        respond("U3", ranked(1, 0)),
    ]
    result = tally(make_poll(question), responses, asked=3).results[0]
    assert isinstance(result, RankResult)
    assert [(o.text, o.points, o.first_places) for o in result.options] == [
        ("B", 4, 2),
        ("A", 4, 1),
        ("C", 1, 0),
    ]


def test_nps_groups_distribution_and_score() -> None:
    scores = [10, 9, 8, 7, 6]
    responses = [respond(f"U{n}", score(value)) for n, value in enumerate(scores)]
    result = tally(make_poll(NPS), responses, asked=6).results[0]
    counts = [0] * 11
    for value in scores:
        counts[value] += 1
    assert result == NpsResult(
        NPS,
        answered=5,
        score=20,
        promoters=2,
        passives=2,
        detractors=1,
        counts=tuple(counts),
    )


def test_nps_of_nobody_is_none() -> None:
    result = tally(make_poll(NPS), [], asked=3).results[0]
    assert isinstance(result, NpsResult)
    assert (result.answered, result.score) == (0, None)


@pytest.mark.parametrize(
    ("promoters", "detractors", "answered", "expected"),
    [
        pytest.param(1, 2, 3, -33, id="minus-a-third"),
        pytest.param(2, 1, 3, 33, id="a-third"),
        pytest.param(1, 0, 8, 13, id="half-rounds-away-from-zero"),
        pytest.param(0, 1, 8, -13, id="minus-half-rounds-away-from-zero"),
        pytest.param(5, 0, 5, 100, id="all-promoters"),
        pytest.param(0, 5, 5, -100, id="all-detractors"),
        pytest.param(0, 0, 4, 0, id="all-passive"),
    ],
)
def test_net_promoter_score_is_a_whole_number(
    promoters: int, detractors: int, answered: int, expected: int
) -> None:
    assert net_promoter_score(promoters, detractors, answered) == expected


# --- CSV ----------------------------------------------------------------------------------


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_a_column_per_option_for_dots_and_per_place_for_ranking() -> None:
    poll = make_poll(DOTS, RANK, NPS)
    responses = [
        respond("U1", dots(0, 0, 2), ranked(1, 0), score(9)),
        respond("U2", None, ranked(3, 2, 1), None),
    ]
    rows = read_csv(
        render_csv(
            poll, responses, respondent_header="Who", place_label=lambda place: f"place {place}"
        )
    )
    assert rows == [
        [
            "Who",
            "Budget? – Coffee",
            "Budget? – Books",
            "Budget? – Games",
            "Food? – place 1",
            "Food? – place 2",
            "Food? – place 3",
            "Recommend us?",
        ],
        ["U1", "2", "0", "1", "Sushi", "Pizza", "", "9"],
        ["U2", "", "", "", "Curry", "Tacos", "Sushi", ""],
    ]


def test_anonymous_csv_of_the_new_kinds_has_no_respondent_and_sorted_rows() -> None:
    poll = make_poll(DOTS)
    anonymous = replace(poll, anonymous=True)
    responses = [respond("U1", dots(2, 2)), respond("U2", dots(0))]
    rows = read_csv(render_csv(anonymous, responses, respondent_header="Who"))
    assert rows == [
        ["Budget? – Coffee", "Budget? – Books", "Budget? – Games"],
        ["0", "0", "2"],
        ["1", "0", "0"],
    ]
