"""Data retention: polls closed longer ago than WISHBOT_RETENTION_DAYS go, nothing else does."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.jobs import RETENTION
from bot.slack import ids
from bot.storage.database import Database
from bot.storage.repository import to_ms
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, BotFactory, RunningBot
from tests.e2e.helpers import create, poll_message
from tests.e2e.test_operations import database_env, fingerprint
from tests.e2e.test_process import wishbot

OLD_CHANNEL = "C0OLDTEAM"
OLD_TEAM = ("U0OLDA", "U0OLDB", "U0OLDC")  # asked only in the polls that expire
POLL_TABLES: tuple[str, ...] = ("questions", "options", "poll_members", "responses")
POLL_TABLES += ("reminder_rounds", "reminders", "reminder_opt_outs", "poll_messages")


def rows_of(conn: sqlite3.Connection, poll_id: int) -> dict[str, int]:
    counts = {
        table: conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE poll_id = ?", (poll_id,)
        ).fetchone()[0]
        for table in POLL_TABLES
    }
    counts["answers"] = conn.execute(
        "SELECT COUNT(*) FROM answers a JOIN responses r ON r.id = a.response_id"
        " WHERE r.poll_id = ?",
        (poll_id,),
    ).fetchone()[0]
    return counts


def snapshot(db_path: Path, poll_ids: list[int]) -> dict[int, dict[str, int]]:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return {poll_id: rows_of(conn, poll_id) for poll_id in poll_ids}


def answer_times(db_path: Path, poll_ids: list[int]) -> list[int]:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        marks = ", ".join("?" for _ in poll_ids)
        rows = conn.execute(
            f"SELECT answered_at FROM responses WHERE poll_id IN ({marks})"
            " AND answered_at IS NOT NULL",
            poll_ids,
        ).fetchall()
    return [int(row[0]) for row in rows]


def on_disk(db_path: Path, values: list[int]) -> list[int]:
    """Which of these times (as SQLite stores them: 6-byte big-endian integers) are still
    somewhere in the database file or its WAL, be it in a live row or in free space."""
    data = b"".join(p.read_bytes() for p in (db_path, Path(f"{db_path}-wal")) if p.exists())
    return [v for v in values if v.to_bytes(6, "big") in data]


async def age(running: RunningBot, poll_id: int, days: float, status: str = "closed") -> None:
    """Pretend the poll closed `days` ago."""
    closed_at = datetime.now(UTC) - timedelta(days=days)
    async with running.repo.db.transaction() as conn:
        await conn.execute(
            "UPDATE polls SET closed_at = ?, status = ? WHERE id = ?",
            (to_ms(closed_at), status, poll_id),
        )


async def close(running: RunningBot, poll_id: int) -> None:
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll_id}")
    await running.settle()


async def old_team_poll(running: RunningBot, emu: SlackEmulator, text: str) -> int:
    """A poll in a channel of people asked nowhere else, with answers, a reminder round and an
    opt-out: every kind of personal data the bot keeps for a poll."""
    poll = await create(running, emu, text, channel=OLD_CHANNEL)
    await running.driver.click(OLD_TEAM[0], poll_message(emu, poll, OLD_CHANNEL), "Yes")
    await running.driver.slash_command(ORGANISER, OLD_CHANNEL, "/wishes", f"remind {poll.id}")
    await running.settle()
    reminder = emu.dm_messages(OLD_TEAM[1])[-1]
    await running.driver.click(OLD_TEAM[1], reminder, action_id=ids.OPT_OUT_ACTION)
    await running.settle()
    await running.driver.slash_command(ORGANISER, OLD_CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    return poll.id


@pytest.fixture
async def aged(start_bot: BotFactory, emu: SlackEmulator) -> tuple[RunningBot, dict[str, int]]:
    """Polls of every age and state, with retention at 30 days."""
    for user_id in OLD_TEAM:
        emu.add_user(user_id, user_id[2:].lower(), tz="Europe/Helsinki")
    emu.add_channel(OLD_CHANNEL, "old-team", members=(ORGANISER, *OLD_TEAM))
    running = await start_bot(retention_days=30)
    polls = {
        "expired": await old_team_poll(running, emu, 'new "Old?" "Yes" "No"'),
        "expired_anonymous": await old_team_poll(running, emu, 'new "Old?" "Yes" "No" anonymous'),
    }
    for name in ("recent", "closing", "open"):
        poll = await create(running, emu, f'new "{name}?" "Yes" "No"')
        for person in PEOPLE[:3]:
            await running.driver.click(person, poll_message(emu, poll), "No")
        polls[name] = poll.id
    await running.settle()
    await close(running, polls["recent"])
    await age(running, polls["expired"], 40)
    await age(running, polls["expired_anonymous"], 31)
    await age(running, polls["recent"], 29)
    await age(running, polls["closing"], 45, status="closing")  # summary not posted yet
    return running, polls


async def test_retention_job_purges_exactly_the_polls_closed_before_the_cutoff(
    aged: tuple[RunningBot, dict[str, int]],
) -> None:
    running, polls = aged
    db_path = running.settings.db_path
    kept = [polls["recent"], polls["closing"], polls["open"]]
    before = snapshot(db_path, kept)
    expired = snapshot(db_path, [polls["expired"], polls["expired_anonymous"]])
    assert all(counts["answers"] and counts["reminders"] for counts in expired.values())
    assert all(counts["reminder_opt_outs"] for counts in expired.values())
    job = await running.repo.get_job(RETENTION)
    assert job is not None  # daily, installed because WISHBOT_RETENTION_DAYS is set
    assert running.bot.retention is not None

    named_times = answer_times(db_path, [polls["expired"]])
    assert named_times and on_disk(db_path, named_times) == named_times

    report = await running.bot.retention.run()

    assert [p.poll_id for p in report.polls] == [polls["expired"], polls["expired_anonymous"]]
    assert snapshot(db_path, kept) == before
    zero = dict.fromkeys((*POLL_TABLES, "answers"), 0)
    assert snapshot(db_path, [polls["expired"], polls["expired_anonymous"]]) == {
        polls["expired"]: zero,
        polls["expired_anonymous"]: zero,
    }
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        remaining = {row[0] for row in conn.execute("SELECT id FROM polls")}
        profiles = {row[0] for row in conn.execute("SELECT user_id FROM slack_users")}
        referenced = {row[0] for row in conn.execute("SELECT user_id FROM poll_members")}
        referenced |= {row[0] for row in conn.execute("SELECT organiser_id FROM polls")}
        orphans = conn.execute(
            "SELECT COUNT(*) FROM answers WHERE response_id NOT IN (SELECT id FROM responses)"
        ).fetchone()[0]
    assert remaining == set(kept)
    assert profiles == referenced  # nobody of the old team, and no one asked in no poll
    assert not profiles & set(OLD_TEAM)
    assert orphans == 0
    assert (await running.bot.retention.run()).polls == []  # nothing left to do
    assert on_disk(db_path, named_times) == []  # overwritten, not just unlinked


async def test_anonymous_poll_keeps_no_link_to_people_once_closed_not_even_on_disk(
    running: RunningBot, emu: SlackEmulator
) -> None:
    db_path = running.settings.db_path
    poll = await create(running, emu, 'new "Secret?" "Yes" "No" anonymous')
    for person, label in zip(PEOPLE[:4], ["Yes", "No", "No", "Yes"], strict=True):
        await running.driver.click(person, poll_message(emu, poll), label)
    await running.settle()
    times = answer_times(db_path, [poll.id])
    assert isinstance(running.repo.db, Database)  # the file-level check is SQLite's
    await running.repo.db.checkpoint()
    assert len(times) == 4 and on_disk(db_path, times) == times  # the check can see them

    await close(running, poll.id)

    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute(
            "SELECT respondent_id, answered_at FROM responses WHERE poll_id = ?", (poll.id,)
        ).fetchall()
    assert rows == [(None, None)] * 4
    assert on_disk(db_path, times) == []  # not in free pages, not in the WAL


async def test_recently_closed_polls_still_answer_commands_after_a_purge(
    aged: tuple[RunningBot, dict[str, int]], emu: SlackEmulator
) -> None:
    running, polls = aged
    assert running.bot.retention is not None
    await running.bot.retention.run()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"results {polls['recent']}")
    # Each reply is posted after its ack: the first must be out before the second is asked for,
    # or a slow first reply lands second.
    await running.settle()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"results {polls['expired']}")
    await running.settle()
    shown = [e.text + str(e.blocks) for e in emu.ephemerals(ORGANISER)[-2:]]
    assert "3 of" in shown[0]
    assert f"I can't find poll #{polls['expired']}" in shown[1]


async def test_purge_dry_run_lists_what_would_go_and_purge_removes_it(
    aged: tuple[RunningBot, dict[str, int]], tmp_path: Path
) -> None:
    running, polls = aged
    db_path = running.settings.db_path
    env = database_env(db_path, WISHBOT_RETENTION_DAYS="30")
    every = list(polls.values())
    before = snapshot(db_path, every)

    code, out, err = await wishbot(env, "purge", "--dry-run", cwd=tmp_path)
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split()[1] for line in lines[:-1]] == [
        str(polls["expired"]),
        str(polls["expired_anonymous"]),
    ]
    assert all("would be purged" in line for line in lines)
    assert "anonymous" in lines[1] and "1 responses" in lines[0]
    assert lines[-1].startswith("2 closed poll(s)")
    assert snapshot(db_path, every) == before

    code, out, err = await wishbot(env, "purge", cwd=tmp_path)
    assert code == 0, err
    assert "would" not in out and out.splitlines()[-1].startswith("2 closed poll(s)")
    assert sorted(p.id for p in await running.repo.polls_with_status()) == sorted(
        [polls["recent"], polls["closing"], polls["open"]]
    )


@pytest.mark.parametrize("value", ["0", "-3", "ten", "1.5", "30 days"])
@pytest.mark.parametrize("command", ["purge", "run"])
async def test_retention_days_not_a_positive_number_fails_in_one_line(
    tmp_path: Path, value: str, command: str
) -> None:
    db_path = tmp_path / "live" / "wishbot.sqlite3"
    assert (await wishbot(database_env(db_path), "migrate", cwd=tmp_path))[0] == 0
    before = fingerprint(db_path)
    env = database_env(
        db_path,
        WISHBOT_RETENTION_DAYS=value,
        SLACK_BOT_TOKEN="xoxb-retention-test",
        SLACK_SIGNING_SECRET="retention-test-signing-secret",
    )
    code, out, err = await wishbot(env, command, cwd=tmp_path)
    assert code == 2
    assert out == "" and err.count("\n") == 1
    assert "WISHBOT_RETENTION_DAYS" in err and "positive" in err
    assert fingerprint(db_path) == before


async def test_purge_without_retention_configured_refuses(tmp_path: Path) -> None:
    db_path = tmp_path / "wishbot.sqlite3"
    assert (await wishbot(database_env(db_path), "migrate", cwd=tmp_path))[0] == 0
    code, out, err = await wishbot(database_env(db_path), "purge", cwd=tmp_path)
    assert code == 2 and out == ""
    assert "WISHBOT_RETENTION_DAYS is off" in err


async def test_without_retention_no_job_is_installed(running: RunningBot) -> None:
    assert running.bot.retention is None
    assert await running.repo.get_job(RETENTION) is None
