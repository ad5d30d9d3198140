"""Writing answers before Slack's ack, many in one transaction, in one trip to the database.

Every answer is stored before Slack is told it arrived. In a burst (a poll posted to a big
channel) answers arrive faster than one transaction each could keep up with, and every statement
awaited on its own is a trip through the event loop, queued behind every other ready task. So
answers that arrive while a write is under way wait for the next one, which stores all of them
(a group commit), and that write runs as one function on the database's thread: one trip, however
many answers. Each answer still learns its own outcome, and only after the commit."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from bot.domain.model import PollStatus, QuestionAnswer, QuestionKind
from bot.domain.suggestions import OptionsCheck
from bot.domain.text import decode_slack
from bot.domain.validation import answer_fits
from bot.services.ports import AnswerOutcome
from bot.services.ports.workspaces import WorkspaceKey, current_workspace
from bot.storage.database import Database
from bot.storage.rows import CURRENT_TEXT_VERSION, answer_rows, belongs, to_ms
from bot.storage.sql import SQLITE, Dialect, Row, Sql, SqlDatabase, WriteConflict

# Rows per multi-row statement: far below SQLite's limit on bound parameters (32,766).
CHUNK = 300
# Tries of a batch that met a concurrent write of the same rows (PostgreSQL, several replicas).
CONFLICT_ATTEMPTS = 5


@dataclass
class PendingAnswer:
    """One person's answer waiting to be written; option is set for a one-click vote."""

    poll_id: int
    user_id: str
    answers: tuple[QuestionAnswer | None, ...]
    at: datetime
    option: int | None = None
    # The options as the button or form showed them; None for a caller that does not know.
    check: OptionsCheck | None = None
    outcome: AnswerOutcome | None = None
    # The workspace it was given in: a batch is written by whichever request's task comes
    # first, so each answer carries its own (a poll of another workspace is NOT_FOUND).
    workspace: WorkspaceKey | None = field(default_factory=current_workspace)


@dataclass
class _Person:
    response_id: int | None
    answered_at: int | None
    latest: PendingAnswer | None = None


class AnswerWriter:
    """Group commit of answers: write() returns once the answer is committed (or refused).

    An answer that arrives while no write runs is written at once, with whatever arrived before
    the write began. Answers arriving meanwhile wait; when a write ends, a task writes them all
    together. Each answer waits on a future of its own, set straight by the writer: every
    hand-over costs a pass through the event loop's ready tasks, which in a burst is what an
    ack waits for."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db
        self._waiting: list[tuple[PendingAnswer, asyncio.Future[None]]] = []
        self._writing = False
        self._next: asyncio.Future[None] | None = None

    async def write(self, answer: PendingAnswer) -> AnswerOutcome:
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((answer, done))
        if not self._writing:
            await self._write_one_batch()
        # Awaited directly (a shield would cost another pass through the loop): a listener
        # that gives up cancels only its own future; its answer is written all the same.
        await done
        assert answer.outcome is not None
        return answer.outcome

    async def _store(self, answers: list[PendingAnswer]) -> None:
        if isinstance(self.db, Database):
            # SQLite: the whole batch in one trip to the database's thread.
            await self.db.transaction_in_thread(partial(store_on_sqlite, answers=answers))
            return
        for attempt in itertools.count(1):
            try:
                async with self.db.transaction() as sql:
                    await store_on_sql(sql, answers)
                return
            except WriteConflict:
                # Another replica stored one of these people's first answer at the same moment
                # (a double click, a retry): the next attempt sees it and decides again.
                if attempt == CONFLICT_ATTEMPTS:
                    raise

    async def _write_one_batch(self) -> None:
        self._writing = True
        batch, self._waiting = self._waiting, []
        try:
            await self._store([answer for answer, _done in batch])
        except asyncio.CancelledError:
            self._waiting = batch + self._waiting  # the next write takes them along
            raise
        except Exception as error:
            for _answer, done in batch:
                if not done.done():
                    done.set_exception(error)
        else:
            for _answer, done in batch:
                if not done.done():
                    done.set_result(None)
        finally:
            # Those who arrived meanwhile are written next, by a task (this caller has its ack
            # to send); until it runs nobody else starts a write of their own.
            self._writing = bool(self._waiting)
            if self._waiting:
                self._next = asyncio.ensure_future(self._write_one_batch())


@dataclass(frozen=True, slots=True)
class _Statement:
    """One statement of a batch's write; many: params is a list of rows for executemany."""

    sql: str
    params: Sequence[Any]
    many: bool = False


