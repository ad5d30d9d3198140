"""HTTP side of the Web API: argument merging, auth, faults, rate limits, dispatch, uploads."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import api_chat, api_conversations, api_files, api_functions, api_views
from .common import Args, JsonDict, SlackFailure
from .models import RecordedCall
from .scopes import check_scope
from .tokens import BotGrant

if TYPE_CHECKING:
    from .server import SlackEmulator

Handler = Callable[["SlackEmulator", Args], JsonDict]


def _deprecated(emu: SlackEmulator, args: Args) -> JsonDict:
    raise SlackFailure("method_deprecated")


HANDLERS: dict[str, Handler] = {
    **api_chat.HANDLERS,
    **api_conversations.HANDLERS,
    **api_views.HANDLERS,
    **api_files.HANDLERS,
    **api_functions.HANDLERS,
    "files.upload": _deprecated,
}
APP_TOKEN_METHODS = {"apps.connections.open"}
JSON_ARGS = ("blocks", "attachments", "view", "metadata", "files", "outputs")


async def read_args(request: web.Request) -> Args:
    """Merge query string, form body and JSON body into one argument dict."""
    args: Args = dict(request.query)
    # body_exists, not can_read_body: SlackCloud reads the body before the workspace does (aiohttp
    # keeps it), and can_read_body is False once it has been read.
    if request.method != "POST" or not request.body_exists:
        return args
    ctype = request.content_type
    if ctype == "application/json":
        raw = await request.read()
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            raise SlackFailure("invalid_json") from None
        if not isinstance(data, dict):
            raise SlackFailure("json_not_object")
        args.update(data)
    elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    else:
        await request.read()
    return args


def bearer_token(request: web.Request, args: Args) -> str | None:
    """The token from `Authorization: Bearer …`, else a `token` argument.

    Like Slack, a token inside a JSON body is not accepted (only header, query or form).
    """
    header = request.headers.get("Authorization", "")
    token_arg = args.pop("token", None)
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    if request.content_type == "application/json":
        token_arg = request.query.get("token")
    return str(token_arg) if token_arg else None


def normalized(args: Args) -> Args:
    """A copy of the arguments with JSON-string arguments decoded (for recording)."""
    out = copy.deepcopy(args)
    for key in JSON_ARGS:
        value = out.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                out[key] = json.loads(value)
            except ValueError:
                continue
    return out


def _check_auth(emu: SlackEmulator, method: str, token: str | None) -> BotGrant | None:
    """The bot grant behind a call (None for the app token or a step's token), or the failure."""
    if not token:
        raise SlackFailure("not_authed")
    if method in APP_TOKEN_METHODS:
        if token == emu.app_token:
            return None
        if emu.tokens.get(token) is not None:
            raise SlackFailure("not_allowed_token_type")
        raise SlackFailure("invalid_auth")
    grant = emu.tokens.check(token, emu.now())  # token_revoked / token_expired
    if grant is not None:
        return grant
    if emu.functions.token_valid(token, emu.now()):
        return None  # a step's bot_access_token acts as the bot while its execution lasts
    if token == emu.app_token:
        raise SlackFailure("not_allowed_token_type")
    raise SlackFailure("invalid_auth")


def _rate_key(method: str, args: Args) -> str | None:
    channel = args.get("channel")
    return str(channel) if channel else None


def _message_key(args: Args) -> str | None:
    ts = args.get("ts")
    return str(ts) if ts else None


def dispatch(
    emu: SlackEmulator, method: str, args: Args, token: str | None, http_method: str
) -> tuple[int, JsonDict, dict[str, str]]:
    """Run one API call: injected fault, unknown method, auth, rate limit, handler."""
    fault = emu.faults.take(method)
    if fault is not None:
        if fault.status == 429:
            emu.rate_limiter.throttled += 1
            retry_after = str(max(1, fault.retry_after or 1))
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": retry_after}
        error = fault.error or ("internal_error" if fault.status >= 500 else "fatal_error")
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
        return fault.status, {"ok": False, "error": error}, headers
    handler = HANDLERS.get(method)
    if handler is None:
        return 200, {"ok": False, "error": "unknown_method", "req_method": method}, {}
    try:
        grant = _check_auth(emu, method, token)
        if method in APP_TOKEN_METHODS and http_method != "POST":
            raise SlackFailure("insecure_request")
        check_scope(emu, method, args)
        if method in api_functions.HANDLERS:
            api_functions.check_actor(emu, args, token)
        wait = emu.rate_limiter.check(
            method, _rate_key(method, args), emu.now(), _message_key(args)
        )
        if wait is not None:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
        if method == "auth.test":
            return 200, api_files.auth_test(emu, args, grant), {}
        return 200, handler(emu, args), {}
    except SlackFailure as failure:
        return failure.status, failure.body(), {}


async def handle_api(emu: SlackEmulator, request: web.Request) -> web.Response:
    """Route handler for GET|POST /api/<method>."""
    method = request.match_info["method"]
    delay = emu.faults.delays.get(method)
    if delay:
        await asyncio.sleep(delay)  # deliberate: emulates a slow Slack for timeout tests
    args: Args = dict(request.query)
    try:
        args = await read_args(request)
        token = bearer_token(request, args)
        status, body, headers = dispatch(emu, method, args, token, request.method)
    except SlackFailure as failure:
        status, body, headers = failure.status, failure.body(), {}
    args.pop("token", None)
    dropped = emu.faults.take_drop(method)
    emu.calls.append(RecordedCall(method, normalized(args), status, body, emu.now(), dropped))
    await emu.notify()
    if dropped and request.transport is not None:
        # The work is done; now lose the answer: no status line, no body, the connection closes.
        request.transport.abort()
    return web.json_response(body, status=status, headers=headers)


async def handle_upload(emu: SlackEmulator, request: web.Request) -> web.Response:
    """POST /upload/<file_id>: the raw bytes of a files.getUploadURLExternal upload."""
    record = emu.workspace.files.get(request.match_info["file_id"])
    data = await request.read()
    if record is None:
        return web.Response(status=404, text="file not found", content_type="text/plain")
    if len(data) != record.length:
        text = f"length mismatch: expected {record.length}, got {len(data)}"
        return web.Response(status=400, text=text, content_type="text/plain")
    record.content = data
    await emu.notify()
    return web.Response(text=f"OK - {len(data)}", content_type="text/plain")


def handler_names() -> list[str]:
    """Every implemented Web API method."""
    return sorted(HANDLERS)


def route(emu: SlackEmulator, fn: Any) -> Callable[[web.Request], Any]:
    """Bind a module-level route handler to an emulator instance."""

    async def bound(request: web.Request) -> web.StreamResponse:
        result: web.StreamResponse = await fn(emu, request)
        return result

    return bound
