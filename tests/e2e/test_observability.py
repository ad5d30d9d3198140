"""Watching it run: /metrics matches what happened; logs carry ids and never a secret."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import serve, start, stop
from bot.logs import configure_logging
from bot.slack import ids
from slack_emulator import SlackEmulator
from tests.e2e.conftest import (
    APP_TOKEN,
    BOT_TOKEN,
    CHANNEL,
    ORGANISER,
    PEOPLE,
    SIGNING_SECRET,
    RunningBot,
    make_settings,
)
from tests.e2e.helpers import create, create_with_form, poll_message
from tests.processes import free_port

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Samples:
    """Every sample of an exposition, keyed by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape(url: str) -> tuple[str, Samples]:
    async with aiohttp.ClientSession() as session, session.get(f"{url}/metrics") as response:
        assert response.status == 200
        text = await response.text()
        return response.headers["Content-Type"], parse(text)


async def test_metrics_match_a_scripted_run(running: RunningBot, emu: SlackEmulator) -> None:
    assert running.url is not None
    poll = await create(running, emu, 'new "Metrics?" "Yes" "No" remind:off')  # command 1
    for person in PEOPLE[:2]:  # 2 clicks
        await running.driver.click(person, poll_message(emu, poll), "Yes")
    await running.settle()
    emu.fail("chat.postMessage", 429)  # the first reminder meets a 429 and is sent after it
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remind {poll.id}")
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "help")  # command 3
    await running.settle()
    bad = urlencode({"command": "/wishes", "text": "help", "user_id": ORGANISER}).encode()
    headers = running.driver.signed_headers(bad)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    assert (await running.driver.raw_post(bad, headers)).status == 401

    content_type, samples = await scrape(running.url)

    assert content_type.startswith("text/plain")
    assert value(samples, "wishbot_requests_total", kind="command", outcome="ok") == 3
    assert value(samples, "wishbot_requests_total", kind="action", outcome="ok") == 2
    assert value(samples, "wishbot_requests_total", kind="command", outcome="rejected") == 1
    assert value(samples, "wishbot_ack_seconds_count", kind="command") == 4
    assert value(samples, "wishbot_ack_seconds_count", kind="action") == 2
    slowest = value(samples, "wishbot_ack_seconds_bucket", kind="command", le="3.0")
    assert slowest == 4  # every ack within Slack's 3 seconds
    # Every Web API call the emulator saw is counted, by method and outcome, 429 included.
    seen = Counter(
        (call.method, "ok" if call.ok else ("ratelimited" if call.status == 429 else call.error))
        for call in emu.calls
    )
    seen[("auth.test", "ok")] -= 1  # Bolt's own token check at the first request, not the bot's
    counted = {
        (dict(labels)["method"], dict(labels)["outcome"]): v
        for (name, labels), v in samples.items()
        if name == "wishbot_slack_api_calls_total"
    }
    assert counted == seen
    assert counted[("chat.postMessage", "ratelimited")] == 1
    sent = (await running.repo.reminder_totals(poll.id))["sent"]
    assert sent == 3  # five people asked besides the organiser; two answered
    assert value(samples, "wishbot_reminders_sent_total") == sent
    assert value(samples, "wishbot_polls_open") == 1
    jobs = (await running.repo.health())["pending_jobs"]
    assert jobs >= 1 and value(samples, "wishbot_scheduler_jobs_pending") == jobs

    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    _content_type, samples = await scrape(running.url)
    assert value(samples, "wishbot_polls_open") == 0
    assert value(samples, "wishbot_requests_total", kind="command", outcome="ok") == 4


async def test_socket_mode_serves_health_and_metrics_and_counts_requests(
    emu: SlackEmulator, tmp_path: Path
) -> None:
    port = free_port()
    settings = dataclasses.replace(
        make_settings(emu, tmp_path / "wishbot.sqlite3", socket=True), port=port
    )
    bot = await start(settings)
    stop_event = asyncio.Event()
    serving = asyncio.create_task(serve(bot, stop_event))
    driver = emu.driver("socket")
    try:
        await emu.wait_socket_connected(timeout=5)
        await driver.slash_command(ORGANISER, CHANNEL, "/wishes", 'new "Socket?" "A" "B"')
        message = await emu.wait_for(lambda: emu.messages(CHANNEL), timeout=5)
        await driver.click(PEOPLE[0], message[0], "A")
        await bot.settle()
        url = f"http://127.0.0.1:{port}"
        _content_type, samples = await scrape(url)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}/healthz") as health:
                assert health.status == 200
            async with session.post(f"{url}/slack/events", data=b"{}") as events:
                assert events.status in (404, 405)  # unsigned requests have no door here
    finally:
        await driver.close()
        stop_event.set()
        await serving
        await stop(bot)
    assert value(samples, "wishbot_requests_total", kind="command", outcome="ok") == 1
    assert value(samples, "wishbot_requests_total", kind="action", outcome="ok") == 1
    assert value(samples, "wishbot_ack_seconds_count", kind="command") == 1
    assert value(samples, "wishbot_polls_open") == 1


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The bot's own logging set-up (as `wishbot run` makes it), at DEBUG, into a buffer."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    buffer = io.StringIO()
    real_stderr = sys.stderr
    sys.stderr = buffer  # configure_logging binds its handler to sys.stderr
    try:
        configure_logging("DEBUG", "json", [BOT_TOKEN, SIGNING_SECRET, APP_TOKEN])
    finally:
        sys.stderr = real_stderr
    try:
        yield buffer
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


SECRET_WISH = "a pony named Zebulon"  # an anonymous free-text answer


async def test_logs_of_a_whole_run_hold_ids_and_no_secret_or_anonymous_answer(
    json_log: io.StringIO, running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create_with_form(running, emu, [("Any wish?", "text", "")], anonymous=True)
    for person in PEOPLE[:3]:
        await running.driver.click(person, poll_message(emu, poll), "Answer")
        await emu.wait_for(partial(emu.views, person))
        await running.driver.submit_view(person, fill={ids.answer_block_id(0): SECRET_WISH})
    await running.settle()
    emu.fail("chat.postMessage", 429)  # a rate limit on the way: logged, without the text
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    assert SECRET_WISH in str([m.blocks for m in emu.messages(CHANNEL)])  # it went through
    named = await create(running, emu, 'new "Lunch?" "Pizza" "Soup"')
    await running.driver.click(PEOPLE[0], poll_message(emu, named), "Soup")
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {named.id}")
    await running.settle()

    output = json_log.getvalue()
    entries = [json.loads(line) for line in output.splitlines()]  # one JSON object a line
    assert len(entries) > 10
    for secret in (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, "xoxb-", "xapp-", SECRET_WISH):
        assert secret not in output
    assert any("rate-limited" in e["message"] for e in entries)
    for poll_id in (poll.id, named.id):
        for event in ("created", "closed"):
            (entry,) = [e for e in entries if e["message"].startswith(f"poll {poll_id} {event}")]
            assert entry["poll_id"] == poll_id
            assert entry["request_id"]  # the command that created or closed it
