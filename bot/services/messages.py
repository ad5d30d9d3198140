"""The poll's own message in the channel, and notes to one person (ephemeral, else by DM)."""

from __future__ import annotations

import logging

from bot.domain.model import Poll, PollCounts
from bot.services.origins import FollowUpLinks
from bot.services.people import PeopleDirectory
from bot.services.ports import (
    FollowUpOrigin,
    Job,
    Message,
    MessageTag,
    OutcomeUnknown,
    PollStore,
    Presenter,
    SlackError,
    SlackPort,
)

logger = logging.getLogger(__name__)


def poll_message_tag(poll_id: int) -> MessageTag:
    return {"poll": poll_id, "message": "poll"}


def invitation_tag(poll_id: int) -> MessageTag:
    return {"poll": poll_id, "message": "invitation"}


class PollMessages:
    """Posts and refreshes the poll message; tells one person something."""

    def __init__(
        self,
        polls: PollStore,
        slack: SlackPort,
        presenter: Presenter,
        people: PeopleDirectory,
        origins: FollowUpLinks | None = None,
    ) -> None:
        self.polls = polls
        self.slack = slack
        self.presenter = presenter
        self.people = people
        self.origins = origins

    async def _origin(self, poll: Poll) -> FollowUpOrigin | None:
        return None if self.origins is None else await self.origins.origin(poll)

    async def post(self, poll: Poll, *, asked: int) -> None:
        """Post the new poll in its channel (exactly once) and remember where it is."""
        counts = PollCounts(asked=asked, answered=0)
        message = self.presenter.poll_message(poll, counts, await self._origin(poll))
        posted = await self.slack.post(poll.channel_id, message, tag=poll_message_tag(poll.id))
        await self.polls.set_message_ts(poll.id, posted.ts)

    async def refresh(self, poll_id: int) -> None:
        """Show the current count on the open poll's message."""
        poll = await self.polls.get_poll(poll_id)
        if poll is None or not poll.is_open or poll.message_ts is None:
            return
        counts = await self.polls.counts(poll_id)
        message = self.presenter.poll_message(poll, counts, await self._origin(poll))
        await self.slack.update(poll.channel_id, poll.message_ts, message)

    async def tell(self, user_id: str, channel_id: str | None, message: Message) -> None:
        """A note for one person without a response_url: ephemeral in the channel, else a DM."""
        if channel_id:
            try:
                await self.slack.post_ephemeral(channel_id, user_id, message)
                return
            except OutcomeUnknown:
                raise  # it may have been shown; a DM could show it twice
            except SlackError as error:
                logger.info("ephemeral to %s failed (%s); sending a DM", user_id, error.code)
        await self.slack.post(user_id, message)

    async def run_invitation_job(self, job: Job) -> None:
        """The invitation job of a sample poll."""
        assert job.poll_id is not None
        await self.invite_sample(job.poll_id)

    async def invite_sample(self, poll_id: int) -> None:
        """Tell each person drawn for a sample that they were picked (once, across restarts)."""
        poll = await self.polls.get_poll(poll_id)
        if poll is None or not poll.is_open or poll.audience.sample_size is None:
            return
        failed: SlackError | None = None
        for user_id in await self.polls.uninvited_members(poll_id):
            lang = await self.people.language_of(user_id)
            message = self.presenter.sample_invitation(poll, lang=lang)
            try:
                await self.slack.post(user_id, message, tag=invitation_tag(poll_id))
            except SlackError as error:
                logger.warning(
                    "inviting %s to poll %s failed: %s",
                    user_id,
                    poll_id,
                    error.code,
                    extra={"poll_id": poll_id},
                )
                failed = error
                continue
            await self.polls.mark_invited(poll_id, user_id)
        if failed is not None:
            raise failed  # the job is tried again later for those not yet invited
