"""The wishbot command line: run (the default), migrate, check."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence

from bot import __version__
from bot.config import ConfigError, Settings, load_settings, read_environment
from bot.logs import configure_logging
from bot.slack.gateway import SlackCallFailed, SlackGateway
from bot.storage.database import Database
from bot.storage.migrations import MigrationError, migrate, pending_migrations

EXIT_USAGE = 2
EXIT_FAILURE = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wishbot", description="Wishbot: short wishes polls in Slack."
    )
    parser.add_argument("--version", action="version", version=f"wishbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (the default)")
    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser("check", help="check configuration, database and the Slack token")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings(read_environment(), require_slack=command != "migrate")
    except ConfigError as error:
        print(f"wishbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(
        settings.log_level,
        settings.log_format,
        [settings.bot_token.reveal(), settings.signing_secret.reveal()]
        + ([settings.app_token.reveal()] if settings.app_token else []),
    )
    runners = {"run": run, "migrate": run_migrate, "check": run_check}
    try:
        return asyncio.run(runners[command](settings))
    except (MigrationError, OSError) as error:
        print(f"wishbot: {error}", file=sys.stderr)
        return EXIT_FAILURE


async def run(settings: Settings) -> int:
    from bot.app import StartupError, serve, start, stop

    stop_event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop_event.set)
    try:
        bot = await start(settings)
    except StartupError as error:
        print(f"wishbot: {error}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        await serve(bot, stop_event)
    finally:
        await stop(bot)
    return 0


async def run_migrate(settings: Settings) -> int:
    db = await Database.open(settings.db_path)
    try:
        applied = await migrate(db)
    finally:
        await db.close()
    print(f"database {settings.db_path}: {len(applied)} migration(s) applied, schema up to date")
    return 0


async def run_check(settings: Settings) -> int:
    from bot.app import build_client

    db = await Database.open(settings.db_path)
    try:
        pending = await pending_migrations(db)
    finally:
        await db.close()
    if pending:
        print(f"wishbot: database {settings.db_path} needs migrating: run 'wishbot migrate'")
        return EXIT_FAILURE
    try:
        identity = await SlackGateway(build_client(settings)).auth_test()
    except SlackCallFailed as error:
        print(f"wishbot: Slack refused SLACK_BOT_TOKEN ({error.error}): check the token in .env")
        return EXIT_FAILURE
    mode = "Socket Mode" if settings.socket_mode else f"HTTP on port {settings.port}"
    print(f"configuration ok ({mode}); database {settings.db_path} ok")
    print(
        f"bot user @{identity.user_name} ({identity.user_id})"
        f" in workspace {identity.team_name} ({identity.team_id})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
