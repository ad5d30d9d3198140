"""A poll started by a Workflow Builder step: created exactly as /wishes new creates one, once
per step execution, with a link to its message for the workflow's next steps."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.errors import PollError
from bot.domain.model import PollDraft
from bot.services.creating import PollCreation, Where
from bot.services.people import PeopleDirectory
from bot.services.ports import PollStore, SlackError, SlackPort

logger = logging.getLogger(__name__)


class StepStillRunning(Exception):
    """A redelivered execution whose poll another process is still posting: that run ends the
    step; ending it here too could report a failure for a poll that is being posted."""


@dataclass(frozen=True, slots=True)
class StartedPoll:
    """The poll a step execution made (duplicate when a redelivery found it already made)."""

    poll_id: int
    permalink: str
    duplicate: bool


class WorkflowSteps:
    """What the workflow step does once Slack has been acknowledged."""

    def __init__(
        self,
        creation: PollCreation,
        polls: PollStore,
        slack: SlackPort,
        people: PeopleDirectory,
    ) -> None:
        self.creation = creation
        self.polls = polls
        self.slack = slack
        self.people = people

    async def start_poll(
        self,
        draft: PollDraft,
        *,
        team_id: str,
        channel_id: str,
        organiser_id: str,
        execution_id: str,
    ) -> StartedPoll:
        """Create and post the poll for the organiser; a redelivered execution finds its poll."""
        organiser = await self.people.person(organiser_id)
        if organiser is None or not organiser.can_be_asked:
            raise PollError("error.step_unknown_organiser")
        created = await self.creation.create(
            draft,
            Where(team_id, channel_id, organiser_id),
            # One poll per execution, however often Slack delivers it.
            idempotency_key=f"step:{execution_id}",
        )
        poll = await self.polls.get_poll(created.poll.id)
        if poll is None or poll.message_ts is None:
            if created.duplicate:
                raise StepStillRunning(execution_id)
            raise PollError("error.generic")
        try:
            link = await self.slack.permalink(poll.channel_id, poll.message_ts)
        except SlackError as error:
            # The poll is posted: the step succeeded, only its link is missing.
            logger.warning("no permalink for poll %s: %s", poll.id, error.code)
            link = ""
        return StartedPoll(poll.id, link, created.duplicate)
