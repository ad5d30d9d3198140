"""Installations and OAuth states in Wishbot's database, on SQLite and on PostgreSQL: Bolt's
stores over the port, tokens sealed at rest, and refreshes of a rotating token serialised."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Sized
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.clock import ShiftableClock
from bot.services.ports.workspaces import InstallationRecord, WorkspaceKey
from bot.slack.installations import (
    BoltInstallationStore,
    BoltStateStore,
    installation_from_record,
    record_from_installation,
)
from bot.storage.backend import open_database
from bot.storage.installations import InstallationTable
from bot.storage.migrations import migrate
from bot.storage.sealing import SealBroken, Sealer, generate_key
from bot.storage.sql import SqlDatabase

KEY = generate_key()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BOT_TOKEN = "xoxe.xoxb-1-bot-token-of-acme"
REFRESH_TOKEN = "xoxe-1-refresh-token-of-acme"
USER_TOKEN = "xoxp-1-user-token-of-the-installer"
TEAM_NAME = "Acme Widgets Ltd"
ENTERPRISE_NAME = "Globex Corporation"


def acme(**overrides: Any) -> Installation:
    """A workspace install outside Grid, with token rotation on."""
    values: dict[str, Any] = {
        "app_id": "A1",
        "team_id": "T1",
        "team_name": TEAM_NAME,
        "bot_token": BOT_TOKEN,
        "bot_id": "B1",
        "bot_user_id": "U0BOT",
        "bot_scopes": ["chat:write", "commands"],
        "bot_refresh_token": REFRESH_TOKEN,
        "bot_token_expires_at": int(NOW.timestamp()) + 43_200,
        "user_id": "U0INSTALLER",
        "user_token": USER_TOKEN,
        "user_scopes": ["search:read"],
        "token_type": "bot",
        "installed_at": NOW.timestamp(),
    }
    values.update(overrides)
    return Installation(**values)


def globex_org() -> Installation:
    """An org-wide install of Enterprise Grid: Slack names no team."""
    return Installation(
        app_id="A1",
        enterprise_id="E1",
        enterprise_name=ENTERPRISE_NAME,
        enterprise_url="https://globex.enterprise.slack.com/",
        team_id=None,
        bot_token="xoxb-org-token-of-globex",
        bot_id="B2",
        bot_user_id="U0ORGBOT",
        bot_scopes=["chat:write"],
        user_id="W0ADMIN",
        is_enterprise_install=True,
        token_type="bot",
        installed_at=NOW.timestamp(),
    )


def globex_workspace() -> Installation:
    """A workspace of Globex's Grid, installed on its own."""
    return Installation(
        app_id="A1",
        enterprise_id="E1",
        enterprise_name=ENTERPRISE_NAME,
        team_id="T9",
        team_name="Globex Research",
        bot_token="xoxb-workspace-token-of-globex-research",
        bot_id="B3",
        bot_user_id="U0WSBOT",
        bot_scopes=["chat:write"],
        user_id="W0LEAD",
        token_type="bot",
        installed_at=NOW.timestamp(),
    )


@pytest.fixture
async def db(backend: str, db_url: str | None, tmp_path: Path) -> AsyncIterator[SqlDatabase]:
    database = await open_database(tmp_path / "wishbot.sqlite3", db_url, pool_size=4)
    await migrate(database)
    yield database
    await database.close()


@pytest.fixture
def table(db: SqlDatabase) -> InstallationTable:
    return InstallationTable(db, Sealer.from_setting(KEY))


@pytest.fixture
def bolt(table: InstallationTable) -> BoltInstallationStore:
    return BoltInstallationStore(table)


async def test_a_workspace_installation_round_trips(bolt: BoltInstallationStore) -> None:
    await bolt.async_save(acme())
    found = await bolt.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert found.to_dict() == acme().to_dict()
    bot = await bolt.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    assert (bot.bot_token, bot.bot_refresh_token, bot.bot_user_id) == (
        BOT_TOKEN,
        REFRESH_TOKEN,
        "U0BOT",
    )
    assert bot.bot_token_expires_at == int(NOW.timestamp()) + 43_200
    assert await bolt.async_find_installation(enterprise_id=None, team_id="T2") is None


async def test_saving_again_replaces_the_workspace_installation(
    bolt: BoltInstallationStore, table: InstallationTable
) -> None:
    await bolt.async_save(acme())
    await bolt.async_save(acme(bot_token="xoxb-reinstalled", bot_scopes=["chat:write"]))
    found = await bolt.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.bot_token, found.bot_scopes) == ("xoxb-reinstalled", ["chat:write"])
    assert len(await table.installations()) == 1


