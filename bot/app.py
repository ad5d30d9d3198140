"""The composition root: every object built once, in dependency order, collaborators passed in;
started and stopped."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import SystemClock
from bot.config import Settings
from bot.metrics import Metrics
from bot.scheduler.retention import RetentionJob
from bot.scheduler.runner import JobRunner
from bot.services import jobs
from bot.services.answering import Answering
from bot.services.audience import AudienceResolver
from bot.services.background import BackgroundWork
from bot.services.closing import Closing
from bot.services.creating import PollCreation
from bot.services.departures import Departures
from bot.services.follow_ups import FollowUps
from bot.services.home import HOME, HomeTab
from bot.services.home_actions import HomeActions
from bot.services.jobs import JobQueue, JobWork
from bot.services.messages import PollMessages
from bot.services.organising import Organising
from bot.services.origins import FollowUpLinks
from bot.services.outcome_dms import OutcomeDMs
from bot.services.outcomes import Outcomes
from bot.services.people import PeopleDirectory
from bot.services.polls import PollLookup
from bot.services.ports import Clock, SlackError, StoreUnavailable
from bot.services.ports.workspaces import BotUser, WorkspaceKey, in_workspace
from bot.services.refresher import PollMessageRefresher
from bot.services.reminders import Reminders
from bot.services.scheduling import PollSchedule
from bot.services.series import RecurringPolls, SeriesComparisons
from bot.services.suggesting import Suggesting
from bot.services.workflow_steps import WorkflowSteps
from bot.services.workspace_facts import WorkspaceFacts
from bot.slack import listeners
from bot.slack.gateway import BotIdentity, SlackGateway
from bot.slack.installed import InstalledWorkspaces, WorkspaceAuthorize
from bot.slack.oauth import Installed, oauth_settings
from bot.slack.presenter import SlackPresenter
from bot.slack.replies import ResponseUrls
from bot.slack.socket_mode import InstrumentedSocketModeHandler
from bot.slack.web_api import WebApi, build_client
from bot.storage.backend import open_configured
from bot.storage.installations import InstallationTable
from bot.storage.lock import DatabaseInUse, DatabaseLock
from bot.storage.migrations import migrate
from bot.storage.repository import Repository
from bot.storage.retention import RetentionStore
from bot.storage.sealing import Sealer
from bot.storage.sql import SqlDatabase
from bot.web import web_application

logger = logging.getLogger(__name__)

SLACK_TIMEOUT_SECONDS = 10
# Connections kept open to Slack at most (reminders go out 8 at a time, creations 2 at a time).
SLACK_CONNECTIONS = 32
SHUTDOWN_GRACE_SECONDS = 10


class StartupError(Exception):
    """The bot cannot start; str() is the one line to show."""


@dataclass
class Wishbot:
    """A running bot: everything start() built, for serving and for stop()."""

    settings: Settings
    db: SqlDatabase
    lock: DatabaseLock | None  # SQLite's: one bot per file
    identity: BotIdentity
    clock: Clock
    repo: Repository
    work: BackgroundWork
    runner: JobRunner
    retention: RetentionJob | None
    metrics: Metrics
    app: AsyncApp
    warm: asyncio.Event
    session: aiohttp.ClientSession
    # With many workspaces: their tokens (None with one workspace's token).
    installed: InstalledWorkspaces | None = None

    async def settle(self) -> None:
        """Wait until no work is in flight or due now: what the acks started, and every job whose
        time has come (tests, and a graceful stop)."""
        while True:
            await self.work.drain()
            if await self.runner.idle():
                await self.work.drain()
                if await self.runner.idle():
                    return
            await asyncio.sleep(0.01)


def runner_name() -> str:
    """Who claims jobs: unique per process, readable in the database."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


