"""Prometheus metrics of one bot, in a registry of its own (tests run several bots at once)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

logger = logging.getLogger(__name__)

# Slack gives up on an ack after 3 s; the buckets are finest well below that.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
# A scrape never waits longer than this for the database; it then shows the last count.
POLL_COUNT_TIMEOUT_SECONDS = 1.0


def outcome_of(status: int) -> str:
    """A request's outcome from the HTTP status of the bot's answer to Slack."""
    if status < 300:
        return "ok"
    if status in (401, 403):
        return "rejected"  # bad or stale signature
    if status == 404:
        return "unhandled"  # no listener for it
    if status >= 500:
        return "error"
    return "invalid"


class Metrics:
    """Counters updated as things happen; gauges read when Prometheus scrapes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "wishbot_requests",
            "Requests from Slack by kind (command, action, view, event, other) and outcome"
            " (ok, rejected, unhandled, invalid, error)",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "wishbot_ack_seconds",
            "Seconds from a request's arrival to the acknowledgement sent back to Slack",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.slack_calls = Counter(
            "wishbot_slack_api_calls",
            "Web API call attempts by method and outcome (ok, ratelimited, server_error,"
            " transport_error, or Slack's error code)",
            ["method", "outcome"],
            registry=self.registry,
        )
        self.reminders_sent = Counter(
            "wishbot_reminders_sent", "Reminder DMs delivered", registry=self.registry
        )
        self.polls_open = Gauge(
            "wishbot_polls_open", "Polls open for answers", registry=self.registry
        )
        self.jobs_pending = Gauge(
            "wishbot_scheduler_jobs_pending",
            "Scheduled jobs in the database (closes, reminder rounds, deliveries, invitations,"
            " retention)",
            registry=self.registry,
        )

    def observe_request(self, kind: str, status: int, seconds: float) -> None:
        self.requests.labels(kind=kind, outcome=outcome_of(status)).inc()
        self.ack_seconds.labels(kind=kind).observe(seconds)

    def observe_slack_call(self, method: str, outcome: str) -> None:
        """SlackGateway's observer: one count per attempt, retries and 429s included."""
        self.slack_calls.labels(method=method, outcome=outcome).inc()

    def reminder_sent(self) -> None:
        self.reminders_sent.inc()

    async def render(self, read_counts: Callable[[], Awaitable[Mapping[str, int]]]) -> bytes:
        """The text exposition; open polls and pending jobs are counted in the database now."""
        try:
            counts = await asyncio.wait_for(read_counts(), POLL_COUNT_TIMEOUT_SECONDS)
        except Exception as error:  # the last counts stay; a scrape must not fail on them
            logger.warning("counting open polls and jobs for /metrics failed: %r", error)
        else:
            self.polls_open.set(counts["open_polls"])
            self.jobs_pending.set(counts["pending_jobs"])
        return generate_latest(self.registry)
