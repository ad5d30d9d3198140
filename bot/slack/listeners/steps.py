"""The "Start a wishes poll" workflow step: Bolt acknowledges function_executed, the poll is made
after that, and every run ends in functions.completeSuccess or functions.completeError."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail
from slack_sdk.errors import SlackApiError

from bot.domain.errors import PollError
from bot.i18n import t
from bot.services.ports import SlackError, StoreUnavailable
from bot.services.workflow_steps import StepStillRunning
from bot.slack.blocks import error_text
from bot.slack.workflow_step_input import (
    POLL_ID_OUTPUT,
    POLL_LINK_OUTPUT,
    START_POLL_STEP,
    organiser_of,
    read_step_inputs,
)

if TYPE_CHECKING:
    from bot.slack.listeners import UseCases

logger = logging.getLogger(__name__)

# Slack's refusals to post that the organiser can fix, with what to tell them.
_CHANNEL_REFUSALS = {
    "not_in_channel": "error.private_channel",
    "channel_not_found": "error.private_channel",
    "is_archived": "error.archived_channel",
}


def register(app: AsyncApp, uses: UseCases) -> None:
    async def handle_workflow_step_start_poll(
        event: dict[str, Any], body: dict[str, Any], complete: AsyncComplete, fail: AsyncFail
    ) -> None:
        # Bolt acknowledges the event itself (auto_acknowledge) and answers Slack when this
        # returns, so the poll is made as tracked background work.
        run = _start_poll(uses, event, str(body.get("team_id") or ""), complete, fail)
        uses.work.spawn(run, "workflow-step")

    app.function(START_POLL_STEP)(handle_workflow_step_start_poll)


async def _start_poll(
    uses: UseCases, event: dict[str, Any], team_id: str, complete: AsyncComplete, fail: AsyncFail
) -> None:
    inputs = event.get("inputs") or {}
    execution_id = str(event.get("function_execution_id") or "")
    organiser_id = organiser_of(inputs)
    lang = uses.people.default_language
    try:
        if organiser_id:
            await uses.people.warm(organiser_id)
            lang = await uses.people.language_of(organiser_id)
        request = read_step_inputs(inputs)
        started = await uses.workflow_steps.start_poll(
            request.draft,
            team_id=team_id,
            channel_id=request.channel_id,
            organiser_id=request.organiser_id,
            execution_id=execution_id,
        )
    except StepStillRunning:
        logger.info("step %s is being run by another delivery", execution_id)
        return
    except Exception as error:  # every failure must end the step in an error, never hang it
        await _fail(fail, _failure_text(error, lang), execution_id)
        return
    outputs = {POLL_ID_OUTPUT: str(started.poll_id), POLL_LINK_OUTPUT: started.permalink}
    try:
        await complete(outputs)
    except SlackApiError as error:
        code = error.response.get("error")
        if started.duplicate and code == "function_execution_not_found":
            # A redelivery of a run that already ended: its poll and completion stand.
            logger.info("step %s was already completed (poll %s)", execution_id, started.poll_id)
        else:
            logger.warning("functions.completeSuccess failed for %s: %s", execution_id, code)
    except Exception:
        logger.exception("functions.completeSuccess failed for %s", execution_id)


def _failure_text(error: Exception, lang: str) -> str:
    """What the workflow's user reads in Slack about a failed run, in the organiser's language."""
    if isinstance(error, PollError):
        return error_text(error, lang=lang)
    if isinstance(error, SlackError):
        logger.warning("%s failed in the workflow step: %s", error.method, error.code)
        return t(lang, _CHANNEL_REFUSALS.get(error.code, "error.slack_failed"))
    if isinstance(error, StoreUnavailable):
        logger.warning("the database is unavailable in the workflow step: %s", error)
        return t(lang, "error.store_unavailable")
    logger.error("the workflow step failed", exc_info=error)
    return t(lang, "error.generic")


async def _fail(fail: AsyncFail, text: str, execution_id: str) -> None:
    try:
        await fail(text)
    except SlackApiError as error:
        logger.warning(
            "functions.completeError failed for %s: %s", execution_id, error.response.get("error")
        )
    except Exception:
        logger.exception("functions.completeError failed for %s", execution_id)