# The write of a batch, as the statements it needs: run on SQLite's thread in one go
# (store_on_sqlite) or statement by statement on PostgreSQL (store_on_sql). Each yield hands a
# statement over and receives its rows.
_Work = Generator[_Statement, list[Row], None]


def store_on_sqlite(conn: sqlite3.Connection, answers: Sequence[PendingAnswer]) -> None:
    """Decide and write a batch on the database's thread, inside its transaction."""
    work = _store(answers, SQLITE)
    try:
        statement = next(work)
        while True:
            if statement.many:
                conn.executemany(statement.sql, statement.params)
                rows: list[Row] = []
            else:
                rows = conn.execute(statement.sql, statement.params).fetchall()
            statement = work.send(rows)
    except StopIteration:
        return


async def store_on_sql(sql: Sql, answers: Sequence[PendingAnswer]) -> None:
    """Decide and write a batch through the statement API, inside a transaction."""
    work = _store(answers, sql.dialect)
    try:
        statement = next(work)
        while True:
            if statement.many:
                await sql.execute_many(statement.sql, statement.params)
                rows: list[Row] = []
            else:
                rows = await sql.fetch_all(statement.sql, statement.params)
            statement = work.send(rows)
    except StopIteration:
        return


def _store(answers: Sequence[PendingAnswer], dialect: Dialect) -> _Work:
    by_poll = itertools.groupby(sorted(answers, key=lambda a: a.poll_id), key=lambda a: a.poll_id)
    for poll_id, group in by_poll:
        yield from _store_for_poll(poll_id, list(group), dialect)


def _store_for_poll(poll_id: int, answers: list[PendingAnswer], dialect: Dialect) -> _Work:
    # The poll's row stays as read until the answers are committed: a close waits for them, so
    # an answer stored (and acknowledged) is always counted in the summary.
    polls = yield _Statement(
        _POLL_STATE + " FROM polls p WHERE p.id = ?" + dialect.lock_shared, [poll_id]
    )
    poll = polls[0] if polls else None
    # Both read after the poll's row is held: a removal of an option (which holds it too) is
    # either all before this or all after.
    shapes: list[_Shape] = []
    if poll is not None and any(answer.option is None for answer in answers):
        shapes = [_shape(row) for row in (yield _Statement(_QUESTION_SHAPES, [poll_id]))]
    options: list[list[str]] | None = None
    if poll is not None and any(a.check is not None for a in answers):
        options = yield from _options(poll_id, poll)
    people = yield from _people(poll_id, sorted({a.user_id for a in answers}))
    # In arrival order; the stamp decides between one person's answers.
    for answer in answers:
        answer.outcome = _decide(poll, shapes, people.get(answer.user_id), answer, options)
    final = {user: person for user, person in people.items() if person.latest is not None}
    new = [user for user, person in final.items() if person.response_id is None]
    for chunk in _chunks(new):
        rows = yield _Statement(
            "INSERT INTO responses (poll_id, respondent_id, answered_at) VALUES "
            + ", ".join("(?, ?, ?)" for _ in chunk)
            + " RETURNING id, respondent_id",
            [v for user in chunk for v in (poll_id, user, _stamp(final[user]))],
        )
        for row in rows:
            final[str(row["respondent_id"])].response_id = int(row["id"])
        yield _Statement(
            f"UPDATE poll_members SET answered = TRUE WHERE poll_id = ? AND user_id IN"
            f" ({_marks(chunk)})",
            [poll_id, *chunk],
        )
    changed = [person for user, person in final.items() if user not in new]
    if changed:
        yield _Statement(
            "UPDATE responses SET answered_at = ? WHERE id = ?",
            [(_stamp(person), person.response_id) for person in changed],
            many=True,
        )
    for chunk in _chunks([person.response_id for person in changed]):
        yield _Statement(f"DELETE FROM answers WHERE response_id IN ({_marks(chunk)})", chunk)
    answer_values = [
        row
        for person in final.values()
        if person.latest is not None
        for row in answer_rows(person.response_id, person.latest.answers)
    ]
    if answer_values:
        yield _Statement(
            "INSERT INTO answers (response_id, question_position, option_position, rating, text,"
            " place) VALUES (?, ?, ?, ?, ?, ?)",
            answer_values,
            many=True,
        )


def _stamp(person: _Person) -> int:
    assert person.latest is not None
    return to_ms(person.latest.at)


