"""What kind of request Slack sent and the id its log lines carry, read from the payload."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

ACTION_TYPES = frozenset({"block_actions", "block_suggestion", "interactive_message"})
VIEW_TYPES = frozenset({"view_submission", "view_closed"})
KINDS = ("command", "action", "view", "event", "other")


def request_kind(body: Mapping[str, Any]) -> str:
    """command, action, view, event, or other (URL verification, shortcuts, unknown)."""
    if "command" in body:
        return "command"
    payload_type = body.get("type")
    if payload_type in ACTION_TYPES:
        return "action"
    if payload_type in VIEW_TYPES:
        return "view"
    if payload_type == "event_callback":
        return "event"
    return "other"


def request_id(body: Mapping[str, Any]) -> str:
    """Slack's own id where the payload has one (an event's event_id, which a retried delivery
    repeats; the trigger_id of a command, click or submission), else a fresh one."""
    for key in ("event_id", "trigger_id"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return f"req-{secrets.token_hex(6)}"
