"""Where a follow-up comes from: the poll it votes on and a link to that poll's summary."""

from __future__ import annotations

import logging
from collections import OrderedDict

from bot.domain.model import Poll
from bot.services.ports import FollowUpOrigin, PollStore, SlackError, SlackPort

logger = logging.getLogger(__name__)

# The poll_messages kind of a poll's summary parts (bot.services.closing posts them).
SUMMARY = "summary"
# A summary's link never changes: each is asked of Slack once per process.
KNOWN_LINKS = 256


class FollowUpLinks:
    """The origin of a follow-up poll, for its message and its summary."""

    def __init__(self, polls: PollStore, slack: SlackPort) -> None:
        self.polls = polls
        self.slack = slack
        self._links: OrderedDict[int, str] = OrderedDict()

    async def origin(self, poll: Poll) -> FollowUpOrigin | None:
        """None for a poll that follows no other (or whose original was deleted)."""
        if poll.follow_up_of is None:
            return None
        return FollowUpOrigin(poll.follow_up_of, await self.summary_link(poll.follow_up_of))

    async def summary_link(self, poll_id: int) -> str | None:
        """A link to the first message of the poll's summary; None when there is none (yet) or
        Slack did not give one (the message then names the poll without a link)."""
        if (known := self._links.get(poll_id)) is not None:
            return known
        summary = await self.polls.messages(poll_id, SUMMARY)
        first = [(channel, ts) for part, channel, ts in summary if part == 0]
        if not first:
            return None
        channel, ts = first[0]
        try:
            link = await self.slack.permalink(channel, ts)
        except SlackError as error:
            logger.info("no link to the summary of poll %s: %s", poll_id, error.code)
            return None
        self._links[poll_id] = link
        while len(self._links) > KNOWN_LINKS:
            self._links.popitem(last=False)
        return link
