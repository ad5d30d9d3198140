"""Issue #14: many workspaces from one install, each starting a reminder round at the same moment.

The world: a SlackCloud of `sizes.workspaces` workspaces (each its own SlackEmulator with its own
rate limiter, Slack's limits on), each with an organiser and a channel of
`sizes.workspace_people` people; the bot as a distributed app (`wishbot run` with the app's
client id and secret, one or several replicas), installed in every workspace through its own
"Add to Slack" flow over HTTP. Measured: from sending every workspace's `/wishes remind` at once
until the last reminder was accepted, against the floor (the same messages posted by a bare
client), who was missed or reminded twice, the 429s met, and the replicas' memory."""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.harness import COMMAND, REPO_ROOT, SIGNING_SECRET, Sizes, query_database
from bench.processes import Served, free_port, launch
from bench.scenarios import SETTLE_TIMEOUT, until
from bot.storage.sealing import generate_key
from slack_emulator import RecordedCall, SlackClientDriver, SlackCloud, SlackEmulator
from tests.pg_server import ThrowawayPostgres

CLIENT_ID = "2222222222.3333333333"
CLIENT_SECRET = "bench-cloud-client-secret-0123456789"
STATE_COOKIE = "slack-app-oauth-state"  # Bolt's: ties the redirect to the browser that began
NEW_POLL = 'new "Round?" "Yes" "No" remind:off'
FLOOR_WORKERS = 8  # per workspace, as many as the bot's delivery workers per round
FLOOR_TIMEOUT_SECONDS = 600


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


# --- installing ---------------------------------------------------------------------------------


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


async def create_polls(world: CloudWorld) -> None:
    """`/wishes new` in every workspace's channel at once; waits until every poll is posted."""
    channels = {tenant.channel: tenant for tenant in world.tenants}
    await asyncio.gather(
        *(t.driver.slash_command(t.organiser, t.channel, COMMAND, NEW_POLL) for t in world.tenants)
    )

    def posted() -> bool:
        rows = world.query(
            "SELECT channel_id, id FROM polls WHERE status = 'open' AND message_ts IS NOT NULL"
        )
        for channel, poll_id in rows:
            if channel in channels:
                channels[channel].poll_id = int(poll_id)
        return all(tenant.poll_id for tenant in world.tenants)

    await until(posted, SETTLE_TIMEOUT, "a poll posted in every workspace")


# --- the round ----------------------------------------------------------------------------------


