"""Issue #14: many workspaces from one install, each starting a reminder round at the same moment.

Every workspace's `/wishes remind` is sent at once; measured from then until the last reminder
was accepted, against the floor (the same messages posted by a bare client), who was missed or
reminded twice, the 429s met, and the replicas' memory."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.cloud_world import CloudWorld, build_cloud_world, install_everywhere
from bench.harness import COMMAND, REPO_ROOT, Sizes
from bench.scenarios import SETTLE_TIMEOUT, until
from slack_emulator import SlackEmulator

NEW_POLL = 'new "Round?" "Yes" "No" remind:off'
FLOOR_WORKERS = 8  # per workspace, as many as the bot's delivery workers per round
FLOOR_TIMEOUT_SECONDS = 600


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
    cpu_before = [served.cpu_seconds() for served in world.replicas]
    own_cpu_before = time.process_time()
    started = await start_rounds(world)
    statuses = await wait_for_rounds(world)
    cpu = [
        served.cpu_seconds() - before
        for served, before in zip(world.replicas, cpu_before, strict=True)
    ]
    own_cpu = time.process_time() - own_cpu_before
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
        # Where the time went: CPU of each replica, and of this process (the emulator serving
        # the 50 workspaces, and the polling of the database), during the round.
        "replica_cpu_seconds": cpu,
        "bench_cpu_seconds": own_cpu,
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
