"""Web API handlers for conversations.*, users.* and usergroups.*."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .api_chat import lookup_channel
from .common import Args, JsonDict, SlackFailure, as_bool, as_int, new_id, opt_str
from .models import Channel, Message

if TYPE_CHECKING:
    from .server import SlackEmulator

T = TypeVar("T")
MAX_LIMIT = 1000


def _encode_cursor(kind: str, key: str) -> str:
    return base64.b64encode(f"{kind}:{key}".encode()).decode()


def _limit(args: Args, default: int) -> int:
    raw = args.get("limit")
    if raw is None or raw == "":
        return default
    limit = as_int(raw, error="invalid_limit")
    if limit < 0:
        raise SlackFailure("invalid_limit")
    return limit or default


def paginate(
    items: Sequence[T], keys: Sequence[str], args: Args, *, kind: str, default_limit: int
) -> tuple[list[T], str]:
    """Cursor pagination: one page and the next cursor ("" at the end); default 0 = all."""
    limit = _limit(args, default_limit)
    limit = min(limit, MAX_LIMIT) if limit > 0 else max(len(items), 1)
    start = 0
    cursor = opt_str(args, "cursor")
    if cursor is not None:
        try:
            decoded = base64.b64decode(cursor.encode(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise SlackFailure("invalid_cursor") from None
        prefix, _, key = decoded.partition(":")
        if prefix != kind or key not in keys:
            raise SlackFailure("invalid_cursor")
        start = list(keys).index(key)
    page = list(items[start : start + limit])
    end = start + limit
    next_cursor = _encode_cursor(kind, keys[end]) if end < len(items) else ""
    return page, next_cursor


def members(emu: SlackEmulator, args: Args) -> JsonDict:
    """conversations.members."""
    channel = lookup_channel(emu, opt_str(args, "channel"))
    page, next_cursor = paginate(
        channel.members, channel.members, args, kind="user", default_limit=100
    )
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}


def info(emu: SlackEmulator, args: Args) -> JsonDict:
    """conversations.info."""
    channel = lookup_channel(emu, opt_str(args, "channel"))
    body = channel.to_api(
        emu.bot_user_id, include_num_members=as_bool(args.get("include_num_members"))
    )
    return {"ok": True, "channel": body}


def join(emu: SlackEmulator, args: Args) -> JsonDict:
    """conversations.join: public channels only."""
    channel_id = opt_str(args, "channel")
    channel = emu.workspace.channels.get(channel_id or "")
    if channel is None:
        raise SlackFailure("channel_not_found")
    if channel.is_private or channel.is_im or channel.is_mpim:
        raise SlackFailure("method_not_supported_for_channel_type")
    if channel.archived:
        raise SlackFailure("is_archived")
    reply: JsonDict = {"ok": True}
    if emu.bot_user_id in channel.members:
        reply["warning"] = "already_in_channel"
        reply["response_metadata"] = {"warnings": ["already_in_channel"]}
    else:
        channel.members.append(emu.bot_user_id)
    reply["channel"] = channel.to_api(emu.bot_user_id, include_num_members=False)
    return reply


def open_conversation(emu: SlackEmulator, args: Args) -> JsonDict:
    """conversations.open: one user → the app DM (stable D… id); several → a group DM."""
    ws = emu.workspace
    users_arg = opt_str(args, "users")
    channel_arg = opt_str(args, "channel")
    if users_arg is None:
        if channel_arg is None:
            raise SlackFailure("users_list_not_supplied")
        channel = lookup_channel(emu, channel_arg)
        if not (channel.is_im or channel.is_mpim):
            raise SlackFailure("method_not_supported_for_channel_type")
        return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": channel.id}}
    user_ids = [u.strip() for u in users_arg.split(",") if u.strip()]
    if len(user_ids) > 8:
        raise SlackFailure("too_many_users")
    for user_id in user_ids:
        user = ws.users.get(user_id)
        if user is None:
            raise SlackFailure("user_not_found")
        if user.deleted:
            raise SlackFailure("user_disabled")
    if len(user_ids) == 1:
        existed = user_ids[0] in ws.dm_by_user
        channel = ws.ensure_dm(user_ids[0])
    else:
        channel, existed = _group_dm(emu, user_ids)
    body = (
        channel.to_api(emu.bot_user_id, include_num_members=False)
        if as_bool(args.get("return_im"))
        else {"id": channel.id}
    )
    reply: JsonDict = {"ok": True, "channel": body}
    if existed:
        reply.update(no_op=True, already_open=True)
    return reply


def _group_dm(emu: SlackEmulator, user_ids: list[str]) -> tuple[Channel, bool]:
    wanted = {emu.bot_user_id, *user_ids}
    for channel in emu.workspace.channels.values():
        if channel.is_mpim and set(channel.members) == wanted:
            return channel, True
    channel = Channel(
        id=new_id("G"),
        name="mpdm-" + "--".join(user_ids) + "-1",
        is_mpim=True,
        is_private=True,
        members=[emu.bot_user_id, *user_ids],
    )
    emu.workspace.channels[channel.id] = channel
    return channel, False


def _readable(emu: SlackEmulator, args: Args) -> Channel:
    channel = lookup_channel(emu, opt_str(args, "channel"))
    if emu.bot_user_id not in channel.members:
        raise SlackFailure("not_in_channel")
    return channel


def _in_range(message: Message, args: Args) -> bool:
    inclusive = as_bool(args.get("inclusive"))
    ts = float(message.ts)
    oldest = opt_str(args, "oldest")
    latest = opt_str(args, "latest")
    if oldest is not None and (ts < float(oldest) or (ts == float(oldest) and not inclusive)):
        return False
    return not (
        latest is not None and (ts > float(latest) or (ts == float(latest) and not inclusive))
    )


def history(emu: SlackEmulator, args: Args) -> JsonDict:
    """conversations.history: top-level messages, newest first; metadata on request."""
    channel = _readable(emu, args)
    with_metadata = as_bool(args.get("include_all_metadata"))
    top = [
        m
        for m in emu.workspace.live_messages(channel.id)
        if (m.thread_ts in (None, m.ts) or m.reply_broadcast) and _in_range(m, args)
    ]
    top.reverse()
    page, next_cursor = paginate(top, [m.ts for m in top], args, kind="ts", default_limit=100)
    return {
        "ok": True,
        "messages": [m.to_api(emu.team_id, include_metadata=with_metadata) for m in page],
        "has_more": next_cursor != "",
        "pin_count": 0,
        "response_metadata": {"next_cursor": next_cursor},
    }


def replies(emu: SlackEmulator, args: Args) -> JsonDict:
    """conversations.replies: the parent and its replies, oldest first."""
    channel = _readable(emu, args)
    ts = opt_str(args, "ts")
    parent = emu.workspace.find_message(channel.id, ts or "")
    if parent is None:
        raise SlackFailure("thread_not_found")
    root = parent.thread_ts or parent.ts
    with_metadata = as_bool(args.get("include_all_metadata"))
    thread = [
        m
        for m in emu.workspace.live_messages(channel.id)
        if (m.ts == root or m.thread_ts == root) and _in_range(m, args)
    ]
    page, next_cursor = paginate(thread, [m.ts for m in thread], args, kind="ts", default_limit=100)
    return {
        "ok": True,
        "messages": [m.to_api(emu.team_id, include_metadata=with_metadata) for m in page],
        "has_more": next_cursor != "",
        "response_metadata": {"next_cursor": next_cursor},
    }


def users_info(emu: SlackEmulator, args: Args) -> JsonDict:
    """users.info."""
    user = emu.workspace.users.get(opt_str(args, "user") or "")
    if user is None:
        raise SlackFailure("user_not_found")
    body = user.to_api(
        include_locale=as_bool(args.get("include_locale")),
        now=emu.workspace.now_datetime(),
        include_email="users:read.email" in emu.scopes,
    )
    return {"ok": True, "user": body}


def users_list(emu: SlackEmulator, args: Args) -> JsonDict:
    """users.list: every user (bots, deleted and Slackbot included), cursor-paginated."""
    users = list(emu.workspace.users.values())
    page, next_cursor = paginate(users, [u.id for u in users], args, kind="user", default_limit=0)
    with_locale = as_bool(args.get("include_locale"))
    with_email = "users:read.email" in emu.scopes
    now = emu.workspace.now_datetime()
    return {
        "ok": True,
        "members": [
            u.to_api(include_locale=with_locale, now=now, include_email=with_email) for u in page
        ],
        "cache_ts": emu.workspace.unix_time(),
        "response_metadata": {"next_cursor": next_cursor},
    }


def usergroup_users(emu: SlackEmulator, args: Args) -> JsonDict:
    """usergroups.users.list."""
    group = emu.workspace.usergroups.get(opt_str(args, "usergroup") or "")
    if group is None or (group.disabled and not as_bool(args.get("include_disabled"))):
        raise SlackFailure("no_such_subteam")
    return {"ok": True, "users": list(group.users)}


def usergroups_list(emu: SlackEmulator, args: Args) -> JsonDict:
    """usergroups.list: the workspace's groups (disabled ones only with include_disabled)."""
    with_disabled = as_bool(args.get("include_disabled"))
    with_users = as_bool(args.get("include_users"))
    groups = []
    for group in emu.workspace.usergroups.values():
        if group.disabled and not with_disabled:
            continue
        entry: JsonDict = {
            "id": group.id,
            "team_id": emu.team_id,
            "handle": group.handle,
            "name": group.handle,
            "is_usergroup": True,
            "date_delete": 1 if group.disabled else 0,
            "user_count": len(group.users),
        }
        if with_users:
            entry["users"] = list(group.users)
        groups.append(entry)
    return {"ok": True, "usergroups": groups}


HANDLERS: dict[str, Any] = {
    "conversations.members": members,
    "conversations.info": info,
    "conversations.join": join,
    "conversations.open": open_conversation,
    "conversations.history": history,
    "conversations.replies": replies,
    "users.info": users_info,
    "users.list": users_list,
    "usergroups.users.list": usergroup_users,
    "usergroups.list": usergroups_list,
}