async def start(settings: Settings, *, clock: Clock | None = None) -> Wishbot:
    """Open and migrate the database (locking a SQLite file to this process), check the token,
    build and start; ready."""
    lock = None
    if settings.db_url is None:
        try:
            lock = DatabaseLock.acquire(settings.db_path)
        except DatabaseInUse as error:
            raise StartupError(
                f"{error}: one bot per SQLite file (use PostgreSQL for several)"
            ) from None
    try:
        db = await _open_database(settings)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    try:
        await migrate(db)
        return await _build(settings, db, lock, clock or SystemClock())
    except BaseException:
        await db.close()
        if lock is not None:
            lock.release()
        raise


async def _open_database(settings: Settings) -> SqlDatabase:
    try:
        return await open_configured(settings)
    except StoreUnavailable as error:
        raise StartupError(f"the database is unavailable: {error}") from None


async def _build(
    settings: Settings, db: SqlDatabase, lock: DatabaseLock | None, clock: Clock
) -> Wishbot:
    metrics = Metrics()
    # One HTTP session for every call to Slack: its connections are kept and reused.
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=SLACK_CONNECTIONS))
    try:
        return await _build_with(settings, db, lock, clock, metrics, session)
    except BaseException:
        await session.close()
        raise


async def _build_with(
    settings: Settings,
    db: SqlDatabase,
    lock: DatabaseLock | None,
    clock: Clock,
    metrics: Metrics,
    session: aiohttp.ClientSession,
) -> Wishbot:
    slack = await _connect_slack(settings, db, clock, metrics, session)
    gateway, identity = slack.gateway, slack.identity
    repo = Repository(db)
    work = BackgroundWork()
    queue = JobQueue(repo, clock, runner_name(), lease=settings.job_lease)
    presenter = SlackPresenter(settings.command)
    people = PeopleDirectory(repo, gateway, clock, settings.language)
    lookup = PollLookup(repo, repo, clock, settings.quiet_hours)
    origins = FollowUpLinks(repo, gateway)
    home = HomeTab(repo, repo, repo, gateway, presenter, people, origins, queue, clock, work)
    schedule = PollSchedule(repo, repo, queue, clock, changed=home.poll_changed)
    messages = PollMessages(repo, gateway, presenter, people, origins)
    # Several replicas share one database: they take turns on each message through it.
    claims = repo if settings.backend == "postgresql" else None
    refresher = PollMessageRefresher(messages.refresh, clock, work, claims=claims)
    answering = Answering(
        repo,
        repo,
        lookup,
        people,
        clock,
        refresher.mark,
        bot_user=slack.bot_user,
        answered=home.answered,
    )
    suggesting = Suggesting(repo, lookup, refresher.mark)
    facts = WorkspaceFacts(gateway, clock)
    audience = AudienceResolver(gateway, people, facts, slack.bot_user)
    creation = PollCreation(
        repo, gateway, people, audience, facts, messages, schedule, queue, clock
    )
    comparisons = SeriesComparisons(repo, lookup, origins)
    closing = Closing(
        repo,
        gateway,
        presenter,
        lookup,
        schedule,
        queue,
        clock,
        origins,
        comparisons,
        close_failed=home.close_failed,
    )
    follow_ups = FollowUps(repo, gateway, presenter, lookup, creation, queue, clock)
    recurring = RecurringPolls(
        repo,
        creation,
        people,
        queue,
        clock,
        messages,
        presenter,
        organiser_changed=home.person_changed,
    )
    reminders = Reminders(
        repo,
        repo,
        gateway,
        presenter,
        people,
        lookup,
        schedule,
        clock,
        quiet_hours=settings.quiet_hours,
        on_sent=metrics.reminder_sent,
    )
    organising = Organising(repo, repo, gateway, people, lookup, messages, schedule, clock)
    outcome_dms = OutcomeDMs(repo, gateway, presenter, people, clock)
    outcomes = Outcomes(repo, repo, gateway, presenter, lookup, queue, clock, outcome_dms)
    retention = None
    if settings.retention_days is not None:
        retention = RetentionJob(
            RetentionStore(db), queue, clock, settings.retention_days, workspaces=repo
        )
    handlers: dict[str, JobWork] = {
        jobs.CLOSE: closing.run_close_job,
        jobs.ROUND: reminders.run_round_job,
        jobs.DELIVER: reminders.run_delivery_job,
        jobs.INVITE: messages.run_invitation_job,
        jobs.OUTCOME: outcomes.run_job,
        jobs.LINK: follow_ups.run_link_job,
        jobs.SERIES: recurring.run_job,
        HOME: home.run_job,
    }
    if retention is not None:
        handlers[jobs.RETENTION] = retention.run_job
    runner = JobRunner(queue, handlers)
    departures = None
    if slack.installations is not None and slack.installed is not None:
        departures = Departures(
            slack.installations,
            repo,
            clock,
            retention_days=settings.retention_days,
            forget_tokens=slack.installed.forget,
        )
    welcome = _Welcome(people, audience, schedule, departures, work)
    app = _bolt_app(settings, slack, clock, welcome.arrived)
    uses = listeners.UseCases(
        creation=creation,
        organising=organising,
        answering=answering,
        suggesting=suggesting,
        closing=closing,
        follow_ups=follow_ups,
        series=recurring,
        reminders=reminders,
        outcomes=outcomes,
        home=home,
        home_actions=HomeActions(home, closing, reminders, organising, recurring),
        messages=messages,
        people=people,
        lookup=lookup,
        slack=gateway,
        work=work,
        clock=clock,
        response_urls=ResponseUrls(session),
        workflow_steps=WorkflowSteps(creation, repo, gateway, people),
        departures=departures,
    )
    listeners.register(app, uses, settings.command)
    _register_error_handler(app)
    if lock is not None:
        # One bot per SQLite file: a claim left in it is a crashed run of this bot, to be taken
        # over now, not after its lease. (Replicas sharing PostgreSQL wait for the lease.)
        await repo.forget_claims()
    workspaces = await slack.workspaces()
    for workspace in workspaces:
        with in_workspace(workspace):
            await schedule.recover()
    if retention is not None:
        await retention.install()
    runner.start()
    if departures is not None:
        work.spawn(departures.purge_unfinished(), "purge-workspaces")
    warm = asyncio.Event()
    work.spawn(welcome.warm_all(workspaces, warm), "warm-up")
    return Wishbot(
        settings,
        db,
        lock,
        identity,
        clock,
        repo,
        work,
        runner,
        retention,
        metrics,
        app,
        warm,
        session,
        slack.installed,
    )


