"""Web API handlers for files.* (external upload flow), auth.test and apps.connections.open."""

from __future__ import annotations

import mimetypes
import uuid
from typing import TYPE_CHECKING, Any

from .api_chat import lookup_channel
from .common import (
    Args,
    JsonDict,
    SlackFailure,
    as_int,
    invalid_arguments,
    json_arg,
    new_id,
    opt_str,
)
from .models import Channel, FileRecord, Message
from .tokens import BotGrant

if TYPE_CHECKING:
    from .server import SlackEmulator

MAX_FILE_BYTES = 1_000_000_000


def get_upload_url(emu: SlackEmulator, args: Args) -> JsonDict:
    """files.getUploadURLExternal: an upload URL on the emulator's own host."""
    filename = opt_str(args, "filename")
    if filename is None:
        raise invalid_arguments(["missing required field: filename"])
    if args.get("length") in (None, ""):
        raise invalid_arguments(["missing required field: length"])
    length = as_int(args["length"], error="invalid_arguments")
    if length <= 0:
        raise SlackFailure("missing_argument")
    if length > MAX_FILE_BYTES:
        raise SlackFailure("file_upload_size_restricted")
    record = FileRecord(id=new_id("F"), filename=filename, length=length)
    emu.workspace.files[record.id] = record
    return {"ok": True, "upload_url": f"{emu.base_url}upload/{record.id}", "file_id": record.id}


def _share_target(emu: SlackEmulator, target: str) -> Channel:
    ws = emu.workspace
    if target[:1] in ("U", "W") and target in ws.users:
        return ws.ensure_dm(target)
    channel = lookup_channel(emu, target)
    if channel.archived:
        raise SlackFailure("is_archived")
    if emu.bot_user_id not in channel.members:
        raise SlackFailure("not_in_channel")
    return channel


def _file_object(emu: SlackEmulator, record: FileRecord) -> JsonDict:
    mimetype = mimetypes.guess_type(record.filename)[0] or "application/octet-stream"
    body: JsonDict = {
        "id": record.id,
        "created": emu.workspace.unix_time(),
        "name": record.filename,
        "title": record.title or record.filename,
        "mimetype": mimetype,
        "filetype": record.filename.rsplit(".", 1)[-1] if "." in record.filename else "text",
        "user": emu.bot_user_id,
        "size": record.length,
        "url_private": f"{emu.base_url}files/{record.id}/{record.filename}",
    }
    if record.channel:
        body["channels"] = [record.channel]
    return body


def complete_upload(emu: SlackEmulator, args: Args) -> JsonDict:
    """files.completeUploadExternal: shares uploaded files, optionally with a comment."""
    raw_files = args.get("files")
    if raw_files in (None, ""):
        raise invalid_arguments(["missing required field: files"])
    try:
        entries = json_arg(raw_files, error="invalid_arguments")
    except SlackFailure:
        raise invalid_arguments(["must provide an array [json-pointer:/files]"]) from None
    if not isinstance(entries, list) or not entries:
        raise invalid_arguments(["must provide an array [json-pointer:/files]"])
    records: list[tuple[FileRecord, str | None]] = []
    for entry in entries:
        file_id = entry.get("id") if isinstance(entry, dict) else None
        record = emu.workspace.files.get(str(file_id))
        if record is None or record.content is None or record.completed:
            raise SlackFailure("file_not_found")
        title = entry.get("title") if isinstance(entry, dict) else None
        records.append((record, str(title) if title else None))
    targets = [t for t in [opt_str(args, "channel_id")] if t]
    channels_arg = opt_str(args, "channels")
    if channels_arg:
        targets.extend(t.strip() for t in channels_arg.split(",") if t.strip())
    channels = [_share_target(emu, t) for t in targets]
    thread_ts = opt_str(args, "thread_ts")
    for channel in channels:
        if thread_ts is not None and emu.workspace.find_message(channel.id, thread_ts) is None:
            raise SlackFailure("invalid_thread_ts")
    comment = opt_str(args, "initial_comment")
    for record, title in records:
        record.title = title or record.filename
        record.initial_comment = comment
        record.thread_ts = thread_ts
        record.channel = channels[0].id if channels else None
        record.completed = True
    files = [_file_object(emu, r) for r, _ in records]
    for channel in channels:
        emu.workspace.store_message(
            Message(
                ts=emu.workspace.next_ts(),
                channel=channel.id,
                user=emu.bot_user_id,
                text=comment or "",
                files=files,
                thread_ts=thread_ts,
                via="files.completeUploadExternal",
            )
        )
    return {"ok": True, "files": files}


def auth_test(emu: SlackEmulator, args: Args, grant: BotGrant | None = None) -> JsonDict:
    """auth.test: who the calling bot token is (docs.slack.dev/reference/methods/auth.test).

    A Grid workspace adds its enterprise_id. An org-wide token answers for the organization:
    team and team_id are the enterprise's, and url is the organization's."""
    ident = emu.workspace.ident
    body: JsonDict = {
        "ok": True,
        "url": f"https://{ident.team_domain}.slack.com/",
        "team": ident.team_domain,
        "user": ident.bot_name,
        "team_id": emu.team_id,
        "user_id": emu.bot_user_id,
        "bot_id": emu.bot_id,
        "is_enterprise_install": False,
    }
    if emu.enterprise_id is not None:
        body["enterprise_id"] = emu.enterprise_id
    if grant is not None and grant.enterprise_install and emu.enterprise_id is not None:
        domain = (emu.enterprise_name or emu.enterprise_id).lower().replace(" ", "-")
        body.update(
            url=f"https://{domain}.enterprise.slack.com/",
            team=emu.enterprise_name,
            team_id=emu.enterprise_id,
            is_enterprise_install=True,
        )
    return body


def connections_open(emu: SlackEmulator, args: Args) -> JsonDict:
    """apps.connections.open: a single-use Socket Mode URL on the emulator's host."""
    ticket = str(uuid.uuid4())
    emu.socket.tickets.add(ticket)
    ws_base = emu.base_url.replace("http://", "ws://", 1)
    return {"ok": True, "url": f"{ws_base}link/?ticket={ticket}"}


HANDLERS: dict[str, Any] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "auth.test": auth_test,
    "apps.connections.open": connections_open,
}
