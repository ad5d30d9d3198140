"""The Home tab end to end: what a respondent still has to answer, an organiser's polls and their
buttons, keeping it current without flooding Slack, in the reader's language."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ShiftableClock
from bot.domain.model import PollStatus
from bot.services.home import MAX_WAITING
from bot.slack import ids
from bot.storage.retention import RetentionStore
from slack_emulator import SlackEmulator, View
from slack_emulator.blockkit import VIEW_MAX_BLOCKS, validate_view
from tests.e2e.conftest import CHANNEL, FINN, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import create, poll_message, reminders_sent, shown, text_of

RESPONDENT = PEOPLE[0]


async def open_home(running: RunningBot, emu: SlackEmulator, user: str) -> View:
    """The person opens the Home tab; the Home the bot publishes for it."""
    publishes = len(emu.calls_to("views.publish"))
    reply = await running.driver.app_home_opened(user)
    assert reply.status == 200
    await running.settle()
    assert len(emu.calls_to("views.publish")) > publishes, "no Home published"
    return home_of(emu, user)


def home_of(emu: SlackEmulator, user: str) -> View:
    home = emu.home_view(user)
    assert home is not None, f"{user} has no Home"
    return home


def section_of(home: View, block_id: str) -> str:
    """The text of one block of the Home, found by its block_id ("" when it is not there)."""
    return "\n".join(text_of(b) for b in home.blocks if b.get("block_id") == block_id)


def waiting_ids(home: View) -> list[int]:
    prefix = f"{ids.HOME_WAITING_BLOCK}."
    return [
        int(str(b["block_id"])[len(prefix) :])
        for b in home.blocks
        if str(b.get("block_id", "")).startswith(prefix)
    ]


def publishes_to(emu: SlackEmulator, user: str) -> int:
    return sum(1 for c in emu.calls_to("views.publish") if c.args.get("user_id") == user)


def last_dm(emu: SlackEmulator, user: str) -> str:
    messages = emu.dm_messages(user)
    assert messages, f"{user} got no DM"
    return shown(messages[-1])


# --- a respondent -------------------------------------------------------------------------------


async def test_a_respondent_answers_from_home_and_the_list_shrinks(
    running: RunningBot, emu: SlackEmulator
) -> None:
    one_click = await create(running, emu, 'new "Best day?" "Mon" "Tue" closes:3d')
    free_text = await create(running, emu, 'new "What would help you most?" closes:2d')
    home = await open_home(running, emu, RESPONDENT)
    assert "Waiting for your answer" in text_of(home.blocks)
    assert waiting_ids(home) == [free_text.id, one_click.id]  # newest first
    line = section_of(home, f"{ids.HOME_WAITING_BLOCK}.{one_click.id}")
    assert "Best day?" in line and f"<#{CHANNEL}>" in line and "<!date^" in line

    # A one-click poll answered through a form with its options, by their labels.
    await running.driver.click(RESPONDENT, home, "Answer", value=str(one_click.id))
    await emu.wait_for(lambda: emu.views(RESPONDENT), message="no answer form")
    form = emu.views(RESPONDENT)[-1]
    assert form.callback_id == ids.ANSWER_VIEW
    assert "Mon" in text_of(form.blocks) and "Tue" in text_of(form.blocks)
    await running.driver.submit_view(RESPONDENT, fill={"Best day?": "Tue"})
    await running.settle()
    response = await running.repo.response_of(one_click.id, RESPONDENT)
    assert response is not None and response.answers[0] is not None
    assert response.answers[0].choices == (1,)
    # The same confirmation as answering in the channel.
    assert f"#{one_click.id}" in text_of(emu.views(RESPONDENT)[-1].blocks)
    await emu.wait_for(
        lambda: waiting_ids(home_of(emu, RESPONDENT)) == [free_text.id],
        message="the answered poll is still waiting on Home",
    )
    # The poll message counts the answer as any other.
    await emu.wait_for(lambda: "1 of 6 answered" in text_of(poll_message(emu, one_click).blocks))


async def test_answering_from_home_refuses_a_closed_poll_politely(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    home = await open_home(running, emu, RESPONDENT)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    await running.driver.click(RESPONDENT, home, "Answer", value=str(poll.id))
    await running.settle()
    assert emu.views(RESPONDENT) == []
    assert "closed" in last_dm(emu, RESPONDENT).lower()


# --- an organiser -------------------------------------------------------------------------------


async def test_an_organiser_closes_reminds_extends_and_exports_from_home(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" closes:3d remind:off')
    await running.driver.click(PEOPLE[1], poll_message(emu, poll), "Mon")
    await running.settle()
    home = await open_home(running, emu, ORGANISER)
    own = section_of(home, f"{ids.HOME_OWN_BLOCK}.{poll.id}")
    assert "Your polls" in text_of(home.blocks)
    assert "1 of 6 answered" in own and "Best day?" in own

    await running.driver.click(ORGANISER, home, "Extend 1 day", value=str(poll.id))
    await running.settle()
    extended = await running.repo.get_poll(poll.id)
    assert extended is not None and extended.closes_at == poll.closes_at + timedelta(days=1)
    assert f"#{poll.id}" in last_dm(emu, ORGANISER)

    await running.driver.click(ORGANISER, home_of(emu, ORGANISER), "Remind now", value=str(poll.id))
    await running.settle()
    reminded = {c.args["channel"] for c in reminders_sent(emu, poll.id)}
    # Those asked who have not answered, as /wishes remind does (not the one who did).
    assert reminded == set(PEOPLE) - {PEOPLE[1]}

    await running.driver.click(ORGANISER, home_of(emu, ORGANISER), "Export CSV", value=str(poll.id))
    await emu.wait_for(lambda: emu.files, message="no CSV sent")
    (file,) = emu.files
    assert file.filename == f"wishbot-poll-{poll.id}.csv"

    await running.driver.click(ORGANISER, home_of(emu, ORGANISER), "Close", value=str(poll.id))
    await running.settle()
    closed = await running.repo.get_poll(poll.id)
    assert closed is not None and closed.status is PollStatus.CLOSED
    # On Home it moved to the closed ones, with what comes next and a link to its summary.
    await emu.wait_for(
        lambda: section_of(home_of(emu, ORGANISER), f"{ids.HOME_CLOSED_BLOCK}.{poll.id}"),
        message="the closed poll is not on Home",
    )
    after = home_of(emu, ORGANISER)
    assert section_of(after, f"{ids.HOME_OWN_BLOCK}.{poll.id}") == ""
    closed_line = section_of(after, f"{ids.HOME_CLOSED_BLOCK}.{poll.id}")
    assert "see the summary" in closed_line and "https://" in closed_line
    assert "Record what we did" in text_of(after.blocks)


async def test_home_buttons_refuse_someone_elses_poll(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" closes:3d remind:off')
    intruder = PEOPLE[2]
    home = await open_home(running, emu, intruder)
    assert section_of(home, f"{ids.HOME_OWN_BLOCK}.{poll.id}") == ""  # not theirs: no buttons
    actions = (ids.HOME_EXTEND_ACTION, ids.CLOSE_ACTION, ids.HOME_REMIND_ACTION)
    for action in (*actions, ids.HOME_EXPORT_ACTION):
        told = len(emu.dm_messages(intruder))
        reply = await running.driver.forge_click(intruder, home, action, str(poll.id))
        assert reply.status == 200
        await running.settle()
        assert len(emu.dm_messages(intruder)) == told + 1, action
        assert "Only the person who created" in last_dm(emu, intruder)
    unchanged = await running.repo.get_poll(poll.id)
    assert unchanged is not None and unchanged.status is PollStatus.OPEN
    assert unchanged.closes_at == poll.closes_at
    assert reminders_sent(emu, poll.id) == [] and emu.files == []


async def test_a_deleted_poll_leaves_its_organisers_home(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue"')
    home = await open_home(running, emu, ORGANISER)
    assert section_of(home, f"{ids.HOME_OWN_BLOCK}.{poll.id}")
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"delete {poll.id}")
    await running.settle()
    await running.driver.click(ORGANISER, emu.ephemerals(ORGANISER)[-1], "Delete")
    await running.settle()
    assert await running.repo.get_poll(poll.id) is None
    assert section_of(home_of(emu, ORGANISER), f"{ids.HOME_OWN_BLOCK}.{poll.id}") == ""


async def test_new_poll_on_home_opens_the_create_form(
    running: RunningBot, emu: SlackEmulator
) -> None:
    home = await open_home(running, emu, ORGANISER)
    assert "How to start a poll" in text_of(home.blocks)
    assert '/wishes "Question?"' in text_of(home.blocks)
    await running.driver.click(ORGANISER, home, "New poll")
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no create form")
    assert emu.views(ORGANISER)[-1].callback_id == ids.CREATE_VIEW


# --- keeping it current -------------------------------------------------------------------------


async def test_many_answers_republish_an_organisers_home_once_a_minute(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" closes:3d remind:off')
    await open_home(running, emu, ORGANISER)
    opened = publishes_to(emu, ORGANISER)
    for person in PEOPLE:
        await running.driver.click(person, poll_message(emu, poll), "Tue")
        await running.settle()
    # Within the minute after the last publish: nothing more yet.
    assert publishes_to(emu, ORGANISER) == opened
    clock.advance(timedelta(seconds=61))
    await running.settle()
    assert publishes_to(emu, ORGANISER) == opened + 1  # the whole burst in one publish
    own = section_of(home_of(emu, ORGANISER), f"{ids.HOME_OWN_BLOCK}.{poll.id}")
    assert "5 of 6 answered" in own
    clock.advance(timedelta(minutes=5))
    await running.settle()
    assert publishes_to(emu, ORGANISER) == opened + 1  # nothing changed since


async def test_nobody_who_never_opened_home_gets_it_published(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    await open_home(running, emu, RESPONDENT)
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" closes:1h remind:off')
    for person in PEOPLE[1:3]:
        await running.driver.click(person, poll_message(emu, poll), "Mon")
        await running.settle()
    clock.advance(timedelta(hours=1, seconds=1))
    await running.settle()
    # The one who opened it sees the close within a minute of their last publish.
    clock.advance(timedelta(seconds=61))
    await running.settle()
    assert waiting_ids(home_of(emu, RESPONDENT)) == []
    published_to = {c.args.get("user_id") for c in emu.calls_to("views.publish")}
    assert published_to == {RESPONDENT}


async def test_the_messages_tab_publishes_nothing(running: RunningBot, emu: SlackEmulator) -> None:
    reply = await running.driver.app_home_opened(RESPONDENT, tab="messages")
    assert reply.status == 200
    await running.settle()
    assert emu.calls_to("views.publish") == []


# --- languages and limits -----------------------------------------------------------------------


async def test_home_in_finnish_and_swedish(running: RunningBot, emu: SlackEmulator) -> None:
    await create(running, emu, 'new "Paras päivä?" "Ma" "Ti"', user=FINN)
    finnish = await open_home(running, emu, FINN)
    text = text_of(finnish.blocks)
    assert "Omat kyselysi" in text and "Näin aloitat kyselyn" in text
    assert "Jatka päivällä" in text and "Uusi kysely" in text
    emu.add_user("U0SIGRID", "sigrid", tz="Europe/Helsinki", locale="sv-FI")
    emu.add_member(CHANNEL, "U0SIGRID")
    swedish = await open_home(running, emu, "U0SIGRID")
    text = text_of(swedish.blocks)
    assert "Väntar på ditt svar" in text and "Ny enkät" in text


async def test_a_crowded_home_stays_within_block_kit_limits(
    running: RunningBot, emu: SlackEmulator
) -> None:
    long_question = "Which of these would make the mornings better for you? " * 4
    for number in range(25):
        await create(running, emu, f'new "{number} {long_question.strip()}" "Yes" "No"')
    home = await open_home(running, emu, RESPONDENT)
    assert len(home.blocks) <= VIEW_MAX_BLOCKS
    assert validate_view(home.definition, expected="home") == []
    assert len(waiting_ids(home)) == MAX_WAITING
    assert "and 5 more" in text_of(home.blocks)


async def test_next_steps_of_a_closed_poll_open_their_forms_from_home(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    poll = await create(running, emu, 'new "What would help you most?" closes:1h remind:off')
    for person, wish in zip(PEOPLE[:3], ("Coffee", "Quiet room", "Coffee"), strict=True):
        await running.driver.click(person, poll_message(emu, poll), "Answer")
        await running.settle()
        await running.driver.submit_view(person, fill={ids.answer_block_id(0): wish})
        await running.settle()
    clock.advance(timedelta(hours=1, seconds=1))
    await running.settle()
    home = await open_home(running, emu, ORGANISER)
    assert section_of(home, f"{ids.HOME_CLOSED_BLOCK}.{poll.id}")
    await running.driver.click(ORGANISER, home, "Vote on these wishes", value=str(poll.id))
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no follow-up form")
    form = emu.views(ORGANISER)[-1]
    assert form.callback_id == ids.FOLLOW_UP_VIEW and "Coffee" in text_of(form.blocks)
    await running.driver.close_view(ORGANISER, clear=True)
    await running.driver.click(ORGANISER, home, "Record what we did", value=str(poll.id))
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no outcome form")
    assert emu.views(ORGANISER)[-1].callback_id == ids.OUTCOME_VIEW


async def test_retention_forgets_who_opened_home_with_their_polls(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    loner = "U0LONER"  # in no channel, so asked in no poll
    emu.add_user(loner, "loner", tz="Europe/Helsinki")
    await open_home(running, emu, loner)
    await create(running, emu, 'new "Best day?" "Mon" "Tue" closes:3d')
    await open_home(running, emu, RESPONDENT)  # asked in a poll that stays
    cutoff = clock.now() + timedelta(days=1)
    await RetentionStore(running.repo.db).purge(cutoff)
    assert await running.repo.home_record(loner) is None
    assert await running.repo.home_record(RESPONDENT) is not None


async def test_an_organiser_stops_a_series_from_home_and_nobody_else_can(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "How was the week?" rating every:week')
    assert poll.series_id is not None
    home = await open_home(running, emu, ORGANISER)
    line = section_of(home, f"{ids.HOME_SERIES_BLOCK}.{poll.series_id}")
    assert "How was the week?" in line and "Repeats every week" in line and "<!date^" in line
    assert "Stop series" in line

    # Someone else, forging the click on their own Home, is refused and stops nothing.
    intruder = PEOPLE[1]
    theirs = await open_home(running, emu, intruder)
    assert section_of(theirs, f"{ids.HOME_SERIES_BLOCK}.{poll.series_id}") == ""
    await running.driver.forge_click(
        intruder, theirs, ids.HOME_STOP_SERIES_ACTION, str(poll.series_id)
    )
    await running.settle()
    assert "recurring poll" in last_dm(emu, intruder).lower()
    series = await running.repo.get_series(poll.series_id)
    assert series is not None and series.is_active

    await running.driver.click(ORGANISER, home, "Stop series")
    await running.settle()
    series = await running.repo.get_series(poll.series_id)
    assert series is not None and not series.is_active
    assert "no new polls will start" in last_dm(emu, ORGANISER)
    again = home_of(emu, ORGANISER)
    assert section_of(again, f"{ids.HOME_SERIES_BLOCK}.{poll.series_id}") == ""
    # The poll already posted runs to its close.
    still = await running.repo.get_poll(poll.id)
    assert still is not None and still.status is PollStatus.OPEN


async def test_a_poll_created_for_someone_appears_on_their_open_home(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    await open_home(running, emu, RESPONDENT)
    assert waiting_ids(home_of(emu, RESPONDENT)) == []
    poll = await create(running, emu, f'new "Lunch?" "Yes" "No" to:<@{RESPONDENT}>')
    # Not the person who acted: their Home follows within a minute of its last publish.
    clock.advance(timedelta(seconds=61))
    await running.settle()
    assert waiting_ids(home_of(emu, RESPONDENT)) == [poll.id]


async def test_a_reminder_round_publishes_no_home_again(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    await open_home(running, emu, RESPONDENT)
    poll = await create(running, emu, 'new "Quick?" "Yes" "No" closes:1d remind:6h')
    clock.advance(timedelta(seconds=61))
    await running.settle()
    assert waiting_ids(home_of(emu, RESPONDENT)) == [poll.id]
    published = publishes_to(emu, RESPONDENT)
    # A round and its reminders change nothing a Home shows: no views.publish for them.
    clock.advance(timedelta(hours=6, seconds=1))
    await running.settle()
    assert RESPONDENT in {c.args["channel"] for c in reminders_sent(emu, poll.id)}
    clock.advance(timedelta(minutes=2))
    await running.settle()
    assert publishes_to(emu, RESPONDENT) == published


async def test_homes_follow_a_close_through_views_publish_rate_limits(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    readers = PEOPLE[:3]
    for person in readers:
        await open_home(running, emu, person)
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" closes:1h remind:off')
    clock.advance(timedelta(seconds=61))
    await running.settle()
    assert all(waiting_ids(home_of(emu, person)) == [poll.id] for person in readers)
    # Slack's limit for views.publish is reached as the poll closes: its Retry-After is kept
    # and every Home is published after it, none lost.
    emu.fail("views.publish", status=429, retry_after=1, times=2)
    clock.advance(timedelta(hours=1, seconds=1))
    await running.settle()
    assert all(waiting_ids(home_of(emu, person)) == [] for person in readers)
    assert emu.rate_limited_count >= 2


async def test_a_series_stopped_or_planned_by_command_follows_on_the_organisers_home(
    running: RunningBot, emu: SlackEmulator
) -> None:
    await open_home(running, emu, ORGANISER)
    poll = await create(running, emu, 'new "How was the week?" rating every:week')
    series_line = f"{ids.HOME_SERIES_BLOCK}.{poll.series_id}"
    # The organiser acted: their Home lists the series at once, not a minute later.
    await emu.wait_for(
        lambda: section_of(home_of(emu, ORGANISER), series_line), message="no series on Home"
    )
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"stop {poll.id}")
    await running.settle()
    assert "The recurring poll is stopped" in text_of(emu.ephemerals(ORGANISER)[-1].blocks)
    assert section_of(home_of(emu, ORGANISER), series_line) == ""


async def test_a_poll_made_with_new_poll_on_home_is_posted_and_listed_there(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    home = await open_home(running, emu, ORGANISER)
    await running.driver.click(ORGANISER, home, "New poll")
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no create form")
    reply = await running.driver.submit_view(
        ORGANISER,
        fill={
            ids.CHANNEL_BLOCK: CHANNEL,
            ids.question_text_block_id(0): "Best day?",
            ids.question_options_block_id(0): "Mon\nTue",
        },
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    (poll,) = await running.repo.polls_with_status()
    assert poll.channel_id == CHANNEL and poll.organiser_id == ORGANISER
    assert "Best day?" in text_of(poll_message(emu, poll).blocks)
    told = [text_of(m.blocks) for m in emu.ephemerals(ORGANISER)]
    told += [text_of(m.blocks) for m in emu.dm_messages(ORGANISER)]
    assert any(f"Poll #{poll.id} is posted" in text for text in told), told
    clock.advance(timedelta(seconds=61))
    await running.settle()
    assert "Best day?" in section_of(home_of(emu, ORGANISER), f"{ids.HOME_OWN_BLOCK}.{poll.id}")


async def test_a_series_planned_in_the_form_is_on_home_before_its_first_poll(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    first_day = (clock.now() + timedelta(days=3)).date()
    await open_home(running, emu, ORGANISER)
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", "")
    await emu.wait_for(lambda: emu.views(ORGANISER), message="no create form")
    reply = await running.driver.submit_view(
        ORGANISER,
        fill={
            ids.question_text_block_id(0): "Team lunch where?",
            ids.question_options_block_id(0): "Pizza\nSushi",
            ids.REPEAT_BLOCK: "2w",
            ids.FIRST_START_DATE_BLOCK: first_day.isoformat(),
        },
    )
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    assert await running.repo.polls_with_status() == []  # nothing posted yet
    (series,) = await running.repo.active_series_of(ORGANISER)
    home = home_of(emu, ORGANISER)
    line = section_of(home, f"{ids.HOME_SERIES_BLOCK}.{series.id}")
    assert "Team lunch where?" in line and "Stop series" in line
    assert "You have not started any polls yet." not in text_of(home.blocks)


async def test_a_home_switched_off_in_the_apps_settings_is_tried_once_and_given_up(
    running: RunningBot, emu: SlackEmulator, clock: ShiftableClock
) -> None:
    poll = await create(running, emu, 'new "Best day?" "Mon" "Tue" closes:3d remind:off')
    await open_home(running, emu, ORGANISER)
    opened = publishes_to(emu, ORGANISER)
    emu.home_tab_enabled = False
    await running.driver.click(RESPONDENT, poll_message(emu, poll), "Tue")
    await running.settle()
    clock.advance(timedelta(seconds=61))
    await running.settle()
    refused = [c for c in emu.calls_to("views.publish") if c.args.get("user_id") == ORGANISER]
    assert [c.response.get("error") for c in refused[opened:]] == ["not_enabled"]
    # Another try cannot mend it: the job is done, not retried later.
    clock.advance(timedelta(hours=2))
    await running.settle()
    assert publishes_to(emu, ORGANISER) == opened + 1
