"""Bolt's Socket Mode handler, instrumented like the HTTP endpoint: request ids and metrics."""

from __future__ import annotations

import time

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.logs import request_scope
from bot.metrics import Metrics
from bot.slack.requests import request_id, request_kind


class InstrumentedSocketModeHandler(AsyncSocketModeHandler):
    """Times each envelope from its hand-over by the socket client to the ack frame sent."""

    def __init__(self, app: AsyncApp, app_token: str, metrics: Metrics) -> None:
        super().__init__(app, app_token)
        self.metrics = metrics

    async def handle(  # type: ignore[override]  # Bolt only ever passes its aiohttp client
        self, client: SocketModeClient, req: SocketModeRequest
    ) -> None:
        started = time.perf_counter()
        body = req.payload if isinstance(req.payload, dict) else {}
        with request_scope(request_id(body)):
            response: BoltResponse = await run_async_bolt_app(self.app, req)
            await send_async_response(client, req, response, time.time())
        self.metrics.observe_request(
            request_kind(body), response.status, time.perf_counter() - started
        )
