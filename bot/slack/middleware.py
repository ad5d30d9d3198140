"""The Bolt middleware every request passes: when it arrived, who asks, in which language, and
the Reply that listeners answer them with (all put into Bolt's context)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.services.background import BackgroundWork
from bot.services.people import PeopleDirectory
from bot.services.ports import Clock
from bot.services.ports.workspaces import WorkspaceKey, enter_workspace
from bot.slack.installations import workspace_key
from bot.slack.replies import Reply, ResponseUrls, Surface, Tell
from bot.slack.requests import request_kind

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
        # Known people only (memory, then the database): nothing before the ack waits on Slack.
        lang = await people.language_of(user_id) if user_id else people.default_language
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


def workspace_of(context: AsyncBoltContext) -> WorkspaceKey:
    """The workspace a request comes from, keyed as Bolt keys its installation."""
    return workspace_key(context.enterprise_id, context.team_id, context.is_enterprise_install)
