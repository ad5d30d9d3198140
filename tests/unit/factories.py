"""Small builders of polls and answers shared by the unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.commands import NewPollCommand, parse_command
from bot.domain.errors import InvalidPollInput
from bot.domain.model import (
    Audience,
    Poll,
    PollDraft,
    PollStatus,
    Question,
    QuestionAnswer,
    QuestionKind,
    Response,
)

SINGLE = Question("Which event?", QuestionKind.SINGLE, ("Workshop", "Talk", "Meetup"))
MULTI = Question("Which topics?", QuestionKind.MULTI, ("API", "UI", "Docs"))
RATING = Question("How was it?", QuestionKind.RATING)
TEXT = Question("Anything else?", QuestionKind.TEXT)
OPENED = datetime(2026, 1, 5, 9, tzinfo=UTC)


def make_poll(*questions: Question) -> Poll:
    return Poll(
        id=1,
        team_id="T1",
        channel_id="C1",
        organiser_id="U0",
        language="en",
        questions=questions,
        anonymous=False,
        audience=Audience(),
        opened_at=OPENED,
        closes_at=OPENED + timedelta(days=3),
        remind_every=None,
        status=PollStatus.OPEN,
    )


def choice(*indexes: int) -> QuestionAnswer:
    return QuestionAnswer(choices=indexes)


def rating(value: int) -> QuestionAnswer:
    return QuestionAnswer(rating=value)


def text(value: str) -> QuestionAnswer:
    return QuestionAnswer(text=value)


def respond(person: str, *answers: QuestionAnswer | None) -> Response:
    return Response(person, answers)


def only_question(draft: PollDraft | None) -> Question:
    assert draft is not None
    return draft.questions[0]


def parse_new_poll(text: str) -> PollDraft:
    command = parse_command(text)
    assert isinstance(command, NewPollCommand)
    assert command.draft is not None
    return command.draft


def parse_error(text: str) -> InvalidPollInput:
    with pytest.raises(InvalidPollInput) as caught:
        parse_command(text)
    return caught.value
