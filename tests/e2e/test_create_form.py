"""Creating polls end to end: the quick syntax (quotes, mentions, sample:N) and the form."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from bot.domain.model import AudienceKind, QuestionKind
from bot.slack import ids
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import channel_posts, create, last_ephemeral, poll_message, text_of

# --- quick syntax ----------------------------------------------------------------------------


async def test_straight_quotes_create_a_stored_and_posted_poll_with_a_confirmation(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(
        running, emu, 'new "Which day suits you?" "Tue" "Thu" closes:2d remind:off multi'
    )
    assert poll.questions[0].text == "Which day suits you?"
    assert poll.questions[0].options == ("Tue", "Thu")
    assert poll.questions[0].kind is QuestionKind.MULTI
    assert poll.remind_every is None
    assert round((poll.closes_at - poll.opened_at).total_seconds()) == 2 * 86400
    message = poll_message(emu, poll)
    text = text_of(message.blocks)
    assert f"#{poll.id}" in text and "0 of 6 answered" in text
    assert "<!date^" in text  # the close time as a Slack date token
    assert len(channel_posts(emu)) == 1
    confirmation = last_ephemeral(emu, ORGANISER)
    assert f"#{poll.id}" in confirmation and "People asked: 6" in confirmation


async def test_curly_quotes_and_keywords_in_any_order(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(
        running, emu, "new “Your favourite snack?” ‘Nuts’ “Fruit” anonymous closes:15m"
    )
    assert poll.questions[0].text == "Your favourite snack?"
    assert poll.questions[0].options == ("Nuts", "Fruit")
    assert poll.anonymous
    assert round((poll.closes_at - poll.opened_at).total_seconds()) == 15 * 60


async def test_free_text_and_rating_questions(running: RunningBot, emu: SlackEmulator) -> None:
    free = await create(running, emu, 'new "Anything else?"')
    assert free.questions[0].kind is QuestionKind.TEXT and free.questions[0].options == ()
    rating = await create(running, emu, 'new "How was the event?" rating')
    assert rating.questions[0].kind is QuestionKind.RATING
    assert len(channel_posts(emu)) == 2


async def test_escaped_mentions_of_people_and_groups_choose_the_audience(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.add_usergroup("S0DESIGN", "design", ["U0BENGT", "U0CARLA"])
    poll = await create(
        running,
        emu,
        'new "Lunch place?" "Pizza" "Sushi" to:<@U0AINO|aino> <!subteam^S0DESIGN|@design>',
    )
    assert poll.audience.kind is not AudienceKind.CHANNEL
    counts = await running.repo.counts(poll.id)
    assert counts.asked == 4  # Aino, Bengt, Carla and the organiser
    for member in ("U0AINO", "U0BENGT", "U0CARLA", ORGANISER):
        assert await running.repo.is_member(poll.id, member)
    assert not await running.repo.is_member(poll.id, "U0DAVID")
    await running.driver.click("U0DAVID", poll_message(emu, poll), "Pizza")
    await running.settle()
    assert "wasn't sent to you" in last_ephemeral(emu, "U0DAVID")
    assert (await running.repo.counts(poll.id)).answered == 0


async def test_sample_asks_only_the_drawn_people_and_invites_each_by_dm(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Coffee or tea?" "Coffee" "Tea" sample:2')
    counts = await running.repo.counts(poll.id)
    assert counts.asked == 2
    drawn = [p for p in PEOPLE if await running.repo.is_member(poll.id, p)]
    assert len(drawn) == 2
    assert not await running.repo.is_member(poll.id, ORGANISER)
    for person in drawn:
        await emu.wait_for(partial(emu.dm_messages, person))
        invite = text_of(emu.dm_messages(person)[-1].blocks)
        assert "Coffee or tea?" in invite
        assert ("picked at random" in invite) or ("arvottiin" in invite)  # Eeva reads Finnish
    for person in PEOPLE:
        if person not in drawn:
            assert emu.dm_messages(person) == []
    outsider = next(p for p in PEOPLE if p not in drawn)
    await running.driver.click(outsider, poll_message(emu, poll), "Tea")
    await running.driver.click(drawn[0], poll_message(emu, poll), "Tea")
    await running.settle()
    assert (await running.repo.counts(poll.id)).answered == 1
    assert "everyone was asked" not in last_ephemeral(emu, ORGANISER)


async def test_sample_at_least_the_audience_asks_everyone_and_says_so(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await running.driver.slash_command(
        ORGANISER, CHANNEL, "/wishes", 'new "Coffee or tea?" "Coffee" "Tea" sample:50'
    )
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    assert (await running.repo.counts(poll.id)).asked == len(PEOPLE)
    assert not await running.repo.is_member(poll.id, ORGANISER)
    assert "everyone was asked" in last_ephemeral(emu, ORGANISER)


# --- the form --------------------------------------------------------------------------------


async def open_form(running: RunningBot, emu: SlackEmulator) -> None:
    reply = await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    assert reply.status == 200
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no modal opened")
    assert emu.views(ORGANISER)[-1].callback_id == ids.CREATE_VIEW


async def test_wishes_without_text_and_new_without_text_open_the_form(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await open_form(running, emu)
    await running.driver.close_view(ORGANISER)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "new")
    await emu.wait_for(lambda: emu.views(ORGANISER))
    assert await running.repo.polls_with_status() == []


async def test_template_fills_questions_and_submitting_posts_the_poll_once(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await open_form(running, emu)
    view = emu.views(ORGANISER)[-1]
    await running.driver.select(ORGANISER, view, ids.TEMPLATE_ACTION, "event")
    await emu.wait_for(
        lambda: "What kind of event" in text_of(emu.views(ORGANISER)[-1].blocks),
        message="the template did not fill the questions",
    )
    view = emu.views(ORGANISER)[-1]
    assert "Which time suits you best?" in text_of(view.blocks)
    reply = await running.driver.submit_view(ORGANISER)
    assert reply.status == 200
    assert emu.views(ORGANISER) == []
    await running.driver.retry(reply)  # Slack redelivers the submission
    await running.settle()
    polls = await running.repo.polls_with_status()
    assert len(polls) == 1
    (poll,) = polls
    assert [q.text for q in poll.questions][:2] == [
        "What kind of event would you like?",
        "Which time suits you best?",
    ]
    assert poll.questions[0].options == ("Workshop", "Talk", "Meetup", "Social evening")
    assert len(channel_posts(emu)) == 1
    assert f"#{poll.id}" in text_of(channel_posts(emu)[0].blocks)
    await emu.wait_for(lambda: any(f"#{poll.id}" in e.text for e in emu.ephemerals(ORGANISER)))


async def test_add_question_grows_the_form_and_keeps_typed_values(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await open_form(running, emu)
    view = emu.views(ORGANISER)[-1]
    await running.driver.select(ORGANISER, view, ids.question_text_block_id(0), "Pizza or pasta?")
    await running.driver.select(ORGANISER, view, ids.question_options_block_id(0), "Pizza\nPasta")
    await running.driver.click(ORGANISER, view, action_id=ids.ADD_QUESTION_ACTION)
    await emu.wait_for(
        lambda: any(
            b.get("block_id") == ids.question_text_block_id(1)
            for b in emu.views(ORGANISER)[-1].blocks
        ),
        message="no second question",
    )
    await running.driver.submit_view(
        ORGANISER,
        fill={
            ids.question_text_block_id(1): "How hungry are you?",
            ids.question_kind_block_id(1): "rating",
        },
    )
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    assert [q.text for q in poll.questions] == ["Pizza or pasta?", "How hungry are you?"]
    assert poll.questions[0].options == ("Pizza", "Pasta")
    assert poll.questions[1].kind is QuestionKind.RATING


async def test_add_question_after_a_template_keeps_the_template_questions(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await open_form(running, emu)
    await running.driver.select(
        ORGANISER, emu.views(ORGANISER)[-1], ids.TEMPLATE_ACTION, "feedback"
    )
    await emu.wait_for(lambda: "How satisfied" in text_of(emu.views(ORGANISER)[-1].blocks))
    count = sum(
        1
        for b in emu.views(ORGANISER)[-1].blocks
        if str(b.get("block_id", "")).startswith(ids.QUESTION_TEXT_BLOCK_PREFIX)
    )
    await running.driver.click(
        ORGANISER, emu.views(ORGANISER)[-1], action_id=ids.ADD_QUESTION_ACTION
    )
    await emu.wait_for(
        lambda: (
            sum(
                1
                for b in emu.views(ORGANISER)[-1].blocks
                if str(b.get("block_id", "")).startswith(ids.QUESTION_TEXT_BLOCK_PREFIX)
            )
            == count + 1
        )
    )
    await running.driver.submit_view(ORGANISER)
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    assert poll.questions[0].text == "How satisfied are you with the service?"
    assert len(poll.questions) == count


async def test_field_errors_come_back_inline_and_keep_the_form(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await open_form(running, emu)
    reply = await running.driver.submit_view(
        ORGANISER,
        fill={
            ids.question_text_block_id(0): "Pick one",
            ids.question_options_block_id(0): "Only one",
            ids.CLOSE_DATE_BLOCK: "2001-01-01",
        },
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    errors = reply.body["errors"]
    assert ids.question_options_block_id(0) in errors
    assert "only one option" in errors[ids.question_options_block_id(0)]
    assert set(errors) <= {
        b["block_id"] for b in emu.views(ORGANISER)[-1].blocks if b.get("type") == "input"
    }
    assert emu.views(ORGANISER), "the form was lost"
    await running.settle()
    assert await running.repo.polls_with_status() == []
    assert channel_posts(emu) == []
    # The close date in the past is reported once the options are fixed.
    reply = await running.driver.submit_view(
        ORGANISER, fill={ids.question_options_block_id(0): "One\nTwo"}
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert ids.CLOSE_DATE_BLOCK in reply.body["errors"]
    assert emu.views(ORGANISER)
    reply = await running.driver.submit_view(ORGANISER, fill={ids.CLOSE_DATE_BLOCK: None})
    await running.settle()
    assert len(await running.repo.polls_with_status()) == 1
    assert len(channel_posts(emu)) == 1


async def test_bot_joins_a_public_channel_it_is_not_in(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.add_channel("C0RANDOM", "random", members=(ORGANISER, *PEOPLE), bot_member=False)
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"', channel="C0RANDOM")
    assert emu.calls_to("conversations.join")
    assert len(channel_posts(emu, "C0RANDOM")) == 1
    assert (await running.repo.counts(poll.id)).asked == 6


async def test_private_channel_without_the_bot_tells_how_to_invite_it(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.add_channel(
        "G0SECRET", "secret", members=(ORGANISER, *PEOPLE), private=True, bot_member=False
    )
    await running.driver.slash_command(
        ORGANISER, "G0SECRET", "/wishes", 'new "Best day?" "Mon" "Tue"'
    )
    await running.settle()
    assert "Add me to it first" in last_ephemeral(emu, ORGANISER)
    assert await running.repo.polls_with_status() == []
    assert emu.calls_to("chat.postMessage") == []


async def test_retries_arriving_while_the_first_submission_is_created_post_one_poll(
    running: RunningBot, emu: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emu.delay("conversations.members", 0.3)  # the first is still resolving who to ask
    await open_form(running, emu)
    await running.driver.select(ORGANISER, emu.views(ORGANISER)[-1], ids.TEMPLATE_ACTION, "event")
    await emu.wait_for(lambda: "What kind of event" in text_of(emu.views(ORGANISER)[-1].blocks))
    reply = await running.driver.submit_view(ORGANISER)
    await asyncio.gather(running.driver.retry(reply), running.driver.retry(reply))
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    assert len(channel_posts(emu)) == 1
    confirmations = [e for e in emu.ephemerals(ORGANISER) if f"#{poll.id}" in e.text]
    assert len(confirmations) == 1
    assert [r.message for r in caplog.records if r.levelname == "ERROR"] == []
