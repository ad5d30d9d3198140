"""Swedish end to end: a poll by a Swedish organiser from creation to summary, each respondent
reading their own language (Swedish, Finnish, English) and the channel the organiser's."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest

from bot.clock import ShiftableClock
from bot.domain.model import PollStatus, QuestionAnswer, QuestionKind
from bot.slack import ids
from slack_emulator import Message, SlackEmulator
from tests.e2e.conftest import CHANNEL, FINN, ORGANISER, PEOPLE, BotFactory, RunningBot
from tests.e2e.helpers import (
    channel_posts,
    create,
    last_ephemeral,
    poll_message,
    reminded,
    shown,
    text_of,
)
from tests.e2e.test_outcome import dm_report, report_replies
from tests.e2e.test_outcome import told as outcome_told

ENGLISH = PEOPLE[0]
SIGRID = "U0SIGRID"  # the organiser, in Vaasa, Slack in Finland-Swedish
SVEN = "U0SVEN"  # a respondent with Slack in Sweden's Swedish


@pytest.fixture
async def swedish(start_bot: BotFactory, emu: SlackEmulator) -> RunningBot:
    """The usual workspace plus two Swedish readers in #general, known when the bot starts."""
    emu.add_user(SIGRID, "sigrid", real_name="Sigrid", tz="Europe/Helsinki", locale="sv-FI")
    emu.add_user(SVEN, "sven", tz="Europe/Stockholm", locale="sv-SE")
    for user_id in (SIGRID, SVEN):
        emu.add_member(CHANNEL, user_id)
    running = await start_bot()
    await running.settle()
    return running


async def open_answer_form(
    running: RunningBot, emu: SlackEmulator, user: str, at: Message, label: str
) -> str:
    """Click the Answer button by the label the person sees there; the form's text."""
    before = len(emu.views(user))
    await running.driver.click(user, at, label)
    await emu.wait_for(lambda: len(emu.views(user)) > before, message=f"no form for {user}")
    form = emu.views(user)[-1]
    return form.title + "\n" + text_of(form.blocks)


