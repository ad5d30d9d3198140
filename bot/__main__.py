"""The wishbot command line: run (the default), migrate, keygen, check, backup, restore, purge."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bot import __version__, cli
from bot.config import ConfigError, Settings, load_settings, read_environment
from bot.logs import configure_logging
from bot.services.ports import StoreUnavailable
from bot.storage.backend import describe, open_configured
from bot.storage.migrations import MigrationError, migrate, pending_migrations
from bot.storage.sql import SqlDatabase

EXIT_USAGE = 2
EXIT_FAILURE = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wishbot", description="Wishbot: short wishes polls in Slack."
    )
    parser.add_argument("--version", action="version", version=f"wishbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot (the default)")
    run.add_argument(
        "--or-playground",
        action="store_true",
        help="with no Slack app configured at all, start the playground instead (make run)",
    )
    playground = commands.add_parser(
        "playground", help="try the bot without Slack: a local page with a stand-in Slack"
    )
    playground.add_argument(
        "--port", type=int, default=None, help="the page's port (WISHBOT_PLAYGROUND_PORT, 3000)"
    )
    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser(
        "keygen", help="print a new WISHBOT_SECRET_KEY (seals the workspaces' tokens at rest)"
    )
    commands.add_parser("check", help="check configuration, database and the Slack token")
    backup = commands.add_parser(
        "backup", help="write a consistent copy of the database to FILE, also while the bot runs"
    )
    backup.add_argument("file", type=Path, help="the backup file (its folder must exist)")
    restore = commands.add_parser(
        "restore", help="replace the database with a checked backup (stop the bot first)"
    )
    restore.add_argument("file", type=Path, help="a file written by 'wishbot backup'")
    purge = commands.add_parser(
        "purge", help="delete polls closed more than WISHBOT_RETENTION_DAYS ago"
    )
    purge.add_argument("--dry-run", action="store_true", help="only list what would be deleted")
    return parser


# Commands that touch only the database: no Slack token needed.
DATABASE_COMMANDS = ("migrate", "backup", "restore", "purge")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    environ = read_environment()
    if command == "playground":
        return start_playground(environ, args.port)
    if command == "keygen":
        return cli.run_keygen()
    try:
        settings = load_settings(environ, require_slack=command not in DATABASE_COMMANDS)
    except ConfigError as error:
        if getattr(args, "or_playground", False):
            return start_playground(environ, None, instead_of=error)
        print(f"wishbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.log_level, settings.log_format, settings.secrets())
    runners: dict[str, Callable[[], Coroutine[Any, Any, int]]] = {
        "run": lambda: run(settings),
        "migrate": lambda: run_migrate(settings),
        "check": lambda: run_check(settings),
        "backup": lambda: cli.run_backup(settings, args.file),
        "restore": lambda: cli.run_restore(settings, args.file),
        "purge": lambda: cli.run_purge(settings, dry_run=args.dry_run),
    }
    try:
        return asyncio.run(runners[command]())
    except (MigrationError, StoreUnavailable, OSError) as error:
        print(f"wishbot: {error}", file=sys.stderr)
        return EXIT_FAILURE


def start_playground(
    environ: dict[str, str], port: int | None, *, instead_of: ConfigError | None = None
) -> int:
    """The playground; instead_of: `run --or-playground` found no Slack configuration, which
    is fine only when none was begun (else the configuration error stands)."""
    from bot.playground import launch

    if instead_of is not None and launch.slack_configured(environ):
        print(f"wishbot: {instead_of}", file=sys.stderr)
        return EXIT_USAGE
    try:
        port = launch.playground_port(environ, port)
    except ValueError as error:
        print(f"wishbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    if instead_of is None:
        return launch.run_playground(port)
    return launch.run_playground(
        port,
        announce=lambda url: (
            f"wishbot: no Slack app configured, so here is the playground: {url}"
            " (to connect a real Slack: cp .env.example .env, fill it in, see README)"
        ),
    )


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
    db = await open_configured(settings)
    try:
        applied = await migrate(db)
    finally:
        await db.close()
    print(f"database {db.location}: {len(applied)} migration(s) applied, schema up to date")
    return 0


async def run_check(settings: Settings) -> int:
    # Imported here: the Slack client's import costs more than every other command needs.
    from bot.app import SLACK_TIMEOUT_SECONDS
    from bot.clock import SystemClock
    from bot.services.ports import SlackError
    from bot.slack.gateway import SlackGateway
    from bot.slack.web_api import WebApi, build_client

    db = await open_configured(settings)
    try:
        pending = await pending_migrations(db)
        backend = await describe(db)
        if settings.oauth is not None and not pending:
            return await _check_installations(settings, db, backend)
    finally:
        await db.close()
    if pending:
        print(f"wishbot: database {db.location} needs migrating: run 'wishbot migrate'")
        return EXIT_FAILURE
    try:
        client = build_client(settings.bot_token.reveal(), settings.api_url, SLACK_TIMEOUT_SECONDS)
        identity = await SlackGateway(WebApi(client, SystemClock())).auth_test()
    except SlackError as error:
        print(f"wishbot: Slack refused SLACK_BOT_TOKEN ({error.code}): check the token in .env")
        return EXIT_FAILURE
    mode = "Socket Mode" if settings.socket_mode else f"HTTP on port {settings.port}"
    print(f"configuration ok ({mode}); database ok: {backend}")
    print(
        f"bot user @{identity.user_name} ({identity.user_id})"
        f" in workspace {identity.team_name} ({identity.team_id})"
    )
    return 0


async def _check_installations(settings: Settings, db: SqlDatabase, backend: str) -> int:
    """Many workspaces: every installation opens with WISHBOT_SECRET_KEY."""
    from bot.storage.installations import InstallationTable
    from bot.storage.sealing import SealBroken, Sealer

    assert settings.secret_key is not None  # load_settings requires it with many workspaces
    table = InstallationTable(db, Sealer.from_setting(settings.secret_key.reveal()))
    try:
        installed = await table.installations()
    except SealBroken as error:
        print(f"wishbot: {error}")
        return EXIT_FAILURE
    print(
        f"configuration ok (many workspaces, HTTP on port {settings.port}); database ok: {backend}"
    )
    print(f"installed in {len(installed)} workspace(s); tokens sealed with WISHBOT_SECRET_KEY")
    return 0


if __name__ == "__main__":
    sys.exit(main())
