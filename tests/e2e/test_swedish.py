"""Swedish end to end: a poll by a Swedish organiser from creation to summary, each respondent
reading their own language (Swedish, Finnish, English) and the channel the organiser's."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest

from bot.clock import ShiftableClock
from bot.domain.model import PollStatus, QuestionAnswer, QuestionKind
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
