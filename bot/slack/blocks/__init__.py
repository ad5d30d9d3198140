"""Block Kit rendering: pure functions from domain values to Slack messages and views."""

from bot.slack.blocks.answer_form import (
    first_input_block_id,
    render_answer_modal,
    render_answer_result_view,
    render_notice_view,
)
from bot.slack.blocks.common import Message, Mrkdwn, View, slack_date
from bot.slack.blocks.create_form import render_create_failed, render_create_form
from bot.slack.blocks.form_state import (
    FormMetadata,
    FormValues,
    block_for_field,
    form_errors_for,
    pack_form,
    read_form_metadata,
    unpack_form,
)
from bot.slack.blocks.notices import (
    error_text,
    render_answer_saved,
    render_created,
    render_delete_confirmation,
    render_error,
    render_help,
    render_notice,
    render_occurrence_refused,
    render_option_removed,
    render_poll_list,
    render_reminder_dm,
    render_sample_invite_dm,
    render_series_started,
)
from bot.slack.blocks.outcome import render_outcome_form, render_outcome_report
from bot.slack.blocks.poll_message import (
    render_closed_poll_message,
    render_options_changed,
    render_poll_message,
)
from bot.slack.blocks.series import render_series_planned, series_started_line
from bot.slack.blocks.suggest_form import render_suggest_modal, render_suggestion_added_view
from bot.slack.blocks.summary import render_interim_results, render_summary
from bot.slack.blocks.templates import TEMPLATES, template_questions

__all__ = [
    "TEMPLATES",
    "FormMetadata",
    "FormValues",
    "Message",
    "Mrkdwn",
    "View",
    "block_for_field",
    "error_text",
    "first_input_block_id",
    "form_errors_for",
    "pack_form",
    "read_form_metadata",
    "render_answer_modal",
    "render_answer_result_view",
    "render_answer_saved",
    "render_closed_poll_message",
    "render_create_failed",
    "render_create_form",
    "render_created",
    "render_delete_confirmation",
    "render_error",
    "render_help",
    "render_interim_results",
    "render_notice",
    "render_notice_view",
    "render_occurrence_refused",
    "render_option_removed",
    "render_options_changed",
    "render_outcome_form",
    "render_outcome_report",
    "render_poll_list",
    "render_poll_message",
    "render_reminder_dm",
    "render_sample_invite_dm",
    "render_series_planned",
    "render_series_started",
    "render_suggest_modal",
    "render_suggestion_added_view",
    "render_summary",
    "series_started_line",
    "slack_date",
    "template_questions",
    "unpack_form",
]
