"""Suggestions from respondents end to end: a new option for everyone, refusals at the input,
the organiser removing one, stale clicks after a removal, and anonymity."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.clock import ShiftableClock
from bot.domain.model import QuestionAnswer
from bot.domain.suggestions import vote_check
from bot.services.polls import PollLookup
from bot.slack import ids
from slack_emulator import Message, SlackEmulator
from tests.e2e.conftest import CHANNEL, FINN, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import (
    channel_posts,
    create,
    last_ephemeral,
    poll_message,
    shown,
    text_of,
)
from tests.e2e.test_answer_kinds import answer


def vote_labels(message: Message) -> list[str]:
    """The texts of the one-click option buttons, in order."""
    return [
        element["text"]["text"]
        for block in message.blocks or []
        if block.get("type") == "actions"
        for element in block["elements"]
        if element["action_id"].startswith(ids.VOTE_ACTION + ":")
    ]


async def suggest(
    running: RunningBot, emu: SlackEmulator, user: str, poll_id: int, text: str
) -> Any:
    """Click "Suggest an option" on the poll message and submit text; the ack's body."""
    poll = await running.repo.get_poll(poll_id)
    assert poll is not None
    await close_modals(running, emu, user)
    await running.driver.click(user, poll_message(emu, poll), action_id=ids.SUGGEST_ACTION)
    await emu.wait_for(lambda: emu.views(user), message="no suggest modal")
    view = emu.views(user)[-1]
    assert view.callback_id == ids.SUGGEST_VIEW
    reply = await running.driver.submit_view(user, fill={ids.SUGGEST_TEXT_BLOCK: text})
    await running.settle()
    return reply.body


async def close_modals(running: RunningBot, emu: SlackEmulator, user: str) -> None:
    if emu.views(user):
        await running.driver.close_view(user, clear=True)


def inline_error(body: Any) -> str:
    assert body is not None and body.get("response_action") == "errors", body
    return str(body["errors"][ids.SUGGEST_TEXT_BLOCK])


async def answer_of(running: RunningBot, poll_id: int, user: str) -> QuestionAnswer | None:
    response = await running.repo.response_of(poll_id, user)
    return None if response is None else response.answers[0]


