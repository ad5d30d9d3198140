"""The use cases' Presenter, in Block Kit: each message rendered by its one renderer."""

from __future__ import annotations

from bot.domain.errors import PollError
from bot.domain.model import Poll, PollCounts
from bot.domain.outcome import OutcomeReport
from bot.domain.tally import PollTally
from bot.services.ports import Message
from bot.slack import blocks


class SlackPresenter:
    """Renders what the use cases post on their own, in the language each reader needs."""

    def poll_message(self, poll: Poll, counts: PollCounts) -> Message:
        return blocks.render_poll_message(
            poll, answered=counts.answered, asked=counts.asked, lang=poll.language
        )

    def closed_poll_message(self, poll: Poll, counts: PollCounts) -> Message:
        return blocks.render_closed_poll_message(
            poll, answered=counts.answered, asked=counts.asked, lang=poll.language
        )

    def summary(self, poll: Poll, tally: PollTally) -> list[Message]:
        return blocks.render_summary(poll, tally, lang=poll.language)

    def outcome_report(self, report: OutcomeReport, *, lang: str) -> Message:
        return blocks.render_outcome_report(report, lang=lang)

    def reminder(self, poll: Poll, *, lang: str, number: int) -> Message:
        return blocks.render_reminder_dm(poll, lang=lang, reminder_number=number)

    def sample_invitation(self, poll: Poll, *, lang: str) -> Message:
        size = poll.audience.sample_size or 0
        return blocks.render_sample_invite_dm(poll, lang=lang, sample_size=size)

    def refusal(self, error: PollError, *, lang: str) -> Message:
        return blocks.render_error(error, lang=lang)

    def slack_failed(self, *, lang: str) -> Message:
        return blocks.render_notice("error.slack_failed", lang=lang)
