"""Answering end to end: one click, changes, the modal, who may answer, bursts, duplicates."""

from __future__ import annotations

import asyncio
import itertools

from bot.domain.model import QuestionAnswer
from bot.slack import ids
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import create, create_with_form, last_ephemeral, poll_message, text_of


async def answers_of(
    running: RunningBot, poll_id: int, user: str
) -> tuple[QuestionAnswer | None, ...]:
    response = await running.repo.response_of(poll_id, user)
    assert response is not None, f"{user} has no stored answer"
    return response.answers


async def test_one_click_answers_and_confirms_ephemerally(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" "Wed"')
    message = poll_message(emu, poll)
    assert ids.OPEN_ANSWER_ACTION not in text_of(message.blocks)  # one click, no modal
    reply = await running.driver.click(PEOPLE[0], message, "Tue")
    assert reply.status == 200
    await running.settle()
    assert (await answers_of(running, poll.id, PEOPLE[0]))[0] == QuestionAnswer(choices=(1,))
    note = last_ephemeral(emu, PEOPLE[0])
    assert "Tue" in note and f"#{poll.id}" in note
    assert emu.calls_to("chat.postEphemeral") == []  # the note went through response_url
    await emu.wait_for(lambda: "1 of 6 answered" in text_of(poll_message(emu, poll).blocks))


async def test_changing_a_one_click_answer_keeps_only_the_last(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" "Wed"')
    for label in ("Mon", "Wed", "Tue"):
        await running.driver.click(PEOPLE[1], poll_message(emu, poll), label)
        await running.settle()
    assert (await answers_of(running, poll.id, PEOPLE[1]))[0] == QuestionAnswer(choices=(1,))
    counts = await running.repo.counts(poll.id)
    assert counts.answered == 1
    assert len(await running.repo.responses(poll)) == 1
    await emu.wait_for(lambda: "1 of 6 answered" in text_of(poll_message(emu, poll).blocks))


async def test_double_clicks_and_retried_deliveries_count_once(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    message = poll_message(emu, poll)
    first = await running.driver.click(PEOPLE[0], message, "Mon")
    await running.driver.retry(first)
    await running.driver.retry(first, reason="http_error")
    await asyncio.gather(*(running.driver.click(PEOPLE[1], message, "Tue") for _ in range(4)))
    await running.settle()
    counts = await running.repo.counts(poll.id)
    assert counts.answered == 2
    responses = await running.repo.responses(poll)
    assert sorted(r.answers[0].choices for r in responses if r.answers[0]) == [(0,), (1,)]
    await emu.wait_for(lambda: "2 of 6 answered" in text_of(poll_message(emu, poll).blocks))


async def test_multi_choice_answers_in_the_modal_prefilled_with_the_earlier_answer(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Which days?" "Mon" "Tue" "Wed" multi')
    message = poll_message(emu, poll)
    await running.driver.click(PEOPLE[2], message, "Answer")
    await emu.wait_for(lambda: emu.views(PEOPLE[2]), message="no answer modal")
    view = emu.views(PEOPLE[2])[-1]
    assert view.callback_id == ids.ANSWER_VIEW
    await running.driver.submit_view(PEOPLE[2], fill={ids.answer_block_id(0): ["0", "2"]})
    await running.settle()
    assert (await answers_of(running, poll.id, PEOPLE[2]))[0] == QuestionAnswer(choices=(0, 2))
    assert "saved" in text_of(emu.views(PEOPLE[2])[-1].blocks)
    await running.driver.close_view(PEOPLE[2], clear=True)
    # Opening the form again shows the earlier answer.
    await running.driver.click(PEOPLE[2], message, "Answer")
    await emu.wait_for(lambda: emu.views(PEOPLE[2]))
    element = next(
        b["element"]
        for b in emu.views(PEOPLE[2])[-1].blocks
        if b.get("block_id") == ids.answer_block_id(0)
    )
    assert sorted(o["value"] for o in element["initial_options"]) == ["0", "2"]
    await running.driver.submit_view(PEOPLE[2], fill={ids.answer_block_id(0): ["1"]})
    await running.settle()
    assert (await answers_of(running, poll.id, PEOPLE[2]))[0] == QuestionAnswer(choices=(1,))
    assert (await running.repo.counts(poll.id)).answered == 1


async def test_several_questions_rating_and_text_in_one_modal_prefilled(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create_with_form(
        running,
        emu,
        [
            ("Which format?", "single", "Workshop\nTalk"),
            ("How was the last one?", "rating", ""),
            ("Anything else?", "text", ""),
        ],
    )
    assert len(poll.questions) == 3
    message = poll_message(emu, poll)
    await running.driver.click(PEOPLE[3], message, "Answer")
    await emu.wait_for(lambda: emu.views(PEOPLE[3]))
    await running.driver.submit_view(
        PEOPLE[3],
        fill={
            ids.answer_block_id(0): "1",
            ids.answer_block_id(1): "4",
            ids.answer_block_id(2): "More snacks, please",
        },
    )
    await running.settle()
    assert await answers_of(running, poll.id, PEOPLE[3]) == (
        QuestionAnswer(choices=(1,)),
        QuestionAnswer(rating=4),
        QuestionAnswer(text="More snacks, please"),
    )
    await running.driver.close_view(PEOPLE[3], clear=True)
    await running.driver.click(PEOPLE[3], message, "Answer")
    await emu.wait_for(lambda: emu.views(PEOPLE[3]))
    elements = {
        b["block_id"]: b["element"]
        for b in emu.views(PEOPLE[3])[-1].blocks
        if b.get("type") == "input"
    }
    assert elements[ids.answer_block_id(0)]["initial_option"]["value"] == "1"
    assert elements[ids.answer_block_id(1)]["initial_option"]["value"] == "4"
    assert elements[ids.answer_block_id(2)]["initial_value"] == "More snacks, please"
    # An empty form is refused inline.
    reply = await running.driver.submit_view(
        PEOPLE[3],
        fill={
            ids.answer_block_id(0): None,
            ids.answer_block_id(1): None,
            ids.answer_block_id(2): None,
        },
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert (await answers_of(running, poll.id, PEOPLE[3]))[1] == QuestionAnswer(rating=4)


async def test_person_outside_the_audience_is_refused_politely(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.add_user("U0OUTSIDER", "outsider", tz="Europe/Helsinki")
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" to:<@U0AINO|aino>')
    emu.add_member(CHANNEL, "U0OUTSIDER")
    await running.driver.click("U0BENGT", poll_message(emu, poll), "Mon")
    await running.settle()
    assert "wasn't sent to you" in last_ephemeral(emu, "U0BENGT")
    assert await running.repo.response_of(poll.id, "U0BENGT") is None
    assert (await running.repo.counts(poll.id)).answered == 0


async def test_a_newcomer_to_the_channel_may_answer_channel_wide_polls(
    running: RunningBot, emu: SlackEmulator
) -> None:
    channel_poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    chosen_poll = await create(running, emu, 'new "Lunch?" "Yes" "No" to:<@U0AINO|aino>')
    emu.add_user("U0NEWBIE", "newbie", tz="Europe/Helsinki")
    emu.add_member(CHANNEL, "U0NEWBIE")
    await running.driver.event(
        {"type": "member_joined_channel", "user": "U0NEWBIE", "channel": CHANNEL}
    )
    await running.settle()
    assert await running.repo.is_member(channel_poll.id, "U0NEWBIE")
    assert not await running.repo.is_member(chosen_poll.id, "U0NEWBIE")
    assert (await running.repo.counts(channel_poll.id)).asked == 7
    await running.driver.click("U0NEWBIE", poll_message(emu, channel_poll), "Tue")
    await running.settle()
    assert (await running.repo.counts(channel_poll.id)).answered == 1
    await emu.wait_for(lambda: "1 of 7 answered" in text_of(poll_message(emu, channel_poll).blocks))


async def test_burst_of_300_answers_is_stored_once_with_few_updates(
    running: RunningBot, emu: SlackEmulator
) -> None:
    people = emu.populate(300, CHANNEL)
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" "Wed"')
    asked = (await running.repo.counts(poll.id)).asked
    assert asked == 306
    message = poll_message(emu, poll)
    labels = ["Mon", "Tue", "Wed"]
    await asyncio.gather(
        *(running.driver.click(person, message, labels[i % 3]) for i, person in enumerate(people))
    )
    await running.settle()
    counts = await running.repo.counts(poll.id)
    assert counts.answered == 300
    responses = await running.repo.responses(poll)
    assert len(responses) == 300
    assert sorted(str(r.respondent) for r in responses) == sorted(people)
    assert [
        sum(1 for r in responses if r.answers[0] == QuestionAnswer(choices=(k,))) for k in range(3)
    ] == [100] * 3
    final = text_of(poll_message(emu, poll).blocks)
    assert f"300 of {asked} answered" in final
    tried = [c for c in emu.calls_to("chat.update") if c.args.get("ts") == poll.message_ts]
    # Slack allows about one update of a message per second (the emulator refuses more with
    # ratelimited): the refresher's spacing keeps every one of its updates within it.
    assert [c.error for c in tried if not c.ok] == []
    updates = [c for c in tried if c.ok]
    assert 1 <= len(updates) <= 30
    gaps = [b.at - a.at for a, b in itertools.pairwise(updates)]
    assert all(gap >= 0.9 for gap in gaps), gaps


async def test_answering_a_closed_poll_says_it_closed(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Which days?" "Mon" "Tue" multi')
    message = poll_message(emu, poll)
    await running.driver.click(PEOPLE[0], message, "Answer")
    await emu.wait_for(lambda: emu.views(PEOPLE[0]))
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    reply = await running.driver.submit_view(PEOPLE[0], fill={ids.answer_block_id(0): ["0"]})
    await running.settle()
    assert reply.body is not None
    assert "already closed" in text_of(emu.views(PEOPLE[0])[-1].blocks)
    assert await running.repo.response_of(poll.id, PEOPLE[0]) is None


async def test_clicks_cost_no_slack_lookup_of_people_or_members(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Lunch?" "Pizza" "Soup"')
    message = poll_message(emu, poll)
    await running.driver.click(PEOPLE[0], message, "Pizza")  # the first one warms nothing new
    await running.settle()
    emu.clear_calls()
    outsider = "U0OUTSIDER"
    emu.add_user(outsider, "outsider")
    emu.add_member(CHANNEL, outsider)  # joined without an event: not asked
    for person in (*PEOPLE[1:], outsider):
        await running.driver.click(person, message, "Soup")
    await running.settle()
    lookups = {"users.info", "users.list", "conversations.members", "conversations.info"}
    assert [c.method for c in emu.calls if c.method in lookups] == []
    assert (await running.repo.counts(poll.id)).answered == len(PEOPLE)
    assert "wasn't sent to you" in last_ephemeral(emu, outsider)
