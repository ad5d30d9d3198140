"""response_url endpoint: new ephemeral / in_channel replies, replacing or deleting the source."""

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


# What a response_url post does with the message the interaction came from, as documented at
# https://docs.slack.dev/interactivity/handling-user-interaction ("Message responses"):
# - "By default, a message published via response_url will be sent as an ephemeral message";
#   `response_type: in_channel` posts to the conversation instead.
# - From an interaction in a message, the reply replaces that message unless it says otherwise:
#   "be sure to set replace_original to false or you'll overwrite the message you're wanting to
#   respond to!" (Publishing responses in thread). The legacy pages say the same of button
#   responses: https://api.slack.com/legacy/interactive-messages ("will replace the current
#   message in its entirety by default. If you explicitly indicate that you want to create a
#   new message instead, specify a literal false in the replace_original field"), and their
#   ephemeral error reply sets `replace_original: false` so as not to replace the original.
#   So the default is to replace, for public and ephemeral source messages alike; a replaced
#   message keeps its visibility ("A message's type cannot be changed from ephemeral to
#   in_channel").
# - A slash command has no source message the app may touch: "You cannot use replace_original
#   to modify the user-posted message that invokes a slash command", and delete_original "is
#   not supported for use with slash commands". Such a response_url (also one from a modal's
#   response_url_enabled input) always posts a new message; replace_original and
#   delete_original change nothing.
# - "If you include a new message payload and delete_original, the source message will be
#   deleted, and your new message published."


def _has_payload(body: JsonDict) -> bool:
    return any(body.get(key) for key in ("text", "blocks", "attachments"))


def _replaces(record: ResponseUrl, body: JsonDict) -> bool:
    if record.message_ts is None:
        return False
    if "replace_original" not in body:
        return True
    return as_bool(body.get("replace_original"))


def _delete_source(emu: SlackEmulator, record: ResponseUrl) -> None:
    ws = emu.workspace
    assert record.message_ts is not None
    if record.is_ephemeral:
        eph = ws.find_ephemeral(record.user_id, record.message_ts)
        if eph is None:
            raise _Reject(404, "message_not_found")
        eph.deleted = True
        return
    message = ws.find_message(record.channel_id, record.message_ts)
    if message is None:
        raise _Reject(404, "message_not_found")
    message.deleted = True


def _replace_source(
    emu: SlackEmulator, record: ResponseUrl, text: str, blocks: list[JsonDict] | None
) -> None:
    ws = emu.workspace
    assert record.message_ts is not None
    source: Message | Ephemeral | None
    if record.is_ephemeral:
        source = ws.find_ephemeral(record.user_id, record.message_ts)
    else:
        source = ws.find_message(record.channel_id, record.message_ts)
    if source is None:
        raise _Reject(404, "message_not_found")
    source.text, source.blocks = text, blocks


def _post_new(
    emu: SlackEmulator,
    record: ResponseUrl,
    body: JsonDict,
    text: str,
    blocks: list[JsonDict] | None,
) -> None:
    ws = emu.workspace
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
    ws.ephemerals.append(
        Ephemeral(
            message_ts=ws.next_ts(),
            channel=record.channel_id,
            user=record.user_id,
            text=text,
            blocks=blocks,
            thread_ts=str(thread_ts) if thread_ts else None,
            via="response_url",
        )
    )


def _apply(emu: SlackEmulator, record: ResponseUrl, body: JsonDict) -> None:
    if as_bool(body.get("delete_original")):
        content = _content(emu, body) if _has_payload(body) else None
        if record.message_ts is not None:
            _delete_source(emu, record)
        if content is not None:
            _post_new(emu, record, body, *content)
        return
    text, blocks = _content(emu, body)
    if _replaces(record, body):
        _replace_source(emu, record, text, blocks)
    else:
        _post_new(emu, record, body, text, blocks)


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
