"""Workspace builders and state views of the emulator (mixed into SlackEmulator)."""

from __future__ import annotations

from collections.abc import Iterable

from . import mrkdwn
from .common import JsonDict
from .models import Channel, Ephemeral, FileRecord, Message, User, Usergroup, View
from .payloads import current_entries
from .state import SLACKBOT_ID, Workspace


class WorkspaceAccess:
    """Build the workspace (users, channels, groups) and read what the app left in it."""

    workspace: Workspace

    # ---- workspace builders -------------------------------------------------------------
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
        """Add (or replace) a workspace user; deleted users are deactivated accounts."""
        return self.workspace.add_user(
            user_id,
            name,
            real_name=real_name,
            display_name=display_name,
            tz=tz,
            locale=locale,
            is_bot=is_bot,
            deleted=deleted,
            email=email,
        )

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        private: bool = False,
        members: Iterable[str] = (),
        bot_member: bool = True,
        archived: bool = False,
    ) -> None:
        """Add a channel; the bot is a member when bot_member is True."""
        self.workspace.add_channel(
            channel_id,
            name,
            private=private,
            members=members,
            bot_member=bot_member,
            archived=archived,
        )

    def add_member(self, channel_id: str, user_id: str) -> None:
        """Add a user to a channel."""
        self.workspace.add_member(channel_id, user_id)

    def remove_member(self, channel_id: str, user_id: str) -> None:
        """Remove a user from a channel."""
        self.workspace.remove_member(channel_id, user_id)

    def add_usergroup(self, group_id: str, handle: str, users: Iterable[str]) -> None:
        """Add a user group (S…)."""
        self.workspace.add_usergroup(group_id, handle, users)

    def add_message(
        self,
        channel_id: str,
        user_id: str,
        text: str,
        *,
        thread_ts: str | None = None,
        blocks: list[JsonDict] | None = None,
    ) -> Message:
        """Store a message posted by a user (no event is delivered; see driver.user_message)."""
        ws = self.workspace
        message = Message(
            ts=ws.next_ts(),
            channel=channel_id,
            user=user_id,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            via="user",
        )
        return ws.store_message(message)

    def populate(
        self,
        n_users: int,
        channel_id: str,
        *,
        channel_name: str | None = None,
        private: bool = False,
        id_prefix: str = "UPOP",
        tz: str = "Europe/Helsinki",
        locale: str = "en-US",
    ) -> list[str]:
        """Create n users (ids `UPOP000001`…) who are all members of `channel_id`."""
        ids = [f"{id_prefix}{i:06d}" for i in range(1, n_users + 1)]
        for i, user_id in enumerate(ids, start=1):
            self.workspace.add_user(
                user_id, f"member{i:06d}", real_name=f"Member {i:06d}", tz=tz, locale=locale
            )
        if channel_id not in self.workspace.channels:
            self.add_channel(channel_id, channel_name or channel_id.lower(), private=private)
        channel = self.workspace.channels[channel_id]
        channel.members.extend(u for u in ids if u not in set(channel.members))
        return ids

    # ---- state views ----------------------------------------------------------------------
    def channel(self, channel_id: str) -> Channel:
        """A conversation record (KeyError when unknown)."""
        return self.workspace.channels[channel_id]

    def messages(self, channel_id: str) -> list[Message]:
        """Live messages of a channel, thread replies included, oldest first."""
        return self.workspace.live_messages(channel_id)

    def message(self, channel_id: str, ts: str) -> Message | None:
        """One live message."""
        return self.workspace.find_message(channel_id, ts)

    def thread(self, channel_id: str, ts: str) -> list[Message]:
        """The live thread under parent `ts` (parent first)."""
        return [m for m in self.messages(channel_id) if m.ts == ts or m.thread_ts == ts]

    def ephemerals(self, user_id: str) -> list[Ephemeral]:
        """Live ephemeral messages shown to a user, oldest first."""
        return [e for e in self.workspace.ephemerals if e.user == user_id and not e.deleted]

    def dm_channel_id(self, user_id: str) -> str | None:
        """The app DM's id with a user, if one exists."""
        return self.workspace.dm_by_user.get(user_id)

    def dm_messages(self, user_id: str) -> list[Message]:
        """Live messages in the app's DM with a user."""
        channel_id = self.dm_channel_id(user_id)
        return self.messages(channel_id) if channel_id else []

    def views(self, user_id: str) -> list[View]:
        """The user's open modal stack (bottom first; at most 3)."""
        return list(self.workspace.modal_stacks.get(user_id, []))

    def home_view(self, user_id: str) -> View | None:
        """The user's published Home tab."""
        return self.workspace.home_views.get(user_id)

    def view_values(self, view: View) -> dict[str, dict[str, JsonDict]]:
        """What the client holds in a view's inputs: typed or chosen, else the initial values
        (the `state.values` a submission would send)."""
        return current_entries(view.blocks, view.state_values)

    def people(self) -> list[User]:
        """Active human members, in the order they were added (no bots, no deactivated)."""
        return [
            u
            for u in self.workspace.users.values()
            if not u.is_bot and not u.deleted and u.id != SLACKBOT_ID
        ]

    def conversations(self, member: str | None = None) -> list[Channel]:
        """Channels (no DMs), by name; with `member`, only those that person is in."""
        channels = [
            c
            for c in self.workspace.channels.values()
            if not c.is_im and not c.is_mpim and (member is None or member in c.members)
        ]
        return sorted(channels, key=lambda c: c.name)

    def usergroups(self) -> list[Usergroup]:
        """User groups, by handle."""
        return sorted(self.workspace.usergroups.values(), key=lambda g: g.handle)

    def show_token(self, piece: mrkdwn.Piece, viewer_id: str) -> str:
        """The text a client shows `viewer_id` for one piece of mrkdwn (see mrkdwn.parse)."""
        ws = self.workspace
        match piece:
            case mrkdwn.Text(text=text):
                return text
            case mrkdwn.UserMention(user_id=user_id, label=label):
                user = ws.users.get(user_id)
                if user is None:
                    return f"@{label or user_id}"
                return f"@{user.display_name or user.real_name or user.name}"
            case mrkdwn.ChannelMention(channel_id=channel_id, label=label):
                channel = ws.channels.get(channel_id)
                return f"#{channel.name if channel is not None else label or channel_id}"
            case mrkdwn.GroupMention(group_id=group_id, label=label):
                group = ws.usergroups.get(group_id)
                if group is not None:
                    return f"@{group.handle}"
                return label if label and label.startswith("@") else f"@{label or group_id}"
            case mrkdwn.Broadcast(name=name):
                return f"@{name}"
            case mrkdwn.DateToken():
                viewer = ws.users.get(viewer_id)
                return mrkdwn.format_date(
                    piece,
                    tz=viewer.tz if viewer is not None else "UTC",
                    now=ws.now_datetime(),
                    hour_24=mrkdwn.uses_24_hour_clock(viewer.locale) if viewer else True,
                )
            case mrkdwn.Link(url=url, label=label):
                return label or url.removeprefix("mailto:")
        raise AssertionError(f"unknown piece {piece!r}")  # pragma: no cover

    def readable(self, text: str, viewer_id: str) -> str:
        """mrkdwn as `viewer_id`'s client shows its tokens: people and groups by name, #channels,
        dates in the viewer's own time zone; formatting marks (*bold*) are kept."""
        return "".join(self.show_token(piece, viewer_id) for piece in mrkdwn.parse(text))

    @property
    def files(self) -> list[FileRecord]:
        """Completed uploads (content, filename, title, channel, initial_comment)."""
        return [f for f in self.workspace.files.values() if f.completed]
