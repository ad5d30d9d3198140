"""Bolt listeners, the outermost ring: read the payload, call a use case, render, reply.
No SQL, no Block Kit literals, no business rules here."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp

from bot.services.answering import Answering
from bot.services.background import BackgroundWork
from bot.services.closing import Closing
from bot.services.creating import PollCreation
from bot.services.departures import Departures
from bot.services.follow_ups import FollowUps
from bot.services.home import HomeTab
from bot.services.home_actions import HomeActions
from bot.services.messages import PollMessages
from bot.services.organising import Organising
from bot.services.outcomes import Outcomes
from bot.services.people import PeopleDirectory
from bot.services.polls import PollLookup
from bot.services.ports import Clock
from bot.services.reminders import Reminders
from bot.services.series import RecurringPolls
from bot.services.suggesting import Suggesting
from bot.services.workflow_steps import WorkflowSteps
from bot.slack.gateway import SlackGateway
from bot.slack.middleware import request_context
from bot.slack.replies import ResponseUrls


@dataclass(frozen=True, slots=True)
class UseCases:
    """What the listeners call, built once by bot.app."""

    creation: PollCreation
    organising: Organising
    answering: Answering
    suggesting: Suggesting
    closing: Closing
    follow_ups: FollowUps
    series: RecurringPolls
    reminders: Reminders
    outcomes: Outcomes
    home: HomeTab
    home_actions: HomeActions
    messages: PollMessages
    people: PeopleDirectory
    lookup: PollLookup
    slack: SlackGateway
    work: BackgroundWork
    clock: Clock
    response_urls: ResponseUrls
    workflow_steps: WorkflowSteps
    # Many workspaces only: what happens when one removes the app.
    departures: Departures | None = None


def register(app: AsyncApp, uses: UseCases, command: str) -> None:
    """Attach the middleware and every listener to the app."""
    from bot.slack.listeners import actions, commands, events, steps, views

    app.use(
        request_context(
            uses.people,
            uses.messages.tell,
            uses.work,
            uses.clock,
            uses.response_urls,
            many_workspaces=uses.departures is not None,
        )
    )
    commands.register(app, uses, command)
    actions.register(app, uses)
    views.register(app, uses)
    events.register(app, uses)
    steps.register(app, uses)
