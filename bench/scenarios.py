"""The five scenarios of issue #6; each returns a dict of figures for the report."""

from __future__ import annotations

import asyncio
import itertools
import math
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.harness import BIG, COMMAND, GENERAL, ORGANISER, ROUND, World
from bench.timing import TimedDriver, interleaved, percentiles, ratios
from bot.domain.model import Audience, Question, QuestionKind
from bot.domain.tally import tally
from bot.slack.blocks import render_summary
from bot.storage.backend import open_database
from bot.storage.repository import Repository, to_ms
from slack_emulator import Message, validate_blocks

NEW_POLL = 'new "Which event would you like next?" "Workshop" "Talk" "Meetup"'
SETTLE_TIMEOUT = 300.0


async def until(predicate: Callable[[], bool], limit: float, what: str) -> None:
    """Wait for a condition (emulator or database state), checking every 50 ms."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def latency(bot: TimedDriver, floor: TimedDriver) -> dict[str, Any]:
    bot_p, floor_p = percentiles(bot.samples), percentiles(floor.samples)
    return {
        "bot": bot_p,
        "floor": floor_p,
        "ratio": ratios(bot_p, floor_p),
        "failures": {"bot": bot.failures, "floor": floor.failures},
    }


def open_polls(world: World, channel: str) -> list[tuple[Any, ...]]:
    return world.query(
        "SELECT id, message_ts FROM polls WHERE channel_id = ? AND status = 'open' ORDER BY id",
        (channel,),
    )


async def create_poll(world: World, channel: str, text: str) -> tuple[int, Message]:
    """/wishes new through the bot (not timed); the stored id and the posted message."""
    before = len(open_polls(world, channel))
    await world.bot_driver.slash_command(ORGANISER, channel, COMMAND, text)
    await until(
        lambda: len(open_polls(world, channel)) > before and open_polls(world, channel)[-1][1],
        60,
        f"a poll posted in {channel}",
    )
    poll_id, ts = open_polls(world, channel)[-1]
    message = world.emu.message(channel, ts)
    assert message is not None
    return int(poll_id), message


# --- 1 ----------------------------------------------------------------------------------------


async def slash_commands(world: World) -> dict[str, Any]:
    """`/wishes new …` 300 times at concurrency 10, to the bot and to the floor."""
    sizes = world.sizes
    world.emu.rate_limits_enabled = False  # the posting that follows each ack is not measured
    bot, floor = await world.drivers()

    async def request(driver: TimedDriver, _index: int) -> None:
        await driver.slash_command(ORGANISER, GENERAL, COMMAND, NEW_POLL)

    await interleaved(bot, floor, request, sizes.commands, sizes.command_concurrency)
    await until(
        lambda: len(world.emu.messages(GENERAL)) >= sizes.commands,
        SETTLE_TIMEOUT,
        "every poll posted",
    )
    world.emu.rate_limits_enabled = True
    return {**latency(bot, floor), "polls_posted": len(world.emu.messages(GENERAL))}


# --- 2 ----------------------------------------------------------------------------------------


def max_per_second(times: list[float]) -> int:
    """The most calls in any one-second window."""
    best, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


async def button_answers(world: World) -> dict[str, Any]:
    """1,000 distinct people click an option of one poll (of a 10,000-member channel)."""
    sizes = world.sizes
    emu = world.emu
    emu.reset_rate_limits()
    poll_id, message = await create_poll(world, BIG, 'new "Pick one" "A" "B" "C" remind:off')
    voters = world.crowd[BIG][: sizes.answers]
    labels = ("A", "B", "C")
    emu.clear_calls()
    bot, floor = await world.drivers()

    async def request(driver: TimedDriver, index: int) -> None:
        await driver.click(voters[index], message, labels[index % 3])

    await interleaved(bot, floor, request, sizes.answers, sizes.answer_concurrency)
    clicks_done = emu.now()

    def stored() -> int:
        return int(
            world.query("SELECT COUNT(*) FROM responses WHERE poll_id = ?", (poll_id,))[0][0]
        )

    await until(lambda: stored() >= sizes.answers, SETTLE_TIMEOUT, "every answer stored")

    def updates() -> list[float]:
        return [
            c.at
            for c in emu.calls_to("chat.update")
            if c.args.get("ts") == message.ts and c.args.get("channel") == BIG
        ]

    finals = (f"{sizes.answers:,} of", f"{sizes.answers} of")
    await until(
        lambda: any(
            any(final in str(c.args.get("blocks")) for final in finals)
            for c in emu.calls_to("chat.update")
            if c.args.get("ts") == message.ts
        ),
        SETTLE_TIMEOUT,
        "the poll message showing the final count",
    )
    await asyncio.sleep(2.5)  # no late update may follow
    times = sorted(updates())
    gaps = [b - a for a, b in itertools.pairwise(times)]
    rows = world.query(
        "SELECT COUNT(*), COUNT(DISTINCT respondent_id) FROM responses WHERE poll_id = ?",
        (poll_id,),
    )[0]
    answered = world.query(
        "SELECT COUNT(*) FROM poll_members WHERE poll_id = ? AND answered", (poll_id,)
    )[0][0]
    return {
        **latency(bot, floor),
        "answers_stored": rows[0],
        "distinct_respondents": rows[1],
        "members_marked_answered": answered,
        "chat_update_calls": len(times),
        "chat_update_max_per_second": max_per_second(times),
        "chat_update_min_gap_s": min(gaps) if gaps else None,
        "last_update_after_clicks_s": (times[-1] - clicks_done) if times else None,
        "rate_limited": emu.rate_limited_count,
        "rss": world.memory_kb(),
    }


# --- 3 ----------------------------------------------------------------------------------------

WISH_TEXTS = [
    "More hands-on sessions, please",
    "Shorter talks and longer breaks",
    "Recordings for those in other time zones",
    "Vegetarian food",
    "A Finnish-language track",
    "Something about accessibility",
]


async def seed_summary_poll(world: World, count: int) -> int:
    """A closed-to-be poll with `count` responses: a choice, a rating and a free-text question,
    answered in a mix (everyone chose, about 70 % rated, about 40 % wrote something)."""
    rng = random.Random(6)
    db = await open_database(world.db_path, world.db_url, pool_size=2)
    try:
        repo = Repository(db)
        now = datetime.now(UTC)
        members = world.crowd[BIG][:count]
        poll = await repo.create_poll(
            team_id=world.emu.team_id,
            channel_id=BIG,
            organiser_id=ORGANISER,
            language="en",
            questions=(
                Question(
                    "Which format?", QuestionKind.SINGLE, ("Workshop", "Talk", "Meetup", "Demo")
                ),
                Question("How was the last event?", QuestionKind.RATING),
                Question("Anything else you wish for?", QuestionKind.TEXT),
            ),
            anonymous=False,
            audience=Audience(),
            opened_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
            remind_every=None,
            members=members,
        )
        assert poll is not None  # no idempotency key: always a new poll
        async with db.transaction() as conn:
            at = to_ms(now)
            await conn.execute_many(
                "INSERT INTO responses (poll_id, respondent_id, answered_at) VALUES (?, ?, ?)",
                [(poll.id, user, at) for user in members],
            )
            rows = await conn.fetch_all(
                "SELECT id FROM responses WHERE poll_id = ? ORDER BY id", (poll.id,)
            )
            answers: list[tuple[int, int, int | None, int | None, str | None]] = []
            for row in rows:
                response_id = int(row[0])
                answers.append((response_id, 0, rng.choice((0, 0, 1, 1, 1, 2, 3)), None, None))
                if rng.random() < 0.7:
                    answers.append((response_id, 1, None, rng.choice((3, 4, 4, 5, 5)), None))
                if rng.random() < 0.4:
                    text = f"{rng.choice(WISH_TEXTS)} (#{response_id})"
                    answers.append((response_id, 2, None, None, text))
            await conn.execute_many(
                "INSERT INTO answers (response_id, question_position, option_position, rating,"
                " text) VALUES (?, ?, ?, ?, ?)",
                answers,
            )
            await conn.execute(
                "UPDATE poll_members SET answered = TRUE WHERE poll_id = ?", (poll.id,)
            )
        return poll.id
    finally:
        await db.close()


async def summary(world: World) -> dict[str, Any]:
    """Tally and render the summary of 10,000 answers (timed, no Slack), then close it for real
    and count the Slack calls that post it."""
    emu = world.emu
    emu.reset_rate_limits()
    poll_id = await seed_summary_poll(world, world.sizes.summary_answers)
    db = await open_database(world.db_path, world.db_url, pool_size=2)
    load_ms, compute_ms, render_ms = [], [], []
    try:
        repo = Repository(db)
        poll = await repo.get_poll(poll_id)
        assert poll is not None
        for _ in range(7):
            started = time.perf_counter()
            counts = await repo.counts(poll.id)
            responses = await repo.responses(poll)
            loaded = time.perf_counter()
            result = tally(poll, responses, counts.asked)
            tallied = time.perf_counter()
            parts = render_summary(poll, result, lang="en")
            rendered = time.perf_counter()
            load_ms.append((loaded - started) * 1000)
            compute_ms.append((tallied - loaded) * 1000)
            render_ms.append((rendered - tallied) * 1000)
    finally:
        await db.close()
    problems = [p for part in parts for p in validate_blocks(part.blocks)]
    first_call = len(emu.calls)
    await world.bot_driver.slash_command(ORGANISER, BIG, COMMAND, f"close {poll_id}")
    await until(
        lambda: world.query("SELECT status FROM polls WHERE id = ?", (poll_id,))[0][0] == "closed",
        SETTLE_TIMEOUT,
        "the poll closed",
    )
    calls = emu.calls[first_call:]
    posted = [c for c in calls if c.method == "chat.postMessage"]
    return {
        "answers": world.sizes.summary_answers,
        "load_ms": statistics.median(load_ms),
        "tally_ms": statistics.median(compute_ms),
        "render_ms": statistics.median(render_ms),
        "tally_render_ms": statistics.median(
            c + r for c, r in zip(compute_ms, render_ms, strict=True)
        ),
        "messages": len(parts),
        "blocks": sum(len(p.blocks) for p in parts),
        "block_kit_problems": problems,
        "slack_calls": len(calls),
        "slack_calls_by_method": dict(sorted(_by_method(calls).items())),
        "summary_posts_ok": sum(1 for c in posted if c.ok),
        "summary_posts_refused": [c.response.get("error") for c in posted if not c.ok],
    }


def _by_method(calls: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for call in calls:
        found[call.method] = found.get(call.method, 0) + 1
    return found


# --- 4 ----------------------------------------------------------------------------------------


def optimum_seconds(world: World, method: str, calls: int) -> float:
    """The fastest `calls` calls of a method can all be admitted under the emulator's rolling
    window: a full window's worth at once, then one more window per further batch."""
    rule = world.emu.rate_limiter.method_limits[method]
    window = rule.window * world.emu.rate_window_scale
    return (math.ceil(calls / rule.limit) - 1) * window


