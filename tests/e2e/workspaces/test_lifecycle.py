"""A distributed install over time: rotated tokens refreshed ahead of expiry (once, by one
replica, also for a reminder round that runs outside any request), and a workspace removing the
app purged, exactly that one."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from bot.clock import ShiftableClock
from bot.domain.model import PollStatus
from bot.services.ports.workspaces import WorkspaceKey
from slack_emulator import SlackCloud
from tests.e2e.helpers import last_ephemeral, reminders_sent
from tests.e2e.workspaces.conftest import ALPHA, BETA, ManyBot, ManyFactory, create_in, install
from tests.e2e.workspaces.test_isolation import installed_both, reminded

# Slack's rotated tokens live 12 hours; Wishbot refreshes two hours ahead.
NEARLY_EXPIRED = timedelta(hours=10, minutes=30)


@pytest.mark.parametrize("rotation", [True])
async def test_a_round_due_when_the_token_nears_expiry_refreshes_it_once_and_completes(
    cloud: SlackCloud, start_many: ManyFactory, clock: ShiftableClock
) -> None:
    bot = await start_many()
    await install(cloud, bot, ALPHA)
    alpha = cloud.workspaces[ALPHA.team_id]
    first = await bot.bot.installed.store.find_installation(WorkspaceKey(None, ALPHA.team_id))  # type: ignore[union-attr]  # many workspaces: installed is set
    assert first is not None and first.bot_token_expires_at is not None
    poll = await create_in(bot, cloud, ALPHA, '"Which day?" "Mon" "Tue" closes:2d remind:off')
    clock.advance(NEARLY_EXPIRED)
    await bot.driver(ALPHA).slash_command(
        ALPHA.organiser, ALPHA.channel, "/wishes", f"remind {poll.id}"
    )
    await bot.settle()
    assert reminded(alpha, ALPHA, poll.id) == Counter(dict.fromkeys(ALPHA.people, 1))
    assert cloud.refreshes(ALPHA.team_id) == 1
    now = await bot.bot.installed.store.find_installation(WorkspaceKey(None, ALPHA.team_id))  # type: ignore[union-attr]  # many workspaces: installed is set
    assert now is not None and now.data["bot_token"] != first.data["bot_token"]
    assert now.bot_token_expires_at is not None
    assert now.bot_token_expires_at > first.bot_token_expires_at

    # Two days on, both tokens so far have expired: the close, a job outside any request,
    # refreshes on its own and posts the summary.
    clock.advance(timedelta(days=2))
    await bot.settle()
    closed = await bot.bot.repo.get_poll(poll.id)
    assert closed is not None and closed.status is PollStatus.CLOSED
    assert any("Results of poll" in str(m.blocks) for m in alpha.messages(ALPHA.channel))
    assert cloud.refreshes(ALPHA.team_id) == 2
    assert not [c for c in alpha.calls if c.response.get("error") == "token_expired"]


@pytest.mark.postgresql_only
@pytest.mark.parametrize("rotation", [True])
async def test_two_replicas_needing_a_fresh_token_at_once_spend_the_refresh_token_once(
    cloud: SlackCloud, start_many: ManyFactory, clock: ShiftableClock
) -> None:
    first, second = await start_many(), await start_many()
    await install(cloud, first, ALPHA)
    alpha = cloud.workspaces[ALPHA.team_id]
    poll = await create_in(first, cloud, ALPHA, '"Which day?" "Mon" "Tue" closes:2d remind:off')
    # Both replicas have the token in memory; now it nears its expiry on both at once: one
    # sends a reminder round, the other answers a command, at the same moment.
    await second.driver(ALPHA).slash_command(ALPHA.organiser, ALPHA.channel, "/wishes", "list")
    await second.settle()
    clock.advance(NEARLY_EXPIRED)
    await asyncio.gather(
        first.driver(ALPHA).slash_command(
            ALPHA.organiser, ALPHA.channel, "/wishes", f"remind {poll.id}"
        ),
        second.driver(ALPHA).slash_command(ALPHA.people[0], ALPHA.channel, "/wishes", "list"),
    )
    await asyncio.gather(first.settle(), second.settle())
    assert cloud.refreshes(ALPHA.team_id) == 1
    assert reminded(alpha, ALPHA, poll.id) == Counter(dict.fromkeys(ALPHA.people, 1))
    assert "Polls in this channel" in last_ephemeral(alpha, ALPHA.people[0])
    refusals = [
        c for c in cloud.calls if c.method == "oauth.v2.access" and not c.response.get("ok")
    ]
    assert refusals == []


async def counts_of(bot: ManyBot, table: str, team_id: str) -> int:
    async with bot.bot.db.reading() as conn:
        row = await conn.fetch_one(f"SELECT COUNT(*) FROM {table} WHERE team_id = ?", (team_id,))
    assert row is not None
    return int(row[0])


async def test_an_uninstall_purges_exactly_that_workspace(
    cloud: SlackCloud, start_many: ManyFactory, clock: ShiftableClock
) -> None:
    bot = await installed_both(cloud, start_many)
    text = '"Which day?" "Mon" "Tue" closes:2d remind:6h'
    alpha_poll = await create_in(bot, cloud, ALPHA, text)
    beta_poll = await create_in(bot, cloud, BETA, text)
    for team in (ALPHA, BETA):
        workspace = cloud.workspaces[team.team_id]
        (message,) = workspace.messages(team.channel)
        await bot.driver(team).click(team.people[0], message, "Mon")
    await bot.settle()

    acks = await cloud.uninstall(ALPHA.team_id, f"{bot.url}/slack/events")
    assert all(ack.status == 200 for ack in acks)
    await bot.settle()
    store = bot.bot.installed.store  # type: ignore[union-attr]  # many workspaces: installed is set
    assert await store.find_installation(WorkspaceKey(None, ALPHA.team_id)) is None
    assert await bot.bot.repo.get_poll(alpha_poll.id) is None
    assert await counts_of(bot, "polls", ALPHA.team_id) == 0
    assert await counts_of(bot, "slack_users", ALPHA.team_id) == 0
    # The other workspace goes on as if nothing happened: its poll, its answers, its reminders.
    assert await store.find_installation(WorkspaceKey(None, BETA.team_id)) is not None
    kept = await bot.bot.repo.get_poll(beta_poll.id)
    assert kept is not None and kept.status is PollStatus.OPEN
    assert (await bot.bot.repo.counts(beta_poll.id)).answered == 1
    assert await counts_of(bot, "slack_users", BETA.team_id) > 0
    alpha_calls = len(cloud.workspaces[ALPHA.team_id].calls)
    clock.advance(timedelta(hours=6, minutes=1))
    await bot.settle()
    beta = cloud.workspaces[BETA.team_id]
    assert reminded(beta, BETA, beta_poll.id) == Counter(dict.fromkeys(BETA.people[1:], 1))
    # Nothing more was asked of the workspace that left: its jobs were cancelled.
    assert len(cloud.workspaces[ALPHA.team_id].calls) == alpha_calls
    assert reminders_sent(cloud.workspaces[ALPHA.team_id], alpha_poll.id) == []


async def test_with_a_retention_period_an_uninstalled_workspace_is_kept_until_it_ends(
    cloud: SlackCloud, start_many: ManyFactory, clock: ShiftableClock
) -> None:
    bot = await start_many(retention_days=30)
    for team in (ALPHA, BETA):
        await install(cloud, bot, team)
    alpha_poll = await create_in(bot, cloud, ALPHA, '"Which day?" "Mon" "Tue" closes:2d')
    await cloud.uninstall(ALPHA.team_id, f"{bot.url}/slack/events")
    await bot.settle()
    store = bot.bot.installed.store  # type: ignore[union-attr]  # many workspaces: installed is set
    assert await store.find_installation(WorkspaceKey(None, ALPHA.team_id)) is None
    assert await bot.bot.repo.get_poll(alpha_poll.id) is not None  # kept for now
    alpha_calls = len(cloud.workspaces[ALPHA.team_id].calls)
    clock.advance(timedelta(days=31))
    await bot.settle()
    assert await bot.bot.repo.get_poll(alpha_poll.id) is None
    assert await counts_of(bot, "polls", ALPHA.team_id) == 0
    # Its close was cancelled with the uninstall: no summary was attempted in the meantime.
    assert len(cloud.workspaces[ALPHA.team_id].calls) == alpha_calls


@pytest.mark.postgresql_only
async def test_a_workspace_installing_again_is_served_by_every_replica_with_the_new_token(
    cloud: SlackCloud, start_many: ManyFactory
) -> None:
    first, second = await start_many(), await start_many()
    await install(cloud, first, ALPHA)
    alpha = cloud.workspaces[ALPHA.team_id]
    await create_in(second, cloud, ALPHA, '"Before?" "Yes" "No" remind:off')  # second caches
    await cloud.uninstall(ALPHA.team_id, f"{first.url}/slack/events")
    await first.settle()
    await install(cloud, first, ALPHA)
    # The second replica still holds the revoked token: Slack refuses it, the stored one is
    # read again, and the poll goes out.
    poll = await create_in(second, cloud, ALPHA, '"After?" "Yes" "No" remind:off')
    assert [m for m in alpha.messages(ALPHA.channel) if m.ts == poll.message_ts]


@pytest.mark.postgresql_only
async def test_a_purge_cut_short_after_the_ack_is_done_at_the_next_start(
    cloud: SlackCloud, start_many: ManyFactory, clock: ShiftableClock
) -> None:
    first = await start_many()
    await install(cloud, first, ALPHA)
    poll = await create_in(first, cloud, ALPHA, '"Which day?" "Mon" "Tue" remind:off')
    # What leaving stores before the event's ack, as if the process stopped before the purge
    # that follows it.
    alpha = WorkspaceKey(None, ALPHA.team_id)
    await first.bot.installed.store.delete_installation(alpha)  # type: ignore[union-attr]  # many workspaces: installed is set
    await first.bot.repo.record_uninstall(alpha, clock.now())
    assert await first.bot.repo.get_poll(poll.id) is not None
    second = await start_many()
    await second.settle()
    assert await second.bot.repo.get_poll(poll.id) is None
    assert await second.bot.repo.uninstalled_before(clock.now()) == []
