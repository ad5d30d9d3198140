"""Records of the emulated workspace: users, conversations, messages, views, files, calls."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .common import JsonDict


@dataclass
class User:
    """A workspace member (or bot user)."""

    id: str
    name: str
    team_id: str
    real_name: str
    display_name: str
    tz: str = "Europe/Helsinki"
    locale: str = "en-US"
    is_bot: bool = False
    deleted: bool = False
    bot_id: str | None = None
    email: str | None = None

    def to_api(
        self, *, include_locale: bool, now: datetime, include_email: bool = True
    ) -> JsonDict:
        """The `user` object of users.info / users.list (email needs users:read.email).

        `tz_offset` and `tz_label` are those in force at `now` (the emulator clock), so they
        follow the clock across daylight saving changes."""
        local = now.astimezone(ZoneInfo(self.tz))
        offset = local.utcoffset()
        profile: JsonDict = {
            "real_name": self.real_name,
            "display_name": self.display_name,
            "real_name_normalized": self.real_name,
            "display_name_normalized": self.display_name,
            "team": self.team_id,
        }
        if self.email and include_email:
            profile["email"] = self.email
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        body: JsonDict = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": local.tzname() or self.tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "profile": profile,
        }
        if include_locale:
            body["locale"] = self.locale
        return body


@dataclass
class Message:
    """A message the emulator stores in a conversation (top level or thread reply)."""

    ts: str
    channel: str
    user: str
    text: str
    blocks: list[JsonDict] | None = None
    metadata: JsonDict | None = None
    thread_ts: str | None = None
    attachments: list[JsonDict] | None = None
    files: list[JsonDict] | None = None
    bot_id: str | None = None
    app_id: str | None = None
    reply_broadcast: bool = False
    edited: JsonDict | None = None
    deleted: bool = False
    reply_count: int = 0
    via: str = "chat.postMessage"

    def to_api(self, team_id: str, *, include_metadata: bool = True) -> JsonDict:
        """The message object as conversations.history / block_actions show it."""
        body: JsonDict = {"type": "message", "user": self.user, "text": self.text, "ts": self.ts}
        body["team"] = team_id
        if self.bot_id:
            body["bot_id"] = self.bot_id
            body["app_id"] = self.app_id
        if self.blocks is not None:
            body["blocks"] = copy.deepcopy(self.blocks)
        if self.attachments:
            body["attachments"] = copy.deepcopy(self.attachments)
        if self.files:
            body["files"] = copy.deepcopy(self.files)
            body["upload"] = False
        if self.thread_ts:
            body["thread_ts"] = self.thread_ts
        if self.reply_count and self.thread_ts == self.ts:
            body["reply_count"] = self.reply_count
        if self.edited:
            body["edited"] = dict(self.edited)
        if include_metadata and self.metadata is not None:
            body["metadata"] = copy.deepcopy(self.metadata)
        return body


@dataclass
class Ephemeral:
    """An ephemeral message shown to one user (chat.postEphemeral, response_url, ack body)."""

    message_ts: str
    channel: str
    user: str
    text: str
    blocks: list[JsonDict] | None = None
    thread_ts: str | None = None
    via: str = "chat.postEphemeral"
    deleted: bool = False

    @property
    def ts(self) -> str:
        """Alias of message_ts, so ephemerals and messages can be handled alike."""
        return self.message_ts


@dataclass
class Channel:
    """A conversation: public/private channel, DM (im) or group DM (mpim)."""

    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    archived: bool = False
    members: list[str] = field(default_factory=list)
    im_user: str | None = None
    created: int = 0
    messages: dict[str, Message] = field(default_factory=dict)
    posted_without_join: bool = False

    def to_api(self, bot_user_id: str, *, include_num_members: bool) -> JsonDict:
        """The `channel` object of conversations.info / join / open."""
        body: JsonDict = {"id": self.id, "created": self.created}
        if self.is_im:
            body.update(is_im=True, user=self.im_user, is_open=True, is_org_shared=False)
            return body
        body.update(
            name=self.name,
            is_channel=not self.is_private and not self.is_mpim,
            is_group=self.is_private and not self.is_mpim,
            is_im=False,
            is_mpim=self.is_mpim,
            is_private=self.is_private or self.is_mpim,
            is_archived=self.archived,
            is_general=False,
            is_shared=False,
            is_ext_shared=False,
            is_org_shared=False,
            is_member=bot_user_id in self.members,
            name_normalized=self.name,
            topic={"value": "", "creator": "", "last_set": 0},
            purpose={"value": "", "creator": "", "last_set": 0},
        )
        if include_num_members:
            body["num_members"] = len(self.members)
        return body


@dataclass
class Usergroup:
    """A user group (subteam)."""

    id: str
    handle: str
    users: list[str]
    disabled: bool = False


@dataclass
class View:
    """A view stored for a user: a modal in a stack, or the Home tab."""

    id: str
    user_id: str
    definition: JsonDict
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    state_values: JsonDict = field(default_factory=dict)
    # What the client shows under inputs after `response_action: errors` (block_id → message),
    # until the next submission or update.
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def type(self) -> str:
        """`modal` or `home`."""
        return str(self.definition.get("type", ""))

    @property
    def blocks(self) -> list[JsonDict]:
        """The view's blocks."""
        blocks = self.definition.get("blocks") or []
        return list(blocks)

    @property
    def callback_id(self) -> str:
        """The view's callback_id ("" when unset)."""
        return str(self.definition.get("callback_id") or "")

    @property
    def private_metadata(self) -> str:
        """The view's private_metadata ("" when unset)."""
        return str(self.definition.get("private_metadata") or "")

    @property
    def external_id(self) -> str:
        """The view's external_id ("" when unset)."""
        return str(self.definition.get("external_id") or "")

    @property
    def title(self) -> str:
        """The title text."""
        title = self.definition.get("title") or {}
        return str(title.get("text", "")) if isinstance(title, dict) else ""

    def to_api(self, *, team_id: str, app_id: str, bot_id: str) -> JsonDict:
        """The view object as views.* replies and interaction payloads show it."""
        d = self.definition
        body: JsonDict = {
            "id": self.id,
            "team_id": team_id,
            "type": self.type,
            "blocks": copy.deepcopy(self.blocks),
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "state": {"values": copy.deepcopy(self.state_values)},
            "hash": self.hash,
            "title": copy.deepcopy(d.get("title")),
            "clear_on_close": bool(d.get("clear_on_close", False)),
            "notify_on_close": bool(d.get("notify_on_close", False)),
            "close": copy.deepcopy(d.get("close")),
            "submit": copy.deepcopy(d.get("submit")),
            "previous_view_id": self.previous_view_id,
            "root_view_id": self.root_view_id,
            "app_id": app_id,
            "external_id": self.external_id,
            "app_installed_team_id": team_id,
            "bot_id": bot_id,
        }
        if self.type == "home":
            for key in ("close", "submit", "title"):
                if body[key] is None:
                    del body[key]
        return body


