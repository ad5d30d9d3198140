"""The many-workspace world of issue #14: a SlackCloud of workspaces (each its own SlackEmulator
with its own rate limiter, Slack's limits on), each with an organiser and a channel of people;
the bot as a distributed app (`wishbot run` with the app's client id and secret, one or several
replicas), installed in every workspace through its own "Add to Slack" flow over HTTP."""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.harness import COMMAND, REPO_ROOT, SIGNING_SECRET, Sizes, query_database
from bench.processes import Served, free_port, launch
from bot.storage.sealing import generate_key
from slack_emulator import RecordedCall, SlackClientDriver, SlackCloud, SlackEmulator
from tests.pg_server import ThrowawayPostgres

CLIENT_ID = "2222222222.3333333333"
CLIENT_SECRET = "bench-cloud-client-secret-0123456789"
STATE_COOKIE = "slack-app-oauth-state"  # Bolt's: ties the redirect to the browser that began


@dataclass
class Tenant:
    """One workspace of the cloud: its people, its channel, its poll and where its calls begin."""

    emu: SlackEmulator
    organiser: str
    channel: str
    people: list[str]
    driver: SlackClientDriver
    poll_id: int = 0
    first_call: int = 0
    throttled_before: int = 0

    @property
    def team_id(self) -> str:
        return self.emu.team_id

    def reminders(self) -> list[RecordedCall]:
        """The round's reminders Slack accepted in this workspace (since first_call)."""
        found = []
        for call in self.emu.calls[self.first_call :]:
            if call.method != "chat.postMessage" or not call.ok:
                continue
            payload = (call.args.get("metadata") or {}).get("event_payload") or {}
            if payload.get("poll") == self.poll_id and "round" in payload:
                found.append(call)
        return found

    def recipients(self, sent: list[RecordedCall]) -> dict[str, int]:
        """How many reminders each person got (a DM channel counts as its person)."""
        user_of = {dm: user for user, dm in self.emu.workspace.dm_by_user.items()}
        counts: dict[str, int] = {}
        for call in sent:
            channel = str(call.args.get("channel") or call.response.get("channel"))
            user = user_of.get(channel, channel)
            counts[user] = counts.get(user, 0) + 1
        return counts


@dataclass
class CloudWorld:
    cloud: SlackCloud
    tenants: list[Tenant]
    replicas: list[Served]
    workdir: Path
    sizes: Sizes
    postgres: ThrowawayPostgres | None = None
    db_url: str | None = None
    _tmp: Any = field(default=None, repr=False)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return query_database(self.workdir / "wishbot.sqlite3", self.db_url, sql, params)

    def base_url(self, served: Served) -> str:
        return f"http://127.0.0.1:{served.port}"

    def memory_kb(self) -> list[dict[str, int]]:
        return [served.memory_kb() for served in self.replicas]

    async def close(self) -> None:
        for tenant in self.tenants:
            await tenant.driver.close()
        for served in self.replicas:
            served.stop()
        if self.postgres is not None:
            self.postgres.remove()
        await self.cloud.stop()
        logs = REPO_ROOT / "bench" / "results"
        logs.mkdir(exist_ok=True)
        for served in self.replicas:
            shutil.copyfile(served.log_path, logs / f"last-workspaces-{served.name}.log")
        if self._tmp is not None:
            self._tmp.cleanup()


def make_cloud(sizes: Sizes) -> tuple[SlackCloud, list[tuple[SlackEmulator, str, str, list[str]]]]:
    """The cloud and its workspaces (ids unique across workspaces, as Slack's are)."""
    cloud = SlackCloud(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, signing_secret=SIGNING_SECRET
    )
    made = []
    for index in range(1, sizes.workspaces + 1):
        tag = f"{index:03d}"
        emu = cloud.add_workspace(
            f"T{tag}BENCH", team_domain=f"bench{tag}", bot_user_id=f"U{tag}BOT"
        )
        organiser = f"U{tag}ORG"
        channel = f"C{tag}ROUND"
        emu.add_user(
            organiser, f"organiser{tag}", real_name="Olivia Organiser", tz="Europe/Helsinki"
        )
        people = emu.populate(sizes.workspace_people, channel, id_prefix=f"U{tag}P")
        emu.add_member(channel, organiser)
        made.append((emu, organiser, channel, people))
    return cloud, made


