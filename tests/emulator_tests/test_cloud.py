"""SlackCloud: several workspaces behind one Web API, installed through Slack's OAuth v2 flow."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncSay
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import FileInstallationStore
from slack_sdk.oauth.state_store import FileOAuthStateStore
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from slack_emulator import OAuthPageError, SlackCloud, SlackEmulator

from .conftest import serve_bolt

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "cloud-client-secret"
SIGNING_SECRET = "cloud-signing-secret"
REDIRECT = "https://wishbot.example/slack/oauth_redirect"
SCOPES = "chat:write,commands,users:read"
# slack_sdk 3.48 sends oauth.v2.access credentials through aiohttp.BasicAuth, which aiohttp 3.13
# deprecates; the warning is slack_sdk's, not the emulator's.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


def make_cloud(*, token_rotation: bool = False, token_lifetime: float = 43200.0) -> SlackCloud:
    """Two plain workspaces (T1, T2) and a Grid organization E1 with two more (T3, T4)."""
    cloud = SlackCloud(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        signing_secret=SIGNING_SECRET,
        redirect_urls=[REDIRECT],
        token_rotation=token_rotation,
        token_lifetime=token_lifetime,
    )
    for team, domain, bot in [("T1", "alpha", "UBOT1"), ("T2", "beta", "UBOT2")]:
        ws = cloud.add_workspace(
            team, team_domain=domain, bot_user_id=bot, team_name=domain.title()
        )
        ws.add_user("UADMIN", "admin")
        ws.add_channel("C1", "general", members=["UADMIN"])
    for team, channel in [("T3", "C3"), ("T4", "C4")]:
        ws = cloud.add_workspace(
            team,
            team_domain=team.lower(),
            bot_user_id="WBOT",
            enterprise_id="E1",
            enterprise_name="Grid Org",
        )
        ws.add_user("WADMIN", "orgadmin")
        ws.add_channel(channel, f"general-{team.lower()}", members=["WADMIN"])
    return cloud


@pytest.fixture
async def cloud() -> AsyncIterator[SlackCloud]:
    async with make_cloud() as started:
        yield started


@pytest.fixture
async def rotating() -> AsyncIterator[SlackCloud]:
    async with make_cloud(token_rotation=True) as started:
        yield started


def add_to_slack(cloud: SlackCloud, *, state: str = "st-1", **extra: str) -> str:
    """The "Add to Slack" link an app sends people to."""
    query = {"client_id": CLIENT_ID, "scope": SCOPES, "state": state, "redirect_uri": REDIRECT}
    return f"{cloud.authorize_url}?{urlencode({**query, **extra})}"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def install(
    cloud: SlackCloud, team_id: str, user_id: str = "UADMIN", *, org_wide: bool = False
) -> AsyncSlackResponse:
    """Approve the link as a person of `team_id`, then exchange the code as Bolt does."""
    redirected = await cloud.approve(
        add_to_slack(cloud), team_id=team_id, user_id=user_id, enterprise_install=org_wide
    )
    return await AsyncWebClient(base_url=cloud.api_url).oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        code=query_of(redirected)["code"],
        redirect_uri=REDIRECT,
    )


async def api_error(call: Awaitable[Any]) -> str:
    with pytest.raises(SlackApiError) as info:
        await call
    return str(info.value.response["error"])


def bot(cloud: SlackCloud, token: str) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=cloud.api_url)


async def test_install_answers_the_documented_shape_and_activates_the_bot_token(
    cloud: SlackCloud,
) -> None:
    redirected = await cloud.approve(add_to_slack(cloud), team_id="T1", user_id="UADMIN")
    assert redirected.startswith(REDIRECT + "?")
    assert query_of(redirected)["state"] == "st-1"
    reply = await AsyncWebClient(base_url=cloud.api_url).oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        code=query_of(redirected)["code"],
        redirect_uri=REDIRECT,
    )
    token = reply["access_token"]
    assert token.startswith("xoxb-")
    data = reply.data
    assert isinstance(data, dict)
    assert {k: v for k, v in data.items() if k != "access_token"} == {
        "ok": True,
        "app_id": cloud.app_id,
        "scope": SCOPES,
        "token_type": "bot",
        "bot_user_id": "UBOT1",
        "team": {"id": "T1", "name": "Alpha"},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": "UADMIN"},
    }
    assert "expires_in" not in data and "refresh_token" not in data
    assert cloud.workspaces["T1"].scopes == set(SCOPES.split(","))
    who = await bot(cloud, token).auth_test()
    assert (who["team_id"], who["user_id"], who["bot_id"]) == ("T1", "UBOT1", "BT1")
    assert who["is_enterprise_install"] is False
    recorded = cloud.calls_to("oauth.v2.access")[0]
    assert CLIENT_SECRET not in json.dumps(recorded.args) + json.dumps(recorded.response)
    assert token not in json.dumps(recorded.response)


async def test_a_workspace_made_by_the_cloud_starts_uninstalled(cloud: SlackCloud) -> None:
    ws = cloud.workspaces["T2"]
    assert ws.bot_token == "" and ws.scopes == set()
    assert await api_error(bot(cloud, "xoxb-test").auth_test()) == "invalid_auth"
    assert await api_error(AsyncWebClient(base_url=cloud.api_url).auth_test()) == "not_authed"
    assert [c.error for c in cloud.calls] == ["invalid_auth", "not_authed"]


async def test_each_token_reaches_only_its_own_workspace(cloud: SlackCloud) -> None:
    first = (await install(cloud, "T1"))["access_token"]
    second = (await install(cloud, "T2"))["access_token"]
    assert first != second
    await bot(cloud, first).chat_postMessage(channel="C1", text="hello alpha")
    await bot(cloud, second).chat_postMessage(channel="C1", text="hello beta")
    alpha, beta = cloud.workspaces["T1"], cloud.workspaces["T2"]
    assert [m.text for m in alpha.messages("C1")] == ["hello alpha"]
    assert [m.text for m in beta.messages("C1")] == ["hello beta"]
    assert [m.user for m in alpha.messages("C1")] == ["UBOT1"]
    assert [c.args["text"] for c in alpha.calls_to("chat.postMessage")] == ["hello alpha"]
    assert [c.args["text"] for c in beta.calls_to("chat.postMessage")] == ["hello beta"]
    who = await bot(cloud, second).auth_test()
    assert (who["team_id"], who["user_id"]) == ("T2", "UBOT2")
    # The token as a form argument, as Slack also allows, is routed the same way.
    form = await bot(cloud, "").api_call("auth.test", data={"token": first})
    assert form["team_id"] == "T1"


async def test_a_workspace_token_does_not_work_in_a_workspace_post_to_an_unknown_channel(
    cloud: SlackCloud,
) -> None:
    first = (await install(cloud, "T1"))["access_token"]
    cloud.workspaces["T2"].add_channel("C2", "only-beta")
    error = await api_error(bot(cloud, first).chat_postMessage(channel="C2", text="x"))
    assert error == "channel_not_found"
    assert cloud.workspaces["T2"].calls == []


async def test_wrong_secret_reused_code_and_wrong_redirect_are_refused(cloud: SlackCloud) -> None:
    client = AsyncWebClient(base_url=cloud.api_url)
    code = query_of(await cloud.approve(add_to_slack(cloud), team_id="T1", user_id="UADMIN"))[
        "code"
    ]
    refused = [
        (CLIENT_ID, "wrong-secret", REDIRECT, "bad_client_secret"),
        ("9999.9999", CLIENT_SECRET, REDIRECT, "invalid_client_id"),
        (CLIENT_ID, CLIENT_SECRET, "https://wishbot.example/elsewhere", "bad_redirect_uri"),
    ]
    for client_id, secret, redirect_uri, error in refused:
        call = client.oauth_v2_access(
            client_id=client_id, client_secret=secret, code=code, redirect_uri=redirect_uri
        )
        assert await api_error(call) == error
    # Credentials as form fields work too; the code then is spent.
    form = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code}
    ok = await client.api_call("oauth.v2.access", data={**form, "redirect_uri": REDIRECT})
    assert ok["team"]["id"] == "T1"
    again = client.api_call("oauth.v2.access", data={**form, "redirect_uri": REDIRECT})
    assert await api_error(again) == "invalid_code"
    unknown = client.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code="1.2.3")
    assert await api_error(unknown) == "invalid_code"
    grant = client.oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="password"
    )
    assert await api_error(grant) == "invalid_grant_type"
    assert all(CLIENT_SECRET not in json.dumps(c.args) for c in cloud.calls)


async def test_a_code_expires_after_ten_minutes(cloud: SlackCloud) -> None:
    code = query_of(await cloud.approve(add_to_slack(cloud), team_id="T1", user_id="UADMIN"))[
        "code"
    ]
    cloud.advance_time(600)
    call = AsyncWebClient(base_url=cloud.api_url).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code, redirect_uri=REDIRECT
    )
    assert await api_error(call) == "invalid_code"


async def test_consent_page_error_page_and_cancel(cloud: SlackCloud) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(add_to_slack(cloud)) as page:
            assert page.status == 200
            assert "chat:write" in await page.text()
        async with session.get(add_to_slack(cloud, client_id="0.0")) as bad:
            assert bad.status == 400
            assert "invalid_client_id" in await bad.text()
    for link, error in [
        (add_to_slack(cloud, scope="chat:write,no:such"), "invalid_scope"),
        (add_to_slack(cloud, redirect_uri="https://evil.example/cb"), "bad_redirect_uri"),
        (add_to_slack(cloud, client_id="0.0"), "invalid_client_id"),
    ]:
        with pytest.raises(OAuthPageError) as info:
            await cloud.approve(link, team_id="T1", user_id="UADMIN")
        assert info.value.error == error
    # A path below the configured Redirect URL is allowed, as Slack documents.
    below = await cloud.approve(
        add_to_slack(cloud, redirect_uri=REDIRECT + "/done"), team_id="T1", user_id="UADMIN"
    )
    assert below.startswith(REDIRECT + "/done?code=")
    denied = await cloud.deny(add_to_slack(cloud, state="st-9"))
    assert denied.startswith(REDIRECT + "?")
    assert query_of(denied) == {"error": "access_denied", "state": "st-9"}


async def test_rotation_expiry_and_one_refresh(rotating: SlackCloud) -> None:
    reply = await install(rotating, "T1")
    first, refresh = reply["access_token"], reply["refresh_token"]
    assert first.startswith("xoxe.xoxb-") and refresh.startswith("xoxe-1-")
    assert reply["expires_in"] == 43200
    await bot(rotating, first).auth_test()
    rotating.advance_time(43200)
    assert await api_error(bot(rotating, first).auth_test()) == "token_expired"

    client = AsyncWebClient(base_url=rotating.api_url)
    renewed = await client.oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="refresh_token",
        refresh_token=refresh,
    )
    assert renewed["token_type"] == "bot" and renewed["expires_in"] == 43200
    assert renewed["access_token"] not in (first,) and renewed["refresh_token"] != refresh
    assert renewed["team"] == {"id": "T1", "name": "Alpha"}
    await bot(rotating, renewed["access_token"]).chat_postMessage(channel="C1", text="renewed")
    assert [m.text for m in rotating.workspaces["T1"].messages("C1")] == ["renewed"]
    spent = client.oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="refresh_token",
        refresh_token=refresh,
    )
    assert await api_error(spent) == "invalid_refresh_token"
    assert rotating.refreshes("T1") == 1
    assert rotating.refreshes("T2") == 0


async def test_refresh_keeps_the_previous_token_until_two_are_active(rotating: SlackCloud) -> None:
    reply = await install(rotating, "T1")
    tokens, refresh = [reply["access_token"]], reply["refresh_token"]
    client = AsyncWebClient(base_url=rotating.api_url)
    for _ in range(2):
        renewed = await client.oauth_v2_access(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            grant_type="refresh_token",
            refresh_token=refresh,
        )
        tokens.append(renewed["access_token"])
        refresh = renewed["refresh_token"]
    # "Calling oauth.v2.access will not immediately invalidate your existing access token",
    # but beyond 2 active tokens the oldest is revoked.
    assert await api_error(bot(rotating, tokens[0]).auth_test()) == "token_revoked"
    for token in tokens[1:]:
        assert (await bot(rotating, token).auth_test())["team_id"] == "T1"
    assert rotating.refreshes("T1") == 2


async def test_a_429_in_one_workspace_leaves_the_other_unthrottled(cloud: SlackCloud) -> None:
    first = (await install(cloud, "T1"))["access_token"]
    second = (await install(cloud, "T2"))["access_token"]
    for ws in cloud.workspaces.values():
        ws.set_rate_limit("chat.postMessage", 1, 60, per_channel=True)
    await bot(cloud, first).chat_postMessage(channel="C1", text="one")
    with pytest.raises(SlackApiError) as info:
        await bot(cloud, first).chat_postMessage(channel="C1", text="two")
    assert info.value.response.status_code == 429
    assert int(info.value.response.headers["Retry-After"]) >= 1
    await bot(cloud, second).chat_postMessage(channel="C1", text="one")
    assert cloud.workspaces["T1"].rate_limited_count == 1
    assert cloud.workspaces["T2"].rate_limited_count == 0
    assert [m.text for m in cloud.workspaces["T2"].messages("C1")] == ["one"]


@contextlib.asynccontextmanager
async def bot_endpoint(received: list[web.Request], bodies: list[bytes]) -> AsyncIterator[str]:
    """A tiny app endpoint that acks every delivery and keeps what it got."""

    async def events(request: web.Request) -> web.Response:
        bodies.append(await request.read())
        received.append(request)
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/slack/events", events)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    finally:
        await runner.cleanup()


async def test_uninstall_revokes_the_tokens_and_delivers_both_events(rotating: SlackCloud) -> None:
    reply = await install(rotating, "T1")
    other = (await install(rotating, "T2"))["access_token"]
    received: list[web.Request] = []
    bodies: list[bytes] = []
    async with bot_endpoint(received, bodies) as url:
        acks = await rotating.uninstall("T1", url)
    assert [a.status for a in acks] == [200, 200]
    verifier = SignatureVerifier(SIGNING_SECRET)
    for request, body in zip(received, bodies, strict=True):
        assert verifier.is_valid_request(body, dict(request.headers))
    revoked, uninstalled = (json.loads(b) for b in bodies)
    assert revoked["event"]["type"] == "tokens_revoked"
    assert revoked["event"]["tokens"] == {"oauth": [], "bot": ["UBOT1"]}
    assert uninstalled["event"]["type"] == "app_uninstalled"
    for envelope in (revoked, uninstalled):
        assert envelope["type"] == "event_callback"
        assert (envelope["team_id"], envelope["api_app_id"]) == ("T1", rotating.app_id)
        assert envelope["event_id"].startswith("Ev") and isinstance(envelope["event_time"], int)
        assert envelope["authorizations"] == [
            {
                "enterprise_id": None,
                "team_id": "T1",
                "user_id": "UBOT1",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ]
    assert revoked["event_id"] != uninstalled["event_id"]
    assert await api_error(bot(rotating, reply["access_token"]).auth_test()) == "token_revoked"
    refresh = AsyncWebClient(base_url=rotating.api_url).oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="refresh_token",
        refresh_token=reply["refresh_token"],
    )
    assert await api_error(refresh) == "invalid_refresh_token"
    assert (await bot(rotating, other).auth_test())["team_id"] == "T2"


async def test_org_wide_install_reaches_every_workspace_of_the_organization(
    cloud: SlackCloud,
) -> None:
    reply = await install(cloud, "T3", "WADMIN", org_wide=True)
    assert reply["team"] is None
    assert reply["enterprise"] == {"id": "E1", "name": "Grid Org"}
    assert reply["is_enterprise_install"] is True
    token = reply["access_token"]
    who = await bot(cloud, token).auth_test()
    assert (who["team_id"], who["enterprise_id"], who["is_enterprise_install"]) == (
        "E1",
        "E1",
        True,
    )
    assert who["url"].endswith(".enterprise.slack.com/")
    await bot(cloud, token).chat_postMessage(channel="C3", text="to T3")
    await bot(cloud, token).chat_postMessage(channel="C4", text="to T4")
    assert [m.text for m in cloud.workspaces["T3"].messages("C3")] == ["to T3"]
    assert [m.text for m in cloud.workspaces["T4"].messages("C4")] == ["to T4"]
    assert cloud.workspaces["T1"].calls == []
    # Deliveries from the organization name it, and the org-wide installation (no team).
    received: list[web.Request] = []
    bodies: list[bytes] = []
    async with bot_endpoint(received, bodies) as url:
        driver = cloud.workspaces["T4"].driver("http", request_url=url)
        await driver.app_home_opened("WADMIN")
        await driver.slash_command("WADMIN", "C4", "/wishes", "help")
    event = json.loads(bodies[0])
    assert event["team_id"] == "T4" and event["enterprise_id"] == "E1"
    assert event["authorizations"][0] == {
        "enterprise_id": "E1",
        "team_id": None,
        "user_id": "WBOT",
        "is_bot": True,
        "is_enterprise_install": True,
    }
    command = parse_qs(bodies[1].decode())
    assert command["enterprise_id"] == ["E1"] and command["is_enterprise_install"] == ["true"]
    assert command["team_id"] == ["T4"]


async def test_a_workspace_install_inside_an_organization(cloud: SlackCloud) -> None:
    reply = await install(cloud, "T3", "WADMIN")
    assert reply["team"] == {"id": "T3", "name": "t3"}
    assert reply["enterprise"] == {"id": "E1", "name": "Grid Org"}
    assert reply["is_enterprise_install"] is False
    who = await bot(cloud, reply["access_token"]).auth_test()
    assert (who["team_id"], who["enterprise_id"], who["is_enterprise_install"]) == (
        "T3",
        "E1",
        False,
    )
    # Only that workspace: the organization's other workspace has no installation.
    cloud.workspaces["T4"].add_channel("C3", "same-id-elsewhere")
    await bot(cloud, reply["access_token"]).chat_postMessage(channel="C3", text="x", team_id="T4")
    assert cloud.workspaces["T4"].calls == []
    assert [m.text for m in cloud.workspaces["T3"].messages("C3")] == ["x"]
    assert cloud.installation("T4") is None


async def test_one_socket_mode_connection_carries_every_workspace(cloud: SlackCloud) -> None:
    first = (await install(cloud, "T1"))["access_token"]
    app_level = AsyncWebClient(token=cloud.app_token, base_url=cloud.api_url)
    opened = await app_level.apps_connections_open(app_token=cloud.app_token)
    wrong = bot(cloud, first).apps_connections_open(app_token=first)
    assert await api_error(wrong) == "not_allowed_token_type"
    async with aiohttp.ClientSession() as session, session.ws_connect(opened["url"]) as link:
        assert (await link.receive_json())["type"] == "hello"
        seen = []
        for team in ("T1", "T2"):
            driver = cloud.workspaces[team].driver("socket")
            delivery = asyncio.create_task(driver.app_home_opened("UADMIN"))
            envelope = await link.receive_json()
            await link.send_json({"envelope_id": envelope["envelope_id"]})
            assert (await delivery).ok
            seen.append(envelope["payload"]["team_id"])
        assert seen == ["T1", "T2"]


async def test_uninstall_needs_an_installation(cloud: SlackCloud) -> None:
    with pytest.raises(ValueError, match="not installed"):
        await cloud.uninstall("T2", "http://127.0.0.1:9/slack/events")


def bolt_app(cloud: SlackCloud, store: FileInstallationStore, tmp_path: Path) -> AsyncApp:
    """A Bolt app distributed with Bolt's own OAuth flow, pointed at the cloud."""
    app = AsyncApp(
        client=AsyncWebClient(base_url=cloud.api_url),
        signing_secret=SIGNING_SECRET,
        # Given to AsyncApp as well, Bolt's token rotator uses the client above; given only in
        # the settings, it would call slack.com.
        installation_store=store,
        oauth_settings=AsyncOAuthSettings(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            scopes=SCOPES.split(","),
            authorization_url=cloud.authorize_url,
            install_page_rendering_enabled=False,
            installation_store=store,
            state_store=FileOAuthStateStore(
                expiration_seconds=600, base_dir=str(tmp_path / "states")
            ),
        ),
    )

    @app.command("/wishes")
    async def wishes(ack: AsyncAck, say: AsyncSay, context: AsyncBoltContext) -> None:
        await ack()
        await say(f"hello {context.team_id}")

    return app


