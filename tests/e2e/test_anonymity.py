"""Anonymous polls end to end: no names or ids anywhere the organiser or channel can read."""

from __future__ import annotations

from bot.slack import ids
from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import channel_posts, create, last_ephemeral, poll_message, shown, text_of

# Ids and user names (the emulator names them after their ids) of the people who answer.
RESPONDENTS = PEOPLE[:4]


def traces(user_id: str) -> list[str]:
    return [user_id, user_id[2:].lower()]


def organiser_and_channel_text(emu: SlackEmulator) -> str:
    """Everything the channel and the organiser can read: posts, ephemerals, files, modals."""
    parts = [shown(m) for m in emu.messages(CHANNEL)]
    parts += [shown(e) for e in emu.ephemerals(ORGANISER)]
    parts += [shown(m) for m in emu.dm_messages(ORGANISER)]
    parts += [f.text for f in emu.files]
    parts += [text_of(v.blocks) for v in emu.views(ORGANISER)]
    return "\n".join(parts)


def assert_no_trace(text: str) -> None:
    lowered = text.lower()
    for person in RESPONDENTS:
        for trace in traces(person):
            assert trace.lower() not in lowered, f"{trace} leaked"


async def test_anonymous_poll_leaks_no_respondent_anywhere(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best perk?" "Gym" "Lunch" "Books" anonymous')
    message_text = text_of(poll_message(emu, poll).blocks)
    assert "Anonymous" in message_text and "never who answered what" in message_text
    for person, label in zip(RESPONDENTS, ["Gym", "Lunch", "Lunch", "Books"], strict=True):
        await running.driver.click(person, poll_message(emu, poll), label)
    await running.settle()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"results {poll.id}")
    await running.settle()
    interim = last_ephemeral(emu, ORGANISER)
    assert "Lunch (2)" in interim
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"export {poll.id}")
    await running.settle()
    await emu.wait_for(lambda: emu.files, message="no export uploaded")
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    summary = text_of(channel_posts(emu)[-1].blocks)
    assert "Lunch (2)" in summary and "answers were anonymous" in summary
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"export {poll.id}")
    await running.settle()
    await emu.wait_for(lambda: len(emu.files) == 2)
    assert_no_trace(organiser_and_channel_text(emu))
    # The Slack calls posting to the channel or to the organiser carry no respondent either.
    for call in emu.calls:
        if call.args.get("channel") == CHANNEL or call.method.startswith("files."):
            assert_no_trace(text_of(call.args))


async def test_anonymous_answer_form_explains_what_the_organiser_sees(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Which perks?" "Gym" "Lunch" multi anonymous')
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Answer")
    await emu.wait_for(lambda: emu.views(PEOPLE[0]))
    form = text_of(emu.views(PEOPLE[0])[-1].blocks)
    assert "never who answered what" in form


async def test_named_poll_says_the_organiser_sees_who_answered(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best perk?" "Gym" "Lunch"')
    assert "can see who answered what" in text_of(poll_message(emu, poll).blocks)


async def test_fewer_than_three_answers_show_only_the_count(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best perk?" "Gym" "Lunch" anonymous')
    await running.driver.click(PEOPLE[0], poll_message(emu, poll), "Gym")
    await running.driver.click(PEOPLE[1], poll_message(emu, poll), "Lunch")
    await running.settle()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"results {poll.id}")
    await running.settle()
    interim = last_ephemeral(emu, ORGANISER)
    assert "2 of 6" in interim
    assert "Gym (" not in interim and "Lunch (" not in interim
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    summary = text_of(channel_posts(emu)[-1].blocks)
    assert "2 of 6" in summary and "at least 3 people" in summary
    assert "Gym (" not in summary and "Lunch (" not in summary


async def test_after_close_no_answer_is_linked_to_a_respondent(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best perk?" "Gym" "Lunch" anonymous')
    for person, label in zip(RESPONDENTS, ["Gym", "Lunch", "Lunch", "Gym"], strict=True):
        await running.driver.click(person, poll_message(emu, poll), label)
    await running.settle()
    db = running.repo.db
    async with db.reading() as conn:
        row = await conn.fetch_one(
            "SELECT COUNT(*) FROM responses WHERE poll_id = ? AND respondent_id IS NOT NULL",
            (poll.id,),
        )
        assert row is not None and row[0] == 4  # still known while open: changes and reminders
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    async with db.reading() as conn:
        rows = await conn.fetch_all(
            "SELECT respondent_id, answered_at FROM responses WHERE poll_id = ?", (poll.id,)
        )
    assert len(rows) == 4
    assert all(row[0] is None and row[1] is None for row in rows)
    responses = await running.repo.responses(poll)
    assert sorted(r.answers[0].choices for r in responses if r.answers[0]) == [
        (0,),
        (0,),
        (1,),
        (1,),
    ]
    assert ids.VOTE_ACTION not in text_of(poll_message(emu, poll).blocks)


async def test_after_close_the_order_of_the_stored_answers_is_not_the_order_of_answering(
    running: RunningBot, emu: SlackEmulator
) -> None:
    """Answers are stored in the order people answered; after the close their rows must come
    in the responses' random order, or the table's own order still tells who was first."""
    poll = await create(running, emu, 'new "Best perk?" "Gym" "Lunch" anonymous')
    for person in PEOPLE:
        await running.driver.click(person, poll_message(emu, poll), "Gym")
        await running.settle()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll.id}")
    await running.settle()
    # Where a row lies in the table: SQLite's rowid, PostgreSQL's tuple id.
    physical = "ctid" if running.settings.db_url is not None else "rowid"
    async with running.repo.db.reading() as conn:
        rows = await conn.fetch_all(
            "SELECT a.response_id FROM answers a JOIN responses r ON r.id = a.response_id"
            f" WHERE r.poll_id = ? ORDER BY a.{physical}",
            (poll.id,),
        )
    response_ids = [int(row[0]) for row in rows]
    assert len(response_ids) == len(PEOPLE)
    assert response_ids == sorted(response_ids)  # the shuffled order, written afresh
