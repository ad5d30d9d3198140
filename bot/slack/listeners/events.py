"""Events: people joining a channel become part of its open channel-wide polls; opening the
Home tab publishes it; with many workspaces, a workspace removing the app is left."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.services.departures import Departures
from bot.services.ports.workspaces import WorkspaceKey
from bot.slack.middleware import workspace_of
from bot.slack.replies import Reply, guarded

if TYPE_CHECKING:
    from bot.slack.listeners import UseCases


def register(app: AsyncApp, uses: UseCases) -> None:
    @guarded
    async def handle_member_joined_channel_event(event: dict[str, Any], reply: Reply) -> None:
        # Bolt acknowledges the event when this returns; the work goes on after that.
        # Idempotent: a retried delivery finds the person already asked and adds nothing.
        joined = uses.answering.member_joined(event["channel"], event["user"])
        reply.later(joined, "member-joined")

    @guarded
    async def handle_app_home_opened_event(
        event: dict[str, Any], body: dict[str, Any], reply: Reply
    ) -> None:
        # The Messages tab opens the DM, which needs nothing from the bot.
        if event.get("tab") != "home":
            return
        team_id = str(body.get("team_id") or "")
        reply.later(uses.home.opened(event["user"], team_id), "home-opened")

    app.event("member_joined_channel")(handle_member_joined_channel_event)
    app.event("app_home_opened")(handle_app_home_opened_event)
    if uses.departures is not None:
        _register_departures(app, uses.departures)


def _register_departures(app: AsyncApp, departures: Departures) -> None:
    # Slack sends both when a workspace removes the app (tokens_revoked first); either alone
    # means the bot can no longer act there. Bolt delivers them without authorizing (the tokens
    # are gone). Leaving is done before Bolt's ack (when the handler returns): a failure leaves
    # the event unacknowledged for Slack to send again, and a repeat finds nothing left to do;
    # the purge follows the ack.
    async def leave(workspace: WorkspaceKey, reply: Reply) -> None:
        await departures.left(workspace)
        reply.later(departures.purge(workspace), "purge-workspace")

    @guarded
    async def handle_app_uninstalled_event(context: AsyncBoltContext, reply: Reply) -> None:
        await leave(workspace_of(context), reply)

    @guarded
    async def handle_tokens_revoked_event(
        event: dict[str, Any], context: AsyncBoltContext, reply: Reply
    ) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await leave(workspace_of(context), reply)

    app.event("app_uninstalled")(handle_app_uninstalled_event)
    app.event("tokens_revoked")(handle_tokens_revoked_event)
