"""All use cases together, as the listeners and the scheduler receive them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.answers import AnswerService
from bot.services.closing import ClosingService
from bot.services.context import Context
from bot.services.polls import PollService
from bot.services.reminders import ReminderService


@dataclass(frozen=True)
class Services:
    ctx: Context
    polls: PollService
    answers: AnswerService
    closing: ClosingService
    reminders: ReminderService

    @classmethod
    def build(cls, ctx: Context) -> Services:
        polls = PollService(ctx)
        return cls(
            ctx=ctx,
            polls=polls,
            answers=AnswerService(ctx, polls),
            closing=ClosingService(ctx, polls),
            reminders=ReminderService(ctx, polls),
        )
