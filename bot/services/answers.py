"""Answering a poll: one click or the form, changes, opting out of reminders, newcomers."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.errors import InvalidAnswer, NotInAudience, PollClosed
from bot.domain.model import Poll, QuestionAnswer, QuestionKind, Response
from bot.services.context import Context
from bot.services.polls import PollService


class AnswerService:
    """Who may answer, and storing what they answered (the last answer counts)."""

    def __init__(self, ctx: Context, polls: PollService) -> None:
        self.ctx = ctx
        self.polls = polls

    async def poll_for_answer(self, poll_id: int, user_id: str) -> Poll:
        """The poll, if this person may answer it now."""
        poll = await self.polls.require(poll_id)
        if not poll.is_open:
            raise PollClosed(poll.id)
        if not await self.ctx.repo.is_member(poll.id, user_id):
            raise NotInAudience(poll.id)
        return poll

    async def vote(self, poll_id: int, user_id: str, option: int, action_ts: float) -> Poll:
        """One click on an option button of a one-question poll."""
        poll = await self.poll_for_answer(poll_id, user_id)
        question = poll.questions[0]
        if not poll.is_one_click or not 0 <= option < len(question.options):
            raise InvalidAnswer("error.invalid_answer")
        await self._store(poll, user_id, (QuestionAnswer(choices=(option,)),), action_ts)
        return poll

    async def answer(
        self, poll_id: int, user_id: str, answers: tuple[QuestionAnswer | None, ...]
    ) -> Poll:
        """A submitted answer form: every question at once."""
        poll = await self.poll_for_answer(poll_id, user_id)
        _check_answers(poll, answers)
        await self._store(poll, user_id, answers, self.ctx.clock.now().timestamp())
        return poll

    async def _store(
        self, poll: Poll, user_id: str, answers: tuple[QuestionAnswer | None, ...], at: float
    ) -> None:
        stored = await self.ctx.repo.record_response(
            poll.id, user_id, answers, datetime.fromtimestamp(at, tz=UTC)
        )
        if not stored:
            # Closed (or the person was removed) between the check and the write.
            raise PollClosed(poll.id)
        if self.ctx.refresher is not None:
            self.ctx.refresher.mark(poll.id)

    async def previous_response(self, poll_id: int, user_id: str) -> Response | None:
        return await self.ctx.repo.response_of(poll_id, user_id)

    async def opt_out(self, poll_id: int, user_id: str) -> Poll:
        poll = await self.polls.require(poll_id)
        await self.ctx.repo.opt_out(poll_id, user_id, self.ctx.clock.now())
        return poll

    async def member_joined(self, channel_id: str, user_id: str) -> list[int]:
        """A newcomer to the channel is asked in its open channel-wide polls."""
        if user_id == self.ctx.bot_user_id:
            return []
        person = await self.ctx.people.person(user_id)
        if person is None or not person.can_be_asked:
            return []
        added = await self.ctx.repo.add_joined_member(channel_id, user_id, self.ctx.clock.now())
        if self.ctx.refresher is not None:
            for poll_id in added:
                self.ctx.refresher.mark(poll_id)
        return added


def _check_answers(poll: Poll, answers: tuple[QuestionAnswer | None, ...]) -> None:
    if len(answers) != len(poll.questions) or all(a is None or a.is_empty for a in answers):
        raise InvalidAnswer("error.empty_answer")
    for question, answer in zip(poll.questions, answers, strict=True):
        if answer is None:
            continue
        if any(not 0 <= c < len(question.options) for c in answer.choices):
            raise InvalidAnswer("error.invalid_answer")
        if question.kind is QuestionKind.SINGLE and len(answer.choices) > 1:
            raise InvalidAnswer("error.invalid_answer")
        if answer.rating is not None and not 1 <= answer.rating <= 5:
            raise InvalidAnswer("error.invalid_answer")
