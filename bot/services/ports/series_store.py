"""The recurring series' port: each series and the job that starts its next poll."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.model import Every, PollDraft
from bot.domain.series import Series


class SeriesStore(Protocol):
    """Recurring series; each method is one transaction that also moves the series' job
    ("series:<id>") to the next start, or removes it once the series has stopped."""

    async def create_series(
        self,
        *,
        team_id: str,
        channel_id: str,
        organiser_id: str,
        draft: PollDraft,
        every: Every,
        tz: str,
        first_start_at: datetime,
        job_due_at: datetime,
        idempotency_key: str | None = None,
    ) -> tuple[Series, bool]:
        """The new series and True; the one made with this idempotency_key and False."""
        ...

    async def get_series(self, series_id: int) -> Series | None: ...

    async def delete_series(self, series_id: int) -> None: ...

    async def advance_series(
        self,
        series_id: int,
        *,
        next_number: int,
        next_start_at: datetime,
        last_poll_id: int | None,
    ) -> Series | None: ...

    async def stop_series(self, series_id: int, now: datetime) -> Series | None: ...

    async def active_series_of(self, organiser_id: str) -> list[Series]:
        """An organiser's series that go on, the next to start first."""
        ...

    async def active_series_in(self, channel_id: str) -> list[Series]: ...

    async def previous_in_series(self, poll_id: int) -> int | None:
        """The occurrence of the same series made just before this poll."""
        ...
