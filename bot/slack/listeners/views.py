"""Modal submissions: the create form and the answer form."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.errors import InvalidAnswer, PollError
from bot.services.registry import Services
from bot.slack import blocks, ids
from bot.slack.gateway import SlackCallFailed
from bot.slack.payloads import FormErrors, read_answer_form, read_create_form

logger = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    people = services.ctx.people

    async def handle_create_view(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        services.ctx.track_current_task()
        user_id = body["user"]["id"]
        lang = people.cached_language(user_id)
        try:
            draft = read_create_form(view["state"]["values"], lang=lang)
            channel_id = (
                draft.channel_id
                or blocks.read_form_metadata(view.get("private_metadata", "")).channel_id
            )
            await services.polls.check_draft(draft, organiser_id=user_id, channel_id=channel_id)
        except FormErrors as errors:
            await ack(response_action="errors", errors=errors.errors)
            return
        except PollError as error:
            await ack(response_action="errors", errors=blocks.form_errors_for(error, lang=lang))
            return
        await ack()
        try:
            created = await services.polls.create(
                draft,
                team_id=body.get("team", {}).get("id", ""),
                channel_id=channel_id or "",
                organiser_id=user_id,
                idempotency_key=f"view:{view['id']}",
            )
        except (PollError, SlackCallFailed) as error:
            logger.info("creating a poll from the form failed: %s", error)
            await services.polls.tell(
                user_id,
                channel_id,
                blocks.render_error(error, lang=lang)
                if isinstance(error, PollError)
                else blocks.render_notice("error.slack_failed", lang=lang),
            )
            return
        if created.duplicate:
            return  # Slack redelivered the submission; the first one was confirmed
        note = blocks.render_created(
            created.poll, asked=created.asked, everyone_asked=created.everyone_asked, lang=lang
        )
        await services.polls.tell(user_id, created.poll.channel_id, note)

    async def handle_answer_view(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        services.ctx.track_current_task()
        user_id = body["user"]["id"]
        lang = await people.language_of(user_id)
        try:
            poll_id = int(view["private_metadata"])
            poll = await services.answers.poll_for_answer(poll_id, user_id)
            answers = read_answer_form(poll, view["state"]["values"])
            poll = await services.answers.answer(poll_id, user_id, answers)
        except InvalidAnswer as error:
            await ack(
                response_action="errors",
                errors={ids.answer_block_id(0): blocks.error_text(error, lang=lang)},
            )
            return
        except PollError as error:
            await ack(
                response_action="update",
                view=blocks.render_answer_result_view(error=error, poll=None, lang=lang),
            )
            return
        await ack(
            response_action="update",
            view=blocks.render_answer_result_view(error=None, poll=poll, lang=lang),
        )

    app.view(ids.CREATE_VIEW)(handle_create_view)
    app.view(ids.ANSWER_VIEW)(handle_answer_view)
