"""What Slack does with an app's ack: command responses and view_submission response_action."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .api_views import MAX_MODAL_STACK, replace_definition
from .blockkit import VIEW_MAX_BYTES, validate_blocks, validate_view, view_size
from .common import JsonDict, new_id
from .models import Ephemeral, Message, View

if TYPE_CHECKING:
    from .server import SlackEmulator


@dataclass
class Delivery:
    """One request Slack delivered to the app (kept so it can be retried)."""

    kind: str  # "command" | "interactive" | "event"
    payload: Any
    retry_num: int = 0
    retry_reason: str | None = None


@dataclass
class AckReply:
    """The app's acknowledgement, the same for HTTP and Socket Mode.

    `status` is the HTTP status (200 for a Socket Mode ack); `body` is the parsed JSON,
    `{"text": ...}` for a plain-text body, or None for an empty one.
    """

    status: int
    body: JsonDict | None
    delivery: Delivery
    response_url: str | None = None
    trigger_id: str | None = None
    problems: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True for an HTTP 200 / Socket Mode ack."""
        return self.status == 200

    @property
    def text(self) -> str | None:
        """The `text` of the body, if any."""
        return None if self.body is None else self.body.get("text")

    @property
    def response_action(self) -> str | None:
        """view_submission `response_action`, if any."""
        return None if self.body is None else self.body.get("response_action")

    @property
    def errors(self) -> dict[str, str]:
        """view_submission `errors` (block_id → message)."""
        errors = (self.body or {}).get("errors")
        return dict(errors) if isinstance(errors, dict) else {}


class AckTimeoutError(AssertionError):
    """The app did not acknowledge within the ack timeout (Slack shows a timeout)."""

    def __init__(self, delivery: Delivery, timeout: float) -> None:
        super().__init__(f"no ack for {delivery.kind} within {timeout}s")
        self.delivery = delivery
        self.timeout = timeout


class AckProblem(AssertionError):
    """The app's ack would be rejected or misbehave in a real Slack client."""


def parse_ack_body(raw: bytes, content_type: str) -> JsonDict | None:
    """An ack's HTTP body as the driver reports it: JSON, {"text": …} for plain text, or None."""
    if not raw.strip():
        return None
    if content_type == "application/json":
        loaded = json.loads(raw)
        return loaded if isinstance(loaded, dict) else {"value": loaded}
    return {"text": raw.decode("utf-8", errors="replace")}


def apply_message_ack(emu: SlackEmulator, reply: AckReply, channel_id: str, user_id: str) -> None:
    """A slash command ack body becomes an ephemeral (default) or an in_channel message."""
    body = reply.body
    if not reply.ok or not body:
        return
    text = body.get("text")
    blocks = body.get("blocks")
    if not text and not blocks:
        if set(body) - {"response_type"}:
            reply.problems.append(f"ack body has neither text nor blocks: {sorted(body)}")
        return
    if blocks is not None:
        errors = validate_blocks(blocks, surface="message")
        if errors:
            reply.problems.extend(errors)
            return
    ws = emu.workspace
    if body.get("response_type") == "in_channel":
        ws.store_message(
            Message(
                ts=ws.next_ts(),
                channel=channel_id,
                user=emu.bot_user_id,
                text=str(text or ""),
                blocks=blocks,
                bot_id=emu.bot_id,
                app_id=emu.app_id,
                via="ack",
            )
        )
    else:
        ws.ephemerals.append(
            Ephemeral(
                message_ts=ws.next_ts(),
                channel=channel_id,
                user=user_id,
                text=str(text or ""),
                blocks=blocks,
                via="ack",
            )
        )


def _checked_view(reply: AckReply, definition: Any) -> JsonDict | None:
    errors = validate_view(definition, expected="modal")
    if not errors and view_size(definition) > VIEW_MAX_BYTES:
        errors = ["view_too_large"]
    if errors:
        reply.problems.extend(errors)
        return None
    assert isinstance(definition, dict)
    return copy.deepcopy(definition)


def apply_view_ack(emu: SlackEmulator, reply: AckReply, user_id: str, view: View) -> None:
    """Apply a view_submission ack: close, errors, update, push or clear."""
    stack = emu.workspace.modal_stacks.setdefault(user_id, [])
    view.errors = {}
    if not reply.ok:
        reply.problems.append(f"view_submission answered HTTP {reply.status}")
        return
    body = reply.body or {}
    action = body.get("response_action")
    if not body:
        if view in stack:
            stack.remove(view)
        return
    if action == "errors":
        errors = body.get("errors")
        input_ids = {
            str(b.get("block_id"))
            for b in view.blocks
            if isinstance(b, dict) and b.get("type") == "input"
        }
        if not isinstance(errors, dict) or not errors:
            reply.problems.append("response_action errors without an errors object")
        else:
            unknown = sorted(set(errors) - input_ids)
            if unknown:
                reply.problems.append(f"errors name non-input block_ids: {unknown}")
            else:
                view.errors = {str(k): str(v) for k, v in errors.items()}
        return
    if action == "clear":
        stack.clear()
        return
    if action in ("update", "push"):
        definition = _checked_view(reply, body.get("view"))
        if definition is None:
            return
        if action == "update":
            replace_definition(emu, view, definition)
            return
        if len(stack) >= MAX_MODAL_STACK:
            reply.problems.append("push_limit_reached")
            return
        stack.append(
            View(
                id=new_id("V"),
                user_id=user_id,
                definition=definition,
                hash=emu.workspace.new_view_hash(),
                root_view_id=stack[0].id if stack else view.id,
                previous_view_id=stack[-1].id if stack else None,
            )
        )
        return
    reply.problems.append(f"unexpected view_submission ack body: {body}")
