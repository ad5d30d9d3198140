"""Options respondents suggest: added at the end of an open question, removed by the organiser
(with their answers, the later options renumbered), and who suggested them forgotten at close."""

from __future__ import annotations

from bot.domain.model import MAX_OPTIONS, PollStatus, QuestionKind
from bot.domain.suggestions import accepts_suggestions, existing_like
from bot.domain.text import decode_slack
from bot.services.ports import (
    RemovalOutcome,
    RemovalResult,
    SuggestionOutcome,
    SuggestionResult,
)
from bot.storage.rows import CURRENT_TEXT_VERSION, Table, workspace_scope
from bot.storage.sql import Row, Sql


class SuggestionTable(Table):
    """The options table's side of suggestions; each change is one transaction."""

    async def add_suggestion(
        self, poll_id: int, question: int, user_id: str, text: str
    ) -> SuggestionResult:
        """Add text as the last option of the question, if the poll is open, the person asked,
        the question open, fewer than MAX_OPTIONS options there and none the same as text."""
        async with self.db.transaction() as conn:
            refusal = await _hold_open_poll(conn, poll_id)
            if refusal is not None:
                return SuggestionResult(SuggestionOutcome(refusal.value))
            asked = await conn.fetch_one(
                "SELECT 1 FROM poll_members WHERE poll_id = ? AND user_id = ?", (poll_id, user_id)
            )
            if asked is None:
                return SuggestionResult(SuggestionOutcome.NOT_ASKED)
            row = await conn.fetch_one(
                "SELECT kind, open_suggestions FROM questions WHERE poll_id = ? AND position = ?",
                (poll_id, question),
            )
            if row is None:
                return SuggestionResult(SuggestionOutcome.NOT_FOUND)
            if not row["open_suggestions"] or not accepts_suggestions(QuestionKind(row["kind"])):
                return SuggestionResult(SuggestionOutcome.NOT_OPEN)
            options = await _options(conn, poll_id, question)
            if len(options) >= MAX_OPTIONS:
                return SuggestionResult(SuggestionOutcome.FULL)
            same = existing_like(options, text)
            if same is not None:
                return SuggestionResult(SuggestionOutcome.DUPLICATE, same, options[same])
            await conn.execute(
                "INSERT INTO options (poll_id, question_position, position, text, suggested,"
                " suggested_by) VALUES (?, ?, ?, ?, TRUE, ?)",
                (poll_id, question, len(options), text, user_id),
            )
        return SuggestionResult(SuggestionOutcome.ADDED, len(options))

    async def remove_option(self, poll_id: int, question: int, position: int) -> RemovalResult:
        """Remove a suggested option of an open poll: its answers go, later options and their
        answers move up one, and a person left with no answer at all counts as not answered."""
        async with self.db.transaction() as conn:
            refusal = await _hold_open_poll(conn, poll_id)
            if refusal is not None:
                return RemovalResult(RemovalOutcome(refusal.value))
            row = await conn.fetch_one(
                "SELECT text, suggested FROM options"
                " WHERE poll_id = ? AND question_position = ? AND position = ?",
                (poll_id, question, position),
            )
            if row is None:
                return RemovalResult(RemovalOutcome.NO_SUCH_OPTION)
            text = await _decoded(conn, poll_id, str(row["text"]))
            if not row["suggested"]:
                return RemovalResult(RemovalOutcome.NOT_SUGGESTED, text)
            chose = await _people_who_chose(conn, poll_id, question, position)
            await _delete_option(conn, poll_id, question, position)
            emptied = await _drop_empty_responses(conn, poll_id, chose)
        return RemovalResult(RemovalOutcome.REMOVED, text, len(chose), emptied)


async def forget_suggesters(conn: Sql, poll_id: int) -> None:
    """Who suggested which option of an anonymous poll is cut when it closes."""
    await conn.execute("UPDATE options SET suggested_by = NULL WHERE poll_id = ?", (poll_id,))


