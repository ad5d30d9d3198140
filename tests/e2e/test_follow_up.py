"""From wishes to a vote end to end: a closed poll's wishes, the organiser's next steps, the
follow-up form pre-filled with the wishes, and the follow-up poll asking exactly the same people."""

from __future__ import annotations

from collections import Counter
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import stop
from bot.clock import ShiftableClock
from bot.domain.model import Poll, PollStatus, QuestionAnswer, QuestionKind
from bot.domain.schedule import local_to_utc
from bot.services import jobs
from bot.slack import ids
from slack_emulator import Ephemeral, Message, SlackEmulator, View
from tests.e2e.conftest import (
    CHANNEL,
    FINN,
    ORGANISER,
    PEOPLE,
    BotFactory,
    RunningBot,
    eventually,
)
from tests.e2e.helpers import (
    channel_posts,
    create,
    last_ephemeral,
    poll_message,
    reminded,
    shown,
    text_of,
)
from tests.e2e.test_answer_kinds import (
    answer,
    assert_no_name,
    everything_the_organiser_and_channel_see,
    export,
    open_form,
    send,
    stored,
)
from tests.e2e.test_suggestions import suggest
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
    for person, wish in zip(people, ANSWERS, strict=False):
        await answer_in_modal(running, emu, person, message, {ids.answer_block_id(0): wish})
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
    for person, wish in zip(drawn, ("Coffee\nTea", "tea!", "Cake"), strict=True):
        await answer_in_modal(
            running, emu, person, poll_message(emu, original), {ids.answer_block_id(0): wish}
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


# --- the whole loop: free-text wishes, a dot vote or a ranking of the same people, its summary -


def follow_up_of(polls: list[Poll], original: Poll) -> Poll:
    (follow_up,) = [p for p in polls if p.follow_up_of == original.id]
    return follow_up


def summary_of(emu: SlackEmulator, poll: Poll) -> str:
    """The text of a poll's own summary: its posts from its results header on."""
    posts = [text_of(m.blocks) for m in channel_posts(emu)]
    first = next(n for n, text in enumerate(posts) if f"Results of poll #{poll.id}" in text)
    return "\n".join(posts[first:])


def summary_link(emu: SlackEmulator, poll: Poll) -> str:
    head = summary_messages(emu, poll.message_ts)[0]
    return f"https://wishbot-test.slack.com/archives/{CHANNEL}/p{head.ts.replace('.', '')}"


async def join(running: RunningBot, emu: SlackEmulator, user_id: str, name: str) -> None:
    emu.add_user(user_id, name, tz="Europe/Helsinki")
    emu.add_member(CHANNEL, user_id)
    await running.driver.event(
        {"type": "member_joined_channel", "user": user_id, "channel": CHANNEL}
    )
    await running.settle()


async def test_twelve_free_text_answers_become_a_dot_vote_of_exactly_the_original_people(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    people = [*PEOPLE, *emu.populate(7, CHANNEL)]
    original = await create(running, emu, 'new "What would make our office better?"')
    # Joining while the poll is open makes one of the people asked; this one never answers.
    await join(running, emu, "U0QUIET", "quiet")
    for person, wish in zip(people, ANSWERS, strict=True):
        await answer_in_modal(
            running, emu, person, poll_message(emu, original), {ids.answer_block_id(0): wish}
        )
        await running.settle()
    await close(running, original.id)
    asked = await running.repo.members_of(original.id)
    assert "U0QUIET" in asked and (await running.repo.counts(original.id)).answered == 12
    # Joining after the close does not make one of the people asked.
    await join(running, emu, "U0NEWBIE", "newbie")

    (told,) = next_steps(emu)
    form = await open_follow_up_form(running, emu, told)
    assert element(form, ids.FOLLOW_UP_WISHES_BLOCK)["initial_value"] == EXPECTED_WISHES
    method = element(form, ids.FOLLOW_UP_METHOD_BLOCK)
    # The method says how many dots and places each person gets unless changed below.
    assert [(o["text"]["text"], o["description"]["text"]) for o in method["options"]] == [
        ("Dot vote", "Each person spreads 3 dots over the wishes (set the number below)"),
        ("Ranking", "Each person ranks their top 3 wishes (set the number below)"),
        ("Pick one", "Each person picks the one wish that matters most to them"),
    ]
    reply = await running.driver.submit_view(
        ORGANISER, fill={"How people vote": "Dot vote", "Dots per person (dot vote)": "3"}
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()

    follow_up = follow_up_of(await running.repo.polls_with_status(), original)
    (question,) = follow_up.questions
    assert (question.kind, question.size) == (QuestionKind.DOTS, 3)
    assert question.text == "Which of these wishes matter most to you?"
    assert question.options == tuple(EXPECTED_WISHES.split("\n"))
    assert sorted(await running.repo.members_of(follow_up.id)) == sorted(asked)
    assert not await running.repo.is_member(follow_up.id, "U0NEWBIE")
    assert (follow_up.channel_id, follow_up.anonymous) == (original.channel_id, original.anonymous)
    link = summary_link(emu, original)
    message = text_of(poll_message(emu, follow_up).blocks)
    assert f"Follow-up to <{link}|#{original.id}>" in message
    assert "Spread 3 dots over the options" in message

    coffee, desks, quiet, plants, bike, lunch, plants_alone, chairs = question.options
    aino, bengt, carla, david, eeva = PEOPLE
    assert await answer(running, emu, follow_up, aino, {coffee: "2", desks: "1"}) == {}
    # Four dots of three: refused on the option whose dots went over, nothing stored.
    errors = await answer(running, emu, follow_up, bengt, {quiet: "3", plants: "1"})
    assert errors == {
        ids.answer_option_block_id(0, 3): "You gave 4 dots, but you have 3 in all. "
        "Take some away and send again."
    }
    assert await running.repo.response_of(follow_up.id, bengt) is None
    assert await send(running, emu, bengt, {plants: None}) == {}
    await open_form(running, emu, follow_up, eeva)
    assert "Anna yhteensä enintään 3 pistettä" in text_of(emu.views(eeva)[-1].blocks)
    assert await send(running, emu, eeva, {coffee: "1", quiet: "1", plants_alone: "1"}) == {}
    assert await answer(running, emu, follow_up, people[5], {desks: "2", bike: "1"}) == {}
    assert await answer(running, emu, follow_up, people[6], {coffee: "3"}) == {}
    assert await stored(running, follow_up, bengt) == QuestionAnswer(choices=(2, 2, 2))

    # A reminder round reaches exactly the original people who have not answered the vote
    # (but the organiser, who is never reminded of their own poll).
    answered = {ORGANISER, aino, bengt, eeva, people[5], people[6]}
    clock.advance(timedelta(days=1, seconds=1))
    await running.settle()
    everyone = [*asked, "U0NEWBIE"]
    not_answered = set(asked) - answered
    assert {carla, david, "U0QUIET", *people[7:]} == not_answered
    assert reminded(emu, follow_up.id, everyone) == Counter(dict.fromkeys(not_answered, 1))
    reminder = shown(emu.dm_messages(carla)[-1])
    assert "Which of these wishes matter most to you?" in reminder
    assert f"A vote on the wishes given in poll #{original.id}, asking the same people" in reminder

    await close(running, follow_up.id)
    summary = summary_of(emu, follow_up)
    assert f"Follow-up to <{link}|#{original.id}>" in summary
    # Who was asked: the original's people (not everyone in the channel now).
    assert f"Asked: the same people as poll #{original.id} · {len(asked)} asked" in summary
    # Coffee 2+1+3, quiet room 3+1, standing desks 1+2, a bike rack 1, plants 1: 15 dots.
    assert "5 answered · dots given: 15" in summary
    lines = [
        f"`████░░░░░░` 40% · {coffee} · dots: 6 · from 3 of 5",
        f"`███░░░░░░░` 27% · {quiet} · dots: 4 · from 2 of 5",
        f"`██░░░░░░░░` 20% · {desks} · dots: 3 · from 2 of 5",
        f"`█░░░░░░░░░` 7% · {bike} · dots: 1 · from 1 of 5",
        f"`█░░░░░░░░░` 7% · {plants_alone} · dots: 1 · from 1 of 5",
        f"`░░░░░░░░░░` 0% · {plants} · dots: 0 · from 0 of 5",
        f"`░░░░░░░░░░` 0% · {lunch} · dots: 0 · from 0 of 5",
        f"`░░░░░░░░░░` 0% · {chairs} · dots: 0 · from 0 of 5",
    ]
    positions = [summary.index(line) for line in lines]
    assert positions == sorted(positions)


async def test_wishes_become_a_ranking_with_exact_borda_points(
    running: RunningBot, emu: SlackEmulator
) -> None:
    original = await wish_poll(running, emu, list(PEOPLE))
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"prioritise {original.id}")
    await running.settle()
    await emu.wait_for(lambda: follow_up_forms(emu, ORGANISER), message="no follow-up form")
    form = follow_up_forms(emu, ORGANISER)[-1]
    # Five answers: coffee thrice, standing desks and quiet room twice, more plants once.
    wishes = "More coffee\nStanding desks\nQuiet room\nMore plants"
    assert element(form, ids.FOLLOW_UP_WISHES_BLOCK)["initial_value"] == wishes
    reply = await running.driver.submit_view(
        ORGANISER, fill={"How people vote": "Ranking", "Places to rank (ranking)": "2"}
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    follow_up = follow_up_of(await running.repo.polls_with_status(), original)
    (question,) = follow_up.questions
    assert (question.kind, question.size) == (QuestionKind.RANK, 2)
    assert "Rank your top 2" in text_of(poll_message(emu, follow_up).blocks)

    aino, bengt, carla, _david, eeva = PEOPLE
    fill = {"1st choice": "Quiet room", "2nd choice": "More coffee"}
    assert await answer(running, emu, follow_up, aino, fill) == {}
    errors = await answer(
        running, emu, follow_up, bengt, {"1st choice": "Quiet room", "2nd choice": "Quiet room"}
    )
    assert list(errors) == [ids.answer_place_block_id(0, 1)]
    assert await send(running, emu, bengt, {"2nd choice": "More plants"}) == {}
    assert await answer(running, emu, follow_up, carla, {"1st choice": "More coffee"}) == {}
    fill = {"1. valinta": "Standing desks", "2. valinta": "Quiet room"}
    assert await answer(running, emu, follow_up, eeva, fill) == {}

    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {follow_up.id}")
    await running.settle()
    summary = summary_of(emu, follow_up)
    assert f"Follow-up to <{summary_link(emu, original)}|#{original.id}>" in summary
    # Two points for a 1st place, one for a 2nd: quiet room 2+2+1, coffee 1+2, desks 2, plants 1.
    assert "4 answered · points: 2 for a 1st place, down to 1 for place 2" in summary
    lines = [
        "Quiet room · points: 5 · 1st places: 2",
        "More coffee · points: 3 · 1st places: 1",
        "Standing desks · points: 2 · 1st places: 1",
        "More plants · points: 1 · 1st places: 0",
    ]
    positions = [summary.index(line) for line in lines]
    assert positions == sorted(positions)


async def test_an_anonymous_wish_poll_becomes_an_anonymous_dot_vote_that_names_nobody(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    original = await create(running, emu, 'new "What should we change?" anonymous')
    answers = ("Coffee\nTea", "- Tea\n- Cake", "Cake", "Coffee")
    for person, wish in zip(PEOPLE, answers, strict=False):
        await answer_in_modal(
            running, emu, person, poll_message(emu, original), {ids.answer_block_id(0): wish}
        )
        await running.settle()
    await close(running, original.id)
    form = await open_follow_up_form(running, emu, next_steps(emu)[0])
    assert "anonymously" in text_of(form.blocks)
    reply = await running.driver.submit_view(ORGANISER, fill={"How people vote": "Dot vote"})
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    follow_up = follow_up_of(await running.repo.polls_with_status(), original)
    assert follow_up.anonymous
    # Anonymous answers come sorted (their order must not tell who wrote which): ties follow it.
    assert follow_up.questions[0].options == ("Tea", "Cake", "Coffee")
    assert sorted(await running.repo.members_of(follow_up.id)) == sorted(
        await running.repo.members_of(original.id)
    )

    aino, bengt, carla, david, eeva = PEOPLE
    assert await answer(running, emu, follow_up, aino, {"Coffee": "3"}) == {}
    assert await answer(running, emu, follow_up, bengt, {"Tea": "2", "Cake": "1"}) == {}
    assert await answer(running, emu, follow_up, eeva, {"Cake": "3"}) == {}
    clock.advance(timedelta(days=1, seconds=1))  # a reminder round to those who did not answer
    await running.settle()
    assert reminded(emu, follow_up.id, [ORGANISER, *PEOPLE]) == Counter({carla: 1, david: 1})
    await close(running, follow_up.id)
    summary = summary_of(emu, follow_up)
    assert "3 answered · dots given: 9" in summary
    assert "`████░░░░░░` 44% · Cake · dots: 4 · from 2 of 3" in summary
    await export(running, emu, follow_up)

    surfaces = [everything_the_organiser_and_channel_see(emu)]
    surfaces += [
        shown(m) for m in emu.thread(CHANNEL, summary_messages(emu, original.message_ts)[0].ts)
    ]
    for person in (ORGANISER, *PEOPLE):
        surfaces += [shown(m) for m in emu.dm_messages(person)]
        surfaces += [shown(e) for e in emu.ephemerals(person)]
        surfaces += [text_of(v.blocks) for v in emu.views(person)]
    everything = "\n".join(surfaces)
    assert f"Follow-up to <{summary_link(emu, original)}|#{original.id}>" in everything
    # Nothing anyone sees, the respondents themselves included, names who answered.
    assert_no_name(everything, (aino, bengt, eeva))


async def test_a_finnish_organisers_follow_up_reads_naturally_in_finnish(
    running: RunningBot, emu: SlackEmulator
) -> None:
    original = await create(running, emu, 'new "Mitä toivoisit?" remind:off', user=FINN)
    for person, wish in zip(
        PEOPLE[:3],
        ("Kahvia\nTeetä", "- teetä\n- Kakkua", "kahvia!\nPullaa & <kakkua>"),
        strict=True,
    ):
        # The channel's poll message is in the organiser's language.
        await running.driver.click(person, poll_message(emu, original), "Vastaa")
        await running.settle()
        await running.driver.submit_view(person, fill={ids.answer_block_id(0): wish})
        await running.settle()
    await close(running, original.id, user=FINN)
    await running.driver.slash_command(FINN, CHANNEL, "/wishes", f"priorisoi {original.id}")
    await running.settle()
    await emu.wait_for(lambda: follow_up_forms(emu, FINN), message="no follow-up form")
    form = follow_up_forms(emu, FINN)[-1]
    # People's text reads as typed in the list, and is stored once encoded from it.
    wishes = "Kahvia\nTeetä\nKakkua\nPullaa & <kakkua>"
    assert element(form, ids.FOLLOW_UP_WISHES_BLOCK)["initial_value"] == wishes
    method = element(form, ids.FOLLOW_UP_METHOD_BLOCK)
    assert [(o["text"]["text"], o["description"]["text"]) for o in method["options"]] == [
        ("Pisteäänestys", "Kukin jakaa toiveille 3 pistettä (määrän voi muuttaa alempana)"),
        ("Järjestys", "Kukin asettaa 3 mieluisinta toivetta järjestykseen (määrä alempana)"),
        ("Valitse yksi", "Kukin valitsee yhden, itselleen tärkeimmän toiveen"),
    ]
    reply = await running.driver.submit_view(
        FINN,
        fill={
            "Miten äänestetään": "Pisteäänestys",
            "Pisteitä vastaajaa kohden (pisteäänestys)": "2",
        },
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    follow_up = follow_up_of(await running.repo.polls_with_status(), original)
    assert follow_up.questions[0].text == "Mitkä näistä toiveista ovat sinulle tärkeimpiä?"
    stored_wish = "Pullaa &amp; &lt;kakkua&gt;"
    assert follow_up.questions[0].options == ("Kahvia", "Teetä", "Kakkua", stored_wish)
    message = text_of(poll_message(emu, follow_up).blocks)
    head = next(
        m for m in channel_posts(emu) if f"Kyselyn #{original.id} tulokset" in text_of(m.blocks)
    )
    link = f"https://wishbot-test.slack.com/archives/{CHANNEL}/p{head.ts.replace('.', '')}"
    assert (
        f"Jatkoa kyselylle <{link}|#{original.id}>: sen toiveista äänestävät samat ihmiset, "
        "joilta silloin kysyttiin." in message
    )
    assert "Jaa 2 pistettä vaihtoehdoille" in message
    assert "Äänestäjinä ovat samat ihmiset, joilta tässä kyselyssä kysyttiin" in "\n".join(
        text_of(m.blocks) for m in emu.thread(CHANNEL, head.ts)
    )
    # The wish is the answer form's label as typed, and the summary's option as typed.
    await running.driver.close_view(PEOPLE[0], clear=True)
    await running.driver.click(PEOPLE[0], poll_message(emu, follow_up), "Vastaa")
    await emu.wait_for(lambda: emu.views(PEOPLE[0]), message="no answer form")
    await running.driver.submit_view(PEOPLE[0], fill={"Pullaa & <kakkua>": "2"})
    await running.settle()
    await close(running, follow_up.id, user=FINN)
    summary = next(
        text_of(m.blocks)
        for m in channel_posts(emu)
        if f"Kyselyn #{follow_up.id} tulokset" in text_of(m.blocks)
    )
    assert f"Kysyttiin: samoilta ihmisiltä kuin kyselyssä #{original.id}" in summary
    assert "Pullaa &amp; &lt;kakkua&gt; · pisteitä: 2 · 1/1 vastaajalta" in summary


async def test_a_follow_up_leaves_out_only_those_deactivated_since_the_original(
    start_bot: BotFactory, emu: SlackEmulator
) -> None:
    first = await start_bot()
    original = await create(
        first, emu, f'new "What should we change?" to:<@{PEOPLE[0]}> <@{PEOPLE[1]}> <@{PEOPLE[2]}>'
    )
    for person, wish in zip(PEOPLE[:3], ("Coffee", "Tea", "Cake"), strict=True):
        await answer_in_modal(
            first, emu, person, poll_message(emu, original), {ids.answer_block_id(0): wish}
        )
        await first.settle()
    await close(first, original.id)
    # Deactivated after the original closed; the next start reads the directory afresh.
    gone = PEOPLE[2]
    emu.add_user(gone, "carol", deleted=True)
    await stop(first.bot)
    again = await start_bot()

    await again.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"prioritise {original.id}")
    await again.settle()
    await emu.wait_for(lambda: follow_up_forms(emu, ORGANISER), message="no follow-up form")
    reply = await again.driver.submit_view(ORGANISER, fill={ids.FOLLOW_UP_METHOD_BLOCK: "Pick one"})
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await again.settle()

    follow_up = follow_up_of(await again.repo.polls_with_status(), original)
    assert sorted(await again.repo.members_of(follow_up.id)) == sorted(
        [ORGANISER, PEOPLE[0], PEOPLE[1]]
    )


async def test_a_choice_poll_with_suggestions_offers_its_suggestions_as_wishes(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Team lunch?" "Pizza" "Sushi" open')
    await suggest(running, emu, PEOPLE[0], poll.id, "Tacos")
    await suggest(running, emu, PEOPLE[1], poll.id, "Ramen")
    for person, label in zip(PEOPLE[2:], ["Ramen", "Tacos", "Ramen"], strict=True):
        await running.driver.click(person, poll_message(emu, poll), label)
    await running.settle()
    await close(running, poll.id)

    # Its suggestions are wishes: the organiser is told what next, the summary has the buttons.
    (told,) = next_steps(emu)
    assert "Vote on these wishes" in text_of(told.blocks)
    (summary,) = summary_messages(emu, poll.message_ts)
    assert ids.PRIORITISE_ACTION in text_of(summary.blocks)
    assert ids.OUTCOME_ACTION in text_of(summary.blocks)
    await running.driver.click(PEOPLE[2], summary, "Vote on these wishes")
    await running.settle()
    assert f"Only the person who created poll #{poll.id}" in last_ephemeral(emu, PEOPLE[2])
    assert not follow_up_forms(emu, PEOPLE[2])

    # The summary's button opens the form with the suggested options, one per line.
    form = await open_follow_up_form(running, emu, summary)
    assert element(form, ids.FOLLOW_UP_WISHES_BLOCK)["initial_value"] == "Tacos\nRamen"
    reply = await running.driver.submit_view(
        ORGANISER,
        fill={ids.FOLLOW_UP_WISHES_BLOCK: "Tacos\nRamen\nPizza", "How people vote": "Ranking"},
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    follow_up = follow_up_of(await running.repo.polls_with_status(), poll)
    (question,) = follow_up.questions
    assert (question.kind, question.size, question.options) == (
        QuestionKind.RANK,
        3,
        ("Tacos", "Ramen", "Pizza"),
    )
    assert sorted(await running.repo.members_of(follow_up.id)) == sorted(
        await running.repo.members_of(poll.id)
    )


async def test_the_follow_up_closes_and_reminds_as_chosen_in_its_form(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    original = await wish_poll(running, emu, list(PEOPLE))
    form = await open_follow_up_form(running, emu, next_steps(emu)[0])
    day = (clock.now() + timedelta(days=9)).astimezone(ZoneInfo("Europe/Helsinki")).date()
    reply = await running.driver.submit_view(
        ORGANISER,
        form.id,
        fill={
            ids.CLOSE_DATE_BLOCK: day.isoformat(),
            ids.CLOSE_TIME_BLOCK: "15:30",
            ids.REMIND_BLOCK: "Every 2 days",
        },
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    follow_up = follow_up_of(await running.repo.polls_with_status(), original)
    assert follow_up.closes_at == local_to_utc(day, time(15, 30), ZoneInfo("Europe/Helsinki"))
    assert follow_up.remind_every == timedelta(days=2)
    # The first round goes out two days on, to those of the original people who have not voted.
    clock.advance(timedelta(days=1, hours=23))
    await running.settle()
    assert reminded(emu, follow_up.id, [ORGANISER, *PEOPLE]) == Counter()
    clock.advance(timedelta(hours=1, seconds=1))
    await running.settle()
    assert reminded(emu, follow_up.id, [ORGANISER, *PEOPLE]) == Counter(dict.fromkeys(PEOPLE, 1))


async def test_a_wish_poll_without_wishes_to_show_offers_no_next_steps_and_says_why(
    running: RunningBot, emu: SlackEmulator
) -> None:
    # Nobody answered the Finnish organiser's poll: no wishes.
    unanswered = await create(running, emu, 'new "Toiveita?" remind:off', user=FINN)
    await close(running, unanswered.id, user=FINN)
    # Two answered an anonymous poll: its wishes are not shown, so not offered either.
    hidden = await create(running, emu, 'new "Any secret wishes?" anonymous remind:off')
    for person, wish in zip(PEOPLE[:2], ("Sauna", "Cake"), strict=True):
        await answer_in_modal(
            running, emu, person, poll_message(emu, hidden), {ids.answer_block_id(0): wish}
        )
        await running.settle()
    await close(running, hidden.id)

    assert next_steps(emu) == [] and next_steps(emu, FINN) == []
    # Both summaries are out, with neither button.
    posts = "\n".join(text_of(m.blocks) for m in channel_posts(emu))
    assert f"Kyselyn #{unanswered.id} tulokset" in posts
    assert f"Results of poll #{hidden.id}" in posts
    assert ids.PRIORITISE_ACTION not in posts and ids.OUTCOME_ACTION not in posts
    await running.driver.slash_command(FINN, CHANNEL, "/wishes", f"priorisoi {unanswered.id}")
    await running.settle()
    assert f"Kyselyyn #{unanswered.id} ei kirjoitettu yhtään toivetta" in last_ephemeral(emu, FINN)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"prioritise {hidden.id}")
    await running.settle()
    assert "too few answered it" in last_ephemeral(emu, ORGANISER)
    assert not follow_up_forms(emu, ORGANISER) and not follow_up_forms(emu, FINN)
