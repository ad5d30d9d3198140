"""Trust the core: an acknowledged answer counts, people's text reads as typed, nothing is posted
twice, no Slack call before a form's ack, failed closes are retried, no click ends in silence,
anonymous interim results leak no order."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from datetime import timedelta
from functools import partial

import asyncpg
import pytest

from bot.clock import ShiftableClock
from bot.config import Settings
from bot.domain.model import PollStatus, QuestionAnswer
from bot.services.ports import AnswerOutcome
from bot.slack import ids
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, BotFactory, RunningBot
from tests.e2e.helpers import (
    channel_posts,
    create,
    last_ephemeral,
    poll_message,
    reminded,
    shown,
    text_of,
)
from tests.e2e.test_summary import summary_lines, summary_messages

EIGHT = (*PEOPLE, "U0FRIDA", "U0GUSTAV", "U0HANNA")


def more_people(emu: SlackEmulator) -> None:
    for person in EIGHT[len(PEOPLE) :]:
        emu.add_user(person, person[2:].lower(), tz="Europe/Helsinki")
        emu.add_member(CHANNEL, person)


# ---- 1. an acknowledged answer is stored ------------------------------------------------------


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_a_change_acknowledged_just_before_a_close_is_in_the_summary(
    start_bot: BotFactory, emu: SlackEmulator, mode: str
) -> None:
    more_people(emu)
    running = await start_bot(mode=mode)
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" "Wed"')
    message = poll_message(emu, poll)
    for person in EIGHT:
        await running.driver.click(person, message, "Mon")
    await running.settle()
    # The change's ack comes back, and the organiser closes at once: no waiting in between.
    await running.driver.click(EIGHT[0], message, "Wed")
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    lines = "\n".join(summary_lines(emu, poll.message_ts))
    assert "Mon (7)" in lines and "Wed (1)" in lines


STORED_CHOICES = (
    "SELECT r.respondent_id, a.option_position FROM responses r"
    " JOIN answers a ON a.response_id = r.id WHERE r.poll_id = {}"
)


async def stored_choices(settings: Settings, poll_id: int) -> list[tuple[str, int]]:
    """What the database holds right now, read past the bot (as after a crash)."""
    if settings.db_url is None:
        uri = f"file:{settings.db_path}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            rows = conn.execute(STORED_CHOICES.format("?"), (poll_id,)).fetchall()
    else:
        connection = await asyncpg.connect(settings.db_url.reveal())
        try:
            rows = await connection.fetch(STORED_CHOICES.format("$1"), poll_id)
        finally:
            await connection.close()
    return [(str(user), int(option)) for user, option in rows]


@asynccontextmanager
async def another_writer(settings: Settings) -> AsyncIterator[None]:
    """Another writer holding the answers while the block runs."""
    if settings.db_url is None:
        with closing(sqlite3.connect(settings.db_path, timeout=5)) as writer:
            writer.execute("BEGIN IMMEDIATE")
            yield
            writer.rollback()
        return
    connection = await asyncpg.connect(settings.db_url.reveal())
    try:
        async with connection.transaction():
            await connection.execute("LOCK TABLE responses IN SHARE ROW EXCLUSIVE MODE")
            yield
    finally:
        await connection.close()


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_a_click_is_in_the_database_file_when_slack_gets_its_ack(
    start_bot: BotFactory, emu: SlackEmulator, mode: str
) -> None:
    running = await start_bot(mode=mode)
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    message = poll_message(emu, poll)
    await running.driver.click(PEOPLE[0], message, "Mon")
    await running.settle()
    # Another writer holds the database while the change arrives: a bot that acks first and
    # stores later acks at once; one that stores first acks once the writer is done.
    async with another_writer(running.settings):
        change = asyncio.create_task(running.driver.click(PEOPLE[0], message, "Tue"))
        await asyncio.wait({change}, timeout=1.0)
        if change.done():
            # Acknowledged while the database is held: only an answer stored before could be
            # there, and none can be (read now, before the writer lets the bot's write in).
            assert await stored_choices(running.settings, poll.id) == [(PEOPLE[0], 1)]
    reply = await change
    assert reply.status == 200
    # Read at once, without giving the bot another turn: if it crashed now, this would be all.
    assert await stored_choices(running.settings, poll.id) == [(PEOPLE[0], 1)]


async def test_a_form_answer_is_in_the_database_when_slack_gets_its_ack(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Which days?" "Mon" "Tue" multi remind:off')
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Answer")
    await emu.wait_for(partial(emu.views, PEOPLE[0]))
    await running.driver.submit_view(PEOPLE[0], fill={ids.answer_block_id(0): ["0"]})
    await running.settle()
    await running.driver.close_view(PEOPLE[0], clear=True)  # the thanks, read
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Answer")
    await emu.wait_for(partial(emu.views, PEOPLE[0]))
    # As for a click: the form's "saved" cannot come while another writer holds the answers.
    submit = running.driver.submit_view(PEOPLE[0], fill={ids.answer_block_id(0): ["1"]})
    async with another_writer(running.settings):
        change = asyncio.create_task(submit)
        await asyncio.wait({change}, timeout=1.0)
        if change.done():
            assert await stored_choices(running.settings, poll.id) == [(PEOPLE[0], 1)]
    reply = await change
    assert reply.status == 200 and reply.response_action == "update"
    assert await stored_choices(running.settings, poll.id) == [(PEOPLE[0], 1)]


# ---- 2. people's text reads as they typed it --------------------------------------------------

# What Slack sends for `/wishes new "Lunch at #random with @bob?" "@carol" "Tom & Jerry <3"
# "@here and @devs"` with the command's should_escape on.
TYPED_IN_SLACK = (
    'new "Lunch at <#C0RANDOM|random> with <@U0BOB|bob>?" "<@U0CAROL|carol>"'
    ' "Tom &amp; Jerry &lt;3" "<!here> and <!subteam^S0DEVS|@devs>" remind:off'
)


def no_broadcast_or_group(text: str) -> None:
    for token in ("<!here", "<!channel", "<!everyone", "<!subteam", "&lt;@", "&lt;#", "&amp;amp;"):
        assert token not in text, f"{token!r} in {text[:300]!r}"


async def test_mentions_and_special_characters_read_as_typed_everywhere(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.add_user("U0BOB", "bob")
    emu.add_user("U0CAROL", "carol")
    poll = await create(running, emu, TYPED_IN_SLACK)
    message = poll_message(emu, poll)
    body = text_of(message.blocks)
    # A person or channel mentioned stays a real mention; the rest reads as typed.
    assert "Lunch at <#C0RANDOM|random> with <@U0BOB>?" in body
    no_broadcast_or_group(body + message.text)
    labels = [
        element["text"]["text"]
        for block in message.blocks or []
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert labels[:3] == ["@carol", "Tom & Jerry <3", "@here and @devs"]
    await running.driver.click(PEOPLE[0], message, "@carol")
    await running.driver.click(PEOPLE[1], message, "Tom & Jerry <3")
    await running.driver.click(PEOPLE[2], message, "@here and @devs")
    await running.settle()
    assert "Your answer “<@U0CAROL>” to poll" in last_ephemeral(emu, PEOPLE[0])

    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remind {poll.id}")
    await running.settle()
    reminder = shown(emu.dm_messages(PEOPLE[3])[-1])
    assert "Lunch at <#C0RANDOM|random> with <@U0BOB>?" in reminder
    no_broadcast_or_group(reminder)

    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"export {poll.id}")
    await running.settle()
    (export,) = [f for f in emu.files if f.completed]
    assert export.content is not None
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][1] == "Lunch at #random with @bob?"
    # A cell starting with @ gets the apostrophe that keeps a spreadsheet from running it as a
    # formula; spreadsheets show it as @carol.
    assert sorted(row[1] for row in rows[1:]) == ["'@carol", "'@here and @devs", "Tom & Jerry <3"]

    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    summary = "\n".join(summary_lines(emu, poll.message_ts))
    assert "<@U0CAROL> (1)" in summary and "Tom &amp; Jerry &lt;3 (1)" in summary
    assert "@here and @devs (1)" in summary
    no_broadcast_or_group(summary)


async def test_people_s_text_reads_as_typed_in_the_answer_form_results_and_home(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.add_user("U0BOB", "bob")
    question = "Ideas for <#C0RANDOM|random> with <@U0BOB|bob> &amp; <!here>?"
    poll = await create(running, emu, f'new "{question}" remind:off')
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Answer")
    await emu.wait_for(partial(emu.views, PEOPLE[0]))
    # A form's label is plain text: the mentions read as names, & as &, @here as plain words.
    (label,) = [b["label"]["text"] for b in emu.views(PEOPLE[0])[-1].blocks if "label" in b]
    assert label == "Ideas for #random with @bob & @here?"
    typed = "<!channel> & <b>bold</b> @devs"  # as typed into the form: Slack sends it as is
    await running.driver.submit_view(PEOPLE[0], fill={label: typed})
    await running.settle()

    as_mrkdwn = "Ideas for <#C0RANDOM|random> with <@U0BOB> &amp; @here?"
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"results {poll.id}")
    await running.settle()
    results = last_ephemeral(emu, ORGANISER)
    assert as_mrkdwn in results
    assert "&lt;!channel&gt; &amp; &lt;b&gt;bold&lt;/b&gt; @devs" in results
    no_broadcast_or_group(results)

    for person, block in ((ORGANISER, "home.own"), (PEOPLE[1], "home.waiting")):
        await running.driver.app_home_opened(person)
        await running.settle()
        home = emu.home_view(person)
        assert home is not None
        entry = text_of([b for b in home.blocks if str(b.get("block_id", "")).startswith(block)])
        assert as_mrkdwn in entry
        no_broadcast_or_group(entry)


async def test_text_typed_in_a_form_is_shown_literally(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER))
    await running.driver.submit_view(
        ORGANISER,
        fill={
            "Question 1": "Ideas for <!channel> & @here?",
            "How question 1 is answered": "Free text",
        },
    )
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    body = text_of(poll_message(emu, poll).blocks)
    assert "Ideas for &lt;!channel&gt; &amp; @here?" in body
    no_broadcast_or_group(body)


# ---- 3. a post that may have reached Slack is not sent blindly again ---------------------------


async def test_a_poll_whose_post_lost_its_answer_appears_once(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.drop_response("chat.postMessage")
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    assert emu.dropped_responses == 1
    (message,) = channel_posts(emu)
    assert message.ts == poll.message_ts


async def test_a_poll_whose_last_uncertain_try_reached_the_channel_is_kept(
    running: RunningBot, emu: SlackEmulator
) -> None:
    """Two tries refused by a server error (not posted), the third posted with its answer lost:
    that last one is in the channel, so the poll must live on (not be deleted as unseen)."""
    emu.fail("chat.postMessage", status=500, times=2)
    emu.drop_response("chat.postMessage", times=3)
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    (message,) = channel_posts(emu)
    assert message.ts == poll.message_ts
    assert await running.repo.get_poll(poll.id) is not None


async def test_a_summary_whose_posts_lost_their_answers_appears_once(
    running: RunningBot, emu: SlackEmulator
) -> None:
    people = emu.populate(40, CHANNEL)
    poll = await create(running, emu, 'new "What would make your week better?" remind:off')
    for index, person in enumerate(people):
        await running.driver.click(person, poll_message(emu, poll), "Answer")
        await emu.wait_for(partial(emu.views, person))
        await running.driver.submit_view(
            person, fill={"What would make your week better?": f"{index:02d} " + "wish " * 80}
        )
    await running.settle()
    emu.drop_response("chat.postMessage", times=2)  # the summary and its first thread reply
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    posts = summary_messages(emu, poll.message_ts)
    assert len(posts) >= 2, "the summary should need a thread reply"
    assert emu.dropped_responses == 2
    parts = [text_of(post.blocks) for post in posts]
    assert len(set(parts)) == len(parts), "a part was posted twice"
    for index in range(len(people)):
        assert sum(f"> {index:02d} wish" in part for part in parts) == 1


async def test_a_reminder_round_whose_posts_lost_their_answers_reminds_each_person_once(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" remind:off')
    emu.drop_response("chat.postMessage", times=3)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remind {poll.id}")
    await running.settle()
    assert emu.dropped_responses == 3
    assert reminded(emu, poll.id, PEOPLE) == dict.fromkeys(PEOPLE, 1)


# ---- 4. no Slack call before the create form's ack --------------------------------------------


async def test_a_slow_slack_does_not_hold_up_the_create_forms_ack(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.delay("conversations.info", 4.0)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER))
    # The driver gives up (AckTimeoutError) past Slack's 3 seconds.
    reply = await running.driver.submit_view(
        ORGANISER, fill={"Question 1": "Which snacks?", "Options for question 1": "Fruit\nNuts"}
    )
    assert reply.status == 200 and reply.body is None
    await running.settle()
    assert len(await running.repo.polls_with_status()) == 1
    assert len(channel_posts(emu)) == 1


async def test_a_slow_slack_does_not_hold_up_the_ack_of_a_form_naming_a_new_user_group(
    running: RunningBot, emu: SlackEmulator
) -> None:
    # Made after the bot learnt the workspace's groups: knowing it takes asking Slack, which
    # takes 4 s now. The form is acknowledged within Slack's 3 s all the same (the driver gives
    # up past them), and the group is resolved after the ack.
    emu.add_usergroup("S0LATE", "latecomers", [PEOPLE[1], PEOPLE[2]])
    emu.delay("usergroups.list", 4.0)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER))
    reply = await running.driver.submit_view(
        ORGANISER,
        fill={
            "Question 1": "Which snacks?",
            "Options for question 1": "Fruit\nNuts",
            "Who is asked": "Chosen people and groups",
            "User groups": "@latecomers",
        },
    )
    assert reply.status == 200 and reply.body is None
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    assert len(channel_posts(emu)) == 1
    for person in (PEOPLE[1], PEOPLE[2]):
        assert await running.repo.is_member(poll.id, person)
    assert not await running.repo.is_member(poll.id, PEOPLE[0])


async def test_a_channel_the_bot_cannot_post_in_is_reported_after_the_ack_with_the_form_kept(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.add_channel("G0SECRET", "secret", members=(ORGANISER,), private=True, bot_member=False)
    await running.driver.slash_command(ORGANISER, "G0SECRET", "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER))
    await running.driver.submit_view(
        ORGANISER, fill={"Question 1": "Which snacks?", "Options for question 1": "Fruit\nNuts"}
    )
    await running.settle()
    assert await running.repo.polls_with_status() == []
    # An ephemeral cannot reach a channel the bot is not in: the note comes by DM.
    problem = emu.dm_messages(ORGANISER)[-1]
    assert "Add me to it first" in shown(problem)
    await running.driver.click(ORGANISER, problem, "Open the form again")
    await emu.wait_for(lambda: emu.views(ORGANISER))
    form = text_of(emu.views(ORGANISER)[-1].blocks)
    assert "Which snacks?" in form and "Fruit\nNuts" in form


# ---- 5. a failed close is retried ----------------------------------------------------------


async def test_a_close_that_slack_refuses_is_retried_until_the_summary_is_out(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" closes:1h remind:off')
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Mon")
    await running.driver.app_home_opened(ORGANISER)
    await running.settle()
    emu.fail("chat.postMessage", status=200, error="internal_error", times=100)
    clock.advance(timedelta(hours=1, seconds=1))
    await running.settle()
    stuck = await running.repo.get_poll(poll.id)
    assert stuck is not None and stuck.status is PollStatus.CLOSING
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "list")
    await running.settle()
    assert "closing, retrying" in last_ephemeral(emu, ORGANISER)
    # The organiser's Home, open all along, says so too (within its minute between updates).
    clock.advance(timedelta(minutes=1))
    await running.settle()
    home = emu.home_view(ORGANISER)
    assert home is not None and "closing, retrying" in text_of(home.blocks)
    emu.clear_faults()
    clock.advance(timedelta(minutes=10))  # past the longest wait between tries
    await running.settle()
    closed = await running.repo.get_poll(poll.id)
    assert closed is not None and closed.status is PollStatus.CLOSED
    (summary,) = summary_messages(emu, poll.message_ts)
    assert "1 of 6" in text_of(summary.blocks)


# ---- 6. no click ends in silence -----------------------------------------------------------


async def test_an_answer_form_whose_trigger_expired_asks_to_click_again(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Ideas?" remind:off')
    emu.trigger_ttl = 0.0  # every trigger has expired by the time the bot uses it
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Answer")
    await running.settle()
    assert emu.views(PEOPLE[0]) == []
    assert "Please click again" in last_ephemeral(emu, PEOPLE[0])


async def test_a_slack_failure_after_a_command_ends_in_a_message(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    emu.fail("files.completeUploadExternal", error="internal_error")
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"export {poll.id}")
    await running.settle()
    assert "Slack didn't accept my request" in last_ephemeral(emu, ORGANISER)


# ---- 7. anonymous interim results do not follow time --------------------------------------


async def test_anonymous_interim_answers_are_not_in_the_order_given(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Your wish?" anonymous remind:off')
    message = poll_message(emu, poll)
    wishes = ["zebra day", "apple pie", "movie night", "board games"]
    for person, wish in zip(PEOPLE[:4], wishes, strict=True):
        await running.driver.click(person, message, "Answer")
        await emu.wait_for(partial(emu.views, person))
        await running.driver.submit_view(person, fill={"Your wish?": wish})
    await running.settle()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"results {poll.id}")
    await running.settle()
    results = last_ephemeral(emu, ORGANISER)
    found = [results.index(wish) for wish in ("apple", "board", "movie", "zebra")]
    assert found == sorted(found)


async def test_anonymous_interim_results_hide_a_question_answered_by_fewer_than_three(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER))
    await running.driver.click(ORGANISER, emu.views(ORGANISER)[-1], "➕ Add question")
    await emu.wait_for(lambda: "Question 2" in text_of(emu.views(ORGANISER)[-1].blocks))
    await running.driver.submit_view(
        ORGANISER,
        fill={
            "Question 1": "Which day?",
            "Options for question 1": "Mon\nTue",
            "Question 2": "Anything else?",
            "How question 2 is answered": "Free text",
            "Anonymity": ["Anonymous answers"],
        },
    )
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    message = poll_message(emu, poll)
    for index, person in enumerate(PEOPLE[:3]):
        await running.driver.click(person, message, "Answer")
        await emu.wait_for(partial(emu.views, person))
        fill = {"1. Which day?": "Mon"}
        if index == 0:
            fill["2. Anything else?"] = "only I wrote this"
        await running.driver.submit_view(person, fill=fill)
    await running.settle()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"results {poll.id}")
    await running.settle()
    results = last_ephemeral(emu, ORGANISER)
    assert "Mon (3)" in results
    assert "only I wrote this" not in results
    assert "Fewer than 3 people answered this question" in results


async def test_concurrent_clicks_of_one_person_keep_exactly_one_answer(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" "Wed"')
    message = poll_message(emu, poll)
    await asyncio.gather(
        *(running.driver.click(PEOPLE[0], message, label) for label in ("Mon", "Tue", "Wed"))
    )
    await running.settle()
    (response,) = await running.repo.responses(poll)
    assert response.answers[0] is not None and len(response.answers[0].choices) == 1
    assert (await running.repo.counts(poll.id)).answered == 1


# ---- 8. answers compare like with like ------------------------------------------------------


async def test_an_answer_stamped_before_a_stored_one_is_refused_not_stored(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    now = clock.now()
    assert await running.repo.record_vote(poll.id, PEOPLE[0], 1, now) is AnswerOutcome.STORED
    earlier = (QuestionAnswer(choices=(0,)),)
    outcome = await running.repo.record_response(
        poll.id, PEOPLE[0], earlier, now - timedelta(milliseconds=5)
    )
    assert outcome is AnswerOutcome.SUPERSEDED
    assert await stored_choices(running.settings, poll.id) == [(PEOPLE[0], 1)]


@pytest.mark.postgresql_only
@pytest.mark.parametrize("surface", ["click", "form"])
async def test_a_change_that_loses_to_a_newer_stored_answer_is_not_confirmed_as_saved(
    start_bot: BotFactory, emu: SlackEmulator, clock: ShiftableClock, surface: str
) -> None:
    # Two replicas on one database, one of them with a clock two seconds ahead. The person
    # answers through that one, then changes the answer through the other within the two
    # seconds: the change is stamped before the stored answer, so it loses, and the person
    # reads that it was not saved, never that it was.
    behind = await start_bot()
    ahead = await start_bot(bot_clock=ShiftableClock(clock.now() + timedelta(seconds=2)))
    if surface == "click":
        poll = await create(behind, emu, 'new "Best day?" "Mon" "Tue" remind:off')
        await ahead.driver.click(PEOPLE[0], poll_message(emu, poll), "Mon")
        await ahead.settle()
        await behind.driver.click(PEOPLE[0], poll_message(emu, poll), "Tue")
        await behind.settle()
        told = last_ephemeral(emu, PEOPLE[0])
        assert await stored_choices(behind.settings, poll.id) == [(PEOPLE[0], 0)]
    else:
        poll = await create(behind, emu, 'new "Your wish?" remind:off')
        for replica, wish in ((ahead, "a sauna evening"), (behind, "a longer lunch")):
            if emu.views(PEOPLE[0]):
                await replica.driver.close_view(PEOPLE[0], clear=True)  # the thanks, read
            await replica.driver.click(PEOPLE[0], poll_message(emu, poll), "Answer")
            await emu.wait_for(partial(emu.views, PEOPLE[0]))
            await replica.driver.submit_view(PEOPLE[0], fill={"Your wish?": wish})
            await replica.settle()
        told = text_of(emu.views(PEOPLE[0])[-1].blocks)
        stored = await behind.repo.response_of(poll.id, PEOPLE[0])
        assert stored is not None and stored.answers[0] is not None
        assert stored.answers[0].text == "a sauna evening"
    assert "was already saved, so this one was not" in told
    assert "is saved" not in told and "are saved" not in told
