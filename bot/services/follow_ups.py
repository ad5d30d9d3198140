"""From wishes to a vote: the wishes of a closed poll, and the follow-up poll that votes on them,
asked of exactly the same people, linked from the original summary's thread."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from bot.domain.errors import PollError
from bot.domain.model import Audience, CloseSpec, Poll, PollDraft, PollStatus, Question
from bot.domain.wishes import Wish, has_wishes, poll_wishes
from bot.services import jobs
from bot.services.creating import CreatedPoll, PollCreation, Where
from bot.services.jobs import JobBusy, JobQueue
from bot.services.origins import SUMMARY
from bot.services.polls import PollLookup
from bot.services.ports import Clock, Job, MessageTag, PollStore, Presenter, SlackError, SlackPort

logger = logging.getLogger(__name__)

# The poll_messages kind, on the original poll, of the thread reply that links a follow-up;
# its part is the follow-up's id (a poll may be followed up more than once).
FOLLOW_UP_LINK: Final = "follow_up"


def follow_up_link_tag(original_id: int, follow_up_id: int) -> MessageTag:
    return {"poll": original_id, "follow_up": follow_up_id}


@dataclass(frozen=True, slots=True)
class PollWishes:
    """A closed poll and its wishes, most frequent first."""

    poll: Poll
    wishes: list[Wish]


@dataclass(frozen=True, slots=True)
class FollowUpVote:
    """What the organiser chose in the follow-up form: the question with the wishes as its
    options (and its kind and size), when it closes and how often it reminds."""

    question: Question
    close: CloseSpec
    remind_every: timedelta | None
    remind_explicit: bool


class FollowUps:
    """The organiser's "Vote on these wishes"."""

    def __init__(
        self,
        polls: PollStore,
        slack: SlackPort,
        presenter: Presenter,
        lookup: PollLookup,
        creation: PollCreation,
        queue: JobQueue,
        clock: Clock,
    ) -> None:
        self.polls = polls
        self.slack = slack
        self.presenter = presenter
        self.lookup = lookup
        self.creation = creation
        self.queue = queue
        self.clock = clock

    async def original(self, poll_id: int, user_id: str) -> Poll:
        """The poll to follow up: the organiser's own, closed, with wishes to vote on."""
        poll = await self.lookup.require_organiser(poll_id, user_id)
        if poll.status is not PollStatus.CLOSED:
            raise PollError("error.follow_up_open", poll_id=poll.id)
        if not has_wishes(poll):
            raise PollError("error.follow_up_no_wishes", poll_id=poll.id)
        return poll

    async def wishes(self, poll_id: int, user_id: str) -> PollWishes:
        """The wishes the follow-up form starts from; refused when there are none to show."""
        poll = await self.original(poll_id, user_id)
        current = await self.lookup.current_tally(poll)
        wishes = poll_wishes(poll, current)
        if not wishes:
            # Some were written, but too few answered the anonymous poll for them to be shown.
            hidden = bool(poll_wishes(poll, current, threshold=0))
            key = "error.outcome_hidden" if hidden else "error.follow_up_no_answers"
            raise PollError(key, poll_id=poll.id)
        return PollWishes(poll, wishes)

    async def check(self, vote: FollowUpVote, *, organiser_id: str, channel_id: str) -> None:
        """What the form can be refused for inline before its ack (the close and reminders),
        decided from what is known already."""
        await self.creation.check_draft(
            _draft(vote, anonymous=False, audience=None, channel_id=channel_id, follow_up_of=None),
            organiser_id=organiser_id,
            channel_id=channel_id,
        )

    async def create(
        self, poll_id: int, user_id: str, vote: FollowUpVote, *, idempotency_key: str
    ) -> CreatedPoll:
        """Create the follow-up poll (once per key) and link it from the original summary."""
        original = await self.original(poll_id, user_id)
        draft = _draft(
            vote,
            anonymous=original.anonymous,
            audience=original.audience,
            channel_id=original.channel_id,
            follow_up_of=original.id,
        )
        where = Where(original.team_id, original.channel_id, user_id)
        created = await self.creation.create(draft, where, idempotency_key=idempotency_key)
        if created.duplicate:
            return created  # the first submission links it (or its job does after a crash)
        # As a job: a crash between creating and linking is finished by the next runner.
        await self.queue.schedule(jobs.LINK, created.poll.id, self.clock.now() + self.queue.lease)
        with contextlib.suppress(JobBusy):
            await self.queue.run_now(jobs.LINK, created.poll.id, self.run_link_job)
        return created

    async def run_link_job(self, job: Job) -> None:
        """Reply in the original summary's thread with a link to the follow-up, exactly once."""
        assert job.poll_id is not None
        follow_up = await self.polls.get_poll(job.poll_id)
        if follow_up is None or follow_up.follow_up_of is None:
            return
        original = await self.polls.get_poll(follow_up.follow_up_of)
        if original is None:
            return
        linked = await self.polls.messages(original.id, FOLLOW_UP_LINK)
        if any(part == follow_up.id for part, _channel, _ts in linked):
            return
        parts = await self.polls.messages(original.id, SUMMARY)
        summary = [(c, ts) for part, c, ts in parts if part == 0]
        if not summary:
            return
        channel, summary_ts = summary[0]
        tag = follow_up_link_tag(original.id, follow_up.id)
        # A run that stopped after posting and before recording it: the post is there already.
        ts = await self.slack.find_tagged(
            channel, tag, oldest=follow_up.opened_at, thread_ts=summary_ts
        )
        if ts is None:
            message = self.presenter.follow_up_link(
                original, follow_up, await self._link_to(follow_up)
            )
            ts = (await self.slack.post(channel, message, tag=tag, thread_ts=summary_ts)).ts
        await self.polls.record_message(original.id, FOLLOW_UP_LINK, follow_up.id, channel, ts)

    async def _link_to(self, poll: Poll) -> str | None:
        if poll.message_ts is None:
            return None
        try:
            return await self.slack.permalink(poll.channel_id, poll.message_ts)
        except SlackError as error:
            logger.info("no link to the message of poll %s: %s", poll.id, error.code)
            return None


def _draft(
    vote: FollowUpVote,
    *,
    anonymous: bool,
    audience: Audience | None,
    channel_id: str,
    follow_up_of: int | None,
) -> PollDraft:
    """The follow-up as a draft of the ordinary create path: same anonymity, audience (kept for
    the summary's method line; the people asked are copied) and channel as its original."""
    return PollDraft(
        questions=(vote.question,),
        anonymous=anonymous,
        close=vote.close,
        remind_every=vote.remind_every,
        remind_explicit=vote.remind_explicit,
        audience=audience or Audience(),
        channel_id=channel_id,
        follow_up_of=follow_up_of,
    )
