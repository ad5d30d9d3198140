"""The round job plans the next round whatever happened to this one."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any, cast

import pytest

from bot.clock import ShiftableClock
from bot.domain.model import Poll
from bot.services.ports import Job
from bot.services.reminders import Reminders
from tests.unit.factories import OPENED, SINGLE, make_poll


class Polls:
    def __init__(self, poll: Poll) -> None:
        self.poll = poll

    async def get_poll(self, poll_id: int) -> Poll:
        return self.poll


class BrokenReminderStore:
    async def reminder_candidates(self, poll_id: int) -> list[str]:
        raise RuntimeError("the database went away for a moment")


class Schedule:
    def __init__(self) -> None:
        self.planned: list[int] = []

    async def plan_next(self, poll_id: int) -> None:
        self.planned.append(poll_id)


async def test_a_round_that_raised_still_plans_the_next_one() -> None:
    clock = ShiftableClock(OPENED + timedelta(hours=1, seconds=1))
    poll = dataclasses.replace(make_poll(SINGLE), remind_every=timedelta(hours=1))
    schedule = Schedule()
    unused = cast(Any, None)
    reminders = Reminders(
        cast(Any, Polls(poll)),
        cast(Any, BrokenReminderStore()),
        unused,
        unused,
        unused,
        unused,
        cast(Any, schedule),
        clock,
        quiet_hours=None,
        on_sent=lambda: None,
    )
    job = Job(key=f"round:{poll.id}", kind="round", poll_id=poll.id, due_at=clock.now())
    with pytest.raises(RuntimeError):
        await reminders.run_round_job(job)
    assert schedule.planned == [poll.id]
