"""The repository: domain values in and out of the database. No SQL anywhere else.

Polls, their messages, members and answers are here; reminders, people and jobs have modules of
their own, joined into the one Repository that implements the use cases' Store port."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.domain.model import (
    Audience,
    AudienceKind,
    Poll,
    PollCounts,
    PollStatus,
    Question,
    QuestionAnswer,
    QuestionKind,
    ReminderStatus,
    Response,
)
from bot.domain.text import decode_slack
from bot.services.ports import AnswerContext, AnswerOutcome
from bot.storage.jobs import JobTable
from bot.storage.people import PeopleTable
from bot.storage.reminders import ReminderTable
from bot.storage.rows import (
    CURRENT_TEXT_VERSION,
    answer_rows,
    fetch_all,
    fetch_one,
    from_ms,
    poll_from_row,
    read_responses,
    to_ms,
    unlink_responses,
)

__all__ = ["Repository", "from_ms", "to_ms"]


class Repository(ReminderTable, PeopleTable, JobTable):
    """Polls, members, answers, reminders, jobs and the cached people of the workspace."""

    # --- polls -------------------------------------------------------------------------------

    async def create_poll(
        self,
        *,
        team_id: str,
        channel_id: str,
        organiser_id: str,
        language: str,
        questions: Sequence[Question],
        anonymous: bool,
        audience: Audience,
        opened_at: datetime,
        closes_at: datetime,
        remind_every: timedelta | None,
        members: Iterable[str],
        idempotency_key: str | None = None,
    ) -> Poll:
        """Store a poll with its questions and the people asked, all or nothing."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO polls (team_id, channel_id, organiser_id, language, anonymous,"
                " audience_kind, audience_users, audience_groups, sample_size, status, opened_at,"
                " closes_at, remind_every_ms, idempotency_key, text_version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    team_id,
                    channel_id,
                    organiser_id,
                    language,
                    anonymous,
                    audience.kind.value,
                    " ".join(audience.user_ids),
                    " ".join(audience.usergroup_ids),
                    audience.sample_size,
                    PollStatus.OPEN.value,
                    to_ms(opened_at),
                    to_ms(closes_at),
                    None if remind_every is None else int(remind_every.total_seconds() * 1000),
                    idempotency_key,
                    CURRENT_TEXT_VERSION,
                ),
            )
            poll_id = cursor.lastrowid
            assert poll_id is not None
            await conn.executemany(
                "INSERT INTO questions (poll_id, position, kind, text) VALUES (?, ?, ?, ?)",
                [(poll_id, i, q.kind.value, q.text) for i, q in enumerate(questions)],
            )
            await conn.executemany(
                "INSERT INTO options (poll_id, question_position, position, text)"
                " VALUES (?, ?, ?, ?)",
                [
                    (poll_id, qi, oi, text)
                    for qi, q in enumerate(questions)
                    for oi, text in enumerate(q.options)
                ],
            )
            now_ms = to_ms(opened_at)
            await conn.executemany(
                "INSERT INTO poll_members (poll_id, user_id, added_at) VALUES (?, ?, ?)",
                [(poll_id, user_id, now_ms) for user_id in dict.fromkeys(members)],
            )
            poll = await self._poll(conn, poll_id)
        assert poll is not None
        return poll

    async def poll_by_idempotency_key(self, key: str) -> Poll | None:
        async with self.db.reading() as conn:
            row = await fetch_one(conn, "SELECT id FROM polls WHERE idempotency_key = ?", (key,))
            return None if row is None else await self._poll(conn, int(row["id"]))

    async def get_poll(self, poll_id: int) -> Poll | None:
        async with self.db.reading() as conn:
            return await self._poll(conn, poll_id)

    async def polls_with_status(self, *statuses: PollStatus) -> list[Poll]:
        """Polls in any of the given states (every poll when none is given)."""
        statuses = statuses or tuple(PollStatus)
        marks = ", ".join("?" for _ in statuses)
        async with self.db.reading() as conn:
            rows = await fetch_all(
                conn,
                f"SELECT id FROM polls WHERE status IN ({marks}) ORDER BY id",
                tuple(s.value for s in statuses),
            )
            return [p for row in rows if (p := await self._poll(conn, int(row["id"])))]

    async def polls_in_channel(self, channel_id: str, *statuses: PollStatus) -> list[Poll]:
        """The channel's polls in any of the given states (all of them when none is given)."""
        statuses = statuses or tuple(PollStatus)
        marks = ", ".join("?" for _ in statuses)
        async with self.db.reading() as conn:
            rows = await fetch_all(
                conn,
                f"SELECT id FROM polls WHERE channel_id = ? AND status IN ({marks}) ORDER BY id",
                (channel_id, *(s.value for s in statuses)),
            )
            return [p for row in rows if (p := await self._poll(conn, int(row["id"])))]

    async def set_message_ts(self, poll_id: int, ts: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE polls SET message_ts = ? WHERE id = ?", (ts, poll_id))

    async def set_closes_at(self, poll_id: int, closes_at: datetime) -> bool:
        """Move the close of an open poll; False when it is no longer open."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE polls SET closes_at = ? WHERE id = ? AND status = ?",
                (to_ms(closes_at), poll_id, PollStatus.OPEN.value),
            )
            return cursor.rowcount == 1

    async def begin_close(self, poll_id: int, now: datetime) -> Poll | None:
        """OPEN → CLOSING, once. For an anonymous poll the link between people and answers is cut
        in the same transaction: responses are rewritten in random order without respondent."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE polls SET status = ?, closed_at = ? WHERE id = ? AND status = ?",
                (PollStatus.CLOSING.value, to_ms(now), poll_id, PollStatus.OPEN.value),
            )
            if cursor.rowcount != 1:
                return None
            row = await fetch_one(conn, "SELECT anonymous FROM polls WHERE id = ?", (poll_id,))
            anonymous = row is not None and bool(row["anonymous"])
            if anonymous:
                await unlink_responses(conn, poll_id)
            poll = await self._poll(conn, poll_id)
        if anonymous:
            # The deleted, still linked rows must not live on in the WAL either.
            await self.db.checkpoint()
        return poll

    async def mark_summary_started(self, poll_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE polls SET summary_started = TRUE WHERE id = ?", (poll_id,))

    async def summary_started(self, poll_id: int) -> bool:
        async with self.db.reading() as conn:
            row = await fetch_one(
                conn, "SELECT summary_started FROM polls WHERE id = ?", (poll_id,)
            )
            return bool(row and row["summary_started"])

    async def finish_close(self, poll_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE polls SET status = ?, summary_done = TRUE WHERE id = ?",
                (PollStatus.CLOSED.value, poll_id),
            )
            # Planned reminders of a closed poll will never go out.
            await conn.execute(
                "UPDATE reminders SET status = ? WHERE poll_id = ? AND status = ?",
                (ReminderStatus.SKIPPED.value, poll_id, ReminderStatus.DUE.value),
            )

    async def delete_poll(self, poll_id: int) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM polls WHERE id = ?", (poll_id,))
            return cursor.rowcount == 1

    # --- messages of a poll ------------------------------------------------------------------

    async def record_message(
        self, poll_id: int, kind: str, part: int, channel_id: str, ts: str
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO poll_messages (poll_id, kind, part, channel_id, ts)"
                " VALUES (?, ?, ?, ?, ?)",
                (poll_id, kind, part, channel_id, ts),
            )

    async def messages(self, poll_id: int, kind: str | None = None) -> list[tuple[int, str, str]]:
        """(part, channel, ts) of the poll's recorded messages, by part."""
        sql = "SELECT part, channel_id, ts FROM poll_messages WHERE poll_id = ?"
        params: tuple[Any, ...] = (poll_id,)
        if kind is not None:
            sql += " AND kind = ?"
            params += (kind,)
        async with self.db.reading() as conn:
            rows = await fetch_all(conn, sql + " ORDER BY kind, part", params)
        return [(int(r["part"]), str(r["channel_id"]), str(r["ts"])) for r in rows]

    # --- the people asked --------------------------------------------------------------------

    async def counts(self, poll_id: int) -> PollCounts:
        async with self.db.reading() as conn:
            row = await fetch_one(
                conn,
                "SELECT COUNT(*) AS asked, COALESCE(SUM(CASE WHEN answered THEN 1 ELSE 0 END), 0)"
                " AS answered FROM poll_members WHERE poll_id = ?",
                (poll_id,),
            )
        assert row is not None
        return PollCounts(asked=int(row["asked"]), answered=int(row["answered"]))

    async def is_member(self, poll_id: int, user_id: str) -> bool:
        async with self.db.reading() as conn:
            row = await fetch_one(
                conn,
                "SELECT 1 FROM poll_members WHERE poll_id = ? AND user_id = ?",
                (poll_id, user_id),
            )
        return row is not None

    async def add_joined_member(self, channel_id: str, user_id: str, now: datetime) -> list[int]:
        """Someone joined a channel: they are asked in its open channel-wide polls (not samples).
        Returns the polls they were added to."""
        async with self.db.transaction() as conn:
            rows = await fetch_all(
                conn,
                "SELECT id FROM polls WHERE channel_id = ? AND status = ? AND audience_kind = ?"
                " AND sample_size IS NULL AND organiser_id <> ?"
                " AND NOT EXISTS (SELECT 1 FROM poll_members m"
                "  WHERE m.poll_id = polls.id AND m.user_id = ?)",
                (channel_id, PollStatus.OPEN.value, AudienceKind.CHANNEL.value, user_id, user_id),
            )
            poll_ids = [int(r["id"]) for r in rows]
            await conn.executemany(
                "INSERT INTO poll_members (poll_id, user_id, joined, added_at)"
                " VALUES (?, ?, TRUE, ?)",
                [(poll_id, user_id, to_ms(now)) for poll_id in poll_ids],
            )
        return poll_ids

    async def uninvited_members(self, poll_id: int) -> list[str]:
        async with self.db.reading() as conn:
            rows = await fetch_all(
                conn,
                "SELECT m.user_id FROM poll_members m JOIN polls p ON p.id = m.poll_id"
                " WHERE m.poll_id = ? AND NOT m.invited AND m.user_id <> p.organiser_id"
                " ORDER BY m.user_id",
                (poll_id,),
            )
        return [str(r["user_id"]) for r in rows]

    async def mark_invited(self, poll_id: int, user_id: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE poll_members SET invited = TRUE WHERE poll_id = ? AND user_id = ?",
                (poll_id, user_id),
            )

    # --- answers -----------------------------------------------------------------------------

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
            loaded = await self._load(conn, poll_id)
            if loaded is None:
                return None
            return await _response_of(conn, *loaded, user_id)

    async def answer_context(self, poll_id: int, user_id: str) -> AnswerContext | None:
        """The poll, whether the person is asked, and their last answer, in one read."""
        async with self.db.reading() as conn:
            loaded = await self._load(conn, poll_id)
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

    # --- health ------------------------------------------------------------------------------

    async def health(self) -> dict[str, int]:
        """A real query on the bot's tables: fails when the file or the schema is unusable."""
        async with self.db.reading() as conn:
            row = await fetch_one(
                conn,
                "SELECT (SELECT MAX(version) FROM schema_migrations) AS schema_version,"
                " (SELECT COUNT(*) FROM polls WHERE status = 'open') AS open_polls,"
                " (SELECT COUNT(*) FROM jobs) AS pending_jobs",
                (),
            )
        assert row is not None
        return {key: int(row[key]) for key in ("schema_version", "open_polls", "pending_jobs")}

    # --- reading rows ------------------------------------------------------------------------

    async def _poll(self, conn: aiosqlite.Connection, poll_id: int) -> Poll | None:
        loaded = await self._load(conn, poll_id)
        return None if loaded is None else loaded[0]

    async def _load(self, conn: aiosqlite.Connection, poll_id: int) -> tuple[Poll, int] | None:
        """A poll and the text version its people's texts are stored in."""
        row = await fetch_one(conn, "SELECT * FROM polls WHERE id = ?", (poll_id,))
        if row is None:
            return None
        question_rows = await fetch_all(
            conn,
            "SELECT position, kind, text FROM questions WHERE poll_id = ? ORDER BY position",
            (poll_id,),
        )
        option_rows = await fetch_all(
            conn,
            "SELECT question_position, text FROM options WHERE poll_id = ?"
            " ORDER BY question_position, position",
            (poll_id,),
        )
        options: dict[int, list[str]] = {}
        for option in option_rows:
            options.setdefault(int(option["question_position"]), []).append(str(option["text"]))
        # Polls of text version 1 keep their texts half-decoded; the decoder completes them.
        version = int(row["text_version"])
        decode = decode_slack if version < CURRENT_TEXT_VERSION else str
        questions = tuple(
            Question(
                text=decode(str(q["text"])),
                kind=QuestionKind(q["kind"]),
                options=tuple(decode(text) for text in options.get(int(q["position"]), ())),
            )
            for q in question_rows
        )
        return poll_from_row(row, questions), version


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
