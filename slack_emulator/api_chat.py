"""Web API handlers for chat.postMessage, chat.update, chat.delete, chat.postEphemeral and
chat.getPermalink."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .blockkit import MESSAGE_TEXT_MAX, MESSAGE_TEXT_TRUNCATE, markdown_chars, validate_blocks
from .common import Args, JsonDict, SlackFailure, as_bool, invalid_blocks, json_arg, opt_str
from .models import Channel, Ephemeral, Message

if TYPE_CHECKING:
    from .server import SlackEmulator


def lookup_channel(emu: SlackEmulator, channel_arg: str | None) -> Channel:
    """A conversation the bot can see, by id or `#name`; else channel_not_found."""
    ws = emu.workspace
    if not channel_arg:
        raise SlackFailure("channel_not_found")
    channel = ws.channels.get(channel_arg)
    if channel is None:
        name = channel_arg.lstrip("#")
        channel = next((c for c in ws.channels.values() if c.name == name and not c.is_im), None)
    if channel is None:
        raise SlackFailure("channel_not_found")
    hidden = channel.is_im or channel.is_mpim or channel.is_private
    if hidden and emu.bot_user_id not in channel.members:
        raise SlackFailure("channel_not_found")
    return channel


def postable_channel(emu: SlackEmulator, channel_arg: str | None) -> Channel:
    """Resolve chat.postMessage's `channel`: a conversation or a user id (the app DM)."""
    ws = emu.workspace
    if channel_arg and channel_arg[:1] in ("U", "W") and channel_arg in ws.users:
        user = ws.users[channel_arg]
        if user.is_bot:
            raise SlackFailure("cannot_dm_bot")
        return ws.ensure_dm(user.id)
    channel = lookup_channel(emu, channel_arg)
    if channel.archived:
        raise SlackFailure("is_archived")
    if emu.bot_user_id not in channel.members:
        if "chat:write.public" not in emu.scopes:
            raise SlackFailure("not_in_channel")
        channel.posted_without_join = True
    return channel


def parse_blocks(args: Args) -> list[JsonDict] | None:
    """The `blocks` argument (JSON string or list), or None when absent."""
    raw = args.get("blocks")
    if raw is None or raw == "":
        return None
    blocks = json_arg(raw, error="invalid_blocks_format")
    if not isinstance(blocks, list):
        raise SlackFailure("invalid_blocks_format")
    return blocks


def check_message_blocks(emu: SlackEmulator, blocks: list[JsonDict] | None) -> None:
    """Apply Block Kit validation and the overall size cap to message blocks."""
    if blocks is None:
        return
    errors = validate_blocks(blocks, surface="message")
    if errors:
        raise invalid_blocks(errors)
    if markdown_chars(blocks) > emu.max_message_markdown_chars:
        raise SlackFailure("msg_blocks_too_long")


def parse_metadata(args: Args) -> JsonDict | None:
    """The `metadata` argument ({event_type, event_payload}) or None."""
    raw = args.get("metadata")
    if raw is None or raw == "":
        return None
    metadata = json_arg(raw, error="invalid_metadata_format")
    if not isinstance(metadata, dict):
        raise SlackFailure("invalid_metadata_format")
    if not isinstance(metadata.get("event_type"), str) or not isinstance(
        metadata.get("event_payload"), dict
    ):
        raise SlackFailure("invalid_metadata_schema")
    return metadata


def _attachments(args: Args) -> list[JsonDict] | None:
    raw = args.get("attachments")
    if raw is None or raw == "":
        return None
    attachments = json_arg(raw, error="invalid_attachments")
    if not isinstance(attachments, list):
        raise SlackFailure("invalid_attachments")
    if len(attachments) > 100:
        raise SlackFailure("too_many_attachments")
    return attachments


def _text_and_blocks(
    emu: SlackEmulator, args: Args
) -> tuple[str | None, list[JsonDict] | None, list[JsonDict] | None]:
    markdown_text = opt_str(args, "markdown_text")
    text = opt_str(args, "text")
    blocks = parse_blocks(args)
    if markdown_text is not None:
        if text is not None or blocks is not None:
            raise SlackFailure("markdown_text_conflict")
        text, blocks = markdown_text, [{"type": "markdown", "text": markdown_text}]
    attachments = _attachments(args)
    if text is None and not blocks and not attachments:
        raise SlackFailure("no_text")
    check_message_blocks(emu, blocks)
    return text, blocks, attachments


def _thread_parent(channel: Channel, thread_ts: str | None) -> str | None:
    if thread_ts is None:
        return None
    parent = channel.messages.get(thread_ts)
    if parent is None or parent.deleted:
        raise SlackFailure("thread_not_found")
    if parent.thread_ts and parent.thread_ts != parent.ts:
        return parent.thread_ts
    return parent.ts


