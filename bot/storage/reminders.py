"""Reminder rounds, single reminders and opt-outs in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain.model import MAX_REMINDERS_PER_PERSON, PollStatus, Reminder, ReminderStatus
from bot.storage.rows import (
    Table,
    from_ms,
    poll_in_workspace,
    reminder_from_row,
    to_ms,
    workspace_scope,
)

# A reminder counts toward the per-person cap once it is planned, unless it failed or was skipped.
COUNTED_REMINDER_STATES = (ReminderStatus.DUE, ReminderStatus.SENDING, ReminderStatus.SENT)


class ReminderTable(Table):
    """Who is reminded, when, and what became of each reminder."""

    async def reminder_candidates(self, poll_id: int) -> list[str]:
        """Asked, not answered, not opted out, not the organiser, under the cap."""
        marks = ", ".join("?" for _ in COUNTED_REMINDER_STATES)
        scope = workspace_scope("p")
        async with self.db.reading() as conn:
            rows = await conn.fetch_all(
                "SELECT m.user_id FROM poll_members m JOIN polls p ON p.id = m.poll_id"
                f" WHERE m.poll_id = ?{scope.sql} AND NOT m.answered"
                " AND m.user_id <> p.organiser_id"
                " AND NOT EXISTS (SELECT 1 FROM reminder_opt_outs o"
                "  WHERE o.poll_id = m.poll_id AND o.user_id = m.user_id)"
                " AND (SELECT COUNT(*) FROM reminders r WHERE r.poll_id = m.poll_id"
                f"  AND r.user_id = m.user_id AND r.status IN ({marks})) < ?"
                " ORDER BY m.user_id",
                (
                    poll_id,
                    *scope.params,
                    *(s.value for s in COUNTED_REMINDER_STATES),
                    MAX_REMINDERS_PER_PERSON,
                ),
            )
        return [str(r["user_id"]) for r in rows]

    async def latest_auto_round(self, poll_id: int) -> int | None:
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return None
            row = await conn.fetch_one(
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
            if not await poll_in_workspace(conn, poll_id):
                return None
            if auto_index is not None:
                exists = await conn.fetch_one(
                    "SELECT 1 FROM reminder_rounds WHERE poll_id = ? AND auto_index = ?",
                    (poll_id, auto_index),
                )
                if exists is not None:
                    return None
            inserted = await conn.fetch_one(
                "INSERT INTO reminder_rounds (poll_id, auto_index, started_at) VALUES (?, ?, ?)"
                " RETURNING id",
                (poll_id, auto_index, to_ms(now)),
            )
            assert inserted is not None
            round_id = int(inserted["id"])
            await conn.execute_many(
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
            if not await poll_in_workspace(conn, poll_id):
                return []
            rows = await conn.fetch_all(sql + " ORDER BY r.deliver_at, r.user_id", params)
        return [reminder_from_row(row) for row in rows]

    async def next_delivery(self, poll_id: int) -> datetime | None:
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return None
            row = await conn.fetch_one(
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
            if not await poll_in_workspace(conn, reminder.poll_id):
                return False
            changed = await conn.execute(
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
            return changed == 1

    async def reminder_totals(self, poll_id: int) -> dict[str, int]:
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return {}
            rows = await conn.fetch_all(
                "SELECT status, COUNT(*) AS n FROM reminders WHERE poll_id = ? GROUP BY status",
                (poll_id,),
            )
        return {str(r["status"]): int(r["n"]) for r in rows}

    async def reminder_count_for(self, poll_id: int, user_id: str) -> int:
        """How many reminders for this poll have gone (or are going) out to this person."""
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return 0
            row = await conn.fetch_one(
                "SELECT COUNT(*) AS n FROM reminders WHERE poll_id = ? AND user_id = ?"
                " AND status IN (?, ?)",
                (poll_id, user_id, ReminderStatus.SENDING.value, ReminderStatus.SENT.value),
            )
        return 0 if row is None else int(row["n"])

    async def opt_out(self, poll_id: int, user_id: str, now: datetime) -> None:
        """Record "don't remind me"; planned reminders for that person are skipped."""
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return
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
        scope = workspace_scope("p")
        async with self.db.reading() as conn:
            row = await conn.fetch_one(
                "SELECT 1 FROM poll_members m JOIN polls p ON p.id = m.poll_id"
                " WHERE m.poll_id = ? AND m.user_id = ? AND NOT m.answered AND p.status = ?"
                " AND NOT EXISTS (SELECT 1 FROM reminder_opt_outs o"
                f"  WHERE o.poll_id = m.poll_id AND o.user_id = m.user_id){scope.sql}",
                (poll_id, user_id, PollStatus.OPEN.value, *scope.params),
            )
        return row is not None
