"""Bolt listeners: read the payload, call a service, render, answer Slack. No SQL, no rules here."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services.registry import Services
from bot.slack.listeners import actions, commands, events, views


def register(app: AsyncApp, services: Services, command: str) -> None:
    """Attach every listener to the app."""
    commands.register(app, services, command)
    actions.register(app, services)
    views.register(app, services)
    events.register(app, services)
