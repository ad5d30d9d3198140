"""The repository: domain values in and out of the database. No SQL anywhere else.

Polls, their messages, members and answers are here; reminders, people and jobs have modules of
their own, joined into the one Repository that implements the use cases' Store port."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.domain.model import (
    Audience,
    AudienceKind,
    Poll,
    PollCounts,
    PollStatus,
    Question,
    ReminderStatus,
)
from bot.storage.answers import AnswerTable
from bot.storage.home import HomeTable
from bot.storage.jobs import JobTable
from bot.storage.outcomes import OutcomeTable
from bot.storage.people import PeopleTable
from bot.storage.reminders import ReminderTable
from bot.storage.rows import (
    CURRENT_TEXT_VERSION,
    current_enterprise,
    days_to_text,
    from_ms,
    load_poll,
    poll_in_workspace,
    to_ms,
    unlink_responses,
    workspace_scope,
)
from bot.storage.series import SeriesTable
from bot.storage.sql import Sql
from bot.storage.suggestions import SuggestionTable, forget_suggesters
from bot.storage.workspaces import WorkspaceTable

__all__ = ["Repository", "from_ms", "to_ms"]


# How long a claimed refresh of a poll message may take before another replica may start one.
REFRESH_HOLD = timedelta(seconds=5)


class Repository(
    AnswerTable,
    SuggestionTable,
    ReminderTable,
    PeopleTable,
    JobTable,
    OutcomeTable,
    SeriesTable,
    HomeTable,
    WorkspaceTable,
):
    """Polls, members, answers, suggested options, reminders, jobs, outcome reports, recurring
    series, Home tabs and the cached people of the workspace (of each workspace, in
    multi-workspace mode: every read and write is kept to the current one, see rows.Scope)."""

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
        event_at: datetime | None = None,
        event_has_time: bool = False,
        follow_up_of: int | None = None,
        event_tz: str | None = None,
        event_reminder_days: Sequence[int] = (),
        series_id: int | None = None,
    ) -> Poll | None:
        """Store a poll with its questions and the people asked, all or nothing; None when a
        poll with this idempotency_key exists already."""
        async with self.db.transaction() as conn:
            inserted = await conn.fetch_one(
                "INSERT INTO polls (team_id, channel_id, organiser_id, language, anonymous,"
                " audience_kind, audience_users, audience_groups, sample_size, status, opened_at,"
                " closes_at, remind_every_ms, idempotency_key, text_version, event_at,"
                " event_has_time, follow_up_of, event_tz, event_reminder_days, series_id,"
                " enterprise_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                # The same submission arriving twice (at two replicas) makes one poll.
                " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
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
                    None if event_at is None else to_ms(event_at),
                    event_has_time,
                    follow_up_of,
                    event_tz,
                    days_to_text(event_reminder_days),
                    series_id,
                    current_enterprise(),
                ),
            )
            if inserted is None:
                return None
            poll_id = int(inserted["id"])
            await conn.execute_many(
                "INSERT INTO questions (poll_id, position, kind, text, size, open_suggestions)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (poll_id, i, q.kind.value, q.text, q.size, q.open)
                    for i, q in enumerate(questions)
                ],
            )
            await conn.execute_many(
                "INSERT INTO options (poll_id, question_position, position, text, suggested,"
                " suggested_by) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (poll_id, qi, oi, text, suggestion is not None, suggestion and suggestion.by)
                    for qi, q in enumerate(questions)
                    for oi, text in enumerate(q.options)
                    for suggestion in (q.suggestion_at(oi),)
                ],
            )
            now_ms = to_ms(opened_at)
            await conn.execute_many(
                "INSERT INTO poll_members (poll_id, user_id, added_at) VALUES (?, ?, ?)",
                [(poll_id, user_id, now_ms) for user_id in dict.fromkeys(members)],
            )
            poll = await self._poll(conn, poll_id)
        assert poll is not None
        return poll

    async def poll_by_idempotency_key(self, key: str) -> Poll | None:
        scope = workspace_scope()
        async with self.db.reading() as conn:
            row = await conn.fetch_one(
                f"SELECT id FROM polls WHERE idempotency_key = ?{scope.sql}", (key, *scope.params)
            )
            return None if row is None else await self._poll(conn, int(row["id"]))

    async def get_poll(self, poll_id: int) -> Poll | None:
        async with self.db.reading() as conn:
            return await self._poll(conn, poll_id)

    async def polls_with_status(self, *statuses: PollStatus) -> list[Poll]:
        """Polls in any of the given states (every poll when none is given)."""
        return await self._polls_where("", (), statuses)

    async def polls_in_channel(self, channel_id: str, *statuses: PollStatus) -> list[Poll]:
        """The channel's polls in any of the given states (all of them when none is given)."""
        return await self._polls_where("channel_id = ? AND ", (channel_id,), statuses)

    async def _polls_where(
        self, condition: str, params: tuple[Any, ...], statuses: tuple[PollStatus, ...]
    ) -> list[Poll]:
        statuses = statuses or tuple(PollStatus)
        marks = ", ".join("?" for _ in statuses)
        scope = workspace_scope()
        async with self.db.reading() as conn:
            rows = await conn.fetch_all(
                f"SELECT id FROM polls WHERE {condition}status IN ({marks}){scope.sql} ORDER BY id",
                (*params, *(s.value for s in statuses), *scope.params),
            )
            return [p for row in rows if (p := await self._poll(conn, int(row["id"])))]

    async def set_message_ts(self, poll_id: int, ts: str) -> None:
        scope = workspace_scope()
        async with self.db.transaction() as conn:
            await conn.execute(
                f"UPDATE polls SET message_ts = ? WHERE id = ?{scope.sql}",
                (ts, poll_id, *scope.params),
            )

    async def set_closes_at(self, poll_id: int, closes_at: datetime) -> bool:
        """Move the close of an open poll; False when it is no longer open."""
        scope = workspace_scope()
        async with self.db.transaction() as conn:
            changed = await conn.execute(
                f"UPDATE polls SET closes_at = ? WHERE id = ? AND status = ?{scope.sql}",
                (to_ms(closes_at), poll_id, PollStatus.OPEN.value, *scope.params),
            )
            return changed == 1

    async def claim_message_refresh(self, poll_id: int, now: datetime, gap: timedelta) -> bool:
        # Held "until" a while ahead, so that no other replica starts while this one works;
        # a replica that dies holding it delays the next refresh by that while at most.
        held_until = now + REFRESH_HOLD
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return False
            claimed = await conn.fetch_one(
                "INSERT INTO message_refreshes (poll_id, refreshed_at) VALUES (?, ?)"
                " ON CONFLICT (poll_id) DO UPDATE SET refreshed_at = excluded.refreshed_at"
                " WHERE message_refreshes.refreshed_at <= ? RETURNING poll_id",
                (poll_id, to_ms(held_until), to_ms(now - gap)),
            )
        return claimed is not None

    async def release_message_refresh(self, poll_id: int, finished_at: datetime) -> None:
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return
            await conn.execute(
                "UPDATE message_refreshes SET refreshed_at = ? WHERE poll_id = ?",
                (to_ms(finished_at), poll_id),
            )

    async def begin_close(self, poll_id: int, now: datetime) -> Poll | None:
        """OPEN → CLOSING, once. For an anonymous poll the link between people and answers is cut
        in the same transaction: responses are rewritten in random order without respondent."""
        scope = workspace_scope()
        async with self.db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE polls SET status = ?, closed_at = ?"
                f" WHERE id = ? AND status = ?{scope.sql}",
                (
                    PollStatus.CLOSING.value,
                    to_ms(now),
                    poll_id,
                    PollStatus.OPEN.value,
                    *scope.params,
                ),
            )
            if changed != 1:
                return None
            row = await conn.fetch_one("SELECT anonymous FROM polls WHERE id = ?", (poll_id,))
            anonymous = row is not None and bool(row["anonymous"])
            if anonymous:
                await unlink_responses(conn, poll_id)
                await forget_suggesters(conn, poll_id)
            poll = await self._poll(conn, poll_id)
        if anonymous:
            # The deleted, still linked rows must not live on in the files either.
            await self.db.forget_deleted(["responses", "answers", "options"])
        return poll

    async def mark_summary_started(self, poll_id: int) -> None:
        scope = workspace_scope()
        async with self.db.transaction() as conn:
            await conn.execute(
                f"UPDATE polls SET summary_started = TRUE WHERE id = ?{scope.sql}",
                (poll_id, *scope.params),
            )

    async def summary_started(self, poll_id: int) -> bool:
        scope = workspace_scope()
        async with self.db.reading() as conn:
            row = await conn.fetch_one(
                f"SELECT summary_started FROM polls WHERE id = ?{scope.sql}",
                (poll_id, *scope.params),
            )
            return bool(row and row["summary_started"])

    async def finish_close(self, poll_id: int) -> None:
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return
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
        scope = workspace_scope()
        async with self.db.transaction() as conn:
            changed = await conn.execute(
                f"DELETE FROM polls WHERE id = ?{scope.sql}", (poll_id, *scope.params)
            )
            return changed == 1

    # --- messages of a poll ------------------------------------------------------------------

    async def record_message(
        self, poll_id: int, kind: str, part: int, channel_id: str, ts: str
    ) -> None:
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return
            await conn.execute(
                "INSERT INTO poll_messages (poll_id, kind, part, channel_id, ts)"
                " VALUES (?, ?, ?, ?, ?)",
                (poll_id, kind, part, channel_id, ts),
            )

    async def record_message_once(
        self, poll_id: int, kind: str, part: int, channel_id: str, ts: str
    ) -> bool:
        """Record a message unless one of this kind and part is recorded already: whether this
        call recorded it (so that a message recorded before it is sent goes out once)."""
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return False
            inserted = await conn.fetch_one(
                "INSERT INTO poll_messages (poll_id, kind, part, channel_id, ts)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (poll_id, kind, part) DO NOTHING"
                " RETURNING part",
                (poll_id, kind, part, channel_id, ts),
            )
        return inserted is not None

    async def messages(self, poll_id: int, kind: str | None = None) -> list[tuple[int, str, str]]:
        """(part, channel, ts) of the poll's recorded messages, by part."""
        sql = "SELECT part, channel_id, ts FROM poll_messages WHERE poll_id = ?"
        params: tuple[Any, ...] = (poll_id,)
        if kind is not None:
            sql += " AND kind = ?"
            params += (kind,)
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return []
            rows = await conn.fetch_all(sql + " ORDER BY kind, part", params)
        return [(int(r["part"]), str(r["channel_id"]), str(r["ts"])) for r in rows]

    # --- the people asked --------------------------------------------------------------------

    async def counts(self, poll_id: int) -> PollCounts:
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return PollCounts(asked=0, answered=0)
            row = await conn.fetch_one(
                "SELECT COUNT(*) AS asked, COALESCE(SUM(CASE WHEN answered THEN 1 ELSE 0 END), 0)"
                " AS answered FROM poll_members WHERE poll_id = ?",
                (poll_id,),
            )
        assert row is not None
        return PollCounts(asked=int(row["asked"]), answered=int(row["answered"]))

    async def members_of(self, poll_id: int) -> list[str]:
        """Everyone the poll asks (a follow-up asks exactly these people again)."""
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return []
            rows = await conn.fetch_all(
                "SELECT user_id FROM poll_members WHERE poll_id = ? ORDER BY added_at, user_id",
                (poll_id,),
            )
        return [str(r["user_id"]) for r in rows]

    async def is_member(self, poll_id: int, user_id: str) -> bool:
        async with self.db.reading() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return False
            row = await conn.fetch_one(
                "SELECT 1 FROM poll_members WHERE poll_id = ? AND user_id = ?",
                (poll_id, user_id),
            )
        return row is not None

    async def add_joined_member(self, channel_id: str, user_id: str, now: datetime) -> list[int]:
        """Someone joined a channel: they are asked in its open channel-wide polls (not samples,
        not follow-ups, which ask the people of the poll they follow). Returns the polls they
        were added to."""
        scope = workspace_scope()
        async with self.db.transaction() as conn:
            rows = await conn.fetch_all(
                "SELECT id FROM polls WHERE channel_id = ? AND status = ? AND audience_kind = ?"
                " AND sample_size IS NULL AND follow_up_of IS NULL AND organiser_id <> ?"
                " AND NOT EXISTS (SELECT 1 FROM poll_members m"
                f"  WHERE m.poll_id = polls.id AND m.user_id = ?){scope.sql}",
                (
                    channel_id,
                    PollStatus.OPEN.value,
                    AudienceKind.CHANNEL.value,
                    user_id,
                    user_id,
                    *scope.params,
                ),
            )
            added = []
            for row in rows:
                # A join told twice (Slack's retry, reaching another replica) adds them once.
                inserted = await conn.fetch_one(
                    "INSERT INTO poll_members (poll_id, user_id, joined, added_at)"
                    " VALUES (?, ?, TRUE, ?) ON CONFLICT (poll_id, user_id) DO NOTHING"
                    " RETURNING poll_id",
                    (int(row["id"]), user_id, to_ms(now)),
                )
                if inserted is not None:
                    added.append(int(inserted["poll_id"]))
        return added

    async def uninvited_members(self, poll_id: int) -> list[str]:
        scope = workspace_scope("p")
        async with self.db.reading() as conn:
            rows = await conn.fetch_all(
                "SELECT m.user_id FROM poll_members m JOIN polls p ON p.id = m.poll_id"
                f" WHERE m.poll_id = ? AND NOT m.invited AND m.user_id <> p.organiser_id{scope.sql}"
                " ORDER BY m.user_id",
                (poll_id, *scope.params),
            )
        return [str(r["user_id"]) for r in rows]

    async def mark_invited(self, poll_id: int, user_id: str) -> None:
        async with self.db.transaction() as conn:
            if not await poll_in_workspace(conn, poll_id):
                return
            await conn.execute(
                "UPDATE poll_members SET invited = TRUE WHERE poll_id = ? AND user_id = ?",
                (poll_id, user_id),
            )

    # --- health ------------------------------------------------------------------------------

    async def health(self) -> dict[str, int]:
        """A real query on the bot's tables: fails when the file or the schema is unusable."""
        async with self.db.reading() as conn:
            row = await conn.fetch_one(
                "SELECT (SELECT MAX(version) FROM schema_migrations) AS schema_version,"
                " (SELECT COUNT(*) FROM polls WHERE status = 'open') AS open_polls,"
                " (SELECT COUNT(*) FROM jobs) AS pending_jobs",
                (),
            )
        assert row is not None
        return {key: int(row[key]) for key in ("schema_version", "open_polls", "pending_jobs")}

    async def _poll(self, conn: Sql, poll_id: int) -> Poll | None:
        loaded = await load_poll(conn, poll_id)
        return None if loaded is None else loaded[0]
