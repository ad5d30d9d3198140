"""The HTTP side: POST /slack/events (HTTP mode only), GET /healthz and GET /metrics, and with many
workspaces the "Add to Slack" pages: GET /slack/install and the OAuth redirect."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow

from bot.logs import request_scope
from bot.metrics import Metrics
from bot.services.ports.workspaces import in_workspace
from bot.slack.requests import request_id, request_kind
from bot.storage.repository import Repository

logger = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"
# A load balancer probes often; an answer later than this means the database is out of reach.
HEALTH_TIMEOUT_SECONDS = 2.0
# What the endpoint learnt about a request, for the middleware that times it.
REQUEST_KIND = web.RequestKey("wishbot_request_kind", str)


def web_application(
    repo: Repository,
    metrics: Metrics,
    bolt: AsyncApp | None,
    warmed_up: Callable[[], bool] = lambda: True,
    oauth: AsyncOAuthFlow | None = None,
) -> web.Application:
    """Health and metrics always; Slack's endpoint only when a Bolt app serves HTTP (in Socket
    Mode it must not exist: requests are not signature-checked there). /healthz says whether the
    bot has learnt the workspace's people yet ("warm")."""

    async def healthz(_request: web.Request) -> web.StreamResponse:
        try:
            # A database that does not answer is as unhealthy as one that refuses.
            state = await asyncio.wait_for(repo.health(), HEALTH_TIMEOUT_SECONDS)
        except Exception as error:
            logger.warning("health check failed: %s", error)
            return web.json_response({"status": "unavailable"}, status=503)
        return web.json_response({"status": "ok", "warm": warmed_up(), **state})

    async def metrics_text(_request: web.Request) -> web.StreamResponse:
        body = await metrics.render(repo.health)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    application = web.Application(middlewares=[_timing(metrics)])
    application.router.add_get("/healthz", healthz)
    application.router.add_get("/metrics", metrics_text)
    if bolt is not None:
        application.router.add_post(SLACK_EVENTS_PATH, _slack_events(bolt))
    if oauth is not None:
        # Served in Socket Mode too: installing is always a browser coming over HTTP.
        application.router.add_get(oauth.install_path, _install_page(oauth))
        application.router.add_get(oauth.redirect_uri_path, _oauth_redirect(oauth))
    return application


def _install_page(oauth: AsyncOAuthFlow) -> Handler:
    async def install_page(request: web.Request) -> web.StreamResponse:
        return await to_aiohttp_response(
            await oauth.handle_installation(await to_bolt_request(request))
        )

    return install_page


def _oauth_redirect(oauth: AsyncOAuthFlow) -> Handler:
    async def oauth_redirect(request: web.Request) -> web.StreamResponse:
        # A wrong, expired or reused state is refused here by Bolt, before any code is spent.
        return await to_aiohttp_response(
            await oauth.handle_callback(await to_bolt_request(request))
        )

    return oauth_redirect


def _slack_events(bolt: AsyncApp) -> Handler:
    async def slack_events(request: web.Request) -> web.StreamResponse:
        bolt_request = await to_bolt_request(request)
        body = bolt_request.body
        request[REQUEST_KIND] = request_kind(body)
        # Bolt answers at the ack; the listener's work after it runs in a task that inherits
        # the request id, so its log lines carry it too.
        # No workspace but the one the request names (Bolt middleware sets it) may carry over
        # from an earlier request served by the same task.
        with request_scope(request_id(body)), in_workspace(None):
            bolt_response = await bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    return slack_events


def _timing(metrics: Metrics) -> Middleware:
    """Counts each Slack request by kind and outcome and times it from arrival to the response."""

    @web.middleware
    async def timing(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path != SLACK_EVENTS_PATH or request.method != "POST":
            return await handler(request)
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as error:
            status = error.status
            raise
        finally:
            kind = request.get(REQUEST_KIND, "other")
            metrics.observe_request(kind, status, time.perf_counter() - started)

    return timing
