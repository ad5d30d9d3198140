"""One benchmark run's world: the emulator, the bot and the floor in their own processes."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bench.processes import Served, launch
from bench.timing import TimedDriver
from bot.storage.postgres import numbered
from slack_emulator import SlackEmulator
from tests.pg_server import ThrowawayPostgres

SIGNING_SECRET = "bench-signing-secret-0123456789"
BOT_TOKEN = "xoxb-bench-bot-token"
COMMAND = "/wishes"
ORGANISER = "U0ORGANISER"
GENERAL = "C0GENERAL"
BIG = "C0BIG"
ROUND = "C0ROUND"
REPO_ROOT = Path(__file__).resolve().parent.parent


def query_database(
    db_path: Path, db_url: str | None, sql: str, params: tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    """Read the bot's database: SQLite read-only beside the bot (WAL), or PostgreSQL on a
    thread of its own (the caller's event loop also serves the emulator)."""
    if db_url is None:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10) as conn:
            return list(conn.execute(sql, params))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _query_postgres(db_url, sql, params)).result()


async def _query_postgres(db_url: str, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    connection = await asyncpg.connect(db_url)
    try:
        return [tuple(row) for row in await connection.fetch(numbered(sql), *params)]
    finally:
        await connection.close()


@dataclass
class Sizes:
    """How big each scenario is (the issue's sizes, or smaller with --quick)."""

    commands: int = 300
    command_concurrency: int = 10
    answers: int = 1000
    answer_concurrency: int = 50
    audience: int = 10_000
    summary_answers: int = 10_000
    round_people: int = 2000
    round_concurrency: int = 10
    window_scale: float = 1 / 6
    backend: str = "sqlite"
    replicas: int = 1
    # Issue #14: this many workspaces, each starting a round to this many people at once.
    workspaces: int = 50
    workspace_people: int = 200
    # Slack's own minute: a 200-person round stays within a workspace's 300 posts a minute.
    workspace_window_scale: float = 1.0


@dataclass
class World:
    emu: SlackEmulator
    bot: Served
    floor: Served
    bot_driver: TimedDriver
    floor_driver: TimedDriver
    workdir: Path
    sizes: Sizes
    crowd: dict[str, list[str]] = field(default_factory=dict)
    _tmp: Any = None
    # PostgreSQL mode: the throwaway server, its database and every replica (bot is the first).
    postgres: ThrowawayPostgres | None = None
    db_url: str | None = None
    replicas: list[Served] = field(default_factory=list)

    @property
    def db_path(self) -> Path:
        return self.workdir / "wishbot.sqlite3"

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """A read-only look at the bot's database (WAL lets SQLite's run beside the bot)."""
        return query_database(self.db_path, self.db_url, sql, params)

    def bot_urls(self) -> list[str]:
        return [served.url for served in self.replicas] or [self.bot.url]

    async def drivers(self) -> tuple[TimedDriver, TimedDriver]:
        """Fresh timed drivers (empty samples) for the next measurement."""
        await self.bot_driver.close()
        await self.floor_driver.close()
        self.bot_driver = TimedDriver(self.emu, mode="http", replicas=self.bot_urls())
        self.floor_driver = TimedDriver(self.emu, mode="http", request_url=self.floor.url)
        return self.bot_driver, self.floor_driver

    def memory_kb(self) -> dict[str, int]:
        """The peak and current resident set of the bot: of its largest replica (the target is
        per process)."""
        largest: dict[str, int] = {}
        for served in self.replicas or [self.bot]:
            for key, value in served.memory_kb().items():
                largest[key] = max(largest.get(key, 0), value)
        return largest

    async def close(self) -> None:
        await self.bot_driver.close()
        await self.floor_driver.close()
        for served in self.replicas or [self.bot]:
            served.stop()
        self.floor.stop()
        if self.postgres is not None:
            self.postgres.remove()
        await self.emu.stop()
        logs = REPO_ROOT / "bench" / "results"
        logs.mkdir(exist_ok=True)
        for served in (self.bot, self.floor):
            shutil.copyfile(served.log_path, logs / f"last-{served.name}.log")
        if self._tmp is not None:
            self._tmp.cleanup()


async def build_world(sizes: Sizes) -> World:
    """Emulator with the workspace, then the floor and the bot (ready time measured)."""
    tmp = tempfile.TemporaryDirectory(prefix="wishbot-bench-")
    workdir = Path(tmp.name)
    emu = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, app_token="xapp-x")
    await emu.start()
    emu.add_user(ORGANISER, "olivia", real_name="Olivia Organiser", tz="Europe/Helsinki")
    people = [f"U0P{i:03d}" for i in range(5)]
    for user_id in people:
        emu.add_user(user_id, user_id.lower(), tz="Europe/Helsinki")
    emu.add_channel(GENERAL, "general", members=(ORGANISER, *people))
    crowd = {
        BIG: emu.populate(sizes.audience, BIG, id_prefix="UBIG"),
        ROUND: emu.populate(sizes.round_people, ROUND, id_prefix="URND"),
    }
    emu.add_member(BIG, ORGANISER)
    emu.add_member(ROUND, ORGANISER)
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": emu.api_url,
        "WISHBOT_DB": str(workdir / "wishbot.sqlite3"),
        "WISHBOT_COMMAND": COMMAND,
        "WISHBOT_QUIET_HOURS": "off",
        "LOG_LEVEL": os.environ.get("BENCH_BOT_LOG_LEVEL", "WARNING"),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO_ROOT), os.environ.get("BENCH_EXTRA_PATH")])
        ),
    }
    floor = await launch("floor", "bench.floor", env, workdir)
    postgres = None
    db_url = None
    if sizes.backend == "postgresql":
        postgres = ThrowawayPostgres()
        postgres.start()
        db_url = await postgres.new_database(migrated=False)
        env["WISHBOT_DB"] = db_url
    bots = []
    for index in range(sizes.replicas):
        # Each replica learns the 12,000 people itself; users.list's limit (Tier 2) would make
        # the second wait a minute for the first one's calls to age out. Start-up is measured
        # by "ready after start" of the first, not here.
        emu.reset_rate_limits()
        bots.append(await launch(f"bot-{index + 1}" if index else "bot", "bot", env, workdir))
    world = World(
        emu,
        bots[0],
        floor,
        TimedDriver(emu, mode="http", replicas=[served.url for served in bots]),
        TimedDriver(emu, mode="http", request_url=floor.url),
        workdir,
        sizes,
        crowd,
        tmp,
        postgres,
        db_url,
        bots if len(bots) > 1 else [],
    )
    return world
