"""Workflow step executions: the function's own token, and functions.completeSuccess /
functions.completeError answered as Slack documents them."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import SlackEmulator
from slack_emulator.api_functions import FUNCTION_TOKEN_TTL, FunctionExecution


def started(emu: SlackEmulator) -> tuple[FunctionExecution, AsyncWebClient]:
    execution = emu.functions.start("start_wishes_poll", {"question": "Lunch?"}, emu.now())
    return execution, AsyncWebClient(token=execution.bot_access_token, base_url=emu.api_url)


async def test_the_executions_token_acts_as_the_bot_while_it_lasts(emu: SlackEmulator) -> None:
    _, client = started(emu)

    await client.chat_postMessage(channel="C100", text="hello from the step")
    assert [m.text for m in emu.messages("C100")] == ["hello from the step"]

    emu.advance_time(FUNCTION_TOKEN_TTL + 1)
    with pytest.raises(SlackApiError) as expired:
        await client.chat_postMessage(channel="C100", text="too late")
    assert expired.value.response["error"] == "invalid_auth"


async def test_a_forged_token_is_refused(emu: SlackEmulator) -> None:
    client = AsyncWebClient(token="xwfp-forged", base_url=emu.api_url)
    with pytest.raises(SlackApiError) as forged:
        await client.chat_postMessage(channel="C100", text="nope")
    assert forged.value.response["error"] == "invalid_auth"


async def test_complete_success_records_the_outputs_once(emu: SlackEmulator) -> None:
    execution, client = started(emu)

    await client.functions_completeSuccess(
        function_execution_id=execution.function_execution_id, outputs={"poll_id": "7"}
    )

    assert (execution.state, execution.outputs) == ("completed", {"poll_id": "7"})
    with pytest.raises(SlackApiError) as again:
        await client.functions_completeError(
            function_execution_id=execution.function_execution_id, error="late"
        )
    assert again.value.response["error"] == "function_execution_not_found"
    assert execution.state == "completed"
    assert execution.attempts == ["success", "not_found"]


async def test_complete_error_records_the_message(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    execution, _ = started(emu)

    # The app's own bot token may end a run too.
    await client.functions_completeError(
        function_execution_id=execution.function_execution_id, error="One option is not a poll."
    )

    assert (execution.state, execution.error) == ("failed", "One option is not a poll.")


async def test_an_unknown_execution_is_not_found(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as unknown:
        await client.functions_completeSuccess(function_execution_id="Fx0NOPE", outputs={})
    assert unknown.value.response["error"] == "function_execution_not_found"


async def test_missing_arguments_are_invalid(emu: SlackEmulator, client: AsyncWebClient) -> None:
    execution, _ = started(emu)
    with pytest.raises(SlackApiError) as no_error:
        await client.api_call(
            "functions.completeError",
            params={"function_execution_id": execution.function_execution_id},
        )
    assert no_error.value.response["error"] == "invalid_arguments"
    with pytest.raises(SlackApiError) as no_outputs:
        await client.api_call(
            "functions.completeSuccess",
            params={"function_execution_id": execution.function_execution_id},
        )
    assert no_outputs.value.response["error"] == "invalid_arguments"
    assert execution.state == "pending"


STEP = {
    "start_wishes_poll": {
        "title": "Start a wishes poll",
        "description": "Posts a poll.",
        "input_parameters": {"properties": {"question": {"type": "string"}}},
        "output_parameters": {
            "properties": {
                "poll_id": {"type": "string"},
                "poll_link": {"type": "string"},
                "asked": {"type": "array", "items": {"type": "slack#/types/user_id"}},
            },
            "required": ["poll_id", "poll_link"],
        },
    }
}


@pytest.mark.parametrize(
    ("outputs", "problem"),
    [
        ({"poll_id": "7"}, "missing required output: poll_link"),
        ({"poll_id": 7, "poll_link": "https://x"}, "output poll_id is not of type string"),
        ({"poll_id": "7", "poll_link": "https://x", "extra": 1}, "undeclared output: extra"),
        ({"poll_id": "7", "poll_link": "", "asked": [True]}, "output asked is not of type array"),
    ],
    ids=["required-missing", "wrong-type", "undeclared", "wrong-item-type"],
)
async def test_outputs_that_break_the_declared_parameters_fail_validation(
    emu: SlackEmulator, outputs: dict[str, object], problem: str
) -> None:
    emu.functions.declare(STEP)
    execution, client = started(emu)

    with pytest.raises(SlackApiError) as refused:
        await client.functions_completeSuccess(
            function_execution_id=execution.function_execution_id, outputs=outputs
        )

    assert refused.value.response["error"] == "parameter_validation_failed"
    assert problem in refused.value.response["errors"]
    assert execution.state == "pending"
    assert execution.attempts == ["parameter_validation_failed"]


async def test_outputs_as_declared_complete_the_run(emu: SlackEmulator) -> None:
    emu.functions.declare(STEP)
    execution, client = started(emu)

    outputs = {"poll_id": "7", "poll_link": "https://x", "asked": ["U1", "U2"]}
    await client.functions_completeSuccess(
        function_execution_id=execution.function_execution_id, outputs=outputs
    )

    assert (execution.state, execution.outputs) == ("completed", outputs)


async def test_a_steps_token_ends_only_its_own_execution(emu: SlackEmulator) -> None:
    mine, _ = started(emu)
    _, other_client = started(emu)

    with pytest.raises(SlackApiError) as denied:
        await other_client.functions_completeSuccess(
            function_execution_id=mine.function_execution_id, outputs={"poll_id": "7"}
        )

    assert denied.value.response["error"] == "access_denied"
    assert mine.state == "pending" and mine.attempts == []
