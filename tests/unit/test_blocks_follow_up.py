"""The blocks of the wishes-to-a-vote loop: next steps on the summary's last part, the
follow-up form within Slack's limits, and "Follow-up to #N" on the follow-up's surfaces."""

from __future__ import annotations

import dataclasses
import random
import string
from typing import Any

import pytest

from bot.domain.model import Question, QuestionKind
from bot.domain.tally import PollTally, TextResult
from bot.domain.wishes import Wish, gather_wishes
from bot.i18n import SUPPORTED_LANGUAGES
from bot.services.ports import FollowUpOrigin
from bot.slack import ids
from bot.slack.blocks import render_closed_poll_message, render_poll_message, render_summary
from bot.slack.blocks.follow_up_form import (
    MAX_WISHES_INPUT,
    read_follow_up_metadata,
    render_follow_up_form,
)
from bot.slack.blocks.follow_up_notes import render_follow_up_link, render_next_steps
from tests.unit.factories import SINGLE, TEXT, make_poll
from tests.unit.test_blocks_limits import check_messages, check_view
from tests.unit.test_blocks_summary import text_result

LINK = "https://example.slack.com/archives/C1/p1700000000000100"


def has_buttons(blocks: Any) -> bool:
    return any(b.get("block_id") == ids.NEXT_STEPS_BLOCK for b in blocks)


def test_one_part_summary_of_wishes_ends_in_the_next_steps() -> None:
    poll = make_poll(TEXT)
    (message,) = check_messages(
        render_summary(poll, PollTally(5, 2, (text_result("Tea", "Cake"),)), lang="en")
    )
    assert has_buttons(message.blocks[-1:])
    values = {e["value"] for e in message.blocks[-1]["elements"]}
    assert values == {str(poll.id)}
    action_ids = [e["action_id"] for e in message.blocks[-1]["elements"]]
    assert action_ids == [ids.PRIORITISE_ACTION, ids.OUTCOME_ACTION]


def test_a_long_summary_carries_the_next_steps_on_its_last_part_only() -> None:
    rng = random.Random(7)
    answers = [
        "".join(rng.choice(string.ascii_lowercase + " ") for _ in range(500)) for _ in range(150)
    ]
    poll = make_poll(TEXT)
    tally = PollTally(200, 150, (TextResult(TEXT, 150, tuple(answers)),))
    messages = check_messages(render_summary(poll, tally, lang="en"))
    assert len(messages) > 1
    assert [has_buttons(m.blocks) for m in messages] == [False] * (len(messages) - 1) + [True]
    assert all(len(m.blocks) <= 50 for m in messages)


def test_a_choice_poll_without_suggestions_has_no_next_steps() -> None:
    poll = make_poll(SINGLE)
    (message,) = render_summary(poll, PollTally(5, 0, (text_result(),)), lang="en")
    assert not has_buttons(message.blocks)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_next_steps_ephemeral_has_both_buttons(lang: str) -> None:
    (message,) = check_messages([render_next_steps(make_poll(TEXT), lang=lang)])
    assert has_buttons(message.blocks)


@pytest.mark.parametrize("link", [LINK, None], ids=["linked", "no-link"])
def test_follow_up_surfaces_name_their_origin(link: str | None) -> None:
    poll = dataclasses.replace(
        make_poll(Question("Which matter most?", QuestionKind.SINGLE, ("Tea", "Cake"))),
        id=13,
        follow_up_of=12,
    )
    origin = FollowUpOrigin(12, link)
    expected = f"Follow-up to <{LINK}|#12>" if link else "Follow-up to #12"
    shown = [
        render_poll_message(poll, answered=0, asked=5, lang="en", origin=origin),
        render_closed_poll_message(poll, answered=0, asked=5, lang="en", origin=origin),
        *render_summary(poll, PollTally(5, 0, (text_result(),)), lang="en", origin=origin),
    ]
    for message in check_messages(shown[:3]):
        assert expected in str(message.blocks)


def test_follow_up_link_in_the_original_thread() -> None:
    original = make_poll(TEXT)
    follow_up = dataclasses.replace(original, id=13, follow_up_of=original.id)
    (message,) = check_messages([render_follow_up_link(original, follow_up, LINK, lang="fi")])
    assert f"<{LINK}|kysely #13>" in str(message.blocks)


def test_follow_up_form_is_a_valid_view_pre_filled_with_the_wishes() -> None:
    original = make_poll(TEXT)
    wishes = gather_wishes(["Tea\nCake", "tea", "Ask <@U0BOB|bob> &amp; co"])
    view = check_view(dict(render_follow_up_form(original, wishes, lang="en")))
    wishes_block = next(
        b for b in view["blocks"] if b.get("block_id") == ids.FOLLOW_UP_WISHES_BLOCK
    )
    assert wishes_block["element"]["initial_value"] == "Tea\nCake\nAsk @bob & co"
    assert read_follow_up_metadata(view["private_metadata"]) == (original.id, original.channel_id)


def test_a_wish_list_longer_than_the_input_keeps_the_most_frequent() -> None:
    wishes = [Wish(f"{n:02d} " + "w" * 72, f"{n:02d} " + "w" * 72, 60 - n) for n in range(60)]
    view = check_view(dict(render_follow_up_form(make_poll(TEXT), wishes, lang="en")))
    block = next(b for b in view["blocks"] if b.get("block_id") == ids.FOLLOW_UP_WISHES_BLOCK)
    lines = block["element"]["initial_value"].split("\n")
    assert len(block["element"]["initial_value"]) <= MAX_WISHES_INPUT
    assert lines == [w.text for w in wishes[: len(lines)]]
    assert f"{60 - len(lines)} more wishes did not fit" in str(view["blocks"][0])


@pytest.mark.parametrize("metadata", ["", "nonsense", "[1]", '{"poll_id": "1"}'])
def test_foreign_metadata_reads_as_no_poll(metadata: str) -> None:
    assert read_follow_up_metadata(metadata)[0] == 0
