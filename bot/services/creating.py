"""Creating a poll: times and audience resolved, stored in one transaction, posted once."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.domain.errors import InvalidPollInput, PollError
from bot.domain.event_schedule import resolve_times
from bot.domain.model import Poll, PollDraft
from bot.domain.validation import CHANNEL_FIELD, with_resolved_size
from bot.services import jobs
from bot.services.audience import AudienceResolver
from bot.services.jobs import JobQueue
from bot.services.locks import KeyedLock
from bot.services.messages import PollMessages
from bot.services.people import PeopleDirectory
from bot.services.ports import (
    ChannelInfo,
    ChannelNotFound,
    Clock,
    PollStore,
    SlackError,
    SlackPort,
)
from bot.services.scheduling import PollSchedule
from bot.services.workspace_facts import WorkspaceFacts

logger = logging.getLogger(__name__)

# Creating a poll is the heaviest work after an ack; letting a burst of commands all run it at
# once fills the event loop's queue ahead of the next request's ack.
CONCURRENT_CREATIONS = 2


@dataclass(frozen=True, slots=True)
class CreatedPoll:
    """The stored and posted poll; everyone_asked when a sample covered the whole audience;
    duplicate when a redelivered request found the poll it had already created."""

    poll: Poll
    asked: int
    everyone_asked: bool
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A poll made as an occurrence of a recurring series; a new sample prefers people not
    in drawn_before (the previous occurrence's sample)."""

    series_id: int
    drawn_before: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Where:
    """Who creates the poll, in which workspace and channel."""

    team_id: str
    channel_id: str
    organiser_id: str


