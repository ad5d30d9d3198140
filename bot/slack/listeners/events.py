"""Events: people joining a channel become part of its open channel-wide polls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp

if TYPE_CHECKING:
    from bot.slack.listeners import UseCases


def register(app: AsyncApp, uses: UseCases) -> None:
    async def handle_member_joined_channel_event(event: dict[str, Any]) -> None:
        uses.work.track_current_task()
        # Idempotent: a retried delivery finds the person already asked and adds nothing.
        await uses.answering.member_joined(event["channel"], event["user"])

    app.event("member_joined_channel")(handle_member_joined_channel_event)