async def test_a_suggestion_becomes_a_button_for_everyone_and_the_suggesters_answer_stays(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Lunch on Friday?" "Pizza" "Sushi" open')
    assert poll.questions[0].open
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Pizza")
    await running.settle()
    body = await suggest(running, emu, PEOPLE[0], poll.id, "Tacos")
    assert body is not None and body.get("response_action") == "update", body
    thanks = text_of(emu.views(PEOPLE[0])[-1].blocks)
    assert "Tacos" in thanks and "did not change" in thanks
    await emu.wait_for(lambda: vote_labels(poll_message(emu, poll)) == ["Pizza", "Sushi", "Tacos"])
    assert "3. Tacos" in text_of(poll_message(emu, poll).blocks)
    # The suggester's own answer is as it was; anyone can now choose the new option.
    assert await answer_of(running, poll.id, PEOPLE[0]) == QuestionAnswer(choices=(0,))
    await running.driver.click(PEOPLE[1], poll_message(emu, poll), "Tacos")
    await running.settle()
    assert await answer_of(running, poll.id, PEOPLE[1]) == QuestionAnswer(choices=(2,))
    assert "Tacos" in last_ephemeral(emu, PEOPLE[1])
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None and stored.questions[0].options == ("Pizza", "Sushi", "Tacos")
    assert stored.questions[0].suggestion_at(2) is not None


async def test_a_suggestion_like_an_existing_option_is_refused_naming_it(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Team day?" "Escape room" "Bowling" open')
    error = inline_error(await suggest(running, emu, PEOPLE[2], poll.id, "  escape-ROOM!! "))
    assert "“Escape room” is an option already" in error
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None and stored.questions[0].options == ("Escape room", "Bowling")


async def test_the_26th_option_is_refused_and_25_buttons_fit_the_message(
    running: RunningBot, emu: SlackEmulator
) -> None:
    options = " ".join(f'"Option {n}"' for n in range(1, 25))
    poll = await create(running, emu, f'new "Which one?" {options} open')
    body = await suggest(running, emu, PEOPLE[0], poll.id, "Option twenty-five")
    assert body is not None and body.get("response_action") == "update", body
    await emu.wait_for(lambda: len(vote_labels(poll_message(emu, poll))) == 25)
    error = inline_error(await suggest(running, emu, PEOPLE[1], poll.id, "One more"))
    assert "25" in error and "limit" in error
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None and len(stored.questions[0].options) == 25
    # Every update of the message was accepted by Slack's (the emulator's) Block Kit checks.
    assert all(call.response.get("ok") for call in emu.calls_to("chat.update"))


async def test_a_suggestion_shows_in_the_answer_form_of_a_multiple_choice_poll(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no create form")
    reply = await running.driver.submit_view(
        ORGANISER,
        fill={
            ids.question_text_block_id(0): "Which snacks?",
            ids.question_kind_block_id(0): "multi",
            ids.question_options_block_id(0): "Fruit\nNuts",
            ids.question_open_block_id(0): ["open"],
        },
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    poll = (await running.repo.polls_with_status())[-1]
    assert poll.questions[0].open
    assert await suggest(running, emu, PEOPLE[3], poll.id, "Dark chocolate & nuts")
    await running.driver.click(PEOPLE[4], poll_message(emu, poll), "Answer")
    await emu.wait_for(lambda: emu.views(PEOPLE[4]), message="no answer form")
    form = emu.views(PEOPLE[4])[-1]
    assert "Dark chocolate & nuts" in text_of(form.blocks)
    await running.driver.submit_view(PEOPLE[4], fill={ids.answer_block_id(0): ["0", "2"]})
    await running.settle()
    assert await answer_of(running, poll.id, PEOPLE[4]) == QuestionAnswer(choices=(0, 2))


async def test_open_is_refused_for_a_free_text_question(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", '"Any wishes?" open')
    await running.settle()
    assert await running.repo.polls_with_status() == []
    assert "only single choice, multiple choice and dot vote" in last_ephemeral(emu, ORGANISER)


async def test_the_organiser_removes_a_suggestion_and_nobody_else_can(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Lunch?" "Pizza" "Sushi" open')
    await suggest(running, emu, PEOPLE[0], poll.id, "Tacos")
    await suggest(running, emu, PEOPLE[1], poll.id, "Burgers")
    await emu.wait_for(lambda: len(vote_labels(poll_message(emu, poll))) == 4)
    await running.driver.click(PEOPLE[2], poll_message(emu, poll), "Tacos")
    await running.driver.click(PEOPLE[3], poll_message(emu, poll), "Burgers")
    await running.driver.click(PEOPLE[4], poll_message(emu, poll), "Pizza")
    await running.settle()
    assert (await running.repo.counts(poll.id)).answered == 3

    await running.driver.slash_command(PEOPLE[1], CHANNEL, "/wishes", f"remove-option {poll.id} 3")
    await running.settle()
    assert "only the person who created" in last_ephemeral(emu, PEOPLE[1]).lower()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remove-option {poll.id} 1")
    await running.settle()
    assert "only options people suggested can be removed" in last_ephemeral(emu, ORGANISER)
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None and len(stored.questions[0].options) == 4

    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remove-option {poll.id} 3")
    await running.settle()
    note = last_ephemeral(emu, ORGANISER)
    assert "Option 3 “Tacos” was removed" in note and "only answer" in note
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None and stored.questions[0].options == ("Pizza", "Sushi", "Burgers")
    # Tacos' only voter has no answer left and counts as not answered; Burgers moved up.
    assert await running.repo.response_of(poll.id, PEOPLE[2]) is None
    assert await answer_of(running, poll.id, PEOPLE[3]) == QuestionAnswer(choices=(2,))
    assert await answer_of(running, poll.id, PEOPLE[4]) == QuestionAnswer(choices=(0,))
    assert (await running.repo.counts(poll.id)).answered == 2
    await emu.wait_for(
        lambda: vote_labels(poll_message(emu, poll)) == ["Pizza", "Sushi", "Burgers"]
    )
    await emu.wait_for(lambda: "2 of 6 answered" in text_of(poll_message(emu, poll).blocks))


async def test_a_click_shown_before_a_removal_does_not_count_for_the_wrong_option(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Lunch?" "Pizza" "Sushi" open')
    await suggest(running, emu, PEOPLE[0], poll.id, "Tacos")
    await suggest(running, emu, PEOPLE[1], poll.id, "Burgers")
    await emu.wait_for(lambda: len(vote_labels(poll_message(emu, poll))) == 4)
    seen = copy.deepcopy(poll_message(emu, poll))
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remove-option {poll.id} 3")
    await running.settle()
    await emu.wait_for(lambda: len(vote_labels(poll_message(emu, poll))) == 3)
    # The old "Tacos" button says option 3, which is "Burgers" now: it must not count for it.
    await running.driver.click_as_seen(PEOPLE[2], seen, "Tacos")
    await running.settle()
    assert await running.repo.response_of(poll.id, PEOPLE[2]) is None
    again = last_ephemeral(emu, PEOPLE[2])
    assert "not counted" in again and "Burgers" in again and "Tacos" not in again
    # A click on the old "Sushi" (2) still holds: the options up to it are unchanged.
    await running.driver.click_as_seen(PEOPLE[3], seen, "Sushi")
    await running.settle()
    assert await answer_of(running, poll.id, PEOPLE[3]) == QuestionAnswer(choices=(1,))


async def test_an_answer_form_shown_before_a_removal_is_shown_again_not_saved(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Snacks?" "Fruit" "Nuts" multi open')
    await suggest(running, emu, PEOPLE[0], poll.id, "Crisps")
    await suggest(running, emu, PEOPLE[0], poll.id, "Cake")
    await running.driver.click(PEOPLE[1], poll_message(emu, poll), "Answer")
    await emu.wait_for(lambda: emu.views(PEOPLE[1]), message="no answer form")
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remove-option {poll.id} 3")
    await running.settle()
    # Ticked on the old form: "Crisps", option 3, which is "Cake" now: it must not count.
    reply = await running.driver.submit_view(PEOPLE[1], fill={ids.answer_block_id(0): ["2"]})
    await running.settle()
    assert reply.body is not None and reply.body.get("response_action") == "update"
    assert await running.repo.response_of(poll.id, PEOPLE[1]) is None
    form = emu.views(PEOPLE[1])[-1]
    assert form.callback_id == ids.ANSWER_VIEW
    assert "options changed" in text_of(form.blocks) and "Crisps" not in text_of(form.blocks)
    await running.driver.submit_view(PEOPLE[1], fill={ids.answer_block_id(0): ["2"]})
    await running.settle()
    assert await answer_of(running, poll.id, PEOPLE[1]) == QuestionAnswer(choices=(2,))


async def test_the_summary_of_a_named_poll_says_who_suggested(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Lunch?" "Pizza" "Sushi" open')
    await suggest(running, emu, PEOPLE[0], poll.id, "Tacos")
    await running.driver.click(PEOPLE[1], poll_message(emu, poll), "Tacos")
    await running.settle()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    summary = channel_posts(emu)[-1]
    line = next(line for line in text_of(summary.blocks).splitlines() if "Tacos" in line)
    assert f"suggested by <@{PEOPLE[0]}>" in line
    assert "suggested" not in next(
        line for line in text_of(summary.blocks).splitlines() if "Pizza" in line
    )


async def test_an_anonymous_poll_shows_no_suggester_and_forgets_them_at_close(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Lunch?" "Pizza" "Sushi" anonymous open')
    suggester = PEOPLE[0]
    await suggest(running, emu, suggester, poll.id, "Tacos")
    for person, label in zip(PEOPLE[1:], ["Tacos", "Tacos", "Pizza", "Sushi"], strict=True):
        await running.driver.click(person, poll_message(emu, poll), label)
    await running.settle()
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None and stored.questions[0].suggestions[0].by is None
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"results {poll.id}")
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"export {poll.id}")
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    await emu.wait_for(lambda: emu.files, message="no export")
    summary = text_of(channel_posts(emu)[-1].blocks)
    assert "Tacos" in summary and "suggested" in summary
    # The new option is in the results so far and in the export like any other.
    assert any("Tacos (2)" in shown(e) for e in emu.ephemerals(ORGANISER))
    assert "Tacos" in emu.files[0].text
    readable = [shown(m) for m in emu.messages(CHANNEL)]
    readable += [shown(e) for e in emu.ephemerals(ORGANISER)]
    readable += [f.text for f in emu.files]
    readable += [text_of(call.args) for call in emu.calls if call.args.get("channel") == CHANNEL]
    everything = "\n".join(readable).lower()
    assert suggester.lower() not in everything and suggester[2:].lower() not in everything
    async with running.repo.db.reading() as conn:
        rows = await conn.fetch_all(
            "SELECT suggested, suggested_by FROM options WHERE poll_id = ?", (poll.id,)
        )
    assert [bool(row["suggested"]) for row in rows].count(True) == 1
    assert all(row["suggested_by"] is None for row in rows)


def summary_line(emu: SlackEmulator, option: str) -> str:
    """The line of option in the last summary's results (after its bar and share)."""
    summary = text_of(channel_posts(emu)[-1].blocks)
    return next(line for line in summary.splitlines() if f"· {option}" in line)


async def test_the_summary_of_a_named_dot_vote_says_who_suggested(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Budget?" "Coffee" "Books" dots:3 open')
    await suggest(running, emu, PEOPLE[0], poll.id, "Games")
    assert await answer(running, emu, poll, PEOPLE[1], {"Games": "2", "Books": "1"}) == {}
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    games = summary_line(emu, "Games")
    assert f"Games _(suggested by <@{PEOPLE[0]}>)_ · dots: 2" in games
    assert "suggested" not in summary_line(emu, "Books")


async def test_the_summary_of_an_anonymous_dot_vote_says_only_suggested(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Budget?" "Coffee" "Books" dots:3 anonymous open')
    suggester = PEOPLE[0]
    await suggest(running, emu, suggester, poll.id, "Games")
    for person in PEOPLE[1:4]:
        assert await answer(running, emu, poll, person, {"Games": "2", "Books": "1"}) == {}
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    assert "Games _(suggested)_ · dots: 6" in summary_line(emu, "Games")
    summary = text_of(channel_posts(emu)[-1].blocks).lower()
    assert suggester.lower() not in summary and suggester[2:].lower() not in summary


async def test_a_named_poll_keeps_who_suggested_while_open(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Lunch?" "Pizza" "Sushi" open')
    await suggest(running, emu, PEOPLE[4], poll.id, "Ramen")
    async with running.repo.db.reading() as conn:
        row = await conn.fetch_one(
            "SELECT suggested_by FROM options WHERE poll_id = ? AND position = 2", (poll.id,)
        )
    assert row is not None and row["suggested_by"] == PEOPLE[4]
    # Nobody sees the name on the poll message itself.
    assert PEOPLE[4] not in text_of(poll_message(emu, poll).blocks)


async def test_someone_not_asked_cannot_suggest(running: RunningBot, emu: SlackEmulator) -> None:
    poll = await create(running, emu, f'new "Lunch?" "Pizza" "Sushi" open to:<@{PEOPLE[0]}>')
    await running.driver.click(PEOPLE[1], poll_message(emu, poll), "Suggest an option")
    await running.settle()
    assert not emu.views(PEOPLE[1])
    assert "wasn't sent to you" in last_ephemeral(emu, PEOPLE[1])


async def test_a_suggestion_sent_after_the_poll_closed_is_refused_at_the_input(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Lunch?" "Pizza" "Sushi" open')
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Suggest an option")
    await emu.wait_for(lambda: emu.views(PEOPLE[0]), message="no suggest modal")
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    reply = await running.driver.submit_view(PEOPLE[0], fill={ids.SUGGEST_TEXT_BLOCK: "Tacos"})
    await running.settle()
    assert "closed" in inline_error(reply.body)
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None and stored.questions[0].options == ("Pizza", "Sushi")
    assert "Suggest an option" not in text_of(poll_message(emu, poll).blocks)


async def test_with_several_open_questions_the_person_picks_one(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no create form")
    await running.driver.click(
        ORGANISER, emu.views(ORGANISER)[-1], action_id=ids.ADD_QUESTION_ACTION
    )
    await emu.wait_for(
        lambda: any(
            b.get("block_id") == ids.question_open_block_id(1)
            for b in emu.views(ORGANISER)[-1].blocks
        )
    )
    fill: dict[str, Any] = {}
    for index, (text, options) in enumerate([("Where?", "Office\nPark"), ("When?", "Mon\nTue")]):
        fill[ids.question_text_block_id(index)] = text
        fill[ids.question_kind_block_id(index)] = "multi"
        fill[ids.question_options_block_id(index)] = options
        fill[ids.question_open_block_id(index)] = ["open"]
    await running.driver.submit_view(ORGANISER, fill=fill)
    await running.settle()
    poll = (await running.repo.polls_with_status())[-1]
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Suggest an option")
    await emu.wait_for(lambda: emu.views(PEOPLE[0]), message="no suggest modal")
    reply = await running.driver.submit_view(
        PEOPLE[0], fill={ids.SUGGEST_QUESTION_BLOCK: "1", ids.SUGGEST_TEXT_BLOCK: "Wed"}
    )
    await running.settle()
    assert reply.body is not None and reply.body.get("response_action") == "update"
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None
    assert [q.options for q in stored.questions] == [("Office", "Park"), ("Mon", "Tue", "Wed")]
    await emu.wait_for(
        lambda: (
            "Question 2, suggested by respondents: 3. Wed"
            in text_of(poll_message(emu, poll).blocks)
        )
    )
    # With several questions the organiser names the question: 2.3 is "Wed".
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remove-option {poll.id} 3")
    await running.settle()
    assert "several questions" in last_ephemeral(emu, ORGANISER)
    await running.driver.slash_command(
        ORGANISER, CHANNEL, "/wishes", f"poista-vaihtoehto {poll.id} 2.3"
    )
    await running.settle()
    assert "“Wed” was removed" in last_ephemeral(emu, ORGANISER)
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None and stored.questions[1].options == ("Mon", "Tue")


async def test_a_finnish_poll_takes_suggestions_in_finnish(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'uusi "Mikä lounas?" "Keitto" "Salaatti" avoin', user=FINN)
    assert poll.questions[0].open
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Ehdota vaihtoehtoa")
    await emu.wait_for(lambda: emu.views(PEOPLE[0]), message="no suggest modal")
    await running.driver.submit_view(PEOPLE[0], fill={ids.SUGGEST_TEXT_BLOCK: "Pizza"})
    await running.settle()
    await emu.wait_for(
        lambda: "Vastaajien ehdottamat: 3. Pizza" in text_of(poll_message(emu, poll).blocks)
    )
    body = await suggest(running, emu, FINN, poll.id, "KEITTO.")
    assert "”Keitto” on jo vaihtoehtona" in inline_error(body)
    await running.driver.slash_command(FINN, CHANNEL, "/wishes", f"poista-vaihtoehto {poll.id} 3")
    await running.settle()
    assert "Vaihtoehto 3 ”Pizza” poistettiin" in last_ephemeral(emu, FINN)


async def test_a_confirmation_by_another_replica_reads_the_options_added_since(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    poll = await create(running, emu, 'new "Lunch?" "Pizza" "Sushi" open')
    # Another replica's memory of the poll, from a click a moment ago (before the suggestion).
    elsewhere = PollLookup(running.repo, running.repo, clock)
    assert (await elsewhere.recent(poll.id)).questions[0].options == ("Pizza", "Sushi")
    await suggest(running, emu, PEOPLE[0], poll.id, "Tacos")
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None
    # A click on the new button is confirmed with its own option, not from the old memory.
    confirmed = await elsewhere.recent(poll.id, check=vote_check(stored, 2))
    assert confirmed.questions[0].options == ("Pizza", "Sushi", "Tacos")


async def test_removing_a_suggestion_of_an_anonymous_poll_tells_no_counts(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Lunch?" "Pizza" "Sushi" anonymous open')
    await suggest(running, emu, PEOPLE[0], poll.id, "Tacos")
    await running.driver.click(PEOPLE[1], poll_message(emu, poll), "Tacos")
    await running.settle()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"remove-option {poll.id} 3")
    await running.settle()
    note = last_ephemeral(emu, ORGANISER)
    assert "“Tacos” was removed" in note
    assert "1 person" not in note and "only answer, so" not in note
    assert await running.repo.response_of(poll.id, PEOPLE[1]) is None


async def test_a_suggestion_of_75_characters_as_typed_is_taken_and_one_more_cannot_be_sent(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Lunch?" "Pizza" "Sushi" open')
    # 75 characters as typed; "&" and "<>" are longer once Slack-encoded, and still count one.
    typed = "Fish & chips <with peas>, " + "x" * (75 - 26)
    assert len(typed) == 75
    body = await suggest(running, emu, PEOPLE[0], poll.id, typed)
    assert body is not None and body.get("response_action") == "update", body
    await emu.wait_for(lambda: vote_labels(poll_message(emu, poll))[-1:] == [typed])
    stored = await running.repo.get_poll(poll.id)
    assert stored is not None
    assert stored.questions[0].options[2] == typed.replace("&", "&amp;").replace(
        "<", "&lt;"
    ).replace(">", "&gt;")
    # The input takes no more: Slack refuses to send the 76th character.
    await running.driver.click(PEOPLE[1], poll_message(emu, poll), action_id=ids.SUGGEST_ACTION)
    await emu.wait_for(lambda: emu.views(PEOPLE[1]), message="no suggest modal")
    with pytest.raises(AssertionError, match="longer than max_length"):
        await running.driver.submit_view(PEOPLE[1], fill={ids.SUGGEST_TEXT_BLOCK: typed + "y"})
