"""One run of the playground: a shared clock, the Slack stand-in with its workspace, and the real
bot talking to it over signed HTTP and Web API calls; opened together, closed together."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiohttp import web

from bot.app import Wishbot, http_application, start, stop
from bot.clock import ShiftableClock
from bot.config import Settings, load_settings
from bot.playground.workspace import seed
from slack_emulator import SlackClientDriver, SlackEmulator

logger = logging.getLogger(__name__)

# Fake credentials: the bot's only Slack is the emulator on 127.0.0.1, so these never leave it.
BOT_TOKEN = "xoxb-playground-local-only"
SIGNING_SECRET = "playground-signing-secret-local-only"
COMMAND = "/wishes"
DEFAULT_DB = Path("data/playground.sqlite3")


def playground_settings(api_url: str, db_path: Path, log_level: str) -> Settings:
    """Settings built from scratch, never from the environment or .env, so that no real token
    or Slack URL can slip in. Reminders may go out at any hour: the clock is moved by hand."""
    return load_settings(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api_url,
            "WISHBOT_DB": str(db_path),
            "PORT": "0",
            "WISHBOT_COMMAND": COMMAND,
            "WISHBOT_QUIET_HOURS": "off",
            "LOG_LEVEL": log_level,
        }
    )


@dataclass
class World:
    """What one playground run is made of; Reset closes it and opens a new one."""

    clock: ShiftableClock
    emu: SlackEmulator
    bot: Wishbot
    driver: SlackClientDriver
    bot_site: web.AppRunner

    @classmethod
    async def open(
        cls, db_path: Path, *, log_level: str = "INFO", start_at: datetime | None = None
    ) -> World:
        """Start the emulator with the seeded workspace, then the bot against it; the clock
        starts now, or at start_at (a test that reads exact times)."""
        clock = ShiftableClock(start_at)
        emu = SlackEmulator(
            signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, bot_name="wishbot", clock=clock
        )
        await emu.start()
        try:
            seed(emu)
            bot = await start(playground_settings(emu.api_url, db_path, log_level), clock=clock)
        except BaseException:
            await emu.stop()
            raise
        site = web.AppRunner(http_application(bot), access_log=None)
        await site.setup()
        await web.TCPSite(site, "127.0.0.1", 0).start()
        bot_url = f"http://127.0.0.1:{site.addresses[0][1]}/slack/events"
        driver = emu.driver("http", request_url=bot_url)
        world = cls(clock, emu, bot, driver, site)
        await world.settle()
        return world

    async def settle(self) -> None:
        """Wait until the bot has done everything a request or a clock move started."""
        await self.bot.settle()

    async def close(self) -> None:
        """Stop the bot first (it finishes its work against the emulator), then the emulator."""
        await self.driver.close()
        await self.bot_site.cleanup()
        await stop(self.bot)
        await self.emu.stop()


def remove_database(db_path: Path) -> None:
    """Delete the playground's SQLite file and its journal files (the lock file stays: another
    process might be waiting on it)."""
    for suffix in ("", "-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    logger.info("removed %s", db_path)
