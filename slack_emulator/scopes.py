"""Bot-token OAuth scopes per method (missing_scope), so tests can pin the manifest's scopes."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .common import Args, SlackFailure

if TYPE_CHECKING:
    from .server import SlackEmulator

#: Every scope the emulator knows; the default grant, so nothing fails unless a test narrows it.
ALL_SCOPES = frozenset(
    {
        "commands",
        "chat:write",
        "chat:write.public",
        "channels:join",
        "channels:read",
        "groups:read",
        "im:read",
        "mpim:read",
        "channels:history",
        "groups:history",
        "im:history",
        "mpim:history",
        "im:write",
        "mpim:write",
        "users:read",
        "users:read.email",
        "usergroups:read",
        "files:write",
    }
)
# Bot scope names Slack defines (docs.slack.dev/reference/scopes), beyond the ones the emulator
# checks per method: a request for anything else is refused with invalid_scope.
KNOWN_SCOPES = ALL_SCOPES | {
    "app_mentions:read",
    "bookmarks:read",
    "bookmarks:write",
    "calls:read",
    "calls:write",
    "channels:manage",
    "channels:write.invites",
    "chat:write.customize",
    "dnd:read",
    "emoji:read",
    "files:read",
    "groups:write",
    "groups:write.invites",
    "im:read",
    "incoming-webhook",
    "links:read",
    "links:write",
    "metadata.message:read",
    "mpim:read",
    "pins:read",
    "pins:write",
    "reactions:read",
    "reactions:write",
    "reminders:read",
    "reminders:write",
    "team:read",
    "usergroups:write",
    "users.profile:read",
    "users:write",
    "workflow.steps:execute",
}
# The bot scope each served method needs, from each method's "Required scopes" on
# https://docs.slack.dev/reference/methods/<method> (the scrape in shared/slack/method-docs agrees
# for the methods it has); conversations.history/replies from the channels:history scope page
# https://docs.slack.dev/reference/scopes/channels.history (and its groups/im/mpim twins).
FIXED: dict[str, str] = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.postEphemeral": "chat:write",
    "conversations.join": "channels:join",
    "users.info": "users:read",
    "users.list": "users:read",
    "usergroups.users.list": "usergroups:read",
    "usergroups.list": "usergroups:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.upload": "files:write",
}
#: Methods that need no bot scope: "No scope required" on their docs pages (views.*, auth.test
#: and chat.getPermalink; apps.connections.open takes an app-level token with connections:write
#: instead).
NO_SCOPE = frozenset(
    {
        "auth.test",
        "apps.connections.open",
        "chat.getPermalink",
        "views.open",
        "views.push",
        "views.update",
        "views.publish",
        # docs.slack.dev/reference/methods/functions.completeSuccess (and …completeError):
        # "No scopes required".
        "functions.completeSuccess",
        "functions.completeError",
    }
)
BY_CHANNEL_TYPE: dict[str, str] = {
    "conversations.info": "read",
    "conversations.members": "read",
    "conversations.history": "history",
    "conversations.replies": "history",
}


def needed_scope(emu: SlackEmulator, method: str, args: Args) -> str | None:
    """The bot scope a call needs (None when it needs none or the channel is unknown)."""
    if method in FIXED:
        return FIXED[method]
    if method == "conversations.open":
        # docs: channels:manage, groups:write, im:write or mpim:write by what is opened; a bot
        # opens DMs (im:write) and group DMs (mpim:write).
        users = str(args.get("users") or "")
        if not users:
            channel = emu.workspace.channels.get(str(args.get("channel") or ""))
            return "mpim:write" if channel is not None and channel.is_mpim else "im:write"
        return "mpim:write" if "," in users else "im:write"
    kind = BY_CHANNEL_TYPE.get(method)
    if kind is None:
        return None
    channel = emu.workspace.channels.get(str(args.get("channel") or ""))
    if channel is None:
        return None
    if channel.is_im:
        prefix = "im"
    elif channel.is_mpim:
        prefix = "mpim"
    elif channel.is_private:
        prefix = "groups"
    else:
        prefix = "channels"
    return f"{prefix}:{kind}"


def check_scope(emu: SlackEmulator, method: str, args: Args) -> None:
    """Fail with Slack's missing_scope shape when the granted scopes lack the needed one."""
    needed = needed_scope(emu, method, args)
    if needed is not None and needed not in emu.scopes:
        raise SlackFailure("missing_scope", needed=needed, provided=",".join(sorted(emu.scopes)))


def scopes_from_manifest(path: str | os.PathLike[str]) -> frozenset[str]:
    """The bot scopes (`oauth_config.scopes.bot`) of a Slack app manifest in YAML (or JSON)."""
    import yaml  # a test dependency only, so imported when a manifest is actually read

    with open(path, encoding="utf-8") as handle:
        manifest: Any = yaml.safe_load(handle)
    oauth = manifest.get("oauth_config") if isinstance(manifest, dict) else None
    scopes = oauth.get("scopes") if isinstance(oauth, dict) else None
    bot = scopes.get("bot") if isinstance(scopes, dict) else None
    if not isinstance(bot, list) or not all(isinstance(s, str) for s in bot):
        raise ValueError(f"{os.fspath(path)}: no list of scopes at oauth_config.scopes.bot")
    return frozenset(bot)
