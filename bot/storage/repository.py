"""The repository: domain values in and out of the database. No SQL anywhere else."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import aiosqlite

from bot.domain.model import (
    MAX_REMINDERS_PER_PERSON,
    Audience,
    AudienceKind,
    Person,
    Poll,
    PollCounts,
    PollStatus,
    Question,
    QuestionAnswer,
    QuestionKind,
    Reminder,
    ReminderStatus,
    Response,
)
from bot.storage.database import Database

# A reminder counts toward the per-person cap once it is planned, unless it failed or was skipped.
COUNTED_REMINDER_STATES = (ReminderStatus.DUE, ReminderStatus.SENDING, ReminderStatus.SENT)


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


class Repository:
    """Polls, members, answers, reminders and the cached people of the workspace."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
                " closes_at, remind_every_ms, idempotency_key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            row = await _one(conn, "SELECT id FROM polls WHERE idempotency_key = ?", (key,))
            return None if row is None else await self._poll(conn, int(row["id"]))

    async def get_poll(self, poll_id: int) -> Poll | None:
        async with self.db.reading() as conn:
            return await self._poll(conn, poll_id)

    async def polls_with_status(self, *statuses: PollStatus) -> list[Poll]:
        """Polls in any of the given states (every poll when none is given)."""
        statuses = statuses or tuple(PollStatus)
        marks = ", ".join("?" for _ in statuses)
        async with self.db.reading() as conn:
            rows = await _all(
                conn,
                f"SELECT id FROM polls WHERE status IN ({marks}) ORDER BY id",
                tuple(s.value for s in statuses),
            )
            return [p for row in rows if (p := await self._poll(conn, int(row["id"])))]

    async def open_polls_in_channel(self, channel_id: str) -> list[Poll]:
        async with self.db.reading() as conn:
            rows = await _all(
                conn,
                "SELECT id FROM polls WHERE channel_id = ? AND status = ? ORDER BY id",
                (channel_id, PollStatus.OPEN.value),
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
            row = await _one(conn, "SELECT anonymous FROM polls WHERE id = ?", (poll_id,))
            anonymous = row is not None and bool(row["anonymous"])
            if anonymous:
                await _unlink_responses(conn, poll_id)
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
            row = await _one(conn, "SELECT summary_started FROM polls WHERE id = ?", (poll_id,))
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
            rows = await _all(conn, sql + " ORDER BY kind, part", params)
        return [(int(r["part"]), str(r["channel_id"]), str(r["ts"])) for r in rows]

    # --- the people asked --------------------------------------------------------------------

    async def counts(self, poll_id: int) -> PollCounts:
        async with self.db.reading() as conn:
            row = await _one(
                conn,
                "SELECT COUNT(*) AS asked, COALESCE(SUM(CASE WHEN answered THEN 1 ELSE 0 END), 0)"
                " AS answered FROM poll_members WHERE poll_id = ?",
                (poll_id,),
            )
        assert row is not None
        return PollCounts(asked=int(row["asked"]), answered=int(row["answered"]))

    async def is_member(self, poll_id: int, user_id: str) -> bool:
        async with self.db.reading() as conn:
            row = await _one(
                conn,
                "SELECT 1 FROM poll_members WHERE poll_id = ? AND user_id = ?",
                (poll_id, user_id),
            )
        return row is not None

    async def add_joined_member(self, channel_id: str, user_id: str, now: datetime) -> list[int]:
        """Someone joined a channel: they are asked in its open channel-wide polls (not samples).
        Returns the polls they were added to."""
        async with self.db.transaction() as conn:
            rows = await _all(
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
            rows = await _all(
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
    ) -> bool:
        """Replace the person's answers (the last one counts) while the poll is open and they are
        asked. Returns False, changing nothing, when the poll is not open or they are not asked
        or a later answer of theirs is already stored (a delayed duplicate)."""
        async with self.db.transaction() as conn:
            row = await _one(
                conn,
                "SELECT p.status FROM polls p JOIN poll_members m ON m.poll_id = p.id"
                " WHERE p.id = ? AND m.user_id = ?",
                (poll_id, user_id),
            )
            if row is None or row["status"] != PollStatus.OPEN.value:
                return False
            existing = await _one(
                conn,
                "SELECT id, answered_at FROM responses WHERE poll_id = ? AND respondent_id = ?",
                (poll_id, user_id),
            )
            if existing is not None and int(existing["answered_at"] or 0) > to_ms(at):
                return True
            if existing is None:
                cursor = await conn.execute(
                    "INSERT INTO responses (poll_id, respondent_id, answered_at) VALUES (?, ?, ?)",
                    (poll_id, user_id, to_ms(at)),
                )
                response_id = cursor.lastrowid
            else:
                response_id = int(existing["id"])
                await conn.execute(
                    "UPDATE responses SET answered_at = ? WHERE id = ?", (to_ms(at), response_id)
                )
                await conn.execute("DELETE FROM answers WHERE response_id = ?", (response_id,))
            await conn.executemany(
                "INSERT INTO answers (response_id, question_position, option_position, rating,"
                " text) VALUES (?, ?, ?, ?, ?)",
                list(_answer_rows(response_id, answers)),
            )
            await conn.execute(
                "UPDATE poll_members SET answered = TRUE WHERE poll_id = ? AND user_id = ?",
                (poll_id, user_id),
            )
        return True

    async def response_of(self, poll_id: int, user_id: str) -> Response | None:
        async with self.db.reading() as conn:
            row = await _one(
                conn,
                "SELECT id FROM responses WHERE poll_id = ? AND respondent_id = ?",
                (poll_id, user_id),
            )
            if row is None:
                return None
            poll = await self._poll(conn, poll_id)
            assert poll is not None
            found = await _responses(conn, poll, "r.id = ?", (int(row["id"]),))
        return found[0] if found else None

    async def responses(self, poll: Poll) -> list[Response]:
        async with self.db.reading() as conn:
            return await _responses(conn, poll, "r.poll_id = ?", (poll.id,))

    # --- reminders ---------------------------------------------------------------------------

    async def reminder_candidates(self, poll_id: int) -> list[str]:
        """Asked, not answered, not opted out, not the organiser, under the cap."""
        marks = ", ".join("?" for _ in COUNTED_REMINDER_STATES)
        async with self.db.reading() as conn:
            rows = await _all(
                conn,
                "SELECT m.user_id FROM poll_members m JOIN polls p ON p.id = m.poll_id"
                " WHERE m.poll_id = ? AND NOT m.answered AND m.user_id <> p.organiser_id"
                " AND NOT EXISTS (SELECT 1 FROM reminder_opt_outs o"
                "  WHERE o.poll_id = m.poll_id AND o.user_id = m.user_id)"
                " AND (SELECT COUNT(*) FROM reminders r WHERE r.poll_id = m.poll_id"
                f"  AND r.user_id = m.user_id AND r.status IN ({marks})) < ?"
                " ORDER BY m.user_id",
                (poll_id, *(s.value for s in COUNTED_REMINDER_STATES), MAX_REMINDERS_PER_PERSON),
            )
        return [str(r["user_id"]) for r in rows]

    async def auto_round_exists(self, poll_id: int, auto_index: int) -> bool:
        async with self.db.reading() as conn:
            row = await _one(
                conn,
                "SELECT 1 FROM reminder_rounds WHERE poll_id = ? AND auto_index = ?",
                (poll_id, auto_index),
            )
        return row is not None

    async def latest_auto_round(self, poll_id: int) -> int | None:
        async with self.db.reading() as conn:
            row = await _one(
                conn,
                "SELECT MAX(auto_index) AS latest FROM reminder_rounds WHERE poll_id = ?",
                (poll_id,),
            )
        return None if row is None or row["latest"] is None else int(row["latest"])

    async def start_round(
        self,
        poll_id: int,
        auto_index: int | None,
        now: datetime,
        deliveries: Sequence[tuple[str, datetime]],
    ) -> int | None:
        """Plan one round's reminders in one transaction. An automatic round starts once: a second
        start of the same auto_index returns None and plans nothing."""
        async with self.db.transaction() as conn:
            if auto_index is not None:
                exists = await _one(
                    conn,
                    "SELECT 1 FROM reminder_rounds WHERE poll_id = ? AND auto_index = ?",
                    (poll_id, auto_index),
                )
                if exists is not None:
                    return None
            cursor = await conn.execute(
                "INSERT INTO reminder_rounds (poll_id, auto_index, started_at) VALUES (?, ?, ?)",
                (poll_id, auto_index, to_ms(now)),
            )
            round_id = cursor.lastrowid
            assert round_id is not None
            await conn.executemany(
                "INSERT INTO reminders (round_id, poll_id, user_id, deliver_at, status)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (round_id, poll_id, user_id, to_ms(at), ReminderStatus.DUE.value)
                    for user_id, at in deliveries
                ],
            )
        return round_id

    async def reminders_with_status(
        self, poll_id: int, status: ReminderStatus, *, due_by: datetime | None = None
    ) -> list[Reminder]:
        sql = (
            "SELECT r.round_id, r.poll_id, r.user_id, r.deliver_at, r.status, r.attempts,"
            " r.dm_channel_id FROM reminders r WHERE r.poll_id = ? AND r.status = ?"
        )
        params: tuple[Any, ...] = (poll_id, status.value)
        if due_by is not None:
            sql += " AND r.deliver_at <= ?"
            params += (to_ms(due_by),)
        async with self.db.reading() as conn:
            rows = await _all(conn, sql + " ORDER BY r.deliver_at, r.user_id", params)
        return [_reminder(row) for row in rows]

    async def next_delivery(self, poll_id: int) -> datetime | None:
        async with self.db.reading() as conn:
            row = await _one(
                conn,
                "SELECT MIN(deliver_at) AS next FROM reminders WHERE poll_id = ? AND status = ?",
                (poll_id, ReminderStatus.DUE.value),
            )
        return None if row is None or row["next"] is None else from_ms(int(row["next"]))

    async def set_reminder_status(
        self,
        reminder: Reminder,
        status: ReminderStatus,
        *,
        expected: ReminderStatus,
        at: datetime | None = None,
        dm_channel_id: str | None = None,
        message_ts: str | None = None,
        error: str | None = None,
        attempts: int | None = None,
    ) -> bool:
        """Compare-and-set a reminder's status: False when someone else moved it first."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE reminders SET status = ?, sent_at = COALESCE(?, sent_at),"
                " dm_channel_id = COALESCE(?, dm_channel_id), message_ts = COALESCE(?, message_ts),"
                " error = COALESCE(?, error), attempts = COALESCE(?, attempts)"
                " WHERE round_id = ? AND user_id = ? AND status = ?",
                (
                    status.value,
                    None if at is None else to_ms(at),
                    dm_channel_id,
                    message_ts,
                    error,
                    attempts,
                    reminder.round_id,
                    reminder.user_id,
                    expected.value,
                ),
            )
            return cursor.rowcount == 1

    async def reminder_totals(self, poll_id: int) -> dict[str, int]:
        async with self.db.reading() as conn:
            rows = await _all(
                conn,
                "SELECT status, COUNT(*) AS n FROM reminders WHERE poll_id = ? GROUP BY status",
                (poll_id,),
            )
        return {str(r["status"]): int(r["n"]) for r in rows}

    async def reminder_count_for(self, poll_id: int, user_id: str) -> int:
        """How many reminders for this poll have gone (or are going) out to this person."""
        async with self.db.reading() as conn:
            row = await _one(
                conn,
                "SELECT COUNT(*) AS n FROM reminders WHERE poll_id = ? AND user_id = ?"
                " AND status IN (?, ?)",
                (poll_id, user_id, ReminderStatus.SENDING.value, ReminderStatus.SENT.value),
            )
        return 0 if row is None else int(row["n"])

    async def opt_out(self, poll_id: int, user_id: str, now: datetime) -> None:
        """Record "don't remind me"; planned reminders for that person are skipped."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO reminder_opt_outs (poll_id, user_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (poll_id, user_id) DO NOTHING",
                (poll_id, user_id, to_ms(now)),
            )
            await conn.execute(
                "UPDATE reminders SET status = ? WHERE poll_id = ? AND user_id = ? AND status = ?",
                (ReminderStatus.SKIPPED.value, poll_id, user_id, ReminderStatus.DUE.value),
            )

    async def still_wants_reminder(self, poll_id: int, user_id: str) -> bool:
        """At delivery time: the poll is open, the person has not answered and not opted out."""
        async with self.db.reading() as conn:
            row = await _one(
                conn,
                "SELECT 1 FROM poll_members m JOIN polls p ON p.id = m.poll_id"
                " WHERE m.poll_id = ? AND m.user_id = ? AND NOT m.answered AND p.status = ?"
                " AND NOT EXISTS (SELECT 1 FROM reminder_opt_outs o"
                "  WHERE o.poll_id = m.poll_id AND o.user_id = m.user_id)",
                (poll_id, user_id, PollStatus.OPEN.value),
            )
        return row is not None

    # --- people of the workspace -------------------------------------------------------------

    async def save_people(self, people: Iterable[Person], now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO slack_users (user_id, tz, locale, is_bot, deleted, fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET tz = excluded.tz,"
                " locale = COALESCE(excluded.locale, slack_users.locale),"
                " is_bot = excluded.is_bot, deleted = excluded.deleted,"
                " fetched_at = excluded.fetched_at",
                [(p.user_id, p.tz, p.locale, p.is_bot, p.deleted, to_ms(now)) for p in people],
            )

    async def people(self, user_ids: Iterable[str]) -> dict[str, Person]:
        ids = list(dict.fromkeys(user_ids))
        found: dict[str, Person] = {}
        async with self.db.reading() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                rows = await _all(
                    conn,
                    "SELECT user_id, tz, locale, is_bot, deleted FROM slack_users"
                    f" WHERE user_id IN ({marks})",
                    tuple(chunk),
                )
                found.update({str(r["user_id"]): _person(r) for r in rows})
        return found

    async def people_fetched_since(self, since: datetime) -> int:
        async with self.db.reading() as conn:
            row = await _one(
                conn, "SELECT COUNT(*) AS n FROM slack_users WHERE fetched_at >= ?", (to_ms(since),)
            )
        return 0 if row is None else int(row["n"])

    async def dm_channel(self, user_id: str) -> str | None:
        async with self.db.reading() as conn:
            row = await _one(
                conn, "SELECT dm_channel_id FROM slack_users WHERE user_id = ?", (user_id,)
            )
        return None if row is None or row["dm_channel_id"] is None else str(row["dm_channel_id"])

    async def save_dm_channel(self, user_id: str, channel_id: str, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO slack_users (user_id, dm_channel_id, fetched_at) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET dm_channel_id = excluded.dm_channel_id",
                (user_id, channel_id, to_ms(now)),
            )

    # --- health ------------------------------------------------------------------------------

    async def health(self) -> dict[str, int]:
        """A real query on the bot's tables: fails when the file or the schema is unusable."""
        async with self.db.reading() as conn:
            row = await _one(
                conn,
                "SELECT (SELECT MAX(version) FROM schema_migrations) AS schema_version,"
                " (SELECT COUNT(*) FROM polls WHERE status = 'open') AS open_polls",
                (),
            )
        assert row is not None
        return {"schema_version": int(row["schema_version"]), "open_polls": int(row["open_polls"])}

    # --- reading rows ------------------------------------------------------------------------

    async def _poll(self, conn: aiosqlite.Connection, poll_id: int) -> Poll | None:
        row = await _one(conn, "SELECT * FROM polls WHERE id = ?", (poll_id,))
        if row is None:
            return None
        question_rows = await _all(
            conn,
            "SELECT position, kind, text FROM questions WHERE poll_id = ? ORDER BY position",
            (poll_id,),
        )
        option_rows = await _all(
            conn,
            "SELECT question_position, text FROM options WHERE poll_id = ?"
            " ORDER BY question_position, position",
            (poll_id,),
        )
        options: dict[int, list[str]] = {}
        for option in option_rows:
            options.setdefault(int(option["question_position"]), []).append(str(option["text"]))
        questions = tuple(
            Question(
                text=str(q["text"]),
                kind=QuestionKind(q["kind"]),
                options=tuple(options.get(int(q["position"]), ())),
            )
            for q in question_rows
        )
        return _poll_from_row(row, questions)


def _poll_from_row(row: aiosqlite.Row, questions: tuple[Question, ...]) -> Poll:
    remind_ms = row["remind_every_ms"]
    return Poll(
        id=int(row["id"]),
        team_id=str(row["team_id"]),
        channel_id=str(row["channel_id"]),
        organiser_id=str(row["organiser_id"]),
        language=str(row["language"]),
        questions=questions,
        anonymous=bool(row["anonymous"]),
        audience=Audience(
            kind=AudienceKind(row["audience_kind"]),
            user_ids=tuple(str(row["audience_users"]).split()),
            usergroup_ids=tuple(str(row["audience_groups"]).split()),
            sample_size=None if row["sample_size"] is None else int(row["sample_size"]),
        ),
        opened_at=from_ms(int(row["opened_at"])),
        closes_at=from_ms(int(row["closes_at"])),
        remind_every=None if remind_ms is None else timedelta(milliseconds=int(remind_ms)),
        status=PollStatus(row["status"]),
        message_ts=None if row["message_ts"] is None else str(row["message_ts"]),
        closed_at=None if row["closed_at"] is None else from_ms(int(row["closed_at"])),
    )


def _answer_rows(
    response_id: int | None, answers: Sequence[QuestionAnswer | None]
) -> Iterable[tuple[int | None, int, int | None, int | None, str | None]]:
    for position, answer in enumerate(answers):
        if answer is None or answer.is_empty:
            continue
        for choice in answer.choices:
            yield (response_id, position, choice, None, None)
        if answer.rating is not None:
            yield (response_id, position, None, answer.rating, None)
        if answer.text:
            yield (response_id, position, None, None, answer.text)


async def _responses(
    conn: aiosqlite.Connection, poll: Poll, where: str, params: tuple[Any, ...]
) -> list[Response]:
    rows = await _all(
        conn,
        "SELECT r.id, r.respondent_id, a.question_position, a.option_position, a.rating, a.text"
        f" FROM responses r LEFT JOIN answers a ON a.response_id = r.id WHERE {where}"
        " ORDER BY r.id, a.question_position, a.option_position",
        params,
    )
    size = len(poll.questions)
    grouped: dict[int, tuple[str | None, list[dict[str, Any]]]] = {}
    for row in rows:
        respondent = None if row["respondent_id"] is None else str(row["respondent_id"])
        parts = grouped.setdefault(int(row["id"]), (respondent, [{} for _ in range(size)]))[1]
        if row["question_position"] is None or int(row["question_position"]) >= size:
            continue
        part = parts[int(row["question_position"])]
        if row["option_position"] is not None:
            part.setdefault("choices", []).append(int(row["option_position"]))
        if row["rating"] is not None:
            part["rating"] = int(row["rating"])
        if row["text"] is not None:
            part["text"] = str(row["text"])
    return [
        Response(
            respondent=respondent,
            answers=tuple(
                QuestionAnswer(
                    choices=tuple(p.get("choices", ())), rating=p.get("rating"), text=p.get("text")
                )
                if p
                else None
                for p in parts
            ),
        )
        for respondent, parts in grouped.values()
    ]


async def _unlink_responses(conn: aiosqlite.Connection, poll_id: int) -> None:
    """Copy every response to a new row, in random order, without respondent or time."""
    rows = await _all(conn, "SELECT id FROM responses WHERE poll_id = ?", (poll_id,))
    old_ids = [int(r["id"]) for r in rows]
    random.SystemRandom().shuffle(old_ids)
    for old_id in old_ids:
        cursor = await conn.execute(
            "INSERT INTO responses (poll_id, respondent_id, answered_at) VALUES (?, NULL, NULL)",
            (poll_id,),
        )
        await conn.execute(
            "UPDATE answers SET response_id = ? WHERE response_id = ?", (cursor.lastrowid, old_id)
        )
    await conn.executemany("DELETE FROM responses WHERE id = ?", [(i,) for i in old_ids])


def _reminder(row: aiosqlite.Row) -> Reminder:
    return Reminder(
        round_id=int(row["round_id"]),
        poll_id=int(row["poll_id"]),
        user_id=str(row["user_id"]),
        deliver_at=from_ms(int(row["deliver_at"])),
        status=ReminderStatus(row["status"]),
        attempts=int(row["attempts"]),
        dm_channel_id=None if row["dm_channel_id"] is None else str(row["dm_channel_id"]),
    )


def _person(row: aiosqlite.Row) -> Person:
    return Person(
        user_id=str(row["user_id"]),
        tz=None if row["tz"] is None else str(row["tz"]),
        locale=None if row["locale"] is None else str(row["locale"]),
        is_bot=bool(row["is_bot"]),
        deleted=bool(row["deleted"]),
    )


async def _one(
    conn: aiosqlite.Connection, sql: str, params: tuple[Any, ...]
) -> aiosqlite.Row | None:
    async with conn.execute(sql, params) as cursor:
        return await cursor.fetchone()


async def _all(
    conn: aiosqlite.Connection, sql: str, params: tuple[Any, ...]
) -> list[aiosqlite.Row]:
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())