async def test_an_org_wide_install_serves_every_workspace_of_the_enterprise(
    bolt: BoltInstallationStore,
) -> None:
    await bolt.async_save(globex_org())
    for team in ("T5", "T6", None):
        found = await bolt.async_find_installation(
            enterprise_id="E1", team_id=team, is_enterprise_install=True
        )
        assert found is not None, team
        assert (found.bot_token, found.enterprise_name, found.team_id) == (
            "xoxb-org-token-of-globex",
            ENTERPRISE_NAME,
            None,
        )
        assert found.is_enterprise_install
    # A request from a workspace that is not under an org-wide install finds nothing.
    assert await bolt.async_find_installation(enterprise_id="E1", team_id="T5") is None
    assert (
        await bolt.async_find_installation(
            enterprise_id="E2", team_id="T5", is_enterprise_install=True
        )
        is None
    )


async def test_a_grid_workspace_install_is_apart_from_the_org_install(
    bolt: BoltInstallationStore, table: InstallationTable
) -> None:
    await bolt.async_save(globex_org())
    await bolt.async_save(globex_workspace())
    workspace = await bolt.async_find_installation(enterprise_id="E1", team_id="T9")
    assert workspace is not None
    assert workspace.to_dict() == globex_workspace().to_dict()
    org = await bolt.async_find_installation(
        enterprise_id="E1", team_id="T9", is_enterprise_install=True
    )
    assert org is not None
    assert org.bot_token == "xoxb-org-token-of-globex"
    assert await bolt.async_find_installation(enterprise_id=None, team_id="T9") is None
    keys = {record.key for record in await table.installations()}
    assert keys == {WorkspaceKey("E1", None, True), WorkspaceKey("E1", "T9", False)}


async def test_the_records_helpers_keep_every_field() -> None:
    for installation in (acme(), globex_org(), globex_workspace()):
        record = record_from_installation(installation)
        assert installation_from_record(record).to_dict() == installation.to_dict()
    record = record_from_installation(acme())
    assert record.key == WorkspaceKey(None, "T1", False)
    assert record.bot_token_expires_at == NOW + timedelta(hours=12)
    assert record.installed_at == NOW
    assert record_from_installation(globex_org()).key == WorkspaceKey("E1", None, True)


async def test_no_token_or_name_is_readable_in_the_rows(
    bolt: BoltInstallationStore, db: SqlDatabase
) -> None:
    await bolt.async_save(acme())
    await bolt.async_save(globex_org())
    async with db.reading() as sql:
        rows = await sql.fetch_all("SELECT * FROM installations")
    assert len(rows) == 2
    width = len(cast(Sized, rows[0]))
    cells = " ".join(str(row[i]) for row in rows for i in range(width))
    secrets = (BOT_TOKEN, REFRESH_TOKEN, USER_TOKEN, "xoxb-org-token-of-globex")
    for text in (*secrets, "xox", TEAM_NAME, ENTERPRISE_NAME, "Acme", "U0INSTALLER", "W0ADMIN"):
        assert text not in cells
    # What is in the clear: the key and the times.
    assert "T1" in cells
    assert "E1" in cells


async def test_a_wrong_key_fails_with_seal_broken(
    bolt: BoltInstallationStore, db: SqlDatabase
) -> None:
    await bolt.async_save(acme())
    stranger = InstallationTable(db, Sealer.from_setting(generate_key()))
    with pytest.raises(SealBroken, match="WISHBOT_SECRET_KEY"):
        await stranger.find_installation(WorkspaceKey(None, "T1"))
    with pytest.raises(SealBroken):
        await stranger.installations()


async def test_a_sealed_record_moved_to_another_row_does_not_open(
    bolt: BoltInstallationStore, table: InstallationTable, db: SqlDatabase
) -> None:
    await bolt.async_save(acme())
    await bolt.async_save(acme(team_id="T2", bot_token="xoxb-other"))
    async with db.transaction() as sql:
        await sql.execute(
            "UPDATE installations SET sealed = (SELECT sealed FROM installations WHERE"
            " team_id = 'T1') WHERE team_id = 'T2'"
        )
    with pytest.raises(SealBroken, match="another workspace"):
        await table.find_installation(WorkspaceKey(None, "T2"))


async def test_a_new_key_in_front_still_opens_records_sealed_under_the_old(
    bolt: BoltInstallationStore, db: SqlDatabase
) -> None:
    await bolt.async_save(acme())
    rotated = BoltInstallationStore(
        InstallationTable(db, Sealer.from_setting(f"{generate_key()},{KEY}"))
    )
    found = await rotated.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert found.bot_token == BOT_TOKEN


