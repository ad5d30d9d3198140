"""Rows and values: epoch milliseconds, domain records from rows, and small query helpers."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.model import (
    Audience,
    AudienceKind,
    OptionSuggestion,
    Person,
    Poll,
    PollStatus,
    Question,
    QuestionAnswer,
    QuestionKind,
    Reminder,
    ReminderStatus,
    Response,
)
from bot.domain.text import decode_slack
from bot.services.ports.workspaces import WorkspaceKey, current_workspace
from bot.storage.sql import Row, Sql, SqlDatabase

# How people's text is kept (see migrations/0003): 2 = Slack's encoding, bot.domain.text.
CURRENT_TEXT_VERSION = 2


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


class Table:
    """What every part of the repository shares: the database."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db


# --- the current workspace -------------------------------------------------------------------
# Every query of a workspace's rows (polls, series, Home tabs, people) takes its condition from
# here, so that none can forget it: in multi-workspace mode a poll of another workspace is read
# and refused exactly like one that does not exist. In single-workspace mode the condition is
# empty and the SQL is what it always was.


@dataclass(frozen=True, slots=True)
class Scope:
    """A condition keeping a query to one workspace's rows ("p.team_id = ?") with its params;
    empty (and false) when nothing is filtered."""

    condition: str = ""
    params: tuple[Any, ...] = ()

    @property
    def sql(self) -> str:
        """The condition to append to a WHERE: " AND p.team_id = ?", or nothing."""
        return f" AND {self.condition}" if self.condition else ""

    def __bool__(self) -> bool:
        return bool(self.condition)


def scope_of(key: WorkspaceKey | None, table: str | None = None) -> Scope:
    """The rows of key's workspace in table (an alias; None: columns unqualified): those of its
    team, or for a key of no team (an org-wide one) those of its enterprise."""
    if key is None:
        return Scope()
    prefix = f"{table}." if table else ""
    if key.team_id is not None:
        return Scope(f"{prefix}team_id = ?", (key.team_id,))
    return Scope(f"{prefix}enterprise_id = ?", (key.enterprise_id,))


def workspace_scope(table: str | None = None) -> Scope:
    """The current workspace's rows (scope_of the current workspace)."""
    return scope_of(current_workspace(), table)


def belongs(key: WorkspaceKey | None, team_id: Any, enterprise_id: Any) -> bool:
    """scope_of in Python, for a row already read (answers written in a batch of several
    requests, each of its own workspace)."""
    if key is None:
        return True
    if key.team_id is not None:
        return bool(team_id == key.team_id)
    return enterprise_id is not None and bool(enterprise_id == key.enterprise_id)


async def poll_in_workspace(conn: Sql, poll_id: int) -> bool:
    """Whether the rows of this poll (its people, answers, reminders, reports) may be read or
    changed in the current workspace: the poll must be one of its polls. Always in
    single-workspace mode, without a query (the statements that follow decide, as before)."""
    scope = workspace_scope()
    if not scope:
        return True
    found = await conn.fetch_one(
        f"SELECT 1 FROM polls WHERE id = ?{scope.sql}", (poll_id, *scope.params)
    )
    return found is not None


# Ids bound in one IN (...) at most: a list of thousands goes in several statements.
IDS_PER_STATEMENT = 500


async def rows_of_people(conn: Sql, select: str, user_ids: Iterable[str]) -> list[Row]:
    """The rows of `select` (a SELECT ... FROM without a WHERE) for each of user_ids once, of
    the current workspace."""
    ids = list(dict.fromkeys(user_ids))
    scope = workspace_scope()
    rows: list[Row] = []
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        chunk = ids[start : start + IDS_PER_STATEMENT]
        marks = ", ".join("?" for _ in chunk)
        rows.extend(
            await conn.fetch_all(
                f"{select} WHERE user_id IN ({marks}){scope.sql}", (*chunk, *scope.params)
            )
        )
    return rows


def current_enterprise() -> str | None:
    """The enterprise stamped on a row written now (None in single-workspace mode)."""
    key = current_workspace()
    return None if key is None else key.enterprise_id


def poll_from_row(row: Row, questions: tuple[Question, ...]) -> Poll:
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
        event_at=_moment(row["event_at"]),
        event_has_time=bool(row["event_has_time"]),
        follow_up_of=None if row["follow_up_of"] is None else int(row["follow_up_of"]),
        outcome_reported_at=_moment(row["outcome_reported_at"]),
        event_tz=None if row["event_tz"] is None else str(row["event_tz"]),
        event_reminder_days=days_from_text(row["event_reminder_days"]),
        series_id=None if row["series_id"] is None else int(row["series_id"]),
    )


def days_to_text(days: Sequence[int]) -> str | None:
    """Event reminder days as stored: "5,3", or NULL for none."""
    return ",".join(str(day) for day in days) or None


def days_from_text(value: Any) -> tuple[int, ...]:
    return tuple(int(day) for day in str(value).split(",") if day) if value else ()


def _moment(value: Any) -> datetime | None:
    return None if value is None else from_ms(int(value))


def answer_rows(
    response_id: int | None, answers: Sequence[QuestionAnswer | None]
) -> Iterable[tuple[int | None, int, int | None, int | None, str | None, int | None]]:
    """Rows of the answers table; place keeps the order of choices (a ranking's places, one
    row per dot of a dot vote)."""
    for position, answer in enumerate(answers):
        if answer is None or answer.is_empty:
            continue
        for place, choice in enumerate(answer.choices, start=1):
            yield (response_id, position, choice, None, None, place)
        if answer.rating is not None:
            yield (response_id, position, None, answer.rating, None, None)
        if answer.text:
            yield (response_id, position, None, None, answer.text, None)


