"""The poll message in the channel, open and closed, in both languages and at extreme sizes."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from bot.domain.model import (
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUESTION_LENGTH,
    MAX_QUESTIONS,
    Poll,
    PollStatus,
    Question,
    QuestionKind,
)
from bot.domain.text import encode_typed
from bot.i18n import SUPPORTED_LANGUAGES
from bot.slack import ids
from bot.slack.blocks import Message, render_closed_poll_message, render_poll_message
from tests.unit.factories import MULTI, RATING, SINGLE, TEXT, make_poll
from tests.unit.test_blocks_limits import all_text, check_message, mrkdwn_texts

DATE_TOKEN = re.compile(r"<!date\^(\d+)\^\{date_short_pretty\} \{time\}\|([^>]+)>")
# Typed literally (so stored escaped): must read exactly like this, never as a token.
INJECTION = encode_typed("<!channel> & <https://evil.example|click> @here")


def poll_of(*questions: Question, **changes: Any) -> Poll:
    return dataclasses.replace(make_poll(*questions), **{"id": 12, **changes})


def elements(message: Message, block_id: str) -> list[dict[str, Any]]:
    return [
        element
        for block in message.blocks
        if block["type"] == "actions" and block["block_id"].startswith(block_id)
        for element in block["elements"]
    ]


def text_of(message: Message) -> str:
    return "\n".join(all_text([message]))


LONG_OPTIONS = tuple(f"{i:02d}" + "x" * (MAX_OPTION_LENGTH - 2) for i in range(MAX_OPTIONS))
POLLS = {
    "one click": poll_of(SINGLE),
    "multi": poll_of(MULTI),
    "rating": poll_of(RATING),
    "text": poll_of(TEXT),
    "five questions": poll_of(SINGLE, MULTI, RATING, TEXT, SINGLE),
    "25 long options": poll_of(Question("Pick", QuestionKind.SINGLE, LONG_OPTIONS)),
    "five longest questions": poll_of(
        *[
            Question("q" * MAX_QUESTION_LENGTH, QuestionKind.MULTI, LONG_OPTIONS)
            for _ in range(MAX_QUESTIONS)
        ]
    ),
    "anonymous": poll_of(SINGLE, anonymous=True),
    "injection": poll_of(
        Question(INJECTION, QuestionKind.SINGLE, (INJECTION, encode_typed("<@U99>")))
    ),
    "huge id": poll_of(SINGLE, id=10**17),
}


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("poll", POLLS.values(), ids=POLLS.keys())
def test_poll_messages_respect_slack_limits(poll: Poll, lang: str) -> None:
    check_message(render_poll_message(poll, answered=3, asked=10**6, lang=lang))
    check_message(render_closed_poll_message(poll, answered=3, asked=10**6, lang=lang))


def test_one_click_poll_has_a_button_per_option_and_a_separate_close() -> None:
    message = render_poll_message(poll_of(SINGLE), answered=0, asked=5, lang="en")
    votes = elements(message, ids.POLL_VOTE_BLOCK)
    assert [vote["text"]["text"] for vote in votes] == list(SINGLE.options)
    assert [vote["value"] for vote in votes] == ["12:0", "12:1", "12:2"]
    assert all(ids.VOTE_ACTION_PATTERN.fullmatch(vote["action_id"]) for vote in votes)
    controls = elements(message, ids.POLL_ACTIONS_BLOCK)
    assert [(c["action_id"], c["value"]) for c in controls] == [(ids.CLOSE_ACTION, "12")]


def test_25_options_of_75_characters_fit_in_one_actions_block() -> None:
    poll = POLLS["25 long options"]
    message = render_poll_message(poll, answered=0, asked=5, lang="en")
    votes = elements(message, ids.POLL_VOTE_BLOCK)
    assert [vote["text"]["text"] for vote in votes] == list(LONG_OPTIONS)
    assert sum(block["type"] == "actions" for block in message.blocks) == 2


@pytest.mark.parametrize("question", [MULTI, RATING, TEXT], ids=["multi", "rating", "text"])
def test_other_polls_have_an_answer_button_that_opens_the_form(question: Question) -> None:
    message = render_poll_message(poll_of(question), answered=0, asked=5, lang="en")
    assert elements(message, ids.POLL_VOTE_BLOCK) == []
    controls = elements(message, ids.POLL_ACTIONS_BLOCK)
    assert [(c["action_id"], c["text"]["text"]) for c in controls] == [
        (ids.OPEN_ANSWER_ACTION, "Answer"),
        (ids.CLOSE_ACTION, "Close poll"),
    ]
    assert "confirm" in controls[1]


def test_several_questions_are_numbered_with_their_kind() -> None:
    message = render_poll_message(poll_of(SINGLE, RATING, TEXT), answered=2, asked=9, lang="en")
    text = text_of(message)
    assert "*1.* Which event?\n_Choose one_" in text
    assert "*2.* How was it?\n_Rate from 1 (poor) to 5 (excellent)_" in text
    assert "*3.* Anything else?\n_Answer in your own words_" in text


def test_poll_message_names_organiser_close_date_id_and_counts() -> None:
    poll = poll_of(SINGLE)
    text = text_of(render_poll_message(poll, answered=3, asked=10, lang="en"))
    assert "Asked by <@U0>" in text
    assert "#12" in text
    assert "3 of 10 answered" in text
    token = DATE_TOKEN.search(text)
    assert token is not None
    unix, fallback = token.groups()
    assert int(unix) == int(poll.closes_at.timestamp())
    assert fallback == "2026-01-08 09:00 UTC"


def test_anonymous_poll_says_what_the_organiser_sees() -> None:
    anonymous = text_of(render_poll_message(POLLS["anonymous"], answered=0, asked=1, lang="en"))
    assert "never who answered what" in anonymous
    named = text_of(render_poll_message(poll_of(SINGLE), answered=0, asked=1, lang="en"))
    assert "can see who answered what" in named


def test_finnish_poll_message_uses_finnish_words() -> None:
    message = render_poll_message(poll_of(MULTI), answered=3, asked=10, lang="fi")
    text = text_of(message)
    assert "Toiveet #12" in text
    assert "vastannut 3/10" in text
    labels = [c["text"]["text"] for c in elements(message, ids.POLL_ACTIONS_BLOCK)]
    assert labels == ["Vastaa", "Sulje kysely"]
    assert "klo 09.00 UTC" in text


def test_user_text_cannot_ping_or_link() -> None:
    message = check_message(render_poll_message(POLLS["injection"], lang="en", answered=0, asked=1))
    text = "\n".join(mrkdwn_texts([message]))
    assert "<!channel>" not in text
    assert "<@U99>" not in text
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in text


def test_closed_poll_has_no_buttons_and_says_closed() -> None:
    poll = poll_of(SINGLE, status=PollStatus.CLOSED, closed_at=make_poll().opened_at)
    message = render_closed_poll_message(poll, answered=4, asked=5, lang="en")
    assert not any(block["type"] == "actions" for block in message.blocks)
    text = text_of(message)
    assert "Closed <!date^" in text
    assert "4 of 5 answered" in text
    assert "(closed)" in message.blocks[0]["text"]["text"]
