"""Web API handlers for views.open, views.push, views.update and views.publish."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .blockkit import VIEW_MAX_BYTES, Surface, iter_elements, validate_view, view_size
from .common import Args, JsonDict, SlackFailure, invalid_arguments, json_arg, new_id, opt_str
from .models import View

if TYPE_CHECKING:
    from .server import SlackEmulator

MAX_MODAL_STACK = 3


def parse_view(raw: Any, *, expected: Surface | None) -> JsonDict:
    """Decode and validate a view definition (JSON string or object)."""
    if raw is None or raw == "":
        raise invalid_arguments(["missing required field: view"])
    try:
        view = json_arg(raw, error="invalid_arguments")
    except SlackFailure:
        raise invalid_arguments(["must provide an object [json-pointer:/view]"]) from None
    if not isinstance(view, dict):
        raise invalid_arguments(["must provide an object [json-pointer:/view]"])
    if view_size(view) > VIEW_MAX_BYTES:
        raise SlackFailure("view_too_large")
    errors = validate_view(view, expected=expected)
    if errors:
        raise invalid_arguments(errors)
    return view


def _trigger_user(emu: SlackEmulator, args: Args) -> str:
    trigger_id = opt_str(args, "trigger_id") or opt_str(args, "interactivity_pointer")
    if trigger_id is None:
        raise invalid_arguments(["missing required field: trigger_id"])
    return emu.workspace.exchange_trigger(trigger_id, emu.trigger_ttl).user_id


def _check_external_id(emu: SlackEmulator, view: JsonDict, except_view: str | None) -> None:
    external_id = view.get("external_id")
    if external_id and emu.workspace.external_id_taken(str(external_id), except_view):
        raise SlackFailure("duplicate_external_id")


def _reply(emu: SlackEmulator, view: View) -> JsonDict:
    return {
        "ok": True,
        "view": view.to_api(team_id=emu.team_id, app_id=emu.app_id, bot_id=emu.bot_id),
    }


def open_view(emu: SlackEmulator, args: Args) -> JsonDict:
    """views.open: a new modal stack for the trigger's user."""
    definition = parse_view(args.get("view"), expected="modal")
    _check_external_id(emu, definition, None)
    user_id = _trigger_user(emu, args)
    view_id = new_id("V")
    view = View(
        id=view_id,
        user_id=user_id,
        definition=definition,
        hash=emu.workspace.new_view_hash(),
        root_view_id=view_id,
    )
    emu.workspace.modal_stacks[user_id] = [view]
    return _reply(emu, view)


def push_view(emu: SlackEmulator, args: Args) -> JsonDict:
    """views.push: on top of the user's open modal; at most 3 views in a stack."""
    definition = parse_view(args.get("view"), expected="modal")
    _check_external_id(emu, definition, None)
    user_id = _trigger_user(emu, args)
    stack = emu.workspace.modal_stacks.get(user_id) or []
    if not stack:
        raise SlackFailure("not_found")
    if len(stack) >= MAX_MODAL_STACK:
        raise SlackFailure("push_limit_reached")
    view = View(
        id=new_id("V"),
        user_id=user_id,
        definition=definition,
        hash=emu.workspace.new_view_hash(),
        root_view_id=stack[0].id,
        previous_view_id=stack[-1].id,
    )
    stack.append(view)
    return _reply(emu, view)


def keep_state(old: View, definition: JsonDict) -> JsonDict:
    """State values that survive an update: same block_id and action_id."""
    kept: JsonDict = {}
    for block in definition.get("blocks") or []:
        if not isinstance(block, dict) or block.get("block_id") not in old.state_values:
            continue
        block_id = str(block["block_id"])
        old_block = old.state_values[block_id]
        for element in iter_elements(block):
            action_id = element.get("action_id")
            if action_id in old_block:
                kept.setdefault(block_id, {})[action_id] = old_block[action_id]
    return kept


def replace_definition(emu: SlackEmulator, view: View, definition: JsonDict) -> None:
    """Swap a view's definition in place (new hash, compatible state kept, errors gone)."""
    view.state_values = keep_state(view, definition)
    view.errors = {}
    view.definition = definition
    view.hash = emu.workspace.new_view_hash()


def update_view(emu: SlackEmulator, args: Args) -> JsonDict:
    """views.update: by view_id or external_id, with an optional hash check."""
    view_id = opt_str(args, "view_id")
    external_id = opt_str(args, "external_id")
    if view_id is None and external_id is None:
        raise invalid_arguments(["must provide view_id or external_id [json-pointer:/view_id]"])
    view = emu.workspace.find_view(view_id=view_id, external_id=external_id)
    if view is None:
        raise SlackFailure("not_found")
    definition = parse_view(args.get("view"), expected="home" if view.type == "home" else "modal")
    _check_external_id(emu, definition, view.id)
    expected_hash = opt_str(args, "hash")
    if expected_hash is not None and expected_hash != view.hash:
        raise SlackFailure("hash_conflict")
    replace_definition(emu, view, definition)
    return _reply(emu, view)


def publish_view(emu: SlackEmulator, args: Args) -> JsonDict:
    """views.publish: the user's Home tab (not_enabled while the app's Home tab is off)."""
    if not emu.home_tab_enabled:
        raise SlackFailure("not_enabled")
    user_id = opt_str(args, "user_id")
    if user_id is None:
        raise invalid_arguments(["missing required field: user_id"])
    if user_id not in emu.workspace.users:
        raise SlackFailure("user_not_found")
    definition = parse_view(args.get("view"), expected="home")
    current = emu.workspace.home_views.get(user_id)
    _check_external_id(emu, definition, current.id if current else None)
    expected_hash = opt_str(args, "hash")
    if current is not None:
        if expected_hash is not None and expected_hash != current.hash:
            raise SlackFailure("hash_conflict")
        replace_definition(emu, current, definition)
        return _reply(emu, current)
    view_id = new_id("V")
    view = View(
        id=view_id,
        user_id=user_id,
        definition=definition,
        hash=emu.workspace.new_view_hash(),
        root_view_id=view_id,
    )
    emu.workspace.home_views[user_id] = view
    return _reply(emu, view)


HANDLERS: dict[str, Any] = {
    "views.open": open_view,
    "views.push": push_view,
    "views.update": update_view,
    "views.publish": publish_view,
}
