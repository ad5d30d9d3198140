"""Button clicks: vote, open the answer form, suggest an option, close, opt out of reminders,
record what was done, put wishes to a vote, delete, grow the form.

Each handler acks (after storing, for a vote) and hands the rest to reply.later()."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.errors import OptionsChanged
from bot.domain.suggestions import OptionsCheck
from bot.slack import blocks, ids
from bot.slack.blocks.follow_up_form import render_follow_up_form
from bot.slack.payloads import (
    parse_poll_id_value,
    parse_vote_button,
    read_form_values,
)
from bot.slack.replies import Reply, guarded

if TYPE_CHECKING:
    from bot.slack.listeners import UseCases


def register(app: AsyncApp, uses: UseCases) -> None:
    @guarded
    async def handle_vote_button(
        ack: AsyncAck, action: dict[str, Any], reply: Reply, received_at: datetime
    ) -> None:
        poll_id, option, check = parse_vote_button(action["value"])
        # Stored before the ack: a click Slack shows as received is never lost to a close.
        try:
            await uses.answering.vote(poll_id, reply.user_id, option, received_at, check=check)
        except OptionsChanged:
            # The button was shown before an option was removed: its number is another
            # option's now. Nothing is counted; the person gets the poll as it is.
            await ack()
            reply.later(_show_poll_again(uses, poll_id, reply), "options-changed")
            return
        await ack()
        reply.later(_confirm_vote(uses, poll_id, option, check, reply), "confirm-vote")

    @guarded
    async def handle_answer_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        poll_id = parse_poll_id_value(action["value"])
        reply.later(_open_answer_form(uses, poll_id, body["trigger_id"], reply), "answer-form")

    @guarded
    async def handle_suggest_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        poll_id = parse_poll_id_value(action["value"])
        reply.later(_open_suggest_form(uses, poll_id, body["trigger_id"], reply), "suggest-form")

    @guarded
    async def handle_close_button(ack: AsyncAck, action: dict[str, Any], reply: Reply) -> None:
        await ack()
        poll_id = parse_poll_id_value(action["value"])
        reply.later(_close(uses, poll_id, reply), "close")

    @guarded
    async def handle_outcome_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        poll_id = parse_poll_id_value(action["value"])
        reply.later(open_outcome_form(uses, poll_id, body["trigger_id"], reply), "outcome-form")

    @guarded
    async def handle_opt_out_button(ack: AsyncAck, action: dict[str, Any], reply: Reply) -> None:
        await ack()
        poll_id = parse_poll_id_value(action["value"])
        reply.later(_opt_out(uses, poll_id, reply), "opt-out")

    @guarded
    async def handle_delete_confirm_button(
        ack: AsyncAck, action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        poll_id = parse_poll_id_value(action["value"])
        reply.later(_delete(uses, poll_id, reply), "delete")

    @guarded
    async def handle_delete_cancel_button(ack: AsyncAck, reply: Reply) -> None:
        await ack()
        reply.later(reply.delete_original(), "delete-cancel")

    @guarded
    async def handle_template_select(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        template = action["selected_option"]["value"]
        reply.later(_rerender_form(uses, body, reply, template=template), "form-template")

    @guarded
    async def handle_add_question_button(ack: AsyncAck, body: dict[str, Any], reply: Reply) -> None:
        await ack()
        reply.later(_rerender_form(uses, body, reply, add_question=True), "form-question")

    @guarded
    async def handle_reopen_form_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        reply.later(_reopen_form(uses, action["value"], body["trigger_id"], reply), "form-again")

    @guarded
    async def handle_prioritise_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        poll_id = parse_poll_id_value(action["value"])
        work = open_follow_up_form(uses, poll_id, body["trigger_id"], reply)
        reply.later(work, "follow-up-form")

    @guarded
    async def handle_home_remind_button(
        ack: AsyncAck, action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        poll_id = parse_poll_id_value(action["value"])
        reply.later(_remind_from_home(uses, poll_id, reply), "home-remind")

    @guarded
    async def handle_home_extend_button(
        ack: AsyncAck, action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        poll_id = parse_poll_id_value(action["value"])
        reply.later(_extend_from_home(uses, poll_id, reply), "home-extend")

    @guarded
    async def handle_home_export_button(
        ack: AsyncAck, action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        poll_id = parse_poll_id_value(action["value"])
        reply.later(_export_from_home(uses, poll_id, reply), "home-export")

    @guarded
    async def handle_home_stop_series_button(
        ack: AsyncAck, action: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        series_id = parse_poll_id_value(action["value"])
        reply.later(_stop_series_from_home(uses, series_id, reply), "home-stop-series")

    @guarded
    async def handle_home_new_poll_button(
        ack: AsyncAck, body: dict[str, Any], reply: Reply
    ) -> None:
        await ack()
        # No channel on Home: the form asks for one.
        form = blocks.render_create_form(lang=reply.lang, channel_id=None)
        reply.later(uses.slack.open_view(body["trigger_id"], form), "home-new-poll")

    app.action(ids.VOTE_ACTION_PATTERN)(handle_vote_button)
    app.action(ids.HOME_REMIND_ACTION)(handle_home_remind_button)
    app.action(ids.HOME_EXTEND_ACTION)(handle_home_extend_button)
    app.action(ids.HOME_EXPORT_ACTION)(handle_home_export_button)
    app.action(ids.HOME_NEW_POLL_ACTION)(handle_home_new_poll_button)
    app.action(ids.HOME_STOP_SERIES_ACTION)(handle_home_stop_series_button)
    app.action(ids.PRIORITISE_ACTION)(handle_prioritise_button)
    app.action(ids.OPEN_ANSWER_ACTION)(handle_answer_button)
    app.action(ids.SUGGEST_ACTION)(handle_suggest_button)
    app.action(ids.CLOSE_ACTION)(handle_close_button)
    app.action(ids.OPT_OUT_ACTION)(handle_opt_out_button)
    app.action(ids.OUTCOME_ACTION)(handle_outcome_button)
    app.action(ids.DELETE_CONFIRM_ACTION)(handle_delete_confirm_button)
    app.action(ids.DELETE_CANCEL_ACTION)(handle_delete_cancel_button)
    app.action(ids.TEMPLATE_ACTION)(handle_template_select)
    app.action(ids.ADD_QUESTION_ACTION)(handle_add_question_button)
    app.action(ids.REOPEN_FORM_ACTION)(handle_reopen_form_button)


async def _confirm_vote(
    uses: UseCases, poll_id: int, option: int, check: OptionsCheck | None, reply: Reply
) -> None:
    poll = await uses.lookup.recent(poll_id, check=check)
    await reply.show(blocks.render_answer_saved(poll, lang=reply.lang, option=option))


async def _show_poll_again(uses: UseCases, poll_id: int, reply: Reply) -> None:
    poll, counts = await uses.suggesting.poll_again(poll_id)
    await reply.show(blocks.render_options_changed(poll, counts, lang=reply.lang))


async def _open_suggest_form(uses: UseCases, poll_id: int, trigger_id: str, reply: Reply) -> None:
    poll = await uses.suggesting.poll_to_suggest_for(poll_id, reply.user_id)
    await uses.slack.open_view(trigger_id, blocks.render_suggest_modal(poll, lang=reply.lang))


async def _open_answer_form(uses: UseCases, poll_id: int, trigger_id: str, reply: Reply) -> None:
    poll, previous = await uses.answering.form_for(poll_id, reply.user_id)
    view = blocks.render_answer_modal(poll, previous=previous, lang=reply.lang)
    # An expired trigger (the reads took too long) ends in "please click again".
    await uses.slack.open_view(trigger_id, view)


async def open_follow_up_form(uses: UseCases, poll_id: int, trigger_id: str, reply: Reply) -> None:
    """The organiser's "Vote on these wishes" (the button, or the command): the form."""
    found = await uses.follow_ups.wishes(poll_id, reply.user_id)
    form = render_follow_up_form(found.poll, found.wishes, lang=reply.lang)
    await uses.slack.open_view(trigger_id, form)


