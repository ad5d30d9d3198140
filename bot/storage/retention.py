"""Retention in the database: polls closed before a cutoff, counted, and deleted whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.model import PollStatus
from bot.services.ports.workspaces import WorkspaceKey
from bot.storage.rows import from_ms, to_ms
from bot.storage.sql import Sql, SqlDatabase

# A poll is past retention once it is CLOSED (its summary is in Slack) and closed before the
# cutoff; a poll still CLOSING keeps its data until the summary is out.
EXPIRED = "p.status = ? AND p.closed_at < ?"

# Cached profiles (time zone, locale, DM channel) of people in no poll that stays. They are
# fetched from Slack again if such a person is asked in a later poll.
UNREFERENCED_PEOPLE = (
    "NOT EXISTS (SELECT 1 FROM poll_members m JOIN polls p ON p.id = m.poll_id"
    f"  WHERE m.user_id = u.user_id AND NOT ({EXPIRED}))"
    " AND NOT EXISTS (SELECT 1 FROM polls p WHERE p.organiser_id = u.user_id"
    f"  AND NOT ({EXPIRED}))"
)


# Every table a purge deletes rows of (by cascade from polls, and the cached profiles).
PURGED_TABLES = (
    "polls",
    "message_refreshes",
    "questions",
    "options",
    "poll_members",
    "responses",
    "answers",
    "reminder_rounds",
    "reminders",
    "reminder_opt_outs",
    "poll_messages",
    "outcome_items",
    "outcome_reports",
    "outcome_deliveries",
    "jobs",
    "series",
    "slack_users",
    "home_views",
)


@dataclass(frozen=True, slots=True)
class ExpiredPoll:
    """A poll past retention and how much of it a purge removes."""

    poll_id: int
    closed_at: datetime
    anonymous: bool
    asked: int
    responses: int
    answers: int
    reminders: int
    opt_outs: int


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What a purge removed (or, for a dry run, would remove)."""

    polls: list[ExpiredPoll]
    people: int
    # Workspaces the app left before the cutoff, purged whole (the scheduled run only).
    workspaces: list[WorkspaceKey] = field(default_factory=list)


class RetentionStore:
    """Deletes a poll past retention whole: questions, people asked, answers, reminders, opt-outs,
    message references and outcome reports go with it by ON DELETE CASCADE. Its id is never
    reused."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    async def preview(self, cutoff: datetime) -> PurgeReport:
        """What purge(cutoff) would remove now, changing nothing."""
        async with self.db.reading() as conn:
            return await _report(conn, cutoff)

    async def purge(self, cutoff: datetime) -> PurgeReport:
        """Delete every poll past retention and the profiles only they referred to, in one
        transaction; then fold the WAL in so that the deleted rows leave it too."""
        async with self.db.transaction() as conn:
            report = await _report(conn, cutoff)
            await conn.execute_many(
                "DELETE FROM polls WHERE id = ?", [(p.poll_id,) for p in report.polls]
            )
            # A stopped series keeps its draft (people's text) only while any of its polls is
            # kept; once the last is purged, the series goes too.
            await conn.execute(
                "DELETE FROM series WHERE stopped_at IS NOT NULL AND stopped_at < ?"
                " AND NOT EXISTS (SELECT 1 FROM polls p WHERE p.series_id = series.id)",
                (to_ms(cutoff),),
            )
            params = (PollStatus.CLOSED.value, to_ms(cutoff)) * 2
            await conn.execute(
                "DELETE FROM slack_users WHERE user_id IN"
                f" (SELECT u.user_id FROM slack_users u WHERE {UNREFERENCED_PEOPLE})",
                params,
            )
            # Who opened their Home tab, for people in no poll that stays and who have not
            # opened it within the retention period either (opening it again records them).
            await conn.execute(
                "DELETE FROM home_views WHERE user_id IN (SELECT u.user_id FROM home_views u"
                f" WHERE {UNREFERENCED_PEOPLE} AND u.opened_at < ?)",
                (*params, to_ms(cutoff)),
            )
        if report.polls or report.people:
            await self.db.forget_deleted(PURGED_TABLES)
        return report


async def _report(conn: Sql, cutoff: datetime) -> PurgeReport:
    expired_params = (PollStatus.CLOSED.value, to_ms(cutoff))
    rows = await conn.fetch_all(
        "SELECT p.id, p.closed_at, p.anonymous,"
        " (SELECT COUNT(*) FROM poll_members m WHERE m.poll_id = p.id) AS asked,"
        " (SELECT COUNT(*) FROM responses r WHERE r.poll_id = p.id) AS responses,"
        " (SELECT COUNT(*) FROM answers a JOIN responses r ON r.id = a.response_id"
        "  WHERE r.poll_id = p.id) AS answers,"
        " (SELECT COUNT(*) FROM reminders x WHERE x.poll_id = p.id) AS reminders,"
        " (SELECT COUNT(*) FROM reminder_opt_outs o WHERE o.poll_id = p.id) AS opt_outs"
        f" FROM polls p WHERE {EXPIRED} ORDER BY p.id",
        expired_params,
    )
    people_row = await conn.fetch_one(
        f"SELECT COUNT(*) FROM slack_users u WHERE {UNREFERENCED_PEOPLE}", expired_params * 2
    )
    polls = [
        ExpiredPoll(
            poll_id=int(row["id"]),
            closed_at=from_ms(int(row["closed_at"])),
            anonymous=bool(row["anonymous"]),
            asked=int(row["asked"]),
            responses=int(row["responses"]),
            answers=int(row["answers"]),
            reminders=int(row["reminders"]),
            opt_outs=int(row["opt_outs"]),
        )
        for row in rows
    ]
    return PurgeReport(polls=polls, people=0 if people_row is None else int(people_row[0]))