async def _hold_open_poll(conn: Sql, poll_id: int) -> RemovalOutcome | None:
    """Hold the poll's row for this transaction (answers being stored wait, and so does a
    close); NOT_FOUND or CLOSED when it cannot change."""
    # A write that changes nothing still takes the row's lock (PostgreSQL; SQLite's
    # transaction holds the whole file already), and says whether the poll is open.
    # A poll of another workspace is not found, as if there were none.
    scope = workspace_scope()
    held = await conn.execute(
        f"UPDATE polls SET status = status WHERE id = ? AND status = ?{scope.sql}",
        (poll_id, PollStatus.OPEN.value, *scope.params),
    )
    if held == 1:
        return None
    exists = await conn.fetch_one(
        f"SELECT 1 FROM polls WHERE id = ?{scope.sql}", (poll_id, *scope.params)
    )
    return RemovalOutcome.NOT_FOUND if exists is None else RemovalOutcome.CLOSED


async def _options(conn: Sql, poll_id: int, question: int) -> list[str]:
    rows = await conn.fetch_all(
        "SELECT o.text, p.text_version FROM options o JOIN polls p ON p.id = o.poll_id"
        " WHERE o.poll_id = ? AND o.question_position = ? ORDER BY o.position",
        (poll_id, question),
    )
    return [_decode(row, str(row["text"])) for row in rows]


async def _decoded(conn: Sql, poll_id: int, text: str) -> str:
    row = await conn.fetch_one("SELECT text_version FROM polls WHERE id = ?", (poll_id,))
    return text if row is None else _decode(row, text)


def _decode(row: Row, text: str) -> str:
    # Polls of text version 1 keep their texts half-decoded (see rows.load_poll).
    return decode_slack(text) if int(row["text_version"]) < CURRENT_TEXT_VERSION else text


_OF_POLL = "response_id IN (SELECT id FROM responses WHERE poll_id = ?)"


async def _people_who_chose(conn: Sql, poll_id: int, question: int, position: int) -> list[int]:
    """The responses (ids) that chose the option, each once (a dot vote has a row per dot)."""
    rows = await conn.fetch_all(
        "SELECT DISTINCT response_id FROM answers"
        f" WHERE {_OF_POLL} AND question_position = ? AND option_position = ?",
        (poll_id, question, position),
    )
    return [int(row["response_id"]) for row in rows]


async def _delete_option(conn: Sql, poll_id: int, question: int, position: int) -> None:
    await conn.execute(
        f"DELETE FROM answers WHERE {_OF_POLL} AND question_position = ? AND option_position = ?",
        (poll_id, question, position),
    )
    await conn.execute(
        "DELETE FROM options WHERE poll_id = ? AND question_position = ? AND position = ?",
        (poll_id, question, position),
    )
    # Moved up in two steps through negative numbers: a key checked row by row never meets
    # the row it is about to replace.
    await conn.execute(
        "UPDATE options SET position = -position"
        " WHERE poll_id = ? AND question_position = ? AND position > ?",
        (poll_id, question, position),
    )
    await conn.execute(
        "UPDATE options SET position = -position - 1"
        " WHERE poll_id = ? AND question_position = ? AND position < 0",
        (poll_id, question),
    )
    await conn.execute(
        "UPDATE answers SET option_position = option_position - 1"
        f" WHERE {_OF_POLL} AND question_position = ? AND option_position > ?",
        (poll_id, question, position),
    )


async def _drop_empty_responses(conn: Sql, poll_id: int, response_ids: list[int]) -> int:
    """Responses left with no answer are removed, and their people count as not answered."""
    emptied = 0
    for response_id in response_ids:
        left = await conn.fetch_one(
            "SELECT 1 FROM answers WHERE response_id = ? LIMIT 1", (response_id,)
        )
        if left is not None:
            continue
        gone = await conn.fetch_one(
            "DELETE FROM responses WHERE id = ? RETURNING respondent_id", (response_id,)
        )
        if gone is not None and gone["respondent_id"] is not None:
            await conn.execute(
                "UPDATE poll_members SET answered = FALSE WHERE poll_id = ? AND user_id = ?",
                (poll_id, str(gone["respondent_id"])),
            )
        emptied += 1
    return emptied
