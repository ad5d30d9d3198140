"""Every failure in a listener ends in a message to the person, never in silence."""

from __future__ import annotations

from typing import Any

import pytest
from slack_bolt.async_app import AsyncAck

from bot.domain.errors import PollClosed
from bot.services.background import BackgroundWork
from bot.services.ports import Message, SlackError, TriggerExpired
from bot.slack.replies import Reply


class Seen:
    def __init__(self) -> None:
        self.replies: list[dict[str, Any]] = []

    async def respond(self, **payload: Any) -> None:
        self.replies.append(payload)

    async def tell(self, user_id: str, channel_id: str | None, message: Message) -> None:
        self.replies.append({"text": message.text, "told": user_id})


def reply_for(seen: Seen, surface: str = "action") -> Reply:
    return Reply(
        surface=surface,  # type: ignore[arg-type]  # a str from the parametrize ids
        ack=AsyncAck(),  # type: ignore[no-untyped-call]  # Bolt leaves it untyped
        respond=seen.respond,
        tell=seen.tell,
        user_id="U0AINO",
        channel_id="C0GENERAL",
        lang="en",
        work=BackgroundWork(),
    )


async def fails_with(error: Exception) -> None:
    raise error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(PollClosed(12), "already closed", id="poll-error"),
        pytest.param(
            TriggerExpired("views.open", "expired_trigger_id"), "click again", id="trigger"
        ),
        pytest.param(SlackError("chat.update", "internal_error"), "Slack didn't", id="slack"),
        pytest.param(RuntimeError("a bug"), "Something went wrong", id="bug"),
    ],
)
async def test_a_failure_is_acked_and_told_to_the_person(error: Exception, expected: str) -> None:
    seen = Seen()
    reply = reply_for(seen)
    await reply.politely(fails_with(error), "handler")
    assert reply.acked
    (told,) = seen.replies
    assert expected in told["text"]
    assert told["replace_original"] is False  # the poll message stays as it is
