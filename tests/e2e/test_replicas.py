"""Several replicas on one PostgreSQL database, as real `wishbot run` processes behind a
round-robin of Slack's deliveries: each job done once, also when a replica is killed (SIGKILL)
in the middle of it, and no acknowledged answer lost when the database server restarts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from slack_emulator import AckProblem, AckTimeoutError, SlackClientDriver, SlackEmulator
from tests.e2e.conftest import (
    CHANNEL,
    ORGANISER,
    PEOPLE,
    RunningBot,
    eventually,
)
from tests.e2e.helpers import create, last_ephemeral, poll_message, reminded, reminders_sent
from tests.e2e.test_process import BotProcess, slack_environ, wishbot
from tests.pg_server import ThrowawayPostgres
from tests.processes import free_port

pytestmark = pytest.mark.postgresql_only

CROWD = "C0CROWD"
# The shortest lease the settings allow: a dead replica's job is taken over within seconds.
LEASE_SECONDS = "5"


class Replicas:
    """Replicas of one deployment: the same database, each on its own port."""

    def __init__(self, emu: SlackEmulator, db_url: str, cwd: Path, count: int) -> None:
        self.db_url = db_url
        self.processes = [
            BotProcess(
                {
                    **slack_environ(emu),
                    "WISHBOT_DB": db_url,
                    "WISHBOT_JOB_LEASE": LEASE_SECONDS,
                    "WISHBOT_QUIET_HOURS": "off",
                    "PORT": str(free_port()),
                    "LOG_LEVEL": "INFO",
                },
                cwd,
            )
            for _ in range(count)
        ]

    async def start(self) -> None:
        await asyncio.gather(*(process.start() for process in self.processes))

    def driver(self, emu: SlackEmulator) -> SlackClientDriver:
        urls = [f"{process.url}/slack/events" for process in self.processes]
        return emu.driver("http", replicas=urls)

    def by_pid(self, pid: int) -> BotProcess:
        (found,) = [p for p in self.processes if p.process and p.process.pid == pid]
        return found

    async def stop(self) -> None:
        for process in self.processes:
            if process.process is not None and process.process.returncode is None:
                await process.kill()

    async def fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        connection = await asyncpg.connect(self.db_url)
        try:
            return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()

    async def lease_holder(self, job_key: str) -> int | None:
        """The pid of the replica holding the job's lease (runner names are host:pid:tag)."""
        rows = await self.fetch(
            "SELECT lease_owner FROM jobs WHERE job_key = $1 AND lease_until IS NOT NULL",
            job_key,
        )
        if not rows or rows[0]["lease_owner"] is None:
            return None
        return int(str(rows[0]["lease_owner"]).split(":")[1])


@pytest.fixture
async def database(postgres_server: ThrowawayPostgres) -> str:
    return await postgres_server.new_database(migrated=False)


@pytest.fixture
async def three(emu: SlackEmulator, database: str, tmp_path: Path) -> AsyncIterator[Replicas]:
    replicas = Replicas(emu, database, tmp_path, 3)
    yield replicas
    await replicas.stop()


def summaries(emu: SlackEmulator, channel: str, poll_ts: str) -> list[str]:
    """Top-level messages in the channel other than the poll itself: the summaries."""
    return [
        str(m.blocks)
        for m in emu.messages(channel)
        if m.ts != poll_ts and m.thread_ts in (None, m.ts)
    ]


