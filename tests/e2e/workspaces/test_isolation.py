"""Two workspaces served by one install at once: each one's polls and reminders reach only its
own people, with its own token; a poll id of the other workspace is "not found", whatever the
request; one workspace's rate limit never slows the other."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bot.clock import ShiftableClock
from bot.domain.model import PollStatus
from bot.slack import ids
from slack_emulator import SlackCloud, SlackEmulator
from tests.e2e.helpers import last_ephemeral, reminders_sent
from tests.e2e.workspaces.conftest import (
    ALPHA,
    BETA,
    ManyBot,
    ManyFactory,
    Team,
    create_in,
    install,
)


async def installed_both(cloud: SlackCloud, start_many: ManyFactory) -> ManyBot:
    bot = await start_many()
    for team in (ALPHA, BETA):
        assert (await install(cloud, bot, team)).final_status == 200
    return bot


def reminded(workspace: SlackEmulator, team: Team, poll_id: int) -> Counter[str]:
    people = [team.organiser, *team.people]
    by_dm = {workspace.dm_channel_id(person): person for person in people}
    return Counter(
        by_dm.get(call.response["channel"], "?") for call in reminders_sent(workspace, poll_id)
    )


async def test_two_workspaces_run_polls_with_reminders_at_once_without_cross_talk(
    cloud: SlackCloud, start_many: ManyFactory, clock: ShiftableClock
) -> None:
    bot = await installed_both(cloud, start_many)
    alpha, beta = cloud.workspaces[ALPHA.team_id], cloud.workspaces[BETA.team_id]
    text = '"Which day?" "Mon" "Tue" closes:2d remind:6h'
    polls = {team.team_id: await create_in(bot, cloud, team, text) for team in (ALPHA, BETA)}
    # One person in each answers; the others are reminded by the automatic rounds.
    for team, workspace in ((ALPHA, alpha), (BETA, beta)):
        (message,) = workspace.messages(team.channel)
        await bot.driver(team).click(team.people[0], message, "Mon")
    await bot.settle()
    clock.advance(timedelta(hours=6, minutes=1))
    await bot.settle()

    for team, workspace in ((ALPHA, alpha), (BETA, beta)):
        poll = polls[team.team_id]
        assert reminded(workspace, team, poll.id) == Counter(dict.fromkeys(team.people[1:], 1))
        # Nothing of the other workspace's poll reached this one.
        other = polls[(BETA if team is ALPHA else ALPHA).team_id]
        assert reminders_sent(workspace, other.id) == []
        assert all(m.ts != other.message_ts for m in workspace.messages(team.channel))
        counts = await bot.bot.repo.counts(poll.id)
        assert counts.answered == 1
    # Every call each workspace saw came with its own token: the other one's is unknown there.
    assert not [c for c in alpha.calls if c.response.get("error") == "invalid_auth"]
    assert not [c for c in beta.calls if c.response.get("error") == "invalid_auth"]


async def test_a_poll_of_another_workspace_is_not_found_by_command_or_click(
    cloud: SlackCloud, start_many: ManyFactory
) -> None:
    bot = await installed_both(cloud, start_many)
    beta = cloud.workspaces[BETA.team_id]
    alpha_poll = await create_in(bot, cloud, ALPHA, '"Secret plans?" "Yes" "No" remind:off')
    beta_poll = await create_in(bot, cloud, BETA, '"Our lunch?" "Pizza" "Soup" remind:off')
    intruder = BETA.organiser
    for verb in ("results", "close", "export", "remind"):
        await bot.driver(BETA).slash_command(
            intruder, BETA.channel, "/wishes", f"{verb} {alpha_poll.id}"
        )
        await bot.settle()
        shown = last_ephemeral(beta, intruder)
        assert f"I can't find poll #{alpha_poll.id}" in shown, (verb, shown)
        assert "Secret plans" not in shown
    # A tampered click on the intruder's own poll message, naming the other workspace's poll.
    (message,) = beta.messages(BETA.channel)
    assert message.ts == beta_poll.message_ts
    reply = await bot.driver(BETA).forge_click(
        BETA.people[0], message, ids.vote_action_id(0), f"{alpha_poll.id}:0"
    )
    assert reply.status == 200
    await bot.settle()
    stored = await bot.bot.repo.get_poll(alpha_poll.id)
    assert stored is not None and stored.status is PollStatus.OPEN
    assert (await bot.bot.repo.counts(alpha_poll.id)).answered == 0
    assert beta.files == []
    alpha = cloud.workspaces[ALPHA.team_id]
    assert all("Secret plans" not in str(m.blocks) for m in beta.messages(BETA.channel))
    assert not alpha.ephemerals(intruder)


async def test_one_workspaces_rate_limit_pauses_only_that_workspace(
    cloud: SlackCloud, start_many: ManyFactory, clock: ShiftableClock
) -> None:
    bot = await installed_both(cloud, start_many)
    alpha, beta = cloud.workspaces[ALPHA.team_id], cloud.workspaces[BETA.team_id]
    alpha.fail("chat.postMessage", 429, retry_after=30)
    since = len(alpha.calls)
    await bot.driver(ALPHA).slash_command(ALPHA.organiser, ALPHA.channel, "/wishes", '"A?" "1" "2"')
    await alpha.wait_for_call("chat.postMessage", lambda c: c.status == 429, since=since)
    # Alpha's posts wait out its 30 seconds (on the test's clock, which stands still); Beta's
    # go out at once.
    await bot.driver(BETA).slash_command(BETA.organiser, BETA.channel, "/wishes", '"B?" "1" "2"')
    await beta.wait_for_call("chat.postMessage", lambda c: bool(c.response.get("ok")))
    assert not [
        c for c in alpha.calls[since:] if c.method == "chat.postMessage" and c.response.get("ok")
    ]
    clock.advance(timedelta(seconds=31))
    await alpha.wait_for_call("chat.postMessage", lambda c: bool(c.response.get("ok")), since=since)
    await bot.settle()
    assert len(alpha.messages(ALPHA.channel)) == 1 and len(beta.messages(BETA.channel)) == 1
