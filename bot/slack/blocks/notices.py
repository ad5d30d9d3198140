"""Short messages to one person: help, the poll list, confirmations, errors, reminder DMs."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.errors import PollError
from bot.domain.model import Poll, PollStatus
from bot.domain.series import Series
from bot.i18n import t, tn
from bot.services.organising import PollListEntry
from bot.services.series import StartedSeries
from bot.services.suggesting import OptionRemoved
from bot.slack import ids
from bot.slack.blocks.common import (
    MAX_MESSAGE_BLOCKS,
    MESSAGE_TEXT_BUDGET,
    Block,
    Message,
    Mrkdwn,
    actions,
    button,
    context,
    header,
    make_message,
    section,
    sections,
    tm,
    user_mention,
)
from bot.slack.blocks.event import event_line
from bot.slack.blocks.packing import text_size
from bot.slack.blocks.poll_message import anonymity_note, preview
from bot.slack.blocks.series import (
    render_series_planned,
    series_blocks,
    series_question,
    series_started_line,
)
from bot.slack.blocks.text import shorten, user_mrkdwn

# A list longer than this says "…and N more" rather than growing past one message.
MAX_LISTED_POLLS = 45
_LIST_QUESTION_LENGTH = 150
# Slack shows form errors under the field; a long quoted value would only hide the advice.
MAX_ERROR_PARAM = 100


def render_notice(key: str, *, lang: str, **params: object) -> Message:
    """A short ephemeral text from the catalog; str params are escaped, datetimes become dates."""
    text = tm(lang, key, **params)
    return make_message(text, sections(text))


def error_text(error: PollError, *, lang: str, **overrides: object) -> str:
    """A known failure as plain text (form field errors show no mrkdwn): values cut, not escaped."""
    params = {**error.params, **overrides}
    shown = {k: shorten(v, MAX_ERROR_PARAM) if isinstance(v, str) else v for k, v in params.items()}
    try:
        return t(lang, error.message_key, **shown)
    except (KeyError, IndexError, ValueError):
        return t(lang, "error.generic")


def render_error(error: PollError, *, lang: str) -> Message:
    """A known failure as a polite ephemeral message in the reader's language."""
    try:
        return render_notice(error.message_key, lang=lang, **error.params)
    except (KeyError, IndexError, ValueError):
        # A key or parameter the catalogs lack must not turn a polite refusal into a crash.
        return render_notice("error.generic", lang=lang)


def render_occurrence_refused(series: Series, error: PollError, *, lang: str) -> Message:
    """A DM to the organiser: this time the recurring poll could not start, why, and when it
    tries again."""
    heading = tm(
        lang,
        "notice.series_skipped",
        question=series_question(series),
        next=series.next_start_at,
    )
    reason = render_error(error, lang=lang)
    return make_message(heading, [*sections(heading), *map(dict, reason.blocks)])


def render_help(*, lang: str, command: str, unknown: str | None = None) -> Message:
    """How to use the slash command; starts with "I don't know “x”." when unknown is set."""
    blocks: list[Block] = []
    if unknown is not None:
        blocks.extend(sections(tm(lang, "help.unknown", word=unknown)))
    blocks.append(header(t(lang, "help.title")))
    for key in (
        "help.create",
        "help.quick",
        "help.settings",
        "help.event",
        "help.examples",
        "help.manage",
    ):
        blocks.extend(sections(tm(lang, key, command=command)))
    fallback = tm(lang, "help.fallback", command=command)
    if unknown is not None:
        fallback = tm(lang, "help.unknown", word=unknown) + " " + fallback
    return make_message(fallback, blocks)


