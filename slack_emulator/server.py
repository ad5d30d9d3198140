"""SlackEmulator: the strict local Slack (Web API, response_url, uploads, Socket Mode)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from aiohttp import web

from .api_functions import FunctionExecutions
from .blockkit import MAX_MESSAGE_MARKDOWN_CHARS
from .clock import OffsetClock, WorldClock
from .common import JsonDict, string_leaves
from .controls import TrafficControls
from .http_api import handle_api, handle_upload, route
from .models import RecordedCall, ResponseUrlPost
from .ratelimit import FaultPlan, RateLimiter
from .response_url import handle_response_url
from .scopes import ALL_SCOPES
from .socket_mode import SocketHub
from .state import SLACKBOT_ID, Identity, Workspace
from .tokens import BotTokens
from .workspace_access import WorkspaceAccess

if TYPE_CHECKING:
    from .driver import SlackClientDriver

T = TypeVar("T")


class SlackEmulator(TrafficControls, WorkspaceAccess):
    """A strict local Slack served by aiohttp on 127.0.0.1, port chosen by the OS."""

    def __init__(
        self,
        signing_secret: str = "emulator-signing-secret",
        bot_token: str | None = "xoxb-test",
        app_token: str = "xapp-test",
        team_id: str = "T0WISH",
        bot_user_id: str = "UBOT",
        *,
        team_domain: str = "wishbot-test",
        bot_id: str = "B0WISHBOT",
        app_id: str = "A0WISHBOT",
        bot_name: str = "wishbot",
        host: str = "127.0.0.1",
        clock: WorldClock | None = None,
        scopes: Iterable[str] | None = None,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        team_name: str | None = None,
    ) -> None:
        self.signing_secret = signing_secret
        # The token given here works for ever; a SlackCloud adds (and revokes) OAuth tokens, and
        # a workspace it creates starts with none ("" here): the app is not installed there yet.
        self.bot_token: str = bot_token or ""
        self.tokens = BotTokens(bot_token)
        self.team_name = team_name or team_domain
        # Enterprise Grid: the organization this workspace belongs to, and whether the app's
        # installation is org-wide (what payloads and auth.test then say).
        self.enterprise_id = enterprise_id
        self.enterprise_name = enterprise_name or enterprise_id
        self.enterprise_install = False
        self.app_token = app_token
        self.host = host
        self.workspace = Workspace(
            Identity(team_id, team_domain, bot_user_id, bot_id, app_id, bot_name),
            clock=clock if clock is not None else OffsetClock(),
        )
        bot = self.workspace.add_user(bot_user_id, bot_name, is_bot=True, tz="UTC")
        bot.bot_id = bot_id
        self.workspace.add_user(SLACKBOT_ID, "slackbot", real_name="Slackbot", tz="UTC")
        self.rate_limiter = RateLimiter.with_slack_defaults()
        self.faults = FaultPlan()
        self.trigger_ttl = 3.0
        # features.app_home.home_tab_enabled of the app: views.publish fails with not_enabled
        # while it is off.
        self.home_tab_enabled = True
        self.response_url_ttl = 1800.0
        self.response_url_max_uses = 5
        self.max_message_markdown_chars = MAX_MESSAGE_MARKDOWN_CHARS
        self.scopes: set[str] = set(ALL_SCOPES if scopes is None else scopes)
        self.calls: list[RecordedCall] = []
        self.response_url_posts: list[ResponseUrlPost] = []
        self.ack_bodies: list[JsonDict] = []
        self.functions = FunctionExecutions()
        self.socket = SocketHub(
            app_id=app_id, notify=self.notify, clock=self.workspace.now_datetime
        )
        # Counts notify() calls: a page showing the workspace reloads when it has moved on.
        self.revision = 0
        self._cond = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._drivers: list[SlackClientDriver] = []
        self.port = 0

    # ---- identity ---------------------------------------------------------------------
    @property
    def team_id(self) -> str:
        """The workspace id."""
        return self.workspace.ident.team_id

    @property
    def bot_user_id(self) -> str:
        """The bot user's id (U…)."""
        return self.workspace.ident.bot_user_id

    @property
    def bot_id(self) -> str:
        """The bot id (B…)."""
        return self.workspace.ident.bot_id

    @property
    def app_id(self) -> str:
        """The app id (A…)."""
        return self.workspace.ident.app_id

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/` once started."""
        if not self.port:
            raise RuntimeError("SlackEmulator is not started")
        return f"http://{self.host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """The Web API base URL for `AsyncWebClient(base_url=...)`."""
        return self.base_url + "api/"

    # ---- lifecycle --------------------------------------------------------------------
    async def start(self) -> None:
        """Serve on 127.0.0.1:0."""
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/api/{method}", route(self, handle_api))
        app.router.add_route("*", "/response/{url_id:.+}", route(self, handle_response_url))
        app.router.add_post("/upload/{file_id}", route(self, handle_upload))
        app.router.add_get("/link", self.socket.handle)
        app.router.add_get("/link/", self.socket.handle)
        app.router.add_get("/health", self._health)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Close drivers and websockets, then the server."""
        for driver in list(self._drivers):
            await driver.close()
        await self.socket.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    # ---- time, triggers, response urls ---------------------------------------------------
    @property
    def clock(self) -> WorldClock:
        """The clock behind every time the emulator shows or uses (shared with the app)."""
        return self.workspace.clock

    def now(self) -> float:
        """The emulator clock in Unix epoch seconds."""
        return self.workspace.now()

    def advance_time(self, seconds: float) -> None:
        """Move the clock forward (`clock.advance`): ts values, expiries and rate windows follow."""
        self.workspace.clock.advance(timedelta(seconds=seconds))

    def issue_trigger(self, user_id: str) -> str:
        """A fresh trigger_id for `user_id` (valid `trigger_ttl` seconds, once)."""
        return self.workspace.issue_trigger(user_id)

    def issue_response_url(
        self,
        channel_id: str,
        user_id: str,
        message_ts: str | None = None,
        *,
        is_ephemeral: bool = False,
    ) -> str:
        """A response_url for an interaction in `channel_id` by `user_id`."""
        record = self.workspace.issue_response_url(
            self.base_url, channel_id, user_id, message_ts, is_ephemeral=is_ephemeral
        )
        return record.url

    # ---- recording --------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[RecordedCall]:
        """Recorded calls of one method."""
        return [c for c in self.calls if c.method == method]

    def clear_calls(self) -> None:
        """Forget recorded calls, response_url posts and ack bodies."""
        self.calls.clear()
        self.response_url_posts.clear()
        self.ack_bodies.clear()

    def all_recorded_text(self) -> str:
        """Every string sent to Slack (API args, response_url bodies, acks, uploads)."""
        parts: list[str] = []
        for call in self.calls:
            parts.extend(string_leaves(call.args))
        for post in self.response_url_posts:
            parts.extend(string_leaves(post.body))
        for body in self.ack_bodies:
            parts.extend(string_leaves(body))
        parts.extend(f.text for f in self.workspace.files.values() if f.content is not None)
        return "\n".join(parts)

    async def notify(self) -> None:
        """Wake every wait_for (called after each call and state change)."""
        self.revision += 1
        async with self._cond:
            self._cond.notify_all()

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109
        message: str = "",
    ) -> T:
        """Wait until predicate() is truthy (re-checked on every change); returns its value."""
        try:
            async with asyncio.timeout(timeout), self._cond:
                return await self._cond.wait_for(predicate)
        except TimeoutError:
            recent = ", ".join(f"{c.method}={'ok' if c.ok else c.error}" for c in self.calls[-12:])
            raise AssertionError(
                f"condition not met within {timeout}s{': ' + message if message else ''}; "
                f"recent calls: [{recent}]"
            ) from None

    async def wait_for_call(
        self,
        method: str,
        where: Callable[[RecordedCall], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        since: int = 0,
    ) -> RecordedCall:
        """Wait for a recorded call of `method` (at index ≥ since) matching `where`."""

        def find() -> RecordedCall | None:
            for call in self.calls[since:]:
                if call.method == method and (where is None or where(call)):
                    return call
            return None

        found = await self.wait_for(find, timeout, f"a call to {method}")
        assert found is not None
        return found

    # ---- socket mode and driver --------------------------------------------------------------
    @property
    def socket_connections(self) -> int:
        """Live Socket Mode connections."""
        return len(self.socket.live())

    async def wait_socket_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until a Socket Mode client is connected and takes envelopes."""
        await self.wait_for(lambda: self.socket.live(), timeout, "a Socket Mode connection")

    async def send_disconnect(self, reason: str = "refresh_requested") -> int:
        """Send a disconnect frame to the live connections (they are then drained)."""
        return await self.socket.send_disconnect(reason)

    def driver(
        self,
        mode: Literal["http", "socket"] = "http",
        request_url: str | None = None,
        **kwargs: Any,
    ) -> SlackClientDriver:
        """A SlackClientDriver that delivers to the app over HTTP or Socket Mode."""
        from .driver import SlackClientDriver

        driver = SlackClientDriver(self, mode=mode, request_url=request_url, **kwargs)
        self._drivers.append(driver)
        return driver

    def forget_driver(self, driver: SlackClientDriver) -> None:
        """Called by a driver when it closes."""
        if driver in self._drivers:
            self._drivers.remove(driver)
