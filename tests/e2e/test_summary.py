"""Closing and the summary end to end: who may close, exact numbers, long answers, the method."""

from __future__ import annotations

import asyncio
import random
import string

from bot.domain.model import PollStatus
from bot.slack import ids
from slack_emulator import Message, SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import (
    channel_posts,
    create,
    create_with_form,
    last_ephemeral,
    poll_message,
    text_of,
)


async def close(running: RunningBot, poll_id: int, user: str = ORGANISER) -> None:
    await running.driver.slash_command(user, CHANNEL, "/wishes", f"close {poll_id}")
    await running.settle()


def summary_messages(emu: SlackEmulator, poll_message_ts: str | None) -> list[Message]:
    """The summary and its thread replies: every bot post in the channel but the poll message."""
    return [m for m in channel_posts(emu) if m.ts != poll_message_ts]


def summary_lines(emu: SlackEmulator, poll_message_ts: str | None) -> list[str]:
    lines: list[str] = []
    for message in summary_messages(emu, poll_message_ts):
        for block in message.blocks or []:
            for text in (block.get("text", {}).get("text"),):
                if text:
                    lines.extend(text.splitlines())
            for element in block.get("elements", []) if block["type"] == "context" else []:
                lines.extend(str(element.get("text", "")).splitlines())
    return lines


async def answer_in_modal(
    running: RunningBot, emu: SlackEmulator, user: str, message: Message, fill: dict[str, object]
) -> None:
    await running.driver.click(user, message, "Answer")
    await emu.wait_for(lambda: emu.views(user), message=f"no answer form for {user}")
    await running.driver.submit_view(user, fill=fill)


