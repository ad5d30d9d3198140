"""The use cases' Presenter, in Block Kit: each message rendered by its one renderer."""

from __future__ import annotations

from bot.domain.comparison import Comparison
from bot.domain.errors import PollError
from bot.domain.model import Poll, PollCounts
from bot.domain.outcome import OutcomeReport
from bot.domain.series import Series
from bot.domain.tally import PollTally
from bot.services.home import HomeContent
from bot.services.ports import FollowUpOrigin, Message, View
from bot.slack import blocks
from bot.slack.blocks.follow_up_notes import render_follow_up_link, render_next_steps
from bot.slack.blocks.home import render_home


class SlackPresenter:
    """Renders what the use cases post on their own, in the language each reader needs."""

    def __init__(self, command: str = "/wishes") -> None:
        # The slash command as this app names it, for the help on the Home tab.
        self.command = command

    def home(self, content: HomeContent, *, lang: str) -> View:
        return render_home(content, lang=lang, command=self.command)

    def poll_message(
        self, poll: Poll, counts: PollCounts, origin: FollowUpOrigin | None = None
    ) -> Message:
        return blocks.render_poll_message(
            poll, answered=counts.answered, asked=counts.asked, lang=poll.language, origin=origin
        )

    def closed_poll_message(
        self, poll: Poll, counts: PollCounts, origin: FollowUpOrigin | None = None
    ) -> Message:
        return blocks.render_closed_poll_message(
            poll, answered=counts.answered, asked=counts.asked, lang=poll.language, origin=origin
        )

    def summary(
        self,
        poll: Poll,
        tally: PollTally,
        origin: FollowUpOrigin | None = None,
        comparison: Comparison | None = None,
    ) -> list[Message]:
        return blocks.render_summary(
            poll, tally, lang=poll.language, origin=origin, comparison=comparison
        )

    def next_steps(self, poll: Poll) -> Message:
        return render_next_steps(poll, lang=poll.language)

    def follow_up_link(self, original: Poll, follow_up: Poll, link: str | None) -> Message:
        return render_follow_up_link(original, follow_up, link, lang=original.language)

    def outcome_report(self, report: OutcomeReport, *, lang: str) -> Message:
        return blocks.render_outcome_report(report, lang=lang)

    def reminder(self, poll: Poll, *, lang: str, number: int) -> Message:
        return blocks.render_reminder_dm(poll, lang=lang, reminder_number=number)

    def sample_invitation(self, poll: Poll, *, lang: str) -> Message:
        size = poll.audience.sample_size or 0
        return blocks.render_sample_invite_dm(poll, lang=lang, sample_size=size)

    def occurrence_refused(self, series: Series, error: PollError, *, lang: str) -> Message:
        return blocks.render_occurrence_refused(series, error, lang=lang)

    def refusal(self, error: PollError, *, lang: str) -> Message:
        return blocks.render_error(error, lang=lang)

    def slack_failed(self, *, lang: str) -> Message:
        return blocks.render_notice("error.slack_failed", lang=lang)