class PollCreation:
    """Turns a draft into a stored, posted and scheduled poll."""

    def __init__(
        self,
        polls: PollStore,
        slack: SlackPort,
        people: PeopleDirectory,
        audience: AudienceResolver,
        facts: WorkspaceFacts,
        messages: PollMessages,
        schedule: PollSchedule,
        queue: JobQueue,
        clock: Clock,
    ) -> None:
        self.polls = polls
        self.slack = slack
        self.people = people
        self.audience = audience
        self.facts = facts
        self.messages = messages
        self.schedule = schedule
        self.queue = queue
        self.clock = clock
        self._creating = asyncio.Semaphore(CONCURRENT_CREATIONS)
        # A retried form submission that arrives while the first is still being created must
        # wait for it and then find it, not create a second poll.
        self._keys = KeyedLock[str]()

    # --- before the ack: only what is known -----------------------------------------------

    async def check_draft(self, draft: PollDraft, *, organiser_id: str, channel_id: str) -> None:
        """What a form can be refused for inline, decided from what is already known (the
        organiser's time zone, recently seen user groups and channels); Slack is asked only
        about a group handle not seen yet, briefly."""
        zone = await self.people.zone(organiser_id, known_only=True)
        resolve_times(draft, self.clock.now(), zone)
        await self.audience.check_handles(draft)
        _check_channel(channel_id, self.facts.recent_channel(channel_id))

    # --- creating -------------------------------------------------------------------------

    async def create(
        self,
        draft: PollDraft,
        where: Where,
        *,
        idempotency_key: str | None = None,
        occurrence: Occurrence | None = None,
    ) -> CreatedPoll:
        """Resolve times and audience, store the poll in one transaction and post it."""
        if idempotency_key is None:
            async with self._creating:
                return await self._create(draft, where, None, occurrence)
        async with self._keys.hold(idempotency_key), self._creating:
            return await self._create(draft, where, idempotency_key, occurrence)

    async def _create(
        self,
        draft: PollDraft,
        where: Where,
        idempotency_key: str | None,
        occurrence: Occurrence | None,
    ) -> CreatedPoll:
        if idempotency_key and (duplicate := await self._duplicate(idempotency_key)):
            return duplicate
        channel_id = draft.channel_id or where.channel_id
        organiser_id = where.organiser_id
        now = self.clock.now()
        zone = await self.people.zone(organiser_id)
        times = resolve_times(draft, now, zone)
        event = times.event
        await self._make_postable(channel_id)
        if draft.follow_up_of is not None:
            # A follow-up asks exactly the people its poll asked: not the channel of today, not
            # a new sample; only those deactivated since then are left out.
            members = await self.audience.still_askable(
                await self.polls.members_of(draft.follow_up_of)
            )
            everyone_asked = False
        else:
            draft = await self.audience.with_group_ids(draft)
            drawn_before = () if occurrence is None else occurrence.drawn_before
            members, everyone_asked = await self.audience.members(
                draft, channel_id, organiser_id, drawn_before
            )
        if not [m for m in members if m != organiser_id]:
            raise PollError("error.empty_audience")
        poll = await self.polls.create_poll(
            team_id=where.team_id,
            channel_id=channel_id,
            organiser_id=organiser_id,
            language=await self.people.language_of(organiser_id),
            # A dot vote or ranking drafted without a size gets the default one.
            questions=tuple(with_resolved_size(question) for question in draft.questions),
            anonymous=draft.anonymous,
            audience=draft.audience,
            opened_at=now,
            closes_at=times.closes_at,
            remind_every=times.remind_every,
            members=members,
            idempotency_key=idempotency_key,
            event_at=None if event is None else event.event_at,
            event_has_time=event is not None and event.has_time,
            event_tz=None if event is None else zone.key,
            event_reminder_days=() if event is None else event.reminder_days,
            follow_up_of=draft.follow_up_of,
            series_id=None if occurrence is None else occurrence.series_id,
        )
        if poll is None:
            assert idempotency_key is not None
            duplicate = await self._duplicate(idempotency_key)
            assert duplicate is not None
            return duplicate
        try:
            await self.messages.post(poll, asked=len(members))
        except SlackError:
            # Never leave a poll that nobody can see: it would be reminded and closed in silence.
            await self.polls.delete_poll(poll.id)
            raise
        await self.schedule.poll_changed(poll.id)
        if draft.audience.sample_size is not None:
            await self.queue.schedule(jobs.INVITE, poll.id, now)
        logger.info(
            "poll %s created in %s, %d asked",
            poll.id,
            channel_id,
            len(members),
            extra={"poll_id": poll.id},
        )
        return CreatedPoll(poll, len(members), everyone_asked)

    async def _duplicate(self, idempotency_key: str) -> CreatedPoll | None:
        """The poll this same submission created before (Slack's retry, a double submit)."""
        existing = await self.polls.poll_by_idempotency_key(idempotency_key)
        if existing is None:
            return None
        counts = await self.polls.counts(existing.id)
        return CreatedPoll(existing, counts.asked, everyone_asked=False, duplicate=True)

    async def _make_postable(self, channel_id: str) -> None:
        """Join a public channel the bot is not in; a private one needs an invitation."""
        _check_channel(channel_id, None)
        try:
            info = await self.facts.channel_info(channel_id)
        except ChannelNotFound:
            raise PollError("error.private_channel", channel=channel_id) from None
        _check_channel(channel_id, info)
        if not info.is_member:
            await self.slack.join_channel(channel_id)


def _check_channel(channel_id: str, info: ChannelInfo | None) -> None:
    """Refuse a channel the bot cannot post in, as far as info (if known) tells."""
    if not channel_id:
        raise InvalidPollInput("error.no_channel", field=CHANNEL_FIELD)
    if channel_id.startswith("D"):
        raise InvalidPollInput("error.not_in_dm", field=CHANNEL_FIELD)
    if info is None:
        return
    if info.is_archived:
        raise InvalidPollInput("error.archived_channel", field=CHANNEL_FIELD, channel=channel_id)
    if not info.is_member and info.is_private:
        raise InvalidPollInput("error.private_channel", field=CHANNEL_FIELD, channel=channel_id)
