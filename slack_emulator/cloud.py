"""SlackCloud: one app, several workspaces (each a SlackEmulator), one Web API, Slack's OAuth."""

from __future__ import annotations

import base64
import binascii
import html
from collections.abc import Sequence
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING

from aiohttp import web

from .acks import AckReply
from .clock import OffsetClock, WorldClock, epoch_seconds
from .common import Args, JsonDict, SlackFailure
from .http_api import bearer_token, handle_api, normalized, read_args
from .models import RecordedCall
from .oauth import AUTHORIZE_PATH, Installation, OAuthPageError, OAuthServer, redacted
from .server import SlackEmulator
from .socket_mode import SocketHub

if TYPE_CHECKING:
    from .driver import SlackClientDriver

OAUTH_METHODS = {"oauth.v2.access"}


class SlackCloud:
    """One Slack app (client id and secret, signing secret, app id) and the workspaces it can be
    installed in. Every workspace is a SlackEmulator on its own port, sharing the app's signing
    secret, app id, Socket Mode connections and one clock; `api_url` serves them all and picks the
    workspace by the calling token, as slack.com/api does."""

    def __init__(
        self,
        *,
        client_id: str = "1234567890.1234567890",
        client_secret: str = "emulator-client-secret",
        signing_secret: str = "emulator-signing-secret",
        app_id: str = "A0WISHBOT",
        app_token: str = "xapp-test",
        redirect_urls: Sequence[str] = (),
        token_rotation: bool = False,
        token_lifetime: float = 43200.0,
        clock: WorldClock | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.client_id = client_id
        self.signing_secret = signing_secret
        self.app_id = app_id
        self.app_token = app_token
        self.clock: WorldClock = clock if clock is not None else OffsetClock()
        self.host = host
        self.workspaces: dict[str, SlackEmulator] = {}
        self.oauth = OAuthServer(
            client_id=client_id,
            client_secret=client_secret,
            app_id=app_id,
            workspaces=self.workspaces,
            now=self.now,
            redirect_urls=tuple(redirect_urls),
            token_rotation=token_rotation,
            token_lifetime=token_lifetime,
        )
        # Calls the cloud answered itself: oauth.v2.access (secrets redacted) and calls whose
        # token belongs to no workspace.
        self.calls: list[RecordedCall] = []
        # The app's Socket Mode connections carry every workspace's deliveries.
        self.socket = SocketHub(app_id=app_id, notify=self._notify_all, clock=self.clock.now)
        self._runner: web.AppRunner | None = None
        self._started = False
        self.port = 0

    def __repr__(self) -> str:
        return f"SlackCloud(client_id={self.client_id!r}, workspaces={sorted(self.workspaces)})"

    # ---- workspaces ------------------------------------------------------------------------
    def add_workspace(
        self,
        team_id: str,
        *,
        team_domain: str,
        bot_user_id: str,
        bot_id: str | None = None,
        team_name: str | None = None,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
    ) -> SlackEmulator:
        """A workspace where the app is not installed yet (no bot token works there)."""
        if self._started:
            raise RuntimeError("add workspaces before SlackCloud.start()")
        if team_id in self.workspaces:
            raise ValueError(f"workspace {team_id} exists")
        ws = SlackEmulator(
            signing_secret=self.signing_secret,
            bot_token=None,
            app_token=self.app_token,
            team_id=team_id,
            bot_user_id=bot_user_id,
            team_domain=team_domain,
            bot_id=bot_id or f"B{team_id}",
            app_id=self.app_id,
            host=self.host,
            clock=self.clock,
            scopes=(),  # granted by installing
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
            team_name=team_name,
        )
        ws.socket = self.socket
        self.workspaces[team_id] = ws
        return ws

    @property
    def redirect_urls(self) -> tuple[str, ...]:
        """The app's configured Redirect URLs (App Management, OAuth & Permissions)."""
        return self.oauth.redirect_urls

    @redirect_urls.setter
    def redirect_urls(self, urls: Sequence[str]) -> None:
        self.oauth.redirect_urls = tuple(urls)

    def now(self) -> float:
        """The shared clock in Unix epoch seconds."""
        return epoch_seconds(self.clock)

    def advance_time(self, seconds: float) -> None:
        """Move the shared clock: token and code expiries, rate windows and ts values follow."""
        self.clock.advance(timedelta(seconds=seconds))

    async def _notify_all(self) -> None:
        for ws in self.workspaces.values():
            await ws.notify()

    # ---- lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/` of the front (Web API and OAuth pages) once started."""
        if not self.port:
            raise RuntimeError("SlackCloud is not started")
        return f"http://{self.host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """The one Web API base URL for every workspace (`AsyncWebClient(base_url=...)`)."""
        return self.base_url + "api/"

    @property
    def authorize_url(self) -> str:
        """The "Add to Slack" target (`AsyncOAuthSettings(authorization_url=...)`)."""
        return self.base_url + AUTHORIZE_PATH.lstrip("/")

    async def start(self) -> None:
        """Start every workspace, then the front on 127.0.0.1:0."""
        for ws in self.workspaces.values():
            await ws.start()
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/api/{method}", self._front)
        app.router.add_get(AUTHORIZE_PATH, self._authorize_page)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        self.port = int(self._runner.addresses[0][1])
        self._started = True

    async def stop(self) -> None:
        """Stop the workspaces (their drivers and websockets), then the front."""
        for ws in self.workspaces.values():
            await ws.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackCloud:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ---- the front Web API ---------------------------------------------------------------------
    def workspace_for(self, token: str, args: Args) -> SlackEmulator | None:
        """The workspace a token's call goes to, or None for a token no workspace issued."""
        installation = self.oauth.by_token.get(token)
        if installation is not None:
            return self._pick(installation, args)
        if token == self.app_token:
            return next(iter(self.workspaces.values()), None)
        for ws in self.workspaces.values():
            if ws.tokens.get(token) is not None or any(
                e.bot_access_token == token for e in ws.functions.by_id.values()
            ):
                return ws
        return None

    def _pick(self, installation: Installation, args: Args) -> SlackEmulator:
        """An org-wide token reaches several workspaces: the one named by `team_id`, else the one
        holding the channel or user the call names, else the first."""
        reached = [self.workspaces[t] for t in installation.team_ids]
        team_id = args.get("team_id")
        channel = str(args.get("channel") or args.get("channel_id") or "")
        user = str(args.get("user") or args.get("users") or args.get("user_id") or "")
        for ws in reached:
            if team_id == ws.team_id:
                return ws
        for ws in reached:
            if channel in ws.workspace.channels or user.split(",")[0] in ws.workspace.users:
                return ws
        return reached[0]

    async def _front(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if method in OAUTH_METHODS:
            return await self._oauth_access(request)
        try:
            args = await read_args(request)
        except SlackFailure as failure:
            return web.json_response(failure.body(), status=failure.status)
        token = bearer_token(request, args)
        ws = self.workspace_for(token, args) if token else None
        if ws is None:
            body = {"ok": False, "error": "invalid_auth" if token else "not_authed"}
            self.calls.append(RecordedCall(method, normalized(args), 200, body, self.now()))
            return web.json_response(body)
        # The workspace's own handler: its faults, scopes, rate limits and recorded calls apply.
        return await handle_api(ws, request)

    # ---- OAuth -----------------------------------------------------------------------------------
    async def _authorize_page(self, request: web.Request) -> web.Response:
        """GET /oauth/v2/authorize: Slack's consent page, or its error page."""
        try:
            asked = self.oauth.parse_authorize(request.query)
        except OAuthPageError as refused:
            page = f"<h1>Something went wrong</h1><p>{html.escape(refused.error)}</p>"
            return web.Response(status=400, text=_page(page), content_type="text/html")
        scopes = "".join(f"<li>{html.escape(s)}</li>" for s in asked.scopes)
        body = (
            f"<h1>App {html.escape(self.app_id)} is requesting permission to access "
            f"your Slack workspace</h1><ul>{scopes}</ul>"
            "<button>Allow</button><button>Cancel</button>"
        )
        return web.Response(text=_page(body), content_type="text/html")

    async def approve(
        self, url: str, *, team_id: str, user_id: str, enterprise_install: bool = False
    ) -> str:
        """A person of `team_id` clicks Allow on the consent page of `url` (an "Add to Slack"
        URL): the URL Slack sends the browser to, `redirect_uri?code=…&state=…`. Slack's error
        page instead (bad client_id, scope or redirect_uri) raises OAuthPageError."""
        return self.oauth.approve(
            url, team_id=team_id, user_id=user_id, enterprise_install=enterprise_install
        )

    async def deny(self, url: str) -> str:
        """The person clicks Cancel: `redirect_uri?error=access_denied&state=…`."""
        return self.oauth.deny(url)

    async def _oauth_access(self, request: web.Request) -> web.Response:
        args: Args = {}
        try:
            args = await read_args(request)
            body = self.oauth.access(args, _basic_credentials(request))
        except SlackFailure as failure:
            body = failure.body()
        recorded = redacted({k: v for k, v in args.items() if k != "token"})
        self.calls.append(
            RecordedCall("oauth.v2.access", recorded, 200, redacted(body), self.now())
        )
        return web.json_response(body)

    def install_now(
        self,
        team_id: str,
        *,
        user_id: str,
        scopes: Sequence[str],
        enterprise_install: bool = False,
    ) -> JsonDict:
        """Install the app as approve() plus oauth.v2.access would, in one step and without HTTP
        (for seeding many workspaces, e.g. a benchmark): the oauth.v2.access body, tokens included.
        Not recorded in `calls`."""
        return self.oauth.install_now(
            team_id, user_id=user_id, scopes=scopes, enterprise_install=enterprise_install
        )

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Calls the cloud answered itself, of one method."""
        return [c for c in self.calls if c.method == method]

    def installation(
        self, team_id: str | None = None, *, enterprise_id: str | None = None
    ) -> Installation | None:
        """The live installation serving a workspace (or, with only enterprise_id, org-wide)."""
        return self.oauth.installation_for(team_id, enterprise_id)

    def refreshes(self, team_id: str | None = None, *, enterprise_id: str | None = None) -> int:
        """How often the installation serving a workspace (or org-wide) was refreshed."""
        found = self.installation(team_id, enterprise_id=enterprise_id)
        return 0 if found is None else found.refreshes

    # ---- uninstall -------------------------------------------------------------------------------
    async def uninstall(
        self,
        team_id: str | None = None,
        bot_url: str | None = None,
        *,
        enterprise_id: str | None = None,
        driver: SlackClientDriver | None = None,
    ) -> list[AckReply]:
        """A workspace (or, with only enterprise_id, the organization) removes the app: its tokens
        are revoked and Slack sends `tokens_revoked` then `app_uninstalled`, signed, to the app,
        through `driver` (HTTP or Socket Mode) or to `bot_url` over HTTP. Returns the two acks."""
        installation = self.installation(team_id, enterprise_id=enterprise_id)
        if installation is None:
            raise ValueError(f"the app is not installed in {team_id or enterprise_id}")
        ws = self.workspaces[team_id or installation.team_ids[0]]
        if driver is None and bot_url is None:
            raise ValueError("uninstall needs the bot's request URL or a driver")
        own = driver is None
        sender = driver or ws.driver("http", request_url=bot_url)
        # The envelopes still name the installation that is going away (authorizations).
        revoked: JsonDict = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": []}}
        revoked["tokens"]["bot"] = [installation.bot_user_id]
        self.oauth.revoke(installation)
        org_wide = installation.is_enterprise_install
        try:
            ws.enterprise_install = org_wide
            replies = [
                await sender.event(revoked),
                await sender.event({"type": "app_uninstalled"}),
            ]
        finally:
            ws.enterprise_install = False
            if own:
                await sender.close()
        return replies


def _page(body: str) -> str:
    return f"<!doctype html><html><head><title>Slack</title></head><body>{body}</body></html>"


def _basic_credentials(request: web.Request) -> tuple[str, str] | None:
    """client_id and client_secret from `Authorization: Basic …` (slack_sdk sends them so)."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None
