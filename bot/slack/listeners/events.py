"""Events: people joining a channel become part of its open channel-wide polls."""

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

    app.event("member_joined_channel")(handle_member_joined_channel_event)
