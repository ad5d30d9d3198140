"""Writing answers before Slack's ack, many in one transaction.

Every answer is stored before Slack is told it arrived. In a burst (a poll posted to a big
channel) answers arrive faster than one transaction each could keep up with: each statement is a
trip to the database thread that waits behind every other ready task. So answers that arrive
while a write is under way wait for the next one, which stores all of them together in a few
statements (a group commit); each answer still learns its own outcome, and only after the
transaction has committed."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.model import PollStatus, QuestionAnswer, QuestionKind
from bot.services.ports import AnswerOutcome
from bot.storage.database import Database
from bot.storage.rows import answer_rows, fetch_all, to_ms

# Rows per multi-row statement: far below SQLite's limit on bound parameters (32,766).
CHUNK = 300


@dataclass
class PendingAnswer:
    """One person's answer waiting to be written; option is set for a one-click vote."""

    poll_id: int
    user_id: str
    answers: tuple[QuestionAnswer | None, ...]
    at: datetime
    option: int | None = None
    outcome: AnswerOutcome | None = None


@dataclass
class _Person:
    asked: bool
    response_id: int | None
    answered_at: int | None
    latest: PendingAnswer | None = None


@dataclass
class _Batch:
    answers: list[PendingAnswer] = field(default_factory=list)
    done: asyncio.Future[None] | None = None


class AnswerWriter:
    """Group commit of answers: write() returns once the answer is committed (or refused)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._waiting = _Batch()
        self._writing: asyncio.Task[None] | None = None

    async def write(self, answer: PendingAnswer) -> AnswerOutcome:
        batch = self._waiting
        if batch.done is None:
            batch.done = asyncio.get_running_loop().create_future()
        batch.answers.append(answer)
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write_batches(), name="answer-writes")
        # Shielded: a listener that gives up waiting does not undo an answer being written.
        await asyncio.shield(batch.done)
        assert answer.outcome is not None
        return answer.outcome

    async def _write_batches(self) -> None:
        while self._waiting.answers:
            batch, self._waiting = self._waiting, _Batch()
            assert batch.done is not None
            try:
                async with self.db.transaction() as conn:
                    await _store(conn, batch.answers)
            except BaseException as error:
                batch.done.set_exception(error)
                if isinstance(error, asyncio.CancelledError):
                    raise
                continue
            batch.done.set_result(None)


async def _store(conn: aiosqlite.Connection, answers: Sequence[PendingAnswer]) -> None:
    by_poll = itertools.groupby(sorted(answers, key=lambda a: a.poll_id), key=lambda a: a.poll_id)
    for poll_id, group in by_poll:
        await _store_for_poll(conn, poll_id, list(group))


async def _store_for_poll(
    conn: aiosqlite.Connection, poll_id: int, answers: list[PendingAnswer]
) -> None:
    poll, people = await _state(conn, poll_id, sorted({a.user_id for a in answers}))
    # In arrival order; the stamp decides between one person's answers.
    for answer in answers:
        answer.outcome = _decide(poll, people.get(answer.user_id), answer)
    final = {
        user_id: person.latest for user_id, person in people.items() if person.latest is not None
    }
    if not final:
        return
    new = [
        user_id
        for user_id, person in people.items()
        if user_id in final and person.response_id is None
    ]
    ids = {
        user_id: person.response_id
        for user_id, person in people.items()
        if user_id in final and person.response_id is not None
    }
    changed = list(ids.values())
    for chunk in _chunks(new):
        rows = await fetch_all(
            conn,
            "INSERT INTO responses (poll_id, respondent_id, answered_at) VALUES "
            + ", ".join("(?, ?, ?)" for _ in chunk)
            + " RETURNING id, respondent_id",
            tuple(v for user_id in chunk for v in (poll_id, user_id, to_ms(final[user_id].at))),
        )
        ids.update({str(row["respondent_id"]): int(row["id"]) for row in rows})
        await conn.execute(
            f"UPDATE poll_members SET answered = TRUE WHERE poll_id = ? AND user_id IN"
            f" ({_marks(chunk)})",
            (poll_id, *chunk),
        )
    if changed:
        await conn.executemany(
            "UPDATE responses SET answered_at = ? WHERE id = ?",
            [(to_ms(final[user_id].at), ids[user_id]) for user_id in final if user_id not in new],
        )
        for chunk_ids in _chunks(changed):
            await conn.execute(
                f"DELETE FROM answers WHERE response_id IN ({_marks(chunk_ids)})", tuple(chunk_ids)
            )
    await conn.executemany(
        "INSERT INTO answers (response_id, question_position, option_position, rating, text)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            row
            for user_id, answer in final.items()
            for row in answer_rows(ids[user_id], answer.answers)
        ],
    )


def _decide(
    poll: aiosqlite.Row | None, person: _Person | None, answer: PendingAnswer
) -> AnswerOutcome:
    """Whether this answer is stored (and becomes the person's latest), and why not if not."""
    if poll is None:
        return AnswerOutcome.NOT_FOUND
    if poll["status"] != PollStatus.OPEN.value:
        return AnswerOutcome.CLOSED
    if person is None or not person.asked:
        return AnswerOutcome.NOT_ASKED
    if answer.option is not None:
        one_click = int(poll["questions"]) == 1 and poll["kind"] == QuestionKind.SINGLE.value
        if not one_click or not 0 <= answer.option < int(poll["options"]):
            return AnswerOutcome.INVALID
    # Every answer is stamped by the bot's clock when it arrives, so stamps compare like with
    # like; on a tie the one that came later counts.
    if person.answered_at is not None and person.answered_at > to_ms(answer.at):
        return AnswerOutcome.SUPERSEDED
    person.answered_at = to_ms(answer.at)
    person.latest = answer
    return AnswerOutcome.STORED


async def _state(
    conn: aiosqlite.Connection, poll_id: int, user_ids: Sequence[str]
) -> tuple[aiosqlite.Row | None, dict[str, _Person]]:
    """The poll's side of whether answers can be stored, and who of user_ids is asked, with
    their stored response (id and stamp) if any: one statement for a batch of a few hundred."""
    poll: aiosqlite.Row | None = None
    people: dict[str, _Person] = {}
    for chunk in _chunks(user_ids):
        rows = await fetch_all(
            conn,
            f"{_POLL_STATE}, m.user_id, r.id AS response_id, r.answered_at FROM polls p"
            " LEFT JOIN poll_members m"
            f"  ON m.poll_id = p.id AND m.user_id IN ({_marks(chunk)})"
            " LEFT JOIN responses r ON r.poll_id = p.id AND r.respondent_id = m.user_id"
            " WHERE p.id = ?",
            (*chunk, poll_id),
        )
        for row in rows:
            poll = row
            if row["user_id"] is None:
                continue
            people[str(row["user_id"])] = _Person(
                asked=True,
                response_id=None if row["response_id"] is None else int(row["response_id"]),
                answered_at=None if row["answered_at"] is None else int(row["answered_at"]),
            )
    return poll, people


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def _marks(items: Sequence[Any]) -> str:
    return ", ".join("?" for _ in items)


# The poll's side of whether an answer can be stored.
_POLL_STATE = (
    "SELECT p.status,"
    " (SELECT COUNT(*) FROM questions q WHERE q.poll_id = p.id) AS questions,"
    " (SELECT kind FROM questions q WHERE q.poll_id = p.id AND q.position = 0) AS kind,"
    " (SELECT COUNT(*) FROM options o WHERE o.poll_id = p.id AND o.question_position = 0)"
    "  AS options"
)