async def reminder_round(world: World) -> dict[str, Any]:
    """/wishes remind to everyone of a 2,000-person channel under Slack's posting limits, while
    `/wishes list` is sent to the bot and the floor the whole time."""
    emu = world.emu
    sizes = world.sizes
    poll_id, _message = await create_poll(world, ROUND, 'new "Round?" "Yes" "No" remind:off')
    crowd = world.crowd[ROUND]
    emu.reset_rate_limits()
    emu.rate_window_scale = sizes.window_scale
    throttled_before = emu.rate_limited_count
    first_call = len(emu.calls)
    bot, floor = await world.drivers()
    started = emu.now()
    await world.bot_driver.slash_command(ORGANISER, ROUND, COMMAND, f"remind {poll_id}")
    bot.samples.clear()  # the remind command itself is not one of the measured commands

    def reminders() -> list[Any]:
        out = []
        for call in emu.calls[first_call:]:
            if call.method != "chat.postMessage" or not call.ok:
                continue
            payload = (call.args.get("metadata") or {}).get("event_payload") or {}
            if payload.get("poll") == poll_id and "round" in payload:
                out.append(call)
        return out

    def settled() -> bool:
        rows = world.query(
            "SELECT COUNT(*) FROM reminders WHERE poll_id = ? AND status IN ('due', 'sending')",
            (poll_id,),
        )
        return rows[0][0] == 0 and len(reminders()) > 0

    async def request(driver: TimedDriver, _index: int) -> None:
        await driver.slash_command(ORGANISER, ROUND, COMMAND, "list")

    index = 0
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while not settled():
        if time.monotonic() > deadline:
            raise TimeoutError("the round did not finish")
        await interleaved(bot, floor, request, sizes.round_concurrency * 2, sizes.round_concurrency)
        index += 1
        await asyncio.sleep(0.2)
    sent = reminders()
    finished = max(c.at for c in sent)
    user_of = {channel: user for user, channel in emu.workspace.dm_by_user.items()}
    recipients: dict[str, int] = {}
    for call in sent:
        channel = str(call.response.get("channel") or call.args.get("channel"))
        user = user_of.get(channel, channel)
        recipients[user] = recipients.get(user, 0) + 1
    statuses = dict(
        world.query(
            "SELECT status, COUNT(*) FROM reminders WHERE poll_id = ? GROUP BY status", (poll_id,)
        )
    )
    elapsed = finished - started
    posting_optimum = optimum_seconds(world, "chat.postMessage", len(crowd))
    open_optimum = optimum_seconds(world, "conversations.open", len(crowd))
    calls = emu.calls[first_call:]
    emu.rate_window_scale = 1.0
    return {
        **latency(bot, floor),
        "people": len(crowd),
        "window_scale": sizes.window_scale,
        "seconds": elapsed,
        "optimum_seconds": posting_optimum,
        "percent_of_optimum": 100 * posting_optimum / elapsed if elapsed else None,
        "optimum_if_each_dm_is_opened_s": open_optimum,
        "reminded": len(recipients),
        "lost": len(set(crowd) - set(recipients)),
        "duplicates": sum(n - 1 for n in recipients.values() if n > 1),
        "statuses": statuses,
        "rate_limited": emu.rate_limited_count - throttled_before,
        "slack_calls_by_method": dict(sorted(_by_method(calls).items())),
        "rss": world.memory_kb(),
    }
