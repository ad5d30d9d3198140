"""Who a new poll asks: the channel's members, or the people and user groups named (typed
@handles resolved to ids), never a bot or a deactivated account, and a sample drawn from them
when the poll asks for one."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import replace

from bot.domain.errors import InvalidPollInput, PollError
from bot.domain.model import AudienceKind, PollDraft
from bot.domain.sampling import draw_sample_preferring_new
from bot.domain.validation import GROUPS_FIELD
from bot.services.people import PeopleDirectory
from bot.services.ports import SlackError, SlackPort, UserGroupNotFound
from bot.services.ports.workspaces import BotUser
from bot.services.workspace_facts import WorkspaceFacts

logger = logging.getLogger(__name__)

# Before the ack Slack is asked only about a group handle that was not learnt yet (one made
# since the warm-up), and only this long, well inside the three seconds Slack waits.
PRE_ACK_LOOKUP_SECONDS = 1.0


class AudienceResolver:
    """The people a draft asks, as Slack knows them now."""

    def __init__(
        self,
        slack: SlackPort,
        people: PeopleDirectory,
        facts: WorkspaceFacts,
        bot_user: BotUser,
    ) -> None:
        self.slack = slack
        self.people = people
        self.facts = facts
        self.bot_user = bot_user

    async def check_handles(self, draft: PollDraft) -> None:
        """Before the ack: a typed @handle that no user group has is refused; Slack is asked
        only about a handle not learnt yet, and only briefly (else it is decided later)."""
        handles = _typed_handles(draft)
        if not handles:
            return
        try:
            lookup = self.facts.group_ids(handles=handles)
            groups = await asyncio.wait_for(lookup, PRE_ACK_LOOKUP_SECONDS)
        except (TimeoutError, SlackError):
            return  # decided after the ack, where a refusal reopens the form
        _resolve_handles(draft, groups)

    async def warm(self) -> None:
        """Learn the workspace's user groups, so that forms can be checked before their ack."""
        try:
            await self.facts.group_ids()
        except SlackError as error:
            logger.info("could not list the user groups: %s", error.code)

    async def with_group_ids(self, draft: PollDraft) -> PollDraft:
        """The draft with its typed @handles replaced by user group ids (an unknown one is an
        error)."""
        return _resolve_handles(draft, await self.facts.group_ids(handles=_typed_handles(draft)))

    async def members(
        self, draft: PollDraft, channel_id: str, organiser_id: str, drawn_before: Sequence[str]
    ) -> tuple[list[str], bool]:
        """Who is asked, and whether a sample covered the whole audience."""
        candidates = await self._audience(draft, channel_id, organiser_id)
        return _draw(draft, candidates, organiser_id, drawn_before)

    async def still_askable(self, user_ids: list[str]) -> list[str]:
        """Those of user_ids who can still be asked (not deactivated since)."""
        people = await self.people.people(user_ids)
        return [u for u in user_ids if (p := people.get(u)) is None or p.can_be_asked]

    async def _audience(self, draft: PollDraft, channel_id: str, organiser_id: str) -> list[str]:
        """Everyone who may be asked: people only, no bots, no deactivated accounts."""
        audience = draft.audience
        if audience.kind is AudienceKind.CHANNEL:
            user_ids = list(await self.slack.channel_members(channel_id))
        else:
            user_ids = list(audience.user_ids)
            for group in audience.usergroup_ids:
                try:
                    user_ids.extend(await self.slack.usergroup_members(group))
                except UserGroupNotFound:
                    raise PollError("error.unknown_usergroup", group=group) from None
            user_ids.append(organiser_id)
        bot_user_id = await self.bot_user()
        user_ids = [u for u in dict.fromkeys(user_ids) if u != bot_user_id]
        people = await self.people.people(user_ids)
        unknown = [u for u in audience.user_ids if u not in people]
        if unknown:
            raise PollError("error.unknown_user", user=unknown[0])
        return [u for u in user_ids if u in people and people[u].can_be_asked]


def _typed_handles(draft: PollDraft) -> tuple[str, ...]:
    """The @handles typed in the form, lower-case and without the @."""
    return tuple(g[1:].lower() for g in draft.audience.usergroup_ids if g.startswith("@"))


def _resolve_handles(draft: PollDraft, known: dict[str, str]) -> PollDraft:
    """Typed @handles (from the form) become user group ids; an unknown one is an error."""
    groups = draft.audience.usergroup_ids
    if not any(g.startswith("@") for g in groups):
        return draft
    resolved = []
    for group in groups:
        if not group.startswith("@"):
            resolved.append(group)
        elif (group_id := known.get(group[1:].lower())) is not None:
            resolved.append(group_id)
        else:
            raise InvalidPollInput("error.unknown_usergroup", field=GROUPS_FIELD, group=group)
    audience = replace(draft.audience, usergroup_ids=tuple(dict.fromkeys(resolved)))
    return replace(draft, audience=audience)


def _draw(
    draft: PollDraft, candidates: list[str], organiser_id: str, drawn_before: Sequence[str]
) -> tuple[list[str], bool]:
    size = draft.audience.sample_size
    if size is None:
        return candidates, False
    eligible = [c for c in candidates if c != organiser_id]
    drawn = draw_sample_preferring_new(
        eligible,
        size,
        exclude={organiser_id},
        drawn_before=set(drawn_before),
        rng=random.SystemRandom(),
    )
    return list(drawn), size >= len(eligible)
