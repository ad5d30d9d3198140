"""The closing summary and interim results: exact content, anonymity, and no answer ever lost."""

from __future__ import annotations

import dataclasses
import random
import re
import string
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.model import Audience, AudienceKind, Poll, Question, QuestionKind
from bot.domain.tally import (
    ChoiceResult,
    OptionCount,
    PollTally,
    QuestionResult,
    RatingResult,
    TextResult,
)
from bot.slack.blocks import Message, render_interim_results, render_summary
from bot.slack.blocks.text import escape
from tests.unit.factories import MULTI, OPENED, RATING, SINGLE, TEXT, make_poll
from tests.unit.test_blocks_limits import check_messages, mrkdwn_texts

QUOTE_MARK = re.compile(r"^> ", re.MULTILINE)


def poll_of(*questions: Question, **changes: Any) -> Poll:
    return dataclasses.replace(make_poll(*questions), **{"id": 12, **changes})


def choice_result() -> ChoiceResult:
    return ChoiceResult(
        SINGLE,
        10,
        (
            OptionCount(1, "Talk", 6, 60.0),
            OptionCount(0, "Workshop", 3, 30.0),
            OptionCount(2, "Meetup", 1, 10.0),
        ),
    )


def rating_result() -> RatingResult:
    return RatingResult(RATING, 5, 4.2, (0, 0, 1, 2, 2))


def text_result(*texts: str) -> TextResult:
    return TextResult(TEXT, len(texts), texts)


def mixed_tally(responded: int = 12, asked: int = 40) -> PollTally:
    results: tuple[QuestionResult, ...] = (
        choice_result(),
        rating_result(),
        text_result("More <b>docs</b> & examples", "Nothing"),
    )
    return PollTally(asked, responded, results)


MIXED = poll_of(SINGLE, RATING, TEXT)


def joined(messages: list[Message]) -> str:
    return "\n".join(mrkdwn_texts(messages))


def section_texts(messages: list[Message]) -> list[str]:
    return [b["text"]["text"] for m in messages for b in m.blocks if b["type"] == "section"]


def assert_every_answer_in_full(messages: list[Message], answers: list[str]) -> None:
    """Each answer, escaped, appears whole and in order once quote marks and breaks are removed."""
    body = "".join(QUOTE_MARK.sub("", text) for text in section_texts(messages))
    compact = re.sub(r"\s+", "", body)
    position = 0
    for answer in answers:
        found = compact.find(re.sub(r"\s+", "", escape(answer)), position)
        assert found >= 0, f"answer starting {answer[:40]!r} is missing or cut"
        position = found + 1


