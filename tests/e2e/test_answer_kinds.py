"""Dot voting, ranking and NPS end to end: created by quick syntax and by the form, answered
in the answer form by visible labels (in English and Finnish), refused inline when the answer
does not fit, changed, closed; the summary, results and CSV exact; anonymous variants leak
no name."""

from __future__ import annotations

import csv
import io
from functools import partial
from typing import Any

from bot.clock import ShiftableClock
from bot.domain.model import Poll, QuestionAnswer, QuestionKind
from bot.services.ports import AnswerOutcome
from bot.slack import ids
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import (
    channel_posts,
    create,
    grew,
    last_ephemeral,
    poll_message,
    shown,
    text_of,
)

AINO, BENGT, CARLA, DAVID, EEVA = PEOPLE  # Eeva reads Finnish


async def create_in_form(
    running: RunningBot,
    emu: SlackEmulator,
    text: str,
    kind: str,
    options: str,
    *,
    size: str | None = None,
    anonymous: bool = False,
) -> Poll:
    """One question through the create form, with its dots or places if given."""
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no create form")
    fill: dict[str, Any] = {
        "Question 1": text,
        "How question 1 is answered": kind,
        "Options for question 1": options or None,
        "Dots or places for question 1": size,
    }
    if anonymous:
        fill["Anonymity"] = ["Anonymous answers"]
    reply = await running.driver.submit_view(ORGANISER, fill=fill)
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    polls = await running.repo.polls_with_status()
    assert polls, "no poll stored from the form"
    return polls[-1]


async def open_form(running: RunningBot, emu: SlackEmulator, poll: Poll, user: str) -> None:
    while emu.views(user):
        await running.driver.close_view(user, clear=True)
    await running.driver.click(user, poll_message(emu, poll), "Answer")
    await emu.wait_for(lambda: emu.views(user), message=f"no answer form for {user}")


async def answer(
    running: RunningBot, emu: SlackEmulator, poll: Poll, user: str, fill: dict[str, Any]
) -> dict[str, str]:
    """Open the answer form, fill it by labels and send it; the inline errors, if any."""
    await open_form(running, emu, poll, user)
    return await send(running, emu, user, fill)


async def send(
    running: RunningBot, emu: SlackEmulator, user: str, fill: dict[str, Any]
) -> dict[str, str]:
    reply = await running.driver.submit_view(user, fill=fill)
    await running.settle()
    if reply.body and reply.body.get("response_action") == "errors":
        return dict(emu.views(user)[-1].errors)
    assert "saved" in text_of(emu.views(user)[-1].blocks) or "tallenn" in text_of(
        emu.views(user)[-1].blocks
    ), text_of(emu.views(user)[-1].blocks)
    return {}


async def stored(running: RunningBot, poll: Poll, user: str) -> QuestionAnswer | None:
    response = await running.repo.response_of(poll.id, user)
    assert response is not None, f"{user} has no stored answer"
    return response.answers[0]


def form_element(emu: SlackEmulator, user: str, block_id: str) -> dict[str, Any]:
    block = next(b for b in emu.views(user)[-1].blocks if b.get("block_id") == block_id)
    element: dict[str, Any] = block["element"]
    return element


async def close(running: RunningBot, emu: SlackEmulator, poll: Poll) -> str:
    """Close the poll; the text of its summary (every post in the channel but the poll)."""
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    return "\n".join(text_of(m.blocks) for m in channel_posts(emu) if m.ts != poll.message_ts)


async def results(running: RunningBot, emu: SlackEmulator, poll: Poll) -> str:
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"results {poll.id}")
    await running.settle()
    return last_ephemeral(emu, ORGANISER)


async def export(running: RunningBot, emu: SlackEmulator, poll: Poll) -> list[list[str]]:
    before = len(emu.files)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"export {poll.id}")
    await running.settle()
    await emu.wait_for(lambda: len(emu.files) > before, message="no export uploaded")
    text = emu.files[-1].text.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_no_name(text: str, people: tuple[str, ...]) -> None:
    lowered = text.lower()
    for person in people:
        for trace in (person, person[2:]):
            assert trace.lower() not in lowered, f"{trace} leaked"


