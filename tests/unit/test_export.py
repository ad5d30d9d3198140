"""Tests of the CSV export, read back with the csv module."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from bot.domain.export import neutralise_formula, render_csv
from bot.domain.model import Poll, Question, QuestionAnswer, QuestionKind, Response
from tests.unit.factories import MULTI, RATING, SINGLE, TEXT, choice, make_poll, rating, text

POLL = make_poll(SINGLE, MULTI, RATING, TEXT)
BOM = b"\xef\xbb\xbf"


def read_back(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


def export(
    poll: Poll,
    responses: list[Response],
    *,
    question_headers: list[str] | None = None,
    respondent_names: dict[str, str] | None = None,
) -> list[list[str]]:
    data = render_csv(
        poll,
        responses,
        respondent_header="Respondent",
        question_headers=question_headers,
        respondent_names=respondent_names,
    )
    return read_back(data)


def test_one_row_per_respondent_one_column_per_question() -> None:
    responses = [
        Response("U1", (choice(1), choice(2, 0), rating(4), text("More, please"))),
        Response("U2", (choice(0), None, None, None)),
    ]
    assert export(POLL, responses) == [
        ["Respondent", "Which event?", "Which topics?", "How was it?", "Anything else?"],
        ["U1", "Talk", "API; Docs", "4", "More, please"],
        ["U2", "Workshop", "", "", ""],
    ]


def test_respondent_names_and_translated_headers_are_used() -> None:
    responses = [Response("U1", (choice(0), choice(1), rating(5), None))]
    rows = export(
        POLL,
        responses,
        question_headers=["K1", "K2", "K3", "K4"],
        respondent_names={"U1": "Maija Meikäläinen"},
    )
    assert rows == [
        ["Respondent", "K1", "K2", "K3", "K4"],
        ["Maija Meikäläinen", "Workshop", "UI", "5", ""],
    ]


def test_unknown_respondent_falls_back_to_user_id() -> None:
    rows = export(POLL, [Response("U9", (choice(0), None, None, None))], respondent_names={})
    assert rows[1][0] == "U9"


def test_anonymous_poll_has_no_respondent_column_and_rows_sorted() -> None:
    poll = replace(POLL, anonymous=True)
    responses = [
        Response(None, (choice(2), None, rating(1), None)),
        Response(None, (choice(0), None, rating(3), None)),
    ]
    assert export(poll, responses) == [
        ["Which event?", "Which topics?", "How was it?", "Anything else?"],
        ["Meetup", "", "1", ""],
        ["Workshop", "", "3", ""],
    ]


def test_responses_without_any_answer_are_left_out() -> None:
    responses = [
        Response("U1", (None, QuestionAnswer(), None, text("  "))),
        Response("U2", (choice(1), None, None, None)),
    ]
    assert [row[0] for row in export(POLL, responses)[1:]] == ["U2"]


def test_nobody_answered_gives_header_only() -> None:
    assert export(POLL, []) == [
        ["Respondent", "Which event?", "Which topics?", "How was it?", "Anything else?"]
    ]


def test_output_is_rfc_4180_with_crlf_and_minimal_quoting() -> None:
    poll = make_poll(TEXT)
    data = render_csv(
        poll,
        [Response("U1", (text('Say "hi"\nthen, bye'),)), Response("U2", (text("plain"),))],
        respondent_header="Who",
    )
    assert data == BOM + b'Who,Anything else?\r\nU1,"Say ""hi""\nthen, bye"\r\nU2,plain\r\n'


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        pytest.param("=SUM(A1)", "'=SUM(A1)", id="equals"),
        pytest.param("+358 40 123", "'+358 40 123", id="plus"),
        pytest.param("-1", "'-1", id="minus"),
        pytest.param("@cmd", "'@cmd", id="at-sign"),
        pytest.param("\tx", "'\tx", id="tab"),
        pytest.param("\rx", "'\rx", id="carriage-return"),
        pytest.param("a=b", "a=b", id="formula-character-later-is-fine"),
        pytest.param("", "", id="empty"),
    ],
)
def test_neutralise_formula_prefixes_apostrophe(cell: str, expected: str) -> None:
    assert neutralise_formula(cell) == expected


def test_formula_cells_neutralised_everywhere() -> None:
    poll = make_poll(
        Question("=HYPERLINK()", QuestionKind.SINGLE, ("+1", "@here")),
        Question("-note", QuestionKind.TEXT),
    )
    rows = export(
        poll,
        [Response("U1", (choice(0, 1), text("=1+1")))],
        respondent_names={"U1": "@maija"},
    )
    assert rows == [
        ["Respondent", "'=HYPERLINK()", "'-note"],
        ["'@maija", "'+1; @here", "'=1+1"],
    ]


def test_question_headers_must_match_questions() -> None:
    with pytest.raises(ValueError, match="2 question headers for 4 questions"):
        render_csv(POLL, [], respondent_header="R", question_headers=["a", "b"])