async def test_a_round_to_300_with_a_replica_killed_reminds_everyone_once(
    emu: SlackEmulator, three: Replicas
) -> None:
    crowd = emu.populate(300, CROWD)
    emu.add_member(CROWD, ORGANISER)
    # Slack's limits, per second instead of per minute: the round takes a few seconds.
    emu.set_rate_limit("chat.postMessage", 100, 1)
    emu.set_rate_limit("conversations.open", 100, 1)
    await three.start()
    driver = three.driver(emu)
    await driver.slash_command(ORGANISER, CROWD, "/wishes", 'new "Big?" "A" "B" remind:off')
    (poll_message,) = await emu.wait_for(lambda: emu.messages(CROWD), timeout=20)
    await driver.slash_command(ORGANISER, CROWD, "/wishes", "remind 1")
    await emu.wait_for(lambda: len(reminders_sent(emu)) >= 40, timeout=30)

    holder = await three.lease_holder("deliver:1")
    assert holder is not None, "no replica holds the round; nothing to kill"
    await three.by_pid(holder).kill()
    # Answers keep coming through the replicas still alive, while the round is taken over.
    respondents = crowd[:30]
    acks = await asyncio.gather(*(driver.click(p, poll_message, "A") for p in respondents))
    assert all(ack.status == 200 for ack in acks)
    assert len(reminders_sent(emu)) < len(crowd), "the round finished before the kill"

    async def everyone_reached() -> bool:
        counts = reminded(emu, 1, crowd)
        return all(counts[p] >= 1 for p in crowd if p not in respondents)

    await eventually(everyone_reached, 60)
    counts = reminded(emu, 1, crowd)
    assert max(counts.values()) == 1, [p for p, n in counts.items() if n > 1]
    stored = await three.fetch("SELECT respondent_id FROM responses WHERE poll_id = 1")
    assert sorted(row[0] for row in stored) == sorted(respondents)

    await driver.slash_command(ORGANISER, CROWD, "/wishes", "close 1")
    await emu.wait_for(lambda: summaries(emu, CROWD, poll_message.ts), timeout=20)
    (summary,) = summaries(emu, CROWD, poll_message.ts)
    assert "30 answered this question" in summary and "A (30)" in summary
    await driver.close()


async def test_a_close_due_while_its_replica_dies_is_closed_once_by_another(
    emu: SlackEmulator, three: Replicas
) -> None:
    await three.start()
    driver = three.driver(emu)
    await driver.slash_command(ORGANISER, CHANNEL, "/wishes", 'new "Once?" "Yes" "No" closes:4s')
    (poll_message,) = await emu.wait_for(lambda: emu.messages(CHANNEL), timeout=20)
    for person in PEOPLE[:3]:
        assert (await driver.click(person, poll_message, "Yes")).status == 200
    # The summary's post hangs, so the replica that claimed the close is killed holding it.
    emu.delay("chat.postMessage", 30)

    async def claimed() -> bool:
        return await three.lease_holder("close:1") is not None

    await eventually(claimed, 20)
    holder = await three.lease_holder("close:1")
    assert holder is not None
    await three.by_pid(holder).kill()
    emu.delay("chat.postMessage", 0)

    async def closed() -> bool:
        rows = await three.fetch("SELECT status FROM polls WHERE id = 1")
        return bool(rows[0]["status"] == "closed")

    await eventually(closed, 30)
    (summary,) = summaries(emu, CHANNEL, poll_message.ts)
    assert "3 of 6" in summary
    await driver.close()


async def test_a_database_restart_under_running_replicas_loses_no_acknowledged_answer(
    emu: SlackEmulator, three: Replicas, postgres_server: ThrowawayPostgres
) -> None:
    await three.start()
    driver = three.driver(emu)
    await driver.slash_command(ORGANISER, CHANNEL, "/wishes", 'new "Outage?" "Yes" "No"')
    (poll_message,) = await emu.wait_for(lambda: emu.messages(CHANNEL), timeout=20)
    acked: set[str] = set()

    async def answer(person: str) -> None:
        try:
            reply = await driver.click(person, poll_message, "Yes")
        except (AckTimeoutError, AckProblem):
            return  # not acknowledged: Slack tells the person it failed
        if reply.status == 200:  # acknowledged; a 503 is not
            acked.add(person)

    await answer(PEOPLE[0])
    postgres_server.stop()
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{three.processes[0].url}/healthz") as response,
        ):
            assert response.status == 503
        for person in PEOPLE[1:3]:
            await answer(person)  # during the outage: either stored and acked, or not acked
    finally:
        postgres_server.start_again()
    for person in PEOPLE[3:]:
        await answer(person)

    async def healthy() -> bool:
        async with aiohttp.ClientSession() as session:
            for process in three.processes:
                async with session.get(f"{process.url}/healthz") as response:
                    if response.status != 200:
                        return False
        return True

    await eventually(healthy, 20)
    stored = {row[0] for row in await three.fetch("SELECT respondent_id FROM responses")}
    assert acked <= stored, acked - stored
    assert {PEOPLE[0], *PEOPLE[3:]} <= stored
    await driver.close()


