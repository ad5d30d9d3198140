"""Socket Mode server side: /link websocket, hello, envelopes, acks and disconnect frames."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from .common import JsonDict

logger = logging.getLogger(__name__)
_conn_ids = itertools.count(1)


@dataclass
class Connection:
    """One connected Socket Mode client."""

    ws: web.WebSocketResponse
    id: int = field(default_factory=lambda: next(_conn_ids))
    draining: bool = False

    @property
    def live(self) -> bool:
        """Open and eligible for new envelopes."""
        return not self.ws.closed and not self.draining


@dataclass
class SocketHub:
    """Tracks Socket Mode connections and matches acks to envelopes."""

    app_id: str
    notify: Callable[[], Awaitable[None]]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    tickets: set[str] = field(default_factory=set)
    connections: list[Connection] = field(default_factory=list)
    pending: dict[str, asyncio.Future[JsonDict]] = field(default_factory=dict)
    acks: list[JsonDict] = field(default_factory=list)
    envelopes: list[JsonDict] = field(default_factory=list)
    total_connections: int = 0
    rejected_tickets: int = 0

    def live(self) -> list[Connection]:
        """Connections that can take envelopes, oldest first."""
        return [c for c in self.connections if c.live]

    def hello(self) -> JsonDict:
        """The hello frame Slack sends right after a connection opens."""
        return {
            "type": "hello",
            "num_connections": len(self.live()),
            "debug_info": {
                "host": "applink-emulator",
                "started": self.clock().strftime("%Y-%m-%d %H:%M:%S.%f"),
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """GET /link/?ticket=…: accept a single-use ticket and serve the websocket."""
        ticket = request.query.get("ticket", "")
        if ticket not in self.tickets:
            self.rejected_tickets += 1
            return web.json_response({"ok": False, "error": "invalid_ticket"}, status=401)
        self.tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = Connection(ws)
        self.connections.append(conn)
        self.total_connections += 1
        try:
            await ws.send_json(self.hello())
            await self.notify()
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._on_text(str(msg.data))
                elif msg.type == WSMsgType.ERROR:
                    break
        finally:
            self.connections.remove(conn)
            await self.notify()
        return ws

    def _on_text(self, data: str) -> None:
        try:
            frame = json.loads(data)
        except ValueError:
            logger.warning("socket mode client sent a non-JSON frame")
            return
        if not isinstance(frame, dict):
            return
        self.acks.append(frame)
        future = self.pending.get(str(frame.get("envelope_id")))
        if future is not None and not future.done():
            future.set_result(frame)

    async def send_envelope(
        self,
        kind: str,
        payload: JsonDict,
        *,
        accepts_response_payload: bool,
        timeout: float,  # noqa: ASYNC109
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> tuple[JsonDict, JsonDict]:
        """Send one envelope to the newest live connection and wait for its ack.

        Returns (envelope, ack frame); raises TimeoutError when no ack arrives in time.
        """
        live = self.live()
        if not live:
            raise AssertionError("no Socket Mode client is connected to the emulator")
        envelope: JsonDict = {
            "envelope_id": str(uuid.uuid4()),
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason or ""
        future: asyncio.Future[JsonDict] = asyncio.get_running_loop().create_future()
        self.pending[envelope["envelope_id"]] = future
        self.envelopes.append(envelope)
        try:
            await live[-1].ws.send_str(json.dumps(envelope))
            async with asyncio.timeout(timeout):
                ack = await future
        finally:
            self.pending.pop(envelope["envelope_id"], None)
        return envelope, ack

    async def send_disconnect(self, reason: str = "refresh_requested") -> int:
        """Send a disconnect frame to every live connection; they take no new envelopes."""
        frame: dict[str, Any] = {
            "type": "disconnect",
            "reason": reason,
            "debug_info": {"host": "applink-emulator"},
        }
        sent = 0
        for conn in self.live():
            conn.draining = True
            with contextlib.suppress(ConnectionError, RuntimeError):
                await conn.ws.send_json(frame)
                sent += 1
        await self.notify()
        return sent

    async def close_all(self) -> None:
        """Close every websocket (server shutdown)."""
        for conn in list(self.connections):
            conn.draining = True
            with contextlib.suppress(ConnectionError, RuntimeError):
                await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
        for future in self.pending.values():
            if not future.done():
                future.cancel()
