"""The slash command: parse, answer at once, do slow work after the ack."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.domain.commands import (
    Command,
    ExtendCommand,
    HelpCommand,
    ListCommand,
    NewPollCommand,
    PollCommand,
    parse_command,
)
from bot.domain.errors import PollError
from bot.services.registry import Services
from bot.slack import blocks
from bot.slack.gateway import SlackCallFailed
from bot.slack.listeners.replies import ephemeral, error_reply

logger = logging.getLogger(__name__)

RESPONSE_URL_USES = 5


def register(app: AsyncApp, services: Services, command: str) -> None:
    async def handle_wishes_command(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        services.ctx.track_current_task()
        user_id = body["user_id"]
        lang = services.ctx.people.cached_language(user_id)
        try:
            parsed = parse_command(body.get("text", ""))
        except PollError as error:
            await ack(**error_reply(error, lang))
            return
        if isinstance(parsed, HelpCommand):
            help_text = blocks.render_help(
                lang=lang, command=body["command"], unknown=parsed.unknown
            )
            await ack(**ephemeral(help_text))
            return
        await ack()
        await _run_and_report(services, parsed, body, respond)

    app.command(command)(handle_wishes_command)


async def _run_and_report(
    services: Services, parsed: Command, body: dict[str, Any], respond: AsyncRespond
) -> None:
    user_id = body["user_id"]
    try:
        await _run(services, parsed, body, respond)
    except PollError as error:
        lang = await services.ctx.people.language_of(user_id)
        await respond(**error_reply(error, lang))
    except SlackCallFailed as error:
        logger.warning("%s failed during %s: %s", error.method, type(parsed).__name__, error.error)
        lang = await services.ctx.people.language_of(user_id)
        await respond(**ephemeral(blocks.render_notice("error.slack_failed", lang=lang)))


async def _run(
    services: Services, parsed: Command, body: dict[str, Any], respond: AsyncRespond
) -> None:
    user_id = body["user_id"]
    channel_id = body["channel_id"]
    if isinstance(parsed, NewPollCommand) and parsed.draft is None:
        lang = services.ctx.people.cached_language(user_id)
        form = blocks.render_create_form(lang=lang, channel_id=channel_id)
        await services.ctx.gateway.open_view(body["trigger_id"], form)
        return
    await services.ctx.people.warm(user_id)
    lang = await services.ctx.people.language_of(user_id)
    if isinstance(parsed, NewPollCommand):
        assert parsed.draft is not None
        created = await services.polls.create(
            parsed.draft,
            team_id=body.get("team_id", ""),
            channel_id=channel_id,
            organiser_id=user_id,
        )
        await respond(
            **ephemeral(
                blocks.render_created(
                    created.poll,
                    asked=created.asked,
                    everyone_asked=created.everyone_asked,
                    lang=lang,
                )
            )
        )
    elif isinstance(parsed, ListCommand):
        entries = await services.polls.list_open(channel_id)
        await respond(**ephemeral(blocks.render_poll_list(entries, viewer_id=user_id, lang=lang)))
    elif isinstance(parsed, ExtendCommand):
        poll = await services.polls.extend(parsed.poll_id, user_id, parsed.change)
        await respond(
            **ephemeral(
                blocks.render_notice(
                    "notice.extended",
                    lang=lang,
                    poll_id=poll.id,
                    closes=blocks.slack_date(poll.closes_at, lang),
                )
            )
        )
    elif isinstance(parsed, PollCommand):
        await _run_poll_command(services, parsed, body, lang, respond)


async def _run_poll_command(
    services: Services,
    parsed: PollCommand,
    body: dict[str, Any],
    lang: str,
    respond: AsyncRespond,
) -> None:
    poll_id = parsed.poll_id
    user_id = body["user_id"]
    channel_id = body["channel_id"]
    if parsed.verb == "close":
        poll = await services.closing.close(poll_id, by_user=user_id)
        await respond(
            **ephemeral(blocks.render_notice("notice.closed", lang=lang, poll_id=poll.id))
        )
    elif parsed.verb == "results":
        poll = await services.polls.require_organiser(poll_id, user_id)
        parts = blocks.render_interim_results(
            poll,
            await services.polls.current_tally(poll),
            lang=lang,
            next_reminder=await services.polls.next_reminder(poll),
            closes_at=poll.closes_at,
        )
        # A response_url takes 5 messages; long interim results go on as ephemerals.
        for part in parts[:RESPONSE_URL_USES]:
            await respond(**ephemeral(part))
        for part in parts[RESPONSE_URL_USES:]:
            await services.polls.tell(user_id, channel_id, part)
    elif parsed.verb == "export":
        poll = await services.polls.require_organiser(poll_id, user_id)
        await services.polls.send_export(poll, user_id, lang)
        await respond(
            **ephemeral(blocks.render_notice("notice.exported", lang=lang, poll_id=poll.id))
        )
    elif parsed.verb == "delete":
        poll = await services.polls.require_organiser(poll_id, user_id)
        await respond(**ephemeral(blocks.render_delete_confirmation(poll, lang=lang)))
    elif parsed.verb == "remind":
        plan = await services.reminders.remind_now(poll_id, user_id)
        await respond(
            **ephemeral(
                blocks.render_notice(
                    "notice.reminded", lang=lang, poll_id=poll_id, now=plan.now, later=plan.later
                )
            )
        )
