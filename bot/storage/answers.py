"""Answers in the database: stored (the last one counts), read back, and the context the answer
form opens with."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.domain.model import Poll, PollStatus, QuestionAnswer, QuestionKind, Response
from bot.services.ports import AnswerContext, AnswerOutcome
from bot.storage.rows import (
    CURRENT_TEXT_VERSION,
    Table,
    answer_rows,
    fetch_one,
    load_poll,
    read_responses,
    to_ms,
)


class AnswerTable(Table):
    """What people answered; every write is one short transaction (it runs before the ack)."""

    async def record_response(
        self, poll_id: int, user_id: str, answers: Sequence[QuestionAnswer | None], at: datetime
    ) -> AnswerOutcome:
        """Replace the person's answers (the last one counts) while the poll is open and they are
        asked; a later answer of theirs already stored wins (SUPERSEDED, nothing changed)."""
        async with self.db.transaction() as conn:
            row = await fetch_one(conn, _ANSWER_STATE, (user_id, user_id, poll_id))
            refusal = _refusal(row)
            if refusal is not None:
                return refusal
            assert row is not None
            return await _store_response(conn, row, poll_id, user_id, answers, at)

    async def record_vote(
        self, poll_id: int, user_id: str, option: int, at: datetime
    ) -> AnswerOutcome:
        """A one-click answer, checked and stored in one short transaction (before the ack)."""
        async with self.db.transaction() as conn:
            row = await fetch_one(conn, _ANSWER_STATE, (user_id, user_id, poll_id))
            refusal = _refusal(row)
            if refusal is not None:
                return refusal
            assert row is not None
            one_click = int(row["questions"]) == 1 and row["kind"] == QuestionKind.SINGLE.value
            if not one_click or not 0 <= option < int(row["options"]):
                return AnswerOutcome.INVALID
            answer = (QuestionAnswer(choices=(option,)),)
            return await _store_response(conn, row, poll_id, user_id, answer, at)

    async def response_of(self, poll_id: int, user_id: str) -> Response | None:
        async with self.db.reading() as conn:
            loaded = await load_poll(conn, poll_id)
            if loaded is None:
                return None
            return await _response_of(conn, *loaded, user_id)

    async def answer_context(self, poll_id: int, user_id: str) -> AnswerContext | None:
        """The poll, whether the person is asked, and their last answer, in one read."""
        async with self.db.reading() as conn:
            loaded = await load_poll(conn, poll_id)
            if loaded is None:
                return None
            asked = await fetch_one(
                conn,
                "SELECT 1 FROM poll_members WHERE poll_id = ? AND user_id = ?",
                (poll_id, user_id),
            )
            previous = await _response_of(conn, *loaded, user_id)
        return AnswerContext(loaded[0], asked is not None, previous)

    async def responses(self, poll: Poll) -> list[Response]:
        async with self.db.reading() as conn:
            return await read_responses(
                conn,
                poll,
                "r.poll_id = ?",
                (poll.id,),
                text_version=await _text_version(conn, poll.id),
            )


async def _response_of(
    conn: aiosqlite.Connection, poll: Poll, text_version: int, user_id: str
) -> Response | None:
    row = await fetch_one(
        conn,
        "SELECT id FROM responses WHERE poll_id = ? AND respondent_id = ?",
        (poll.id, user_id),
    )
    if row is None:
        return None
    found = await read_responses(
        conn, poll, "r.id = ?", (int(row["id"]),), text_version=text_version
    )
    return found[0] if found else None


# Whether an answer can be stored, and what the person answered before, in one statement.
_ANSWER_STATE = (
    "SELECT p.status,"
    " EXISTS (SELECT 1 FROM poll_members m WHERE m.poll_id = p.id AND m.user_id = ?) AS asked,"
    " (SELECT COUNT(*) FROM questions q WHERE q.poll_id = p.id) AS questions,"
    " (SELECT kind FROM questions q WHERE q.poll_id = p.id AND q.position = 0) AS kind,"
    " (SELECT COUNT(*) FROM options o WHERE o.poll_id = p.id AND o.question_position = 0)"
    "  AS options,"
    " r.id AS response_id, r.answered_at"
    " FROM polls p LEFT JOIN responses r ON r.poll_id = p.id AND r.respondent_id = ?"
    " WHERE p.id = ?"
)


async def _text_version(conn: aiosqlite.Connection, poll_id: int) -> int:
    row = await fetch_one(conn, "SELECT text_version FROM polls WHERE id = ?", (poll_id,))
    return CURRENT_TEXT_VERSION if row is None else int(row["text_version"])


def _refusal(row: aiosqlite.Row | None) -> AnswerOutcome | None:
    """Why an answer cannot be stored, from a row with the poll's status and whether the person
    is asked; None when it can."""
    if row is None:
        return AnswerOutcome.NOT_FOUND
    if row["status"] != PollStatus.OPEN.value:
        return AnswerOutcome.CLOSED
    if not row["asked"]:
        return AnswerOutcome.NOT_ASKED
    return None


async def _store_response(
    conn: aiosqlite.Connection,
    state: aiosqlite.Row,
    poll_id: int,
    user_id: str,
    answers: Sequence[QuestionAnswer | None],
    at: datetime,
) -> AnswerOutcome:
    """Write an answer, given the _ANSWER_STATE row of the person; few statements, because an
    answer is written before Slack's ack and in a burst every statement waits its turn."""
    response_id = state["response_id"]
    # Every answer is stamped by the bot's clock when it arrives, so stamps compare like with
    # like; on a tie the one stored last (which arrived last) counts.
    if response_id is not None and int(state["answered_at"] or 0) > to_ms(at):
        return AnswerOutcome.SUPERSEDED
    if response_id is None:
        cursor = await conn.execute(
            "INSERT INTO responses (poll_id, respondent_id, answered_at) VALUES (?, ?, ?)",
            (poll_id, user_id, to_ms(at)),
        )
        response_id = cursor.lastrowid
        await conn.execute(
            "UPDATE poll_members SET answered = TRUE WHERE poll_id = ? AND user_id = ?",
            (poll_id, user_id),
        )
    else:
        await conn.execute(
            "UPDATE responses SET answered_at = ? WHERE id = ?", (to_ms(at), response_id)
        )
        await conn.execute("DELETE FROM answers WHERE response_id = ?", (response_id,))
    await conn.executemany(
        "INSERT INTO answers (response_id, question_position, option_position, rating,"
        " text) VALUES (?, ?, ?, ?, ?)",
        list(answer_rows(response_id, answers)),
    )
    return AnswerOutcome.STORED
