"""The Web API calls Wishbot makes, with rate limits, retries and pagination handled once."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.domain.model import Person

logger = logging.getLogger(__name__)

MAX_RATE_LIMIT_WAITS = 20
MAX_FAULT_RETRIES = 4
BACKOFF_BASE_SECONDS = 0.25
PAGE_SIZE = 1000
METADATA_EVENT = "wishbot_message"


class SlackCallFailed(Exception):
    """A Web API call failed for good; error is Slack's code (or a transport failure)."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"{method} failed: {error}")
        self.method = method
        self.error = error


@dataclass(frozen=True, slots=True)
class BotIdentity:
    user_id: str
    user_name: str
    team_id: str
    team_name: str
    bot_id: str | None


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    channel_id: str
    is_private: bool
    is_member: bool
    is_archived: bool


CallObserver = Callable[[str, str], None]


class SlackGateway:
    """Every call Wishbot makes to Slack goes through here.

    A 429 pauses every later call of the same method until its Retry-After has passed (Slack's
    limits are per method), then the call is repeated. Server errors and timeouts are retried with
    jittered backoff a bounded number of times."""

    def __init__(self, client: AsyncWebClient, observe: CallObserver | None = None) -> None:
        self.client = client
        self._paused_until: dict[str, float] = {}
        self._observe = observe or (lambda method, outcome: None)

    async def call(self, method: str, **kwargs: Any) -> AsyncSlackResponse:
        """Call a method through the rate-limit and retry rules."""
        json_body = kwargs.pop("_json", None)
        rate_limit_waits = 0
        faults = 0
        while True:
            await self._wait_if_paused(method)
            try:
                response = await self.client.api_call(method, json=json_body, **kwargs)
            except SlackApiError as error:
                status = error.response.status_code
                if status == 429 and rate_limit_waits < MAX_RATE_LIMIT_WAITS:
                    rate_limit_waits += 1
                    self._observe(method, "ratelimited")
                    self._pause(method, _retry_after(error.response.headers))
                    continue
                if status >= 500 and faults < MAX_FAULT_RETRIES:
                    faults += 1
                    self._observe(method, "server_error")
                    await asyncio.sleep(_backoff(faults))
                    continue
                code = str(error.response.get("error") or f"http_{status}")
                self._observe(method, code)
                raise SlackCallFailed(method, code) from None
            except (TimeoutError, aiohttp.ClientError) as error:
                if faults < MAX_FAULT_RETRIES:
                    faults += 1
                    self._observe(method, "transport_error")
                    await asyncio.sleep(_backoff(faults))
                    continue
                self._observe(method, "transport_error")
                raise SlackCallFailed(method, type(error).__name__) from None
            self._observe(method, "ok")
            return response

    async def _wait_if_paused(self, method: str) -> None:
        delay = self._paused_until.get(method, 0.0) - time.monotonic()
        while delay > 0:
            await asyncio.sleep(delay)
            # Another 429 may have pushed the pause further while this call slept.
            delay = self._paused_until.get(method, 0.0) - time.monotonic()

    def _pause(self, method: str, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._paused_until[method] = max(self._paused_until.get(method, 0.0), until)
        logger.info("Slack rate-limited %s: pausing it for %.1f s", method, seconds)

    # --- identity and people -----------------------------------------------------------------

    async def auth_test(self) -> BotIdentity:
        data = (await self.call("auth.test")).data
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
        async for page in self._pages("users.list", "members", include_locale=True):
            people.extend(_person(member) for member in page)
        return people

    async def person(self, user_id: str) -> Person:
        data = (
            await self.call(
                "users.info", http_verb="GET", params={"user": user_id, "include_locale": "true"}
            )
        ).data
        assert isinstance(data, dict)
        return _person(data["user"])

    async def channel_members(self, channel_id: str) -> list[str]:
        members: list[str] = []
        async for page in self._pages("conversations.members", "members", channel=channel_id):
            members.extend(str(m) for m in page)
        return members

    async def usergroup_members(self, usergroup_id: str) -> list[str]:
        response = await self.call(
            "usergroups.users.list", http_verb="GET", params={"usergroup": usergroup_id}
        )
        users: list[object] = response.get("users", [])
        return [str(u) for u in users]

    async def usergroup_ids_by_handle(self) -> dict[str, str]:
        """Every enabled user group of the workspace: handle (without @, lower case) → id."""
        response = await self.call("usergroups.list", http_verb="GET", params={})
        groups: list[dict[str, Any]] = response.get("usergroups", [])
        return {str(g["handle"]).lower(): str(g["id"]) for g in groups if g.get("handle")}

    async def channel_info(self, channel_id: str) -> ChannelInfo:
        response = await self.call(
            "conversations.info", http_verb="GET", params={"channel": channel_id}
        )
        channel = response["channel"]
        return ChannelInfo(
            channel_id=channel_id,
            is_private=bool(channel.get("is_private")),
            is_member=bool(channel.get("is_member")),
            is_archived=bool(channel.get("is_archived")),
        )

    async def join_channel(self, channel_id: str) -> None:
        await self.call("conversations.join", params={"channel": channel_id})

    async def open_dm(self, user_id: str) -> str:
        response = await self.call("conversations.open", params={"users": user_id})
        return str(response["channel"]["id"])

    # --- messages ----------------------------------------------------------------------------

    async def post_message(
        self,
        channel: str,
        text: str,
        blocks: Sequence[Mapping[str, Any]],
        *,
        thread_ts: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> str:
        """Post and return the message ts; metadata tags it so that a retry after a crash can
        find out whether it was already posted."""
        _channel, ts = await self.post_message_to(
            channel, text, blocks, thread_ts=thread_ts, metadata=metadata
        )
        return ts

    async def post_message_to(
        self,
        channel: str,
        text: str,
        blocks: Sequence[Mapping[str, Any]],
        *,
        thread_ts: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> tuple[str, str]:
        """Post and return (channel id, ts). Given a user id as the channel, Slack posts in the
        app's DM with that person and names the DM's id: no conversations.open needed."""
        body: dict[str, Any] = {"channel": channel, "text": text, "blocks": list(blocks)}
        if thread_ts is not None:
            body["thread_ts"] = thread_ts
        if metadata is not None:
            body["metadata"] = {"event_type": METADATA_EVENT, "event_payload": dict(metadata)}
        response = await self.call("chat.postMessage", _json=body)
        return str(response.get("channel") or channel), str(response["ts"])

    async def update_message(
        self, channel: str, ts: str, text: str, blocks: Sequence[Mapping[str, Any]]
    ) -> None:
        await self.call(
            "chat.update",
            _json={"channel": channel, "ts": ts, "text": text, "blocks": list(blocks)},
        )

    async def delete_message(self, channel: str, ts: str) -> None:
        """Delete; a message already gone is fine."""
        try:
            await self.call("chat.delete", params={"channel": channel, "ts": ts})
        except SlackCallFailed as error:
            if error.error != "message_not_found":
                raise

    async def post_ephemeral(
        self, channel: str, user: str, text: str, blocks: Sequence[Mapping[str, Any]]
    ) -> None:
        await self.call(
            "chat.postEphemeral",
            _json={"channel": channel, "user": user, "text": text, "blocks": list(blocks)},
        )

    async def find_tagged_message(
        self,
        channel: str,
        tag: Mapping[str, Any],
        *,
        oldest: float,
        thread_ts: str | None = None,
    ) -> str | None:
        """The ts of a message the bot posted with exactly this metadata payload, if any (in the
        channel's history, or among a thread's replies)."""
        method = "conversations.history" if thread_ts is None else "conversations.replies"
        params: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{oldest:.6f}",
            "include_all_metadata": "true",
        }
        if thread_ts is not None:
            params["ts"] = thread_ts
        async for page in self._pages(method, "messages", page_size=200, **params):
            for message in page:
                metadata = message.get("metadata") or {}
                if metadata.get("event_type") == METADATA_EVENT and _same(
                    metadata.get("event_payload"), tag
                ):
                    return str(message["ts"])
        return None

    # --- views and files ---------------------------------------------------------------------

    async def open_view(self, trigger_id: str, view: Mapping[str, Any]) -> str:
        response = await self.call("views.open", _json={"trigger_id": trigger_id, "view": view})
        return str(response["view"]["id"])

    async def update_view(
        self, view_id: str, view: Mapping[str, Any], view_hash: str | None = None
    ) -> None:
        body: dict[str, Any] = {"view_id": view_id, "view": view}
        if view_hash:
            body["hash"] = view_hash
        await self.call("views.update", _json=body)

    async def upload_file(
        self, channel: str, filename: str, content: bytes, *, title: str, comment: str
    ) -> None:
        """files.getUploadURLExternal + upload + files.completeUploadExternal, via slack-sdk
        (observed as one files.completeUploadExternal: the SDK makes the calls)."""
        method = "files.completeUploadExternal"
        try:
            await self.client.files_upload_v2(
                channel=channel,
                filename=filename,
                content=content,
                title=title,
                initial_comment=comment,
            )
        except SlackApiError as error:
            code = str(error.response.get("error"))
            self._observe(method, code)
            raise SlackCallFailed(method, code) from None
        self._observe(method, "ok")

    async def _pages(
        self, method: str, key: str, *, page_size: int = PAGE_SIZE, **params: Any
    ) -> AsyncIterator[list[Any]]:
        cursor = ""
        while True:
            query = {**params, "limit": page_size}
            if cursor:
                query["cursor"] = cursor
            query = {k: ("true" if v is True else v) for k, v in query.items()}
            response = await self.call(method, http_verb="GET", params=query)
            yield response.get(key, [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor", "")
            if not cursor:
                return


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


def _retry_after(headers: Mapping[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(float(str(raw)), 0.0)
            except (TypeError, ValueError):
                break
    return 1.0


def _backoff(attempt: int) -> float:
    jitter: float = 0.5 + random.random()
    return float(BACKOFF_BASE_SECONDS * 2 ** (attempt - 1) * jitter)
