"""What the bot learnt recently about the workspace's channels and user groups: good enough to
refuse a form before its ack (where Slack is asked only about a group handle not learnt yet, and
only briefly); a poll is created from fresh facts."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.services.ports import ChannelInfo, Clock, SlackPort
from bot.services.ports.workspaces import WorkspaceKey, current_workspace

MAX_AGE = timedelta(minutes=10)


class WorkspaceFacts:
    """User groups by handle (of each workspace: handles are a workspace's own) and channels by
    id, each remembered for MAX_AGE."""

    def __init__(self, slack: SlackPort, clock: Clock) -> None:
        self.slack = slack
        self.clock = clock
        self._groups: dict[WorkspaceKey | None, tuple[datetime, dict[str, str]]] = {}
        self._channels: dict[str, tuple[datetime, ChannelInfo]] = {}

    def recent_groups(self) -> dict[str, str] | None:
        """User group ids by handle, if learnt recently (no Slack call)."""
        learnt = self._groups.get(current_workspace())
        if learnt is None or self._stale(learnt[0]):
            return None
        return learnt[1]

    async def group_ids(self, *, handles: tuple[str, ...] = ()) -> dict[str, str]:
        """User group ids by handle, asked from Slack unless learnt recently and knowing every
        one of handles (lower-case, without the @): a missing one may name a group made since,
        and a person typing a handle is rare enough to ask Slack each time."""
        groups = self.recent_groups()
        if groups is None or self._missing(groups, handles):
            groups = dict(await self.slack.usergroup_ids_by_handle())
            self._groups[current_workspace()] = (self.clock.now(), groups)
        return groups

    @staticmethod
    def _missing(groups: dict[str, str], handles: tuple[str, ...]) -> bool:
        return any(handle not in groups for handle in handles)

    def recent_channel(self, channel_id: str) -> ChannelInfo | None:
        """What a channel looked like recently (no Slack call)."""
        seen = self._channels.get(channel_id)
        return None if seen is None or self._stale(seen[0]) else seen[1]

    async def channel_info(self, channel_id: str) -> ChannelInfo:
        """A channel's facts, fresh from Slack (and remembered)."""
        info = await self.slack.channel_info(channel_id)
        self._channels[channel_id] = (self.clock.now(), info)
        if len(self._channels) > 1000:  # never more than a busy workspace's recent channels
            oldest = min(self._channels, key=lambda key: self._channels[key][0])
            del self._channels[oldest]
        return info

    def _stale(self, learnt: datetime) -> bool:
        return self.clock.now() - learnt > MAX_AGE
