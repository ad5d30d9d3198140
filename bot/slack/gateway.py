"""The use cases' SlackPort: the Web API calls Wishbot makes, over WebApi's rules.

A post is never repeated blindly: one with a tag is looked up in Slack's history when its outcome
is unknown, and repeated only when it is not there; one without a tag fails with OutcomeUnknown.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.domain.model import Person
from bot.services.ports import (
    ChannelInfo,
    ChannelNotFound,
    HomeUnavailable,
    Message,
    MessageNotFound,
    MessageTag,
    OutcomeUnknown,
    PostedMessage,
    SlackError,
    TriggerExpired,
    UserGroupNotFound,
    View,
)
from bot.slack.web_api import ErrorTypes, WebApi

logger = logging.getLogger(__name__)

# A tagged post whose outcome stays unknown is looked up and tried again this many times.
MAX_UNCERTAIN_POSTS = 3
METADATA_EVENT = "wishbot_message"
# Slack's clock and ours may differ a little: a lookup of a post looks back this much further.
LOOKUP_MARGIN = timedelta(minutes=10)
TRIGGER_ERRORS: Final[ErrorTypes] = dict.fromkeys(
    ("expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"), TriggerExpired
)
# A message to edit or delete that someone deleted in Slack.
MESSAGE_GONE: Final[ErrorTypes] = {"message_not_found": MessageNotFound}
# views.publish errors that another try cannot mend: the person left, or the app's Home tab is
# off in its settings.
HOME_ERRORS: Final[ErrorTypes] = dict.fromkeys(("user_not_found", "not_enabled"), HomeUnavailable)


@dataclass(frozen=True, slots=True)
class BotIdentity:
    user_id: str
    user_name: str
    team_id: str
    team_name: str
    bot_id: str | None


class SlackGateway:
    """Every call Wishbot makes to Slack goes through here."""

    def __init__(self, api: WebApi) -> None:
        self.api = api
        self.clock = api.clock

    # --- identity and people ---------------------------------------------------------------

    async def auth_test(self) -> BotIdentity:
        data = (await self.api.call("auth.test")).data
        assert isinstance(data, dict)
        return BotIdentity(
            user_id=str(data.get("user_id", "")),
            user_name=str(data.get("user", "")),
            team_id=str(data.get("team_id", "")),
            team_name=str(data.get("team", "")),
            bot_id=data.get("bot_id"),
        )

    async def list_people(self) -> list[Person]:
        """Everyone in the workspace with time zone and locale, a page of 1,000 at a time."""
        people: list[Person] = []
        async for page in self.api.pages("users.list", "members", include_locale=True):
            people.extend(_person(member) for member in page)
        return people

    async def person(self, user_id: str) -> Person:
        params = {"user": user_id, "include_locale": "true"}
        data = (await self.api.call("users.info", http_verb="GET", params=params)).data
        assert isinstance(data, dict)
        return _person(data["user"])

    async def channel_members(self, channel_id: str) -> list[str]:
        members: list[str] = []
        async for page in self.api.pages("conversations.members", "members", channel=channel_id):
            members.extend(str(m) for m in page)
        return members

    async def usergroup_members(self, usergroup_id: str) -> list[str]:
        response = await self.api.call(
            "usergroups.users.list",
            http_verb="GET",
            params={"usergroup": usergroup_id},
            errors={"no_such_subteam": UserGroupNotFound},
        )
        users: list[object] = response.get("users", [])
        return [str(u) for u in users]

    async def usergroup_ids_by_handle(self) -> dict[str, str]:
        response = await self.api.call("usergroups.list", http_verb="GET", params={})
        groups: list[dict[str, Any]] = response.get("usergroups", [])
        return {str(g["handle"]).lower(): str(g["id"]) for g in groups if g.get("handle")}

    async def channel_info(self, channel_id: str) -> ChannelInfo:
        response = await self.api.call(
            "conversations.info",
            http_verb="GET",
            params={"channel": channel_id},
            errors={"channel_not_found": ChannelNotFound, "not_in_channel": ChannelNotFound},
        )
        channel = response["channel"]
        return ChannelInfo(
            channel_id=channel_id,
            is_private=bool(channel.get("is_private")),
            is_member=bool(channel.get("is_member")),
            is_archived=bool(channel.get("is_archived")),
        )

    async def join_channel(self, channel_id: str) -> None:
        await self.api.call("conversations.join", params={"channel": channel_id})

    async def open_dm(self, user_id: str) -> str:
        response = await self.api.call("conversations.open", params={"users": user_id})
        return str(response["channel"]["id"])

    # --- messages --------------------------------------------------------------------------

    async def post(
        self,
        channel: str,
        message: Message,
        *,
        tag: MessageTag | None = None,
        thread_ts: str | None = None,
        broadcast: bool = False,
    ) -> PostedMessage:
        """Post (to a channel, a thread, or a person's DM by their user id); exactly once when
        the post carries a tag."""
        body: dict[str, Any] = {"channel": channel, "text": message.text}
        body["blocks"] = list(message.blocks)
        if thread_ts is not None:
            body["thread_ts"] = thread_ts
            if broadcast:
                body["reply_broadcast"] = True
        if tag is not None:
            body["metadata"] = {"event_type": METADATA_EVENT, "event_payload": dict(tag)}
        started = self.clock.now()
        for attempt in range(1, MAX_UNCERTAIN_POSTS + 1):
            try:
                response = await self.api.call("chat.postMessage", _json=body)
            except OutcomeUnknown as unknown:
                if tag is None:
                    raise
                logger.info("no answer to a post in %s (%s): looking it up", channel, unknown.code)
                # The last try is looked up too: it may be the one that reached the channel.
                found = await self._find_posted(channel, tag, started, thread_ts)
                if found is not None:
                    return found
                if attempt == MAX_UNCERTAIN_POSTS:
                    raise
                await self.api.back_off(attempt)
                continue
            return PostedMessage(str(response.get("channel") or channel), str(response["ts"]))
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _find_posted(
        self, channel: str, tag: MessageTag, started: datetime, thread_ts: str | None
    ) -> PostedMessage | None:
        history = await self._history_channel(channel)
        ts = await self.find_tagged(
            history, tag, oldest=started - LOOKUP_MARGIN, thread_ts=thread_ts
        )
        return None if ts is None else PostedMessage(history, ts)

    async def update(self, channel: str, ts: str, message: Message) -> None:
        body = {"channel": channel, "ts": ts, "text": message.text, "blocks": list(message.blocks)}
        await self.api.call("chat.update", _json=body, errors=MESSAGE_GONE)

    async def delete(self, channel: str, ts: str) -> None:
        """Delete; a message already gone is fine."""
        with contextlib.suppress(MessageNotFound):
            await self.api.call(
                "chat.delete",
                params={"channel": channel, "ts": ts},
                errors=MESSAGE_GONE,
            )

    async def post_ephemeral(self, channel: str, user_id: str, message: Message) -> None:
        body = {
            "channel": channel,
            "user": user_id,
            "text": message.text,
            "blocks": list(message.blocks),
        }
        await self.api.call("chat.postEphemeral", _json=body)

    async def permalink(self, channel: str, ts: str) -> str:
        response = await self.api.call(
            "chat.getPermalink",
            http_verb="GET",
            params={"channel": channel, "message_ts": ts},
            errors={"channel_not_found": ChannelNotFound},
        )
        return str(response["permalink"])

    async def find_tagged(
        self, channel: str, tag: MessageTag, *, oldest: datetime, thread_ts: str | None = None
    ) -> str | None:
        """The ts of a message the bot posted with exactly this metadata payload, if any (in the
        channel's history, or among a thread's replies; a user id means the DM with them)."""
        channel = await self._history_channel(channel)
        method = "conversations.history" if thread_ts is None else "conversations.replies"
        params: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{oldest.timestamp():.6f}",
            "include_all_metadata": "true",
        }
        if thread_ts is not None:
            params["ts"] = thread_ts
        async for page in self.api.pages(method, "messages", page_size=200, **params):
            for found in page:
                metadata = found.get("metadata") or {}
                if metadata.get("event_type") == METADATA_EVENT and _same(
                    metadata.get("event_payload"), tag
                ):
                    return str(found["ts"])
        return None

    async def _history_channel(self, channel: str) -> str:
        """The channel whose history holds a post to channel: the DM for a user id."""
        return await self.open_dm(channel) if channel[:1] in ("U", "W") else channel

    # --- views and files -------------------------------------------------------------------

    async def open_view(self, trigger_id: str, view: View) -> str:
        response = await self.api.call(
            "views.open",
            _json={"trigger_id": trigger_id, "view": dict(view)},
            errors=TRIGGER_ERRORS,
        )
        return str(response["view"]["id"])

    async def update_view(self, view_id: str, view: View, view_hash: str | None = None) -> None:
        body: dict[str, Any] = {"view_id": view_id, "view": dict(view)}
        if view_hash:
            body["hash"] = view_hash
        await self.api.call("views.update", _json=body)

    async def publish_home(self, user_id: str, view: View) -> None:
        await self.api.call(
            "views.publish",
            _json={"user_id": user_id, "view": dict(view)},
            errors=HOME_ERRORS,
        )

    async def upload_file(
        self, channel: str, filename: str, content: bytes, *, title: str, comment: str
    ) -> None:
        """files.getUploadURLExternal + upload + files.completeUploadExternal, via slack-sdk
        (observed as one files.completeUploadExternal: the SDK makes the calls)."""
        method = "files.completeUploadExternal"
        try:
            workspace = await self.api.workspace()
            await workspace.client.files_upload_v2(
                channel=channel,
                filename=filename,
                content=content,
                title=title,
                initial_comment=comment,
            )
        except SlackApiError as error:
            code = str(error.response.get("error"))
            self.api.observe(method, code)
            raise SlackError(method, code) from None
        except (TimeoutError, aiohttp.ClientError) as error:
            self.api.observe(method, "transport_error")
            raise OutcomeUnknown(method, type(error).__name__) from None
        self.api.observe(method, "ok")


def _person(member: Mapping[str, Any]) -> Person:
    return Person(
        user_id=str(member["id"]),
        tz=member.get("tz"),
        locale=member.get("locale"),
        is_bot=bool(member.get("is_bot")) or member.get("id") == "USLACKBOT",
        deleted=bool(member.get("deleted")),
        name=_display_name(member),
    )


def _display_name(member: Mapping[str, Any]) -> str | None:
    """The name Slack shows: the display name, else the real name, else the handle."""
    profile = member.get("profile") or {}
    for candidate in (
        profile.get("display_name"),
        member.get("real_name"),
        profile.get("real_name"),
        member.get("name"),
    ):
        if candidate:
            return str(candidate)
    return None


def _same(payload: object, tag: Mapping[str, Any]) -> bool:
    return isinstance(payload, dict) and all(
        json.dumps(payload.get(k)) == json.dumps(v) for k, v in tag.items()
    )