async def test_a_quick_poll_in_swedish_from_creation_to_summary(
    swedish: RunningBot, emu: SlackEmulator
) -> None:
    running = swedish
    poll = await create(
        running,
        emu,
        'ny "Vilka dagar passar för workshoppen?" "Tisdag" "Torsdag" "Fredag" '
        "flerval stängs:2d påminn:av",
        user=SIGRID,
    )
    assert poll.language == "sv"
    assert poll.questions[0].kind is QuestionKind.MULTI and poll.remind_every is None
    assert round((poll.closes_at - poll.opened_at).total_seconds()) == 2 * 86400
    message = text_of(poll_message(emu, poll).blocks)
    assert f"Önskemål #{poll.id}" in message and "0 av 8 har svarat" in message
    assert "Välj ett eller flera" in message and "Frågeställare <@U0SIGRID>" in message
    # The close time as a Slack date token, falling back to a Finland-Swedish date and time.
    assert re.search(r"\|\d{1,2}\.\d{1,2}\.20\d\d kl\. \d\d\.\d\d UTC>", message), message
    confirmation = last_ephemeral(emu, SIGRID)
    assert f"Enkät #{poll.id} är publicerad i <#{CHANNEL}>" in confirmation
    assert "Tillfrågade: 8" in confirmation and "Inga påminnelser skickas." in confirmation

    # A reminder now: each person reads it in their own language and answers from it.
    await running.driver.slash_command(SIGRID, CHANNEL, "/wishes", f"påminn {poll.id}")
    await running.settle()
    asked_but_sigrid = [ORGANISER, *PEOPLE, SVEN]
    assert reminded(emu, poll.id, [*asked_but_sigrid, SIGRID]) == Counter(
        dict.fromkeys(asked_but_sigrid, 1)
    )
    assert f"Påminnelser för enkät #{poll.id}: 7 skickades nu" in last_ephemeral(emu, SIGRID)
    reminders = {person: emu.dm_messages(person)[-1] for person in (SVEN, FINN, ENGLISH)}
    assert "Hej! <@U0SIGRID> vill gärna höra dina önskemål" in shown(reminders[SVEN])
    assert "Påminn mig inte" in shown(reminders[SVEN])
    assert "Hei! <@U0SIGRID> haluaisi kuulla toiveesi" in shown(reminders[FINN])
    assert "Hi! <@U0SIGRID> would like to hear your wishes" in shown(reminders[ENGLISH])

    form = await open_answer_form(running, emu, SVEN, reminders[SVEN], "Svara")
    assert f"Svara på enkät #{poll.id}" in form and "Välj så många du vill." in form
    await running.driver.submit_view(
        SVEN, fill={"Vilka dagar passar för workshoppen?": ["Tisdag", "Fredag"]}
    )
    await running.settle()
    saved = text_of(emu.views(SVEN)[-1].blocks)
    assert f"Tack! Dina svar på enkät #{poll.id} är sparade." in saved

    form = await open_answer_form(running, emu, FINN, reminders[FINN], "Vastaa")
    assert f"Vastaa kyselyyn #{poll.id}" in form and "Valitse niin monta kuin haluat." in form
    await running.driver.submit_view(
        FINN, fill={"Vilka dagar passar för workshoppen?": ["Torsdag", "Fredag"]}
    )
    await running.settle()
    assert "Kiitos! Vastauksesi kyselyyn" in text_of(emu.views(FINN)[-1].blocks)

    # From the channel message, whose button is in the organiser's Swedish.
    form = await open_answer_form(running, emu, ENGLISH, poll_message(emu, poll), "Svara")
    assert f"Answer poll #{poll.id}" in form and "Choose as many as you like." in form
    await running.driver.submit_view(
        ENGLISH, fill={"Vilka dagar passar för workshoppen?": ["Fredag"]}
    )
    await running.settle()
    assert "Thanks! Your answers to poll" in text_of(emu.views(ENGLISH)[-1].blocks)
    response = await running.repo.response_of(poll.id, SVEN)
    assert response is not None and response.answers[0] == QuestionAnswer(choices=(0, 2))
    await emu.wait_for(lambda: "3 av 8 har svarat" in text_of(poll_message(emu, poll).blocks))

    # Only Sigrid may close it; each is told so in their own language.
    await running.driver.slash_command(SVEN, CHANNEL, "/wishes", f"stäng {poll.id}")
    await running.settle()
    assert f"Bara den som skapade enkät #{poll.id}" in last_ephemeral(emu, SVEN)
    await running.driver.slash_command(SIGRID, CHANNEL, "/wishes", f"stäng {poll.id}")
    await running.settle()
    assert f"Enkät #{poll.id} är stängd." in last_ephemeral(emu, SIGRID)
    summary = text_of(channel_posts(emu)[-1].blocks)
    assert f"Resultat av enkät #{poll.id}" in summary
    assert "*Svarande:* 3 av 8 (38 %)" in summary  # Swedish percent style
    assert "Tillfrågade: alla i <#C0GENERAL>" in summary
    assert "100 % · Fredag (3)" in summary and "33 % · Tisdag (1)" in summary
    closed = text_of(poll_message(emu, poll).blocks)
    assert f"Önskemål #{poll.id} (stängd)" in closed and "Stängdes" in closed


