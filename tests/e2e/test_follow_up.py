"""From wishes to a vote end to end: a closed poll's wishes, the organiser's next steps, the
follow-up form pre-filled with the wishes, and the follow-up poll asking exactly the same people."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.clock import ShiftableClock
from bot.domain.model import Poll, PollStatus, QuestionKind
from bot.services import jobs
from bot.slack import ids
from slack_emulator import Ephemeral, Message, SlackEmulator, View
from tests.e2e.conftest import CHANNEL, FINN, ORGANISER, PEOPLE, RunningBot, eventually
from tests.e2e.helpers import channel_posts, create, last_ephemeral, poll_message, text_of
from tests.e2e.test_summary import answer_in_modal, close, summary_messages

LONG_WISH = (
    "A longer lunch break on Fridays, so that we can actually go out and eat somewhere nice "
    "together"
)
# Twelve answers: some list several wishes (on lines, with bullets or numbers), some repeat
# another's wish in other case or punctuation.
ANSWERS = (
    "More coffee",
    "- more coffee\n- Standing desks",
    "Standing desks!",
    "1. Quiet room\n2. More plants\n3. more COFFEE",
    "quiet-room",
    LONG_WISH,
    "• Plants\n• Standing desks",
    "MORE COFFEE.",
    "A bike rack",
    "Quiet room",
    "a bike rack",
    "Better chairs\nMore plants",
)
# Most wished first; a tie keeps the order in which the wish was first seen.
EXPECTED_WISHES = "\n".join(
    [
        "More coffee",  # 4
        "Standing desks",  # 3
        "Quiet room",  # 3
        "More plants",  # 2
        "A bike rack",  # 2
        "A longer lunch break on Fridays, so that we can actually go out and eat…",  # 1
        "Plants",  # 1
        "Better chairs",  # 1
    ]
)
EDITED_WISHES = (
    "More coffee\nStanding desks\nA quiet room\nMore plants\nA bike rack\nTeam breakfast"
)


def next_steps(emu: SlackEmulator, user: str = ORGANISER) -> list[Ephemeral]:
    return [e for e in emu.ephemerals(user) if ids.PRIORITISE_ACTION in text_of(e.blocks)]


def follow_up_forms(emu: SlackEmulator, user: str) -> list[View]:
    return [v for v in emu.views(user) if v.definition.get("callback_id") == ids.FOLLOW_UP_VIEW]


def element(view: View, block_id: str) -> dict[str, Any]:
    block = next(b for b in view.blocks if b.get("block_id") == block_id)
    found: dict[str, Any] = block["element"]
    return found


async def wish_poll(
    running: RunningBot, emu: SlackEmulator, people: list[str], *, text: str = ""
) -> Poll:
    """A free-text poll answered with ANSWERS, one person each, then closed."""
    poll = await create(running, emu, text or 'new "What would make our office better?"')
    message = poll_message(emu, poll)
    for person, answer in zip(people, ANSWERS, strict=False):
        await answer_in_modal(running, emu, person, message, {ids.answer_block_id(0): answer})
        await running.settle()
    await close(running, poll.id)
    return poll


async def open_follow_up_form(
    running: RunningBot, emu: SlackEmulator, target: Message | Ephemeral
) -> View:
    await running.driver.click(ORGANISER, target, "Vote on these wishes")
    await running.settle()
    await emu.wait_for(lambda: follow_up_forms(emu, ORGANISER), message="no follow-up form")
    return follow_up_forms(emu, ORGANISER)[-1]


async def test_wishes_become_a_follow_up_vote_of_exactly_the_same_people(
    running: RunningBot, emu: SlackEmulator
) -> None:
    people = [*PEOPLE, *emu.populate(7, CHANNEL)]
    original = await wish_poll(running, emu, people)
    asked = await running.repo.members_of(original.id)
    assert (await running.repo.counts(original.id)).answered == 12

    # The organiser is told what next, once; the summary's last part carries the same buttons.
    (told,) = next_steps(emu)
    assert "Vote on these wishes" in text_of(told.blocks)
    assert "Record what we did" in text_of(told.blocks)
    summary = summary_messages(emu, original.message_ts)
    assert ids.PRIORITISE_ACTION in text_of(summary[-1].blocks)
    assert ids.OUTCOME_ACTION in text_of(summary[-1].blocks)

    # Someone else pressing the summary's button is refused politely, and gets no form.
    await running.driver.click(PEOPLE[1], summary[0], "Vote on these wishes")
    await running.settle()
    assert f"Only the person who created poll #{original.id}" in last_ephemeral(emu, PEOPLE[1])
    assert not follow_up_forms(emu, PEOPLE[1])

    # The channel gains a member after the original closed: the follow-up does not ask them.
    emu.add_user("U0NEWBIE", "newbie", tz="Europe/Helsinki")
    emu.add_member(CHANNEL, "U0NEWBIE")
    await running.driver.event(
        {"type": "member_joined_channel", "user": "U0NEWBIE", "channel": CHANNEL}
    )
    await running.settle()

    form = await open_follow_up_form(running, emu, told)
    assert element(form, ids.FOLLOW_UP_WISHES_BLOCK)["initial_value"] == EXPECTED_WISHES
    assert "shortened" in text_of(form.blocks)
    reply = await running.driver.submit_view(
        ORGANISER,
        fill={ids.FOLLOW_UP_WISHES_BLOCK: EDITED_WISHES, ids.FOLLOW_UP_METHOD_BLOCK: "Pick one"},
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    # Slack retrying the submission makes no second follow-up.
    await running.driver.retry(reply)
    await running.settle()

    follow_ups = [p for p in await running.repo.polls_with_status() if p.follow_up_of]
    assert len(follow_ups) == 1
    follow_up = follow_ups[0]
    assert follow_up.follow_up_of == original.id
    assert follow_up.id != original.id
    (question,) = follow_up.questions
    assert question.kind is QuestionKind.SINGLE
    assert question.text == "Which of these wishes matter most to you?"
    assert question.options == tuple(EDITED_WISHES.split("\n"))
    assert sorted(await running.repo.members_of(follow_up.id)) == sorted(asked)
    assert not await running.repo.is_member(follow_up.id, "U0NEWBIE")
    assert (follow_up.channel_id, follow_up.anonymous) == (original.channel_id, original.anonymous)

    # Its message says whose follow-up it is, linking to the original summary.
    head = summary[0]
    link = f"https://wishbot-test.slack.com/archives/{CHANNEL}/p{head.ts.replace('.', '')}"
    shown = text_of(poll_message(emu, follow_up).blocks)
    assert f"Follow-up to <{link}|#{original.id}>" in shown
    # The original summary's thread links to the follow-up, once.
    links = [
        m for m in emu.thread(CHANNEL, head.ts) if f"poll #{follow_up.id}" in text_of(m.blocks)
    ]
    assert len(links) == 1
    follow_up_link = f"/p{(follow_up.message_ts or '').replace('.', '')}"
    assert follow_up_link in text_of(links[0].blocks)
    assert f"same {len(asked)} people" in last_ephemeral(emu, ORGANISER)

    # Someone joining the channel now is not asked either (it is not a channel-wide poll).
    emu.add_user("U0LATE", "late", tz="Europe/Helsinki")
    emu.add_member(CHANNEL, "U0LATE")
    await running.driver.event(
        {"type": "member_joined_channel", "user": "U0LATE", "channel": CHANNEL}
    )
    await running.settle()
    assert not await running.repo.is_member(follow_up.id, "U0LATE")

    # It is an ordinary poll: answered with a click, closed with a summary of its own.
    await running.driver.click(PEOPLE[2], poll_message(emu, follow_up), "Team breakfast")
    await running.settle()
    await close(running, follow_up.id)
    closed = await running.repo.get_poll(follow_up.id)
    assert closed is not None and closed.status is PollStatus.CLOSED
    follow_up_summary = [
        m for m in channel_posts(emu) if f"Results of poll #{follow_up.id}" in text_of(m.blocks)
    ]
    assert f"Follow-up to <{link}|#{original.id}>" in text_of(follow_up_summary[0].blocks)
    # A choice vote gathers no wishes: no next steps for it.
    assert len(next_steps(emu)) == 1


async def test_a_sample_follow_up_asks_the_drawn_people_anonymously_by_dot_vote(
    running: RunningBot, emu: SlackEmulator
) -> None:
    original = await create(running, emu, 'new "What should we change?" anonymous sample:3')
    drawn = [p for p in await running.repo.members_of(original.id) if p != ORGANISER]
    assert len(drawn) == 3
    for person, answer in zip(drawn, ("Coffee\nTea", "tea!", "Cake"), strict=True):
        await answer_in_modal(
            running, emu, person, poll_message(emu, original), {ids.answer_block_id(0): answer}
        )
        await running.settle()
    await close(running, original.id)

    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"prioritise {original.id}")
    await running.settle()
    await emu.wait_for(lambda: follow_up_forms(emu, ORGANISER), message="no follow-up form")
    form = follow_up_forms(emu, ORGANISER)[-1]
    # An anonymous poll's answers come sorted (their order must not tell who wrote which), so
    # ties follow that order.
    assert element(form, ids.FOLLOW_UP_WISHES_BLOCK)["initial_value"] == "Tea\nCake\nCoffee"
    assert "anonymously" in text_of(form.blocks)
    reply = await running.driver.submit_view(ORGANISER, fill={ids.FOLLOW_UP_DOTS_BLOCK: "4"})
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()

    (follow_up,) = [p for p in await running.repo.polls_with_status() if p.follow_up_of]
    (question,) = follow_up.questions
    assert (question.kind, question.size) == (QuestionKind.DOTS, 4)
    assert question.options == ("Tea", "Cake", "Coffee")
    assert follow_up.anonymous
    assert sorted(await running.repo.members_of(follow_up.id)) == sorted(drawn)


async def test_a_wish_list_that_cannot_be_a_vote_is_refused_in_the_form(
    running: RunningBot, emu: SlackEmulator
) -> None:
    original = await wish_poll(running, emu, list(PEOPLE))
    form = await open_follow_up_form(running, emu, next_steps(emu)[0])
    for wishes, message in [
        (
            "\n".join(f"Wish number {n}" for n in range(26)),
            "That is 26 wishes, and a vote takes at most 25. Remove 1",
        ),
        ("Only one wish", "at least 2 wishes"),
        ("Fine\n" + "x" * 76, "Wish 2 is longer than 75 characters"),
        ("Coffee\ncoffee!", "on the list twice"),
    ]:
        reply = await running.driver.submit_view(
            ORGANISER, form.id, fill={ids.FOLLOW_UP_WISHES_BLOCK: wishes}
        )
        assert reply.body is not None and reply.body["response_action"] == "errors"
        assert message in reply.body["errors"][ids.FOLLOW_UP_WISHES_BLOCK]
    # The close is checked as in the create form: a date in the past is refused at its field.
    reply = await running.driver.submit_view(
        ORGANISER,
        form.id,
        fill={ids.FOLLOW_UP_WISHES_BLOCK: "Coffee\nTea", ids.CLOSE_DATE_BLOCK: "2020-01-01"},
    )
    assert reply.body is not None and ids.CLOSE_DATE_BLOCK in reply.body["errors"]
    reply = await running.driver.submit_view(
        ORGANISER,
        form.id,
        fill={
            ids.FOLLOW_UP_WISHES_BLOCK: "Coffee\nTea",
            ids.CLOSE_DATE_BLOCK: None,
            ids.FOLLOW_UP_METHOD_BLOCK: "rank",
        },
    )
    assert reply.body is not None
    assert "from 2 to 2 places" in reply.body["errors"][ids.FOLLOW_UP_PLACES_BLOCK]
    assert [p.id for p in await running.repo.polls_with_status()] == [original.id]


async def test_prioritise_is_for_the_organiser_of_a_closed_poll_of_wishes(
    running: RunningBot, emu: SlackEmulator
) -> None:
    open_poll = await create(running, emu, 'new "Any wishes?"')
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"prioritise {open_poll.id}")
    await running.settle()
    assert f"Poll #{open_poll.id} is still open" in last_ephemeral(emu, ORGANISER)
    await close(running, open_poll.id)
    await running.driver.slash_command(PEOPLE[0], CHANNEL, "/wishes", f"priorisoi {open_poll.id}")
    await running.settle()
    assert f"Only the person who created poll #{open_poll.id}" in last_ephemeral(emu, PEOPLE[0])
    assert not follow_up_forms(emu, PEOPLE[0])
    choice = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    await close(running, choice.id)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"prioritise {choice.id}")
    await running.settle()
    assert "no wishes to vote on" in last_ephemeral(emu, ORGANISER)
    assert ids.PRIORITISE_ACTION not in text_of(summary_messages(emu, choice.message_ts)[-1].blocks)
    assert not follow_up_forms(emu, ORGANISER)


async def test_a_close_run_again_tells_the_next_steps_once(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await wish_poll(running, emu, list(PEOPLE))
    posts = len(channel_posts(emu))
    assert len(next_steps(emu)) == 1
    # As if the close had stopped just before its end and another runner took it over.
    async with running.repo.db.transaction() as conn:
        await conn.execute("UPDATE polls SET status = 'closing' WHERE id = ?", (poll.id,))
    await running.bot.runner.queue.schedule(jobs.CLOSE, poll.id, running.bot.clock.now())

    async def closed() -> bool:
        again = await running.repo.get_poll(poll.id)
        return again is not None and again.status is PollStatus.CLOSED

    await eventually(closed)
    await running.settle()
    assert len(next_steps(emu)) == 1
    assert len(channel_posts(emu)) == posts


async def test_an_organiser_no_longer_in_the_channel_gets_the_next_steps_by_dm_in_finnish(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    poll = await create(running, emu, 'new "Mitä toivoisit?" closes:1h remind:off', user=FINN)
    for person in PEOPLE[:3]:
        await running.driver.click(person, poll_message(emu, poll), "Vastaa")
        await running.settle()
        await running.driver.submit_view(person, fill={ids.answer_block_id(0): "Kahvia"})
        await running.settle()
    emu.remove_member(CHANNEL, FINN)
    clock.advance(timedelta(hours=1, seconds=1))
    await running.settle()
    assert not next_steps(emu, FINN)
    (dm,) = [m for m in emu.dm_messages(FINN) if ids.PRIORITISE_ACTION in text_of(m.blocks)]
    assert "Äänestä toiveista" in text_of(dm.blocks)
    assert "Kirjaa, mitä teimme" in text_of(dm.blocks)
