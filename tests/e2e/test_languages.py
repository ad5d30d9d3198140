"""Finnish and English end to end: each reader's own language, the channel in the organiser's."""

from __future__ import annotations

from functools import partial

from bot.slack import ids
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, FINN, ORGANISER, PEOPLE, BotFactory, RunningBot
from tests.e2e.helpers import channel_posts, create, last_ephemeral, poll_message, text_of

ENGLISH = PEOPLE[0]


async def test_finnish_reader_gets_finnish_notes_on_an_english_poll(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    assert "Wishes #" in text_of(poll_message(emu, poll).blocks)
    await running.driver.click(FINN, poll_message(emu, poll), "Tue")
    await running.driver.click(ENGLISH, poll_message(emu, poll), "Mon")
    await running.settle()
    assert "Kiitos! Vastauksesi ”Tue”" in last_ephemeral(emu, FINN)
    assert "Thanks! Your answer “Mon”" in last_ephemeral(emu, ENGLISH)
    await emu.wait_for(lambda: "2 of 6 answered" in text_of(poll_message(emu, poll).blocks))


async def test_poll_by_a_finnish_organiser_posts_in_finnish(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Mikä päivä?" "Ma" "Ti" "Ke"', user=FINN)
    assert poll.language == "fi"
    message = text_of(poll_message(emu, poll).blocks)
    assert f"Toiveet #{poll.id}" in message and "vastannut 0/6" in message
    assert "Kysely #" in last_ephemeral(emu, FINN) and "Kysyttyjä: 6" in last_ephemeral(emu, FINN)
    await running.driver.click(ENGLISH, poll_message(emu, poll), "Ti")
    await running.settle()
    assert "Thanks!" in last_ephemeral(emu, ENGLISH)
    await running.driver.slash_command(ENGLISH, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    assert "Only the person who created" in last_ephemeral(emu, ENGLISH)
    await running.driver.slash_command(FINN, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    summary = text_of(channel_posts(emu)[-1].blocks)
    assert f"Kyselyn #{poll.id} tulokset" in summary
    assert "100 %" in summary  # Finnish percent style
    closed = text_of(poll_message(emu, poll).blocks)
    assert f"#{poll.id}" in closed and "Wishes" not in closed


async def test_finnish_rating_average_uses_a_decimal_comma(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Miten meni?" rating', user=FINN)
    for person, rating in ((PEOPLE[0], "4"), (PEOPLE[1], "5")):
        await running.driver.click(
            person, poll_message(emu, poll), action_id=ids.OPEN_ANSWER_ACTION
        )
        await emu.wait_for(partial(emu.views, person))
        await running.driver.submit_view(person, fill={ids.answer_block_id(0): rating})
    await running.settle()
    await running.driver.slash_command(FINN, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    assert "4,5" in text_of(channel_posts(emu)[-1].blocks)


async def test_modals_help_and_errors_follow_the_readers_locale(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Which days?" "Mon" "Tue" multi')
    await running.driver.click(FINN, poll_message(emu, poll), action_id=ids.OPEN_ANSWER_ACTION)
    await emu.wait_for(lambda: emu.views(FINN))
    assert emu.views(FINN)[-1].title == f"Vastaa kyselyyn #{poll.id}"
    await running.driver.click(ENGLISH, poll_message(emu, poll), action_id=ids.OPEN_ANSWER_ACTION)
    await emu.wait_for(lambda: emu.views(ENGLISH))
    assert emu.views(ENGLISH)[-1].title == f"Answer poll #{poll.id}"
    await running.driver.close_view(FINN, clear=True)
    await running.driver.slash_command(FINN, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(FINN))
    assert emu.views(FINN)[-1].title == "Uusi toivekysely"
    reply = await running.driver.slash_command(FINN, CHANNEL, "/wishes", "help")
    assert "Näin käytät Wishbotia" in str(reply.body)
    await running.driver.slash_command(FINN, CHANNEL, "/wishes", 'new "Mikä päivä?" "Ma"')
    await running.settle()
    assert "vain yksi vaihtoehto" in last_ephemeral(emu, FINN)
    await running.driver.slash_command(FINN, CHANNEL, "/wishes", "close 999")
    await running.settle()
    assert "En löydä kyselyä #999" in last_ephemeral(emu, FINN)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "close 999")
    await running.settle()
    assert "I can't find poll #999" in last_ephemeral(emu, ORGANISER)


async def test_configured_language_applies_only_while_the_readers_locale_is_unknown(
    start_bot: BotFactory, emu: SlackEmulator
) -> None:
    running = await start_bot(language="fi")
    await running.settle()  # the directory loaded at start is complete
    emu.add_user("U0NEWCOMER", "newcomer", locale="en-US")
    emu.add_member(CHANNEL, "U0NEWCOMER")
    first = await running.driver.slash_command("U0NEWCOMER", CHANNEL, "/wishes", "help")
    assert "Näin käytät Wishbotia" in str(first.body)  # not known yet: WISHBOT_LANGUAGE
    await running.driver.slash_command("U0NEWCOMER", CHANNEL, "/wishes", "list")
    await running.settle()  # the command after the ack looked the person up
    second = await running.driver.slash_command("U0NEWCOMER", CHANNEL, "/wishes", "help")
    assert "How to use Wishbot" in str(second.body)
    assert len(emu.calls_to("users.list")) + len(emu.calls_to("users.info")) <= 3


async def test_wishbot_language_sv_greets_an_unknown_reader_in_swedish(
    start_bot: BotFactory, emu: SlackEmulator
) -> None:
    running = await start_bot(language="sv")
    await running.settle()
    emu.add_user("U0NEWCOMER", "newcomer", locale="fi-FI")
    emu.add_member(CHANNEL, "U0NEWCOMER")
    first = await running.driver.slash_command("U0NEWCOMER", CHANNEL, "/wishes", "help")
    assert "Så här använder du Wishbot" in str(first.body)  # not known yet: WISHBOT_LANGUAGE
    await running.driver.slash_command("U0NEWCOMER", CHANNEL, "/wishes", "list")
    await running.settle()
    second = await running.driver.slash_command("U0NEWCOMER", CHANNEL, "/wishes", "help")
    assert "Näin käytät Wishbotia" in str(second.body)  # their own locale, once known
