"""You said, we did: the outcome form the organiser fills in, and the outcome report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from bot.domain.outcome import (
    MAX_NOTE_LENGTH,
    REPORT_ORDER,
    AskedFacts,
    OutcomeItem,
    OutcomeReport,
    OutcomeStatus,
)
from bot.i18n import format_percent, t, tn
from bot.services.outcomes import OutcomeForm
from bot.slack import ids
from bot.slack.blocks.common import (
    MAX_LABEL_TEXT,
    MAX_MODAL_BLOCKS,
    MESSAGE_TEXT_BUDGET,
    Block,
    Message,
    View,
    context,
    header,
    make_message,
    modal_text,
    option,
    plain,
    section,
    sections,
    slack_date,
    tm,
)
from bot.slack.blocks.poll_message import preview
from bot.slack.blocks.text import user_mrkdwn, user_plain

# Every item takes two blocks (its status and its note); the intro, the "left out" line and
# "Tell everyone again" take the rest of a modal's 100.
_FORM_FIXED_BLOCKS: Final = 3
MAX_FORM_ITEMS: Final = (MAX_MODAL_BLOCKS - _FORM_FIXED_BLOCKS) // 2
NO_DECISION: Final = "none"
TELL_AGAIN: Final = "tell_again"
_ITEM_LABEL: Final = 150
# "We did" stops here and says how many more were decided: the message has a text budget.
_DECIDED_TEXT: Final = MESSAGE_TEXT_BUDGET - 3_000


def render_outcome_form(form: OutcomeForm, *, lang: str) -> View:
    """The organiser's form: a status and a note for each item, most support first; as many
    as fit in a modal, and a line saying how many were left out."""
    poll = form.poll
    shown = form.items[:MAX_FORM_ITEMS]
    blocks: list[Block] = [
        section(tm(lang, "outcome.form.intro", poll_id=poll.id, question=preview(poll, 300)))
    ]
    for item in shown:
        blocks.extend(_item_inputs(item, lang))
    left_out = len(form.items) - len(shown)
    if left_out:
        blocks.append(context(t(lang, "outcome.form.left_out", count=left_out)))
    if form.reported:
        blocks.append(_tell_again_input(lang))
    return {
        "type": "modal",
        "callback_id": ids.OUTCOME_VIEW,
        "private_metadata": str(poll.id),
        "title": modal_text(t(lang, "outcome.form.title")),
        "submit": modal_text(t(lang, "outcome.form.submit")),
        "close": modal_text(t(lang, "outcome.form.cancel")),
        "blocks": blocks,
    }


def _status_options(lang: str) -> list[dict[str, Any]]:
    return [
        *(
            option(t(lang, f"outcome.status.{status.value}"), status.value)
            for status in REPORT_ORDER
        ),
        option(t(lang, "outcome.status.none"), NO_DECISION),
    ]


def _item_inputs(item: OutcomeItem, lang: str) -> list[Block]:
    choices = _status_options(lang)
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.OUTCOME_ELEMENT,
        "placeholder": plain(t(lang, "outcome.status.none")),
        "options": choices,
    }
    if item.status is not None:
        select["initial_option"] = choices[REPORT_ORDER.index(item.status)]
    label = user_plain(item.text)
    if item.support is not None:
        label = t(lang, "outcome.form.item", item=label, support=_support(item, lang))
    note: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.OUTCOME_ELEMENT,
        "multiline": True,
        "max_length": MAX_NOTE_LENGTH,
        "placeholder": plain(t(lang, "outcome.form.note_placeholder")),
    }
    if item.note:
        note["initial_value"] = user_plain(item.note)[:MAX_NOTE_LENGTH]
    return [
        {
            "type": "input",
            "block_id": ids.outcome_status_block_id(item.position),
            "optional": True,
            "label": plain(label, min(_ITEM_LABEL, MAX_LABEL_TEXT)),
            "element": select,
        },
        {
            "type": "input",
            "block_id": ids.outcome_note_block_id(item.position),
            "optional": True,
            "label": plain(t(lang, "outcome.form.note")),
            "element": note,
        },
    ]


def _tell_again_input(lang: str) -> Block:
    return {
        "type": "input",
        "block_id": ids.OUTCOME_TELL_AGAIN_BLOCK,
        "optional": True,
        "label": plain(t(lang, "outcome.form.tell_label")),
        "element": {
            "type": "checkboxes",
            "action_id": ids.OUTCOME_ELEMENT,
            "options": [
                option(
                    t(lang, "outcome.form.tell_again"),
                    TELL_AGAIN,
                    t(lang, "outcome.form.tell_again_hint"),
                )
            ],
        },
    }


def _support(item: OutcomeItem, lang: str) -> str:
    return tn(lang, f"outcome.support.{item.unit.value}", item.support or 0)


def render_outcome_report(report: OutcomeReport, *, lang: str) -> Message:
    """We asked, You said, We did: the reply in the summary's thread and the DM to everyone
    asked. It names nobody: who answered what is no part of it."""
    blocks: list[Block] = [header(t(lang, "outcome.header", poll_id=report.poll.id))]
    blocks.extend(sections(_we_asked(report, lang)))
    blocks.extend(sections(_you_said(report, lang)))
    blocks.extend(sections(_we_did(report.decided, lang)))
    fallback = tm(lang, "outcome.fallback", poll_id=report.poll.id, question=preview(report.poll))
    return make_message(fallback, blocks)


def _asked_line(facts: AskedFacts, lang: str, key: str) -> str:
    percent = 100.0 * facts.answered / facts.asked if facts.asked else 0.0
    return t(
        lang,
        key,
        poll_id=facts.poll_id,
        question=user_mrkdwn(facts.question),
        opened=slack_date(facts.opened_at, lang),
        closed=slack_date(facts.closed_at, lang),
        answered=facts.answered,
        asked=facts.asked,
        percent=format_percent(percent, lang),
    )


def _we_asked(report: OutcomeReport, lang: str) -> str:
    lines = [t(lang, "outcome.we_asked")]
    if report.original is not None:
        lines.append(_asked_line(report.original, lang, "outcome.asked_line"))
        lines.append(_asked_line(report.asked, lang, "outcome.voted_line"))
    else:
        lines.append(_asked_line(report.asked, lang, "outcome.asked_line"))
    return "\n".join(lines)


def _you_said(report: OutcomeReport, lang: str) -> str:
    lines = [t(lang, "outcome.you_said")]
    if not report.said:
        lines.append(t(lang, "outcome.said_nothing"))
    for item in report.said:
        if item.support is None:
            lines.append(t(lang, "outcome.said_hidden_line", item=user_mrkdwn(item.text)))
        else:
            lines.append(
                t(
                    lang,
                    "outcome.said_line",
                    item=user_mrkdwn(item.text),
                    support=_support(item, lang),
                )
            )
    if any(item.support is None for item in report.said):
        lines.append(t(lang, "outcome.said_hidden"))
    if report.more_said:
        lines.append(t(lang, "outcome.said_more", count=report.more_said))
    return "\n".join(lines)


def _we_did(decided: Sequence[OutcomeItem], lang: str) -> str:
    lines = [t(lang, "outcome.we_did")]
    if not decided:
        lines.append(t(lang, "outcome.nothing_decided"))
        return "\n".join(lines)
    size = 0
    status: OutcomeStatus | None = None
    for shown, item in enumerate(decided):
        entry = _decided_line(item, lang)
        if item.status is not None and item.status is not status:
            status = item.status
            entry = t(lang, f"outcome.group.{status.value}") + "\n" + entry
        if size + len(entry) > _DECIDED_TEXT:
            lines.append(t(lang, "outcome.decided_more", count=len(decided) - shown))
            break
        lines.append(entry)
        size += len(entry)
    return "\n".join(lines)


def _decided_line(item: OutcomeItem, lang: str) -> str:
    text = user_mrkdwn(item.full_text if len(item.full_text) <= 300 else item.text)
    if item.note:
        return t(lang, "outcome.decided_note_line", item=text, note=user_mrkdwn(item.note))
    return t(lang, "outcome.decided_line", item=text)
