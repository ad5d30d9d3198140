"""You said, we did: the organiser records what came of a closed poll, and the outcome report is
published in the summary's thread and sent once to everyone asked (bot.services.outcome_dms)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.errors import OutcomeNotReady, PollNotFound
from bot.domain.model import Poll, PollStatus
from bot.domain.outcome import (
    AskedFacts,
    Decision,
    OutcomeItem,
    OutcomeReport,
    OutcomeState,
    SupportedItem,
    apply_decisions,
    build_report,
    outcome_items,
    supported_items,
    with_wishes_in_full,
)
from bot.domain.wishes import poll_wishes
from bot.services import jobs
from bot.services.closing import SUMMARY
from bot.services.jobs import JobBusy, JobQueue, job_key
from bot.services.outcome_dms import OutcomeDMs
from bot.services.polls import PollLookup
from bot.services.ports import (
    Clock,
    Job,
    MessageNotFound,
    MessageTag,
    OutcomeStore,
    PollStore,
    Presenter,
    SlackError,
    SlackPort,
)
from bot.services.ports.workspaces import WorkspaceMismatch

logger = logging.getLogger(__name__)


def report_tag(poll_id: int) -> MessageTag:
    """The thread reply's identity in its metadata."""
    return {"poll": poll_id, "outcome": 0}


def _same_item(now: SupportedItem, recorded: OutcomeItem) -> bool:
    """Whether a recorded decision is about the item now at its place. The short text also
    matches: a follow-up's wish recorded before its full text was known is the same wish."""
    return now.full_text == recorded.full_text or now.text == recorded.text


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
        lookup: PollLookup,
        queue: JobQueue,
        clock: Clock,
        dms: OutcomeDMs,
    ) -> None:
        self.polls = polls
        self.store = store
        self.slack = slack
        self.presenter = presenter
        self.lookup = lookup
        self.queue = queue
        self.clock = clock
        self.dms = dms

    async def form_for(self, poll_id: int, user_id: str) -> OutcomeForm:
        """The form's items for the organiser of a closed poll, with their earlier decisions."""
        poll = await self._closed_poll(poll_id, user_id)
        items = await self._items(poll)
        earlier = {
            item.position: item
            for item in await self.store.outcome_items(poll.id)
            if item.position < len(items) and _same_item(items[item.position], item)
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
        left = await self.dms.deliver(poll, await self.report(poll))
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
        if poll.follow_up_of is not None:
            original = await self.polls.get_poll(poll.follow_up_of)
            if original is not None:
                wishes = poll_wishes(original, await self.lookup.current_tally(original))
                items = with_wishes_in_full(items, wishes)
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
