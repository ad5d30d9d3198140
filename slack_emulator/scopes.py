"""Bot-token OAuth scopes per method (missing_scope), so tests can pin the manifest's scopes."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
}
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
        users = str(args.get("users") or "")
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