def _decide(
    poll: Row | None,
    shapes: Sequence[_Shape],
    person: _Person | None,
    answer: PendingAnswer,
    options: list[list[str]] | None,
) -> AnswerOutcome:
    """Whether this answer is stored (and becomes the person's latest), and why not if not."""
    if poll is None or not belongs(answer.workspace, poll["team_id"], poll["enterprise_id"]):
        return AnswerOutcome.NOT_FOUND
    if poll["status"] != PollStatus.OPEN.value:
        return AnswerOutcome.CLOSED
    if person is None:
        return AnswerOutcome.NOT_ASKED
    if answer.check is not None and options is not None and not answer.check.holds_for(options):
        # Shown before an option was removed: its numbers now mean other options.
        return AnswerOutcome.OPTIONS_CHANGED
    if answer.option is not None:
        one_click = int(poll["questions"]) == 1 and poll["kind"] == QuestionKind.SINGLE.value
        if not one_click or not 0 <= answer.option < int(poll["options"]):
            return AnswerOutcome.INVALID
    elif not _fits(shapes, answer.answers):
        return AnswerOutcome.INVALID
    # Every answer is stamped by the bot's clock when it arrives, so stamps compare like with
    # like; on a tie the one that came later counts.
    if person.answered_at is not None and person.answered_at > to_ms(answer.at):
        return AnswerOutcome.SUPERSEDED
    person.answered_at = to_ms(answer.at)
    person.latest = answer
    return AnswerOutcome.STORED


@dataclass(frozen=True, slots=True)
class _Shape:
    """What an answer to one question must fit: its kind, size and number of options."""

    kind: QuestionKind
    size: int | None
    options: int


def _shape(row: Row) -> _Shape:
    size = None if row["size"] is None else int(row["size"])
    return _Shape(QuestionKind(str(row["kind"])), size, int(row["options"]))


def _fits(shapes: Sequence[_Shape], answers: Sequence[QuestionAnswer | None]) -> bool:
    """An answer form's answers fit the poll's questions (the services checked them too; the
    store never keeps one that does not, whoever calls it)."""
    if len(answers) > len(shapes):
        return False
    return all(
        answer is None or answer_fits(shape.kind, shape.size, shape.options, answer)
        for shape, answer in zip(shapes, answers, strict=False)
    )


def _options(poll_id: int, poll: Row) -> Generator[_Statement, list[Row], list[list[str]]]:
    """The texts of every question's options, in order, as the poll's readers see them."""
    rows = yield _Statement(
        "SELECT question_position, text FROM options WHERE poll_id = ?"
        " ORDER BY question_position, position",
        [poll_id],
    )
    decode = decode_slack if int(poll["text_version"]) < CURRENT_TEXT_VERSION else str
    options: list[list[str]] = [[] for _ in range(int(poll["questions"]))]
    for row in rows:
        position = int(row["question_position"])
        if position < len(options):
            options[position].append(decode(str(row["text"])))
    return options


def _people(
    poll_id: int, user_ids: Sequence[str]
) -> Generator[_Statement, list[Row], dict[str, _Person]]:
    """Who of user_ids is asked, with their stored response (id and stamp) if any."""
    people: dict[str, _Person] = {}
    for chunk in _chunks(user_ids):
        rows = yield _Statement(
            "SELECT m.user_id, r.id AS response_id, r.answered_at FROM poll_members m"
            " LEFT JOIN responses r ON r.poll_id = m.poll_id AND r.respondent_id = m.user_id"
            f" WHERE m.poll_id = ? AND m.user_id IN ({_marks(chunk)})",
            [poll_id, *chunk],
        )
        for row in rows:
            people[str(row["user_id"])] = _Person(
                response_id=None if row["response_id"] is None else int(row["response_id"]),
                answered_at=None if row["answered_at"] is None else int(row["answered_at"]),
            )
    return people


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def _marks(items: Sequence[Any]) -> str:
    return ", ".join("?" for _ in items)


# The poll's side of whether an answer can be stored.
_POLL_STATE = (
    "SELECT p.status, p.text_version, p.team_id, p.enterprise_id,"
    " (SELECT COUNT(*) FROM questions q WHERE q.poll_id = p.id) AS questions,"
    " (SELECT kind FROM questions q WHERE q.poll_id = p.id AND q.position = 0) AS kind,"
    " (SELECT COUNT(*) FROM options o WHERE o.poll_id = p.id AND o.question_position = 0)"
    "  AS options"
)

# Every question's shape, in order, for checking an answer form's answers.
_QUESTION_SHAPES = (
    "SELECT q.position, q.kind, q.size,"
    " (SELECT COUNT(*) FROM options o WHERE o.poll_id = q.poll_id"
    "  AND o.question_position = q.position) AS options"
    " FROM questions q WHERE q.poll_id = ? ORDER BY q.position"
)
