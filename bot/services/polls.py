"""Finding a poll and the checks every use case makes on it: does it exist, who organised it."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from bot.domain.errors import NotOrganiser, PollNotFound
from bot.domain.event_schedule import event_delivery_time, event_zone, next_auto_round, round_day
from bot.domain.model import Poll
from bot.domain.schedule import WorkingHours
from bot.domain.suggestions import OptionsCheck
from bot.domain.tally import PollTally, tally
from bot.services.ports import Clock, PollStore, ReminderStore

# How long a poll read for a confirmation is reused: a burst of clicks on one poll then costs
# one read, not one each, right where every click's work competes with the next click's ack.
RECENT_FOR = timedelta(seconds=30)
RECENT_POLLS = 256


class PollLookup:
    """Reads a poll for a use case, refusing politely when it is not there or not theirs."""

    def __init__(
        self,
        polls: PollStore,
        reminders: ReminderStore,
        clock: Clock,
        quiet_hours: WorkingHours | None = None,
    ) -> None:
        self.polls = polls
        self.reminders = reminders
        self.clock = clock
        self.quiet_hours = quiet_hours
        self._recent: OrderedDict[int, tuple[datetime, Poll]] = OrderedDict()

    async def recent(self, poll_id: int, *, check: OptionsCheck | None = None) -> Poll:
        """The poll as read at most RECENT_FOR ago: its questions are right; its state may be
        that old. Its options may lack suggestions added since (or, on another replica, still
        hold a removed one): check, the options a click was shown with, says whether the
        remembered ones will do. For confirmations only."""
        now = self.clock.now()
        seen = self._recent.get(poll_id)
        if seen is not None and now - seen[0] < RECENT_FOR and _still_fits(seen[1], check):
            return seen[1]
        poll = await self.require(poll_id)
        self._recent[poll_id] = (now, poll)
        self._recent.move_to_end(poll_id)
        while len(self._recent) > RECENT_POLLS:
            self._recent.popitem(last=False)
        return poll

    def forget(self, poll_id: int) -> None:
        """The poll's options changed: the next confirmation reads them again."""
        self._recent.pop(poll_id, None)

    async def require(self, poll_id: int) -> Poll:
        poll = await self.polls.get_poll(poll_id)
        if poll is None:
            raise PollNotFound(poll_id)
        return poll

    async def require_organiser(self, poll_id: int, user_id: str) -> Poll:
        poll = await self.require(poll_id)
        if poll.organiser_id != user_id:
            raise NotOrganiser(poll.id)
        return poll

    async def current_tally(self, poll: Poll) -> PollTally:
        counts = await self.polls.counts(poll.id)
        return tally(poll, await self.polls.responses(poll), counts.asked)

    async def next_reminder(self, poll: Poll) -> datetime | None:
        """When the next reminder goes out: a planned delivery or the next automatic round."""
        if not poll.is_open:
            return None
        planned = await self.reminders.next_delivery(poll.id)
        if planned is not None:
            return planned
        upcoming = next_auto_round(poll, self.clock.now())
        if upcoming is None:
            return None
        number, starts = upcoming
        day = round_day(poll, number)
        if day is None:
            return starts
        # An event round starts the day before anyone gets it: say when it reaches someone in
        # the organiser's zone.
        zone = event_zone(poll)
        return event_delivery_time(day, zone, self.quiet_hours, poll.closes_at, starts) or starts


def _still_fits(poll: Poll, check: OptionsCheck | None) -> bool:
    return check is None or check.holds_for([q.options for q in poll.questions])
