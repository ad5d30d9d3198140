"""Creating polls, answering them and the organiser's commands (list, results, export, delete)."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bot.domain.errors import (
    InvalidPollInput,
    NotOrganiser,
    PollClosed,
    PollError,
    PollNotFound,
)
from bot.domain.export import render_csv
from bot.domain.model import (
    AudienceKind,
    CloseSpec,
    Poll,
    PollDraft,
)
from bot.domain.sampling import draw_sample
from bot.domain.schedule import (
    check_reminders,
    default_remind_every,
    next_round,
    resolve_close,
)
from bot.domain.tally import PollTally, tally
from bot.domain.validation import GROUPS_FIELD
from bot.i18n import t
from bot.services.context import Context
from bot.slack import blocks
from bot.slack.gateway import SlackCallFailed

logger = logging.getLogger(__name__)

UTC_ZONE = ZoneInfo("UTC")
CONCURRENT_CREATIONS = 2


@dataclass(frozen=True, slots=True)
class CreatedPoll:
    """The stored and posted poll; everyone_asked when a sample covered the whole audience;
    duplicate when a redelivered request found the poll it had already created."""

    poll: Poll
    asked: int
    everyone_asked: bool
    duplicate: bool = False


class PollService:
    """Use cases of one poll's life before it closes."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # Creating a poll is the heaviest work after an ack; letting a burst of commands all run
        # it at once fills the event loop's queue ahead of the next request's ack.
        self._creating = asyncio.Semaphore(CONCURRENT_CREATIONS)
        # A retried form submission that arrives while the first is still being created must
        # wait for it and then find it, not create a second poll.
        self._keys_in_flight: dict[str, asyncio.Lock] = {}

    # --- creating ----------------------------------------------------------------------------

    async def create(
        self,
        draft: PollDraft,
        *,
        team_id: str,
        channel_id: str,
        organiser_id: str,
        idempotency_key: str | None = None,
    ) -> CreatedPoll:
        """Resolve times and audience, store the poll in one transaction and post it."""
        create = partial(
            self._create,
            draft,
            team_id=team_id,
            channel_id=channel_id,
            organiser_id=organiser_id,
            idempotency_key=idempotency_key,
        )
        if idempotency_key is None:
            async with self._creating:
                return await create()
        key_lock = self._keys_in_flight.setdefault(idempotency_key, asyncio.Lock())
        try:
            async with key_lock, self._creating:
                return await create()
        finally:
            # Once the first is stored a later duplicate finds it in the database.
            if not key_lock.locked():
                self._keys_in_flight.pop(idempotency_key, None)

    async def _create(
        self,
        draft: PollDraft,
        *,
        team_id: str,
        channel_id: str,
        organiser_id: str,
        idempotency_key: str | None,
    ) -> CreatedPoll:
        if idempotency_key and (
            existing := await self.ctx.repo.poll_by_idempotency_key(idempotency_key)
        ):
            counts = await self.ctx.repo.counts(existing.id)
            return CreatedPoll(existing, counts.asked, everyone_asked=False, duplicate=True)
        channel_id = draft.channel_id or channel_id
        organiser = await self.ctx.people.person(organiser_id)
        now = self.ctx.clock.now()
        zone = self.ctx.people.zone_of(organiser) or UTC_ZONE
        closes_at = resolve_close(draft.close, now, zone)
        if draft.remind_explicit:
            check_reminders(draft.remind_every, now, closes_at)
            remind_every = draft.remind_every
        else:
            remind_every = default_remind_every(now, closes_at)
        await self._make_postable(channel_id)
        draft = await self._resolve_group_handles(draft)
        candidates = await self._audience(draft, channel_id, organiser_id)
        members, everyone_asked = self._draw(draft, candidates, organiser_id)
        if not [m for m in members if m != organiser_id]:
            raise PollError("error.empty_audience")
        language = await self.ctx.people.language_of(organiser_id)
        poll = await self.ctx.repo.create_poll(
            team_id=team_id,
            channel_id=channel_id,
            organiser_id=organiser_id,
            language=language,
            questions=draft.questions,
            anonymous=draft.anonymous,
            audience=draft.audience,
            opened_at=now,
            closes_at=closes_at,
            remind_every=remind_every,
            members=members,
            idempotency_key=idempotency_key,
        )
        await self._post(poll, asked=len(members))
        await self.ctx.scheduling.poll_changed(poll.id)
        if draft.audience.sample_size is not None:
            self.ctx.spawn(self.invite_sample(poll.id), f"invite:{poll.id}")
        logger.info(
            "poll %s created in %s, %d asked",
            poll.id,
            channel_id,
            len(members),
            extra={"poll_id": poll.id},
        )
        return CreatedPoll(poll, len(members), everyone_asked)

    async def check_draft(
        self, draft: PollDraft, *, organiser_id: str, channel_id: str | None
    ) -> None:
        """The checks a form can show inline before it closes: close time, reminders, channel.

        Runs before the ack, so it reads the organiser's time zone from what is already known
        and never waits for a directory refresh; create() resolves the close exactly later."""
        organiser = await self.ctx.people.known(organiser_id)
        now = self.ctx.clock.now()
        closes_at = resolve_close(draft.close, now, self.ctx.people.zone_of(organiser) or UTC_ZONE)
        if draft.remind_explicit:
            check_reminders(draft.remind_every, now, closes_at)
        await self._resolve_group_handles(draft)
        if not channel_id:
            raise InvalidPollInput("error.no_channel", field="channel")
        try:
            await self._make_postable(channel_id)
        except PollError as error:
            raise InvalidPollInput(error.message_key, field="channel", **error.params) from None

    async def tell(self, user_id: str, channel_id: str | None, message: blocks.Message) -> None:
        """A note for one person without a response_url: ephemeral in the channel, else by DM."""
        if channel_id:
            try:
                await self.ctx.gateway.post_ephemeral(
                    channel_id, user_id, message.text, message.blocks
                )
                return
            except SlackCallFailed as error:
                logger.info("ephemeral to %s failed (%s); sending a DM", user_id, error.error)
        await self.ctx.gateway.post_message(
            await self.dm_channel(user_id), message.text, message.blocks
        )

    async def _make_postable(self, channel_id: str) -> None:
        """Join a public channel the bot is not in; a private one needs an invitation."""
        if channel_id.startswith("D"):
            raise PollError("error.not_in_dm")
        try:
            info = await self.ctx.gateway.channel_info(channel_id)
        except SlackCallFailed as error:
            if error.error in ("channel_not_found", "not_in_channel"):
                raise PollError("error.private_channel", channel=channel_id) from None
            raise
        if info.is_archived:
            raise PollError("error.archived_channel", channel=channel_id)
        if not info.is_member:
            if info.is_private:
                raise PollError("error.private_channel", channel=channel_id)
            await self.ctx.gateway.join_channel(channel_id)

    async def _resolve_group_handles(self, draft: PollDraft) -> PollDraft:
        """Typed @handles (from the form) become user group ids; an unknown one is an error."""
        groups = draft.audience.usergroup_ids
        if not any(g.startswith("@") for g in groups):
            return draft
        known = await self.ctx.gateway.usergroup_ids_by_handle()
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

    async def _audience(self, draft: PollDraft, channel_id: str, organiser_id: str) -> list[str]:
        """Everyone who may be asked: people only, no bots, no deactivated accounts."""
        audience = draft.audience
        if audience.kind is AudienceKind.CHANNEL:
            user_ids = await self.ctx.gateway.channel_members(channel_id)
        else:
            user_ids = list(audience.user_ids)
            for group in audience.usergroup_ids:
                try:
                    user_ids.extend(await self.ctx.gateway.usergroup_members(group))
                except SlackCallFailed as error:
                    if error.error == "no_such_subteam":
                        raise PollError("error.unknown_usergroup", group=group) from None
                    raise
            user_ids.append(organiser_id)
        user_ids = [u for u in dict.fromkeys(user_ids) if u != self.ctx.bot_user_id]
        people = await self.ctx.people.people(user_ids)
        unknown = [u for u in audience.user_ids if u not in people]
        if unknown:
            raise PollError("error.unknown_user", user=unknown[0])
        return [u for u in user_ids if u in people and people[u].can_be_asked]

    @staticmethod
    def _draw(draft: PollDraft, candidates: list[str], organiser_id: str) -> tuple[list[str], bool]:
        size = draft.audience.sample_size
        if size is None:
            return candidates, False
        eligible = [c for c in candidates if c != organiser_id]
        drawn = draw_sample(eligible, size, exclude={organiser_id}, rng=random.SystemRandom())
        return list(drawn), size >= len(eligible)

    async def _post(self, poll: Poll, *, asked: int) -> None:
        message = blocks.render_poll_message(poll, answered=0, asked=asked, lang=poll.language)
        try:
            ts = await self.ctx.gateway.post_message(poll.channel_id, message.text, message.blocks)
        except SlackCallFailed:
            # Never leave a poll that nobody can see: it would be reminded and closed in silence.
            await self.ctx.repo.delete_poll(poll.id)
            raise
        await self.ctx.repo.set_message_ts(poll.id, ts)

    async def invite_sample(self, poll_id: int) -> None:
        """Tell each drawn person by DM that they were picked (once, even across restarts)."""
        poll = await self.ctx.repo.get_poll(poll_id)
        if poll is None or not poll.is_open or poll.audience.sample_size is None:
            return
        for user_id in await self.ctx.repo.uninvited_members(poll_id):
            lang = await self.ctx.people.language_of(user_id)
            message = blocks.render_sample_invite_dm(
                poll, lang=lang, sample_size=poll.audience.sample_size
            )
            try:
                channel = await self.dm_channel(user_id)
                await self.ctx.gateway.post_message(channel, message.text, message.blocks)
            except SlackCallFailed as error:
                logger.warning(
                    "inviting %s to poll %s failed: %s",
                    user_id,
                    poll_id,
                    error.error,
                    extra={"poll_id": poll_id},
                )
                continue
            await self.ctx.repo.mark_invited(poll_id, user_id)

    async def dm_channel(self, user_id: str) -> str:
        """The bot's DM with a person, opened once and remembered."""
        channel = await self.ctx.repo.dm_channel(user_id)
        if channel is None:
            channel = await self.ctx.gateway.open_dm(user_id)
            await self.ctx.repo.save_dm_channel(user_id, channel, self.ctx.clock.now())
        return channel

    async def refresh_message(self, poll_id: int) -> None:
        """Re-render the open poll message with the current count (called by the refresher)."""
        poll = await self.ctx.repo.get_poll(poll_id)
        if poll is None or not poll.is_open or poll.message_ts is None:
            return
        counts = await self.ctx.repo.counts(poll_id)
        message = blocks.render_poll_message(
            poll, answered=counts.answered, asked=counts.asked, lang=poll.language
        )
        await self.ctx.gateway.update_message(
            poll.channel_id, poll.message_ts, message.text, message.blocks
        )

    # --- organiser's commands ----------------------------------------------------------------

    async def require(self, poll_id: int) -> Poll:
        poll = await self.ctx.repo.get_poll(poll_id)
        if poll is None:
            raise PollNotFound(poll_id)
        return poll

    async def require_organiser(self, poll_id: int, user_id: str) -> Poll:
        poll = await self.require(poll_id)
        if poll.organiser_id != user_id:
            raise NotOrganiser(poll.id)
        return poll

    async def list_open(self, channel_id: str) -> list[blocks.PollListEntry]:
        entries = []
        for poll in await self.ctx.repo.open_polls_in_channel(channel_id):
            counts = await self.ctx.repo.counts(poll.id)
            entries.append(
                blocks.PollListEntry(
                    poll=poll,
                    answered=counts.answered,
                    asked=counts.asked,
                    next_reminder=await self.next_reminder(poll),
                )
            )
        return entries

    async def next_reminder(self, poll: Poll) -> datetime | None:
        """When the next reminder goes out: a planned delivery or the next automatic round."""
        if not poll.is_open:
            return None
        planned = await self.ctx.repo.next_delivery(poll.id)
        if planned is not None:
            return planned
        if poll.remind_every is None:
            return None
        upcoming = next_round(
            poll.opened_at, poll.closes_at, poll.remind_every, self.ctx.clock.now()
        )
        return None if upcoming is None else upcoming[1]

    async def current_tally(self, poll: Poll) -> PollTally:
        counts = await self.ctx.repo.counts(poll.id)
        return tally(poll, await self.ctx.repo.responses(poll), counts.asked)

    async def export_csv(self, poll: Poll, lang: str) -> bytes:
        responses = await self.ctx.repo.responses(poll)
        names: dict[str, str] = {}
        if not poll.anonymous:
            respondents = [r.respondent for r in responses if r.respondent]
            people = await self.ctx.people.people(respondents)
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
        )

    async def extend(self, poll_id: int, user_id: str, change: CloseSpec) -> Poll:
        """Move the close: a duration later than planned, or to a date (earlier if future)."""
        poll = await self.require_organiser(poll_id, user_id)
        if not poll.is_open:
            raise PollClosed(poll.id)
        now = self.ctx.clock.now()
        if isinstance(change, timedelta):
            closes_at = poll.closes_at + change
        else:
            organiser = await self.ctx.people.person(user_id)
            closes_at = resolve_close(change, now, self.ctx.people.zone_of(organiser) or UTC_ZONE)
        if closes_at <= now:
            raise InvalidPollInput("error.close_in_past")
        if not await self.ctx.repo.set_closes_at(poll.id, closes_at):
            raise PollClosed(poll.id)
        await self.ctx.scheduling.poll_changed(poll.id)
        await self.refresh_message(poll.id)
        return await self.require(poll.id)

    async def send_export(self, poll: Poll, user_id: str, lang: str) -> None:
        """The answers as CSV, sent to the organiser in a DM."""
        content = await self.export_csv(poll, lang)
        channel = await self.dm_channel(user_id)
        await self.ctx.gateway.upload_file(
            channel,
            f"wishbot-poll-{poll.id}.csv",
            content,
            title=t(lang, "export.title", poll_id=poll.id),
            comment=t(lang, "export.comment", poll_id=poll.id),
        )

    async def delete(self, poll_id: int, user_id: str) -> Poll:
        """Remove the poll's messages from Slack and everything of it from the database."""
        poll = await self.require_organiser(poll_id, user_id)
        for _part, channel, ts in reversed(await self.ctx.repo.messages(poll.id, "summary")):
            await self.ctx.gateway.delete_message(channel, ts)
        if poll.message_ts is not None:
            await self.ctx.gateway.delete_message(poll.channel_id, poll.message_ts)
        await self.ctx.repo.delete_poll(poll.id)
        await self.ctx.scheduling.poll_changed(poll.id)
        logger.info("poll %s deleted", poll.id, extra={"poll_id": poll.id})
        return poll