@dataclass
class FileRecord:
    """A file going through files.getUploadURLExternal → upload → completeUploadExternal."""

    id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str | None = None
    channel: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False

    @property
    def text(self) -> str:
        """The uploaded content decoded as UTF-8 (replacement characters for bad bytes)."""
        return (self.content or b"").decode("utf-8", errors="replace")


@dataclass
class Trigger:
    """A trigger_id issued with an interaction."""

    id: str
    user_id: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    """A response_url handed out with a slash command or a message interaction."""

    id: str
    url: str
    channel_id: str
    user_id: str
    issued_at: float
    message_ts: str | None = None
    is_ephemeral: bool = False
    uses: int = 0


@dataclass
class RecordedCall:
    """One Web API call as the emulator saw it (args merged from query, form and JSON)."""

    method: str
    args: dict[str, Any]
    status: int
    response: JsonDict
    at: float
    dropped: bool = False  # carried out, but the response never reached the client

    @property
    def ok(self) -> bool:
        """True when the reply was `ok: true`."""
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        """The error code of a failed call."""
        err = self.response.get("error")
        return str(err) if err is not None else None


@dataclass
class ResponseUrlPost:
    """One POST to a response_url."""

    url_id: str
    body: JsonDict
    status: int
    response: JsonDict
    at: float
