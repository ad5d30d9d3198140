"""You said, we did: the organiser records what came of a closed poll, and the outcome report is
published in the summary's thread and sent once to everyone asked."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.domain.errors import OutcomeNotReady, PollNotFound
from bot.domain.model import Poll, PollStatus, ReminderStatus
from bot.domain.outcome import (
    AskedFacts,
    Decision,
    OutcomeDelivery,
    OutcomeItem,
    OutcomeReport,
    OutcomeState,
    SupportedItem,
    apply_decisions,
    build_report,
    outcome_items,
    supported_items,
)
from bot.services import jobs
from bot.services.closing import SUMMARY
from bot.services.fan_out import fan_out
from bot.services.jobs import JobBusy, JobQueue, job_key
from bot.services.people import PeopleDirectory
from bot.services.polls import PollLookup
from bot.services.ports import (
    Clock,
    Job,
    Message,
    MessageNotFound,
    MessageTag,
    OutcomeStore,
    PollStore,
    Presenter,
    SlackError,
    SlackPort,
)
from bot.services.ports.workspaces import WorkspaceMismatch
from bot.services.reminders import DELIVERY_WORKERS

logger = logging.getLogger(__name__)

# A DM whose post may have begun is looked up in the DM's history from a little before its round.
_LOOKUP_MARGIN = timedelta(minutes=1)


def report_tag(poll_id: int) -> MessageTag:
    """The thread reply's identity in its metadata."""
    return {"poll": poll_id, "outcome": 0}


def report_dm_tag(delivery: OutcomeDelivery) -> MessageTag:
    # The DM channel identifies the person; the tag names the poll and the round only.
    return {"poll": delivery.poll_id, "outcome_dm": delivery.round}


class DeliveriesLeft(Exception):
    """Some DMs of the report could not be sent or checked in this run: the job tries again."""


@dataclass(frozen=True, slots=True)
class OutcomeForm:
    """What the outcome form shows: the poll's items (most support first) with the decisions
    recorded so far, and whether a report was sent already."""

    poll: Poll
    items: tuple[OutcomeItem, ...]
    reported: bool


