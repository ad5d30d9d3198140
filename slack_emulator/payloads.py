"""Builders of the payloads Slack delivers to an app: commands, interactions and events."""

from __future__ import annotations

import copy
import secrets
from typing import TYPE_CHECKING, Any

from .common import JsonDict
from .interaction import Found, elements, find_input, initial_value, is_empty, state_entry, text_of
from .models import View

if TYPE_CHECKING:
    from .server import SlackEmulator

VERIFICATION_TOKEN = "emulator-verification-token"


def action_ts(emu: SlackEmulator) -> str:
    """An action_ts like "1700000000.123456", from the emulator clock."""
    return emu.workspace.next_ts()


def user_obj(emu: SlackEmulator, user_id: str) -> JsonDict:
    """The `user` object of interaction payloads."""
    user = emu.workspace.users.get(user_id)
    name = user.name if user else user_id
    return {"id": user_id, "username": name, "name": name, "team_id": emu.team_id}


def team_obj(emu: SlackEmulator) -> JsonDict:
    """The `team` object of interaction payloads (with the organization in a Grid workspace)."""
    team: JsonDict = {"id": emu.team_id, "domain": emu.workspace.ident.team_domain}
    if emu.enterprise_id is not None:
        team.update(enterprise_id=emu.enterprise_id, enterprise_name=emu.enterprise_name)
    return team


def enterprise_obj(emu: SlackEmulator) -> JsonDict | None:
    """The `enterprise` object of interaction payloads: null outside Enterprise Grid."""
    if emu.enterprise_id is None:
        return None
    return {"id": emu.enterprise_id, "name": emu.enterprise_name}


def authorization(emu: SlackEmulator) -> JsonDict:
    """The app's installation an Events API delivery is for (`authorizations[0]`).

    An org-wide installation belongs to no single workspace: its team_id is null."""
    return {
        "enterprise_id": emu.enterprise_id,
        "team_id": None if emu.enterprise_install else emu.team_id,
        "user_id": emu.bot_user_id,
        "is_bot": True,
        "is_enterprise_install": emu.enterprise_install,
    }


def channel_name(emu: SlackEmulator, channel_id: str) -> str:
    """The channel name Slack puts in command and interaction payloads."""
    channel = emu.workspace.channels.get(channel_id)
    if channel_id.startswith("D") or (channel is not None and channel.is_im):
        return "directmessage"
    if channel is not None and channel.is_mpim:
        return "mpdm"
    return channel.name if channel is not None else "privategroup"


def slash_command_fields(
    emu: SlackEmulator,
    user_id: str,
    channel_id: str,
    command: str,
    text: str,
    *,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """The form fields of a slash command request, in Slack's order."""
    user = emu.workspace.users.get(user_id)
    grid = (
        {"enterprise_id": emu.enterprise_id, "enterprise_name": str(emu.enterprise_name)}
        if emu.enterprise_id is not None
        else {}
    )
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": emu.team_id,
        "team_domain": emu.workspace.ident.team_domain,
        **grid,
        "channel_id": channel_id,
        "channel_name": channel_name(emu, channel_id),
        "user_id": user_id,
        "user_name": user.name if user else user_id,
        "command": command,
        "text": text,
        "api_app_id": emu.app_id,
        "is_enterprise_install": "true" if emu.enterprise_install else "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def _base(emu: SlackEmulator, kind: str, user_id: str) -> JsonDict:
    return {
        "type": kind,
        "user": user_obj(emu, user_id),
        "api_app_id": emu.app_id,
        "token": VERIFICATION_TOKEN,
        "team": team_obj(emu),
        "enterprise": enterprise_obj(emu),
        "is_enterprise_install": emu.enterprise_install,
    }


def block_actions(
    emu: SlackEmulator,
    user_id: str,
    *,
    container: JsonDict,
    actions: list[JsonDict],
    trigger_id: str,
    state: JsonDict,
    channel_id: str | None = None,
    message: JsonDict | None = None,
    view: JsonDict | None = None,
    response_url: str | None = None,
) -> JsonDict:
    """A block_actions payload for a message (channel, message, response_url) or a view."""
    payload = _base(emu, "block_actions", user_id)
    payload.update(container=container, trigger_id=trigger_id)
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": channel_name(emu, channel_id)}
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view
    payload["state"] = {"values": state}
    if response_url is not None:
        payload["response_url"] = response_url
    payload["actions"] = actions
    return payload


def view_submission(
    emu: SlackEmulator,
    user_id: str,
    view: JsonDict,
    trigger_id: str,
    response_urls: list[JsonDict],
) -> JsonDict:
    """A view_submission payload."""
    payload = _base(emu, "view_submission", user_id)
    payload.update(trigger_id=trigger_id, view=view, response_urls=response_urls)
    return payload


def view_closed(emu: SlackEmulator, user_id: str, view: JsonDict, *, is_cleared: bool) -> JsonDict:
    """A view_closed payload."""
    payload = _base(emu, "view_closed", user_id)
    payload.update(view=view, is_cleared=is_cleared)
    return payload


def event_callback(emu: SlackEmulator, event: JsonDict, *, event_id: str | None = None) -> JsonDict:
    """The Events API `event_callback` wrapper around an event."""
    inner = copy.deepcopy(event)
    inner.setdefault("event_ts", emu.workspace.next_ts())
    envelope: JsonDict = {
        "token": VERIFICATION_TOKEN,
        "team_id": emu.team_id,
        "context_team_id": emu.team_id,
        "context_enterprise_id": emu.enterprise_id,
        "api_app_id": emu.app_id,
        "event": inner,
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": emu.workspace.unix_time(),
        "authorizations": [authorization(emu)],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_urlsafe(24)}",
    }
    if emu.enterprise_id is not None:
        envelope["enterprise_id"] = emu.enterprise_id
    return envelope


