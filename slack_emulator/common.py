"""Shared helpers of the emulator: the API failure type, argument coercion and id makers."""

from __future__ import annotations

import itertools
import json
import secrets
import string
from collections.abc import Mapping
from typing import Any

JsonDict = dict[str, Any]
Args = dict[str, Any]


class SlackFailure(Exception):
    """A Web API failure: becomes `{"ok": false, "error": ...}` plus extra fields."""

    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra

    def body(self) -> JsonDict:
        """The JSON body Slack sends for this failure."""
        return {"ok": False, "error": self.error, **self.extra}


def invalid_arguments(messages: list[str]) -> SlackFailure:
    """Slack's `invalid_arguments` shape with `[ERROR] ...` messages."""
    return SlackFailure(
        "invalid_arguments",
        response_metadata={"messages": [f"[ERROR] {m}" for m in messages]},
    )


def invalid_blocks(messages: list[str]) -> SlackFailure:
    """Slack's `invalid_blocks` shape: top-level `errors` and `[ERROR]` metadata messages."""
    return SlackFailure(
        "invalid_blocks",
        errors=list(messages),
        response_metadata={"messages": [f"[ERROR] {m}" for m in messages]},
    )


def as_bool(value: Any) -> bool:
    """Coerce a Slack boolean argument ("1", "true", True, 1) to bool."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return False


def opt_str(args: Mapping[str, Any], name: str) -> str | None:
    """An optional string argument; empty strings count as missing."""
    value = args.get(name)
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text if text != "" else None


def as_int(value: Any, *, error: str) -> int:
    """Coerce an integer argument or fail with the given Slack error code."""
    if isinstance(value, bool):
        raise SlackFailure(error)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise SlackFailure(error) from None


def json_arg(value: Any, *, error: str) -> Any:
    """Decode an argument that may arrive as a JSON string or as an already decoded value."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackFailure(error) from None
    return value


_counter = itertools.count(1)
_ALNUM = string.ascii_uppercase + string.digits


def new_id(prefix: str, length: int = 10) -> str:
    """A Slack-looking id such as `V0A1B2C3D4` (prefix + uppercase alphanumerics)."""
    serial = next(_counter)
    tail = "".join(secrets.choice(_ALNUM) for _ in range(length - 5))
    return f"{prefix}{serial:04d}{tail}"[: length + len(prefix)]


def new_trigger_id() -> str:
    """A trigger id shaped like Slack's, e.g. `13345224609.738474920.8088930838d88f008e0`."""
    first = secrets.randbelow(9 * 10**10) + 10**10
    second = secrets.randbelow(9 * 10**8) + 10**8
    return f"{first}.{second}.{secrets.token_hex(10)[:19]}"


def string_leaves(value: Any) -> list[str]:
    """Every string (and dict key) inside a JSON-like value, depth first."""
    out: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Mapping):
            for key, sub in item.items():
                out.append(str(key))
                stack.append(sub)
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif item is not None:
            out.append(str(item))
    return out
