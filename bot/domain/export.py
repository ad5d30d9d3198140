"""Poll responses as a CSV file that spreadsheet programs open safely."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence

from bot.domain.model import Poll, Question, QuestionAnswer, QuestionKind, Response
from bot.domain.text import plain

CHOICE_SEPARATOR = "; "
# OWASP CSV injection: a spreadsheet may run a cell starting with these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Between a question and its option or place in a column header: an en dash.
_JOINT = " \u2013 "


def render_csv(
    poll: Poll,
    responses: Sequence[Response],
    *,
    respondent_header: str,
    question_headers: Sequence[str] | None = None,
    respondent_names: Mapping[str, str] | None = None,
    place_label: Callable[[int], str] = lambda place: f"#{place}",
) -> bytes:
    """One row per respondent and one column per question, as UTF-8 CSV with a BOM; people's
    text reads as they typed it (a mention as @name). A dot vote has a column per option (the
    dots given to it), a ranking a column per place (the option put there, headed
    "question, place_label(n)").

    Anonymous polls get no respondent column, and their rows are sorted by content so that the
    order of answering cannot point at anyone."""
    headers = [plain(question.text) for question in poll.questions]
    if question_headers is not None:
        if len(question_headers) != len(poll.questions):
            raise ValueError(
                f"{len(question_headers)} question headers for {len(poll.questions)} questions"
            )
        headers = list(question_headers)
    headers = [
        column
        for question, header in zip(poll.questions, headers, strict=True)
        for column in _column_headers(question, header, place_label)
    ]
    names = respondent_names or {}
    rows: list[list[str]] = []
    for response in responses:
        cells = [
            cell
            for question, answer in zip(poll.questions, _padded(response, poll), strict=True)
            for cell in _answer_cells(question, answer)
        ]
        if not any(cells):
            continue
        if not poll.anonymous:
            respondent = response.respondent or ""
            cells.insert(0, names.get(respondent, respondent))
        rows.append(cells)
    if poll.anonymous:
        rows.sort()
    else:
        headers.insert(0, respondent_header)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise_formula(header) for header in headers])
    writer.writerows([neutralise_formula(cell) for cell in row] for row in rows)
    # The BOM makes Excel read the file as UTF-8 instead of the local code page.
    return buffer.getvalue().encode("utf-8-sig")


def neutralise_formula(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would otherwise read as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _padded(response: Response, poll: Poll) -> tuple[QuestionAnswer | None, ...]:
    """The response's answers, one per question; missing ones are None."""
    missing = len(poll.questions) - len(response.answers)
    return response.answers[: len(poll.questions)] + (None,) * max(missing, 0)


def _column_headers(
    question: Question, header: str, place_label: Callable[[int], str]
) -> list[str]:
    if question.kind is QuestionKind.DOTS:
        return [f"{header}{_JOINT}{plain(option)}" for option in question.options]
    if question.kind is QuestionKind.RANK:
        return [
            f"{header}{_JOINT}{place_label(place)}" for place in range(1, _places(question) + 1)
        ]
    return [header]


def _places(question: Question) -> int:
    return question.size or len(question.options)


def _answer_cells(question: Question, answer: QuestionAnswer | None) -> list[str]:
    """The cells of one question: one for most kinds, one per option or place for dots and
    rankings (empty where nothing was given)."""
    valid = [] if answer is None else [i for i in answer.choices if 0 <= i < len(question.options)]
    if question.kind is QuestionKind.DOTS:
        dots = [valid.count(index) for index in range(len(question.options))]
        given = answer is not None and any(dots)
        return [str(count) if given else "" for count in dots]
    if question.kind is QuestionKind.RANK:
        ranked = list(dict.fromkeys(valid))[: _places(question)]
        texts = [plain(question.options[index]) for index in ranked]
        return texts + [""] * (_places(question) - len(texts))
    return [_answer_cell(question, answer)]


def _answer_cell(question: Question, answer: QuestionAnswer | None) -> str:
    if answer is None:
        return ""
    if question.kind in (QuestionKind.RATING, QuestionKind.NPS):
        return "" if answer.rating is None else str(answer.rating)
    if question.kind is QuestionKind.TEXT:
        return plain(answer.text or "").strip()
    chosen = sorted({index for index in answer.choices if 0 <= index < len(question.options)})
    return CHOICE_SEPARATOR.join(plain(question.options[index]) for index in chosen)
