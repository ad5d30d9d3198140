"""Closing a poll: the message shows "Closed" and the summary is posted exactly once."""

from __future__ import annotations

import asyncio
import logging

from bot.domain.errors import PollClosed
from bot.domain.model import Poll, PollStatus
from bot.services.context import Context
from bot.services.polls import PollService
from bot.slack import blocks

logger = logging.getLogger(__name__)

SUMMARY = "summary"


class ClosingService:
    """Close = OPEN → CLOSING (answers stop, anonymous answers unlinked) → message updated →
    summary parts posted, each recorded → CLOSED. Any step can be repeated after a crash."""

    def __init__(self, ctx: Context, polls: PollService) -> None:
        self.ctx = ctx
        self.polls = polls
        self._locks: dict[int, asyncio.Lock] = {}

    async def close(self, poll_id: int, *, by_user: str | None = None) -> Poll:
        """Close now (by the organiser, or by the scheduler when by_user is None)."""
        poll = (
            await self.polls.require_organiser(poll_id, by_user)
            if by_user is not None
            else await self.polls.require(poll_id)
        )
        if poll.status is PollStatus.CLOSED:
            raise PollClosed(poll.id)
        if poll.status is PollStatus.OPEN:
            closing = await self.ctx.repo.begin_close(poll.id, self.ctx.clock.now())
            if closing is None and by_user is not None:
                raise PollClosed(poll.id)
        await self.complete(poll.id)
        await self.ctx.scheduling.poll_changed(poll.id)
        closed = await self.ctx.repo.get_poll(poll.id)
        return closed or poll

    async def complete(self, poll_id: int) -> None:
        """Finish a close that has begun; safe to call again, concurrently or after a crash."""
        lock = self._locks.setdefault(poll_id, asyncio.Lock())
        async with lock:
            poll = await self.ctx.repo.get_poll(poll_id)
            if poll is None or poll.status is not PollStatus.CLOSING:
                return
            counts = await self.ctx.repo.counts(poll.id)
            if poll.message_ts is not None:
                closed = blocks.render_closed_poll_message(
                    poll, answered=counts.answered, asked=counts.asked, lang=poll.language
                )
                await self.ctx.gateway.update_message(
                    poll.channel_id, poll.message_ts, closed.text, closed.blocks
                )
            await self._post_summary(poll)
            await self.ctx.repo.finish_close(poll.id)
            logger.info(
                "poll %s closed: %d of %d answered",
                poll.id,
                counts.answered,
                counts.asked,
                extra={"poll_id": poll.id},
            )

    async def _post_summary(self, poll: Poll) -> None:
        parts = blocks.render_summary(
            poll, await self.polls.current_tally(poll), lang=poll.language
        )
        posted = {part: ts for part, _channel, ts in await self.ctx.repo.messages(poll.id, SUMMARY)}
        uncertain = await self.ctx.repo.summary_started(poll.id)
        if not uncertain:
            await self.ctx.repo.mark_summary_started(poll.id)
        for index, message in enumerate(parts):
            if index in posted:
                continue
            thread_ts = posted.get(0) if index else None
            tag = {"poll": poll.id, "part": index}
            ts = None
            if uncertain:
                # A crash may have come between posting this part and recording it.
                ts = await self.ctx.gateway.find_tagged_message(
                    poll.channel_id, tag, oldest=poll.opened_at.timestamp(), thread_ts=thread_ts
                )
                uncertain = ts is not None
            if ts is None:
                ts = await self.ctx.gateway.post_message(
                    poll.channel_id, message.text, message.blocks, thread_ts=thread_ts, metadata=tag
                )
            await self.ctx.repo.record_message(poll.id, SUMMARY, index, poll.channel_id, ts)
            posted[index] = ts

    async def complete_interrupted(self) -> None:
        """At start: finish every close a crash left half-done."""
        for poll in await self.ctx.repo.polls_with_status(PollStatus.CLOSING):
            logger.info(
                "completing the interrupted close of poll %s", poll.id, extra={"poll_id": poll.id}
            )
            await self.complete(poll.id)
