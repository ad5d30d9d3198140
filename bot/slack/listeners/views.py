"""Modal submissions: the create form, the answer form, the suggestion form, the follow-up vote
form and the outcome form."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.errors import InvalidAnswer, OptionsChanged, PollError
from bot.domain.model import PollDraft
from bot.i18n import t
from bot.services.answering import require_options_as_shown
from bot.services.creating import Where
from bot.services.follow_ups import FollowUpVote
from bot.services.ports import SlackError
from bot.slack import blocks, ids
from bot.slack.blocks.follow_up_form import read_follow_up_metadata
from bot.slack.create_form_input import FormErrors, read_create_form
from bot.slack.follow_up_input import read_follow_up_form
from bot.slack.payloads import (
    parse_answer_metadata,
    parse_poll_id_value,
    read_answer_form,
    read_form_values,
    read_outcome_form,
    read_suggest_form,
)
from bot.slack.replies import Reply, guarded

if TYPE_CHECKING:
    from bot.slack.listeners import UseCases

logger = logging.getLogger(__name__)


def register(app: AsyncApp, uses: UseCases) -> None:
    @guarded
    async def handle_create_view(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], reply: Reply
    ) -> None:
        lang = reply.lang
        try:
            draft = read_create_form(view["state"]["values"], lang=lang)
            metadata = blocks.read_form_metadata(view.get("private_metadata", ""))
            channel_id = draft.channel_id or metadata.channel_id or ""
            # Decided from what is known already (Slack is asked only about a new group handle).
            await uses.creation.check_draft(
                draft, organiser_id=reply.user_id, channel_id=channel_id
            )
        except FormErrors as errors:
            await ack(response_action="errors", errors=errors.errors)
            return
        except PollError as error:
            await ack(response_action="errors", errors=blocks.form_errors_for(error, lang=lang))
            return
        await ack()
        where = Where(body.get("team", {}).get("id", ""), channel_id, reply.user_id)
        reply.later(_create_and_report(uses, draft, where, view, reply), "create-poll")

    @guarded
    async def handle_answer_view(
        ack: AsyncAck, view: dict[str, Any], reply: Reply, received_at: datetime
    ) -> None:
        lang = reply.lang
        try:
            # Whether the poll is open and the person asked is checked as the answer is stored.
            poll_id, check = parse_answer_metadata(view["private_metadata"])
            poll = await uses.lookup.require(poll_id)
            require_options_as_shown(poll, check)
            answers = read_answer_form(poll, view["state"]["values"])
            await uses.answering.answer(poll, reply.user_id, answers, received_at, check=check)
        except OptionsChanged as changed:
            # Shown before an option was removed: the form again, as the poll is now.
            again = await _answer_form_again(uses, changed.poll_id, reply)
            await ack(response_action="update", view=again)
            return
        except InvalidAnswer as error:
            message = blocks.error_text(error, lang=lang)
            field = error.field or blocks.first_input_block_id(poll)
            await ack(response_action="errors", errors={field: message})
            return
        except PollError as error:
            result = blocks.render_answer_result_view(error=error, poll=None, lang=lang)
            await ack(response_action="update", view=result)
            return
        result = blocks.render_answer_result_view(error=None, poll=poll, lang=lang)
        await ack(response_action="update", view=result)

    @guarded
    async def handle_outcome_view(ack: AsyncAck, view: dict[str, Any], reply: Reply) -> None:
        try:
            poll_id = int(view["private_metadata"])
            decisions, tell_everyone = read_outcome_form(view["state"]["values"])
            # Stored before the ack: what Slack shows as submitted is in the database.
            await uses.outcomes.record(
                poll_id, reply.user_id, decisions, tell_everyone=tell_everyone
            )
        except PollError as error:
            refusal = blocks.render_error(error, lang=reply.lang)
            await ack(response_action="update", view=blocks.render_notice_view(refusal, reply.lang))
            return
        await ack()
        reply.later(_publish_outcome(uses, poll_id, reply), "outcome-publish")

    @guarded
    async def handle_follow_up_view(ack: AsyncAck, view: dict[str, Any], reply: Reply) -> None:
        lang = reply.lang
        poll_id, channel_id = read_follow_up_metadata(view.get("private_metadata", ""))
        try:
            vote = read_follow_up_form(view["state"]["values"], lang=lang)
            await uses.follow_ups.check(vote, organiser_id=reply.user_id, channel_id=channel_id)
        except FormErrors as errors:
            await ack(response_action="errors", errors=errors.errors)
            return
        except PollError as error:
            await ack(response_action="errors", errors=blocks.form_errors_for(error, lang=lang))
            return
        await ack()
        reply.later(_create_follow_up(uses, poll_id, vote, view, reply), "create-follow-up")

    @guarded
    async def handle_suggest_view(ack: AsyncAck, view: dict[str, Any], reply: Reply) -> None:
        lang = reply.lang
        try:
            poll = await uses.lookup.require(parse_poll_id_value(view["private_metadata"]))
            question, text = read_suggest_form(poll, view["state"]["values"])
            added = await uses.suggesting.suggest(poll.id, reply.user_id, question, text)
        except PollError as error:
            # Every refusal shows at the input, so the person can change the text and retry.
            message = blocks.error_text(error, lang=lang)
            await ack(response_action="errors", errors={ids.SUGGEST_TEXT_BLOCK: message})
            return
        done = blocks.render_suggestion_added_view(
            added.poll, added.question, added.position, lang=lang
        )
        await ack(response_action="update", view=done)

    app.view(ids.CREATE_VIEW)(handle_create_view)
    app.view(ids.FOLLOW_UP_VIEW)(handle_follow_up_view)
    app.view(ids.SUGGEST_VIEW)(handle_suggest_view)
    app.view(ids.ANSWER_VIEW)(handle_answer_view)
    app.view(ids.OUTCOME_VIEW)(handle_outcome_view)


async def _publish_outcome(uses: UseCases, poll_id: int, reply: Reply) -> None:
    """Publish the report now and tell the organiser; a failure is retried by the job."""
    published = await uses.outcomes.publish(poll_id)
    poll = await uses.lookup.require(poll_id)
    key = "notice.outcome_published" if published else "notice.outcome_retrying"
    note = blocks.render_notice(key, lang=reply.lang, poll_id=poll.id)
    await uses.messages.tell(reply.user_id, poll.channel_id, note)


async def _answer_form_again(uses: UseCases, poll_id: int, reply: Reply) -> dict[str, Any]:
    poll, previous = await uses.answering.form_for(poll_id, reply.user_id)
    note = t(reply.lang, "answer.options_changed")
    return blocks.render_answer_modal(poll, previous=previous, lang=reply.lang, note=note)


async def _create_and_report(
    uses: UseCases, draft: PollDraft, where: Where, form: dict[str, Any], reply: Reply
) -> None:
    """Create the poll and tell the organiser: where it went, or what went wrong, with a button
    that opens the form again with everything they typed."""
    lang = reply.lang
    key = f"view:{form['id']}"
    try:
        if draft.every is not None:
            await _start_series(uses, draft, where, key, reply)
            return
        created = await uses.creation.create(draft, where, idempotency_key=key)
    except (PollError, SlackError) as error:
        logger.info("creating a poll from the form failed: %s", error)
        problem = (
            blocks.render_error(error, lang=lang)
            if isinstance(error, PollError)
            else blocks.render_notice("error.slack_failed", lang=lang)
        )
        kept = blocks.pack_form(
            read_form_values(form["state"]["values"]),
            blocks.read_form_metadata(form.get("private_metadata", "")),
        )
        note = blocks.render_create_failed(problem, kept_form=kept, lang=lang)
        await uses.messages.tell(reply.user_id, where.channel_id, note)
        return
    if created.duplicate:
        return  # Slack redelivered the submission; the first one was confirmed
    note = blocks.render_created(
        created.poll, asked=created.asked, everyone_asked=created.everyone_asked, lang=lang
    )
    await uses.messages.tell(reply.user_id, created.poll.channel_id, note)


async def _start_series(
    uses: UseCases, draft: PollDraft, where: Where, key: str, reply: Reply
) -> None:
    """A recurring poll from the form: its first poll now, or the series planned."""
    started = await uses.series.start(draft, where, idempotency_key=key)
    if started.duplicate:
        return  # Slack redelivered the submission; the first one was confirmed
    note = blocks.render_series_started(started, lang=reply.lang)
    await uses.messages.tell(reply.user_id, started.series.channel_id, note)


async def _create_follow_up(
    uses: UseCases, poll_id: int, vote: FollowUpVote, form: dict[str, Any], reply: Reply
) -> None:
    """Create the follow-up vote (once, whichever replica and however often Slack sends the
    submission) and tell the organiser where it went."""
    created = await uses.follow_ups.create(
        poll_id, reply.user_id, vote, idempotency_key=f"follow-up:{form['id']}"
    )
    if created.duplicate:
        return  # Slack redelivered the submission; the first one was confirmed
    poll = created.poll
    note = blocks.render_notice(
        "notice.follow_up_created",
        lang=reply.lang,
        poll_id=poll.id,
        channel_id=poll.channel_id,
        asked=created.asked,
        original_id=poll_id,
        closes=poll.closes_at,
    )
    await uses.messages.tell(reply.user_id, poll.channel_id, note)