def render_poll_list(
    entries: Sequence[PollListEntry],
    *,
    viewer_id: str,
    lang: str,
    series: Sequence[Series] = (),
) -> Message:
    """Open polls of a channel; the viewer also sees the next reminder of their own polls. The
    channel's recurring series follow, with their next start."""
    recurring = series_blocks(series, lang)
    if not entries:
        text = t(lang, "list.empty")
        return make_message(text, [section(text), *recurring])
    blocks: list[Block] = [header(t(lang, "list.header"))]
    size = text_size(blocks) + text_size(recurring)
    # One block and some text stay free for the "…and N more" line, and room for the series.
    block_room = min(MAX_LISTED_POLLS + 1, MAX_MESSAGE_BLOCKS - 1 - len(recurring))
    text_room = MESSAGE_TEXT_BUDGET - 500
    shown = 0
    for entry in entries:
        block = section(_list_entry(entry, viewer_id, lang))
        block_size = text_size(block)
        if len(blocks) >= block_room or size + block_size > text_room:
            break
        blocks.append(block)
        size += block_size
        shown += 1
    if shown < len(entries):
        blocks.append(context(t(lang, "list.more", count=len(entries) - shown)))
    blocks.extend(recurring)
    return make_message(t(lang, "list.fallback", count=len(entries)), blocks)


def _list_entry(entry: PollListEntry, viewer_id: str, lang: str) -> str:
    poll = entry.poll
    if poll.status is PollStatus.CLOSED and poll.outcome_reported_at is not None:
        return tm(
            lang,
            "list.entry_reported",
            poll_id=poll.id,
            question=preview(poll, _LIST_QUESTION_LENGTH),
            answered=entry.answered,
            asked=entry.asked,
            reported=poll.outcome_reported_at,
        )
    if poll.status is PollStatus.CLOSING:
        # Closed for answers, its summary not out yet: say so, and whether Slack keeps failing.
        key = "list.entry_retrying" if entry.failed_close_attempts else "list.entry_closing"
        return tm(
            lang,
            key,
            poll_id=poll.id,
            question=preview(poll, _LIST_QUESTION_LENGTH),
            answered=entry.answered,
            asked=entry.asked,
            attempts=entry.failed_close_attempts,
        )
    text = tm(
        lang,
        "list.entry",
        poll_id=poll.id,
        question=preview(poll, _LIST_QUESTION_LENGTH),
        answered=entry.answered,
        asked=entry.asked,
        organiser=user_mention(poll.organiser_id),
        closes=poll.closes_at,
    )
    if poll.organiser_id != viewer_id:
        return text
    if entry.next_reminder is None:
        return text + "\n" + t(lang, "list.own_no_reminder")
    return text + "\n" + tm(lang, "list.own_next_reminder", when=entry.next_reminder)


def render_delete_confirmation(poll: Poll, *, lang: str) -> Message:
    """Asks the organiser to confirm deleting a poll and all its answers."""
    text = tm(lang, "delete.confirm", poll_id=poll.id, question=preview(poll))
    value = str(poll.id)
    buttons = [
        button(t(lang, "delete.button.confirm"), ids.DELETE_CONFIRM_ACTION, value, style="danger"),
        button(t(lang, "delete.button.cancel"), ids.DELETE_CANCEL_ACTION, value),
    ]
    return make_message(text, [*sections(text), *actions(ids.DELETE_ACTIONS_BLOCK, buttons)])


def render_reminder_dm(poll: Poll, *, lang: str, reminder_number: int) -> Message:
    """A polite DM to someone who has not answered; the second one says it is the last."""
    key = "reminder.first" if reminder_number <= 1 else "reminder.last"
    return _invitation(poll, lang, tm(lang, key, **_invitation_params(poll)))


def render_sample_invite_dm(poll: Poll, *, lang: str, sample_size: int) -> Message:
    """A DM telling someone they were picked among a small random group to answer."""
    text = tm(lang, "sample.invite", size=sample_size, **_invitation_params(poll))
    return _invitation(poll, lang, text)


def _invitation_params(poll: Poll) -> dict[str, object]:
    return {
        "organiser": user_mention(poll.organiser_id),
        "question": preview(poll),
        "closes": poll.closes_at,
    }