class Outcomes:
    """The outcome form, the decisions stored before the ack, and the publishing job
    ("outcome:<poll id>"): one runner at a time, each DM sent once (due → sending → sent)."""

    def __init__(
        self,
        polls: PollStore,
        store: OutcomeStore,
        slack: SlackPort,
        presenter: Presenter,
        people: PeopleDirectory,
        lookup: PollLookup,
        queue: JobQueue,
        clock: Clock,
    ) -> None:
        self.polls = polls
        self.store = store
        self.slack = slack
        self.presenter = presenter
        self.people = people
        self.lookup = lookup
        self.queue = queue
        self.clock = clock

    async def form_for(self, poll_id: int, user_id: str) -> OutcomeForm:
        """The form's items for the organiser of a closed poll, with their earlier decisions."""
        poll = await self._closed_poll(poll_id, user_id)
        items = await self._items(poll)
        earlier = {
            item.position: item
            for item in await self.store.outcome_items(poll.id)
            if item.position < len(items) and items[item.position].full_text == item.full_text
        }
        decisions = [Decision(p, item.status, item.note) for p, item in earlier.items()]
        state = await self.store.outcome_state(poll.id)
        return OutcomeForm(poll, tuple(apply_decisions(items, decisions)), state is not None)

    async def record(
        self,
        poll_id: int,
        user_id: str,
        decisions: Sequence[Decision],
        *,
        tell_everyone: bool,
    ) -> OutcomeState:
        """Store the decisions (before the form's ack); publish() then does the Slack side."""
        poll = await self._closed_poll(poll_id, user_id)
        items = apply_decisions(await self._items(poll), decisions)
        try:
            state = await self.store.record_outcome(
                poll.id,
                items,
                self.clock.now(),
                tell_everyone=tell_everyone,
                job=(job_key(jobs.OUTCOME, poll.id), jobs.OUTCOME),
            )
        except WorkspaceMismatch:
            # Not this workspace's poll (the lookup above already refuses one): as not there.
            raise PollNotFound(poll.id) from None
        logger.info(
            "poll %s: outcome recorded (revision %d, %d decided)",
            poll.id,
            state.revision,
            sum(1 for item in items if item.status is not None),
            extra={"poll_id": poll.id},
        )
        return state

    async def publish(self, poll_id: int) -> bool:
        """Run the publishing job here and now; False when it failed (it is retried later)."""
        with contextlib.suppress(JobBusy):  # another runner is publishing it already
            return await self.queue.run_now(jobs.OUTCOME, poll_id, self.run_job)
        return True

    async def run_job(self, job: Job) -> None:
        """The outcome job: the thread reply posted or edited, the summary's facts line, then
        the report's DMs that are due."""
        assert job.poll_id is not None
        poll = await self.polls.get_poll(job.poll_id)
        state = await self.store.outcome_state(job.poll_id)
        if poll is None or state is None or poll.status is not PollStatus.CLOSED:
            return
        if not state.published:
            report = await self.report(poll)
            await self._publish_reply(poll, state, report)
            await self._update_summary(poll)
        left = await self._deliver(poll)
        if left:
            raise DeliveriesLeft(f"{left} DMs of the outcome report of poll {poll.id} are left")

    async def report(self, poll: Poll) -> OutcomeReport:
        """The report as it reads now (for a follow-up vote, with its original poll)."""
        original = None
        if poll.follow_up_of is not None:
            earlier = await self.polls.get_poll(poll.follow_up_of)
            if earlier is not None:
                original = await self._facts(earlier)
        items = await self.store.outcome_items(poll.id)
        return build_report(poll, await self._facts(poll), items, original=original)

    async def _closed_poll(self, poll_id: int, user_id: str) -> Poll:
        poll = await self.lookup.require_organiser(poll_id, user_id)
        if poll.status is not PollStatus.CLOSED:
            raise OutcomeNotReady(poll.id)
        return poll

    async def _items(self, poll: Poll) -> list[SupportedItem]:
        current = await self.lookup.current_tally(poll)
        items = outcome_items(poll, current)
        if not items:
            # Wishes there are, but too few answered an anonymous poll for them to be shown.
            hidden = any(supported_items(result) for result in current.results)
            raise OutcomeNotReady(
                poll.id, "error.outcome_hidden" if hidden else "error.outcome_nothing"
            )
        return items

    async def _facts(self, poll: Poll) -> AskedFacts:
        counts = await self.polls.counts(poll.id)
        return AskedFacts(
            poll_id=poll.id,
            question=poll.questions[0].text if poll.questions else "",
            opened_at=poll.opened_at,
            closed_at=poll.closed_at or poll.closes_at,
            asked=counts.asked,
            answered=counts.answered,
        )

    async def _summary_ts(self, poll: Poll) -> str | None:
        parts = {part: ts for part, _channel, ts in await self.polls.messages(poll.id, SUMMARY)}
        return parts.get(0)

    async def _publish_reply(self, poll: Poll, state: OutcomeState, report: OutcomeReport) -> None:
        """Post the report in the summary's thread (also to the channel) once; edit it after."""
        message = self.presenter.outcome_report(report, lang=poll.language)
        channel, ts = state.channel_id or poll.channel_id, state.ts
        summary_ts = await self._summary_ts(poll)
        if ts is None and state.reply_started:
            # An earlier run may have posted it and stopped before recording it.
            ts = await self.slack.find_tagged(
                channel, report_tag(poll.id), oldest=poll.opened_at, thread_ts=summary_ts
            )
        if ts is not None:
            try:
                await self.slack.update(channel, ts, message)
            except MessageNotFound:
                ts = None  # someone deleted the reply in Slack: the report is posted anew
        if ts is None:
            if not state.reply_started:
                await self.store.mark_outcome_reply_started(poll.id)
            posted = await self.slack.post(
                channel, message, tag=report_tag(poll.id), thread_ts=summary_ts, broadcast=True
            )
            ts = posted.ts
        await self.store.set_outcome_published(poll.id, state.revision, channel, ts)

    async def _update_summary(self, poll: Poll) -> None:
        """The summary's first message says that the outcome was reported."""
        parts = await self.polls.messages(poll.id, SUMMARY)
        first = [(channel, ts) for part, channel, ts in parts if part == 0]
        if not first:
            return
        summary = self.presenter.summary(poll, await self.lookup.current_tally(poll))
        channel, ts = first[0]
        try:
            await self.slack.update(channel, ts, summary[0])
        except SlackError as error:  # the report is out; the facts line is a courtesy
            logger.warning("poll %s: summary not updated: %s", poll.id, error.code)

    async def _deliver(self, poll: Poll) -> int:
        """Send the report's due DMs, each once; returns how many are still left."""
        report = await self.report(poll)
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