async def test_close_by_command_is_for_the_organiser_only(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    await close(running, poll.id, user=PEOPLE[0])
    assert "Only the person who created" in last_ephemeral(emu, PEOPLE[0])
    assert (await running.repo.get_poll(poll.id)).status is PollStatus.OPEN  # type: ignore[union-attr]  # the poll exists
    assert len(channel_posts(emu)) == 1
    await close(running, poll.id)
    assert (await running.repo.get_poll(poll.id)).status is PollStatus.CLOSED  # type: ignore[union-attr]  # the poll exists
    assert f"#{poll.id} is closed" in last_ephemeral(emu, ORGANISER)
    closed = text_of(poll_message(emu, poll).blocks)
    assert "closed" in closed and ids.VOTE_ACTION not in closed and ids.CLOSE_ACTION not in closed
    assert len(channel_posts(emu)) == 2
    # Closing again is refused and posts nothing more.
    await close(running, poll.id)
    assert "already closed" in last_ephemeral(emu, ORGANISER)
    assert len(channel_posts(emu)) == 2


async def test_close_button_is_for_the_organiser_only(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    await running.driver.click(PEOPLE[1], poll_message(emu, poll), "Close poll")
    await running.settle()
    assert "Only the person who created" in last_ephemeral(emu, PEOPLE[1])
    assert (await running.repo.get_poll(poll.id)).status is PollStatus.OPEN  # type: ignore[union-attr]  # the poll exists
    await running.driver.click(ORGANISER, poll_message(emu, poll), "Close poll")
    await running.settle()
    assert (await running.repo.get_poll(poll.id)).status is PollStatus.CLOSED  # type: ignore[union-attr]  # the poll exists
    assert len(summary_messages(emu, poll.message_ts)) == 1
    assert "Results of poll" in text_of(summary_messages(emu, poll.message_ts)[0].blocks)


async def test_single_choice_summary_numbers_most_chosen_first_ties_in_order(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" "Wed" "Thu" "Fri"')
    for person, label in zip(PEOPLE, ["Thu", "Tue", "Mon", "Tue", "Wed"], strict=True):
        await running.driver.click(person, poll_message(emu, poll), label)
    await running.settle()
    await close(running, poll.id)
    lines = summary_lines(emu, poll.message_ts)
    assert "*Respondents:* 5 of 6 (83%)" in lines
    assert "5 answered this question" in lines
    options = [line.split(" · ", 1)[1] for line in lines if line.startswith("`") and " · " in line]
    assert options == ["Tue (2)", "Mon (1)", "Wed (1)", "Thu (1)", "Fri (0)"]
    percents = [line.split("` ", 1)[1].split(" · ")[0] for line in lines if line.startswith("`")]
    assert percents == ["40%", "20%", "20%", "20%", "0%"]


async def test_multi_and_rating_summary_numbers_and_method_line(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create_with_form(
        running,
        emu,
        [
            ("Which snacks?", "multi", "Apples\nBiscuits\nCheese\nDates"),
            ("How was the food?", "rating", ""),
        ],
    )
    message = poll_message(emu, poll)
    plan = [
        (PEOPLE[0], ["0", "1"], "5"),
        (PEOPLE[1], ["1", "2"], "4"),
        (PEOPLE[2], ["1"], "4"),
        (PEOPLE[3], None, "2"),
    ]
    for person, snacks, rating in plan:
        await answer_in_modal(
            running,
            emu,
            person,
            message,
            {ids.answer_block_id(0): snacks, ids.answer_block_id(1): rating},
        )
    await running.settle()
    assert (await running.repo.counts(poll.id)).answered == 4
    await close(running, poll.id)
    lines = summary_lines(emu, poll.message_ts)
    assert "*Respondents:* 4 of 6 (67%)" in lines
    assert "3 answered this question" in lines
    snack_lines = [line.split("` ", 1)[1] for line in lines if line.startswith("`") and "(" in line]
    assert snack_lines[:4] == [
        "100% · Biscuits (3)",
        "33% · Apples (1)",
        "33% · Cheese (1)",
        "0% · Dates (0)",
    ]
    assert "Average *3.8* out of 5 · 4 answered" in lines
    rating_counts = [line.split("` ", 1)[1] for line in lines if line.startswith("`")][4:]
    assert rating_counts == [
        "1 – poor (0)",
        "2 – fair (1)",
        "3 – okay (0)",
        "4 – good (2)",
        "5 – excellent (1)",
    ]
    method = [line for line in lines if line.startswith("Asked: ")]
    assert len(method) == 1
    assert f"everyone in <#{CHANNEL}>" in method[0]
    assert "6 asked" in method[0]
    assert method[0].count("<!date^") == 2
    assert "not anonymous" in method[0]


def answer_text(index: int) -> str:
    rng = random.Random(index)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < 520:
        words.append("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 9))))
    return (f"Answer {index:03d}: " + " ".join(words))[:500].rstrip().ljust(500, "x")


async def test_150_long_free_text_answers_appear_in_full_within_limits(
    running: RunningBot, emu: SlackEmulator
) -> None:
    people = emu.populate(150, CHANNEL)
    # 150 people opening the form in the same second would exceed views.open's 100 a minute,
    # and ten summary parts take Slack's per-channel posting pace (the bot waits out each 429).
    # This test is about the summary's content and Block Kit limits, so time runs faster here.
    emu.remove_rate_limit("views.open")
    emu.rate_window_scale = 0.1
    poll = await create(running, emu, 'new "What would make your week better?" closes:1d')
    message = poll_message(emu, poll)
    texts = {person: answer_text(i) for i, person in enumerate(people)}
    assert all(len(t) == 500 for t in texts.values())

    # A few dozen at a time: the emulator, the driver and the bot share one event loop here,
    # and what is measured is the summary, not how many forms one process opens at once.
    at_once = asyncio.Semaphore(25)

    async def answer(person: str) -> None:
        async with at_once:
            await answer_in_modal(
                running, emu, person, message, {ids.answer_block_id(0): texts[person]}
            )

    await asyncio.gather(*(answer(p) for p in people))
    await running.settle()
    assert (await running.repo.counts(poll.id)).answered == 150
    await close(running, poll.id)
    posts = summary_messages(emu, poll.message_ts)
    assert len(posts) > 1
    head, *replies = posts
    assert all(r.thread_ts == head.ts for r in replies)
    assert all(c.ok or c.error == "ratelimited" for c in emu.calls), [
        (c.method, c.error) for c in emu.calls if not c.ok
    ]
    everything = "\n".join(text_of(p.blocks) for p in posts)
    for person, text in texts.items():
        assert everything.count("> " + text) == 1, f"the answer of {person} is missing or cut"
    for post in posts:
        assert len(post.blocks or []) <= 50
        for block in post.blocks or []:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
    assert "Answers: 150" in everything
