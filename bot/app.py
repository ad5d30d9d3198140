"""Wiring: storage, Slack client, services, scheduler and the Bolt app, started and stopped."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.domain.schedule import Clock, SystemClock
from bot.metrics import Metrics
from bot.scheduler.jobs import PollScheduler
from bot.scheduler.retention import RetentionJob
from bot.services.context import Context
from bot.services.people import PeopleDirectory
from bot.services.refresher import PollMessageRefresher
from bot.services.registry import Services
from bot.slack import listeners
from bot.slack.gateway import BotIdentity, SlackCallFailed, SlackGateway
from bot.slack.socket_mode import InstrumentedSocketModeHandler
from bot.storage.database import Database
from bot.storage.lock import DatabaseInUse, DatabaseLock
from bot.storage.migrations import migrate
from bot.storage.repository import Repository
from bot.storage.retention import RetentionStore
from bot.web import web_application

logger = logging.getLogger(__name__)

SLACK_TIMEOUT_SECONDS = 10
SHUTDOWN_GRACE_SECONDS = 10


class StartupError(Exception):
    """The bot cannot start; str() is the one line to show."""


@dataclass
class Wishbot:
    """A running bot: everything start() built, for serving and for stop()."""

    settings: Settings
    db: Database
    identity: BotIdentity
    services: Services
    scheduler: PollScheduler
    app: AsyncApp
    lock: DatabaseLock
    retention: RetentionJob | None
    metrics: Metrics

    @property
    def repo(self) -> Repository:
        return self.services.ctx.repo


def build_client(settings: Settings) -> AsyncWebClient:
    return AsyncWebClient(
        token=settings.bot_token.reveal(),
        base_url=settings.api_url,
        timeout=SLACK_TIMEOUT_SECONDS,
    )


async def start(settings: Settings, *, clock: Clock | None = None) -> Wishbot:
    """Lock, open and migrate the database, check the token, start the scheduler; ready."""
    try:
        lock = DatabaseLock.acquire(settings.db_path)
    except DatabaseInUse as error:
        raise StartupError(f"{error}: one bot per database") from None
    try:
        db = await Database.open(settings.db_path)
    except BaseException:
        lock.release()
        raise
    try:
        await migrate(db)
        client = build_client(settings)
        metrics = Metrics()
        gateway = SlackGateway(client, observe=metrics.observe_slack_call)
        try:
            identity = await gateway.auth_test()
        except SlackCallFailed as error:
            raise StartupError(
                f"Slack refused SLACK_BOT_TOKEN ({error.error}): check the token in .env"
            ) from None
        repo = Repository(db)
        clock = clock or SystemClock()
        people = PeopleDirectory(repo, gateway, clock, settings.language)
        ctx = Context(
            repo=repo,
            gateway=gateway,
            people=people,
            clock=clock,
            bot_user_id=identity.user_id,
            default_language=settings.language,
            quiet_hours=settings.quiet_hours,
            on_reminder_sent=metrics.reminder_sent,
        )
        services = Services.build(ctx)
        ctx.refresher = PollMessageRefresher(services.polls.refresh_message)
        scheduler = PollScheduler(ctx, services.polls, services.closing, services.reminders)
        ctx.scheduling = scheduler
        metrics.watch_scheduler(lambda: scheduler.pending_jobs)
        app = AsyncApp(
            client=client,
            signing_secret=settings.signing_secret.reveal() or None,
            request_verification_enabled=not settings.socket_mode,
        )
        listeners.register(app, services, settings.command)
        _register_error_handler(app)
        await scheduler.start()
        retention = None
        if settings.retention_days is not None:
            retention = RetentionJob(RetentionStore(db), clock, settings.retention_days)
            retention.install(scheduler.scheduler)
        ctx.spawn(_warm_directory(people), "people-directory")
    except BaseException:
        await db.close()
        lock.release()
        raise
    return Wishbot(settings, db, identity, services, scheduler, app, lock, retention, metrics)


async def _warm_directory(people: PeopleDirectory) -> None:
    try:
        await people.refresh()
    except SlackCallFailed as error:
        logger.warning("could not load the people directory: %s", error.error)


def _register_error_handler(app: AsyncApp) -> None:
    async def handle_unexpected_error(error: Exception, body: dict[str, Any]) -> None:
        logger.error(
            "unhandled error in a %s request", body.get("type") or "command", exc_info=error
        )

    app.error(handle_unexpected_error)


async def stop(bot: Wishbot) -> None:
    """Finish what is in flight, stop the scheduler, close the database."""
    bot.scheduler.shutdown()
    try:
        await asyncio.wait_for(bot.services.ctx.drain(), SHUTDOWN_GRACE_SECONDS)
    except TimeoutError:
        logger.warning("background work did not finish within %d s", SHUTDOWN_GRACE_SECONDS)
    await bot.db.close()
    bot.lock.release()
    logger.info("stopped")


def http_application(bot: Wishbot) -> web.Application:
    """GET /healthz and GET /metrics; POST /slack/events for everything Slack sends, unless
    Slack comes in by Socket Mode."""
    bolt = None if bot.settings.socket_mode else bot.app
    return web_application(bot.repo, bot.metrics, bolt)


async def serve(bot: Wishbot, stop_event: asyncio.Event) -> None:
    """Serve until stop_event is set: HTTP on PORT (health and metrics in both modes), and
    Socket Mode when an app token is set."""
    runner = web.AppRunner(http_application(bot), shutdown_timeout=SHUTDOWN_GRACE_SECONDS)
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", bot.settings.port).start()
    handler = None
    try:
        if bot.settings.app_token is not None:
            handler = InstrumentedSocketModeHandler(
                bot.app, bot.settings.app_token.reveal(), bot.metrics
            )
            await handler.connect_async()  # type: ignore[no-untyped-call]
            logger.info(
                "connected in Socket Mode as %s; health and metrics on port %d",
                bot.identity.user_name,
                bot.settings.port,
            )
        else:
            logger.info("listening on port %d as %s", bot.settings.port, bot.identity.user_name)
        await stop_event.wait()
    finally:
        if handler is not None:
            await handler.close_async()  # type: ignore[no-untyped-call]
        await runner.cleanup()
