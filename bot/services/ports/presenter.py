"""How a result becomes something a person reads: the use cases hand these over unopened."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.domain.errors import PollError
from bot.domain.model import Poll, PollCounts
from bot.domain.outcome import OutcomeReport
from bot.domain.tally import PollTally

View = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Message:
    """A message as Slack takes it: text is the notification fallback, blocks what it shows."""

    text: str
    blocks: Sequence[Mapping[str, Any]]


class Presenter(Protocol):
    """Renders the messages the use cases post on their own (not as a reply to a request)."""

    def poll_message(self, poll: Poll, counts: PollCounts) -> Message: ...

    def closed_poll_message(self, poll: Poll, counts: PollCounts) -> Message: ...

    def summary(self, poll: Poll, tally: PollTally) -> Sequence[Message]:
        """The closing summary: the first message goes to the channel, the rest to its thread."""
        ...

    def outcome_report(self, report: OutcomeReport, *, lang: str) -> Message:
        """You said, we did: the thread reply under the summary, and the DM to everyone asked."""
        ...

    def reminder(self, poll: Poll, *, lang: str, number: int) -> Message: ...

    def sample_invitation(self, poll: Poll, *, lang: str) -> Message: ...

    def refusal(self, error: PollError, *, lang: str) -> Message: ...

    def slack_failed(self, *, lang: str) -> Message: ...
