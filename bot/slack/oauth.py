"""Installing Wishbot in many workspaces with "Add to Slack": Bolt's OAuth flow over Wishbot's
own installation and state stores, with hooks for what follows an install."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Installation

from bot.config import OAuthApp
from bot.services.ports import Clock
from bot.services.ports.workspaces import InstallationStore, WorkspaceKey
from bot.slack.installations import BoltInstallationStore, BoltStateStore

logger = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
# What an install asks for: the same as deploy/slack-app-manifest*.yml (a test compares them).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "channels:join",
    "channels:read",
    "channels:history",
    "groups:read",
    "groups:history",
    "im:write",
    "im:history",
    "users:read",
    "usergroups:read",
    "files:write",
)
# How long a person has between opening the install page and coming back from Slack.
STATE_LIFETIME_SECONDS = 600

Installed = Callable[[WorkspaceKey], Awaitable[None]]


class ObservedInstallations(BoltInstallationStore):
    """The installation store Bolt's OAuth flow saves to, telling Wishbot of each new install."""

    def __init__(self, store: InstallationStore, installed: Installed) -> None:
        super().__init__(store)
        self.installed = installed

    async def async_save(self, installation: Installation) -> None:
        await super().async_save(installation)
        # An org-wide install is the whole enterprise's (its polls may be of any workspace).
        key = WorkspaceKey(
            installation.enterprise_id,
            None if installation.is_enterprise_install else installation.team_id,
            bool(installation.is_enterprise_install),
        )
        logger.info("installed in workspace %s", key)
        await self.installed(key)


def oauth_settings(
    app: OAuthApp, store: InstallationStore, clock: Clock, installed: Installed
) -> AsyncOAuthSettings:
    """Bolt's OAuth flow: GET /slack/install (the "Add to Slack" page) and the redirect path of
    SLACK_REDIRECT_URI; installations and states in Wishbot's database."""
    return AsyncOAuthSettings(
        client_id=app.client_id,
        client_secret=app.client_secret.reveal(),
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=app.redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=app.redirect_path,
        authorization_url=app.authorize_url,
        installation_store=ObservedInstallations(store, installed),
        state_store=BoltStateStore(store, clock, expiration_seconds=STATE_LIFETIME_SECONDS),
        state_expiration_seconds=STATE_LIFETIME_SECONDS,
    )
