"""The "Start a wishes poll" Workflow Builder step, end to end: Slack sends function_executed
(over HTTP and Socket Mode), the bot posts the poll as /wishes new would, and every run ends
in functions.completeSuccess with the poll's id and link, or in a clear functions.completeError."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.domain.model import Poll, QuestionKind
from slack_emulator import FunctionExecution, SlackEmulator, functions_from_manifest
from tests.e2e.conftest import (
    CHANNEL,
    FINN,
    MANIFEST,
    ORGANISER,
    PEOPLE,
    BotFactory,
    RunningBot,
)
from tests.e2e.helpers import poll_message, shown

STEP = "start_wishes_poll"
MODES = pytest.mark.parametrize("mode", ["http", "socket"])


@pytest.fixture(autouse=True)
def declared_step(emu: SlackEmulator) -> None:
    """Slack knows the app's step as the manifest declares it."""
    emu.functions.declare(functions_from_manifest(MANIFEST))


def step_inputs(**changes: Any) -> dict[str, Any]:
    """What Workflow Builder sends for a filled-in step; changes replace or (None) drop inputs."""
    inputs: dict[str, Any] = {
        "organiser": ORGANISER,
        "channel": CHANNEL,
        "question": "What should the next workshop be about?",
        "options": ["Testing", "Accessibility", "Design systems"],
        "closes_in": "2d",
        "anonymous": False,
    }
    inputs.update(changes)
    return {name: value for name, value in inputs.items() if value is not None}


async def run_step(running: RunningBot, emu: SlackEmulator, **changes: Any) -> FunctionExecution:
    """Run the step once and wait until the bot has done everything it started."""
    reply = await running.driver.function_executed(STEP, step_inputs(**changes))
    assert reply.status == 200
    await running.settle()
    (execution,) = [e for e in emu.functions.by_id.values() if e.inputs == step_inputs(**changes)]
    return execution


async def polls(running: RunningBot) -> list[Poll]:
    return await running.repo.polls_with_status()


@MODES
async def test_the_step_posts_the_poll_and_completes_with_its_id_and_link(
    start_bot: BotFactory, emu: SlackEmulator, mode: str
) -> None:
    running = await start_bot(mode=mode)

    execution = await run_step(running, emu)

    (poll,) = await polls(running)
    assert poll.organiser_id == ORGANISER
    assert poll.channel_id == CHANNEL
    assert poll.questions[0].kind is QuestionKind.SINGLE
    assert list(poll.questions[0].options) == ["Testing", "Accessibility", "Design systems"]
    assert poll.closes_at - poll.opened_at == timedelta(days=2)
    assert "What should the next workshop be about?" in shown(poll_message(emu, poll))
    assert execution.state == "completed"
    assert execution.attempts == ["success"]
    assert execution.outputs is not None
    assert execution.outputs["poll_id"] == str(poll.id)
    assert poll.message_ts is not None
    link = execution.outputs["poll_link"]
    assert link.startswith("https://") and poll.message_ts.replace(".", "") in link
    assert CHANNEL in link


@MODES
async def test_slack_is_acknowledged_before_the_poll_is_posted(
    start_bot: BotFactory, emu: SlackEmulator, mode: str
) -> None:
    running = await start_bot(mode=mode)
    # Posting takes longer than Slack waits for an ack: the ack must not wait for it.
    emu.delay("chat.postMessage", running.driver.ack_timeout)

    reply = await running.driver.function_executed(STEP, step_inputs())

    assert reply.status == 200
    (execution,) = emu.functions.by_id.values()
    assert execution.state == "pending"
    await running.settle()
    assert execution.state == "completed"


@MODES
async def test_the_same_execution_delivered_twice_makes_one_poll_and_one_completion(
    start_bot: BotFactory, emu: SlackEmulator, mode: str
) -> None:
    running = await start_bot(mode=mode)
    first = await running.driver.function_executed(STEP, step_inputs())
    # Slack's retry of the same delivery (same event, same execution), as if the ack was lost.
    await running.driver.retry(first)
    await running.settle()
    # And once more later, as a new event of the same execution.
    (execution,) = emu.functions.by_id.values()
    await running.driver.function_executed(
        STEP, step_inputs(), execution_id=execution.function_execution_id
    )
    await running.settle()

    assert len(await polls(running)) == 1
    assert len([m for m in emu.messages(CHANNEL) if m.user == emu.bot_user_id]) == 1
    assert list(emu.functions.by_id.values()) == [execution]
    assert execution.state == "completed"
    assert execution.attempts.count("success") == 1
    assert not emu.calls_to("functions.completeError")


