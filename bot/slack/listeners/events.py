"""Events: people joining a channel become part of its open channel-wide polls."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.services.registry import Services


def register(app: AsyncApp, services: Services) -> None:
    async def handle_member_joined_channel_event(event: dict[str, Any]) -> None:
        services.ctx.track_current_task()
        # Idempotent: a retried delivery finds the person already asked and adds nothing.
        await services.answers.member_joined(event["channel"], event["user"])

    app.event("member_joined_channel")(handle_member_joined_channel_event)
