"""The slash command: parsed in the domain into a typed command, answered at once, slow work
done after the ack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, assert_never

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.commands import (
    CloseCommand,
    DeleteCommand,
    ExportCommand,
    ExtendCommand,
    HelpCommand,
    ListCommand,
    NewPollCommand,
    OpenFormCommand,
    OutcomeCommand,
    PollIdCommand,
    PrioritiseCommand,
    RemindCommand,
    RemoveOptionCommand,
    ResultsCommand,
    StopCommand,
    parse_command,
)
from bot.services.creating import Where
from bot.slack import blocks
from bot.slack.listeners.actions import open_follow_up_form, open_outcome_form
from bot.slack.replies import Reply, ephemeral, guarded

if TYPE_CHECKING:
    from bot.slack.listeners import UseCases

# A response_url takes 5 messages; long interim results go on as ephemerals.
RESPONSE_URL_USES = 5
# The commands answered after the ack (the help and the form are answered in it).
AfterAck = NewPollCommand | ListCommand | PollIdCommand | ExtendCommand | RemoveOptionCommand


def register(app: AsyncApp, uses: UseCases, command: str) -> None:
    @guarded
    async def handle_wishes_command(
        ack: AsyncAck, body: dict[str, Any], reply: Reply, lang: str
    ) -> None:
        parsed = parse_command(body.get("text", ""))
        match parsed:
            case HelpCommand(unknown=unknown):
                help_text = blocks.render_help(lang=lang, command=body["command"], unknown=unknown)
                await ack(**ephemeral(help_text))
            case OpenFormCommand():
                await ack()
                form = blocks.render_create_form(lang=lang, channel_id=body["channel_id"])
                reply.later(uses.slack.open_view(body["trigger_id"], form), "create-form")
            case _:
                await ack()
                reply.later(_run(uses, parsed, body, reply), type(parsed).__name__)

    app.command(command)(handle_wishes_command)


async def _run(uses: UseCases, parsed: AfterAck, body: dict[str, Any], reply: Reply) -> None:
    # After the ack there is time to learn a newcomer's language from Slack.
    await uses.people.warm(reply.user_id)
    reply.lang = await uses.people.language_of(reply.user_id)
    user_id, channel_id, lang = reply.user_id, body["channel_id"], reply.lang
    match parsed:
        case NewPollCommand(draft=draft) if draft.every is not None:
            where = Where(body.get("team_id", ""), channel_id, user_id)
            started = await uses.series.start(draft, where)
            await reply.show(blocks.render_series_started(started, lang=lang))
        case NewPollCommand(draft=draft):
            where = Where(body.get("team_id", ""), channel_id, user_id)
            created = await uses.creation.create(draft, where)
            await reply.show(
                blocks.render_created(
                    created.poll,
                    asked=created.asked,
                    everyone_asked=created.everyone_asked,
                    lang=lang,
                )
            )
        case ListCommand():
            entries = await uses.organising.list_polls(channel_id)
            series = await uses.series.series_in(channel_id)
            await reply.show(
                blocks.render_poll_list(entries, viewer_id=user_id, lang=lang, series=series)
            )
        case StopCommand(poll_id=poll_id):
            stopped = await uses.series.stop_by_poll(poll_id, user_id)
            await reply.notice("notice.series_stopped", series_id=stopped.id, poll_id=poll_id)
        case ExtendCommand(poll_id=poll_id, change=change):
            poll = await uses.organising.extend(poll_id, user_id, change)
            closes = blocks.slack_date(poll.closes_at, lang)
            await reply.notice("notice.extended", poll_id=poll.id, closes=closes)
        case CloseCommand(poll_id=poll_id):
            closed = await uses.closing.close(poll_id, by_user=user_id)
            key = "notice.closed" if closed.summarised else "notice.closed_retrying"
            await reply.notice(key, poll_id=closed.poll.id)
        case ResultsCommand(poll_id=poll_id):
            await _show_results(uses, poll_id, reply)
        case ExportCommand(poll_id=poll_id):
            poll = await uses.organising.send_export(poll_id, user_id, lang)
            await reply.notice("notice.exported", poll_id=poll.id)
        case DeleteCommand(poll_id=poll_id):
            poll = await uses.organising.confirm_delete(poll_id, user_id)
            await reply.show(blocks.render_delete_confirmation(poll, lang=lang))
        case OutcomeCommand(poll_id=poll_id):
            await open_outcome_form(uses, poll_id, body["trigger_id"], reply)
        case PrioritiseCommand(poll_id=poll_id):
            await open_follow_up_form(uses, poll_id, body["trigger_id"], reply)
        case RemoveOptionCommand(
            poll_id=poll_id, option_number=option_number, question_number=question_number
        ):
            removed = await uses.suggesting.remove(poll_id, user_id, question_number, option_number)
            await reply.show(blocks.render_option_removed(removed, lang=lang))
        case RemindCommand(poll_id=poll_id):
            plan = await uses.reminders.remind_now(poll_id, user_id)
            await reply.notice("notice.reminded", poll_id=poll_id, now=plan.now, later=plan.later)
        case _:
            # mypy fails here on a command the parser knows and this match does not.
            assert_never(parsed)


async def _show_results(uses: UseCases, poll_id: int, reply: Reply) -> None:
    results = await uses.organising.interim_results(poll_id, reply.user_id)
    parts = blocks.render_interim_results(
        results.poll,
        results.tally,
        lang=reply.lang,
        next_reminder=results.next_reminder,
        closes_at=results.poll.closes_at,
    )
    for part in parts[:RESPONSE_URL_USES]:
        await reply.show(part)
    for part in parts[RESPONSE_URL_USES:]:
        await uses.messages.tell(reply.user_id, reply.channel_id, part)