async def _close(uses: UseCases, poll_id: int, reply: Reply) -> None:
    # From the poll message or from Home: the same close; the organiser's Home follows.
    closed = await uses.home_actions.close(poll_id, reply.user_id)
    key = "notice.closed" if closed.summarised else "notice.closed_retrying"
    await reply.notice(key, poll_id=closed.poll.id)


async def open_outcome_form(uses: UseCases, poll_id: int, trigger_id: str, reply: Reply) -> None:
    """ "Record what we did" (the button or the command): the form, for the organiser only."""
    form = await uses.outcomes.form_for(poll_id, reply.user_id)
    await uses.slack.open_view(trigger_id, blocks.render_outcome_form(form, lang=reply.lang))


async def _remind_from_home(uses: UseCases, poll_id: int, reply: Reply) -> None:
    plan = await uses.home_actions.remind(poll_id, reply.user_id)
    await reply.notice("notice.reminded", poll_id=poll_id, now=plan.now, later=plan.later)


async def _extend_from_home(uses: UseCases, poll_id: int, reply: Reply) -> None:
    poll = await uses.home_actions.extend(poll_id, reply.user_id)
    closes = blocks.slack_date(poll.closes_at, reply.lang)
    await reply.notice("notice.extended", poll_id=poll.id, closes=closes)


async def _export_from_home(uses: UseCases, poll_id: int, reply: Reply) -> None:
    poll = await uses.home_actions.export(poll_id, reply.user_id, reply.lang)
    await reply.notice("notice.exported", poll_id=poll.id)


async def _stop_series_from_home(uses: UseCases, series_id: int, reply: Reply) -> None:
    await uses.home_actions.stop_series(series_id, reply.user_id)
    await reply.notice("notice.series_stopped_home", series_id=series_id)


async def _opt_out(uses: UseCases, poll_id: int, reply: Reply) -> None:
    poll = await uses.answering.opt_out(poll_id, reply.user_id)
    await reply.notice("notice.opted_out", poll_id=poll.id)


async def _delete(uses: UseCases, poll_id: int, reply: Reply) -> None:
    poll = await uses.home_actions.delete(poll_id, reply.user_id)
    await reply.notice("notice.deleted", replace_original=True, poll_id=poll.id)


async def _rerender_form(
    uses: UseCases,
    body: dict[str, Any],
    reply: Reply,
    *,
    template: str | None = None,
    add_question: bool = False,
) -> None:
    """Template chosen or a question added: the same form, grown, with everything typed kept."""
    view = body["view"]
    form = blocks.read_form_metadata(view.get("private_metadata", ""))
    values = read_form_values(
        view.get("state", {}).get("values", {}), include_questions=template is None
    )
    updated = blocks.render_create_form(
        lang=reply.lang,
        channel_id=form.channel_id,
        template=template or form.template,
        question_count=form.question_count + (1 if add_question else 0),
        values=values,
    )
    await uses.slack.update_view(view["id"], updated, view.get("hash"))


async def _reopen_form(uses: UseCases, kept_form: str, trigger_id: str, reply: Reply) -> None:
    values, metadata = blocks.unpack_form(kept_form)
    form = blocks.render_create_form(
        lang=reply.lang,
        channel_id=metadata.channel_id,
        template=metadata.template,
        question_count=metadata.question_count,
        values=values,
    )
    await uses.slack.open_view(trigger_id, form)
