"""One benchmark run's world: the emulator, the bot and the floor in their own processes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.processes import Served, launch
from bench.timing import TimedDriver
from slack_emulator import SlackEmulator

SIGNING_SECRET = "bench-signing-secret-0123456789"
BOT_TOKEN = "xoxb-bench-bot-token"
COMMAND = "/wishes"
ORGANISER = "U0ORGANISER"
GENERAL = "C0GENERAL"
BIG = "C0BIG"
ROUND = "C0ROUND"
REPO_ROOT = Path(__file__).resolve().parent.parent


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

    @property
    def db_path(self) -> Path:
        return self.workdir / "wishbot.sqlite3"

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """A read-only look at the bot's database (WAL lets it run beside the bot)."""
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10) as conn:
            return list(conn.execute(sql, params))

    async def drivers(self) -> tuple[TimedDriver, TimedDriver]:
        """Fresh timed drivers (empty samples) for the next measurement."""
        await self.bot_driver.close()
        await self.floor_driver.close()
        self.bot_driver = TimedDriver(self.emu, mode="http", request_url=self.bot.url)
        self.floor_driver = TimedDriver(self.emu, mode="http", request_url=self.floor.url)
        return self.bot_driver, self.floor_driver

    async def close(self) -> None:
        await self.bot_driver.close()
        await self.floor_driver.close()
        self.bot.stop()
        self.floor.stop()
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
    bot = await launch("bot", "bot", env, workdir)
    return World(
        emu,
        bot,
        floor,
        TimedDriver(emu, mode="http", request_url=bot.url),
        TimedDriver(emu, mode="http", request_url=floor.url),
        workdir,
        sizes,
        crowd,
        tmp,
    )