def _invitation(poll: Poll, lang: str, text: str) -> Message:
    """The DM body, the anonymity note, and the Answer / Don't remind me buttons."""
    if len(poll.questions) > 1:
        text += " " + tn(lang, "reminder.more_questions", len(poll.questions) - 1)
    value = str(poll.id)
    # Answering from a DM always opens the modal: it works for every kind of poll.
    buttons = [
        button(t(lang, "poll.button.answer"), ids.OPEN_ANSWER_ACTION, value, style="primary"),
        button(t(lang, "reminder.button.opt_out"), ids.OPT_OUT_ACTION, value),
    ]
    blocks = [
        *sections(text),
        *event_line(poll, lang),
        *_follow_up_line(poll, lang),
        context(anonymity_note(poll, lang)),
        *actions(ids.DM_ACTIONS_BLOCK, buttons),
    ]
    fallback = tm(lang, "reminder.fallback", organiser=user_mention(poll.organiser_id))
    return make_message(fallback, blocks)


def _follow_up_line(poll: Poll, lang: str) -> list[Block]:
    """For a follow-up vote, why the person is asked again: it weighs the earlier wishes."""
    if poll.follow_up_of is None:
        return []
    return [context(tm(lang, "reminder.follow_up", poll_id=poll.follow_up_of))]


def render_created(
    poll: Poll, *, asked: int, everyone_asked: bool, lang: str, series: Series | None = None
) -> Message:
    """Tells the organiser where the poll went, how many were asked, when it closes; for the
    first poll of a series also how often it starts again, and when next."""
    lines = [
        tm(
            lang,
            "notice.created",
            poll_id=poll.id,
            channel_id=poll.channel_id,
            asked=asked,
            closes=poll.closes_at,
        )
    ]
    if len(poll.event_reminder_days) == 1:
        (days,) = poll.event_reminder_days
        lines.append(t(lang, "notice.created_event_reminder", days=days))
    elif poll.event_reminder_days:
        first, second = poll.event_reminder_days[:2]
        lines.append(t(lang, "notice.created_event_reminders", first=first, second=second))
    elif poll.remind_every is None:
        lines.append(t(lang, "notice.created_no_reminders"))
    else:
        lines.append(tm(lang, "notice.created_reminders", every=poll.remind_every))
    if poll.audience.sample_size is not None and everyone_asked:
        # The organiser asked for a sample, so say why it is everyone instead.
        lines.append(t(lang, "notice.created_everyone", size=poll.audience.sample_size))
    if series is not None:
        lines.append(series_started_line(series, lang))
    text = " ".join(lines)
    return make_message(text, sections(text))


def render_series_started(started: StartedSeries, *, lang: str) -> Message:
    """Tells the organiser of a new series about its first poll, or when it starts (later)."""
    if started.first is None:
        return render_series_planned(started.series, lang=lang)
    first = started.first
    return render_created(
        first.poll,
        asked=first.asked,
        everyone_asked=first.everyone_asked,
        lang=lang,
        series=started.series,
    )


def render_answer_saved(poll: Poll, *, lang: str, option: int) -> Message:
    """Confirms a one-click vote to the voter, naming the option they chose."""
    options = poll.questions[0].options if poll.questions else ()
    if 0 <= option < len(options):
        chosen = Mrkdwn(user_mrkdwn(options[option]))
        text = tm(lang, "notice.vote_saved", poll_id=poll.id, option=chosen)
    else:
        text = tm(lang, "notice.answer_saved", poll_id=poll.id, closes=poll.closes_at)
    return make_message(text, sections(text))


def render_option_removed(removed: OptionRemoved, *, lang: str) -> Message:
    """Tells the organiser which suggestion went, and what became of the answers that chose it."""
    result = removed.result
    lines = [
        tm(
            lang,
            "notice.option_removed",
            poll_id=removed.poll.id,
            number=removed.option_number,
            option=Mrkdwn(user_mrkdwn(result.text or "")),
        )
    ]
    if removed.poll.anonymous:
        # How many chose it could say more than the results may, below the anonymity threshold.
        lines.append(t(lang, "notice.option_removed_anonymous"))
    else:
        if result.answers:
            lines.append(tn(lang, "notice.option_removed_answers", result.answers))
        if result.emptied:
            lines.append(tn(lang, "notice.option_removed_emptied", result.emptied))
    lines.append(t(lang, "notice.option_removed_renumbered"))
    text = " ".join(lines)
    return make_message(text, sections(text))