@MODES
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"options": ["Testing"]}, "has only one option"),
        ({"closes_in": "soon"}, "“soon” is not a duration I know"),
        ({"remind_every": "often"}, "“often” is not a duration I know"),
        ({"question": "  "}, "needs “Question”"),
        ({"organiser": "U0NOBODY"}, "can't find this poll's organiser"),
        ({"channel": "C0ARCHIVED"}, "That channel is archived"),
        ({"channel": "C0SECRET"}, "not a member of that private channel"),
    ],
)
async def test_bad_input_ends_the_step_in_a_clear_error(
    start_bot: BotFactory,
    emu: SlackEmulator,
    mode: str,
    changes: dict[str, Any],
    expected: str,
) -> None:
    emu.add_channel("C0ARCHIVED", "old-projects", members=(ORGANISER, *PEOPLE), archived=True)
    emu.add_channel(
        "C0SECRET", "secret", private=True, members=(ORGANISER, *PEOPLE), bot_member=False
    )
    running = await start_bot(mode=mode)

    execution = await run_step(running, emu, **changes)

    assert execution.state == "failed"
    assert execution.error is not None and expected in execution.error
    assert "Traceback" not in execution.error
    assert await polls(running) == []
    assert not emu.calls_to("functions.completeSuccess")


async def test_a_slack_failure_while_posting_ends_in_an_error_not_silence(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.fail("chat.postMessage", error="fatal_error")

    execution = await run_step(running, emu)

    assert execution.state == "failed"
    assert execution.error is not None and "Slack didn't accept my request" in execution.error
    assert await polls(running) == []  # a poll nobody can see is not kept


async def test_the_error_is_in_the_organisers_language(
    running: RunningBot, emu: SlackEmulator
) -> None:
    execution = await run_step(running, emu, organiser=FINN, options=["Vain yksi"])

    assert execution.state == "failed"
    assert execution.error is not None and "vain yksi vaihtoehto" in execution.error.lower()


async def test_an_anonymous_free_text_poll_works(running: RunningBot, emu: SlackEmulator) -> None:
    execution = await run_step(
        running, emu, options=[], anonymous=True, closes_in=None, remind_every="off"
    )

    (poll,) = await polls(running)
    assert execution.state == "completed"
    assert poll.anonymous is True
    assert poll.questions[0].kind is QuestionKind.TEXT
    assert poll.remind_every is None
    assert poll.closes_at - poll.opened_at == timedelta(days=3)


async def test_slack_runs_only_the_declared_step_with_its_required_inputs(
    running: RunningBot, emu: SlackEmulator
) -> None:
    with pytest.raises(AssertionError, match="required inputs"):
        await running.driver.function_executed(STEP, step_inputs(channel=None))
    with pytest.raises(AssertionError, match="no inputs"):
        await running.driver.function_executed(STEP, step_inputs(audience="everyone"))
    with pytest.raises(AssertionError, match="no function"):
        await running.driver.function_executed("reverse_string", {})

    await running.driver.function_executed(STEP, step_inputs())
    await running.settle()

    delivery = running.driver.last_delivery
    assert delivery is not None
    event = delivery.payload["event"]
    assert event["function"]["title"] == "Start a wishes poll"
    declared = {p["name"]: p["type"] for p in event["function"]["input_parameters"]}
    assert declared["organiser"] == "slack#/types/user_id"
    assert declared["channel"] == "slack#/types/channel_id"
    assert event["bot_access_token"] and event["function_execution_id"].startswith("Fx")


async def test_a_posted_poll_completes_the_step_even_without_its_link(
    running: RunningBot, emu: SlackEmulator
) -> None:
    emu.fail("chat.getPermalink", error="fatal_error")

    execution = await run_step(running, emu)

    (poll,) = await polls(running)
    assert execution.state == "completed"
    assert execution.outputs == {"poll_id": str(poll.id), "poll_link": ""}
