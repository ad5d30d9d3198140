"""Outcome reports in the database: the decided items, the report's thread reply and its DMs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.model import Poll, PollStatus, ReminderStatus
from bot.domain.outcome import (
    OutcomeDelivery,
    OutcomeItem,
    OutcomeState,
    OutcomeStatus,
    SupportUnit,
)
from bot.services.ports.workspaces import WorkspaceMismatch
from bot.storage.jobs import upsert_job
from bot.storage.rows import (
    Table,
    from_ms,
    load_poll,
    poll_in_workspace,
    to_ms,
    workspace_scope,
)
from bot.storage.sql import Row, Sql

_STATE_COLUMNS = "poll_id, revision, published_revision, rounds, reply_started, channel_id, ts"


def _item(row: Row) -> OutcomeItem:
    return OutcomeItem(
        position=int(row["position"]),
        text=str(row["text"]),
        full_text=str(row["full_text"]),
        support=None if row["support"] is None else int(row["support"]),
        unit=SupportUnit(row["unit"]),
        status=None if row["status"] is None else OutcomeStatus(row["status"]),
        note=None if row["note"] is None else str(row["note"]),
    )


def _state(row: Row) -> OutcomeState:
    return OutcomeState(
        poll_id=int(row["poll_id"]),
        revision=int(row["revision"]),
        published_revision=int(row["published_revision"]),
        rounds=int(row["rounds"]),
        reply_started=bool(row["reply_started"]),
        channel_id=None if row["channel_id"] is None else str(row["channel_id"]),
        ts=None if row["ts"] is None else str(row["ts"]),
    )


def _delivery(row: Row) -> OutcomeDelivery:
    return OutcomeDelivery(
        poll_id=int(row["poll_id"]),
        round=int(row["round_no"]),
        user_id=str(row["user_id"]),
        created_at=from_ms(int(row["created_at"])),
        dm_channel_id=None if row["dm_channel_id"] is None else str(row["dm_channel_id"]),
    )


class OutcomeTable(Table):
    """The decisions on a poll's items, its report's state and the report's DMs."""

    async def record_outcome(
        self,
        poll_id: int,
        items: Sequence[OutcomeItem],
        now: datetime,
        *,
        tell_everyone: bool,
        job: tuple[str, str],
    ) -> OutcomeState:
        """Store the decisions, a new revision of the report and, for a first report or when
        everyone is to be told again, a round of DMs to everyone asked (answered or not, opted
        out of reminders or not); the publishing job (key, kind) is due now. One transaction:
        acknowledged means stored. WorkspaceMismatch for a poll of another workspace."""
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                raise WorkspaceMismatch(poll_id)
            await conn.execute("DELETE FROM outcome_items WHERE poll_id = ?", (poll_id,))
            await conn.execute_many(
                "INSERT INTO outcome_items (poll_id, position, text, full_text, support, unit,"
                " status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        poll_id,
                        item.position,
                        item.text,
                        item.full_text,
                        item.support,
                        item.unit.value,
                        None if item.status is None else item.status.value,
                        item.note,
                    )
                    for item in items
                ],
            )
            await conn.execute(
                "INSERT INTO outcome_reports (poll_id, revision, recorded_at) VALUES (?, 1, ?)"
                " ON CONFLICT (poll_id) DO UPDATE SET revision = outcome_reports.revision + 1,"
                " recorded_at = excluded.recorded_at",
                (poll_id, to_ms(now)),
            )
            state = await self._outcome_state(conn, poll_id)
            assert state is not None
            if state.rounds == 0 or tell_everyone:
                await self._start_round(conn, poll_id, state.rounds + 1, now)
                state = await self._outcome_state(conn, poll_id)
                assert state is not None
            await conn.execute(
                "UPDATE polls SET outcome_reported_at = COALESCE(outcome_reported_at, ?)"
                " WHERE id = ?",
                (to_ms(now), poll_id),
            )
            key, kind = job
            await upsert_job(conn, key, kind, poll_id, now)
        return state

    async def _start_round(self, conn: Sql, poll_id: int, round_no: int, now: datetime) -> None:
        await conn.execute(
            "UPDATE outcome_reports SET rounds = ? WHERE poll_id = ?", (round_no, poll_id)
        )
        await conn.execute(
            "INSERT INTO outcome_deliveries (poll_id, round_no, user_id, status, created_at)"
            " SELECT poll_id, ?, user_id, ?, ? FROM poll_members WHERE poll_id = ?",
            (round_no, ReminderStatus.DUE.value, to_ms(now), poll_id),
        )

    async def outcome_items(self, poll_id: int) -> list[OutcomeItem]:
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return []
            rows = await conn.fetch_all(
                "SELECT position, text, full_text, support, unit, status, note FROM outcome_items"
                " WHERE poll_id = ? ORDER BY position",
                (poll_id,),
            )
        return [_item(row) for row in rows]

    async def outcome_state(self, poll_id: int) -> OutcomeState | None:
        async with self.db.reading() as conn:
            return await self._outcome_state(conn, poll_id)

    async def _outcome_state(self, conn: Sql, poll_id: int) -> OutcomeState | None:
        if not await poll_in_workspace(conn, poll_id):
            return None
        row = await conn.fetch_one(
            f"SELECT {_STATE_COLUMNS} FROM outcome_reports WHERE poll_id = ?", (poll_id,)
        )
        return None if row is None else _state(row)

    async def mark_outcome_reply_started(self, poll_id: int) -> None:
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return
            await conn.execute(
                "UPDATE outcome_reports SET reply_started = TRUE WHERE poll_id = ?", (poll_id,)
            )

    async def set_outcome_published(
        self, poll_id: int, revision: int, channel_id: str, ts: str
    ) -> None:
        """The thread reply (channel, ts) shows this revision (a later one stays to publish)."""
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return
            await conn.execute(
                "UPDATE outcome_reports SET channel_id = ?, ts = ?,"
                " published_revision = CASE WHEN published_revision > ? THEN published_revision"
                " ELSE ? END WHERE poll_id = ?",
                (channel_id, ts, revision, revision, poll_id),
            )

    async def outcome_deliveries(
        self, poll_id: int, status: ReminderStatus
    ) -> list[OutcomeDelivery]:
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return []
            rows = await conn.fetch_all(
                "SELECT poll_id, round_no, user_id, created_at, dm_channel_id"
                " FROM outcome_deliveries WHERE poll_id = ? AND status = ?"
                " ORDER BY round_no, user_id",
                (poll_id, status.value),
            )
        return [_delivery(row) for row in rows]

    async def set_outcome_delivery_status(
        self,
        delivery: OutcomeDelivery,
        status: ReminderStatus,
        *,
        expected: ReminderStatus,
        at: datetime | None = None,
        dm_channel_id: str | None = None,
        message_ts: str | None = None,
        error: str | None = None,
    ) -> bool:
        """Compare-and-set a delivery's status: False when someone else moved it first."""
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, delivery.poll_id):
                return False
            changed = await conn.execute(
                "UPDATE outcome_deliveries SET status = ?, sent_at = COALESCE(?, sent_at),"
                " dm_channel_id = COALESCE(?, dm_channel_id),"
                " message_ts = COALESCE(?, message_ts), error = COALESCE(?, error)"
                " WHERE poll_id = ? AND round_no = ? AND user_id = ? AND status = ?",
                (
                    status.value,
                    None if at is None else to_ms(at),
                    dm_channel_id,
                    message_ts,
                    error,
                    delivery.poll_id,
                    delivery.round,
                    delivery.user_id,
                    expected.value,
                ),
            )
            return changed == 1

    async def reported_polls_in_channel(self, channel_id: str) -> list[Poll]:
        """The channel's closed polls whose outcome was reported, latest report first."""
        scope = workspace_scope()
        async with self.db.reading() as conn:
            rows = await conn.fetch_all(
                "SELECT id FROM polls WHERE channel_id = ? AND status = ?"
                f" AND outcome_reported_at IS NOT NULL{scope.sql}"
                " ORDER BY outcome_reported_at DESC, id",
                (channel_id, PollStatus.CLOSED.value, *scope.params),
            )
            polls = []
            for row in rows:
                loaded = await load_poll(conn, int(row["id"]))
                if loaded is not None:
                    polls.append(loaded[0])
        return polls
