"""Poll lifecycle end to end: create, answer, close, summary."""

from __future__ import annotations

from slack_emulator import SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, PEOPLE, BotFactory, RunningBot


async def create_quick_poll(running: RunningBot, emu: SlackEmulator, text: str) -> int:
    reply = await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", text)
    assert reply.status == 200
    await running.settle()
    polls = await running.repo.polls_with_status()
    assert polls, f"no poll stored; ephemerals: {emu.ephemerals(ORGANISER)}"
    return polls[-1].id


async def test_quick_poll_with_curly_quotes_is_posted_and_answered_by_one_click(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await create_quick_poll(
        running,
        emu,
        "new “What kind of event would you like?” “Workshop” “Talk” “Meetup” closes:3d",
    )
    poll = await running.repo.get_poll(poll_id)
    assert poll is not None
    assert list(poll.questions[0].options) == ["Workshop", "Talk", "Meetup"]
    (message,) = emu.messages(CHANNEL)
    assert f"#{poll_id}" in str(message.blocks)
    counts = await running.repo.counts(poll_id)
    assert counts.asked == 6  # organiser + five people; no bots, no deactivated users
    await running.driver.click(PEOPLE[0], message, "Workshop")
    await running.driver.click(PEOPLE[1], message, "Talk")
    await running.driver.click(PEOPLE[1], message, "Workshop")  # changes the answer
    await running.settle()
    counts = await running.repo.counts(poll_id)
    assert counts.answered == 2
    responses = await running.repo.responses(poll)
    assert sorted(r.answers[0].choices for r in responses if r.answers[0]) == [(0,), (0,)]
    await emu.wait_for(lambda: "2 of 6" in str(emu.messages(CHANNEL)[0].blocks))


async def test_close_posts_summary_with_exact_counts(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await create_quick_poll(running, emu, 'new "Best day?" "Mon" "Tue" "Wed"')
    (message,) = emu.messages(CHANNEL)
    for person, label in zip(PEOPLE, ["Tue", "Tue", "Mon", "Tue", "Wed"], strict=True):
        await running.driver.click(person, message, label)
    await running.settle()
    not_organiser = await running.driver.slash_command(
        PEOPLE[0], CHANNEL, "/wishes", f"close {poll_id}"
    )
    await running.settle()
    assert (await running.repo.get_poll(poll_id)).status.value == "open"  # type: ignore[union-attr]  # the poll exists
    assert not_organiser.body is None
    assert "only the person who created" in str(emu.ephemerals(PEOPLE[0])[-1]).lower()
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll_id}")
    await running.settle()
    poll = await running.repo.get_poll(poll_id)
    assert poll is not None and poll.status.value == "closed"
    messages = emu.messages(CHANNEL)
    summary = str(messages[1].blocks)
    assert "5 of 6" in summary
    assert "Tue" in summary and "60" in summary  # 3 of 5 answered Tue
    closed_message = messages[0].blocks
    action_ids = [
        element.get("action_id", "")
        for block in closed_message or []
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert not [a for a in action_ids if a.startswith(("poll.vote", "poll.answer"))]
    assert "Closed" in str(closed_message)


async def test_the_whole_path_works_in_socket_mode(
    start_bot: BotFactory, emu: SlackEmulator
) -> None:
    running = await start_bot(mode="socket")
    poll_id = await create_quick_poll(
        running, emu, 'new "Snacks?" "Fruit" "Cookies" multi closes:1h'
    )
    (message,) = emu.messages(CHANNEL)
    await running.driver.click(PEOPLE[0], message, "Answer")
    await emu.wait_for(lambda: emu.views(PEOPLE[0]), message="no answer form")
    reply = await running.driver.submit_view(PEOPLE[0], fill={"Snacks?": ["Fruit", "Cookies"]})
    assert reply.response_action == "update"  # the form turns into a confirmation
    await running.settle()
    assert (await running.repo.counts(poll_id)).answered == 1
    await running.driver.slash_command(ORGANISER, CHANNEL, "/wishes", f"close {poll_id}")
    await running.settle()
    summary = emu.messages(CHANNEL)[1]
    assert "1 of 6" in str(summary.blocks)
    assert "Fruit" in str(summary.blocks) and "Cookies" in str(summary.blocks)
