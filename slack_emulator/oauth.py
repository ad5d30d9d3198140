"""Slack's side of OAuth v2 for SlackCloud: authorize step, codes, installations, oauth.v2.access.

Sources: docs.slack.dev/authentication/installing-with-oauth (authorize query, redirect with code
and state, the code "expires after ten minutes", redirect_uri rules, the oauth.v2.access response),
docs.slack.dev/authentication/using-token-rotation (xoxe. tokens, expires_in 43200, single-use
refresh tokens, the old access token still works until it expires, at most 2 active tokens),
docs.slack.dev/enterprise/organization-ready-apps (org-wide install: team null,
is_enterprise_install true) and the oauth.v2.access method page (its error codes)."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

from .common import Args, JsonDict, SlackFailure, opt_str
from .scopes import KNOWN_SCOPES

if TYPE_CHECKING:
    from .server import SlackEmulator

AUTHORIZE_PATH = "/oauth/v2/authorize"
CODE_TTL = 600.0  # seconds on the emulator clock: "expires after ten minutes"
MAX_ACTIVE_TOKENS = 2  # "we will enforce a limit of 2 active tokens"
REDACTED = "[redacted]"
SECRET_FIELDS = ("client_secret", "code", "refresh_token", "access_token")
_ALNUM = string.ascii_letters + string.digits


class OAuthPageError(Exception):
    """Slack shows its error page instead of sending the browser back (nothing is redirected)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class AuthorizeRequest:
    """What an "Add to Slack" link asked for, checked."""

    scopes: tuple[str, ...]
    state: str | None
    redirect_uri: str | None  # as the link sent it (oauth.v2.access must repeat it)
    target: str  # where the browser goes back to


@dataclass
class AuthCode:
    """A temporary authorization code: single use, for CODE_TTL seconds."""

    code: str = field(repr=False)
    request: AuthorizeRequest
    team_id: str
    user_id: str
    enterprise_install: bool
    issued_at: float
    used: bool = False


