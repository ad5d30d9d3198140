"""The organiser's buttons on Home: close, remind, extend, delete, export, stop a series."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from bot.domain.model import CloseSpec, Poll
from bot.domain.series import Series
from bot.services.closing import ClosedPoll, Closing
from bot.services.home import HomeTab
from bot.services.organising import Organising
from bot.services.reminders import Reminders, RoundPlan
from bot.services.series import RecurringPolls

EXTEND_BY: Final = timedelta(days=1)


class HomeActions:
    """The organiser's buttons on Home: the same use cases as the commands, then the Home
    again (someone else's poll is refused by those use cases, politely)."""

    def __init__(
        self,
        home: HomeTab,
        closing: Closing,
        reminders: Reminders,
        organising: Organising,
        recurring: RecurringPolls,
    ) -> None:
        self.home = home
        self.closing = closing
        self.reminders = reminders
        self.organising = organising
        self.recurring = recurring

    async def close(self, poll_id: int, user_id: str) -> ClosedPoll:
        closed = await self.closing.close(poll_id, by_user=user_id)
        self.home.poll_changed(poll_id, actor=user_id)
        return closed

    async def remind(self, poll_id: int, user_id: str) -> RoundPlan:
        return await self.reminders.remind_now(poll_id, user_id)

    async def extend(self, poll_id: int, user_id: str) -> Poll:
        change: CloseSpec = EXTEND_BY
        poll = await self.organising.extend(poll_id, user_id, change)
        self.home.poll_changed(poll_id, actor=user_id)
        return poll

    async def delete(self, poll_id: int, user_id: str) -> Poll:
        poll = await self.organising.delete(poll_id, user_id)
        # Its people are gone with it: the organiser's Home, at least, drops it at once.
        self.home.poll_changed(poll_id, actor=user_id)
        return poll

    async def export(self, poll_id: int, user_id: str, lang: str) -> Poll:
        return await self.organising.send_export(poll_id, user_id, lang)

    async def stop_series(self, series_id: int, user_id: str) -> Series:
        # Only the organiser's Home lists a series: theirs follows at once (RecurringPolls
        # tells the Home of it, as for /wishes stop).
        return await self.recurring.stop(series_id, user_id)
