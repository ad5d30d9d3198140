"""Slack's Web API with Slack's rules applied once: rate limits, retries, pagination.

A 429 pauses every later call of the same method in the same workspace until its Retry-After has
passed (Slack's limits are per method and per workspace), then the call is repeated: Slack did
not carry it out. A timeout, a lost
connection or a server error is different: the call may have been carried out. Calls that change
nothing (or change it to the same result when repeated) are repeated with backoff; any other
raises OutcomeUnknown, and its caller decides."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.services.ports import Clock, OutcomeUnknown, SlackError

logger = logging.getLogger(__name__)

MAX_RATE_LIMIT_WAITS = 20
MAX_FAULT_RETRIES = 4
BACKOFF_BASE_SECONDS = 0.25
PAGE_SIZE = 1000

# Methods that change nothing, or change it to the same result when repeated.
IDEMPOTENT: Final = frozenset(
    {
        "auth.test",
        "chat.update",
        "chat.delete",
        "chat.getPermalink",
        "conversations.history",
        "conversations.info",
        "conversations.join",
        "conversations.members",
        "conversations.open",
        "conversations.replies",
        "usergroups.list",
        "usergroups.users.list",
        "users.info",
        "users.list",
        "views.update",
        "views.publish",
    }
)

# Slack refused the token itself: a rotated token past its expiry, or one revoked when the
# workspace installed the app again (another replica may hold the fresh one already).
TOKEN_REFUSALS: Final = frozenset({"token_expired", "token_revoked", "invalid_auth"})

ErrorTypes = Mapping[str, type[SlackError]]
CallObserver = Callable[[str, str], None]


def build_client(
    token: str | None, base_url: str, timeout: int, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """A Web API client that never repeats a call on its own: slack_sdk's default connection
    retry would post a message twice when only the answer was lost; WebApi decides. Given a
    session, every call reuses its connections (without one, slack_sdk opens a connection, and
    against slack.com a TLS handshake, per call)."""
    return AsyncWebClient(
        token=token, base_url=base_url, timeout=timeout, retry_handlers=[], session=session
    )


@dataclass(eq=False)
class WorkspaceClient:
    """One workspace's client (with its token) and its rate-limit pauses."""

    client: AsyncWebClient
    paused_until: dict[str, datetime] = field(default_factory=dict)


class ClientSource(Protocol):
    """The client of the workspace the running request or job belongs to."""

    async def current(self) -> WorkspaceClient: ...

    async def refused(self, used: WorkspaceClient, code: str) -> bool:
        """Slack refused used's token (code, one of TOKEN_REFUSALS): True when a fresh one is
        in place now."""
        ...


class OneWorkspace:
    """Single-workspace mode: one token, one set of pauses."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.only = WorkspaceClient(client)

    async def current(self) -> WorkspaceClient:
        return self.only

    async def refused(self, used: WorkspaceClient, code: str) -> bool:
        return False


class WebApi:
    """Every call Wishbot makes to Slack goes through call()."""

    def __init__(
        self,
        clients: AsyncWebClient | ClientSource,
        clock: Clock,
        observe: CallObserver | None = None,
    ) -> None:
        self.clients = OneWorkspace(clients) if isinstance(clients, AsyncWebClient) else clients
        self.clock = clock
        self.observe = observe or (lambda method, outcome: None)

    async def workspace(self) -> WorkspaceClient:
        """The running request's or job's workspace client."""
        return await self.clients.current()

    async def call(
        self, method: str, *, errors: ErrorTypes | None = None, **kwargs: Any
    ) -> AsyncSlackResponse:
        """Call a method through the rate-limit and retry rules; a failure raises SlackError
        (or the subclass errors names for Slack's code)."""
        json_body = kwargs.pop("_json", None)
        repeatable = method in IDEMPOTENT
        rate_limit_waits = 0
        faults = 0
        token_refreshed = False
        while True:
            workspace = await self.clients.current()
            await self._wait_if_paused(workspace, method)
            try:
                response = await workspace.client.api_call(method, json=json_body, **kwargs)
            except SlackApiError as error:
                status = error.response.status_code
                if status == 429 and rate_limit_waits < MAX_RATE_LIMIT_WAITS:
                    rate_limit_waits += 1
                    self.observe(method, "ratelimited")
                    self._pause(workspace, method, _retry_after(error.response.headers))
                    continue
                # Refused before it was carried out: safe to repeat once with a fresh token.
                refusal = str(error.response.get("error"))
                if refusal in TOKEN_REFUSALS and not token_refreshed:
                    token_refreshed = True
                    if await self.clients.refused(workspace, refusal):
                        continue
                if status >= 500:
                    self.observe(method, "server_error")
                    if not repeatable:
                        raise OutcomeUnknown(method, f"http_{status}") from None
                    if faults < MAX_FAULT_RETRIES:
                        faults += 1
                        await self.back_off(faults)
                        continue
                code = str(error.response.get("error") or f"http_{status}")
                self.observe(method, code)
                raise (errors or {}).get(code, SlackError)(method, code) from None
            except (TimeoutError, aiohttp.ClientError) as error:
                self.observe(method, "transport_error")
                # Not even connected: the request never reached Slack, so it is safe to repeat.
                unsent = isinstance(error, aiohttp.ClientConnectorError)
                if not (repeatable or unsent):
                    raise OutcomeUnknown(method, type(error).__name__) from None
                if faults < MAX_FAULT_RETRIES:
                    faults += 1
                    await self.back_off(faults)
                    continue
                raise SlackError(method, type(error).__name__) from None
            self.observe(method, "ok")
            return response

    async def _wait_if_paused(self, workspace: WorkspaceClient, method: str) -> None:
        # Another 429 may push the pause further while this call sleeps.
        paused = workspace.paused_until
        while (until := paused.get(method)) is not None and until > self.clock.now():
            await self.clock.sleep_until(until)

    def _pause(self, workspace: WorkspaceClient, method: str, seconds: float) -> None:
        until = self.clock.now() + timedelta(seconds=seconds)
        current = workspace.paused_until.get(method)
        workspace.paused_until[method] = until if current is None else max(current, until)
        logger.info("Slack rate-limited %s: pausing it for %.1f s", method, seconds)

    async def back_off(self, attempt: int) -> None:
        jitter = 0.5 + random.random()
        delay = BACKOFF_BASE_SECONDS * 2 ** (attempt - 1) * jitter
        await self.clock.sleep_until(self.clock.now() + timedelta(seconds=delay))

    async def pages(
        self, method: str, key: str, *, page_size: int = PAGE_SIZE, **params: Any
    ) -> AsyncIterator[list[Any]]:
        cursor = ""
        while True:
            query = {**params, "limit": page_size}
            if cursor:
                query["cursor"] = cursor
            query = {k: ("true" if v is True else v) for k, v in query.items()}
            response = await self.call(method, http_verb="GET", params=query)
            yield response.get(key, [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor", "")
            if not cursor:
                return


def _retry_after(headers: Mapping[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(float(str(raw)), 0.0)
            except (TypeError, ValueError):
                break
    return 1.0