async def test_a_click_during_an_outage_is_not_acknowledged_and_the_person_hears_why(
    running: RunningBot, emu: SlackEmulator, postgres_server: ThrowawayPostgres
) -> None:
    poll = await create(running, emu, 'new "Outage?" "Yes" "No"')
    message = poll_message(emu, poll)
    postgres_server.stop()
    try:
        refused = await running.driver.click(PEOPLE[0], message, "Yes")
        assert refused.status == 503  # not acknowledged: Slack shows the click failed
        await emu.wait_for(lambda: emu.ephemerals(PEOPLE[0]), timeout=5)
        assert "database is out of reach" in last_ephemeral(emu, PEOPLE[0])
        assert running.url is not None
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{running.url}/healthz") as response,
        ):
            assert response.status == 503
    finally:
        postgres_server.start_again()
    reply = await running.driver.click(PEOPLE[0], message, "Yes")  # the person tries again
    assert reply.status == 200
    assert (await running.repo.counts(poll.id)).answered == 1


async def test_a_newcomer_clicking_during_an_outage_hears_why_in_the_default_language(
    running: RunningBot, emu: SlackEmulator, postgres_server: ThrowawayPostgres
) -> None:
    """Nobody has met the newcomer: their language would come from the database, which is
    away, so the request's own set-up must not be what fails (that would end in silence)."""
    poll = await create(running, emu, 'new "Outage?" "Yes" "No"')
    emu.add_user("U0NEWBIE", "newbie", tz="Europe/Helsinki")
    emu.add_member(CHANNEL, "U0NEWBIE")
    postgres_server.stop()
    try:
        refused = await running.driver.click("U0NEWBIE", poll_message(emu, poll), "Yes")
        assert refused.status == 503
        await emu.wait_for(lambda: emu.ephemerals("U0NEWBIE"), timeout=5)
        assert "database is out of reach" in last_ephemeral(emu, "U0NEWBIE")
    finally:
        postgres_server.start_again()


async def test_migrate_and_check_name_postgresql_and_backup_points_to_pg_dump(
    emu: SlackEmulator, database: str, tmp_path: Path
) -> None:
    # The throwaway server trusts local connections: the password is only there to be hidden.
    url = database.replace("postgres@", "postgres:hidden-pass-789@")
    env = {**slack_environ(emu), "WISHBOT_DB": url}
    code, out, err = await wishbot(env, "migrate", cwd=tmp_path)
    assert code == 0, err
    code, out, err = await wishbot(env, "check", cwd=tmp_path)
    assert code == 0, err
    assert "PostgreSQL 1" in out and "postgres@127.0.0.1" in out
    code, out, err = await wishbot(env, "backup", str(tmp_path / "b.sqlite3"), cwd=tmp_path)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "pg_dump" in err
    assert "hidden-pass-789" not in out + err


async def test_a_database_newer_than_the_code_is_refused(
    emu: SlackEmulator, database: str, tmp_path: Path
) -> None:
    env = {**slack_environ(emu), "WISHBOT_DB": database}
    assert (await wishbot(env, "migrate", cwd=tmp_path))[0] == 0
    connection = await asyncpg.connect(database)
    try:
        await connection.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 0)")
    finally:
        await connection.close()
    code, _out, err = await wishbot(env, "migrate", cwd=tmp_path)
    assert code == 1
    assert "newer" in err and err.count("\n") == 1


async def test_an_anonymous_close_leaves_no_old_row_version_in_the_table_pages(
    running: RunningBot, emu: SlackEmulator
) -> None:
    """PostgreSQL keeps a rewritten row's old version until VACUUM; after the close, no tuple
    in the responses table's pages, live or dead, still holds a respondent."""
    assert running.settings.db_url is not None
    poll = await create(running, emu, 'new "Secret?" "Yes" "No" anonymous')
    for person in PEOPLE[:4]:
        await running.driver.click(person, poll_message(emu, poll), "Yes")
    await running.settle()
    connection = await asyncpg.connect(running.settings.db_url.reveal())
    try:
        await connection.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        pages = "SELECT pg_relation_size('responses') / current_setting('block_size')::int"

        async def tuples_naming(person: str) -> int:
            count = 0
            for page in range(await connection.fetchval(pages)):
                count += await connection.fetchval(
                    "SELECT COUNT(*) FROM heap_page_items(get_raw_page('responses', $1))"
                    " WHERE position($2::bytea IN t_data) > 0",
                    page,
                    person.encode(),
                )
            return int(count)

        assert await tuples_naming(PEOPLE[0]) == 1  # the check sees a respondent while open
        await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
        await running.settle()
        assert [await tuples_naming(person) for person in PEOPLE[:4]] == [0, 0, 0, 0]
    finally:
        await connection.close()
