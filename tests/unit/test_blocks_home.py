"""The Home tab's renderer: within Slack's limits for any number of polls and any question."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from bot.domain.model import Poll, PollStatus, Question, QuestionKind
from bot.domain.text import encode_typed
from bot.i18n import t
from bot.services.home import (
    MAX_CLOSED_OWN,
    MAX_OPEN_OWN,
    MAX_SERIES,
    MAX_WAITING,
    HomeContent,
    OwnClosedPoll,
    OwnOpenPoll,
)
from bot.slack import ids
from bot.slack.blocks.home import render_home
from slack_emulator.blockkit import validate_view
from tests.unit.factories import make_poll
from tests.unit.test_blocks_limits import check_home_view
from tests.unit.test_series import series

LONG = encode_typed("<!channel> *Which* of these <https://x.example|links> " + "x" * 3000)


def poll(number: int, *, status: PollStatus = PollStatus.OPEN) -> Poll:
    question = Question(LONG, QuestionKind.SINGLE, options=("Yes", "No"))
    base = make_poll(question)
    return dataclasses.replace(
        base, id=number, status=status, opened_at=base.opened_at + timedelta(minutes=number)
    )


def crowded() -> HomeContent:
    link = "https://example.slack.com/archives/C1/p1700000000000100"
    return HomeContent(
        user_id="U1",
        waiting=tuple(poll(n) for n in range(MAX_WAITING)),
        more_waiting=5,
        open_polls=tuple(OwnOpenPoll(poll(100 + n), 3, 40) for n in range(MAX_OPEN_OWN)),
        more_open=7,
        closed_polls=tuple(
            OwnClosedPoll(poll(200 + n, status=PollStatus.CLOSED), link, has_wishes=True)
            for n in range(MAX_CLOSED_OWN)
        ),
        series=tuple(
            dataclasses.replace(series(1), id=n, channel_id="C1") for n in range(MAX_SERIES)
        ),
        more_series=2,
    )


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_a_crowded_home_is_within_block_kit_limits(lang: str) -> None:
    view = render_home(crowded(), lang=lang, command="/wishes")
    check_home_view(view)
    assert validate_view(view, expected="home") == []
    text = str(view)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text  # people's text stays text
    waiting = [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("home.waiting")]
    assert len(waiting) == MAX_WAITING
    stops = [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("home.series.")]
    assert len(stops) == MAX_SERIES
    assert all(b["accessory"]["action_id"] == ids.HOME_STOP_SERIES_ACTION for b in stops)


def test_an_empty_home_says_so_and_still_offers_a_new_poll() -> None:
    empty = HomeContent("U1", (), 0, (), 0, ())
    view = check_home_view(render_home(empty, lang="en", command="/wishes"))
    text = str(view)
    assert "Nothing waiting for your answer" in text
    assert "You have not started any polls yet." in text
    assert ids.HOME_NEW_POLL_ACTION in text


def test_closed_polls_offer_a_vote_on_wishes_only_where_there_are_wishes() -> None:
    closed = poll(5, status=PollStatus.CLOSED)
    content = HomeContent("U1", (), 0, (), 0, (OwnClosedPoll(closed, None, has_wishes=False),))
    text = str(render_home(content, lang="en", command="/wishes"))
    assert ids.OUTCOME_ACTION in text and ids.PRIORITISE_ACTION not in text
    assert "see the summary" not in text  # no link from Slack, no broken link


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_close_on_home_asks_first_as_on_the_poll_message(lang: str) -> None:
    content = HomeContent("U1", (), 0, (OwnOpenPoll(poll(7), 1, 5),), 0, ())
    view = render_home(content, lang=lang, command="/wishes")
    elements = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    (close,) = [e for e in elements if e["action_id"] == ids.CLOSE_ACTION]
    assert close["confirm"]["title"]["text"] == t(lang, "poll.close_confirm.title", poll_id=7)
    assert close["confirm"]["confirm"]["text"] == t(lang, "poll.close_confirm.confirm")
    assert validate_view(view, expected="home") == []


def test_a_series_yet_to_start_is_not_called_no_polls() -> None:
    planned = dataclasses.replace(series(1), id=3, channel_id="C1")
    content = HomeContent("U1", (), 0, (), 0, (), series=(planned,))
    text = str(render_home(content, lang="en", command="/wishes"))
    assert "You have not started any polls yet." not in text
    assert ids.HOME_STOP_SERIES_ACTION in text