def current_entries(blocks: list[JsonDict], stored: JsonDict) -> dict[str, dict[str, JsonDict]]:
    """State of every input block (stored > initial > empty) plus other touched elements."""
    values: dict[str, dict[str, JsonDict]] = {}
    for f in elements(blocks):
        if f.block.get("type") != "input" and f.action_id not in stored.get(f.block_id, {}):
            continue
        entry = stored.get(f.block_id, {}).get(f.action_id)
        if entry is None:
            entry = state_entry(f.element, initial_value(f.element))
        values.setdefault(f.block_id, {})[f.action_id] = copy.deepcopy(entry)
    return values


def fill_entries(blocks: list[JsonDict], stored: JsonDict, values: dict[str, Any]) -> JsonDict:
    """Apply user input (keys: block_id, action_id or visible label) over the stored state."""
    state = copy.deepcopy(stored)
    for key, value in values.items():
        found = find_input(blocks, key)
        state.setdefault(found.block_id, {})[found.action_id] = state_entry(found.element, value)
    return state


def client_problems(blocks: list[JsonDict], state: dict[str, dict[str, JsonDict]]) -> list[str]:
    """Rules the Slack client enforces before it lets a user submit a modal."""
    problems: list[str] = []
    for f in elements(blocks):
        if f.block.get("type") != "input":
            continue
        entry = state.get(f.block_id, {}).get(f.action_id, {"type": f.type})
        label = text_of(f.block.get("label")) or f.block_id
        if is_empty(entry):
            if not f.block.get("optional", False):
                problems.append(f"required input {label!r} is empty")
            continue
        problems.extend(_element_rules(f, entry, label))
    return problems


def _element_rules(f: Found, entry: JsonDict, label: str) -> list[str]:
    el = f.element
    problems: list[str] = []
    if f.type == "plain_text_input":
        value = str(entry.get("value") or "")
        if len(value) > int(el.get("max_length", 3000)):
            problems.append(f"input {label!r} is longer than max_length")
        if len(value) < int(el.get("min_length", 0)):
            problems.append(f"input {label!r} is shorter than min_length")
    elif f.type == "number_input":
        raw = str(entry.get("value"))
        try:
            number = float(raw)
        except ValueError:
            return [f"input {label!r} is not a number"]
        if not el.get("is_decimal_allowed") and not raw.lstrip("-").isdigit():
            problems.append(f"input {label!r} must be a whole number")
        if "min_value" in el and number < float(el["min_value"]):
            problems.append(f"input {label!r} is below min_value")
        if "max_value" in el and number > float(el["max_value"]):
            problems.append(f"input {label!r} is above max_value")
    max_items = el.get("max_selected_items")
    chosen = [v for k, v in entry.items() if isinstance(v, list)]
    if isinstance(max_items, int) and chosen and len(chosen[0]) > max_items:
        problems.append(f"input {label!r} has more than max_selected_items")
    return problems


def response_urls_for(
    emu: SlackEmulator, view: View, user_id: str, state: JsonDict
) -> list[JsonDict]:
    """response_urls of a view_submission: conversation selects with response_url_enabled."""
    urls: list[JsonDict] = []
    for f in elements(view.blocks):
        if f.block.get("type") != "input" or not f.element.get("response_url_enabled"):
            continue
        entry = state.get(f.block_id, {}).get(f.action_id, {})
        channel = entry.get("selected_conversation") or entry.get("selected_channel")
        if channel:
            urls.append(
                {
                    "block_id": f.block_id,
                    "action_id": f.action_id,
                    "channel_id": channel,
                    "response_url": emu.issue_response_url(str(channel), user_id),
                }
            )
    return urls