def words(rng: random.Random, length: int) -> str:
    text = " ".join(
        "".join(rng.choices(string.ascii_letters + "&<>äö😀", k=rng.randint(1, 12)))
        for _ in range(length // 6)
    )
    return text[:length]


def test_summary_shows_counts_shares_and_bars_most_chosen_first() -> None:
    [message] = check_messages(render_summary(MIXED, mixed_tally(), lang="en"))
    text = joined([message])
    assert "*Respondents:* 12 of 40 (30%)" in text
    assert "`██████░░░░` 60% · Talk (6)\n`███░░░░░░░` 30% · Workshop (3)" in text
    assert "`█░░░░░░░░░` 10% · Meetup (1)" in text
    assert "Average *4.2* out of 5 · 5 answered" in text
    assert "`████░░░░░░` 4 \N{EN DASH} good (2)" in text
    assert "> More &lt;b&gt;docs&lt;/b&gt; &amp; examples\n\n> Nothing" in text


def test_summary_explains_the_method_in_one_context_line() -> None:
    [message] = render_summary(MIXED, mixed_tally(), lang="en")
    [method] = [e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"]]
    assert method.startswith("Asked: everyone in <#C1> · 40 asked · open <!date^")
    assert method.endswith("answers were not anonymous; this summary shows no names")


@pytest.mark.parametrize(
    ("audience", "anonymous", "expected"),
    [
        (Audience(AudienceKind.PEOPLE, user_ids=("U1",)), False, "Asked: chosen people"),
        (Audience(sample_size=7), True, "Asked: a random sample of 7"),
    ],
    ids=["people", "sample"],
)
def test_method_names_the_audience(audience: Audience, anonymous: bool, expected: str) -> None:
    poll = poll_of(SINGLE, RATING, TEXT, audience=audience, anonymous=anonymous)
    text = joined(render_summary(poll, mixed_tally(), lang="en"))
    assert expected in text
    assert ("answers were anonymous" in text) is anonymous


def test_finnish_summary_uses_finnish_words_and_decimal_comma() -> None:
    text = joined(check_messages(render_summary(MIXED, mixed_tally(), lang="fi")))
    assert "Kyselyn #12 tulokset" in render_summary(MIXED, mixed_tally(), lang="fi")[0].text
    assert "*Vastaajia:* 12/40 (30 %)" in text
    assert "Keskiarvo *4,2* / 5" in text
    assert "60 % · Talk (6)" in text
    assert "klo 09.00 UTC" in text


@pytest.mark.parametrize("responded", [0, 1, 2])
def test_small_anonymous_poll_shows_only_the_count(responded: int) -> None:
    poll = poll_of(SINGLE, RATING, TEXT, anonymous=True)
    tally = PollTally(40, responded, mixed_tally().results)
    for render in (
        render_summary(poll, tally, lang="en"),
        render_interim_results(poll, tally, lang="en", next_reminder=None, closes_at=OPENED),
    ):
        text = joined(check_messages(render))
        assert f"*Respondents:* {responded} of 40" in text
        assert "at least 3 people have answered" in text
        for hidden in ("Which event?", "Talk", "Average", "Nothing", "docs", "<@U"):
            assert hidden not in text


def test_anonymous_poll_at_the_threshold_shows_results_but_not_a_question_fewer_answered() -> None:
    poll = poll_of(SINGLE, RATING, TEXT, anonymous=True)
    text = joined(render_summary(poll, mixed_tally(responded=3), lang="en"))
    assert "Talk (6)" in text
    # Only two answered the free-text question: its answers could be told apart.
    assert "> Nothing" not in text
    assert "Fewer than 3 people answered this question" in text


def test_named_poll_shows_a_question_answered_by_few() -> None:
    text = joined(render_summary(MIXED, mixed_tally(responded=3), lang="en"))
    assert "> Nothing" in text


def test_questions_nobody_answered_say_so() -> None:
    tally = PollTally(
        5,
        0,
        (
            ChoiceResult(SINGLE, 0, ()),
            RatingResult(RATING, 0, None, (0, 0, 0, 0, 0)),
            text_result(),
        ),
    )
    text = joined(check_messages(render_summary(MIXED, tally, lang="en")))
    assert text.count("No answers to this question.") == 3


def test_150_answers_of_500_characters_all_appear_in_full() -> None:
    rng = random.Random(150)
    answers = [words(rng, 500) for _ in range(150)]
    poll = poll_of(TEXT)
    messages = check_messages(
        render_summary(poll, PollTally(200, 150, (text_result(*answers),)), lang="en")
    )
    assert len(messages) > 1
    assert_every_answer_in_full(messages, answers)
    assert messages[0].blocks[0]["type"] == "header"
    assert "thread" in messages[0].blocks[-1]["elements"][0]["text"]
    for number, message in enumerate(messages[1:], start=2):
        label = message.blocks[0]["elements"][0]["text"]
        assert label == f"Results of poll #12, part {number} of {len(messages)}"
        assert message.blocks[1]["type"] == "context"
        assert "1. Anything else? (continued)" in message.blocks[1]["elements"][0]["text"]


def test_2000_answers_of_3000_characters_all_appear_in_full() -> None:
    rng = random.Random(2000)
    base = [words(rng, 3000) for _ in range(20)]
    # Distinct answers without generating 6 MB of random text: a unique tag starts each.
    answers = [f"#{i:04d} {base[i % 20][6:]}" for i in range(2000)]
    messages = check_messages(
        render_summary(poll_of(TEXT), PollTally(2000, 2000, (text_result(*answers),)), lang="fi")
    )
    assert_every_answer_in_full(messages, answers)


@pytest.mark.parametrize(
    "answer",
    [
        "x" * 7000,
        "ä" * 3001,
        "😀" * 4000,
        "e\u0301" * 2500,
        "&" * 3000,
        "<" * 1000 + ">" * 1000,
        "\n\n".join(["line"] * 900),
    ],
    ids=["no spaces", "umlauts", "emoji", "combining", "ampersands", "brackets", "many lines"],
)
def test_long_answers_are_split_without_loss_or_broken_characters(answer: str) -> None:
    messages = check_messages(
        render_summary(poll_of(TEXT), PollTally(1, 1, (text_result(answer, "end"),)), lang="en")
    )
    assert_every_answer_in_full(messages, [answer, "end"])
    for text in section_texts(messages):
        for line in text.split("\n"):
            assert not line.removeprefix("> ").startswith("\u0301"), "accent torn off its letter"
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), "escape entity cut in two"


def test_ten_thousand_mixed_answers_render_within_limits() -> None:
    rng = random.Random(10_000)
    texts = [words(rng, rng.randint(1, 600)) for _ in range(10_000)]
    tally = PollTally(
        10_000,
        10_000,
        (choice_result(), rating_result(), text_result(*texts)),
    )
    messages = check_messages(render_summary(MIXED, tally, lang="en"))
    assert_every_answer_in_full(messages, texts)


def test_many_options_and_long_questions_stay_within_limits() -> None:
    options = tuple(f"{i:02d}" + "o" * 73 for i in range(25))
    question = Question("q" * 2000, QuestionKind.MULTI, options)
    result = ChoiceResult(
        question, 9, tuple(OptionCount(i, o, 9, 100.0) for i, o in enumerate(options))
    )
    poll = poll_of(*[question] * 5)
    messages = check_messages(render_summary(poll, PollTally(9, 9, (result,) * 5), lang="en"))
    assert joined(messages).count("`██████████` 100% · 24") == 5


def test_interim_results_add_next_reminder_and_close() -> None:
    poll = poll_of(SINGLE, RATING, TEXT, remind_every=timedelta(days=1))
    reminder = OPENED + timedelta(days=1)
    closes = OPENED + timedelta(days=3)
    messages = check_messages(
        render_interim_results(
            poll, mixed_tally(), lang="en", next_reminder=reminder, closes_at=closes
        )
    )
    text = joined(messages)
    assert messages[0].blocks[0]["text"]["text"] == "Results so far, poll #12"
    assert f"Next reminder <!date^{int(reminder.timestamp())}^" in text
    assert f"Closes <!date^{int(closes.timestamp())}^" in text
    assert "Talk (6)" in text
    none = joined(
        render_interim_results(poll, mixed_tally(), lang="fi", next_reminder=None, closes_at=closes)
    )
    assert "Muistutuksia ei ole enää tulossa" in none


def test_summary_answers_carry_no_names() -> None:
    poll = poll_of(MULTI, TEXT)
    tally = PollTally(
        3,
        3,
        (ChoiceResult(MULTI, 3, (OptionCount(0, "API", 3, 100.0),)), text_result("fine")),
    )
    text = joined(render_summary(poll, tally, lang="en"))
    assert "<@" not in text
