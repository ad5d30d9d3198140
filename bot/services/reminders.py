"""Reminder rounds: who is reminded, when (their working hours), and delivery exactly once."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.domain.errors import PollClosed
from bot.domain.model import Poll, Reminder, ReminderStatus
from bot.domain.schedule import delivery_time
from bot.services.context import Context
from bot.services.polls import PollService
from bot.slack import blocks
from bot.slack.gateway import SlackCallFailed

logger = logging.getLogger(__name__)

# Concurrent deliveries: enough to reach Slack's posting limits, which the gateway enforces
# through Retry-After; more would only queue inside the client.
DELIVERY_WORKERS = 8


@dataclass(frozen=True, slots=True)
class RoundPlan:
    """A started round: how many reminders go out now and how many wait for working hours."""

    now: int
    later: int


class ReminderService:
    """Plans rounds and delivers due reminders, one deliverer per poll at a time."""

    def __init__(self, ctx: Context, polls: PollService) -> None:
        self.ctx = ctx
        self.polls = polls
        self._delivering: dict[int, asyncio.Lock] = {}

    async def start_round(self, poll: Poll, auto_index: int | None) -> RoundPlan | None:
        """Plan a round to everyone an automatic round would reach; None if it already ran."""
        now = self.ctx.clock.now()
        candidates = await self.ctx.repo.reminder_candidates(poll.id)
        people = await self.ctx.people.people(candidates)
        deliveries = []
        for user_id in candidates:
            zone = self.ctx.people.zone_of(people.get(user_id))
            at = delivery_time(now, zone, self.ctx.quiet_hours, poll.closes_at)
            if at is not None:
                deliveries.append((user_id, at))
        round_id = await self.ctx.repo.start_round(poll.id, auto_index, now, deliveries)
        if round_id is None:
            return None
        later = sum(1 for _user, at in deliveries if at > now)
        logger.info(
            "poll %s: reminder round %s planned, %d now, %d later",
            poll.id,
            auto_index if auto_index is not None else "manual",
            len(deliveries) - later,
            later,
            extra={"poll_id": poll.id},
        )
        return RoundPlan(now=len(deliveries) - later, later=later)

    async def remind_now(self, poll_id: int, user_id: str) -> RoundPlan:
        """/wishes remind: the organiser asks for a round now."""
        poll = await self.polls.require_organiser(poll_id, user_id)
        if not poll.is_open:
            raise PollClosed(poll.id)
        plan = await self.start_round(poll, None)
        assert plan is not None
        self.ctx.spawn(self.deliver_due(poll.id), f"deliver:{poll.id}")
        await self.ctx.scheduling.poll_changed(poll.id)
        return plan

    async def deliver_due(self, poll_id: int) -> int:
        """Send every reminder whose time has come; returns how many were sent."""
        lock = self._delivering.setdefault(poll_id, asyncio.Lock())
        async with lock:
            poll = await self.ctx.repo.get_poll(poll_id)
            if poll is None:
                return 0
            await self._recover_sending(poll)
            due = await self.ctx.repo.reminders_with_status(
                poll_id, ReminderStatus.DUE, due_by=self.ctx.clock.now()
            )
            queue: asyncio.Queue[Reminder] = asyncio.Queue()
            for reminder in due:
                queue.put_nowait(reminder)
            results = await asyncio.gather(
                *(self._worker(poll, queue) for _ in range(min(DELIVERY_WORKERS, len(due))))
            )
            return sum(results)

    async def _worker(self, poll: Poll, queue: asyncio.Queue[Reminder]) -> int:
        sent = 0
        while not queue.empty():
            reminder = queue.get_nowait()
            try:
                sent += await self._deliver(poll, reminder)
            except Exception:
                logger.exception(
                    "reminder to %s for poll %s failed",
                    reminder.user_id,
                    poll.id,
                    extra={"poll_id": poll.id},
                )
        return sent

    async def _deliver(self, poll: Poll, reminder: Reminder) -> int:
        repo = self.ctx.repo
        if not await repo.still_wants_reminder(poll.id, reminder.user_id):
            await repo.set_reminder_status(
                reminder, ReminderStatus.SKIPPED, expected=ReminderStatus.DUE
            )
            return 0
        # Posting to the person's user id reaches the app DM without conversations.open, whose
        # limit (Tier 3, ~50 a minute) is six times tighter than chat.postMessage's: a round
        # would otherwise go no faster than one DM could be opened.
        channel = await repo.dm_channel(reminder.user_id) or reminder.user_id
        # 'sending' is durable before the message leaves: a crash in between is found at start.
        if not await repo.set_reminder_status(
            reminder, ReminderStatus.SENDING, expected=ReminderStatus.DUE, dm_channel_id=channel
        ):
            return 0
        return await self._post(poll, reminder, channel)

    async def _post(self, poll: Poll, reminder: Reminder, channel: str) -> int:
        lang = await self.ctx.people.language_of(reminder.user_id)
        number = await self._reminder_number(poll.id, reminder.user_id)
        message = blocks.render_reminder_dm(poll, lang=lang, reminder_number=number)
        try:
            dm_channel, ts = await self.ctx.gateway.post_message_to(
                channel, message.text, message.blocks, metadata=_tag(reminder)
            )
        except SlackCallFailed as error:
            await self._failed(reminder, ReminderStatus.SENDING, error)
            return 0
        now = self.ctx.clock.now()
        await self.ctx.repo.set_reminder_status(
            reminder,
            ReminderStatus.SENT,
            expected=ReminderStatus.SENDING,
            at=now,
            dm_channel_id=dm_channel,
            message_ts=ts,
        )
        if dm_channel != channel:
            await self.ctx.repo.save_dm_channel(reminder.user_id, dm_channel, now)
        self.ctx.on_reminder_sent()
        return 1

    async def _reminder_number(self, poll_id: int, user_id: str) -> int:
        totals = await self.ctx.repo.reminder_count_for(poll_id, user_id)
        return max(totals, 1)

    async def _failed(
        self, reminder: Reminder, expected: ReminderStatus, error: SlackCallFailed
    ) -> None:
        logger.warning(
            "reminder to %s for poll %s failed for good: %s",
            reminder.user_id,
            reminder.poll_id,
            error.error,
            extra={"poll_id": reminder.poll_id},
        )
        await self.ctx.repo.set_reminder_status(
            reminder, ReminderStatus.FAILED, expected=expected, error=error.error[:200]
        )

    async def _recover_sending(self, poll: Poll) -> None:
        """Reminders caught between 'sending' and 'sent' by a crash: Slack's history of the DM
        tells whether the message went out; if not, it is sent now."""
        for reminder in await self.ctx.repo.reminders_with_status(poll.id, ReminderStatus.SENDING):
            channel = reminder.dm_channel_id
            assert channel is not None
            oldest = (reminder.deliver_at - timedelta(minutes=1)).timestamp()
            try:
                if not channel.startswith("D"):
                    # posted by user id: the DM's history needs the DM's own id
                    channel = await self.polls.dm_channel(reminder.user_id)
                ts = await self.ctx.gateway.find_tagged_message(
                    channel, _tag(reminder), oldest=oldest
                )
            except SlackCallFailed as error:
                logger.warning("cannot check reminder to %s: %s", reminder.user_id, error.error)
                continue
            if ts is not None:
                await self.ctx.repo.set_reminder_status(
                    reminder,
                    ReminderStatus.SENT,
                    expected=ReminderStatus.SENDING,
                    at=self.ctx.clock.now(),
                    message_ts=ts,
                )
            elif poll.is_open and await self.ctx.repo.still_wants_reminder(
                poll.id, reminder.user_id
            ):
                await self._post(poll, reminder, channel)
            else:
                await self.ctx.repo.set_reminder_status(
                    reminder, ReminderStatus.SKIPPED, expected=ReminderStatus.SENDING
                )


def _tag(reminder: Reminder) -> dict[str, object]:
    # The DM channel already identifies the person; the tag names the poll and round only.
    return {"poll": reminder.poll_id, "round": reminder.round_id}
