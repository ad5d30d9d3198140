"""Button clicks: vote, open the answer form, close, opt out of reminders, delete, grow the form."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.domain.errors import PollError
from bot.services.registry import Services
from bot.slack import blocks, ids
from bot.slack.gateway import SlackCallFailed
from bot.slack.listeners.replies import ephemeral, error_reply
from bot.slack.payloads import (
    parse_poll_id_value,
    parse_vote_value,
    read_form_values,
)

logger = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    people = services.ctx.people

    async def handle_vote_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        services.ctx.track_current_task()
        await ack()
        user_id = body["user"]["id"]
        try:
            poll_id, option = parse_vote_value(action["value"])
            poll = await services.answers.vote(poll_id, user_id, option, float(action["action_ts"]))
        except PollError as error:
            await respond(**error_reply(error, await people.language_of(user_id)))
            return
        lang = await people.language_of(user_id)
        note = blocks.render_answer_saved(poll, lang=lang, option=option)
        await respond(**ephemeral(note), replace_original=False)

    async def handle_answer_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        services.ctx.track_current_task()
        await ack()
        user_id = body["user"]["id"]
        lang = await people.language_of(user_id)
        try:
            poll = await services.answers.poll_for_answer(
                parse_poll_id_value(action["value"]), user_id
            )
        except PollError as error:
            await respond(**error_reply(error, lang), replace_original=False)
            return
        previous = await services.answers.previous_response(poll.id, user_id)
        view = blocks.render_answer_modal(poll, previous=previous, lang=lang)
        await services.ctx.gateway.open_view(body["trigger_id"], view)

    async def handle_close_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        services.ctx.track_current_task()
        await ack()
        user_id = body["user"]["id"]
        lang = await people.language_of(user_id)
        try:
            poll = await services.closing.close(
                parse_poll_id_value(action["value"]), by_user=user_id
            )
        except PollError as error:
            await respond(**error_reply(error, lang), replace_original=False)
            return
        await respond(
            **ephemeral(blocks.render_notice("notice.closed", lang=lang, poll_id=poll.id)),
            replace_original=False,
        )

    async def handle_opt_out_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        services.ctx.track_current_task()
        await ack()
        user_id = body["user"]["id"]
        lang = await people.language_of(user_id)
        try:
            poll = await services.answers.opt_out(parse_poll_id_value(action["value"]), user_id)
        except PollError as error:
            await respond(**error_reply(error, lang), replace_original=False)
            return
        await respond(
            **ephemeral(blocks.render_notice("notice.opted_out", lang=lang, poll_id=poll.id)),
            replace_original=False,
        )

    async def handle_delete_confirm_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        services.ctx.track_current_task()
        await ack()
        user_id = body["user"]["id"]
        lang = await people.language_of(user_id)
        try:
            poll = await services.polls.delete(parse_poll_id_value(action["value"]), user_id)
        except PollError as error:
            await respond(**error_reply(error, lang), replace_original=True)
            return
        except SlackCallFailed as error:
            logger.warning("deleting messages failed: %s", error.error)
            await respond(
                **ephemeral(blocks.render_notice("error.slack_failed", lang=lang)),
                replace_original=True,
            )
            return
        await respond(
            **ephemeral(blocks.render_notice("notice.deleted", lang=lang, poll_id=poll.id)),
            replace_original=True,
        )

    async def handle_delete_cancel_button(ack: AsyncAck, respond: AsyncRespond) -> None:
        services.ctx.track_current_task()
        await ack()
        await respond(delete_original=True)

    async def handle_template_select(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]
    ) -> None:
        services.ctx.track_current_task()
        await ack()
        await _rerender_form(services, body, template=action["selected_option"]["value"])

    async def handle_add_question_button(ack: AsyncAck, body: dict[str, Any]) -> None:
        services.ctx.track_current_task()
        await ack()
        await _rerender_form(services, body, add_question=True)

    app.action(ids.VOTE_ACTION_PATTERN)(handle_vote_button)
    app.action(ids.OPEN_ANSWER_ACTION)(handle_answer_button)
    app.action(ids.CLOSE_ACTION)(handle_close_button)
    app.action(ids.OPT_OUT_ACTION)(handle_opt_out_button)
    app.action(ids.DELETE_CONFIRM_ACTION)(handle_delete_confirm_button)
    app.action(ids.DELETE_CANCEL_ACTION)(handle_delete_cancel_button)
    app.action(ids.TEMPLATE_ACTION)(handle_template_select)
    app.action(ids.ADD_QUESTION_ACTION)(handle_add_question_button)


async def _rerender_form(
    services: Services,
    body: dict[str, Any],
    *,
    template: str | None = None,
    add_question: bool = False,
) -> None:
    """Template chosen or a question added: the same form, grown, with everything typed kept."""
    view = body["view"]
    user_id = body["user"]["id"]
    lang = await services.ctx.people.language_of(user_id)
    form = blocks.read_form_metadata(view.get("private_metadata", ""))
    values = read_form_values(
        view.get("state", {}).get("values", {}), include_questions=template is None
    )
    count = form.question_count + (1 if add_question else 0)
    updated = blocks.render_create_form(
        lang=lang,
        channel_id=form.channel_id,
        template=template or form.template,
        question_count=count,
        values=values,
    )
    await services.ctx.gateway.update_view(view["id"], updated, view.get("hash"))