@dataclass
class _SlackAccess:
    """How the bot reaches Slack: one workspace's token, or the installed workspaces' tokens."""

    gateway: SlackGateway
    identity: BotIdentity
    client: AsyncWebClient  # Bolt's (with many workspaces: without a token, for OAuth)
    bot_user: BotUser
    installations: InstallationTable | None = None
    installed: InstalledWorkspaces | None = None

    async def workspaces(self) -> list[WorkspaceKey | None]:
        """The workspaces served: None alone for one workspace's token, else every install."""
        if self.installations is None:
            return [None]
        return [record.key for record in await self.installations.installations()]


async def _connect_slack(
    settings: Settings,
    db: SqlDatabase,
    clock: Clock,
    metrics: Metrics,
    session: aiohttp.ClientSession,
) -> _SlackAccess:
    def client_for(token: str | None) -> AsyncWebClient:
        return build_client(token, settings.api_url, SLACK_TIMEOUT_SECONDS, session)

    if settings.oauth is None:
        client = client_for(settings.bot_token.reveal())
        gateway = SlackGateway(WebApi(client, clock, observe=metrics.observe_slack_call))
        try:
            identity = await gateway.auth_test()
        except SlackError as error:
            raise StartupError(
                f"Slack refused SLACK_BOT_TOKEN ({error.code}): check the token in .env"
            ) from None

        async def bot_user() -> str:
            return identity.user_id

        return _SlackAccess(gateway, identity, client, bot_user)
    assert settings.secret_key is not None  # load_settings requires it with many workspaces
    sealer = Sealer.from_setting(settings.secret_key.reveal())
    installations = InstallationTable(db, sealer, clock=clock)
    oauth_client = client_for(None)  # oauth.v2.access authenticates with the app's secret
    installed = InstalledWorkspaces(installations, oauth_client, settings.oauth, clock, client_for)
    gateway = SlackGateway(WebApi(installed, clock, observe=metrics.observe_slack_call))
    identity = BotIdentity("", "wishbot (many workspaces)", "", "", None)
    return _SlackAccess(
        gateway, identity, oauth_client, installed.bot_user_id, installations, installed
    )


