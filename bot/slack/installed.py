"""Many workspaces from one install: each workspace's bot token, refreshed before it expires.

Requests (through Bolt's authorize) and background jobs (through WebApi) ask here for the token
of the workspace they run in. A rotated token is refreshed ahead of its expiry, under the
database's lock on that installation, so that two replicas never spend the same refresh token:
the second one waits, then finds the fresh token stored and uses it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import OAuthApp
from bot.services.locks import KeyedLock
from bot.services.ports import Clock, SlackError
from bot.services.ports.workspaces import (
    InstallationRecord,
    InstallationStore,
    WorkspaceKey,
    current_workspace,
)
from bot.slack.installations import (
    installation_from_record,
    record_from_installation,
    workspace_key,
)
from bot.slack.web_api import WorkspaceClient

logger = logging.getLogger(__name__)

# Refreshed this long before it expires: Slack's tokens live 12 hours, and a reminder round
# that starts with an hour left finishes on the same token.
REFRESH_AHEAD = timedelta(minutes=120)


class NotInstalled(SlackError):
    """The workspace has no installation (never installed, or uninstalled)."""

    def __init__(self, workspace: WorkspaceKey | None) -> None:
        super().__init__("(installation)", "not_installed")
        self.workspace = workspace


@dataclass(eq=False)
class _Installed:
    record: InstallationRecord
    installation: Installation
    client: WorkspaceClient


class InstalledWorkspaces:
    """The installed workspaces' tokens and clients (one per installation, with its own
    rate-limit pauses); WebApi's ClientSource in multi-workspace mode."""

    def __init__(
        self,
        store: InstallationStore,
        oauth: AsyncWebClient,
        app: OAuthApp,
        clock: Clock,
        make_client: Callable[[str], AsyncWebClient],
    ) -> None:
        self.store = store
        self.oauth = oauth  # no token: oauth.v2.access authenticates with the app's secret
        self.client_id = app.client_id
        self.client_secret = app.client_secret
        self.clock = clock
        self.make_client = make_client
        self._installed: dict[tuple[str, str], _Installed] = {}
        self._loading = KeyedLock[tuple[str, str]]()

    # --- ClientSource ------------------------------------------------------------------------

    async def current(self) -> WorkspaceClient:
        workspace = current_workspace()
        if workspace is None:
            raise NotInstalled(None)
        return (await self.installed(workspace)).client

    async def refused(self, used: WorkspaceClient, code: str) -> bool:
        """Slack refused the token: another replica may have stored a fresh one (a refresh, an
        install again), else an expired one is refreshed now; True when the token changed."""
        for installed in list(self._installed.values()):
            if installed.client is not used:
                continue
            refused_token = installed.installation.bot_token
            key = installed.record.key
            stored = await self.store.find_installation(key)
            if stored is None:
                self.forget(key)
                return False
            if installation_from_record(stored).bot_token != refused_token:
                self._remember(key, stored)
                return True
            if code != "token_expired":
                return False
            fresh = await self._refresh(key, force=refused_token)
            return fresh is not None and fresh.installation.bot_token != refused_token
        return False

    # --- what requests and jobs ask --------------------------------------------------------

    async def installed(self, workspace: WorkspaceKey) -> _Installed:
        """The workspace's installation with a token good for REFRESH_AHEAD at least."""
        found = self._installed.get(workspace.installation)
        if found is None or self._expiring(found.record):
            found = await self._load(workspace)
        return found

    async def bot_user_id(self) -> str:
        workspace = current_workspace()
        if workspace is None:
            raise NotInstalled(None)
        return str((await self.installed(workspace)).installation.bot_user_id or "")

    def forget(self, workspace: WorkspaceKey) -> None:
        """The workspace's tokens were revoked: nothing of it stays in memory."""
        for key in {workspace.installation, (workspace.enterprise_id or "", "")}:
            self._installed.pop(key, None)

    async def _load(self, workspace: WorkspaceKey) -> _Installed:
        async with self._loading.hold(workspace.installation):
            found = self._installed.get(workspace.installation)
            if found is not None and not self._expiring(found.record):
                return found  # loaded by the task this one waited for
            record = await self._find(workspace)
            if self._expiring(record):
                refreshed = await self._refresh(record.key)
                if refreshed is not None:
                    return refreshed
            return self._remember(workspace, record)

    async def _find(self, workspace: WorkspaceKey) -> InstallationRecord:
        record = await self.store.find_installation(workspace)
        if record is None and workspace.enterprise_id and not workspace.is_enterprise_install:
            # A job knows the workspace of its poll, not how the app was installed there: an
            # org-wide install of its enterprise serves it too.
            org = WorkspaceKey(workspace.enterprise_id, workspace.team_id, True)
            record = await self.store.find_installation(org)
        if record is None:
            raise NotInstalled(workspace)
        return record

    async def _refresh(self, key: WorkspaceKey, *, force: str | None = None) -> _Installed | None:
        """Refresh the token under the store's lock, unless it no longer needs it when the lock
        is ours (another replica refreshed it meanwhile); force: the token Slack refused."""

        async def refresh(record: InstallationRecord) -> InstallationRecord | None:
            installation = installation_from_record(record)
            if force is not None and installation.bot_token != force:
                return None  # another replica refreshed it already
            if force is None and not self._expiring(record):
                return None
            return record_from_installation(await self._spend(key, installation))

        record = await self.store.rotate_installation(key, refresh)
        return None if record is None else self._remember(key, record)

    async def _spend(self, key: WorkspaceKey, installation: Installation) -> Installation:
        """oauth.v2.access with the refresh token: a new token and a new refresh token (the old
        one is spent). Expiry counted on the bot's clock, like every other deadline."""
        try:
            # The credentials as form fields, as Slack accepts them (slack_sdk's helper sends
            # them by aiohttp's deprecated BasicAuth).
            response = await self.oauth.api_call(
                "oauth.v2.access",
                data={
                    "client_id": self.client_id,
                    "client_secret": self.client_secret.reveal(),
                    "grant_type": "refresh_token",
                    "refresh_token": installation.bot_refresh_token,
                },
            )
        except SlackApiError as error:
            raise SlackError("oauth.v2.access", str(error.response.get("error"))) from None
        now = int(self.clock.now().timestamp())
        installation.bot_token = response["access_token"]
        installation.bot_refresh_token = response["refresh_token"]
        installation.bot_token_expires_at = now + int(response["expires_in"])
        logger.info("refreshed the bot token of workspace %s", key)
        return installation

    def _remember(self, workspace: WorkspaceKey, record: InstallationRecord) -> _Installed:
        installation = installation_from_record(record)
        token = str(installation.bot_token or "")
        known = self._installed.get(record.key.installation)
        if known is None:
            known = _Installed(record, installation, WorkspaceClient(self.make_client(token)))
        else:
            known.record, known.installation = record, installation
            known.client.client.token = token
        self._installed[record.key.installation] = known
        self._installed[workspace.installation] = known
        return known

    def _expiring(self, record: InstallationRecord) -> bool:
        expires_at = record.bot_token_expires_at
        return expires_at is not None and expires_at - self.clock.now() < REFRESH_AHEAD


class WorkspaceAuthorize(AsyncAuthorize):
    """Bolt's authorize for every request: the token of the workspace it comes from, from the
    same installations (and refresh) as the background jobs use, never Bolt's own rotation."""

    def __init__(self, workspaces: InstalledWorkspaces) -> None:
        self.workspaces = workspaces

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        key = workspace_key(enterprise_id, team_id, context.is_enterprise_install)
        try:
            installed = await self.workspaces.installed(key)
        except NotInstalled:
            return None
        bot = installed.installation
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )
