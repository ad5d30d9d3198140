"""What a run of the "Start a wishes poll" workflow step asks for: its inputs (as Slack sends
them in function_executed) read into the same PollDraft the quick syntax makes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.durations import parse_duration
from bot.domain.errors import InvalidPollInput
from bot.domain.model import (
    DEFAULT_CLOSE_AFTER,
    DEFAULT_REMIND_EVERY,
    PollDraft,
    Question,
    QuestionKind,
)
from bot.domain.quickpoll import parse_remind_every
from bot.domain.text import encode_typed
from bot.domain.validation import validate_draft

# The step's callback_id, as deploy/slack-app-manifest.yml declares it under functions:.
START_POLL_STEP = "start_wishes_poll"
# Input and output parameter names, as the manifest declares them.
ORGANISER = "organiser"
CHANNEL = "channel"
QUESTION = "question"
OPTIONS = "options"
CLOSES_IN = "closes_in"
ANONYMOUS = "anonymous"
REMIND_EVERY = "remind_every"
POLL_ID_OUTPUT = "poll_id"
POLL_LINK_OUTPUT = "poll_link"
# The inputs' titles in Workflow Builder (the manifest's), for messages that name one.
_TITLES = {
    ORGANISER: "Organiser",
    CHANNEL: "Channel",
    QUESTION: "Question",
    OPTIONS: "Options",
    CLOSES_IN: "Closes in",
    ANONYMOUS: "Anonymous",
    REMIND_EVERY: "Remind every",
}


@dataclass(frozen=True, slots=True)
class StepRequest:
    """A poll to start: by whom, where, and what it asks."""

    organiser_id: str
    channel_id: str
    draft: PollDraft


def organiser_of(inputs: Mapping[str, Any]) -> str:
    """The organiser's user id, or "" when the workflow gave none (for the reply's language)."""
    value = inputs.get(ORGANISER)
    return value if isinstance(value, str) else ""


def read_step_inputs(inputs: Mapping[str, Any]) -> StepRequest:
    """The step's inputs as a validated draft; InvalidPollInput names what is wrong."""
    organiser_id = _required_text(inputs, ORGANISER)
    channel_id = _required_text(inputs, CHANNEL)
    question = _required_text(inputs, QUESTION)
    options = _options(inputs.get(OPTIONS))
    closes_in = _optional_text(inputs, CLOSES_IN)
    remind = _optional_text(inputs, REMIND_EVERY)
    anonymous = inputs.get(ANONYMOUS)
    if anonymous is not None and not isinstance(anonymous, bool):
        raise InvalidPollInput("error.step_bad_input", input=_TITLES[ANONYMOUS])
    kind = QuestionKind.SINGLE if options else QuestionKind.TEXT
    # Workflow Builder sends text as typed, not in Slack's message encoding.
    asked = Question(encode_typed(question), kind, tuple(encode_typed(o) for o in options))
    draft = PollDraft(
        questions=(asked,),
        anonymous=bool(anonymous),
        close=DEFAULT_CLOSE_AFTER if closes_in is None else parse_duration(closes_in),
        close_explicit=closes_in is not None,
        remind_every=DEFAULT_REMIND_EVERY if remind is None else parse_remind_every(remind),
        remind_explicit=remind is not None,
        channel_id=channel_id,
    )
    validate_draft(draft)
    return StepRequest(organiser_id, channel_id, draft)


def _required_text(inputs: Mapping[str, Any], name: str) -> str:
    value = _optional_text(inputs, name)
    if value is None:
        raise InvalidPollInput("error.step_missing_input", input=_TITLES[name])
    return value


def _optional_text(inputs: Mapping[str, Any], name: str) -> str | None:
    """A string input with its surrounding spaces cut; None when it is missing or empty."""
    value = inputs.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidPollInput("error.step_bad_input", input=_TITLES[name])
    return value.strip() or None


def _options(value: object) -> list[str]:
    """The options list; blank entries (a row left empty in Workflow Builder) are dropped."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidPollInput("error.step_bad_input", input=_TITLES[OPTIONS])
    return [item.strip() for item in value if item.strip()]
