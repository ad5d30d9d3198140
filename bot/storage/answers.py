"""Answers in the database: stored (the last one counts), read back, and the context the answer
form opens with."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.model import Poll, QuestionAnswer, Response
from bot.domain.suggestions import OptionsCheck
from bot.services.ports import AnswerContext, AnswerOutcome
from bot.storage.answer_writes import AnswerWriter, PendingAnswer
from bot.storage.rows import (
    CURRENT_TEXT_VERSION,
    Table,
    load_poll,
    poll_in_workspace,
    read_responses,
)
from bot.storage.sql import Sql, SqlDatabase


class AnswerTable(Table):
    """What people answered; answers are written together when they arrive together."""

    def __init__(self, db: SqlDatabase) -> None:
        super().__init__(db)
        self._writer = AnswerWriter(db)

    async def record_response(
        self,
        poll_id: int,
        user_id: str,
        answers: Sequence[QuestionAnswer | None],
        at: datetime,
        *,
        check: OptionsCheck | None = None,
    ) -> AnswerOutcome:
        """Replace the person's answers (the last one counts) while the poll is open and they are
        asked; a later answer of theirs already stored wins (SUPERSEDED, nothing changed)."""
        pending = PendingAnswer(poll_id, user_id, tuple(answers), at, check=check)
        return await self._writer.write(pending)

    async def record_vote(
        self,
        poll_id: int,
        user_id: str,
        option: int,
        at: datetime,
        *,
        check: OptionsCheck | None = None,
    ) -> AnswerOutcome:
        """A one-click answer, checked (open, asked, a one-click poll, a real option, the options
        as the button showed them) and stored before the ack."""
        answer = (QuestionAnswer(choices=(option,)),)
        pending = PendingAnswer(poll_id, user_id, answer, at, option, check=check)
        return await self._writer.write(pending)

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
            asked = await conn.fetch_one(
                "SELECT 1 FROM poll_members WHERE poll_id = ? AND user_id = ?",
                (poll_id, user_id),
            )
            previous = await _response_of(conn, *loaded, user_id)
        return AnswerContext(loaded[0], asked is not None, previous)

    async def responses(self, poll: Poll) -> list[Response]:
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll.id):
                return []
            return await read_responses(
                conn,
                poll,
                "r.poll_id = ?",
                (poll.id,),
                text_version=await _text_version(conn, poll.id),
            )


async def _response_of(conn: Sql, poll: Poll, text_version: int, user_id: str) -> Response | None:
    row = await conn.fetch_one(
        "SELECT id FROM responses WHERE poll_id = ? AND respondent_id = ?",
        (poll.id, user_id),
    )
    if row is None:
        return None
    found = await read_responses(
        conn, poll, "r.id = ?", (int(row["id"]),), text_version=text_version
    )
    return found[0] if found else None


async def _text_version(conn: Sql, poll_id: int) -> int:
    row = await conn.fetch_one("SELECT text_version FROM polls WHERE id = ?", (poll_id,))
    return CURRENT_TEXT_VERSION if row is None else int(row["text_version"])
