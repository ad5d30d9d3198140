"""Events: people joining a channel become part of its open channel-wide polls; opening the
Home tab publishes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp

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
