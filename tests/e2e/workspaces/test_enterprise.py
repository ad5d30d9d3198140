"""Enterprise Grid: one org-wide install serves every workspace of the organisation, keyed by
the enterprise as Bolt keys it; each workspace's polls stay its own; removing the app from the
organisation purges all of them."""

from __future__ import annotations

import pytest

from bot.services.ports.workspaces import WorkspaceKey
from slack_emulator import SlackCloud
from tests.e2e.helpers import last_ephemeral
from tests.e2e.workspaces.conftest import ALPHA, BETA, ManyFactory, create_in, install

GRID = "E0GRID"
pytestmark = pytest.mark.parametrize("enterprise", [GRID])


async def test_an_org_wide_install_serves_each_workspace_and_keeps_them_apart(
    cloud: SlackCloud, start_many: ManyFactory
) -> None:
    bot = await start_many()
    visit = await install(cloud, bot, ALPHA, org_wide=True)
    assert visit.final_status == 200
    store = bot.bot.installed.store  # type: ignore[union-attr]  # many workspaces: installed is set
    (record,) = await store.installations()
    assert record.is_enterprise_install and record.enterprise_id == GRID and record.team_id is None
    # Found from either workspace of the organisation, as Bolt looks it up.
    for team in (ALPHA, BETA):
        assert await store.find_installation(WorkspaceKey(GRID, team.team_id, True)) == record

    polls = {
        team.team_id: await create_in(bot, cloud, team, '"Ours?" "Yes" "No"')
        for team in (ALPHA, BETA)
    }
    for team in (ALPHA, BETA):
        poll = polls[team.team_id]
        assert poll.team_id == team.team_id
        assert [
            m
            for m in cloud.workspaces[team.team_id].messages(team.channel)
            if m.ts == poll.message_ts
        ]
    # Same organisation, different workspace: still not found.
    beta = cloud.workspaces[BETA.team_id]
    alpha_poll = polls[ALPHA.team_id]
    await bot.driver(BETA).slash_command(
        BETA.organiser, BETA.channel, "/wishes", f"results {alpha_poll.id}"
    )
    await bot.settle()
    assert f"I can't find poll #{alpha_poll.id}" in last_ephemeral(beta, BETA.organiser)

    await cloud.uninstall(enterprise_id=GRID, bot_url=f"{bot.url}/slack/events")
    await bot.settle()
    assert await store.installations() == []
    for team in (ALPHA, BETA):
        assert await bot.bot.repo.get_poll(polls[team.team_id].id) is None