async def test_a_person_other_than_the_installer_finds_no_installation_of_their_own(
    bolt: BoltInstallationStore,
) -> None:
    await bolt.async_save(acme())
    assert (
        await bolt.async_find_installation(enterprise_id=None, team_id="T1", user_id="U0SOMEONE")
        is None
    )
    mine = await bolt.async_find_installation(
        enterprise_id=None, team_id="T1", user_id="U0INSTALLER"
    )
    assert mine is not None
    assert mine.user_token == USER_TOKEN


async def test_delete_all_then_find_gives_none(bolt: BoltInstallationStore) -> None:
    await bolt.async_save(acme())
    await bolt.async_save(globex_org())
    await bolt.async_delete_all(enterprise_id=None, team_id="T1")
    assert await bolt.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert await bolt.async_find_bot(enterprise_id=None, team_id="T1") is None
    # An org-wide uninstall names no team.
    await bolt.async_delete_all(enterprise_id="E1", team_id=None)
    assert (
        await bolt.async_find_installation(
            enterprise_id="E1", team_id="T5", is_enterprise_install=True
        )
        is None
    )


async def test_a_revoked_bot_token_deletes_the_installation(bolt: BoltInstallationStore) -> None:
    await bolt.async_save(acme())
    await bolt.async_delete_bot(enterprise_id=None, team_id="T1")
    assert await bolt.async_find_installation(enterprise_id=None, team_id="T1") is None


async def test_a_revoked_user_token_keeps_the_bot(bolt: BoltInstallationStore) -> None:
    await bolt.async_save(acme())
    await bolt.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U0SOMEONE")
    kept = await bolt.async_find_installation(enterprise_id=None, team_id="T1")
    assert kept is not None
    assert kept.user_token == USER_TOKEN
    await bolt.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U0INSTALLER")
    found = await bolt.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.user_token, found.user_refresh_token, found.bot_token) == (
        None,
        None,
        BOT_TOKEN,
    )


async def test_saving_a_refreshed_bot_keeps_the_rest_of_the_installation(
    bolt: BoltInstallationStore,
) -> None:
    await bolt.async_save(acme())
    bot = await bolt.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    refreshed = Bot(
        **{**bot.to_dict_for_copying(), "bot_token": "xoxe.xoxb-new", "bot_refresh_token": "r2"}
    )
    await bolt.async_save_bot(refreshed)
    found = await bolt.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.bot_token, found.bot_refresh_token) == ("xoxe.xoxb-new", "r2")
    assert (found.user_id, found.user_token) == ("U0INSTALLER", USER_TOKEN)


# OAuth states


@pytest.fixture
def clock() -> ShiftableClock:
    return ShiftableClock(NOW)


@pytest.fixture
def states(db: SqlDatabase, clock: ShiftableClock) -> BoltStateStore:
    return BoltStateStore(InstallationTable(db, Sealer.from_setting(KEY), clock=clock), clock)


async def test_a_state_is_good_once(states: BoltStateStore) -> None:
    state = await states.async_issue()
    other = await states.async_issue()
    assert state != other
    assert len(state) >= 40
    assert await states.async_consume(state)
    assert not await states.async_consume(state)
    assert await states.async_consume(other)
    assert not await states.async_consume("a-state-never-issued")


async def test_an_expired_state_is_refused(states: BoltStateStore, clock: ShiftableClock) -> None:
    fresh_enough = await states.async_issue()
    too_old = await states.async_issue()
    clock.advance(timedelta(seconds=599))
    assert await states.async_consume(fresh_enough)
    clock.advance(timedelta(seconds=2))
    assert not await states.async_consume(too_old)


async def test_two_requests_with_one_state_let_one_through(states: BoltStateStore) -> None:
    state = await states.async_issue()
    outcomes = await asyncio.gather(*(states.async_consume(state) for _ in range(4)))
    assert sorted(outcomes) == [False, False, False, True]


async def test_expired_states_are_cleaned_up_when_a_state_is_issued(
    states: BoltStateStore, clock: ShiftableClock, db: SqlDatabase
) -> None:
    for _ in range(3):
        await states.async_issue()
    clock.advance(timedelta(minutes=11))
    await states.async_issue()
    async with db.reading() as sql:
        rows = await sql.fetch_all("SELECT expires_at FROM oauth_states")
    assert len(rows) == 1


# Refreshing a rotating token

WINDOW = timedelta(hours=2)


