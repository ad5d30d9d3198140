"""Running it for real: backup while answers are written, restore, one bot per database."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.config import Settings
from slack_emulator import SlackEmulator
from tests.e2e.conftest import (
    CHANNEL,
    ORGANISER,
    PEOPLE,
    RunningBot,
    eventually,
)
from tests.e2e.helpers import create, poll_message
from tests.e2e.test_process import BotProcess, slack_environ, wishbot
from tests.processes import bare_environ, free_port

# Backup, restore and the one-bot lock are SQLite's own (PostgreSQL has pg_dump and replicas).
pytestmark = pytest.mark.sqlite_only


def database_env(where: Path | Settings, **extra: str) -> dict[str, str]:
    """The environment of a database command (no Slack settings are needed for those), for a
    SQLite file or for the database a running bot's settings name."""
    if not isinstance(where, Settings):
        location = str(where)
    elif where.db_url is None:
        location = str(where.db_path)
    else:
        location = where.db_url.reveal()
    return {**bare_environ(), "WISHBOT_DB": location, **extra}


def answers_by_respondent(path: Path) -> dict[str, list[tuple[int, int | None]]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT r.respondent_id, a.question_position, a.option_position FROM responses r"
            " JOIN answers a ON a.response_id = r.id ORDER BY 1, 2, 3"
        ).fetchall()
    found: dict[str, list[tuple[int, int | None]]] = {}
    for respondent, question, option in rows:
        found.setdefault(respondent, []).append((question, option))
    return found


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def fingerprint(db_path: Path) -> dict[str, str]:
    """The database file and its companions, byte for byte."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(db_path.parent.glob(db_path.name + "*"))
        if not p.name.endswith(".lock")
    }


async def test_backup_while_answers_are_written_holds_every_answer_committed_before(
    running: RunningBot, emu: SlackEmulator, tmp_path: Path
) -> None:
    crowd = emu.populate(150, "C0CROWD")
    emu.add_member("C0CROWD", ORGANISER)
    poll = await create(running, emu, 'new "Backup?" "Yes" "No"', channel="C0CROWD")
    message = poll_message(emu, poll, "C0CROWD")
    db_path = running.settings.db_path

    async def answer_everyone() -> None:
        for index, person in enumerate(crowd):
            await running.driver.click(person, message, "Yes" if index % 2 else "No")

    writer = asyncio.create_task(answer_everyone())
    try:

        async def some_answers_stored() -> bool:
            return len(answers_by_respondent(db_path)) >= 20

        await eventually(some_answers_stored, 20)
        committed = answers_by_respondent(db_path)
        target = tmp_path / "backups" / "nightly.sqlite3"
        target.parent.mkdir()
        code, out, err = await wishbot(database_env(db_path), "backup", str(target), cwd=tmp_path)
        during = len(answers_by_respondent(db_path)) - len(committed)
    finally:
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
    assert code == 0, err
    assert "backed up" in out and err == ""
    assert during > 0, "no answer was written while the backup ran; nothing tested"
    assert integrity(target) == "ok"
    copied = answers_by_respondent(target)
    assert {k: copied.get(k) for k in committed} == committed
    # One self-contained file (no -wal beside it), and no temporary file left behind.
    assert files_in(target.parent) == ["nightly.sqlite3"]


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def env(emu: SlackEmulator, tmp_path: Path) -> dict[str, str]:
    return {
        **slack_environ(emu),
        "WISHBOT_DB": str(tmp_path / "db" / "wishbot.sqlite3"),
        "PORT": str(free_port()),
        "WISHBOT_QUIET_HOURS": "off",
    }


@pytest.fixture
async def bot_process(env: dict[str, str], tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(env, tmp_path)
    yield process
    if process.process is not None and process.process.returncode is None:
        await process.kill()


async def test_restore_round_trips_and_refuses_while_the_bot_runs(
    emu: SlackEmulator, env: dict[str, str], bot_process: BotProcess, tmp_path: Path
) -> None:
    db_path = Path(env["WISHBOT_DB"])
    backup_file = tmp_path / "wishbot-backup.sqlite3"
    await bot_process.start()
    driver = emu.driver("http", request_url=f"{bot_process.url}/slack/events")
    await driver.slash_command(ORGANISER, CHANNEL, "/wishes", 'new "Restore?" "Yes" "No"')
    message = (await emu.wait_for(lambda: emu.messages(CHANNEL), timeout=10))[0]
    for person in PEOPLE[:2]:
        await driver.click(person, message, "Yes")
    await emu.wait_for(lambda: "2 of 6" in str(emu.messages(CHANNEL)[0].blocks), timeout=10)
    code, _out, err = await wishbot(env, "backup", str(backup_file), cwd=tmp_path)
    assert code == 0, err
    await driver.click(PEOPLE[2], message, "No")  # after the backup: the restore undoes it
    await emu.wait_for(lambda: "3 of 6" in str(emu.messages(CHANNEL)[0].blocks), timeout=10)
    await driver.slash_command(ORGANISER, CHANNEL, "/wishes", 'new "Lost?" "Yes" "No"')
    await emu.wait_for(lambda: len(emu.messages(CHANNEL)) == 2, timeout=10)
    assert poll_ids(db_path) == [1, 2]

    code, out, err = await wishbot(env, "restore", str(backup_file), cwd=tmp_path)
    assert code == 1
    assert out == "" and err.count("\n") == 1
    assert "running" in err and "nothing was changed" in err
    assert len(answers_by_respondent(db_path)) == 3

    assert (await bot_process.terminate())[0] == 0
    code, out, err = await wishbot(env, "restore", str(backup_file), cwd=tmp_path)
    assert code == 0, err
    assert "restored" in out
    assert sorted(answers_by_respondent(db_path)) == sorted(PEOPLE[:2])
    assert integrity(db_path) == "ok"

    assert poll_ids(db_path) == [1]

    await bot_process.start()  # the restored database serves again: the poll is still open
    await driver.click(PEOPLE[3], message, "No")
    await emu.wait_for(lambda: "3 of 6" in str(emu.messages(CHANNEL)[0].blocks), timeout=10)
    # Poll 2's message is still in Slack, so its number is not handed out again.
    await driver.slash_command(ORGANISER, CHANNEL, "/wishes", 'new "New?" "Yes" "No"')
    await emu.wait_for(lambda: len(emu.messages(CHANNEL)) == 3, timeout=10)
    assert poll_ids(db_path) == [1, 3]
    await driver.close()


def poll_ids(db_path: Path) -> list[int]:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM polls ORDER BY id")]


def _garbage(path: Path, good: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _damaged(path: Path, good: Path) -> None:
    data = bytearray(good.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(1, len(data) // page_size):  # every page but the header page
        data[page * page_size : page * page_size + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))


def _foreign(path: Path, good: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('not a poll')")
        conn.commit()


def _from_the_future(path: Path, good: Path) -> None:
    path.write_bytes(good.read_bytes())
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 0)")
        conn.commit()


def _missing(path: Path, good: Path) -> None:
    return None


@pytest.mark.parametrize(
    ("make", "complaint"),
    [
        (_garbage, "not a usable SQLite database"),
        (_damaged, "damaged"),
        (_foreign, "not a Wishbot database"),
        (_from_the_future, "newer than this Wishbot knows"),
        (_missing, "there is no backup file"),
    ],
    ids=["random-bytes", "damaged-pages", "foreign-database", "newer-schema", "missing-file"],
)
async def test_restore_of_a_bad_file_fails_in_one_line_and_leaves_the_database_alone(
    tmp_path: Path, make: Callable[[Path, Path], None], complaint: str
) -> None:
    db_path = tmp_path / "live" / "wishbot.sqlite3"
    env = database_env(db_path)
    assert (await wishbot(env, "migrate", cwd=tmp_path))[0] == 0
    good = tmp_path / "good.sqlite3"
    assert (await wishbot(env, "backup", str(good), cwd=tmp_path))[0] == 0
    before = fingerprint(db_path)
    bad = tmp_path / "bad.sqlite3"
    make(bad, good)
    code, out, err = await wishbot(env, "restore", str(bad), cwd=tmp_path)
    assert code == 2
    assert out == "" and err.count("\n") == 1, err
    assert complaint in err and "nothing was changed" in err
    assert fingerprint(db_path) == before
    assert [name for name in files_in(db_path.parent) if ".tmp" in name] == []


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write in. root ignores mode bits, so then try sysfs."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys")):
        probe = candidate / ".probe"
        try:
            probe.touch()
        except OSError:
            return candidate
        probe.unlink()
    pytest.skip("no folder here refuses writes to this user")


@pytest.mark.parametrize("where", ["missing", "read-only"])
async def test_backup_into_a_missing_or_read_only_folder_fails_in_one_line(
    tmp_path: Path, where: str
) -> None:
    db_path = tmp_path / "live" / "wishbot.sqlite3"
    env = database_env(db_path)
    assert (await wishbot(env, "migrate", cwd=tmp_path))[0] == 0
    before = fingerprint(db_path)
    folder = tmp_path / "nowhere" if where == "missing" else _read_only_folder(tmp_path)
    code, out, err = await wishbot(env, "backup", str(folder / "b.sqlite3"), cwd=tmp_path)
    assert code == 2
    assert out == "" and err.count("\n") == 1, err
    assert str(folder) in err
    assert fingerprint(db_path) == before


async def test_a_second_bot_on_the_same_database_is_refused(
    running: RunningBot, emu: SlackEmulator, tmp_path: Path
) -> None:
    env = {
        **slack_environ(emu),
        "WISHBOT_DB": str(running.settings.db_path),
        "PORT": str(free_port()),
    }
    code, _out, err = await wishbot(env, "run", cwd=tmp_path)
    assert code == 1
    assert "running on" in err and err.count("\n") == 1
    assert (await running.repo.health())["schema_version"] >= 1  # the first bot is unaffected


async def test_a_poll_closed_after_the_backup_is_not_summarised_twice_after_restore(
    emu: SlackEmulator, env: dict[str, str], bot_process: BotProcess, tmp_path: Path
) -> None:
    backup_file = tmp_path / "before-close.sqlite3"
    await bot_process.start()
    driver = emu.driver("http", request_url=f"{bot_process.url}/slack/events")
    await driver.slash_command(ORGANISER, CHANNEL, "/wishes", 'new "Twice?" "Yes" "No"')
    message = (await emu.wait_for(lambda: emu.messages(CHANNEL), timeout=10))[0]
    await driver.click(PEOPLE[0], message, "Yes")
    await emu.wait_for(lambda: "1 of 6" in str(emu.messages(CHANNEL)[0].blocks), timeout=10)
    assert (await wishbot(env, "backup", str(backup_file), cwd=tmp_path))[0] == 0
    await driver.slash_command(ORGANISER, CHANNEL, "/wishes", "close 1")
    await emu.wait_for(lambda: len(emu.messages(CHANNEL)) == 2, timeout=10)
    assert (await bot_process.terminate())[0] == 0
    assert (await wishbot(env, "restore", str(backup_file), cwd=tmp_path))[0] == 0
    await bot_process.start()  # the restored poll is open again
    await driver.slash_command(ORGANISER, CHANNEL, "/wishes", "close 1")
    await emu.wait_for(lambda: poll_status(Path(env["WISHBOT_DB"])) == "closed", timeout=10)
    summaries = [
        m for m in emu.messages(CHANNEL) if m.ts != message.ts and m.thread_ts in (None, m.ts)
    ]
    assert len(summaries) == 1
    await driver.close()


def poll_status(db_path: Path) -> str:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return str(conn.execute("SELECT status FROM polls WHERE id = 1").fetchone()[0])