def everything_the_organiser_and_channel_see(emu: SlackEmulator) -> str:
    parts = [shown(m) for m in emu.messages(CHANNEL)]
    parts += [shown(e) for e in emu.ephemerals(ORGANISER)]
    parts += [shown(m) for m in emu.dm_messages(ORGANISER)]
    parts += [f.text for f in emu.files]
    parts += [text_of(v.blocks) for v in emu.views(ORGANISER)]
    return "\n".join(parts)


# --- dot voting ---------------------------------------------------------------------------


async def test_dot_vote_from_quick_syntax_answered_refused_changed_and_summed_up(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(
        running, emu, 'new "Where should the budget go?" "Coffee" "Books" "Games" dots:4'
    )
    question = poll.questions[0]
    assert (question.kind, question.size) == (QuestionKind.DOTS, 4)
    message = text_of(poll_message(emu, poll).blocks)
    assert "Spread 4 dots over the options" in message
    assert ids.OPEN_ANSWER_ACTION in message and ids.VOTE_ACTION not in message

    assert await answer(running, emu, poll, AINO, {"Coffee": "3", "Books": "1"}) == {}
    assert await stored(running, poll, AINO) == QuestionAnswer(choices=(0, 0, 0, 1))

    # Five dots of four: refused on the option whose dots went over, nothing stored.
    errors = await answer(running, emu, poll, BENGT, {"Coffee": "3", "Books": "2"})
    assert errors == {
        ids.answer_option_block_id(0, 1): "You gave 5 dots, but you have 4 in all. "
        "Take some away and send again."
    }
    assert await running.repo.response_of(poll.id, BENGT) is None
    assert await send(running, emu, BENGT, {"Coffee": None, "Books": None, "Games": "4"}) == {}
    # Changing the answer: the form opens with the earlier dots.
    await open_form(running, emu, poll, BENGT)
    games = form_element(emu, BENGT, ids.answer_option_block_id(0, 2))
    assert games["initial_option"]["value"] == "4"
    assert "initial_option" not in form_element(emu, BENGT, ids.answer_option_block_id(0, 0))
    assert await send(running, emu, BENGT, {"Books": "2", "Games": "2"}) == {}
    assert await stored(running, poll, BENGT) == QuestionAnswer(choices=(1, 1, 2, 2))

    await open_form(running, emu, poll, EEVA)
    assert "Anna yhteensä enintään 4 pistettä" in text_of(emu.views(EEVA)[-1].blocks)
    assert await send(running, emu, EEVA, {"Coffee": "1", "Games": "2"}) == {}

    summary = await close(running, emu, poll)
    # Coffee 3+1 and Games 2+2 tie at 4 of 11 dots (option order kept), Books 1+2.
    assert "3 answered · dots given: 11" in summary
    assert "`████░░░░░░` 36% · Coffee · dots: 4 · from 2 of 3" in summary
    assert "`████░░░░░░` 36% · Games · dots: 4 · from 2 of 3" in summary
    assert "`███░░░░░░░` 27% · Books · dots: 3 · from 2 of 3" in summary
    assert summary.index("Coffee · dots") < summary.index("Games · dots")
    assert summary.index("Games · dots") < summary.index("Books · dots")

    rows = await export(running, emu, poll)
    header = "Where should the budget go?"
    assert rows[0] == ["Respondent", f"{header} – Coffee", f"{header} – Books", f"{header} – Games"]
    assert sorted(row[1:] for row in rows[1:]) == [
        ["0", "2", "2"],
        ["1", "0", "2"],
        ["3", "1", "0"],
    ]


async def test_dot_vote_from_the_form_with_its_own_number_of_dots(
    running: RunningBot, emu: SlackEmulator
) -> None:
    # A wrong number of dots is an inline error on its field.
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER))
    reply = await running.driver.submit_view(
        ORGANISER,
        fill={
            "Question 1": "Which topics?",
            "How question 1 is answered": "Dot vote",
            "Options for question 1": "Security\nSpeed",
            "Dots or places for question 1": "11",
        },
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert reply.body["errors"] == {
        ids.question_size_block_id(0): "“11” is not a number of dots. Give 1–10 dots, like dots:5."
    }
    await running.driver.close_view(ORGANISER, clear=True)

    poll = await create_in_form(
        running, emu, "Which topics?", "Dot vote", "Security\nSpeed\nStyle", size="2"
    )
    assert (poll.questions[0].kind, poll.questions[0].size) == (QuestionKind.DOTS, 2)
    assert "Spread 2 dots over the options" in text_of(poll_message(emu, poll).blocks)
    errors = await answer(running, emu, poll, CARLA, {"Security": "2", "Speed": "1"})
    assert list(errors) == [ids.answer_option_block_id(0, 1)]
    assert await send(running, emu, CARLA, {"Speed": "0"}) == {}
    assert await stored(running, poll, CARLA) == QuestionAnswer(choices=(0, 0))
    summary = await close(running, emu, poll)
    assert "1 answered · dots given: 2" in summary
    assert "`██████████` 100% · Security · dots: 2 · from 1 of 1" in summary
    assert "`░░░░░░░░░░` 0% · Speed · dots: 0 · from 0 of 1" in summary


async def test_anonymous_dot_vote_leaks_no_name(running: RunningBot, emu: SlackEmulator) -> None:
    poll = await create_in_form(
        running, emu, "Best perk?", "Dot vote", "Gym\nLunch", size="3", anonymous=True
    )
    assert poll.anonymous
    await answer(running, emu, poll, AINO, {"Gym": "3"})
    await answer(running, emu, poll, BENGT, {"Gym": "1", "Lunch": "2"})
    # Two respondents: below the threshold, only the count shows.
    interim = await results(running, emu, poll)
    assert "2 of 6" in interim and "Gym ·" not in interim and "at least 3 people" in interim
    await answer(running, emu, poll, DAVID, {"Lunch": "3"})
    interim = await results(running, emu, poll)
    assert "`██████░░░░` 56% · Lunch · dots: 5 · from 2 of 3" in interim
    rows = await export(running, emu, poll)
    assert rows[0] == ["Best perk? – Gym", "Best perk? – Lunch"]
    assert rows[1:] == [["0", "3"], ["1", "2"], ["3", "0"]]
    summary = await close(running, emu, poll)
    assert "`████░░░░░░` 44% · Gym · dots: 4 · from 2 of 3" in summary
    await export(running, emu, poll)
    assert_no_name(everything_the_organiser_and_channel_see(emu), (AINO, BENGT, DAVID))


# --- ranking ------------------------------------------------------------------------------


async def test_ranking_from_the_form_answered_refused_changed_and_summed_up(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create_in_form(
        running, emu, "What shall we eat?", "Rank", "Pizza\nSushi\nTacos\nCurry"
    )
    assert (poll.questions[0].kind, poll.questions[0].size) == (QuestionKind.RANK, 3)
    assert "Rank your top 3" in text_of(poll_message(emu, poll).blocks)

    fill = {"1st choice": "Sushi", "2nd choice": "Pizza", "3rd choice": "Tacos"}
    assert await answer(running, emu, poll, AINO, fill) == {}
    assert await stored(running, poll, AINO) == QuestionAnswer(choices=(1, 0, 2))

    # The same option twice: refused on the place that repeats it.
    errors = await answer(running, emu, poll, BENGT, {"1st choice": "Sushi", "2nd choice": "Sushi"})
    assert errors == {
        ids.answer_place_block_id(0, 1): "You already put “Sushi” in place 1. "
        "Choose each option only once."
    }
    assert await send(running, emu, BENGT, {"2nd choice": "Curry"}) == {}
    assert await stored(running, poll, BENGT) == QuestionAnswer(choices=(1, 3))

    # A 2nd choice without a 1st: refused on the empty 1st.
    errors = await answer(running, emu, poll, CARLA, {"2nd choice": "Pizza"})
    assert list(errors) == [ids.answer_place_block_id(0, 0)]
    assert await send(running, emu, CARLA, {"1st choice": "Tacos", "2nd choice": None}) == {}

    await open_form(running, emu, poll, EEVA)
    form = text_of(emu.views(EEVA)[-1].blocks)
    assert "1. valinta" in form and "3. valinta" in form
    errors = await send(running, emu, EEVA, {"1. valinta": "Curry", "2. valinta": "Curry"})
    assert errors == {
        ids.answer_place_block_id(0, 1): "”Curry” on jo sijalla 1. "
        "Valitse kukin vaihtoehto vain kerran."
    }
    fill = {"1. valinta": "Curry", "2. valinta": "Sushi", "3. valinta": "Pizza"}
    assert await send(running, emu, EEVA, fill) == {}
    # Eeva changes her mind: the form opens with her ranking, and the new one counts.
    await open_form(running, emu, poll, EEVA)
    first = form_element(emu, EEVA, ids.answer_place_block_id(0, 0))
    assert first["initial_option"]["text"]["text"] == "Curry"
    assert await send(running, emu, EEVA, {"1. valinta": "Pizza", "3. valinta": "Curry"}) == {}
    assert await stored(running, poll, EEVA) == QuestionAnswer(choices=(0, 1, 3))

    summary = await close(running, emu, poll)
    # Points 3-2-1: Sushi 3+3+2, Pizza 2+3, Tacos 1+3, Curry 2+1; most a person can give is 12.
    assert "4 answered · points: 3 for a 1st place, down to 1 for place 3" in summary
    lines = [
        "`███████░░░` Sushi · points: 8 · 1st places: 2",
        "`████░░░░░░` Pizza · points: 5 · 1st places: 1",
        "`███░░░░░░░` Tacos · points: 4 · 1st places: 1",
        "`███░░░░░░░` Curry · points: 3 · 1st places: 0",
    ]
    positions = [summary.index(line) for line in lines]
    assert positions == sorted(positions)

    rows = await export(running, emu, poll)
    header = "What shall we eat?"
    assert rows[0] == [
        "Respondent",
        f"{header} – place 1",
        f"{header} – place 2",
        f"{header} – place 3",
    ]
    assert sorted(row[1:] for row in rows[1:]) == [
        ["Pizza", "Sushi", "Curry"],
        ["Sushi", "Curry", ""],
        ["Sushi", "Pizza", "Tacos"],
        ["Tacos", "", ""],
    ]


async def test_anonymous_ranking_from_quick_syntax_leaks_no_name(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Next offsite?" "Oslo" "Riga" "Turku" rank:2 anonymous')
    assert (poll.questions[0].kind, poll.questions[0].size) == (QuestionKind.RANK, 2)
    assert "Rank your top 2" in text_of(poll_message(emu, poll).blocks)
    await answer(running, emu, poll, AINO, {"1st choice": "Riga", "2nd choice": "Oslo"})
    await answer(running, emu, poll, CARLA, {"1st choice": "Riga"})
    await answer(running, emu, poll, EEVA, {"1. valinta": "Turku", "2. valinta": "Riga"})
    interim = await results(running, emu, poll)
    assert "`████████░░` Riga · points: 5 · 1st places: 2" in interim
    summary = await close(running, emu, poll)
    assert "3 answered · points: 2 for a 1st place, down to 1 for place 2" in summary
    assert "`███░░░░░░░` Turku · points: 2 · 1st places: 1" in summary
    assert "`██░░░░░░░░` Oslo · points: 1 · 1st places: 0" in summary
    rows = await export(running, emu, poll)
    assert rows == [
        ["Next offsite? – place 1", "Next offsite? – place 2"],
        ["Riga", ""],
        ["Riga", "Oslo"],
        ["Turku", "Riga"],
    ]
    assert_no_name(everything_the_organiser_and_channel_see(emu), (AINO, CARLA, EEVA))


# --- NPS ----------------------------------------------------------------------------------


async def test_nps_from_quick_syntax_answered_in_a_select_changed_and_summed_up(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "How likely are you to recommend our office?" nps')
    assert poll.questions[0].kind is QuestionKind.NPS
    assert "Score from 0 (not at all likely) to 10" in text_of(poll_message(emu, poll).blocks)
    await open_form(running, emu, poll, AINO)
    element = form_element(emu, AINO, ids.answer_block_id(0))
    assert element["type"] == "static_select"
    assert [o["value"] for o in element["options"]] == [str(score) for score in range(11)]
    label = "How likely are you to recommend our office?"
    assert await send(running, emu, AINO, {label: "10 – extremely likely"}) == {}
    for person, score in ((BENGT, "9"), (CARLA, "8"), (DAVID, "3")):
        assert await answer(running, emu, poll, person, {label: score}) == {}
    assert await answer(running, emu, poll, EEVA, {label: "6"}) == {}
    # David changes 3 to 7: the form opens with his 3.
    await open_form(running, emu, poll, DAVID)
    assert form_element(emu, DAVID, ids.answer_block_id(0))["initial_option"]["value"] == "3"
    assert await send(running, emu, DAVID, {label: "7"}) == {}
    assert await stored(running, poll, DAVID) == QuestionAnswer(rating=7)

    summary = await close(running, emu, poll)
    # 2 promoters (10, 9), 2 passives (8, 7), 1 detractor (6): 40 % - 20 % = +20.
    assert "NPS *+20* · 5 answered" in summary
    assert "Promoters (9–10): 2 · Passives (7–8): 2 · Detractors (0–6): 1" in summary
    for point, count in ((10, 1), (9, 1), (8, 1), (7, 1), (6, 1), (3, 0), (0, 0)):
        bar = "██░░░░░░░░" if count else "░░░░░░░░░░"
        assert f"`{bar}` {point} ({count})" in summary
    rows = await export(running, emu, poll)
    assert rows[0] == ["Respondent", label]
    assert sorted(row[1] for row in rows[1:]) == ["10", "6", "7", "8", "9"]


async def test_anonymous_nps_from_the_form_leaks_no_name(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create_in_form(
        running, emu, "Would you recommend the course?", "0–10 score", "", anonymous=True
    )
    assert poll.questions[0].kind is QuestionKind.NPS and poll.anonymous
    label = "Would you recommend the course?"
    await answer(running, emu, poll, AINO, {label: "0 – not at all likely"})
    await answer(running, emu, poll, BENGT, {label: "9"})
    await answer(running, emu, poll, EEVA, {label: "5"})
    summary = await close(running, emu, poll)
    # 1 promoter, 2 detractors of 3: 33.3 % - 66.7 % = -33.
    assert "NPS *-33* · 3 answered" in summary
    assert "Promoters (9–10): 1 · Passives (7–8): 0 · Detractors (0–6): 2" in summary
    rows = await export(running, emu, poll)
    assert rows == [[label], ["0"], ["5"], ["9"]]
    assert_no_name(everything_the_organiser_and_channel_see(emu), (AINO, BENGT, EEVA))


# --- refusals in the quick syntax and the store ------------------------------------------


async def test_quick_syntax_mistakes_with_the_new_kinds_are_explained(
    running: RunningBot, emu: SlackEmulator
) -> None:
    cases = [
        ('new "Q?" "A" "B" dots:0', "“0” is not a number of dots"),
        ('new "Q?" "A" "B" rank:3', "ranks 3 places but has only 2 options"),
        ('new "Q?" "A" "B" nps', "0–10 score, so it takes no options"),
        ('new "Q?" "A" "B" dots rank', "“dots” and “rank” are different ways to answer"),
    ]
    for text, expected in cases:
        await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", text)
        await running.settle()
        assert expected in last_ephemeral(emu, ORGANISER)
    assert await running.repo.polls_with_status() == []


async def test_the_store_refuses_an_answer_that_does_not_fit(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    dots = await create(running, emu, 'new "Q?" "A" "B" dots:2')
    rank = await create(running, emu, 'new "R?" "A" "B" "C" rank:2')
    at = clock.now()
    record = running.repo.record_response
    too_many = (QuestionAnswer(choices=(0, 0, 1)),)
    assert await record(dots.id, AINO, too_many, at) is AnswerOutcome.INVALID
    assert await record(rank.id, AINO, (QuestionAnswer(choices=(1, 1)),), at) is (
        AnswerOutcome.INVALID
    )
    assert await record(rank.id, AINO, (QuestionAnswer(choices=(0, 1, 2)),), at) is (
        AnswerOutcome.INVALID
    )
    assert await record(rank.id, AINO, (QuestionAnswer(choices=(2, 0)),), at) is (
        AnswerOutcome.STORED
    )
    assert await stored(running, rank, AINO) == QuestionAnswer(choices=(2, 0))


async def test_many_dot_votes_of_25_options_fit_the_modal(
    running: RunningBot, emu: SlackEmulator
) -> None:
    """Five dot votes of 25 options would be 130 blocks as a select per option; the form gives
    each dot a select of the options instead, within Slack's 100 blocks."""
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER))
    for _ in range(4):
        count = len(emu.views(ORGANISER)[-1].blocks)
        await running.driver.click(
            ORGANISER, emu.views(ORGANISER)[-1], action_id=ids.ADD_QUESTION_ACTION
        )
        await emu.wait_for(partial(grew, emu, ORGANISER, count))
    options = "\n".join(f"Option {n:02d}" for n in range(25))
    fill: dict[str, Any] = {}
    for index in range(5):
        fill[ids.question_text_block_id(index)] = f"Topic {index + 1}?"
        fill[ids.question_kind_block_id(index)] = "dots"
        fill[ids.question_options_block_id(index)] = options
        fill[ids.question_size_block_id(index)] = "10"
    reply = await running.driver.submit_view(ORGANISER, fill=fill)
    assert reply.body is None, reply.body
    await running.settle()
    poll = (await running.repo.polls_with_status())[-1]
    await open_form(running, emu, poll, AINO)
    blocks = emu.views(AINO)[-1].blocks
    assert len(blocks) == 2 + 5 * 11
    dot = {
        ids.answer_dot_block_id(2, 0): "Option 07",
        ids.answer_dot_block_id(2, 1): "Option 07",
        ids.answer_dot_block_id(2, 2): "Option 24",
    }
    assert await send(running, emu, AINO, dot) == {}
    response = await running.repo.response_of(poll.id, AINO)
    assert response is not None
    assert response.answers[2] == QuestionAnswer(choices=(7, 7, 24))
    await open_form(running, emu, poll, AINO)
    again = form_element(emu, AINO, ids.answer_dot_block_id(2, 2))
    assert again["initial_option"]["value"] == "24"


async def test_help_tells_the_new_ways_to_answer_in_english_and_finnish(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await running.driver.slash_command(AINO, CHANNEL, "/wishes", "help")
    await running.settle()
    english = last_ephemeral(emu, AINO)
    assert "`dots` or `dots:5`" in english and "`rank` or `rank:2`" in english
    assert "`nps`" in english and "Net Promoter Score" in english
    await running.driver.slash_command(EEVA, CHANNEL, "/wishes", "help")
    await running.settle()
    finnish = last_ephemeral(emu, EEVA)
    assert "`pisteet` tai `pisteet:5`" in finnish and "`järjestys` tai `järjestys:2`" in finnish
    assert "`suosittelu`" in finnish
    # The Finnish words work as they are told.
    poll = await create(running, emu, 'new "Mihin budjetti?" "Kahvi" "Kirjat" pisteet:5', user=EEVA)
    assert (poll.questions[0].kind, poll.questions[0].size) == (QuestionKind.DOTS, 5)