def refresher(
    now: datetime,
) -> tuple[list[str], Callable[..., Awaitable[InstallationRecord | None]]]:
    """A refresh that, like Bolt's token rotator, does nothing to a token far from expiry, and
    counts the refresh tokens it spends."""
    spent: list[str] = []

    async def refresh(
        record: InstallationRecord, *, hold: Callable[[], Awaitable[None]] | None = None
    ) -> InstallationRecord | None:
        expires = record.bot_token_expires_at
        if expires is None or expires - now > WINDOW:
            return None
        spent.append(str(record.data["bot_refresh_token"]))
        if hold is not None:
            await hold()
        number = len(spent) + 1
        return dataclasses.replace(
            record,
            bot_token_expires_at=now + timedelta(hours=12),
            data={
                **record.data,
                "bot_token": f"xoxe.xoxb-{number}",
                "bot_refresh_token": f"xoxe-refresh-{number}",
            },
        )

    return spent, refresh


async def save_expiring(table: InstallationTable) -> WorkspaceKey:
    expiring = acme(bot_token_expires_at=int(NOW.timestamp()) + 60)
    await BoltInstallationStore(table).async_save(expiring)
    return WorkspaceKey(None, "T1")


async def test_concurrent_rotations_in_one_process_refresh_once(table: InstallationTable) -> None:
    key = await save_expiring(table)
    spent, refresh = refresher(NOW)
    results = await asyncio.gather(*(table.rotate_installation(key, refresh) for _ in range(3)))
    assert spent == [REFRESH_TOKEN]
    assert {r.data["bot_token"] for r in results if r is not None} == {"xoxe.xoxb-2"}
    stored = await table.find_installation(key)
    assert stored is not None
    assert stored.data["bot_refresh_token"] == "xoxe-refresh-2"
    assert stored.bot_token_expires_at == NOW + timedelta(hours=12)


async def test_a_rotation_that_needs_no_refresh_keeps_the_record(table: InstallationTable) -> None:
    await BoltInstallationStore(table).async_save(acme())
    spent, refresh = refresher(NOW)
    kept = await table.rotate_installation(WorkspaceKey(None, "T1"), refresh)
    assert kept is not None
    assert kept.data["bot_token"] == BOT_TOKEN
    assert spent == []
    assert await table.rotate_installation(WorkspaceKey(None, "T404"), refresh) is None


@pytest.mark.postgresql_only
async def test_two_replicas_rotating_at_once_spend_the_refresh_token_once(
    db: SqlDatabase, db_url: str | None
) -> None:
    assert db_url is not None
    first = InstallationTable(db, Sealer.from_setting(KEY))
    key = await save_expiring(first)
    other_db = await open_database(Path("unused"), db_url, pool_size=2)
    try:
        second = InstallationTable(other_db, Sealer.from_setting(KEY))
        spent, refresh = refresher(NOW)

        async def waiting_for_the_row_lock() -> None:
            # The first refresh holds on until the other replica is blocked on the row: both
            # are then certainly inside rotate_installation at once.
            await eventually(lambda: backends_waiting_on_a_lock(db))

        first_call = first.rotate_installation(
            key, lambda record: refresh(record, hold=waiting_for_the_row_lock)
        )
        started = asyncio.ensure_future(first_call)
        await eventually(lambda: asyncio.sleep(0, result=bool(spent)))
        results = await asyncio.gather(started, second.rotate_installation(key, refresh))
    finally:
        await other_db.close()
    assert spent == [REFRESH_TOKEN]
    assert [r.data["bot_token"] if r else None for r in results] == ["xoxe.xoxb-2"] * 2


async def backends_waiting_on_a_lock(db: SqlDatabase) -> bool:
    async with db.reading() as sql:
        row = await sql.fetch_one(
            "SELECT count(*) AS waiting FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    return row is not None and int(row["waiting"]) > 0


async def eventually(predicate: Callable[[], Awaitable[bool]], limit: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + limit
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


async def test_resealing_lets_the_old_key_be_dropped(
    bolt: BoltInstallationStore, db: SqlDatabase
) -> None:
    await bolt.async_save(acme())
    await bolt.async_save(globex_org())
    new_key = generate_key()
    both = InstallationTable(db, Sealer.from_setting(f"{new_key},{KEY}"))
    assert await both.reseal_installations() == 2
    only_new = BoltInstallationStore(InstallationTable(db, Sealer.from_setting(new_key)))
    found = await only_new.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert found.bot_token == BOT_TOKEN
    with pytest.raises(SealBroken):
        await bolt.async_find_installation(enterprise_id=None, team_id="T1")
