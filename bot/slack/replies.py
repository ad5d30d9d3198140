"""How a listener answers the person who asked: one place for ack-or-respond, ephemeral replies,
and the polite reply to every known failure."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Literal

import aiohttp
from slack_bolt.async_app import AsyncAck
from slack_bolt.response import BoltResponse

from bot.domain.errors import PollError
from bot.services.background import BackgroundWork
from bot.services.ports import (
    Message,
    OutcomeUnknown,
    SlackError,
    StoreUnavailable,
    TriggerExpired,
)
from bot.slack.blocks import render_error, render_notice, render_notice_view

logger = logging.getLogger(__name__)

Surface = Literal["command", "action", "view", "event"]
Tell = Callable[[str, str | None, Message], Awaitable[None]]
Respond = Callable[..., Awaitable[None]]
RESPONSE_URL_TIMEOUT = aiohttp.ClientTimeout(total=10)


class ResponseUrls:
    """Replies through a request's response_url over the bot's one HTTP session (Bolt's respond
    opens a new connection for every reply). Never repeated: a reply twice is worse than none."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    def for_url(self, url: str) -> Respond:
        async def respond(**payload: Any) -> None:
            await self.post(url, payload)

        return respond

    async def post(self, url: str, payload: dict[str, Any]) -> None:
        try:
            async with self.session.post(url, json=payload, timeout=RESPONSE_URL_TIMEOUT) as reply:
                if reply.status != 200:
                    raise SlackError("response_url", f"http_{reply.status}")
        except (TimeoutError, aiohttp.ClientError) as error:
            raise OutcomeUnknown("response_url", type(error).__name__) from None


def ephemeral(message: Message) -> dict[str, Any]:
    """Keyword arguments for ack()/respond() that show the message to the person only."""
    return {"text": message.text, "blocks": list(message.blocks), "response_type": "ephemeral"}


class Reply:
    """The person's side of one request: who they are, their language, and how to reach them."""

    def __init__(
        self,
        *,
        surface: Surface,
        ack: AsyncAck,
        respond: Respond | None,
        tell: Tell,
        user_id: str,
        channel_id: str | None,
        lang: str,
        work: BackgroundWork,
    ) -> None:
        self.surface = surface
        self.ack = ack
        self.respond = respond
        self.tell = tell
        self.user_id = user_id
        self.channel_id = channel_id
        self.lang = lang
        self.work = work

    @property
    def acked(self) -> bool:
        return self.ack.response is not None

    async def show(
        self, message: Message, *, replace_original: bool = False, acknowledge: bool = True
    ) -> None:
        """Show a message to the person only: in the ack when it is still to come, else through
        the response_url, else as an ephemeral in the channel or a DM. Without acknowledge the
        request stays unacknowledged (Slack shows it failed) and the message comes separately."""
        if not self.acked and acknowledge:
            if self.surface == "command":
                await self.ack(**ephemeral(message))
                return
            if self.surface == "view":
                await self.ack(
                    response_action="update", view=render_notice_view(message, self.lang)
                )
                return
            await self.ack()
        if self.respond is not None:
            # A response_url reply to a click replaces the clicked message unless told
            # otherwise (https://docs.slack.dev/interactivity/handling-user-interaction), so it
            # is always said.
            await self.respond(**ephemeral(message), replace_original=replace_original)
        else:
            await self.tell(self.user_id, self.channel_id, message)

    async def delete_original(self) -> None:
        """Remove the message that was clicked (an ephemeral the person no longer needs)."""
        if self.respond is not None:
            await self.respond(delete_original=True)

    async def notice(self, key: str, *, replace_original: bool = False, **params: object) -> None:
        await self.show(
            render_notice(key, lang=self.lang, **params), replace_original=replace_original
        )

    async def refuse(self, error: PollError) -> None:
        await self.show(render_error(error, lang=self.lang))

    def later(self, work: Coroutine[Any, Any, object], name: str) -> None:
        """Go on after the ack. Bolt answers Slack when a listener returns (the app runs with
        process_before_response), so whatever takes longer than the ack runs as tracked
        background work, with the same polite answer to any known failure."""
        self.work.spawn(self.politely(work, name), name)

    async def politely(self, work: Awaitable[object], name: str) -> BoltResponse | None:
        """Run work; a known failure ends in a message to the person, never in silence. When
        the database was out of reach before the ack, the answer for Slack is a 503: Bolt would
        send an unacknowledged request a 200, and Slack would show it as received."""
        try:
            await work
        except PollError as error:
            await self.refuse(error)
        except TriggerExpired:
            await self.notice("error.trigger_expired")
        except SlackError as error:
            logger.warning("%s failed in %s: %s", error.method, name, error.code)
            await self.notice("error.slack_failed")
        except StoreUnavailable as error:
            # Nothing was stored, so nothing is acknowledged: Slack shows the request failed
            # (and keeps a form open), and the person reads why and tries again.
            logger.warning("the database is unavailable in %s: %s", name, error)
            message = render_notice("error.store_unavailable", lang=self.lang)
            unacknowledged = not self.acked
            await self.show(message, acknowledge=False)
            if unacknowledged:
                return BoltResponse(status=503, body="")
        except Exception:
            # A bug: logged with its traceback, and the person still hears that it failed.
            logger.exception("%s failed", name)
            await self.notice("error.generic")
        return None


Listener = Callable[..., Awaitable[BoltResponse | None]]


def guarded(handler: Listener) -> Listener:
    """A listener that ends in a message to the person whatever known failure stops it.

    It runs inline: Bolt answers Slack when it returns, so a handler acks, hands what follows
    to reply.later(), and returns; a task started for the whole handler would cost the ack a
    pass through the event loop's ready tasks, which in a burst is tens of milliseconds."""
    if "reply" not in inspect.signature(handler).parameters:
        raise TypeError(f"{handler.__name__} must take reply to be guarded")

    @functools.wraps(handler)
    async def guarded_listener(**kwargs: Any) -> BoltResponse | None:
        reply: Reply = kwargs["reply"]
        return await reply.politely(handler(**kwargs), handler.__name__)

    return guarded_listener
