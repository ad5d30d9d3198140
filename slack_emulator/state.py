"""In-memory workspace state: users, conversations, messages, views, triggers, files."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .clock import OffsetClock, WorldClock, aware_now, epoch_micros
from .common import SlackFailure, new_id, new_trigger_id
from .models import (
    Channel,
    Ephemeral,
    FileRecord,
    Message,
    ResponseUrl,
    Trigger,
    User,
    Usergroup,
    View,
)

SLACKBOT_ID = "USLACKBOT"


@dataclass
class Identity:
    """Fixed identities of the emulated workspace and app."""

    team_id: str
    team_domain: str
    bot_user_id: str
    bot_id: str
    app_id: str
    bot_name: str = "wishbot"


@dataclass
class Workspace:
    """All state of the emulated workspace."""

    ident: Identity
    clock: WorldClock = field(default_factory=OffsetClock)
    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    usergroups: dict[str, Usergroup] = field(default_factory=dict)
    dm_by_user: dict[str, str] = field(default_factory=dict)
    ephemerals: list[Ephemeral] = field(default_factory=list)
    modal_stacks: dict[str, list[View]] = field(default_factory=dict)
    home_views: dict[str, View] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    response_urls: dict[str, ResponseUrl] = field(default_factory=dict)
    files: dict[str, FileRecord] = field(default_factory=dict)
    _last_ts_us: int = 0

    # ---- ids and time ---------------------------------------------------------------
    def now_datetime(self) -> datetime:
        """The clock's time (aware, UTC)."""
        return aware_now(self.clock)

    def now(self) -> float:
        """The clock's time in Unix epoch seconds (expiries and rate windows count in these)."""
        return epoch_micros(self.now_datetime()) / 1_000_000

    def unix_time(self) -> int:
        """The clock's time in whole Unix seconds (event_time, created, cache_ts)."""
        return epoch_micros(self.now_datetime()) // 1_000_000

    def next_ts(self) -> str:
        """A ts like "1700000000.000100" from the clock, unique and strictly increasing.

        Several calls within one microsecond (or while a test clock stands still) take the
        next free microsecond; after the clock jumps forward the ts follows it."""
        now_us = epoch_micros(self.now_datetime())
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    # ---- builders -------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        display_name: str | None = None,
        tz: str = "Europe/Helsinki",
        locale: str = "en-US",
        is_bot: bool = False,
        deleted: bool = False,
        email: str | None = None,
    ) -> User:
        """Create or replace a user."""
        user = User(
            id=user_id,
            name=name,
            team_id=self.ident.team_id,
            real_name=real_name if real_name is not None else name,
            display_name=display_name if display_name is not None else name,
            tz=tz,
            locale=locale,
            is_bot=is_bot,
            deleted=deleted,
            email=email,
        )
        self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        private: bool = False,
        members: Iterable[str] = (),
        bot_member: bool = True,
        archived: bool = False,
    ) -> Channel:
        """Create or replace a public (C…) or private (C…/G…) channel."""
        member_list = list(dict.fromkeys(members))
        if bot_member and self.ident.bot_user_id not in member_list:
            member_list.append(self.ident.bot_user_id)
        channel = Channel(
            id=channel_id,
            name=name,
            is_private=private,
            archived=archived,
            members=member_list,
            created=self.unix_time() - 86_400,
        )
        self.channels[channel_id] = channel
        return channel

    def add_member(self, channel_id: str, user_id: str) -> None:
        """Add a user to a channel's members."""
        channel = self.channels[channel_id]
        if user_id not in channel.members:
            channel.members.append(user_id)

    def remove_member(self, channel_id: str, user_id: str) -> None:
        """Remove a user from a channel's members."""
        channel = self.channels[channel_id]
        if user_id in channel.members:
            channel.members.remove(user_id)

    def add_usergroup(self, group_id: str, handle: str, users: Iterable[str]) -> Usergroup:
        """Create or replace a user group."""
        group = Usergroup(id=group_id, handle=handle, users=list(users))
        self.usergroups[group_id] = group
        return group

    def ensure_dm(self, user_id: str) -> Channel:
        """The app's DM channel with a user (D…), created on first use with a stable id."""
        existing = self.dm_by_user.get(user_id)
        if existing is not None:
            return self.channels[existing]
        channel_id = "D" + user_id[1:].rjust(8, "0") if len(user_id) > 1 else new_id("D")
        while channel_id in self.channels:
            channel_id = new_id("D")
        channel = Channel(
            id=channel_id,
            name=user_id,
            is_im=True,
            members=[self.ident.bot_user_id, user_id],
            im_user=user_id,
            created=self.unix_time(),
        )
        self.channels[channel_id] = channel
        self.dm_by_user[user_id] = channel_id
        return channel

    # ---- messages -------------------------------------------------------------------
    def store_message(self, message: Message) -> Message:
        """Append a message to its channel and keep the parent's reply count."""
        channel = self.channels[message.channel]
        channel.messages[message.ts] = message
        if message.thread_ts and message.thread_ts != message.ts:
            parent = channel.messages.get(message.thread_ts)
            if parent is not None:
                parent.thread_ts = parent.ts
                parent.reply_count += 1
        return message

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        """A live message by channel and ts."""
        channel = self.channels.get(channel_id)
        if channel is None:
            return None
        message = channel.messages.get(ts)
        return message if message is not None and not message.deleted else None

    def live_messages(self, channel_id: str) -> list[Message]:
        """Non-deleted messages of a channel (thread replies included), oldest first."""
        channel = self.channels.get(channel_id)
        if channel is None:
            return []
        return [m for m in channel.messages.values() if not m.deleted]

    def find_ephemeral(self, user_id: str, message_ts: str) -> Ephemeral | None:
        """A live ephemeral by user and message_ts."""
        for eph in self.ephemerals:
            if eph.user == user_id and eph.message_ts == message_ts and not eph.deleted:
                return eph
        return None

    # ---- triggers -------------------------------------------------------------------
    def issue_trigger(self, user_id: str) -> str:
        """A fresh trigger_id for a user's interaction."""
        trigger = Trigger(id=new_trigger_id(), user_id=user_id, issued_at=self.now())
        self.triggers[trigger.id] = trigger
        return trigger.id

    def exchange_trigger(self, trigger_id: str, ttl: float) -> Trigger:
        """Use a trigger once within its ttl, or fail as views.open/push do."""
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            raise SlackFailure("invalid_trigger_id")
        if trigger.used:
            raise SlackFailure("exchanged_trigger_id")
        if self.now() - trigger.issued_at > ttl:
            raise SlackFailure("expired_trigger_id")
        trigger.used = True
        return trigger

    # ---- views ----------------------------------------------------------------------
    def new_view_hash(self) -> str:
        """A view hash such as "1700000000.AbCd1234"."""
        return f"{self.unix_time()}.{secrets.token_urlsafe(6)[:8]}"

    def find_view(self, view_id: str | None = None, external_id: str | None = None) -> View | None:
        """Find an open modal or a Home view by id or external_id."""
        candidates = [v for stack in self.modal_stacks.values() for v in stack]
        candidates.extend(self.home_views.values())
        for view in candidates:
            if view_id is not None and view.id == view_id:
                return view
            if external_id is not None and view.external_id == external_id:
                return view
        return None

    def external_id_taken(self, external_id: str, except_view: str | None = None) -> bool:
        """True when another open view already uses this external_id."""
        view = self.find_view(external_id=external_id)
        return view is not None and view.id != except_view

    # ---- response urls --------------------------------------------------------------
    def issue_response_url(
        self,
        base_url: str,
        channel_id: str,
        user_id: str,
        message_ts: str | None = None,
        *,
        is_ephemeral: bool = False,
    ) -> ResponseUrl:
        """Register a response_url for an interaction."""
        url_id = f"{self.ident.team_id}/{secrets.randbelow(10**12)}/{secrets.token_urlsafe(18)}"
        url_id = url_id.replace("-", "x").replace("_", "y")
        record = ResponseUrl(
            id=url_id,
            url=f"{base_url}response/{url_id}",
            channel_id=channel_id,
            user_id=user_id,
            issued_at=self.now(),
            message_ts=message_ts,
            is_ephemeral=is_ephemeral,
        )
        self.response_urls[url_id] = record
        return record
