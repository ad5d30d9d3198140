"""The outcome report's port: a closed poll's decided items, the report's state and its DMs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.model import ReminderStatus
from bot.domain.outcome import OutcomeDelivery, OutcomeItem, OutcomeState


class OutcomeStore(Protocol):
    """A closed poll's decided items, the state of its outcome report and the report's DMs."""

    async def record_outcome(
        self,
        poll_id: int,
        items: Sequence[OutcomeItem],
        now: datetime,
        *,
        tell_everyone: bool,
        job: tuple[str, str],
    ) -> OutcomeState:
        """The decisions and a new revision of the report, with a round of DMs to everyone asked
        (a first report, or tell_everyone) and the publishing job (key, kind) due now; one
        transaction."""
        ...

    async def outcome_items(self, poll_id: int) -> list[OutcomeItem]: ...

    async def outcome_state(self, poll_id: int) -> OutcomeState | None: ...

    async def mark_outcome_reply_started(self, poll_id: int) -> None: ...

    async def set_outcome_published(
        self, poll_id: int, revision: int, channel_id: str, ts: str
    ) -> None: ...

    async def outcome_deliveries(
        self, poll_id: int, status: ReminderStatus
    ) -> list[OutcomeDelivery]: ...

    async def set_outcome_delivery_status(
        self,
        delivery: OutcomeDelivery,
        status: ReminderStatus,
        *,
        expected: ReminderStatus,
        at: datetime | None = None,
        dm_channel_id: str | None = None,
        message_ts: str | None = None,
        error: str | None = None,
    ) -> bool:
        """Compare-and-set a delivery's status: False when someone else moved it first."""
        ...
