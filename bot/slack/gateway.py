"""The Web API calls Wishbot makes (the SlackPort of the use cases), with rate limits, retries and
pagination handled once.

A 429 pauses every later call of the same method until its Retry-After has passed (Slack's
limits are per method), then the call is repeated: Slack did not carry it out. A timeout, a lost
connection or a server error is different: the call may have been carried out. Reads, updates and
deletes are repeated with backoff; a post is not repeated blindly: a post with a tag is looked up
in Slack's history first and repeated only when it is not there, and one without a tag fails with
OutcomeUnknown."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.domain.model import Person
from bot.services.ports import (
    ChannelInfo,
    ChannelNotFound,
    Clock,
    Message,
    MessageTag,
    OutcomeUnknown,
    PostedMessage,
    SlackError,
    TriggerExpired,
    UserGroupNotFound,
    View,
)

logger = logging.getLogger(__name__)

MAX_RATE_LIMIT_WAITS = 20
MAX_FAULT_RETRIES = 4
# A tagged post whose outcome stays unknown is looked up and tried again this many times.
MAX_UNCERTAIN_POSTS = 3
BACKOFF_BASE_SECONDS = 0.25
PAGE_SIZE = 1000
METADATA_EVENT = "wishbot_message"
# Slack's clock and ours may differ a little: a lookup of a post looks back this much further.
LOOKUP_MARGIN = timedelta(minutes=10)

# Methods that change nothing, or change it to the same result when repeated.
IDEMPOTENT: Final = frozenset(
    {
        "auth.test",
        "chat.update",
        "chat.delete",
        "chat.getPermalink",
        "conversations.history",
        "conversations.info",
        "conversations.join",
        "conversations.members",
        "conversations.open",
        "conversations.replies",
        "usergroups.list",
        "usergroups.users.list",
        "users.info",
        "users.list",
        "views.update",
        "views.publish",
    }
)
TRIGGER_ERRORS: Final = frozenset(
    {"expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"}
)

ErrorTypes = Mapping[str, type[SlackError]]
CallObserver = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class BotIdentity:
    user_id: str
    user_name: str
    team_id: str
    team_name: str
    bot_id: str | None


def build_client(token: str, base_url: str, timeout: int) -> AsyncWebClient:
    """A Web API client that never repeats a call on its own: slack_sdk's default connection
    retry would post a message twice when only the answer was lost; the gateway decides."""
    return AsyncWebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


class SlackGateway:
    """Every call Wishbot makes to Slack goes through here."""

    def __init__(
        self, client: AsyncWebClient, clock: Clock, observe: CallObserver | None = None
    ) -> None:
        self.client = client
        self.clock = clock
        self._paused_until: dict[str, datetime] = {}
        self._observe = observe or (lambda method, outcome: None)

    # --- the call itself -------------------------------------------------------------------

    async def call(
        self, method: str, *, errors: ErrorTypes | None = None, **kwargs: Any
    ) -> AsyncSlackResponse:
        """Call a method through the rate-limit and retry rules; a failure raises SlackError
        (or the subclass errors names for Slack's code)."""
        json_body = kwargs.pop("_json", None)
        repeatable = method in IDEMPOTENT
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
                if status >= 500:
                    self._observe(method, "server_error")
                    if not repeatable:
                        raise OutcomeUnknown(method, f"http_{status}") from None
                    if faults < MAX_FAULT_RETRIES:
                        faults += 1
                        await self._back_off(faults)
                        continue
                code = str(error.response.get("error") or f"http_{status}")
                self._observe(method, code)
                raise (errors or {}).get(code, SlackError)(method, code) from None
            except (TimeoutError, aiohttp.ClientError) as error:
                self._observe(method, "transport_error")
                # Not even connected: the request never reached Slack, so it is safe to repeat.
                unsent = isinstance(error, aiohttp.ClientConnectorError)
                if not (repeatable or unsent):
                    raise OutcomeUnknown(method, type(error).__name__) from None
                if faults < MAX_FAULT_RETRIES:
                    faults += 1
                    await self._back_off(faults)
                    continue
                raise SlackError(method, type(error).__name__) from None
            self._observe(method, "ok")
            return response

    async def _wait_if_paused(self, method: str) -> None:
        # Another 429 may push the pause further while this call sleeps.
        while (until := self._paused_until.get(method)) is not None and until > self.clock.now():
            await self.clock.sleep_until(until)

    def _pause(self, method: str, seconds: float) -> None:
        until = self.clock.now() + timedelta(seconds=seconds)
        current = self._paused_until.get(method)
        self._paused_until[method] = until if current is None else max(current, until)
        logger.info("Slack rate-limited %s: pausing it for %.1f s", method, seconds)

    async def _back_off(self, attempt: int) -> None:
        jitter = 0.5 + random.random()
        delay = BACKOFF_BASE_SECONDS * 2 ** (attempt - 1) * jitter
        await self.clock.sleep_until(self.clock.now() + timedelta(seconds=delay))

    # --- identity and people ---------------------------------------------------------------

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
        params = {"user": user_id, "include_locale": "true"}
        data = (await self.call("users.info", http_verb="GET", params=params)).data
        assert isinstance(data, dict)
        return _person(data["user"])

    async def channel_members(self, channel_id: str) -> list[str]:
        members: list[str] = []
        async for page in self._pages("conversations.members", "members", channel=channel_id):
            members.extend(str(m) for m in page)
        return members

    async def usergroup_members(self, usergroup_id: str) -> list[str]:
        response = await self.call(
            "usergroups.users.list",
            http_verb="GET",
            params={"usergroup": usergroup_id},
            errors={"no_such_subteam": UserGroupNotFound},
        )
        users: list[object] = response.get("users", [])
        return [str(u) for u in users]

    async def usergroup_ids_by_handle(self) -> dict[str, str]:
        response = await self.call("usergroups.list", http_verb="GET", params={})
        groups: list[dict[str, Any]] = response.get("usergroups", [])
        return {str(g["handle"]).lower(): str(g["id"]) for g in groups if g.get("handle")}

    async def channel_info(self, channel_id: str) -> ChannelInfo:
        response = await self.call(
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
        await self.call("conversations.join", params={"channel": channel_id})

    async def open_dm(self, user_id: str) -> str:
        response = await self.call("conversations.open", params={"users": user_id})
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
                response = await self.call("chat.postMessage", _json=body)
            except OutcomeUnknown as unknown:
                if tag is None or attempt == MAX_UNCERTAIN_POSTS:
                    raise
                logger.info("no answer to a post in %s (%s): looking it up", channel, unknown.code)
                found = await self._find_posted(channel, tag, started, thread_ts)
                if found is not None:
                    return found
                await self._back_off(attempt)
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
        await self.call("chat.update", _json=body)

    async def delete(self, channel: str, ts: str) -> None:
        """Delete; a message already gone is fine."""
        try:
            await self.call("chat.delete", params={"channel": channel, "ts": ts})
        except SlackError as error:
            if error.code != "message_not_found":
                raise

    async def post_ephemeral(self, channel: str, user_id: str, message: Message) -> None:
        body = {
            "channel": channel,
            "user": user_id,
            "text": message.text,
            "blocks": list(message.blocks),
        }
        await self.call("chat.postEphemeral", _json=body)

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
        async for page in self._pages(method, "messages", page_size=200, **params):
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
        response = await self.call(
            "views.open",
            _json={"trigger_id": trigger_id, "view": dict(view)},
            errors=dict.fromkeys(TRIGGER_ERRORS, TriggerExpired),
        )
        return str(response["view"]["id"])

    async def update_view(self, view_id: str, view: View, view_hash: str | None = None) -> None:
        body: dict[str, Any] = {"view_id": view_id, "view": dict(view)}
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
            raise SlackError(method, code) from None
        except (TimeoutError, aiohttp.ClientError) as error:
            self._observe(method, "transport_error")
            raise OutcomeUnknown(method, type(error).__name__) from None
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