def bot_environment(cloud: SlackCloud, workdir: Path, redirect_uri: str) -> dict[str, str]:
    """A distributed app: the app's credentials and no bot token (each install brings one)."""
    return {
        "SLACK_BOT_TOKEN": "",
        "SLACK_APP_TOKEN": "",
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_REDIRECT_URI": redirect_uri,
        "SLACK_AUTHORIZE_URL": cloud.authorize_url,
        "WISHBOT_SECRET_KEY": generate_key(),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": cloud.api_url,
        "WISHBOT_DB": str(workdir / "wishbot.sqlite3"),
        "WISHBOT_COMMAND": COMMAND,
        "WISHBOT_QUIET_HOURS": "off",
        "LOG_LEVEL": os.environ.get("BENCH_BOT_LOG_LEVEL", "WARNING"),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO_ROOT), os.environ.get("BENCH_EXTRA_PATH")])
        ),
    }


async def build_cloud_world(sizes: Sizes) -> CloudWorld:
    """The cloud, then the database and the replicas (the first one's URL is the redirect)."""
    tmp = tempfile.TemporaryDirectory(prefix="wishbot-bench-ws-")
    workdir = Path(tmp.name)
    cloud, made = make_cloud(sizes)
    await cloud.start()
    first_port = free_port()
    redirect_uri = f"http://127.0.0.1:{first_port}/slack/oauth_redirect"
    cloud.redirect_urls = (redirect_uri,)
    env = bot_environment(cloud, workdir, redirect_uri)
    postgres = None
    if sizes.backend == "postgresql":
        postgres = ThrowawayPostgres()
        postgres.start()
        env["WISHBOT_DB"] = await postgres.new_database(migrated=False)
    replicas = []
    for index in range(sizes.replicas):
        name = f"bot-{index + 1}"
        port = first_port if index == 0 else None
        replicas.append(await launch(name, "bot", env, workdir, port=port))
    urls = [served.url for served in replicas]
    tenants = [
        Tenant(emu, organiser, channel, people, emu.driver("http", replicas=urls, ack_timeout=10))
        for emu, organiser, channel, people in made
    ]
    db_url = env["WISHBOT_DB"] if postgres is not None else None
    return CloudWorld(cloud, tenants, replicas, workdir, sizes, postgres, db_url, tmp)


async def install(world: CloudWorld, tenant: Tenant, browser: aiohttp.ClientSession) -> None:
    """What a person's browser does: open the bot's install page, follow Add to Slack, allow
    it in Slack, come back to the bot with the state cookie the page set (Bolt marks it Secure,
    which plain http on 127.0.0.1 stands in for, so it is sent by hand)."""
    base = world.base_url(world.replicas[0])
    async with browser.get(f"{base}/slack/install") as response:
        page = await response.text()
        if response.status != 200:
            raise RuntimeError(f"install page: HTTP {response.status}: {page[:300]}")
        state = response.cookies[STATE_COOKIE].value
    found = re.search(r'href="([^"]*oauth/v2/authorize[^"]*)"', page)
    if found is None:
        raise RuntimeError(f"no Add to Slack link on the install page: {page[:300]}")
    redirect = await world.cloud.approve(
        html.unescape(found.group(1)), team_id=tenant.team_id, user_id=tenant.organiser
    )
    cookie = {"Cookie": f"{STATE_COOKIE}={state}"}
    async with browser.get(redirect, headers=cookie, allow_redirects=False) as response:
        if response.status != 200:
            raise RuntimeError(f"redirect: HTTP {response.status}: {(await response.text())[:300]}")


async def install_everywhere(world: CloudWorld) -> float:
    """Install the app in every workspace, one after another; the seconds it took."""
    started = time.perf_counter()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browser:
        for tenant in world.tenants:
            await install(world, tenant, browser)
    stored = world.query("SELECT COUNT(*) FROM installations")[0][0]
    if stored != len(world.tenants):
        raise RuntimeError(f"{stored} installations stored for {len(world.tenants)} workspaces")
    return time.perf_counter() - started
