"""The outcome report sent once to everyone asked: each DM due → sending → sent, and one caught
in between (a crash, a runner that died) looked up in the DM's history before it is sent."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.domain.model import Poll, ReminderStatus
from bot.domain.outcome import OutcomeDelivery, OutcomeReport
from bot.services.fan_out import fan_out
from bot.services.people import PeopleDirectory
from bot.services.ports import (
    Clock,
    Message,
    MessageTag,
    OutcomeStore,
    Presenter,
    SlackError,
    SlackPort,
)
from bot.services.reminders import DELIVERY_WORKERS

logger = logging.getLogger(__name__)

# A DM whose post may have begun is looked up in the DM's history from a little before its round.
_LOOKUP_MARGIN = timedelta(minutes=1)


def report_dm_tag(delivery: OutcomeDelivery) -> MessageTag:
    # The DM channel identifies the person; the tag names the poll and the round only.
    return {"poll": delivery.poll_id, "outcome_dm": delivery.round}


class OutcomeDMs:
    """The report's DMs of a poll, each sent once, in the reader's language."""

    def __init__(
        self,
        store: OutcomeStore,
        slack: SlackPort,
        presenter: Presenter,
        people: PeopleDirectory,
        clock: Clock,
    ) -> None:
        self.store = store
        self.slack = slack
        self.presenter = presenter
        self.people = people
        self.clock = clock

    async def deliver(self, poll: Poll, report: OutcomeReport) -> int:
        """Send the report's due DMs, each once; returns how many are still left."""
        rendered: dict[str, Message] = {}
        left = await self._recover_sending(poll, report, rendered)
        done = await fan_out(
            await self.store.outcome_deliveries(poll.id, ReminderStatus.DUE),
            lambda delivery: self._deliver_one(report, rendered, delivery),
            workers=DELIVERY_WORKERS,
            failed=lambda delivery: logger.exception(
                "outcome report to %s for poll %s failed",
                delivery.user_id,
                delivery.poll_id,
                extra={"poll_id": delivery.poll_id},
            ),
        )
        return left + sum(1 for finished in done if not finished)

    async def _deliver_one(
        self, report: OutcomeReport, rendered: dict[str, Message], delivery: OutcomeDelivery
    ) -> bool:
        """True once this delivery is done with (sent, failed for good, or taken by another)."""
        # Posting to the person's user id reaches the app DM without conversations.open.
        channel = await self.people.known_dm_channel(delivery.user_id) or delivery.user_id
        # 'sending' is durable before the message leaves: a crash in between is found later.
        if not await self.store.set_outcome_delivery_status(
            delivery, ReminderStatus.SENDING, expected=ReminderStatus.DUE, dm_channel_id=channel
        ):
            return True
        await self._post(report, rendered, delivery, channel)
        return True

    async def _post(
        self,
        report: OutcomeReport,
        rendered: dict[str, Message],
        delivery: OutcomeDelivery,
        channel: str,
    ) -> None:
        lang = await self.people.language_of(delivery.user_id)
        if lang not in rendered:
            rendered[lang] = self.presenter.outcome_report(report, lang=lang)
        try:
            posted = await self.slack.post(channel, rendered[lang], tag=report_dm_tag(delivery))
        except SlackError as error:
            logger.warning(
                "outcome report to %s for poll %s failed for good: %s",
                delivery.user_id,
                delivery.poll_id,
                error.code,
                extra={"poll_id": delivery.poll_id},
            )
            await self.store.set_outcome_delivery_status(
                delivery,
                ReminderStatus.FAILED,
                expected=ReminderStatus.SENDING,
                error=error.code[:200],
            )
            return
        await self.store.set_outcome_delivery_status(
            delivery,
            ReminderStatus.SENT,
            expected=ReminderStatus.SENDING,
            at=self.clock.now(),
            dm_channel_id=posted.channel,
            message_ts=posted.ts,
        )
        if posted.channel != channel:
            await self.people.remember_dm_channel(delivery.user_id, posted.channel)

    async def _recover_sending(
        self, poll: Poll, report: OutcomeReport, rendered: dict[str, Message]
    ) -> int:
        """DMs caught between 'sending' and 'sent' (a crash, or a runner that died): the DM's
        history tells whether it went out; if not, it is sent now. Returns how many could not
        be checked."""
        unchecked = 0
        for delivery in await self.store.outcome_deliveries(poll.id, ReminderStatus.SENDING):
            channel = delivery.dm_channel_id or delivery.user_id
            oldest = delivery.created_at - _LOOKUP_MARGIN
            try:
                ts = await self.slack.find_tagged(channel, report_dm_tag(delivery), oldest=oldest)
            except SlackError as error:
                logger.warning("cannot check outcome DM to %s: %s", delivery.user_id, error.code)
                unchecked += 1
                continue
            if ts is None:
                await self._post(report, rendered, delivery, channel)
            else:
                await self.store.set_outcome_delivery_status(
                    delivery,
                    ReminderStatus.SENT,
                    expected=ReminderStatus.SENDING,
                    at=self.clock.now(),
                    message_ts=ts,
                )
        return unchecked
