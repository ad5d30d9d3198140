"""Poll responses as a CSV file that spreadsheet programs open safely."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from bot.domain.model import Poll, Question, QuestionAnswer, QuestionKind, Response
from bot.domain.text import plain

CHOICE_SEPARATOR = "; "
# OWASP CSV injection: a spreadsheet may run a cell starting with these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(
    poll: Poll,
    responses: Sequence[Response],
    *,
    respondent_header: str,
    question_headers: Sequence[str] | None = None,
    respondent_names: Mapping[str, str] | None = None,
) -> bytes:
    """One row per respondent and one column per question, as UTF-8 CSV with a BOM; people's
    text reads as they typed it (a mention as @name).

    Anonymous polls get no respondent column, and their rows are sorted by content so that the
    order of answering cannot point at anyone."""
    headers = [plain(question.text) for question in poll.questions]
    if question_headers is not None:
        if len(question_headers) != len(poll.questions):
            raise ValueError(
                f"{len(question_headers)} question headers for {len(poll.questions)} questions"
            )
        headers = list(question_headers)
    names = respondent_names or {}
    rows: list[list[str]] = []
    for response in responses:
        cells = [
            _answer_cell(question, answer)
            for question, answer in zip(poll.questions, _padded(response, poll), strict=True)
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


def _answer_cell(question: Question, answer: QuestionAnswer | None) -> str:
    if answer is None:
        return ""
    if question.kind is QuestionKind.RATING:
        return "" if answer.rating is None else str(answer.rating)
    if question.kind is QuestionKind.TEXT:
        return plain(answer.text or "").strip()
    chosen = sorted({index for index in answer.choices if 0 <= index < len(question.options)})
    return CHOICE_SEPARATOR.join(plain(question.options[index]) for index in chosen)
