"""response_url endpoint: ephemeral / in_channel replies, replace_original, delete_original."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .api_chat import check_message_blocks
from .common import JsonDict, SlackFailure, as_bool
from .models import Ephemeral, Message, ResponseUrl, ResponseUrlPost

if TYPE_CHECKING:
    from .server import SlackEmulator


class _Reject(Exception):
    def __init__(self, status: int, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.status = status
        self.body: JsonDict = {"ok": False, "error": error, **extra}


async def _read_body(request: web.Request) -> JsonDict:
    raw = await request.read()
    if request.content_type == "application/x-www-form-urlencoded":
        form = await request.post()
        payload = form.get("payload")
        raw = payload.encode() if isinstance(payload, str) else b""
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        raise _Reject(400, "invalid_payload") from None
    if not isinstance(body, dict):
        raise _Reject(400, "invalid_payload")
    return body


def _content(emu: SlackEmulator, body: JsonDict) -> tuple[str, list[JsonDict] | None]:
    text = body.get("text")
    blocks = body.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            raise _Reject(400, "invalid_blocks_format") from None
    if blocks is not None and not isinstance(blocks, list):
        raise _Reject(400, "invalid_blocks_format")
    if not text and not blocks and not body.get("attachments"):
        raise _Reject(400, "no_text")
    # The same checks as chat.postMessage: Block Kit rules (at most 50 blocks) and the
    # markdown budget (msg_blocks_too_long), with the same error body. Slack documents no
    # HTTP status for a refused response_url post; we answer 400 (see handle_response_url).
    check_message_blocks(emu, blocks)
    return str(text or ""), blocks


def _delete(emu: SlackEmulator, record: ResponseUrl) -> None:
    ws = emu.workspace
    if record.message_ts is None:
        eph = ws.find_ephemeral(record.user_id, record.last_ephemeral_ts or "")
        if eph is None:
            raise _Reject(404, "message_not_found")
        eph.deleted = True
    elif record.is_ephemeral:
        eph = ws.find_ephemeral(record.user_id, record.message_ts)
        if eph is None:
            raise _Reject(404, "message_not_found")
        eph.deleted = True
    else:
        message = ws.find_message(record.channel_id, record.message_ts)
        if message is None:
            raise _Reject(404, "message_not_found")
        message.deleted = True


def _replace(
    emu: SlackEmulator, record: ResponseUrl, text: str, blocks: list[JsonDict] | None
) -> bool:
    ws = emu.workspace
    if record.message_ts is not None and not record.is_ephemeral:
        message = ws.find_message(record.channel_id, record.message_ts)
        if message is None:
            raise _Reject(404, "message_not_found")
        message.text, message.blocks = text, blocks
        return True
    source_ts = record.message_ts if record.is_ephemeral else record.last_ephemeral_ts
    eph = ws.find_ephemeral(record.user_id, source_ts or "")
    if eph is None:
        return False
    eph.text, eph.blocks = text, blocks
    return True


def _apply(emu: SlackEmulator, record: ResponseUrl, body: JsonDict) -> None:
    ws = emu.workspace
    if as_bool(body.get("delete_original")):
        _delete(emu, record)
        return
    text, blocks = _content(emu, body)
    if as_bool(body.get("replace_original")) and _replace(emu, record, text, blocks):
        return
    thread_ts = body.get("thread_ts")
    if body.get("response_type") == "in_channel":
        if record.channel_id not in ws.channels:
            raise _Reject(404, "channel_not_found")
        ws.store_message(
            Message(
                ts=ws.next_ts(),
                channel=record.channel_id,
                user=emu.bot_user_id,
                text=text,
                blocks=blocks,
                thread_ts=str(thread_ts) if thread_ts else None,
                bot_id=emu.bot_id,
                app_id=emu.app_id,
                via="response_url",
            )
        )
        return
    eph = Ephemeral(
        message_ts=ws.next_ts(),
        channel=record.channel_id,
        user=record.user_id,
        text=text,
        blocks=blocks,
        thread_ts=str(thread_ts) if thread_ts else None,
        via="response_url",
    )
    ws.ephemerals.append(eph)
    record.last_ephemeral_ts = eph.message_ts


async def handle_response_url(emu: SlackEmulator, request: web.Request) -> web.Response:
    """POST /response/<id>: at most `response_url_max_uses` uses within the ttl."""
    url_id = request.match_info["url_id"]
    record = emu.workspace.response_urls.get(url_id)
    body: JsonDict = {}
    try:
        if request.method != "POST":
            raise _Reject(405, "method_not_allowed")
        body = await _read_body(request)
        if record is None:
            raise _Reject(404, "invalid_url")
        if emu.now() - record.issued_at > emu.response_url_ttl:
            raise _Reject(404, "expired_url")
        if record.uses >= emu.response_url_max_uses:
            raise _Reject(404, "used_url")
        record.uses += 1
        _apply(emu, record, body)
        status, reply = 200, {"ok": True}
    except _Reject as reject:
        status, reply = reject.status, reject.body
    except SlackFailure as failure:
        status, reply = 400, failure.body()
    emu.response_url_posts.append(ResponseUrlPost(url_id, body, status, reply, emu.now()))
    await emu.notify()
    return web.json_response(reply, status=status)
