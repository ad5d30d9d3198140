"""Answering a poll: one click or the form, changes (the last answer counts), opting out of
reminders, and newcomers to a channel being asked too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.domain.errors import (
    AnswerSuperseded,
    InvalidAnswer,
    NotInAudience,
    OptionsChanged,
    PollClosed,
    PollNotFound,
)
from bot.domain.model import Poll, QuestionAnswer, Response
from bot.domain.suggestions import OptionsCheck
from bot.domain.validation import answer_fits
from bot.services.people import PeopleDirectory
from bot.services.polls import PollLookup
from bot.services.ports import AnswerOutcome, Clock, PollStore, ReminderStore
from bot.services.ports.workspaces import BotUser

# Told which poll's count changed (the refresher updates its message soon after).
CountChanged = Callable[[int], None]


class Answering:
    """Who may answer, and storing what they answered. Every answer is stored before Slack is
    told it was received: an acknowledged answer is never lost to a close or a crash."""

    def __init__(
        self,
        polls: PollStore,
        reminders: ReminderStore,
        lookup: PollLookup,
        people: PeopleDirectory,
        clock: Clock,
        count_changed: CountChanged,
        bot_user: BotUser,
        answered: Callable[[int, str], None] | None = None,
    ) -> None:
        self.polls = polls
        self.reminders = reminders
        self.lookup = lookup
        self.people = people
        self.clock = clock
        self.count_changed = count_changed
        self.bot_user = bot_user
        # Told who answered which poll, once it is stored (their Home tab follows).
        self.answered = answered

    async def poll_for_answer(self, poll_id: int, user_id: str) -> Poll:
        """The poll, if this person may answer it now."""
        poll = await self.lookup.require(poll_id)
        if not poll.is_open:
            raise PollClosed(poll.id)
        if not await self.polls.is_member(poll.id, user_id):
            raise NotInAudience(poll.id)
        return poll

    async def form_for(self, poll_id: int, user_id: str) -> tuple[Poll, Response | None]:
        """The poll to answer in a form and the person's previous answer, read at once."""
        context = await self.polls.answer_context(poll_id, user_id)
        if context is None:
            raise PollNotFound(poll_id)
        if not context.poll.is_open:
            raise PollClosed(poll_id)
        if not context.asked:
            raise NotInAudience(poll_id)
        return context.poll, context.previous

    async def vote(
        self,
        poll_id: int,
        user_id: str,
        option: int,
        at: datetime,
        *,
        check: OptionsCheck | None = None,
    ) -> None:
        """One click on an option button of a one-question poll, stored in one transaction;
        check: the options the button was shown with (a click from before a removal is
        refused, not counted for the option that now has its number)."""
        outcome = await self.polls.record_vote(poll_id, user_id, option, at, check=check)
        self._settle(poll_id, user_id, outcome)

    async def answer(
        self,
        poll: Poll,
        user_id: str,
        answers: tuple[QuestionAnswer | None, ...],
        at: datetime,
        *,
        check: OptionsCheck | None = None,
    ) -> None:
        """A submitted answer form: every question at once; check as for vote."""
        require_options_as_shown(poll, check)
        _check_answers(poll, answers)
        outcome = await self.polls.record_response(poll.id, user_id, answers, at, check=check)
        self._settle(poll.id, user_id, outcome)

    def _settle(self, poll_id: int, user_id: str, outcome: AnswerOutcome) -> None:
        if outcome is AnswerOutcome.STORED:
            self.count_changed(poll_id)
            if self.answered is not None:
                self.answered(poll_id, user_id)
            return
        if outcome is AnswerOutcome.INVALID:
            raise InvalidAnswer("error.invalid_answer")
        if outcome is AnswerOutcome.OPTIONS_CHANGED:
            raise OptionsChanged(poll_id)
        raise {
            AnswerOutcome.SUPERSEDED: AnswerSuperseded,
            AnswerOutcome.CLOSED: PollClosed,
            AnswerOutcome.NOT_ASKED: NotInAudience,
            AnswerOutcome.NOT_FOUND: PollNotFound,
        }[outcome](poll_id)

    async def previous_response(self, poll_id: int, user_id: str) -> Response | None:
        return await self.polls.response_of(poll_id, user_id)

    async def opt_out(self, poll_id: int, user_id: str) -> Poll:
        poll = await self.lookup.require(poll_id)
        await self.reminders.opt_out(poll_id, user_id, self.clock.now())
        return poll

    async def member_joined(self, channel_id: str, user_id: str) -> list[int]:
        """A newcomer to the channel is asked in its open channel-wide polls."""
        if user_id == await self.bot_user():
            return []
        person = await self.people.person(user_id)
        if person is None or not person.can_be_asked:
            return []
        added = await self.polls.add_joined_member(channel_id, user_id, self.clock.now())
        for poll_id in added:
            self.count_changed(poll_id)
        return added


def require_options_as_shown(poll: Poll, check: OptionsCheck | None) -> None:
    """OptionsChanged when the options a form showed have been renumbered since (read the
    form's choices only after this: their numbers may mean other options now)."""
    if check is not None and not check.holds_for([q.options for q in poll.questions]):
        raise OptionsChanged(poll.id)


def _check_answers(poll: Poll, answers: tuple[QuestionAnswer | None, ...]) -> None:
    if len(answers) != len(poll.questions) or all(a is None or a.is_empty for a in answers):
        raise InvalidAnswer("error.empty_answer")
    for question, answer in zip(poll.questions, answers, strict=True):
        if answer is not None and not answer_fits(
            question.kind, question.size, len(question.options), answer
        ):
            raise InvalidAnswer("error.invalid_answer")
