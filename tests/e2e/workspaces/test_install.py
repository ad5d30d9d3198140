"""Installing the distributed app with "Add to Slack", end to end through the emulated OAuth
side: the install page, Slack's consent, the redirect back with code and state; a wrong or
reused state refused; the tokens stored sealed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import aiohttp

from bot.services.ports.workspaces import WorkspaceKey
from slack_emulator import SlackCloud
from tests.e2e.workspaces.conftest import (
    ALPHA,
    BETA,
    CLIENT_ID,
    ManyFactory,
    add_to_slack_link,
    back_from_slack,
    create_in,
    install,
)


async def test_add_to_slack_installs_a_workspace_whose_people_can_then_run_polls(
    cloud: SlackCloud, start_many: ManyFactory
) -> None:
    bot = await start_many()
    visit = await install(cloud, bot, ALPHA)
    assert "Add to Slack" in visit.page
    assert visit.authorize_url.startswith(cloud.authorize_url)
    assert f"client_id={CLIENT_ID}" in visit.authorize_url
    assert "code=" in visit.redirect and "state=" in visit.redirect
    assert visit.final_status == 200
    stored = await bot.bot.installed.store.find_installation(  # type: ignore[union-attr]  # many workspaces: installed is set
        WorkspaceKey(None, ALPHA.team_id)
    )
    assert stored is not None
    assert stored.data["bot_user_id"] == ALPHA.bot_user_id

    poll = await create_in(bot, cloud, ALPHA, '"Lunch?" "Pizza" "Soup"')
    assert poll.team_id == ALPHA.team_id
    alpha = cloud.workspaces[ALPHA.team_id]
    assert [m for m in alpha.messages(ALPHA.channel) if m.ts == poll.message_ts]
    # The other workspace has not installed the app: Slack never heard from the bot there.
    assert not cloud.workspaces[BETA.team_id].calls_to("chat.postMessage")


def state_of(redirect: str) -> str:
    return parse_qs(urlsplit(redirect).query)["state"][0]


async def test_a_forged_state_is_refused_and_no_code_is_spent(
    cloud: SlackCloud, start_many: ManyFactory
) -> None:
    bot = await start_many()
    async with aiohttp.ClientSession() as browser, browser.get(f"{bot.url}/slack/install") as page:
        link = add_to_slack_link(await page.text())
    redirect = await cloud.approve(link, team_id=ALPHA.team_id, user_id=ALPHA.organiser)
    forged = redirect.replace("state=", "state=forged")
    # Neither with the cookie of the real state, nor with one made to match the forged one:
    # the state must be one this app issued.
    for cookie in (state_of(redirect), state_of(forged)):
        status, _page = await back_from_slack(forged, cookie_state=cookie)
        assert status >= 400
    assert not [c for c in cloud.calls if c.method == "oauth.v2.access"]
    assert await bot.bot.installed.store.installations() == []  # type: ignore[union-attr]  # many workspaces: installed is set


async def test_a_state_used_once_cannot_install_again(
    cloud: SlackCloud, start_many: ManyFactory
) -> None:
    bot = await start_many()
    visit = await install(cloud, bot, ALPHA)
    assert visit.final_status == 200
    exchanges = [c for c in cloud.calls if c.method == "oauth.v2.access"]
    # The same redirect again, from a browser that even holds the matching state cookie.
    status, _page = await back_from_slack(visit.redirect, cookie_state=state_of(visit.redirect))
    assert status >= 400
    assert [c for c in cloud.calls if c.method == "oauth.v2.access"] == exchanges


async def test_the_database_holds_no_token_in_clear(
    cloud: SlackCloud, start_many: ManyFactory, secret_key: str
) -> None:
    bot = await start_many()
    await install(cloud, bot, ALPHA)
    await install(cloud, bot, BETA)
    records = await bot.bot.installed.store.installations()  # type: ignore[union-attr]  # many workspaces: installed is set
    tokens = {str(r.data["bot_token"]) for r in records}
    assert len(tokens) == 2 and all(t.startswith("xox") for t in tokens)
    async with bot.bot.db.reading() as conn:
        rows = await conn.fetch_all(
            "SELECT enterprise_id, team_id, is_enterprise_install, installed_at,"
            " bot_token_expires_at, sealed FROM installations"
        )
    dumped = repr([[row[column] for column in range(6)] for row in rows])
    for token in tokens:
        assert token not in dumped
    assert ALPHA.team_id in dumped  # the key stays readable, to find the installation by
    assert secret_key not in dumped
