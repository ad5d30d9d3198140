"""How a result becomes something a person reads: the use cases hand these over unopened."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.domain.comparison import Comparison
from bot.domain.errors import PollError
from bot.domain.model import Poll, PollCounts
from bot.domain.outcome import OutcomeReport
from bot.domain.series import Series
from bot.domain.tally import PollTally

View = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Message:
    """A message as Slack takes it: text is the notification fallback, blocks what it shows."""

    text: str
    blocks: Sequence[Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class FollowUpOrigin:
    """The poll a follow-up votes on, and a link to its summary (None when Slack gave none)."""

    poll_id: int
    summary_link: str | None


class Presenter(Protocol):
    """Renders the messages the use cases post on their own (not as a reply to a request).

    origin is set for a follow-up poll: its message and summary say which poll it follows."""

    def poll_message(
        self, poll: Poll, counts: PollCounts, origin: FollowUpOrigin | None = None
    ) -> Message: ...

    def closed_poll_message(
        self, poll: Poll, counts: PollCounts, origin: FollowUpOrigin | None = None
    ) -> Message: ...

    def summary(
        self,
        poll: Poll,
        tally: PollTally,
        origin: FollowUpOrigin | None = None,
        comparison: Comparison | None = None,
    ) -> Sequence[Message]:
        """The closing summary: the first message goes to the channel, the rest to its thread;
        comparison: a recurring poll's changes since its previous occurrence."""
        ...

    def outcome_report(self, report: OutcomeReport, *, lang: str) -> Message:
        """You said, we did: the thread reply under the summary, and the DM to everyone asked."""
        ...

    def next_steps(self, poll: Poll) -> Message:
        """The organiser's next steps once a poll of wishes has closed (ephemeral)."""
        ...

    def follow_up_link(self, original: Poll, follow_up: Poll, link: str | None) -> Message:
        """The reply in the original summary's thread that points to its follow-up vote."""
        ...

    def reminder(self, poll: Poll, *, lang: str, number: int) -> Message: ...

    def sample_invitation(self, poll: Poll, *, lang: str) -> Message: ...

    def refusal(self, error: PollError, *, lang: str) -> Message: ...

    def occurrence_refused(self, series: Series, error: PollError, *, lang: str) -> Message:
        """The organiser's DM when a recurring poll could not start this time, and why."""
        ...

    def slack_failed(self, *, lang: str) -> Message: ...