def post_message(emu: SlackEmulator, args: Args) -> JsonDict:
    """chat.postMessage."""
    channel = postable_channel(emu, opt_str(args, "channel"))
    text, blocks, attachments = _text_and_blocks(emu, args)
    metadata = parse_metadata(args)
    thread_ts = _thread_parent(channel, opt_str(args, "thread_ts"))
    message = Message(
        ts=emu.workspace.next_ts(),
        channel=channel.id,
        user=emu.bot_user_id,
        text=(text or "")[:MESSAGE_TEXT_TRUNCATE],
        blocks=blocks,
        metadata=metadata,
        thread_ts=thread_ts,
        attachments=attachments,
        bot_id=emu.bot_id,
        app_id=emu.app_id,
        reply_broadcast=as_bool(args.get("reply_broadcast")) and thread_ts is not None,
    )
    emu.workspace.store_message(message)
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "message": message.to_api(emu.team_id),
    }


def _own_message(emu: SlackEmulator, args: Args, *, action: str) -> tuple[Channel, Message]:
    channel_arg = opt_str(args, "channel")
    ts = opt_str(args, "ts")
    if channel_arg is None:
        raise SlackFailure("channel_not_found")
    channel = lookup_channel(emu, channel_arg)
    if ts is None:
        raise SlackFailure("message_not_found")
    message = emu.workspace.find_message(channel.id, ts)
    if message is None:
        raise SlackFailure("message_not_found")
    if message.user != emu.bot_user_id:
        raise SlackFailure(f"cant_{action}_message")
    return channel, message


def update_message(emu: SlackEmulator, args: Args) -> JsonDict:
    """chat.update: only the bot's own messages; text ≤ 4000."""
    channel, message = _own_message(emu, args, action="update")
    if channel.archived:
        raise SlackFailure("is_inactive")
    text = opt_str(args, "text")
    if text is not None and len(text) > MESSAGE_TEXT_MAX:
        raise SlackFailure("msg_too_long")
    blocks = parse_blocks(args)
    attachments = _attachments(args)
    metadata = parse_metadata(args)
    if text is None and blocks is None and attachments is None and metadata is None:
        raise SlackFailure("no_text")
    check_message_blocks(emu, blocks)
    if blocks is not None:
        message.blocks = blocks
    elif text is not None:
        message.blocks = None
        message.edited = {"user": emu.bot_user_id, "ts": emu.workspace.next_ts()}
    if text is not None:
        message.text = text
    if attachments is not None:
        message.attachments = attachments
    if metadata is not None:
        message.metadata = metadata
    reply: JsonDict = {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": message.to_api(emu.team_id),
    }
    return reply


def delete_message(emu: SlackEmulator, args: Args) -> JsonDict:
    """chat.delete: deletes one message; thread replies stay until deleted themselves."""
    channel, message = _own_message(emu, args, action="delete")
    message.deleted = True
    return {"ok": True, "channel": channel.id, "ts": message.ts}


def post_ephemeral(emu: SlackEmulator, args: Args) -> JsonDict:
    """chat.postEphemeral: the recipient must be a member; text ≤ 4000."""
    channel = lookup_channel(emu, opt_str(args, "channel"))
    user_id = opt_str(args, "user")
    if user_id is None:
        raise SlackFailure("user_not_in_channel")
    if channel.archived:
        raise SlackFailure("is_archived")
    if emu.bot_user_id not in channel.members:
        raise SlackFailure("not_in_channel")
    user = emu.workspace.users.get(user_id)
    if user is None or user.deleted or user_id not in channel.members:
        raise SlackFailure("user_not_in_channel")
    text = opt_str(args, "text")
    if text is not None and len(text) > MESSAGE_TEXT_MAX:
        raise SlackFailure("msg_too_long")
    text, blocks, _ = _text_and_blocks(emu, args)
    ephemeral = Ephemeral(
        message_ts=emu.workspace.next_ts(),
        channel=channel.id,
        user=user_id,
        text=text or "",
        blocks=blocks,
        thread_ts=opt_str(args, "thread_ts"),
    )
    emu.workspace.ephemerals.append(ephemeral)
    return {"ok": True, "message_ts": ephemeral.message_ts}


def get_permalink(emu: SlackEmulator, args: Args) -> JsonDict:
    """chat.getPermalink: a link to an existing message of a conversation the bot can see
    (https://docs.slack.dev/reference/methods/chat.getPermalink); a thread reply's link names
    its thread."""
    channel = lookup_channel(emu, opt_str(args, "channel"))
    ts = opt_str(args, "message_ts")
    message = None if ts is None else emu.workspace.find_message(channel.id, ts)
    if message is None or message.deleted:
        raise SlackFailure("message_not_found")
    domain = emu.workspace.ident.team_domain
    permalink = f"https://{domain}.slack.com/archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        permalink += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"ok": True, "channel": channel.id, "permalink": permalink}


HANDLERS: dict[str, Any] = {
    "chat.postMessage": post_message,
    "chat.update": update_message,
    "chat.delete": delete_message,
    "chat.postEphemeral": post_ephemeral,
    "chat.getPermalink": get_permalink,
}
