"""The Home tab's port: who opened it, what it lists, and when it is published again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.model import Poll


@dataclass(frozen=True, slots=True)
class HomeRecord:
    """A person who has opened Wishbot's Home tab, and when it was last published to them."""

    user_id: str
    team_id: str
    opened_at: datetime
    published_at: datetime | None


class HomeStore(Protocol):
    """Who opened their Home tab, what it lists, and its re-publishing (a job per person)."""

    async def record_home_opened(self, user_id: str, team_id: str, now: datetime) -> None: ...

    async def home_record(self, user_id: str) -> HomeRecord | None: ...

    async def home_records(self, user_ids: Iterable[str]) -> list[HomeRecord]:
        """Those of these people who have opened their Home at least once."""
        ...

    async def set_home_published(self, user_id: str, at: datetime) -> None: ...

    async def plan_home_refresh(self, key: str, kind: str, due_at: datetime) -> None:
        """The person's refresh job due at due_at, or earlier if it is planned earlier already
        (a burst of changes ends in one publish)."""
        ...

    async def waiting_polls(self, user_id: str) -> list[Poll]:
        """Open polls the person is asked in and has not answered, newest first."""
        ...

    async def organised_polls(self, user_id: str, *, open_: bool, limit: int) -> list[Poll]:
        """The person's own polls, newest first: open (and closing) ones, or closed ones."""
        ...

    async def poll_people(self, poll_id: int) -> list[str]:
        """The organiser and everyone asked (whose Home may list the poll)."""
        ...
