"""Fixtures for many workspaces from one install: an emulated Slack hosting two workspaces (and
the OAuth side), the bot configured as a distributed app, and a browser that installs it."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.app import Wishbot, http_application, start, stop
from bot.clock import ShiftableClock
from bot.config import OAuthApp, Secret
from bot.domain.model import Poll
from bot.storage.sealing import generate_key
from slack_emulator import SlackClientDriver, SlackCloud, SlackEmulator
from tests.e2e.conftest import SIGNING_SECRET, make_settings
from tests.processes import free_port

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "cloud-client-secret-0123456789"


@dataclass(frozen=True)
class Team:
    """One emulated workspace's people: an organiser, three people, one channel."""

    team_id: str
    bot_user_id: str
    organiser: str
    people: tuple[str, ...]
    channel: str


ALPHA = Team("T0ALPHA", "UBOTALPHA", "UA0OLGA", ("UA0AKU", "UA0BEA", "UA0CID"), "CA0GENERAL")
BETA = Team("T0BETA", "UBOTBETA", "UB0OTTO", ("UB0ADA", "UB0BOB", "UB0CAI"), "CB0GENERAL")
TEAMS = (ALPHA, BETA)


def populate(workspace: SlackEmulator, team: Team) -> None:
    workspace.add_user(team.organiser, team.organiser[3:].lower(), tz="Europe/Helsinki")
    for user_id in team.people:
        workspace.add_user(user_id, user_id[3:].lower(), tz="Europe/Helsinki")
    workspace.add_channel(team.channel, "general", members=(team.organiser, *team.people))


@pytest.fixture
def rotation() -> bool:
    """Whether the app has token rotation on (tests that need it override this)."""
    return False


@pytest.fixture
def enterprise() -> str | None:
    """The Enterprise Grid organisation both workspaces belong to (None: two on their own)."""
    return None


@pytest.fixture
async def cloud(
    clock: ShiftableClock, rotation: bool, enterprise: str | None
) -> AsyncIterator[SlackCloud]:
    slack = SlackCloud(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        signing_secret=SIGNING_SECRET,
        token_rotation=rotation,
        clock=clock,
    )
    for team in TEAMS:
        workspace = slack.add_workspace(
            team.team_id,
            team_domain=team.team_id.lower(),
            bot_user_id=team.bot_user_id,
            enterprise_id=enterprise,
        )
        populate(workspace, team)
    await slack.start()
    try:
        yield slack
    finally:
        await slack.stop()


@dataclass
class ManyBot:
    """The bot serving many workspaces over HTTP, with a driver per workspace."""

    bot: Wishbot
    url: str
    drivers: dict[str, SlackClientDriver]

    def driver(self, team: Team) -> SlackClientDriver:
        return self.drivers[team.team_id]

    async def settle(self) -> None:
        await self.bot.settle()


ManyFactory = Callable[..., Awaitable[ManyBot]]


@pytest.fixture
def secret_key() -> str:
    return generate_key()


@pytest.fixture
async def start_many(
    cloud: SlackCloud,
    tmp_path: Path,
    clock: ShiftableClock,
    db_url: str | None,
    secret_key: str,
) -> AsyncIterator[ManyFactory]:
    """Start the bot as a distributed app (several of them are replicas on one database)."""
    cleanups: list[Callable[[], Awaitable[None]]] = []

    async def factory(**overrides: object) -> ManyBot:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        any_workspace = next(iter(cloud.workspaces.values()))
        settings = dataclasses.replace(
            make_settings(any_workspace, tmp_path / "wishbot.sqlite3", db_url=db_url),
            bot_token=Secret(""),
            api_url=cloud.api_url,
            oauth=OAuthApp(
                client_id=CLIENT_ID,
                client_secret=Secret(CLIENT_SECRET),
                redirect_uri=f"{url}/slack/oauth_redirect",
                authorize_url=cloud.authorize_url,
            ),
            secret_key=Secret(secret_key),
        )
        settings = dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]  # a test names real fields
        cloud.redirect_urls = (*cloud.redirect_urls, settings.oauth.redirect_uri)  # type: ignore[union-attr]  # set just above
        bot = await start(settings, clock=clock)
        await asyncio.wait_for(bot.warm.wait(), timeout=10)
        runner = web.AppRunner(http_application(bot))
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        drivers = {
            team_id: workspace.driver("http", request_url=f"{url}/slack/events")
            for team_id, workspace in cloud.workspaces.items()
        }

        async def close() -> None:
            for driver in drivers.values():
                await driver.close()
            await runner.cleanup()
            await stop(bot)

        cleanups.append(close)
        return ManyBot(bot, url, drivers)

    yield factory
    for cleanup in reversed(cleanups):
        await cleanup()


@dataclass(frozen=True)
class InstallVisit:
    """What a browser saw going through "Add to Slack"."""

    page: str
    authorize_url: str
    redirect: str
    final_status: int
    final_page: str


STATE_COOKIE = "slack-app-oauth-state"  # Bolt's: ties the redirect to the browser that began


async def install(
    cloud: SlackCloud,
    bot: ManyBot,
    team: Team,
    *,
    user_id: str | None = None,
    org_wide: bool = False,
) -> InstallVisit:
    """A person opens the install page, clicks Add to Slack, allows it in Slack, and comes
    back to the bot with the state cookie the page set (Bolt marks it Secure: a browser sends
    it back over https, which the test's plain http stands in for, so it is sent by hand)."""
    async with aiohttp.ClientSession() as browser:
        async with browser.get(f"{bot.url}/slack/install") as response:
            assert response.status == 200
            page = await response.text()
            state_cookie = response.cookies[STATE_COOKIE].value
        authorize_url = add_to_slack_link(page)
        redirect = await cloud.approve(
            authorize_url,
            team_id=team.team_id,
            user_id=user_id or team.organiser,
            enterprise_install=org_wide,
        )
        final_status, final_page = await back_from_slack(redirect, cookie_state=state_cookie)
    return InstallVisit(page, authorize_url, redirect, final_status, final_page)


async def back_from_slack(redirect: str, *, cookie_state: str | None) -> tuple[int, str]:
    """A browser arriving at the redirect URL, holding the state cookie given (or none)."""
    headers = {} if cookie_state is None else {"Cookie": f"{STATE_COOKIE}={cookie_state}"}
    async with (
        aiohttp.ClientSession() as browser,
        browser.get(redirect, headers=headers, allow_redirects=False) as response,
    ):
        return response.status, await response.text()


def add_to_slack_link(page: str) -> str:
    """The href of the page's Add to Slack link."""
    found = re.search(r'href="([^"]*oauth/v2/authorize[^"]*)"', page)
    assert found, f"no Add to Slack link on the page: {page[:300]}"
    return html.unescape(found.group(1))


async def create_in(
    bot: ManyBot, cloud: SlackCloud, team: Team, text: str, *, user: str | None = None
) -> Poll:
    """`/wishes <text>` in the team's channel; the poll stored for it."""
    before = {p.id for p in await bot.bot.repo.polls_with_status()}
    reply = await bot.driver(team).slash_command(
        user or team.organiser, team.channel, "/wishes", text
    )
    assert reply.status == 200
    await bot.settle()
    new = [p for p in await bot.bot.repo.polls_with_status() if p.id not in before]
    workspace = cloud.workspaces[team.team_id]
    assert len(new) == 1, f"no poll stored; shown: {workspace.ephemerals(user or team.organiser)}"
    return new[0]