async def install_through_bolt(cloud: SlackCloud, events_url: str, teams: list[str]) -> None:
    """A person of each team opens the app's /slack/install, clicks Allow, and comes back."""
    base = events_url.removesuffix("/slack/events")
    cloud.redirect_urls = [f"{base}/slack/oauth_redirect"]
    async with aiohttp.ClientSession() as browser:
        for team in teams:
            async with browser.get(f"{base}/slack/install", allow_redirects=False) as start:
                assert start.status == 302
                link = start.headers["Location"]
                # Bolt's state cookie is Secure; a browser on https would send it back.
                cookie = start.headers["Set-Cookie"].split(";", 1)[0]
            assert link.startswith(cloud.authorize_url)
            back = await cloud.approve(link, team_id=team, user_id="UADMIN")
            async with browser.get(back, headers={"Cookie": cookie}) as finished:
                assert finished.status == 200, await finished.text()


async def wait_for_reply(ws: SlackEmulator, text: str) -> None:
    """Wait for the bot's reply in #general of `ws`, and that it is the only message there."""
    await ws.wait_for(lambda: ws.messages("C1"), message=f"the reply in {ws.team_id}")
    assert [m.text for m in ws.messages("C1")] == [text]


async def test_bolt_oauth_flow_installs_two_workspaces_and_serves_each(
    cloud: SlackCloud, tmp_path: Path
) -> None:
    store = FileInstallationStore(base_dir=str(tmp_path / "installations"))
    async with serve_bolt(bolt_app(cloud, store, tmp_path)) as events_url:
        await install_through_bolt(cloud, events_url, ["T1", "T2"])
        for team in ("T1", "T2"):
            saved = await store.async_find_installation(enterprise_id=None, team_id=team)
            assert saved is not None and saved.bot_user_id == f"UBOT{team[1]}"
            driver = cloud.workspaces[team].driver("http", request_url=events_url)
            assert (await driver.slash_command("UADMIN", "C1", "/wishes")).ok
        for team in ("T1", "T2"):
            await wait_for_reply(cloud.workspaces[team], f"hello {team}")