async def read_responses(
    conn: Sql,
    poll: Poll,
    where: str,
    params: tuple[Any, ...],
    *,
    text_version: int = CURRENT_TEXT_VERSION,
) -> list[Response]:
    decode = decode_slack if text_version < CURRENT_TEXT_VERSION else str
    rows = await conn.fetch_all(
        "SELECT r.id, r.respondent_id, a.question_position, a.option_position, a.rating, a.text"
        f" FROM responses r LEFT JOIN answers a ON a.response_id = r.id WHERE {where}"
        # Rows stored before places were kept (NULL) are in option order.
        " ORDER BY r.id, a.question_position, COALESCE(a.place, 0), a.option_position",
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
            part["text"] = decode(str(row["text"]))
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


async def unlink_responses(conn: Sql, poll_id: int) -> None:
    """Copy every response, and its answers, to new rows in random order, without respondent
    or time. The answers are written again rather than pointed at the new response: an
    updated row keeps its place (SQLite's rowid), and the order of the answers' rows is the
    order in which people last answered."""
    rows = await conn.fetch_all("SELECT id FROM responses WHERE poll_id = ?", (poll_id,))
    old_ids = [int(r["id"]) for r in rows]
    random.SystemRandom().shuffle(old_ids)
    for old_id in old_ids:
        new = await conn.fetch_one(
            "INSERT INTO responses (poll_id, respondent_id, answered_at) VALUES (?, NULL, NULL)"
            " RETURNING id",
            (poll_id,),
        )
        assert new is not None
        await conn.execute(
            "INSERT INTO answers"
            " (response_id, question_position, option_position, rating, text, place)"
            " SELECT ?, question_position, option_position, rating, text, place FROM answers"
            " WHERE response_id = ?",
            (int(new["id"]), old_id),
        )
    await conn.execute_many("DELETE FROM answers WHERE response_id = ?", [(i,) for i in old_ids])
    await conn.execute_many("DELETE FROM responses WHERE id = ?", [(i,) for i in old_ids])


def reminder_from_row(row: Row) -> Reminder:
    return Reminder(
        round_id=int(row["round_id"]),
        poll_id=int(row["poll_id"]),
        user_id=str(row["user_id"]),
        deliver_at=from_ms(int(row["deliver_at"])),
        status=ReminderStatus(row["status"]),
        attempts=int(row["attempts"]),
        dm_channel_id=None if row["dm_channel_id"] is None else str(row["dm_channel_id"]),
    )


def person_from_row(row: Row) -> Person:
    return Person(
        user_id=str(row["user_id"]),
        tz=None if row["tz"] is None else str(row["tz"]),
        locale=None if row["locale"] is None else str(row["locale"]),
        is_bot=bool(row["is_bot"]),
        deleted=bool(row["deleted"]),
        name=None if row["name"] is None else str(row["name"]),
    )


async def load_poll(conn: Sql, poll_id: int) -> tuple[Poll, int] | None:
    """A poll and the text version its people's texts are stored in; None when there is no
    such poll in the current workspace."""
    scope = workspace_scope()
    row = await conn.fetch_one(
        f"SELECT * FROM polls WHERE id = ?{scope.sql}", (poll_id, *scope.params)
    )
    if row is None:
        return None
    # Questions and their options in one statement: reading a poll is on the path of every
    # click's confirmation, and each statement is a trip to the database thread.
    rows = await conn.fetch_all(
        "SELECT q.position, q.kind, q.text, q.size, q.open_suggestions, o.text AS option_text,"
        " o.suggested, o.suggested_by FROM questions q"
        " LEFT JOIN options o ON o.poll_id = q.poll_id AND o.question_position = q.position"
        " WHERE q.poll_id = ? ORDER BY q.position, o.position",
        (poll_id,),
    )
    # Who suggested an option of an anonymous poll is never read back, so that no surface can
    # show it; the column itself is cleared when the poll closes.
    hide_suggesters = bool(row["anonymous"])
    question_rows: dict[int, Row] = {}
    options: dict[int, list[str]] = {}
    suggestions: dict[int, list[OptionSuggestion]] = {}
    for option in rows:
        position = int(option["position"])
        question_rows.setdefault(position, option)
        if option["option_text"] is not None:
            texts = options.setdefault(position, [])
            if option["suggested"]:
                by = option["suggested_by"]
                by = None if by is None or hide_suggesters else str(by)
                suggestions.setdefault(position, []).append(OptionSuggestion(len(texts), by))
            texts.append(str(option["option_text"]))
    # Polls of text version 1 keep their texts half-decoded; the decoder completes them.
    version = int(row["text_version"])
    decode = decode_slack if version < CURRENT_TEXT_VERSION else str
    questions = tuple(
        Question(
            text=decode(str(q["text"])),
            kind=QuestionKind(q["kind"]),
            options=tuple(decode(text) for text in options.get(int(q["position"]), ())),
            size=None if q["size"] is None else int(q["size"]),
            open=bool(q["open_suggestions"]),
            suggestions=tuple(suggestions.get(int(q["position"]), ())),
        )
        for q in question_rows.values()
    )
    return poll_from_row(row, questions), version
