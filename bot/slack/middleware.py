"""The Bolt middleware every request passes: when it arrived, who asks, in which language, and
the Reply that listeners answer them with (all put into Bolt's context)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.services.background import BackgroundWork
from bot.services.people import PeopleDirectory
from bot.services.ports import Clock, StoreUnavailable
from bot.services.ports.workspaces import WorkspaceKey, enter_workspace
from bot.slack.installations import workspace_key
from bot.slack.replies import Reply, ResponseUrls, Surface, Tell
from bot.slack.requests import request_kind

logger = logging.getLogger(__name__)
Middleware = Callable[..., Awaitable[None]]
_SURFACES: dict[str, Surface] = {"command": "command", "action": "action", "view": "view"}


def request_context(
    people: PeopleDirectory,
    tell: Tell,
    work: BackgroundWork,
    clock: Clock,
    response_urls: ResponseUrls,
    *,
    many_workspaces: bool = False,
) -> Middleware:
    """Bolt middleware: the workspace (with many), received_at, lang and reply for every
    listener."""

    async def wishbot_request_context(
        context: AsyncBoltContext, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> None:
        if many_workspaces:
            # Everything the listener does from here on (and the work it leaves running) is in
            # this workspace: its token, its rows.
            enter_workspace(workspace_of(context))
        # Stamped on arrival by the bot's one clock, so that answers compare like with like.
        context["received_at"] = clock.now()
        user_id = context.user_id or ""
        lang = await language_of(people, user_id)
        context["lang"] = lang
        context["reply"] = Reply(
            surface=_SURFACES.get(request_kind(body), "event"),
            ack=context.ack,
            respond=response_urls.for_url(url) if (url := body.get("response_url")) else None,
            tell=tell,
            user_id=user_id,
            channel_id=context.channel_id,
            lang=lang,
            work=work,
        )
        await next()

    return wishbot_request_context


async def language_of(people: PeopleDirectory, user_id: str) -> str:
    """Known people only (memory, then the database): nothing before the ack waits on Slack.
    With the database out of reach the default language serves: the listener still runs, so
    the person hears (in the ack's place) that nothing could be stored, never silence."""
    if not user_id:
        return people.default_language
    try:
        return await people.language_of(user_id)
    except StoreUnavailable as error:
        logger.warning("the language of a person is unknown, the database is away: %s", error)
        return people.default_language


def workspace_of(context: AsyncBoltContext) -> WorkspaceKey:
    """The workspace a request comes from, keyed as Bolt keys its installation."""
    return workspace_key(context.enterprise_id, context.team_id, context.is_enterprise_install)
