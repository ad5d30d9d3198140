"""The workspace's people as Slack last described them, and the bot's DM with each."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.domain.model import Person
from bot.services.ports.workspaces import current_workspace
from bot.storage.rows import Table, person_from_row, rows_of_people, to_ms, workspace_scope

# A person's row is stamped with the workspace that last told us about them ('' and NULL in
# single-workspace mode). Slack's user ids are unique across workspaces (someone of an
# Enterprise Grid org has one id in all of its workspaces), so one row per id still holds.
_STAMP_UPDATE = " team_id = excluded.team_id, enterprise_id = excluded.enterprise_id,"


def _stamp() -> tuple[str, str | None]:
    key = current_workspace()
    if key is None:
        return ("", None)
    return (key.team_id or "", key.enterprise_id)


def _restamp() -> str:
    """The update of a row's workspace on a later save: none in single-workspace mode."""
    return _STAMP_UPDATE if current_workspace() is not None else ""


class PeopleTable(Table):
    """Time zones, locales and DM channels, cached for reminders and languages."""

    async def save_people(self, people: Iterable[Person], now: datetime) -> None:
        stamp = _stamp()
        async with self.db.transaction() as conn:
            await conn.execute_many(
                "INSERT INTO slack_users (user_id, tz, locale, is_bot, deleted, name, fetched_at,"
                " team_id, enterprise_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                f" ON CONFLICT (user_id) DO UPDATE SET{_restamp()}"
                " tz = excluded.tz, locale = COALESCE(excluded.locale, slack_users.locale),"
                " is_bot = excluded.is_bot, deleted = excluded.deleted,"
                " name = COALESCE(excluded.name, slack_users.name),"
                " fetched_at = excluded.fetched_at",
                [
                    (p.user_id, p.tz, p.locale, p.is_bot, p.deleted, p.name, to_ms(now), *stamp)
                    for p in people
                ],
            )

    async def people(self, user_ids: Iterable[str]) -> dict[str, Person]:
        async with self.db.reading() as conn:
            rows = await rows_of_people(
                conn, "SELECT user_id, tz, locale, is_bot, deleted, name FROM slack_users", user_ids
            )
            return {str(r["user_id"]): person_from_row(r) for r in rows}

    async def dm_channel(self, user_id: str) -> str | None:
        scope = workspace_scope()
        async with self.db.reading() as conn:
            row = await conn.fetch_one(
                f"SELECT dm_channel_id FROM slack_users WHERE user_id = ?{scope.sql}",
                (user_id, *scope.params),
            )
        return None if row is None or row["dm_channel_id"] is None else str(row["dm_channel_id"])

    async def save_dm_channel(self, user_id: str, channel_id: str, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO slack_users (user_id, dm_channel_id, fetched_at, team_id,"
                " enterprise_id) VALUES (?, ?, ?, ?, ?)"
                f" ON CONFLICT (user_id) DO UPDATE SET{_restamp()}"
                " dm_channel_id = excluded.dm_channel_id",
                (user_id, channel_id, to_ms(now), *_stamp()),
            )
