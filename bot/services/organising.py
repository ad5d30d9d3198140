"""The organiser's commands on a poll: list, results so far, export, extend, delete."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import InvalidPollInput, PollClosed
from bot.domain.export import render_csv
from bot.domain.model import CloseSpec, Poll, PollStatus
from bot.domain.schedule import resolve_close
from bot.domain.tally import PollTally
from bot.i18n import t
from bot.services import jobs
from bot.services.closing import SUMMARY
from bot.services.jobs import job_key
from bot.services.messages import PollMessages
from bot.services.people import PeopleDirectory
from bot.services.polls import PollLookup
from bot.services.ports import Clock, JobStore, PollStore, SlackPort
from bot.services.scheduling import PollSchedule

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollListEntry:
    """One poll of a channel's list: its counts, the next reminder (for its organiser), and,
    for a poll whose close is still being finished, how many tries have failed."""

    poll: Poll
    answered: int
    asked: int
    next_reminder: datetime | None
    failed_close_attempts: int = 0


@dataclass(frozen=True, slots=True)
class InterimResults:
    poll: Poll
    tally: PollTally
    next_reminder: datetime | None


class Organising:
    """What only a poll's organiser may do, and the channel's list of polls."""

    def __init__(
        self,
        polls: PollStore,
        job_store: JobStore,
        slack: SlackPort,
        people: PeopleDirectory,
        lookup: PollLookup,
        messages: PollMessages,
        schedule: PollSchedule,
        clock: Clock,
    ) -> None:
        self.polls = polls
        self.job_store = job_store
        self.slack = slack
        self.people = people
        self.lookup = lookup
        self.messages = messages
        self.schedule = schedule
        self.clock = clock

    async def list_polls(self, channel_id: str) -> list[PollListEntry]:
        """Polls of the channel still open, or closed but with their summary not yet out; then
        closed polls whose outcome was reported (latest first)."""
        polls = await self.polls.polls_in_channel(channel_id, PollStatus.OPEN, PollStatus.CLOSING)
        polls += await self.polls.reported_polls_in_channel(channel_id)
        failing = await self.job_store.failing_jobs(job_key(jobs.CLOSE, p.id) for p in polls)
        entries = []
        for poll in polls:
            counts = await self.polls.counts(poll.id)
            entries.append(
                PollListEntry(
                    poll=poll,
                    answered=counts.answered,
                    asked=counts.asked,
                    next_reminder=await self.lookup.next_reminder(poll),
                    failed_close_attempts=failing.get(job_key(jobs.CLOSE, poll.id), 0),
                )
            )
        return entries

    async def interim_results(self, poll_id: int, user_id: str) -> InterimResults:
        poll = await self.lookup.require_organiser(poll_id, user_id)
        return InterimResults(
            poll, await self.lookup.current_tally(poll), await self.lookup.next_reminder(poll)
        )

    async def export_csv(self, poll: Poll, lang: str) -> bytes:
        responses = await self.polls.responses(poll)
        names: dict[str, str] = {}
        if not poll.anonymous:
            respondents = [r.respondent for r in responses if r.respondent]
            people = await self.people.people(respondents)
            # The id keeps two people of the same name apart.
            names = {
                user_id: f"{person.name} ({user_id})"
                for user_id, person in people.items()
                if person.name
            }
        return render_csv(
            poll,
            responses,
            respondent_header=t(lang, "export.respondent"),
            respondent_names=names,
            place_label=lambda place: t(lang, "export.place", place=place),
        )

    async def send_export(self, poll_id: int, user_id: str, lang: str) -> Poll:
        """The answers as CSV, sent to the organiser in a DM."""
        poll = await self.lookup.require_organiser(poll_id, user_id)
        content = await self.export_csv(poll, lang)
        await self.slack.upload_file(
            await self.people.dm_channel(user_id),
            f"wishbot-poll-{poll.id}.csv",
            content,
            title=t(lang, "export.title", poll_id=poll.id),
            comment=t(lang, "export.comment", poll_id=poll.id),
        )
        return poll

    async def extend(self, poll_id: int, user_id: str, change: CloseSpec) -> Poll:
        """Move the close: a duration later than planned, or to a date (earlier if future)."""
        poll = await self.lookup.require_organiser(poll_id, user_id)
        if not poll.is_open:
            raise PollClosed(poll.id)
        now = self.clock.now()
        if isinstance(change, timedelta):
            closes_at = poll.closes_at + change
        else:
            closes_at = resolve_close(change, now, await self.people.zone(user_id))
        if closes_at <= now:
            raise InvalidPollInput("error.close_in_past")
        if not await self.polls.set_closes_at(poll.id, closes_at):
            raise PollClosed(poll.id)
        await self.schedule.poll_changed(poll.id)
        await self.messages.refresh(poll.id)
        return await self.lookup.require(poll.id)

    async def confirm_delete(self, poll_id: int, user_id: str) -> Poll:
        """The poll an organiser is about to delete (they confirm first)."""
        return await self.lookup.require_organiser(poll_id, user_id)

    async def delete(self, poll_id: int, user_id: str) -> Poll:
        """Remove the poll's messages from Slack and everything of it from the database."""
        poll = await self.lookup.require_organiser(poll_id, user_id)
        for _part, channel, ts in reversed(await self.polls.messages(poll.id, SUMMARY)):
            await self.slack.delete(channel, ts)
        if poll.message_ts is not None:
            await self.slack.delete(poll.channel_id, poll.message_ts)
        await self.polls.delete_poll(poll.id)
        await self.schedule.poll_changed(poll.id)
        logger.info("poll %s deleted", poll.id, extra={"poll_id": poll.id})
        return poll
