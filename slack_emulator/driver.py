"""SlackClientDriver: plays Slack clients and Slack's delivery to the app (HTTP or Socket Mode)."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

import aiohttp

from . import payloads
from .acks import (
    AckProblem,
    AckReply,
    AckTimeoutError,
    Delivery,
    apply_message_ack,
    apply_view_ack,
    parse_ack_body,
)
from .api_functions import parameter_list
from .common import JsonDict
from .interaction import action_payload, find_clickable, find_input, state_entry
from .models import Channel, Ephemeral, Message, View
from .signing import signed_headers

if TYPE_CHECKING:
    from .server import SlackEmulator

Target = Message | Ephemeral | View
SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
SOCKET_TYPES = {"command": "slash_commands", "interactive": "interactive", "event": "events_api"}


class SlackClientDriver:
    """Sends commands, clicks, submissions and events to the app and applies its acks."""

    def __init__(
        self,
        emu: SlackEmulator,
        *,
        mode: Literal["http", "socket"] = "http",
        request_url: str | None = None,
        command_url: str | None = None,
        interactivity_url: str | None = None,
        events_url: str | None = None,
        replicas: Sequence[str] = (),
        ack_timeout: float = 3.0,
        connect_timeout: float = 5.0,
        strict: bool = True,
    ) -> None:
        if mode not in ("http", "socket"):
            raise ValueError(f"unknown mode {mode!r}")
        if mode == "http" and not (request_url or (command_url and interactivity_url) or replicas):
            raise ValueError("HTTP mode needs request_url")
        self.emu = emu
        self.mode = mode
        self.urls = {
            "command": command_url or request_url or "",
            "interactive": interactivity_url or request_url or "",
            "event": events_url or request_url or "",
        }
        # Request URLs taken in turn, as a load balancer in front of several replicas would
        # (and, like one, passing over a replica that refuses connections).
        self.replicas = tuple(replicas)
        self._turn = itertools.count()
        self.ack_timeout = ack_timeout
        self.connect_timeout = connect_timeout
        self.strict = strict
        self.last_delivery: Delivery | None = None
        self._message_state: dict[tuple[str, str], JsonDict] = {}

    async def close(self) -> None:
        """Release the driver (HTTP sessions are per request, so nothing stays open)."""
        self.emu.forget_driver(self)

    # ---- transport ------------------------------------------------------------------------
    def _encode(self, delivery: Delivery) -> tuple[bytes, str]:
        if delivery.kind == "command":
            return urlencode(delivery.payload).encode(), "application/x-www-form-urlencoded"
        if delivery.kind == "interactive":
            form = urlencode({"payload": json.dumps(delivery.payload)})
            return form.encode(), "application/x-www-form-urlencoded"
        return json.dumps(delivery.payload).encode(), "application/json"

    def signed_headers(self, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
        """Slack's signature headers for a raw body (for hand-made requests)."""
        return signed_headers(self.emu.signing_secret, body, timestamp=timestamp)

    async def _deliver(self, delivery: Delivery) -> AckReply:
        self.last_delivery = delivery
        if self.mode == "socket":
            reply = await self._via_socket(delivery)
        else:
            body, ctype = self._encode(delivery)
            headers = {"Content-Type": ctype, **self.signed_headers(body)}
            if delivery.retry_num:
                headers["X-Slack-Retry-Num"] = str(delivery.retry_num)
                headers["X-Slack-Retry-Reason"] = delivery.retry_reason or "http_timeout"
            reply = await self._post_somewhere(delivery.kind, body, headers, delivery)
        if reply.body is not None:
            self.emu.ack_bodies.append(copy.deepcopy(reply.body))
        await self.emu.notify()
        return reply

    async def _post_somewhere(
        self, kind: str, body: bytes, headers: dict[str, str], delivery: Delivery
    ) -> AckReply:
        if not self.replicas:
            return await self._post(self.urls[kind], body, headers, delivery)
        first = next(self._turn)
        for offset in range(len(self.replicas)):
            url = self.replicas[(first + offset) % len(self.replicas)]
            try:
                return await self._post(url, body, headers, delivery)
            except aiohttp.ClientConnectorError:
                continue
        raise AckTimeoutError(delivery, self.ack_timeout)

    async def _post(
        self, url: str, body: bytes, headers: dict[str, str], delivery: Delivery
    ) -> AckReply:
        timeout = aiohttp.ClientTimeout(total=self.ack_timeout)
        all_headers = {"User-Agent": SLACK_USER_AGENT, **headers}
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(url, data=body, headers=all_headers) as resp,
            ):
                raw = await resp.read()
                status, ctype = resp.status, resp.content_type
                resp_headers = dict(resp.headers)
        except TimeoutError:
            raise AckTimeoutError(delivery, self.ack_timeout) from None
        return AckReply(status, parse_ack_body(raw, ctype), delivery, headers=resp_headers)

    async def _via_socket(self, delivery: Delivery) -> AckReply:
        await self.emu.wait_socket_connected(self.connect_timeout)
        accepts = delivery.kind == "command" or (
            delivery.kind == "interactive"
            and delivery.payload.get("type") in ("view_submission", "block_suggestion")
        )
        try:
            _, ack = await self.emu.socket.send_envelope(
                SOCKET_TYPES[delivery.kind],
                delivery.payload,
                accepts_response_payload=accepts,
                timeout=self.ack_timeout,
                retry_attempt=delivery.retry_num,
                retry_reason=delivery.retry_reason,
            )
        except TimeoutError:
            raise AckTimeoutError(delivery, self.ack_timeout) from None
        body = ack.get("payload")
        return AckReply(200, body if isinstance(body, dict) else None, delivery)

    def _finish(self, reply: AckReply) -> AckReply:
        if reply.problems and self.strict:
            raise AckProblem("; ".join(reply.problems))
        return reply

    async def raw_post(
        self, body: bytes, headers: dict[str, str], *, url: str | None = None
    ) -> AckReply:
        """POST exact bytes and headers to the app (HTTP mode), e.g. for signature tests."""
        delivery = Delivery("raw", body)
        return await self._post(url or self.urls["event"], body, headers, delivery)

    async def retry(
        self, previous: AckReply | Delivery | None = None, reason: str = "http_timeout"
    ) -> AckReply:
        """Redeliver a request with the next retry number (X-Slack-Retry-* / retry_attempt)."""
        base = previous.delivery if isinstance(previous, AckReply) else previous
        base = base or self.last_delivery
        if base is None:
            raise AssertionError("nothing was delivered yet")
        again = Delivery(base.kind, base.payload, base.retry_num + 1, reason)
        return await self._deliver(again)

    # ---- slash commands ---------------------------------------------------------------------
    async def slash_command(
        self, user_id: str, channel_id: str, command: str, text: str = ""
    ) -> AckReply:
        """Run `/command text` as a user in a channel ("dm": the app DM); acks shown as in Slack."""
        self._check_user(user_id)
        ws = self.emu.workspace
        if channel_id == "dm":
            channel_id = ws.ensure_dm(user_id).id
        channel = ws.channels.get(channel_id)
        if channel is None and channel_id.startswith("D"):
            # a DM between people: the app is not in it and cannot read it
            channel = Channel(id=channel_id, name=channel_id, is_im=True, members=[user_id])
            ws.channels[channel_id] = channel
        if channel is None:
            raise AssertionError(f"unknown channel {channel_id}")
        if not channel.is_im and user_id not in channel.members:
            raise AssertionError(f"{user_id} is not a member of {channel_id}")
        response_url = self.emu.issue_response_url(channel_id, user_id)
        trigger_id = self.emu.issue_trigger(user_id)
        fields = payloads.slash_command_fields(
            self.emu,
            user_id,
            channel_id,
            command,
            text,
            response_url=response_url,
            trigger_id=trigger_id,
        )
        reply = await self._deliver(Delivery("command", fields))
        reply.response_url, reply.trigger_id = response_url, trigger_id
        apply_message_ack(self.emu, reply, channel_id, user_id)
        await self.emu.notify()
        return self._finish(reply)

    # ---- interactions -----------------------------------------------------------------------
    def _check_user(self, user_id: str) -> None:
        user = self.emu.workspace.users.get(user_id)
        if user is None or user.deleted:
            raise AssertionError(f"{user_id} is not an active user of the workspace")

    def _current(self, user_id: str, target: Target) -> Target:
        ws = self.emu.workspace
        if isinstance(target, Message):
            message = ws.find_message(target.channel, target.ts)
            if message is None:
                raise AssertionError(f"message {target.ts} in {target.channel} is gone")
            channel = ws.channels[message.channel]
            if user_id not in channel.members:
                raise AssertionError(f"{user_id} cannot see {channel.id}")
            return message
        if isinstance(target, Ephemeral):
            eph = ws.find_ephemeral(user_id, target.message_ts)
            if eph is None:
                raise AssertionError(f"ephemeral {target.message_ts} is not shown to {user_id}")
            return eph
        open_views = [*self.emu.views(user_id)]
        home = self.emu.home_view(user_id)
        if home is not None:
            open_views.append(home)
        for view in open_views:
            if view.id == target.id:
                return view
        raise AssertionError(f"view {target.id} is not open for {user_id}")

    def _stored_state(self, target: Target) -> JsonDict:
        if isinstance(target, View):
            return target.state_values
        return self._message_state.setdefault((target.channel, target.ts), {})

    async def _block_action(self, user_id: str, target: Target, action: JsonDict) -> AckReply:
        trigger_id = self.emu.issue_trigger(user_id)
        stored = self._stored_state(target)
        blocks = (target.blocks or []) if not isinstance(target, View) else target.blocks
        state = payloads.current_entries(blocks, stored)
        if isinstance(target, View):
            view_api = target.to_api(
                team_id=self.emu.team_id, app_id=self.emu.app_id, bot_id=self.emu.bot_id
            )
            view_api["state"] = {"values": state}
            payload = payloads.block_actions(
                self.emu,
                user_id,
                container={"type": "view", "view_id": target.id},
                actions=[action],
                trigger_id=trigger_id,
                state=state,
                view=view_api,
            )
            response_url = None
        else:
            is_eph = isinstance(target, Ephemeral)
            response_url = self.emu.issue_response_url(
                target.channel, user_id, target.ts, is_ephemeral=is_eph
            )
            container: JsonDict = {
                "type": "message",
                "message_ts": target.ts,
                "channel_id": target.channel,
                "is_ephemeral": is_eph,
            }
            if target.thread_ts and target.thread_ts != target.ts:
                container["thread_ts"] = target.thread_ts
            message = (
                None
                if isinstance(target, Ephemeral)
                else target.to_api(self.emu.team_id, include_metadata=False)
            )
            payload = payloads.block_actions(
                self.emu,
                user_id,
                container=container,
                actions=[action],
                trigger_id=trigger_id,
                state=state,
                channel_id=target.channel,
                message=message,
                response_url=response_url,
            )
        reply = await self._deliver(Delivery("interactive", payload))
        reply.response_url, reply.trigger_id = response_url, trigger_id
        return self._finish(reply)

    async def click(
        self,
        user_id: str,
        target: Target,
        label: str | None = None,
        *,
        action_id: str | None = None,
        value: str | None = None,
    ) -> AckReply:
        """Click a button (or pick an overflow option) found by its visible label."""
        self._check_user(user_id)
        current = self._current(user_id, target)
        found = find_clickable(current.blocks or [], label, action_id=action_id, value=value)
        action = action_payload(found, payloads.action_ts(self.emu))
        return await self._block_action(user_id, current, action)

    async def forge_click(
        self, user_id: str, target: Target, action_id: str, value: str, *, block_id: str = "forged"
    ) -> AckReply:
        """A button click the surface never showed (a tampered client or a replayed request):
        what the app receives when someone sends an action_id and value of their choosing
        from a message or view they can see. For testing the app's own permission checks."""
        self._check_user(user_id)
        current = self._current(user_id, target)
        action: JsonDict = {
            "type": "button",
            "action_id": action_id,
            "block_id": block_id,
            "text": {"type": "plain_text", "text": "?", "emoji": True},
            "value": value,
            "action_ts": payloads.action_ts(self.emu),
        }
        return await self._block_action(user_id, current, action)

    async def click_as_seen(
        self,
        user_id: str,
        seen: Message,
        label: str | None = None,
        *,
        action_id: str | None = None,
        value: str | None = None,
    ) -> AckReply:
        """Click a button of a message as an earlier copy of it shows it (copy.deepcopy taken
        before a chat.update): a Slack client that has not yet received the update sends what it
        still shows."""
        self._check_user(user_id)
        if self.emu.workspace.find_message(seen.channel, seen.ts) is None:
            raise AssertionError(f"message {seen.ts} in {seen.channel} is gone")
        found = find_clickable(seen.blocks or [], label, action_id=action_id, value=value)
        action = action_payload(found, payloads.action_ts(self.emu))
        return await self._block_action(user_id, seen, action)

    async def select(self, user_id: str, target: Target, key: str, value: Any) -> AckReply | None:
        """Choose a value in a select/radio/checkbox/picker found by block_id, action_id or label.

        Inside an input block without dispatch_action only the state changes (None is returned);
        elsewhere a block_actions payload is delivered.
        """
        self._check_user(user_id)
        current = self._current(user_id, target)
        found = find_input(current.blocks or [], key)
        entry = state_entry(found.element, value)
        self._stored_state(current).setdefault(found.block_id, {})[found.action_id] = entry
        if found.block.get("type") == "input" and not found.block.get("dispatch_action"):
            await self.emu.notify()
            return None
        action = action_payload(found, payloads.action_ts(self.emu), value)
        return await self._block_action(user_id, current, action)

    def _top_view(self, user_id: str, view_id: str | None) -> View:
        stack = self.emu.views(user_id)
        if not stack:
            raise AssertionError(f"{user_id} has no open modal")
        top = stack[-1]
        if view_id is not None and top.id != view_id:
            raise AssertionError(f"view {view_id} is not the top modal of {user_id}")
        return top

    async def fill_view(
        self, user_id: str, values: dict[str, Any], view_id: str | None = None
    ) -> None:
        """Type into the top modal's inputs without submitting it (what a person has typed when
        they then click a button or pick an option inside the modal); keys as in submit_view."""
        self._check_user(user_id)
        view = self._top_view(user_id, view_id)
        view.state_values = payloads.fill_entries(view.blocks, view.state_values, values)
        await self.emu.notify()

    async def submit_view(
        self,
        user_id: str,
        view_id: str | None = None,
        values: dict[str, Any] | None = None,
        *,
        fill: dict[str, Any] | None = None,
    ) -> AckReply:
        """Submit the top modal; `values`/`fill` keys are block_ids, action_ids or labels."""
        self._check_user(user_id)
        view = self._top_view(user_id, view_id)
        if view.definition.get("submit") is None:
            raise AssertionError(f"view {view.id} has no submit button")
        stored = payloads.fill_entries(
            view.blocks, view.state_values, {**(values or {}), **(fill or {})}
        )
        view.state_values = stored
        state = payloads.current_entries(view.blocks, stored)
        refused = payloads.client_problems(view.blocks, state)
        if refused:
            raise AssertionError("Slack would not submit the modal: " + "; ".join(refused))
        view_api = view.to_api(
            team_id=self.emu.team_id, app_id=self.emu.app_id, bot_id=self.emu.bot_id
        )
        view_api["state"] = {"values": state}
        trigger_id = self.emu.issue_trigger(user_id)
        urls = payloads.response_urls_for(self.emu, view, user_id, state)
        payload = payloads.view_submission(self.emu, user_id, view_api, trigger_id, urls)
        reply = await self._deliver(Delivery("interactive", payload))
        reply.trigger_id = trigger_id
        apply_view_ack(self.emu, reply, user_id, view)
        await self.emu.notify()
        return self._finish(reply)

    async def close_view(
        self, user_id: str, view_id: str | None = None, *, clear: bool = False
    ) -> AckReply | None:
        """Cancel the top modal (clear=True: the X, closing the stack); view_closed if asked."""
        view = self._top_view(user_id, view_id)
        stack = self.emu.workspace.modal_stacks[user_id]
        closing = list(stack) if clear else [view]
        for closed in closing:
            stack.remove(closed)
        await self.emu.notify()
        if not view.definition.get("notify_on_close"):
            return None
        view_api = view.to_api(
            team_id=self.emu.team_id, app_id=self.emu.app_id, bot_id=self.emu.bot_id
        )
        payload = payloads.view_closed(self.emu, user_id, view_api, is_cleared=clear)
        return await self._deliver(Delivery("interactive", payload))

    # ---- events -----------------------------------------------------------------------------
    async def event(self, event: JsonDict, *, event_id: str | None = None) -> AckReply:
        """Deliver an Events API event wrapped in event_callback."""
        payload = payloads.event_callback(self.emu, event, event_id=event_id)
        return await self._deliver(Delivery("event", payload))

    async def function_executed(
        self,
        callback_id: str,
        inputs: JsonDict,
        *,
        execution_id: str | None = None,
        title: str | None = None,
    ) -> AckReply:
        """Workflow Builder runs the app's step: Slack starts an execution (with its own short-lived
        bot_access_token) and sends `function_executed`, which needs no event subscription.
        Passing the execution_id of an earlier run redelivers that same execution."""
        functions = self.emu.functions
        known = functions.by_id.get(execution_id or "")
        if known is None:
            functions.check_inputs(callback_id, inputs)
        execution = known or functions.start(
            callback_id, inputs, self.emu.now(), execution_id=execution_id
        )
        declared = functions.declared.get(callback_id, {})
        event: JsonDict = {
            "type": "function_executed",
            "function": {
                "id": f"Fn{callback_id.upper().replace('_', '')[:10]}",
                "callback_id": callback_id,
                "title": declared.get("title", title or callback_id),
                "description": declared.get("description", ""),
                "type": "app",
                "input_parameters": parameter_list(declared.get("input_parameters") or {}),
                "output_parameters": parameter_list(declared.get("output_parameters") or {}),
                "app_id": self.emu.app_id,
                "date_created": int(execution.issued_at),
                "date_updated": int(execution.issued_at),
                "date_deleted": 0,
            },
            "inputs": execution.inputs,
            "function_execution_id": execution.function_execution_id,
            "workflow_execution_id": execution.workflow_execution_id,
            "bot_access_token": execution.bot_access_token,
        }
        return await self.event(event)

    async def app_home_opened(self, user_id: str, tab: str = "home") -> AckReply:
        """The user opens the app's Home (or Messages) tab."""
        event: JsonDict = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self.emu.workspace.ensure_dm(user_id).id,
            "tab": tab,
        }
        home = self.emu.home_view(user_id)
        if home is not None:
            event["view"] = home.to_api(
                team_id=self.emu.team_id, app_id=self.emu.app_id, bot_id=self.emu.bot_id
            )
        return await self.event(event)

    async def user_message(
        self, user_id: str, channel_id: str, text: str, *, thread_ts: str | None = None
    ) -> AckReply:
        """A user posts a message (stored in the emulator) and Slack sends the message event."""
        ws = self.emu.workspace
        channel = ws.ensure_dm(user_id) if channel_id == "dm" else ws.channels[channel_id]
        message = self.emu.add_message(channel.id, user_id, text, thread_ts=thread_ts)
        kind = "im" if channel.is_im else "group" if channel.is_private else "channel"
        event: JsonDict = {
            "type": "message",
            "channel": channel.id,
            "user": user_id,
            "text": text,
            "ts": message.ts,
            "event_ts": message.ts,
            "channel_type": kind,
            "team": self.emu.team_id,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return await self.event(event)
