"""Turning rendered messages and known failures into what ack() and respond() take."""

from __future__ import annotations

from typing import Any

from bot.domain.errors import PollError
from bot.slack.blocks import Message, render_error


def ephemeral(message: Message, *, replace_original: bool = False) -> dict[str, Any]:
    """Keyword arguments for ack()/respond() that show the message to the person only."""
    reply: dict[str, Any] = {
        "text": message.text,
        "blocks": message.blocks,
        "response_type": "ephemeral",
    }
    if replace_original:
        reply["replace_original"] = True
    return reply


def error_reply(error: PollError, lang: str) -> dict[str, Any]:
    return ephemeral(render_error(error, lang=lang))