async def test_bolt_refreshes_an_expiring_token_through_the_cloud(tmp_path: Path) -> None:
    # An hour of life is inside Bolt's 120-minute refresh margin: the next request refreshes.
    async with make_cloud(token_rotation=True, token_lifetime=3600) as cloud:
        store = FileInstallationStore(base_dir=str(tmp_path / "installations"))
        async with serve_bolt(bolt_app(cloud, store, tmp_path)) as events_url:
            await install_through_bolt(cloud, events_url, ["T1"])
            first = await store.async_find_bot(enterprise_id=None, team_id="T1")
            assert first is not None and first.bot_refresh_token is not None
            driver = cloud.workspaces["T1"].driver("http", request_url=events_url)
            assert (await driver.slash_command("UADMIN", "C1", "/wishes")).ok
            await wait_for_reply(cloud.workspaces["T1"], "hello T1")
        assert cloud.refreshes("T1") == 1
        renewed = await store.async_find_bot(enterprise_id=None, team_id="T1")
        assert renewed is not None and renewed.bot_token != first.bot_token
        assert [c.ok for c in cloud.calls_to("oauth.v2.access")] == [True, True]


async def test_install_now_seeds_an_installation_without_the_browser_steps(
    rotating: SlackCloud,
) -> None:
    body = rotating.install_now("T2", user_id="UADMIN", scopes=["chat:write"])
    assert body["team"] == {"id": "T2", "name": "Beta"} and body["expires_in"] == 43200
    await bot(rotating, body["access_token"]).chat_postMessage(channel="C1", text="seeded")
    assert [m.text for m in rotating.workspaces["T2"].messages("C1")] == ["seeded"]
    assert rotating.calls_to("oauth.v2.access") == []
    # Only the scopes installed were granted.
    error = await api_error(bot(rotating, body["access_token"]).users_info(user="UADMIN"))
    assert error == "missing_scope"
