"""The organiser's commands end to end: list, results, export, delete, help."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from functools import partial

from bot.domain.model import PollStatus, QuestionAnswer
from bot.slack import ids
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import (
    channel_posts,
    create,
    create_with_form,
    last_ephemeral,
    poll_message,
    text_of,
)


async def command(running: RunningBot, user: str, text: str) -> None:
    await running.driver.slash_command(user, CHANNEL, "/wishes", text)
    await running.settle()


async def test_list_shows_open_polls_with_ids_and_counts(
    running: RunningBot, emu: SlackEmulator
) -> None:
    first = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    second = await create(running, emu, 'new "Lunch?" "Yes" "No" remind:off')
    closed = await create(running, emu, 'new "Old one?" "A" "B"')
    await running.driver.click(PEOPLE[0], poll_message(emu, first), "Tue")
    await command(running, ORGANISER, f"close {closed.id}")
    await command(running, PEOPLE[1], "list")
    listed = last_ephemeral(emu, PEOPLE[1])
    assert f"#{first.id}" in listed and f"#{second.id}" in listed and f"#{closed.id}" not in listed
    assert "1 of 6 answered" in listed and "0 of 6 answered" in listed
    assert "Your poll" not in listed
    await command(running, ORGANISER, "list")
    own = last_ephemeral(emu, ORGANISER)
    assert own.count("Your poll") == 2
    assert "next reminder" in own and "no more reminders planned" in own
    assert "<!date^" in own


async def test_list_in_a_channel_without_polls_says_so(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await command(running, ORGANISER, "list")
    assert "No open polls" in last_ephemeral(emu, ORGANISER)


async def test_results_are_ephemeral_and_for_the_organiser_only(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    for person, label in zip(PEOPLE[:3], ["Tue", "Mon", "Tue"], strict=True):
        await running.driver.click(person, poll_message(emu, poll), label)
    await running.settle()
    posts_before = len(channel_posts(emu))
    await command(running, PEOPLE[0], f"results {poll.id}")
    assert "Only the person who created" in last_ephemeral(emu, PEOPLE[0])
    await command(running, ORGANISER, f"results {poll.id}")
    results = last_ephemeral(emu, ORGANISER)
    assert f"Results so far, poll #{poll.id}" in results
    assert "67% · Tue (2)" in results and "33% · Mon (1)" in results
    assert len(channel_posts(emu)) == posts_before


async def test_export_sends_a_safe_csv_to_the_organisers_dm(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create_with_form(
        running,
        emu,
        [("Which snacks?", "multi", "Apples\nBiscuits\nCheese"), ("Comments?", "text", "")],
    )
    message = poll_message(emu, poll)
    plan = {
        PEOPLE[0]: (["0", "2"], '=HYPERLINK("http://evil")'),
        PEOPLE[1]: (["1"], 'Tasty, "really" good\nsecond line'),
        PEOPLE[2]: (None, "Ääkköset åäö"),
    }
    for person, (snacks, comment) in plan.items():
        await running.driver.click(person, message, "Answer")
        await emu.wait_for(partial(emu.views, person))
        await running.driver.submit_view(
            person, fill={ids.answer_block_id(0): snacks, ids.answer_block_id(1): comment}
        )
    await running.settle()
    await command(running, PEOPLE[3], f"export {poll.id}")
    assert "Only the person who created" in last_ephemeral(emu, PEOPLE[3])
    assert emu.files == []
    await command(running, ORGANISER, f"export {poll.id}")
    await emu.wait_for(lambda: emu.files, message="no file uploaded")
    (file,) = emu.files
    assert file.channel == emu.dm_channel_id(ORGANISER)
    assert file.filename.endswith(".csv")
    assert file.content is not None and file.content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in file.content
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Respondent", "Which snacks?", "Comments?"]
    # The respondent as Slack shows them, with the id to tell namesakes apart.
    body = {row[0].rsplit(" (", 1)[1].rstrip(")"): row[1:] for row in rows[1:]}
    assert sorted(row[0] for row in rows[1:]) == sorted(f"{p[2:].lower()} ({p})" for p in plan)
    assert len(rows) == 4 and set(body) == set(plan)
    assert body[PEOPLE[0]] == ["Apples; Cheese", '\'=HYPERLINK("http://evil")']
    assert body[PEOPLE[1]] == ["Biscuits", 'Tasty, "really" good\nsecond line']
    assert body[PEOPLE[2]] == ["", "Ääkköset åäö"]
    assert "sent you the answers" in last_ephemeral(emu, ORGANISER)
    assert [c for c in emu.calls if c.method == "files.upload"] == []
    assert emu.calls_to("files.completeUploadExternal")


async def test_anonymous_export_has_no_respondent_column(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "-Mon" "+Tue" "@Wed" anonymous')
    for person, label in zip(PEOPLE[:3], ["-Mon", "+Tue", "@Wed"], strict=True):
        await running.driver.click(person, poll_message(emu, poll), label)
    await running.settle()
    await command(running, ORGANISER, f"export {poll.id}")
    await emu.wait_for(lambda: emu.files)
    rows = list(csv.reader(io.StringIO(emu.files[0].text.lstrip("\ufeff"), newline="")))
    assert rows[0] == ["Best day?"]
    assert sorted(r[0] for r in rows[1:]) == sorted(["'-Mon", "'+Tue", "'@Wed"])
    for person in PEOPLE:
        assert person not in emu.files[0].text


async def test_delete_asks_for_confirmation_then_removes_everything(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    other = await create(running, emu, 'new "Keep me?" "Yes" "No"')
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Mon")
    await running.settle()
    await command(running, ORGANISER, f"close {poll.id}")
    assert len(channel_posts(emu)) == 3
    await command(running, PEOPLE[0], f"delete {poll.id}")
    assert "Only the person who created" in last_ephemeral(emu, PEOPLE[0])
    await command(running, ORGANISER, f"delete {poll.id}")
    assert await running.repo.get_poll(poll.id) is not None  # nothing happens before the click
    confirm = emu.ephemerals(ORGANISER)[-1]
    assert "can't be undone" in last_ephemeral(emu, ORGANISER)
    await running.driver.click(ORGANISER, confirm, "Delete")
    await running.settle()
    assert await running.repo.get_poll(poll.id) is None
    assert await running.repo.response_of(poll.id, PEOPLE[0]) is None
    assert await running.repo.messages(poll.id) == []
    remaining = channel_posts(emu)
    assert [m.ts for m in remaining] == [other.message_ts]
    assert f"#{poll.id} and its answers are deleted" in last_ephemeral(emu, ORGANISER)
    await command(running, ORGANISER, f"results {poll.id}")
    assert f"can't find poll #{poll.id}" in last_ephemeral(emu, ORGANISER)
    await command(running, ORGANISER, f"close {poll.id}")
    assert f"can't find poll #{poll.id}" in last_ephemeral(emu, ORGANISER)
    assert (await running.repo.get_poll(other.id)).status is PollStatus.OPEN  # type: ignore[union-attr]  # the poll exists


async def test_delete_with_a_long_summary_removes_its_thread_replies(
    running: RunningBot, emu: SlackEmulator
) -> None:
    people = emu.populate(40, CHANNEL)
    poll = await create(running, emu, 'new "Tell us more?"')
    emu.rate_window_scale = 0.1
    message = poll_message(emu, poll)

    async def answer(index: int, person: str) -> None:
        await running.driver.click(person, message, "Answer")
        await emu.wait_for(lambda: emu.views(person))
        await running.driver.submit_view(
            person, fill={ids.answer_block_id(0): f"Answer {index} " + "word " * 500}
        )

    await asyncio.gather(*(answer(index, person) for index, person in enumerate(people)))
    await running.settle()
    await command(running, ORGANISER, f"close {poll.id}")
    summary_parts = [m for m in channel_posts(emu) if m.ts != poll.message_ts]
    assert len(summary_parts) > 1 and all(m.thread_ts for m in summary_parts[1:])
    await command(running, ORGANISER, f"delete {poll.id}")
    await running.driver.click(ORGANISER, emu.ephemerals(ORGANISER)[-1], "Delete")
    await running.settle()
    assert channel_posts(emu) == []
    assert await running.repo.get_poll(poll.id) is None


async def test_delete_can_be_cancelled(running: RunningBot, emu: SlackEmulator) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    await command(running, ORGANISER, f"delete {poll.id}")
    await running.driver.click(ORGANISER, emu.ephemerals(ORGANISER)[-1], "Keep it")
    await running.settle()
    assert await running.repo.get_poll(poll.id) is not None
    assert len(channel_posts(emu)) == 1


async def test_help_lists_the_commands(running: RunningBot, emu: SlackEmulator) -> None:
    reply = await running.driver.slash_command(PEOPLE[0], CHANNEL, "/wishes", "help")
    assert reply.body is not None
    text = str(reply.body)
    for verb in ("list", "results 12", "export 12", "close 12", "delete 12"):
        assert f"/wishes {verb}" in text


async def test_long_interim_results_arrive_whole_beyond_the_response_url_limit(
    running: RunningBot, emu: SlackEmulator
) -> None:
    people = emu.populate(40, CHANNEL)
    poll = await create(running, emu, 'new "Tell us more?"')
    for index, person in enumerate(people):
        text = f"Wish {index:02d} " + "word " * 500
        await running.repo.record_response(
            poll.id, person, (QuestionAnswer(text=text),), datetime.now(UTC)
        )
    shown_before = len(emu.ephemerals(ORGANISER))
    await command(running, ORGANISER, f"results {poll.id}")
    parts = emu.ephemerals(ORGANISER)[shown_before:]
    assert len(parts) > 5  # more than one response_url can carry
    shown = "\n".join(text_of(part.blocks) for part in parts)
    for index in range(len(people)):
        assert f"Wish {index:02d} " in shown
