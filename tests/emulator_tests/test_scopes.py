"""Bot scopes: the manifest's grant, missing_scope with needed/provided, the per-method table."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import SlackEmulator, scopes_from_manifest
from slack_emulator.http_api import handler_names
from slack_emulator.scopes import ALL_SCOPES, BY_CHANNEL_TYPE, FIXED, NO_SCOPE

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack-app-manifest.yml"

# The bot scope Slack's docs require (docs.slack.dev/reference/methods/<method>, "Required
# scopes"), with arguments that reach the scope check. Channels: C100 public, G201 private,
# the DM with U2 (opened first), "mpim" a group DM.
REQUIRED: list[tuple[str, dict[str, Any], str]] = [
    ("chat.postMessage", {"channel": "C100", "text": "x"}, "chat:write"),
    ("chat.update", {"channel": "C100", "ts": "1.000001", "text": "x"}, "chat:write"),
    ("chat.delete", {"channel": "C100", "ts": "1.000001"}, "chat:write"),
    ("chat.postEphemeral", {"channel": "C100", "user": "U1", "text": "x"}, "chat:write"),
    ("conversations.join", {"channel": "C300"}, "channels:join"),
    ("conversations.info", {"channel": "C100"}, "channels:read"),
    ("conversations.info", {"channel": "G201"}, "groups:read"),
    ("conversations.info", {"channel": "dm"}, "im:read"),
    ("conversations.members", {"channel": "mpim"}, "mpim:read"),
    ("conversations.history", {"channel": "C100"}, "channels:history"),
    ("conversations.history", {"channel": "G201"}, "groups:history"),
    ("conversations.history", {"channel": "dm"}, "im:history"),
    ("conversations.replies", {"channel": "mpim", "ts": "1.000001"}, "mpim:history"),
    ("conversations.open", {"users": "U1"}, "im:write"),
    ("conversations.open", {"users": "U1,U2"}, "mpim:write"),
    ("conversations.open", {"channel": "mpim"}, "mpim:write"),
    ("users.info", {"user": "U1"}, "users:read"),
    ("users.list", {}, "users:read"),
    ("usergroups.list", {}, "usergroups:read"),
    ("usergroups.users.list", {"usergroup": "S1"}, "usergroups:read"),
    ("files.getUploadURLExternal", {"filename": "a.txt", "length": "3"}, "files:write"),
    ("files.completeUploadExternal", {"files": '[{"id": "F1"}]'}, "files:write"),
]


@pytest.fixture
async def world(emu: SlackEmulator, client: AsyncWebClient) -> AsyncIterator[dict[str, str]]:
    dm = (await client.conversations_open(users="U2"))["channel"]["id"]
    mpim = (await client.conversations_open(users="U1,U2"))["channel"]["id"]
    yield {"dm": dm, "mpim": mpim}


@pytest.mark.parametrize(
    ("method", "args", "needed"),
    REQUIRED,
    ids=[f"{m}-{needed}" for m, _, needed in REQUIRED],
)
async def test_each_method_needs_the_documented_scope(
    emu: SlackEmulator,
    client: AsyncWebClient,
    world: dict[str, str],
    method: str,
    args: dict[str, Any],
    needed: str,
) -> None:
    args = {k: world.get(v, v) if k == "channel" else v for k, v in args.items()}
    emu.scopes = set(ALL_SCOPES) - {needed}
    with pytest.raises(SlackApiError) as info:
        await client.api_call(method, params=args)
    assert info.value.response["error"] == "missing_scope"
    assert info.value.response["needed"] == needed
    emu.scopes = set(ALL_SCOPES)


@pytest.mark.parametrize("method", sorted(NO_SCOPE))
async def test_views_and_auth_test_need_no_scope(
    emu: SlackEmulator, client: AsyncWebClient, method: str
) -> None:
    emu.scopes = set()
    token = emu.app_token if method == "apps.connections.open" else emu.bot_token
    try:
        reply = (await client.api_call(method, params={"token": token})).data
    except SlackApiError as error:  # bad arguments, but past the scope check
        reply = error.response.data
    assert isinstance(reply, dict) and reply.get("error") != "missing_scope"


def test_every_served_method_is_in_the_scope_table() -> None:
    table = set(FIXED) | set(BY_CHANNEL_TYPE) | set(NO_SCOPE) | {"conversations.open"}
    assert set(handler_names()) <= table
    assert not set(FIXED) & set(NO_SCOPE)


def test_scopes_from_the_repository_manifest() -> None:
    scopes = scopes_from_manifest(MANIFEST)
    assert isinstance(scopes, frozenset)
    assert {"commands", "chat:write", "im:write", "users:read", "files:write"} <= scopes
    assert "im:read" not in scopes


async def test_manifest_grant_refuses_a_method_outside_it() -> None:
    granted = scopes_from_manifest(MANIFEST)
    async with SlackEmulator(scopes=granted) as emu:
        emu.add_user("U1", "alice")
        emu.add_user("U2", "bob")
        emu.add_channel("C100", "general", members=["U1", "U2"])
        client = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)
        assert emu.scopes == set(granted)
        assert (await client.chat_postMessage(channel="C100", text="inside the grant"))["ok"]
        dm = (await client.conversations_open(users="U1"))["channel"]["id"]
        with pytest.raises(SlackApiError) as info:
            await client.conversations_info(channel=dm)  # im:read is not in the manifest
        assert info.value.response.data == {
            "ok": False,
            "error": "missing_scope",
            "needed": "im:read",
            "provided": ",".join(sorted(granted)),
        }
        with pytest.raises(SlackApiError) as info:
            await client.conversations_open(users="U1,U2")
        assert info.value.response["needed"] == "mpim:write"


def test_scopes_from_manifest_reads_json_and_refuses_a_manifest_without_bot_scopes(
    tmp_path: Path,
) -> None:
    as_json = tmp_path / "manifest.json"
    as_json.write_text('{"oauth_config": {"scopes": {"bot": ["chat:write", "commands"]}}}')
    assert scopes_from_manifest(as_json) == frozenset({"chat:write", "commands"})
    broken = tmp_path / "broken.yml"
    broken.write_text("display_information:\n  name: x\n")
    with pytest.raises(ValueError, match=r"oauth_config\.scopes\.bot"):
        scopes_from_manifest(broken)
