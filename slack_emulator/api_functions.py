"""Workflow steps ("functions"): the executions Slack starts and functions.completeSuccess /
functions.completeError, which end them (https://docs.slack.dev/reference/events/function_executed,
…/methods/functions.completeSuccess, …/methods/functions.completeError)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .common import Args, JsonDict, SlackFailure, invalid_arguments

if TYPE_CHECKING:
    from .server import SlackEmulator

# Python types of the JSON a parameter of each type holds (Slack's ids, timestamps and dates are
# strings); a type not listed here is not checked.
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "array": (list,),
    "object": (dict,),
    "slack#/types/user_id": (str,),
    "slack#/types/channel_id": (str,),
    "slack#/types/usergroup_id": (str,),
    "slack#/types/timestamp": (int, float, str),
    "slack#/types/date": (str,),
    "slack#/types/message_ts": (str,),
}

# How long an execution's bot_access_token works: Slack documents it as short-lived, valid for
# the execution; the emulator keeps it for an hour of world time after the event was sent.
FUNCTION_TOKEN_TTL = 3600.0


@dataclass
class FunctionExecution:
    """One run of a step: what was sent, and how (if yet) the app ended it."""

    function_execution_id: str
    workflow_execution_id: str
    callback_id: str
    inputs: JsonDict
    bot_access_token: str
    issued_at: float
    state: str = "pending"  # pending → completed | failed
    outputs: JsonDict | None = None
    error: str | None = None
    # Every completion call that reached the execution, in order, ok or not.
    attempts: list[str] = field(default_factory=list)


def functions_from_manifest(path: str | os.PathLike[str]) -> dict[str, JsonDict]:
    """The `functions:` of an app manifest (YAML or JSON, format version 2), by callback_id."""
    import yaml  # a test dependency only, so imported when a manifest is actually read

    with open(path, encoding="utf-8") as handle:
        manifest: Any = yaml.safe_load(handle)
    functions = manifest.get("functions") if isinstance(manifest, dict) else None
    if not isinstance(functions, dict):
        raise ValueError(f"{os.fspath(path)}: no functions: in the manifest")
    return functions


def parameter_list(declared: JsonDict) -> list[JsonDict]:
    """Manifest parameters ({properties, required}) as function_executed lists them."""
    required = set(declared.get("required") or ())
    listed = []
    for name, spec in (declared.get("properties") or {}).items():
        entry = {"name": name, **spec}
        entry["is_required"] = bool(spec.get("is_required")) or name in required
        listed.append(entry)
    return listed


class FunctionExecutions:
    """The executions Slack has started for this app, by function_execution_id, and the
    functions the app declares (by callback_id) once declare() was called."""

    def __init__(self) -> None:
        self.by_id: dict[str, FunctionExecution] = {}
        self.declared: dict[str, JsonDict] = {}

    def declare(self, functions: dict[str, JsonDict]) -> None:
        """The app's functions, as its manifest declares them: Slack runs only these, with
        their required inputs filled (Workflow Builder does not save a step without them)."""
        self.declared.update(functions)

    def check_inputs(self, callback_id: str, inputs: JsonDict) -> None:
        """What Workflow Builder would not let happen: an undeclared step, an input the step
        does not have, or a required input left out."""
        if not self.declared:
            return
        declared = self.declared.get(callback_id)
        if declared is None:
            raise AssertionError(f"the app declares no function {callback_id!r}")
        parameters = declared.get("input_parameters") or {}
        known = set(parameters.get("properties") or {})
        unknown = set(inputs) - known
        if unknown:
            raise AssertionError(f"{callback_id} has no inputs {sorted(unknown)}")
        missing = set(parameters.get("required") or ()) - set(inputs)
        if missing:
            raise AssertionError(f"{callback_id} needs its required inputs {sorted(missing)}")

    def check_outputs(self, callback_id: str, outputs: JsonDict) -> list[str]:
        """Why outputs do not conform to the step's declared output parameters (none when
        they do, or when the step's declaration is not known): a required output missing, an
        output the step does not declare, or a value of another type."""
        declared = self.declared.get(callback_id)
        if declared is None:
            return []
        parameters = declared.get("output_parameters") or {}
        properties: dict[str, JsonDict] = parameters.get("properties") or {}
        problems = [
            f"missing required output: {name}"
            for name in parameters.get("required") or ()
            if outputs.get(name) is None
        ]
        for name, value in outputs.items():
            spec = properties.get(name)
            if spec is None:
                problems.append(f"undeclared output: {name}")
            elif value is not None and not _conforms(value, spec):
                problems.append(f"output {name} is not of type {spec.get('type')}")
        return problems

    def start(
        self, callback_id: str, inputs: JsonDict, now: float, *, execution_id: str | None = None
    ) -> FunctionExecution:
        execution = FunctionExecution(
            function_execution_id=execution_id or f"Fx{secrets.token_hex(5).upper()}",
            workflow_execution_id=f"Wx{secrets.token_hex(5).upper()}",
            callback_id=callback_id,
            inputs=dict(inputs),
            # Shaped like the docs' example token; unlike the bot token, it names no workspace.
            bot_access_token=f"xwfp-{secrets.token_hex(12)}",
            issued_at=now,
        )
        self.by_id[execution.function_execution_id] = execution
        return execution

    def token_valid(self, token: str, now: float) -> bool:
        """Whether token is the bot_access_token of an execution still within its lifetime."""
        return any(
            e.bot_access_token == token and now - e.issued_at < FUNCTION_TOKEN_TTL
            for e in self.by_id.values()
        )


def _conforms(value: object, spec: JsonDict) -> bool:
    """Whether a JSON value has the type a parameter declares (an array's items too)."""
    types = _JSON_TYPES.get(str(spec.get("type")))
    if types is None:
        return True
    if isinstance(value, bool) and bool not in types:
        return False  # JSON true is no number
    if not isinstance(value, types):
        return False
    items = spec.get("items")
    if isinstance(value, list) and isinstance(items, dict):
        return all(_conforms(item, items) for item in value)
    return True


def check_actor(emu: SlackEmulator, args: Args, token: str | None) -> None:
    """A step's own bot_access_token may end only its own execution (the app's bot token may
    end any of the app's): Slack's access_denied, "This actor does not have access to this
    function execution"."""
    owner = next(
        (e for e in emu.functions.by_id.values() if token and e.bot_access_token == token), None
    )
    wanted = str(args.get("function_execution_id") or "")
    if owner is not None and wanted and owner.function_execution_id != wanted:
        raise SlackFailure("access_denied")


def _pending(emu: SlackEmulator, args: Args) -> FunctionExecution:
    execution_id = str(args.get("function_execution_id") or "")
    if not execution_id:
        raise invalid_arguments(["missing required field: function_execution_id"])
    execution = emu.functions.by_id.get(execution_id)
    if execution is None:
        raise SlackFailure("function_execution_not_found")
    if execution.state != "pending":
        execution.attempts.append("not_found")
        # Slack's documented answer once a function has been completed: it cannot be found.
        raise SlackFailure("function_execution_not_found")
    return execution


def _outputs(args: Args) -> JsonDict:
    raw = args.get("outputs")
    if raw is None:
        raise invalid_arguments(["missing required field: outputs"])
    value: Any = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            raise invalid_arguments(["outputs must be a JSON object"]) from None
    if not isinstance(value, dict):
        raise invalid_arguments(["outputs must be a JSON object"])
    return value


def complete_success(emu: SlackEmulator, args: Args) -> JsonDict:
    outputs = _outputs(args)
    execution = _pending(emu, args)
    problems = emu.functions.check_outputs(execution.callback_id, outputs)
    if problems:
        execution.attempts.append("parameter_validation_failed")
        # Documented: "There were problems when validating the outputs against the Function
        # parameters. See API response for more details." The run stays unfinished.
        raise SlackFailure("parameter_validation_failed", errors=problems)
    execution.state, execution.outputs = "completed", outputs
    execution.attempts.append("success")
    return {"ok": True}


def complete_error(emu: SlackEmulator, args: Args) -> JsonDict:
    error = str(args.get("error") or "")
    if not error:
        raise invalid_arguments(["missing required field: error"])
    execution = _pending(emu, args)
    execution.state, execution.error = "failed", error
    execution.attempts.append("error")
    return {"ok": True}


HANDLERS = {
    "functions.completeSuccess": complete_success,
    "functions.completeError": complete_error,
}
