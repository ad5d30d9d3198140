"""Bolt's installation and OAuth state stores over Wishbot's InstallationStore port: what Bolt's
OAuth flow and authorisation save and find lands in Wishbot's database (sealed), on either
backend.

Wishbot keeps one installation per workspace key, the latest bot install: it asks for no user
scopes, so a person's own installation is never looked for. A look-up for someone who is not the
installer finds nothing, so that Bolt never lends the installer's user token (or refreshes the
same record a second time) for another person."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.services.ports import Clock
from bot.services.ports.workspaces import (
    InstallationRecord,
    InstallationStore,
    WorkspaceKey,
)

logger = logging.getLogger(__name__)

# The Installation fields a record keeps (its data), each a JSON value.
_FIELDS = (
    "app_id",
    "enterprise_id",
    "enterprise_name",
    "enterprise_url",
    "team_id",
    "team_name",
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
    "user_id",
    "user_token",
    "user_scopes",
    "user_refresh_token",
    "user_token_expires_at",
    "incoming_webhook_url",
    "incoming_webhook_channel",
    "incoming_webhook_channel_id",
    "incoming_webhook_configuration_url",
    "is_enterprise_install",
    "token_type",
    "installed_at",
    "custom_values",
)
_BOT_FIELDS = (
    "app_id",
    "enterprise_id",
    "enterprise_name",
    "team_id",
    "team_name",
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
    "is_enterprise_install",
    "installed_at",
    "custom_values",
)
_USER_TOKEN_FIELDS = ("user_token", "user_refresh_token", "user_token_expires_at", "user_scopes")
STATE_BYTES = 32  # 256 random bits: a state nobody guesses


def workspace_key(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
) -> WorkspaceKey:
    """The key Bolt looks an installation up by (an org-wide install: the enterprise's, from
    any of its workspaces)."""
    return WorkspaceKey(enterprise_id or None, team_id or None, bool(is_enterprise_install))


def record_from_installation(installation: Installation) -> InstallationRecord:
    """The record stored for an installation: its key in the clear, all of it in data."""
    data = {field: _json_value(getattr(installation, field, None)) for field in _FIELDS}
    return _record(data)


def installation_from_record(record: InstallationRecord) -> Installation:
    """The Installation Bolt gets back (the record's key wins over what data says)."""
    data = dict(record.data)
    values: dict[str, Any] = {field: data.get(field) for field in _FIELDS}
    values.update(
        enterprise_id=record.enterprise_id,
        team_id=record.team_id,
        is_enterprise_install=record.is_enterprise_install,
        bot_scopes=data.get("bot_scopes") or [],
        user_scopes=data.get("user_scopes") or [],
        installed_at=data.get("installed_at") or record.installed_at.timestamp(),
        custom_values=dict(data.get("custom_values") or {}),
    )
    return Installation(**values)


def bot_from_record(record: InstallationRecord) -> Bot | None:
    """The bot part of a record; None when it holds no bot token."""
    if not record.data.get("bot_token"):
        return None
    return installation_from_record(record).to_bot()


def record_from_bot(bot: Bot, existing: InstallationRecord | None = None) -> InstallationRecord:
    """The record with the bot's fields (a refreshed token, say) over what existing holds."""
    data: dict[str, Any] = dict(existing.data) if existing is not None else {}
    data.update({field: _json_value(getattr(bot, field, None)) for field in _BOT_FIELDS})
    return _record(data)


class BoltInstallationStore(AsyncInstallationStore):
    """Bolt's AsyncInstallationStore over the port. Bolt's OAuth flow saves through it; tokens
    are found and refreshed by bot.slack.installed, never by Bolt."""

    def __init__(self, store: InstallationStore) -> None:
        self.store = store

    @property
    def logger(self) -> logging.Logger:
        return logger

    async def async_save(self, installation: Installation) -> None:
        await self.store.save_installation(record_from_installation(installation))

    async def async_save_bot(self, bot: Bot) -> None:
        key = workspace_key(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        existing = await self.store.find_installation(key)
        await self.store.save_installation(record_from_bot(bot, existing))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        record = await self._find(workspace_key(enterprise_id, team_id, is_enterprise_install))
        return None if record is None else bot_from_record(record)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        record = await self._find(workspace_key(enterprise_id, team_id, is_enterprise_install))
        if record is None:
            return None
        if user_id is not None and record.data.get("user_id") != user_id:
            return None  # that person installed nothing of their own
        return installation_from_record(record)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        # The record is the bot installation: without its bot it serves nothing.
        await self.store.delete_installation(workspace_key(enterprise_id, team_id, False))

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        key = workspace_key(enterprise_id, team_id, False)
        if user_id is None:
            await self.store.delete_installation(key)
            return
        # One person revoked their own token (tokens_revoked): forget it, keep the bot's.
        record = await self.store.find_installation(key)
        if record is not None and record.data.get("user_id") == user_id:
            data = {**record.data, **dict.fromkeys(_USER_TOKEN_FIELDS)}
            await self.store.save_installation(_record(data))

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.store.delete_installation(workspace_key(enterprise_id, team_id, False))

    async def _find(self, key: WorkspaceKey) -> InstallationRecord | None:
        return await self.store.find_installation(key)


class BoltStateStore(AsyncOAuthStateStore):
    """Bolt's AsyncOAuthStateStore over the port: each state is good once, for
    expiration_seconds (Bolt's default, 10 minutes)."""

    def __init__(
        self, store: InstallationStore, clock: Clock, expiration_seconds: int = 600
    ) -> None:
        self.store = store
        self.clock = clock
        self.expiration = timedelta(seconds=expiration_seconds)

    @property
    def logger(self) -> logging.Logger:
        return logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(STATE_BYTES)
        await self.store.issue_state(state, self.clock.now() + self.expiration)
        return state

    async def async_consume(self, state: str) -> bool:
        return await self.store.consume_state(state, self.clock.now())


def _record(data: dict[str, Any]) -> InstallationRecord:
    is_org = bool(data.get("is_enterprise_install"))
    expires = data.get("bot_token_expires_at")
    installed = data.get("installed_at")
    return InstallationRecord(
        enterprise_id=data.get("enterprise_id") or None,
        team_id=None if is_org else data.get("team_id") or None,
        is_enterprise_install=is_org,
        installed_at=_moment(installed) if installed is not None else datetime.now(UTC),
        bot_token_expires_at=None if expires is None else _moment(expires),
        data=data,
    )


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _json_value(value: Any) -> Any:
    """Sequences (scopes) as lists, mappings (custom values) as dicts; the rest as it is."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value