async def test_a_swedish_form_poll_closes_on_time_with_a_swedish_summary(
    swedish: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    running = swedish
    await running.driver.slash_command(SIGRID, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(SIGRID), message="no create form")
    assert emu.views(SIGRID)[-1].title == "Ny önskemålsenkät"
    before = len(emu.views(SIGRID)[-1].blocks)
    await running.driver.click(SIGRID, emu.views(SIGRID)[-1], "➕ Lägg till en fråga")
    await emu.wait_for(lambda: len(emu.views(SIGRID)[-1].blocks) > before)
    reply = await running.driver.submit_view(
        SIGRID,
        fill={
            "Fråga 1": "Hur nöjd är du med tjänsten?",
            "Hur fråga 1 besvaras": "Betyg 1–5",
            "Fråga 2": "Vad borde vi förbättra först?",
            "Hur fråga 2 besvaras": "Fritext",
            "Anonymitet": ["Anonyma svar"],
            "Påminnelser": "Inga påminnelser",
        },
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    assert poll.language == "sv" and poll.anonymous
    assert [q.kind for q in poll.questions] == [QuestionKind.RATING, QuestionKind.TEXT]
    message = text_of(poll_message(emu, poll).blocks)
    assert "Ge ett betyg från 1 (dåligt) till 5 (utmärkt)" in message
    assert "🔒 Anonym: frågeställaren ser hur många" in message

    ratings = {SVEN: "4 – bra", FINN: "5 – erinomainen", ENGLISH: "4 – good"}
    for person, rating in ratings.items():
        form = await open_answer_form(running, emu, person, poll_message(emu, poll), "Svara")
        assert rating in form  # the rating scale in the reader's own words
        await running.driver.submit_view(
            person,
            fill={
                "1. Hur nöjd är du med tjänsten?": rating,
                "2. Vad borde vi förbättra först?": f"Svar från {person}",
            },
        )
        await running.settle()
    assert (await running.repo.counts(poll.id)).answered == 3

    clock.advance(timedelta(days=3, seconds=1))  # the form's default closing time
    await running.settle()
    closed = await running.repo.get_poll(poll.id)
    assert closed is not None and closed.status is PollStatus.CLOSED
    summary = text_of(channel_posts(emu)[-1].blocks)
    assert f"Resultat av enkät #{poll.id}" in summary
    assert "Medeltal *4,3* av 5 · 3 svarade" in summary  # a decimal comma
    assert "svaren var anonyma" in summary and "4 – bra (2)" in summary
    assert "Svar: 3" in summary
    await emu.wait_for(lambda: "(stängd)" in text_of(poll_message(emu, poll).blocks))


async def test_the_loop_in_swedish_wishes_a_vote_and_a_report_each_reads_in_their_language(
    swedish: RunningBot, emu: SlackEmulator
) -> None:
    running = swedish
    question = "Vad skulle göra kontoret bättre?"
    poll = await create(running, emu, f'ny "{question}" påminn:av', user=SIGRID)
    wishes = {SVEN: "- Mer kaffe\n- Ståbord", ENGLISH: "mer kaffe!", FINN: "Ståbord\nVäxter"}
    for person, wish in wishes.items():
        await open_answer_form(running, emu, person, poll_message(emu, poll), "Svara")
        await running.driver.submit_view(person, fill={question: wish})
        await running.settle()
    await running.driver.slash_command(SIGRID, CHANNEL, "/wishes", f"stäng {poll.id}")
    await running.settle()

    # What next, in Swedish: the wishes become a dot vote of the same people.
    (told,) = [e for e in emu.ephemerals(SIGRID) if ids.PRIORITISE_ACTION in text_of(e.blocks)]
    assert "Berätta vad vi gjorde" in text_of(told.blocks)
    await running.driver.click(SIGRID, told, "Rösta om önskemålen")
    await emu.wait_for(lambda: emu.views(SIGRID), message="no follow-up form")
    form = emu.views(SIGRID)[-1]
    assert form.callback_id == ids.FOLLOW_UP_VIEW and form.title == "Rösta om önskemål"
    wishes_input = next(b for b in form.blocks if b.get("block_id") == ids.FOLLOW_UP_WISHES_BLOCK)
    assert wishes_input["element"]["initial_value"] == "Mer kaffe\nStåbord\nVäxter"
    reply = await running.driver.submit_view(SIGRID, fill={"Hur man röstar": "Prickröstning"})
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    (vote,) = [p for p in await running.repo.polls_with_status() if p.follow_up_of == poll.id]
    assert vote.questions[0].text == "Vilka av de här önskemålen är viktigast för dig?"
    assert "Uppföljning av <" in text_of(poll_message(emu, vote).blocks)
    for person, dots in ((SVEN, {"Mer kaffe": "3"}), (ENGLISH, {"Ståbord": "2", "Växter": "1"})):
        await running.driver.close_view(person, clear=True)
        await open_answer_form(running, emu, person, poll_message(emu, vote), "Svara")
        await running.driver.submit_view(person, fill=dots)
        await running.settle()
    await running.driver.slash_command(SIGRID, CHANNEL, "/wishes", f"stäng {vote.id}")
    await running.settle()

    # What we did, told in the thread in Swedish, and to each person asked in their language.
    await running.driver.slash_command(SIGRID, CHANNEL, "/wishes", f"utfall {vote.id}")
    await emu.wait_for(
        lambda: [v for v in emu.views(SIGRID) if v.callback_id == ids.OUTCOME_VIEW],
        message="no outcome form",
    )
    outcome = emu.views(SIGRID)[-1]
    assert "Mer kaffe (3 prickar)" in text_of(outcome.blocks)
    await running.driver.submit_view(
        SIGRID,
        fill={
            ids.outcome_status_block_id(0): "Gjort",
            ids.outcome_note_block_id(0): "En ny kaffemaskin",
        },
    )
    await running.settle()
    (report,) = await report_replies(running, emu, vote.id)
    text = text_of(report.blocks)
    assert f"Ni sa, vi gjorde – enkät #{vote.id}" in text
    assert text.index("*Vi frågade*") < text.index(question) < text.index("*Ni sa*")
    assert "Mer kaffe – 3 prickar" in text and "Mer kaffe – En ny kaffemaskin" in text
    assert "Ni sa, vi gjorde" in dm_report(emu, SVEN)
    assert "Te sanoitte, me teimme" in dm_report(emu, FINN)
    assert "You said, we did" in dm_report(emu, ENGLISH)
    everyone = [ORGANISER, *PEOPLE, SIGRID, SVEN]
    assert outcome_told(emu, vote.id, everyone) == Counter(dict.fromkeys(everyone, 1))