def _bolt_app(
    settings: Settings, slack: _SlackAccess, clock: Clock, installed: Installed
) -> AsyncApp:
    common: dict[str, Any] = {
        "client": slack.client,
        "signing_secret": settings.signing_secret.reveal() or None,
        "request_verification_enabled": not settings.socket_mode,
        # Bolt answers Slack when a listener returns; the listeners' guard returns at their ack
        # and lets the rest run on (bot.slack.replies.guarded).
        "process_before_response": True,
    }
    if settings.oauth is None or slack.installations is None or slack.installed is None:
        return AsyncApp(**common)
    return AsyncApp(
        **common,
        oauth_settings=oauth_settings(settings.oauth, slack.installations, clock, installed),
        # Bolt takes an AsyncAuthorize as it is (its hint names only a plain function).
        authorize=WorkspaceAuthorize(slack.installed),  # type: ignore[arg-type]
    )


@dataclass
class _Welcome:
    """Learning a workspace's people and user groups, at start and when it is installed, so that
    requests need not wait for them."""

    people: PeopleDirectory
    audience: AudienceResolver
    schedule: PollSchedule
    departures: Departures | None
    work: BackgroundWork

    async def warm_all(self, workspaces: list[WorkspaceKey | None], warm: asyncio.Event) -> None:
        for workspace in workspaces:
            with in_workspace(workspace):
                await self._warm(workspace)
        warm.set()

    async def arrived(self, workspace: WorkspaceKey) -> None:
        """Installed (again): its planned purge is off; its polls (if any were kept) go on."""
        if self.departures is not None:
            await self.departures.arrived(workspace)
        with in_workspace(workspace):
            await self.schedule.recover()
            self.work.spawn(self._warm(workspace), f"warm-up:{workspace}")

    async def _warm(self, workspace: WorkspaceKey | None) -> None:
        try:
            await self.people.refresh()
        except SlackError as error:
            logger.warning(
                "could not load the people directory of %s: %s", workspace or "Slack", error.code
            )
        await self.audience.warm()


def _register_error_handler(app: AsyncApp) -> None:
    async def handle_unexpected_error(error: Exception, body: dict[str, Any]) -> None:
        logger.error(
            "unhandled error in a %s request", body.get("type") or "command", exc_info=error
        )

    app.error(handle_unexpected_error)


async def stop(bot: Wishbot) -> None:
    """Finish what is in flight (jobs running, work after acks), then close the database."""
    try:
        await asyncio.wait_for(_finish(bot), SHUTDOWN_GRACE_SECONDS)
    except TimeoutError:
        logger.warning("work in flight did not finish within %d s", SHUTDOWN_GRACE_SECONDS)
    await bot.session.close()
    await bot.db.close()
    if bot.lock is not None:
        bot.lock.release()
    logger.info("stopped")


async def _finish(bot: Wishbot) -> None:
    await bot.runner.stop()
    await bot.work.drain()


def http_application(bot: Wishbot) -> web.Application:
    """GET /healthz and GET /metrics; POST /slack/events for everything Slack sends, unless
    Slack comes in by Socket Mode; the install pages with many workspaces."""
    bolt = None if bot.settings.socket_mode else bot.app
    return web_application(bot.repo, bot.metrics, bolt, bot.warm.is_set, bot.app.oauth_flow)


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
            await handler.connect_async()  # type: ignore[no-untyped-call]  # Bolt leaves it untyped
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
            await handler.close_async()  # type: ignore[no-untyped-call]  # Bolt leaves it untyped
        await runner.cleanup()
