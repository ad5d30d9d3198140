"""What the use cases need from Slack, and how Slack's failures reach them.

SlackError                 a Slack call failed for good (after the adapter's own retries)
 ├── ChannelNotFound       the channel does not exist or the bot may not see it
 ├── UserGroupNotFound     no such user group
 ├── MessageNotFound       the message to update is gone (deleted in Slack)
 ├── HomeUnavailable       the person cannot have a Home tab: they left, or the app's Home is off
 ├── TriggerExpired        a trigger_id was too old (3 s) or already used: open the view again
 └── OutcomeUnknown        the request may have been carried out, but no answer came back
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.model import Person
from bot.services.ports.presenter import Message, View

# The identity a post carries in its message metadata, so that Slack's history can tell later
# whether it went out: a poll id and which of its messages (never a respondent or an answer).
MessageTag = Mapping[str, str | int]


class SlackError(Exception):
    """A Slack call failed for good; code is Slack's error code or the transport failure."""

    def __init__(self, method: str, code: str) -> None:
        super().__init__(f"{method} failed: {code}")
        self.method = method
        self.code = code


class ChannelNotFound(SlackError):
    """The channel does not exist, or the bot is not allowed to see it."""


class UserGroupNotFound(SlackError):
    """The user group does not exist (or was disabled)."""


class MessageNotFound(SlackError):
    """The message to update is no longer there: someone deleted it in Slack."""


class HomeUnavailable(SlackError):
    """views.publish cannot succeed on another try: the person left, or the Home tab is off in
    the app's settings."""


class TriggerExpired(SlackError):
    """The trigger of a click or command expired or was used: the person has to try again."""


class OutcomeUnknown(SlackError):
    """The request reached Slack but no answer came back: it may have been carried out."""


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    channel_id: str
    is_private: bool
    is_member: bool
    is_archived: bool


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """Where a message landed: the channel Slack names (a DM's id for a post to a person)."""

    channel: str
    ts: str


class SlackPort(Protocol):
    """Slack's Web API, as far as the use cases need it."""

    async def post(
        self,
        channel: str,
        message: Message,
        *,
        tag: MessageTag | None = None,
        thread_ts: str | None = None,
        broadcast: bool = False,
    ) -> PostedMessage:
        """Post a message (to a channel, a thread, or a person's DM by their user id).

        With a tag the message goes out exactly once: when the outcome of a try is unknown, the
        channel's history is searched for the tag before trying again. Without one, an unknown
        outcome raises OutcomeUnknown."""
        ...

    async def update(self, channel: str, ts: str, message: Message) -> None:
        """Edit a message; MessageNotFound when it was deleted."""
        ...

    async def delete(self, channel: str, ts: str) -> None:
        """Delete a message; one that is already gone is fine."""
        ...

    async def post_ephemeral(self, channel: str, user_id: str, message: Message) -> None: ...

    async def permalink(self, channel: str, ts: str) -> str:
        """A link to a message that opens it in Slack (chat.getPermalink)."""
        ...

    async def find_tagged(
        self, channel: str, tag: MessageTag, *, oldest: datetime, thread_ts: str | None = None
    ) -> str | None:
        """The ts of the bot's message with exactly this tag since oldest, if there is one."""
        ...

    async def open_dm(self, user_id: str) -> str:
        """The id of the bot's direct message channel with a person."""
        ...

    async def open_view(self, trigger_id: str, view: View) -> str: ...

    async def update_view(self, view_id: str, view: View, view_hash: str | None = None) -> None: ...

    async def publish_home(self, user_id: str, view: View) -> None:
        """views.publish: the person's Home tab, replaced whole; HomeUnavailable when it cannot
        be (the person left, or the app's Home tab is off)."""
        ...

    async def upload_file(
        self, channel: str, filename: str, content: bytes, *, title: str, comment: str
    ) -> None: ...

    async def list_people(self) -> Sequence[Person]:
        """Everyone in the workspace, with time zone, locale and name."""
        ...

    async def person(self, user_id: str) -> Person: ...

    async def channel_members(self, channel_id: str) -> Sequence[str]: ...

    async def channel_info(self, channel_id: str) -> ChannelInfo: ...

    async def join_channel(self, channel_id: str) -> None: ...

    async def usergroup_members(self, usergroup_id: str) -> Sequence[str]: ...

    async def usergroup_ids_by_handle(self) -> Mapping[str, str]:
        """Every enabled user group: handle (lower case, without @) → id."""
        ...
