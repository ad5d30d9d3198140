"""Reminder rounds: who is reminded, when (their working hours), and delivery exactly once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.domain.errors import PollClosed
from bot.domain.event_schedule import event_delivery_time, latest_due_auto_round, round_day
from bot.domain.model import Poll, Reminder, ReminderStatus
from bot.domain.schedule import WorkingHours, delivery_time
from bot.services.fan_out import fan_out
from bot.services.people import PeopleDirectory
from bot.services.polls import PollLookup
from bot.services.ports import (
    Clock,
    Job,
    MessageTag,
    PollStore,
    Presenter,
    ReminderStore,
    SlackError,
    SlackPort,
)
from bot.services.scheduling import PollSchedule

logger = logging.getLogger(__name__)

# Concurrent deliveries: enough to reach Slack's posting limits, which the Slack adapter meets
# through Retry-After; more would only queue inside the client.
DELIVERY_WORKERS = 8


def reminder_tag(reminder: Reminder) -> MessageTag:
    # The DM channel already identifies the person; the tag names the poll and round only.
    return {"poll": reminder.poll_id, "round": reminder.round_id}


@dataclass(frozen=True, slots=True)
class RoundPlan:
    """A started round: how many reminders go out now and how many wait for working hours."""

    now: int
    later: int


class Reminders:
    """Plans rounds and delivers due reminders (the poll's delivery job: one runner at a time)."""

    def __init__(
        self,
        polls: PollStore,
        reminders: ReminderStore,
        slack: SlackPort,
        presenter: Presenter,
        people: PeopleDirectory,
        lookup: PollLookup,
        schedule: PollSchedule,
        clock: Clock,
        quiet_hours: WorkingHours | None,
        on_sent: Callable[[], None],
    ) -> None:
        self.polls = polls
        self.reminders = reminders
        self.slack = slack
        self.presenter = presenter
        self.people = people
        self.lookup = lookup
        self.schedule = schedule
        self.clock = clock
        self.quiet_hours = quiet_hours
        self.on_sent = on_sent

    async def start_round(self, poll: Poll, auto_index: int | None) -> RoundPlan | None:
        """Plan a round to everyone an automatic round would reach; None if it already ran."""
        now = self.clock.now()
        candidates = await self.reminders.reminder_candidates(poll.id)
        people = await self.people.people(candidates)
        # An event poll's automatic round reaches each person on its day, in their own zone.
        day = None if auto_index is None else round_day(poll, auto_index)
        deliveries = []
        for user_id in candidates:
            zone = self.people.zone_of(people.get(user_id))
            if day is None:
                at = delivery_time(now, zone, self.quiet_hours, poll.closes_at)
            else:
                at = event_delivery_time(day, zone, self.quiet_hours, poll.closes_at, now)
            if at is not None:
                deliveries.append((user_id, at))
        round_id = await self.reminders.start_round(poll.id, auto_index, now, deliveries)
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
        await self.schedule.deliveries_changed(poll.id)
        return RoundPlan(now=len(deliveries) - later, later=later)

    async def remind_now(self, poll_id: int, user_id: str) -> RoundPlan:
        """/wishes remind: the organiser asks for a round now."""
        poll = await self.lookup.require_organiser(poll_id, user_id)
        if not poll.is_open:
            raise PollClosed(poll.id)
        plan = await self.start_round(poll, None)
        assert plan is not None  # a manual round always starts
        return plan

    async def run_round_job(self, job: Job) -> None:
        """The round job: start the automatic round whose time has come."""
        assert job.poll_id is not None
        try:
            poll = await self.polls.get_poll(job.poll_id)
            if poll is None or not poll.is_open:
                return
            due = latest_due_auto_round(poll, self.clock.now())
            if due is not None:
                await self.start_round(poll, due[0])
        finally:
            # Whatever happened to this round, the next one is planned.
            await self.schedule.plan_next(job.poll_id)

    async def run_delivery_job(self, job: Job) -> None:
        """The delivery job: send every reminder of the poll whose time has come."""
        assert job.poll_id is not None
        try:
            await self.deliver_due(job.poll_id)
        finally:
            await self.schedule.deliveries_changed(job.poll_id)

    async def deliver_due(self, poll_id: int) -> int:
        """Send every reminder whose time has come; returns how many were sent."""
        poll = await self.polls.get_poll(poll_id)
        if poll is None:
            return 0
        await self._recover_sending(poll)
        due = await self.reminders.reminders_with_status(
            poll_id, ReminderStatus.DUE, due_by=self.clock.now()
        )
        sent = await fan_out(
            due,
            lambda reminder: self._deliver(poll, reminder),
            workers=DELIVERY_WORKERS,
            failed=lambda reminder: logger.exception(
                "reminder to %s for poll %s failed",
                reminder.user_id,
                poll.id,
                extra={"poll_id": poll.id},
            ),
        )
        return sum(count or 0 for count in sent)

    async def _deliver(self, poll: Poll, reminder: Reminder) -> int:
        if not await self.reminders.still_wants_reminder(poll.id, reminder.user_id):
            await self.reminders.set_reminder_status(
                reminder, ReminderStatus.SKIPPED, expected=ReminderStatus.DUE
            )
            return 0
        # Posting to the person's user id reaches the app DM without conversations.open, whose
        # limit (Tier 3, ~50 a minute) is six times tighter than chat.postMessage's: a round
        # would otherwise go no faster than one DM could be opened.
        channel = await self.people.known_dm_channel(reminder.user_id) or reminder.user_id
        # 'sending' is durable before the message leaves: a crash in between is found later.
        if not await self.reminders.set_reminder_status(
            reminder, ReminderStatus.SENDING, expected=ReminderStatus.DUE, dm_channel_id=channel
        ):
            return 0
        return await self._post(poll, reminder, channel)

    async def _post(self, poll: Poll, reminder: Reminder, channel: str) -> int:
        lang = await self.people.language_of(reminder.user_id)
        number = max(await self.reminders.reminder_count_for(poll.id, reminder.user_id), 1)
        message = self.presenter.reminder(poll, lang=lang, number=number)
        try:
            posted = await self.slack.post(channel, message, tag=reminder_tag(reminder))
        except SlackError as error:
            await self._failed(reminder, error)
            return 0
        now = self.clock.now()
        await self.reminders.set_reminder_status(
            reminder,
            ReminderStatus.SENT,
            expected=ReminderStatus.SENDING,
            at=now,
            dm_channel_id=posted.channel,
            message_ts=posted.ts,
        )
        if posted.channel != channel:
            await self.people.remember_dm_channel(reminder.user_id, posted.channel)
        self.on_sent()
        return 1

    async def _failed(self, reminder: Reminder, error: SlackError) -> None:
        logger.warning(
            "reminder to %s for poll %s failed for good: %s",
            reminder.user_id,
            reminder.poll_id,
            error.code,
            extra={"poll_id": reminder.poll_id},
        )
        await self.reminders.set_reminder_status(
            reminder, ReminderStatus.FAILED, expected=ReminderStatus.SENDING, error=error.code[:200]
        )

    async def _recover_sending(self, poll: Poll) -> None:
        """Reminders caught between 'sending' and 'sent' (a crash, or a runner that died):
        Slack's history of the DM tells whether the message went out; if not, it is sent now."""
        for reminder in await self.reminders.reminders_with_status(poll.id, ReminderStatus.SENDING):
            channel = reminder.dm_channel_id or reminder.user_id
            oldest = reminder.deliver_at - timedelta(minutes=1)
            try:
                ts = await self.slack.find_tagged(channel, reminder_tag(reminder), oldest=oldest)
            except SlackError as error:
                logger.warning("cannot check reminder to %s: %s", reminder.user_id, error.code)
                continue
            if ts is not None:
                await self.reminders.set_reminder_status(
                    reminder,
                    ReminderStatus.SENT,
                    expected=ReminderStatus.SENDING,
                    at=self.clock.now(),
                    message_ts=ts,
                )
            elif poll.is_open and await self.reminders.still_wants_reminder(
                poll.id, reminder.user_id
            ):
                await self._post(poll, reminder, channel)
            else:
                await self.reminders.set_reminder_status(
                    reminder, ReminderStatus.SKIPPED, expected=ReminderStatus.SENDING
                )