@dataclass
class Installation:
    """The app installed in one workspace, or org-wide in a Grid organization (team_id None)."""

    enterprise_id: str | None
    team_id: str | None
    team_ids: tuple[str, ...]  # the workspaces its token reaches
    bot_user_id: str
    scopes: tuple[str, ...]
    user_id: str
    access_tokens: list[str] = field(default_factory=list, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    refreshes: int = 0
    revoked: bool = False

    @property
    def is_enterprise_install(self) -> bool:
        """Org-wide: installed for the whole organization, not one workspace."""
        return self.team_id is None


def _random(length: int, alphabet: str = _ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_bot_token(rotating: bool) -> str:
    """A bot token shaped like Slack's: xoxb-… (long-lived) or xoxe.xoxb-1-… (expiring)."""
    if rotating:
        return f"xoxe.xoxb-1-{_random(48)}"
    return f"xoxb-{_random(12, string.digits)}-{_random(13, string.digits)}-{_random(24)}"


def redacted(values: Mapping[str, object]) -> JsonDict:
    """A copy with client secrets, codes and tokens replaced, for recording."""
    return {k: (REDACTED if k in SECRET_FIELDS and v else v) for k, v in values.items()}


def with_query(url: str, **params: str | None) -> str:
    """`url` with the given (non-None) query parameters appended."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _under(uri: str, base: str) -> bool:
    """Slack's redirect rule: same scheme, host and port, and the same path or one below it."""
    got, allowed = urlsplit(uri), urlsplit(base)
    if (got.scheme, got.netloc) != (allowed.scheme, allowed.netloc):
        return False
    root = allowed.path.rstrip("/")
    return got.path.rstrip("/") == root or got.path.startswith(root + "/")


def _scope_list(raw: str | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in (raw or "").split(",") if s.strip())


class OAuthServer:
    """The app's OAuth state on Slack's side: codes, installations and which token is whose."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        app_id: str,
        workspaces: Mapping[str, SlackEmulator],
        now: Callable[[], float],
        redirect_urls: tuple[str, ...] = (),
        token_rotation: bool = False,
        token_lifetime: float = 43200.0,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.app_id = app_id
        self.workspaces = workspaces
        self.now = now
        self.redirect_urls = redirect_urls
        self.token_rotation = token_rotation
        self.token_lifetime = token_lifetime
        self.codes: dict[str, AuthCode] = {}
        self.installations: dict[tuple[str | None, str | None], Installation] = {}
        self.by_token: dict[str, Installation] = {}
        self._by_refresh: dict[str, Installation] = {}

    def __repr__(self) -> str:
        return f"OAuthServer(client_id={self.client_id!r}, {len(self.installations)} installations)"

    # ---- the authorize step ----------------------------------------------------------------
    def parse_authorize(self, query: Mapping[str, str]) -> AuthorizeRequest:
        """Check an authorize query as Slack does before it shows the consent page."""
        if query.get("client_id") != self.client_id:
            raise OAuthPageError("invalid_client_id")
        if query.get("user_scope"):
            raise ValueError("the emulator issues no user tokens: leave user_scope out")
        scopes = _scope_list(query.get("scope"))
        if not scopes or any(s not in KNOWN_SCOPES for s in scopes):
            raise OAuthPageError("invalid_scope")
        sent = query.get("redirect_uri") or None
        return AuthorizeRequest(scopes, query.get("state"), sent, self._redirect_target(sent))

    def _redirect_target(self, sent: str | None) -> str:
        if sent is None:
            if not self.redirect_urls:
                raise OAuthPageError("bad_redirect_uri")
            return self.redirect_urls[0]
        if "#" in sent or urlsplit(sent).scheme not in ("http", "https"):
            raise OAuthPageError("bad_redirect_uri")
        if self.redirect_urls and not any(_under(sent, base) for base in self.redirect_urls):
            raise OAuthPageError("bad_redirect_uri")
        return sent

    def request_of(self, url: str) -> AuthorizeRequest:
        """The checked request behind an "Add to Slack" URL."""
        parts = urlsplit(url)
        if parts.path.rstrip("/") != AUTHORIZE_PATH:
            raise OAuthPageError("oauth_authorization_url_mismatch")
        return self.parse_authorize(dict(parse_qsl(parts.query, keep_blank_values=True)))

    def approve(self, url: str, *, team_id: str, user_id: str, enterprise_install: bool) -> str:
        """A person in `team_id` clicks Allow: the redirect URL with a fresh code and the state."""
        request = self.request_of(url)
        ws = self.workspaces.get(team_id)
        if ws is None:
            raise ValueError(f"no workspace {team_id} in the cloud")
        if user_id not in ws.workspace.users:
            raise ValueError(f"{user_id} is not a user of {team_id}")
        if enterprise_install and ws.enterprise_id is None:
            raise ValueError(f"{team_id} belongs to no Enterprise Grid organization")
        code = f"{_random(12, string.digits)}.{_random(13, string.digits)}.{secrets.token_hex(32)}"
        self.codes[code] = AuthCode(code, request, team_id, user_id, enterprise_install, self.now())
        return with_query(request.target, code=code, state=request.state)

    def deny(self, url: str) -> str:
        """A person clicks Cancel: the redirect URL with error=access_denied and the state."""
        request = self.request_of(url)
        return with_query(request.target, error="access_denied", state=request.state)

    def install_now(
        self, team_id: str, *, user_id: str, scopes: Sequence[str], enterprise_install: bool
    ) -> JsonDict:
        """Approve and exchange in one step, in process: the oauth.v2.access body."""
        target = self.redirect_urls[0] if self.redirect_urls else "https://app.invalid/oauth"
        query = {"client_id": self.client_id, "scope": ",".join(scopes), "redirect_uri": target}
        redirected = self.approve(
            f"{AUTHORIZE_PATH}?{urlencode(query)}",
            team_id=team_id,
            user_id=user_id,
            enterprise_install=enterprise_install,
        )
        code = dict(parse_qsl(urlsplit(redirected).query))["code"]
        return self.access({"code": code, "redirect_uri": target}, None, trusted=True)

    # ---- oauth.v2.access ---------------------------------------------------------------------
    def access(
        self, args: Args, basic: tuple[str, str] | None, *, trusted: bool = False
    ) -> JsonDict:
        """oauth.v2.access: a code for an installation, or a refresh token for new tokens.

        `trusted`: called in process by the cloud itself, without the client credentials."""
        if not trusted:
            self._check_client(args, basic)
        grant_type = opt_str(args, "grant_type")
        if grant_type == "refresh_token":
            return self._refresh(opt_str(args, "refresh_token"))
        if grant_type not in (None, "authorization_code"):
            raise SlackFailure("invalid_grant_type")
        return self._exchange(opt_str(args, "code"), opt_str(args, "redirect_uri"))

    def _check_client(self, args: Args, basic: tuple[str, str] | None) -> None:
        """Client credentials: HTTP Basic (as slack_sdk sends them) or client_id/client_secret."""
        client_id, secret = basic or (opt_str(args, "client_id"), opt_str(args, "client_secret"))
        if client_id != self.client_id:
            raise SlackFailure("invalid_client_id")
        if not secrets.compare_digest((secret or "").encode(), self._client_secret.encode()):
            raise SlackFailure("bad_client_secret")

    def _exchange(self, code: str | None, redirect_uri: str | None) -> JsonDict:
        record = self.codes.get(code or "")
        if record is None or record.used or self.now() - record.issued_at >= CODE_TTL:
            raise SlackFailure("invalid_code")
        expected = record.request.redirect_uri
        if (expected is not None and redirect_uri != expected) or (
            expected is None and redirect_uri not in (None, record.request.target)
        ):
            raise SlackFailure("bad_redirect_uri")
        record.used = True
        installation = self._install(record)
        body = self._token_body(installation)
        body["authed_user"] = {"id": installation.user_id}
        return body

    def _install(self, record: AuthCode) -> Installation:
        ws = self.workspaces[record.team_id]
        if record.enterprise_install:
            team_ids = tuple(
                t for t, w in self.workspaces.items() if w.enterprise_id == ws.enterprise_id
            )
            key: tuple[str | None, str | None] = (ws.enterprise_id, None)
        else:
            team_ids, key = (record.team_id,), (ws.enterprise_id, record.team_id)
        installation = Installation(
            enterprise_id=ws.enterprise_id,
            team_id=None if record.enterprise_install else record.team_id,
            team_ids=team_ids,
            bot_user_id=ws.bot_user_id,
            scopes=record.request.scopes,
            user_id=record.user_id,
        )
        previous = self.installations.get(key)
        if previous is not None and previous.refresh_token is not None:
            self._by_refresh.pop(previous.refresh_token, None)
        self.installations[key] = installation
        for reached in self._reached(installation):
            # Scopes add up over installs ("each installation can result in additive scopes").
            reached.scopes.update(installation.scopes)
            reached.enterprise_install = installation.is_enterprise_install
        self._issue(installation)
        return installation

    def _reached(self, installation: Installation) -> list[SlackEmulator]:
        return [self.workspaces[t] for t in installation.team_ids]

    def _issue(self, installation: Installation) -> str:
        """A new access token (and, with rotation, a new refresh token) for an installation."""
        token = new_bot_token(self.token_rotation)
        expires_at = self.now() + self.token_lifetime if self.token_rotation else None
        for ws in self._reached(installation):
            ws.tokens.add(
                token,
                expires_at=expires_at,
                enterprise_install=installation.is_enterprise_install,
            )
        installation.access_tokens.append(token)
        self.by_token[token] = installation
        if self.token_rotation:
            refresh = f"xoxe-1-{_random(64)}"
            installation.refresh_token = refresh
            self._by_refresh[refresh] = installation
        return token

    def _refresh(self, refresh_token: str | None) -> JsonDict:
        installation = self._by_refresh.pop(refresh_token or "", None)
        if installation is None or installation.revoked:
            raise SlackFailure("invalid_refresh_token")
        installation.refreshes += 1
        self._issue(installation)
        self._keep_active_limit(installation)
        return self._token_body(installation)

    def _keep_active_limit(self, installation: Installation) -> None:
        """Refreshing does not end the previous access token, but beyond 2 the oldest goes."""
        first = self.workspaces[installation.team_ids[0]]
        now = self.now()
        active = [
            t
            for t in installation.access_tokens
            if (grant := first.tokens.get(t)) is not None
            and not grant.revoked
            and not grant.expired(now)
        ]
        for token in active[: max(0, len(active) - MAX_ACTIVE_TOKENS)]:
            for ws in self._reached(installation):
                ws.tokens.revoke(token)

    def _token_body(self, installation: Installation) -> JsonDict:
        first = self.workspaces[installation.team_ids[0]]
        team = None if installation.is_enterprise_install else first
        body: JsonDict = {
            "ok": True,
            "app_id": self.app_id,
            "scope": ",".join(installation.scopes),
            "token_type": "bot",
            "access_token": installation.access_tokens[-1],
            "bot_user_id": installation.bot_user_id,
            "team": None if team is None else {"id": team.team_id, "name": team.team_name},
            "enterprise": (
                None
                if first.enterprise_id is None
                else {"id": first.enterprise_id, "name": first.enterprise_name}
            ),
            "is_enterprise_install": installation.is_enterprise_install,
        }
        if self.token_rotation:
            body["expires_in"] = int(self.token_lifetime)
            body["refresh_token"] = installation.refresh_token
        return body

    # ---- uninstalling --------------------------------------------------------------------------
    def installation_for(
        self, team_id: str | None, enterprise_id: str | None = None
    ) -> Installation | None:
        """The live installation serving `team_id` (its own first, else an org-wide one); with
        only `enterprise_id`, the org-wide installation of that organization."""
        if team_id is None:
            found = self.installations.get((enterprise_id, None))
            return found if found is not None and not found.revoked else None
        ws = self.workspaces[team_id]
        for key in ((ws.enterprise_id, team_id), (ws.enterprise_id, None)):
            found = self.installations.get(key)
            if found is not None and not found.revoked and team_id in found.team_ids:
                return found
        return None

    def revoke(self, installation: Installation) -> None:
        """Uninstalled: every token of the installation fails with token_revoked from now on."""
        installation.revoked = True
        if installation.refresh_token is not None:
            self._by_refresh.pop(installation.refresh_token, None)
        for ws in self._reached(installation):
            for token in installation.access_tokens:
                ws.tokens.revoke(token)
            ws.enterprise_install = False