def optimum_seconds(emu: SlackEmulator, calls: int) -> float:
    """The fastest `calls` chat.postMessage calls can all be admitted by one workspace's rolling
    window (as bench.scenarios.optimum_seconds): a window's worth at once, then one per window.
    Zero for a round within one window's worth (200 people, 300 a minute)."""
    rule = emu.rate_limiter.method_limits["chat.postMessage"]
    return (-(-calls // rule.limit) - 1) * rule.window * emu.rate_window_scale


def steady_rate_seconds(emu: SlackEmulator, calls: int) -> float:
    """The same calls sent at the tier's rate without any burst (300 a minute: one every 0.2 s),
    first at 0: Slack's figure read as a pace rather than a window. Not a bound the emulator
    enforces; shown beside the floor because the window does not bind at this size."""
    rule = emu.rate_limiter.method_limits["chat.postMessage"]
    return (calls - 1) * rule.window * emu.rate_window_scale / rule.limit


async def start_rounds(world: CloudWorld) -> float:
    """Every workspace's `/wishes remind` sent at the same moment; when (cloud clock)."""
    for tenant in world.tenants:
        tenant.emu.reset_rate_limits()
        tenant.emu.rate_window_scale = world.sizes.workspace_window_scale
        tenant.first_call = len(tenant.emu.calls)
        tenant.throttled_before = tenant.emu.rate_limited_count
    started = world.cloud.now()
    replies = await asyncio.gather(
        *(
            t.driver.slash_command(t.organiser, t.channel, COMMAND, f"remind {t.poll_id}")
            for t in world.tenants
        )
    )
    refused = [reply.status for reply in replies if reply.status != 200]
    if refused:
        raise RuntimeError(f"/wishes remind refused: {refused}")
    return started


async def wait_for_rounds(world: CloudWorld) -> dict[str, int]:
    """Until every round is planned and nothing of them is due or sending; their statuses."""
    polls = tuple(tenant.poll_id for tenant in world.tenants)
    marks = ", ".join("?" for _ in polls)

    def statuses() -> dict[str, int]:
        rows = world.query(
            f"SELECT status, COUNT(*) FROM reminders WHERE poll_id IN ({marks}) GROUP BY status",
            polls,
        )
        return {str(status): int(count) for status, count in rows}

    def settled() -> bool:
        planned = world.query(
            f"SELECT COUNT(DISTINCT poll_id) FROM reminders WHERE poll_id IN ({marks})", polls
        )[0][0]
        found = statuses()
        return planned == len(polls) and not found.get("due") and not found.get("sending")

    await until(settled, SETTLE_TIMEOUT, "every workspace's round finished")
    return statuses()


def round_figures(world: CloudWorld, started: float) -> dict[str, Any]:
    """Duration, who was missed or reminded twice, the 429s, per-workspace spans."""
    lost = duplicates = throttled = 0
    finished: list[float] = []
    first: list[float] = []
    for tenant in world.tenants:
        sent = tenant.reminders()
        counts = tenant.recipients(sent)
        lost += len(set(tenant.people) - set(counts))
        duplicates += sum(n - 1 for n in counts.values() if n > 1)
        throttled += tenant.emu.rate_limited_count - tenant.throttled_before
        if sent:
            first.append(min(c.at for c in sent) - started)
            finished.append(max(c.at for c in sent) - started)
    calls = [c for t in world.tenants for c in t.emu.calls[t.first_call :]]
    by_method: dict[str, int] = {}
    for call in calls:
        by_method[call.method] = by_method.get(call.method, 0) + 1
    return {
        "seconds": max(finished) if finished else None,
        "lost": lost,
        "duplicates": duplicates,
        "rate_limited": throttled,
        "first_reminder_after_s": {"min": min(first), "max": max(first)} if first else None,
        "workspace_done_after_s": (
            {"min": min(finished), "median": statistics.median(finished), "max": max(finished)}
            if finished
            else None
        ),
        "slack_calls_by_method": dict(sorted(by_method.items())),
    }


# --- the floor ----------------------------------------------------------------------------------


async def floor_seconds(world: CloudWorld) -> dict[str, Any]:
    """The same reminders posted again by bench.floor_round (a bare client in its own process,
    each workspace's token, FLOOR_WORKERS in flight per workspace, all workspaces at once), the
    limits reset and on: the fastest these messages can be accepted here."""
    plan: dict[str, Any] = {"api_url": world.cloud.api_url, "workers": FLOOR_WORKERS}
    plan["workspaces"] = []
    for tenant in world.tenants:
        installation = world.cloud.installation(tenant.team_id)
        assert installation is not None
        posts = [{k: v for k, v in c.args.items() if k != "token"} for c in tenant.reminders()]
        plan["workspaces"].append({"token": installation.access_tokens[-1], "posts": posts})
        tenant.emu.reset_rate_limits()
        tenant.throttled_before = tenant.emu.rate_limited_count
    path = world.workdir / "floor-plan.json"
    path.write_text(json.dumps(plan))
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.floor_round",
        str(path),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), FLOOR_TIMEOUT_SECONDS)
    if process.returncode != 0:
        raise RuntimeError(f"bench.floor_round failed: {err.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    result["rate_limited"] = sum(
        t.emu.rate_limited_count - t.throttled_before for t in world.tenants
    )
    return result


# --- the scenario -------------------------------------------------------------------------------


async def workspace_rounds(world: CloudWorld) -> dict[str, Any]:
    """Install everywhere, a poll in each workspace, then every round at once; the figures."""
    install_s = await install_everywhere(world)
    await create_polls(world)
    started = await start_rounds(world)
    statuses = await wait_for_rounds(world)
    figures = round_figures(world, started)
    memory = world.memory_kb()  # before the floor: the bot has served the 50 rounds
    floor = await floor_seconds(world)
    limit_optimum = max(optimum_seconds(t.emu, len(t.people)) for t in world.tenants)
    steady = max(steady_rate_seconds(t.emu, len(t.people)) for t in world.tenants)
    optimum = max(limit_optimum, floor["seconds"])
    seconds = figures["seconds"]
    for tenant in world.tenants:
        tenant.emu.rate_window_scale = 1.0
    return {
        "workspaces": len(world.tenants),
        "people_each": world.sizes.workspace_people,
        "backend": world.sizes.backend,
        "replicas": len(world.replicas),
        "window_scale": world.sizes.workspace_window_scale,
        "install_seconds": install_s,
        **figures,
        "limit_optimum_seconds": limit_optimum,
        "floor": floor,
        "optimum_seconds": optimum,
        "percent_of_optimum": 100 * optimum / seconds if seconds else None,
        "steady_rate_seconds": steady,
        "percent_of_steady_rate": 100 * steady / seconds if seconds else None,
        "statuses": statuses,
        "rss": {key: max(m.get(key, 0) for m in memory) for key in ("VmHWM", "VmRSS")},
        "rss_per_replica": memory,
    }


async def measure(sizes: Sizes) -> dict[str, Any]:
    """One run of the scenario in a world of its own."""
    world = await build_cloud_world(sizes)
    try:
        return await workspace_rounds(world)
    finally:
        await world.close()
