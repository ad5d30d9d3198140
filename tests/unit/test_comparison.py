"""Comparing an occurrence with the previous one: the figures, what stays hidden, the lines."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.domain.comparison import Figure, Measure, compare
from bot.domain.model import Poll, Question, QuestionKind
from bot.domain.tally import tally
from bot.slack.blocks import render_summary
from tests.unit.factories import RATING, SINGLE, TEXT, choice, make_poll, rating, respond, text
from tests.unit.test_blocks_limits import check_messages


def text_of(node: Any) -> str:
    """Every string of a block structure, one a line."""
    if isinstance(node, str):
        return node
    values = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    return "\n".join(text_of(value) for value in values)


NPS = Question("Recommend us?", QuestionKind.NPS)
DOTS = Question("Budget?", QuestionKind.DOTS, ("Coffee", "Books"), size=2)


def occurrence(poll_id: int, *questions: Question, anonymous: bool = False) -> Poll:
    poll = make_poll(*questions)
    return dataclasses.replace(poll, id=poll_id, anonymous=anonymous, series_id=1)


def test_each_kind_compares_the_figure_its_summary_shows() -> None:
    questions = (SINGLE, RATING, NPS, DOTS, TEXT)
    before_poll, now_poll = occurrence(1, *questions), occurrence(2, *questions)
    before = tally(
        before_poll,
        [
            respond("U1", choice(0), rating(3), rating(10), choice(0, 1), text("a")),
            respond("U2", choice(1), rating(4), rating(2), choice(0, 0), None),
        ],
        asked=4,
    )
    now = tally(
        now_poll,
        [
            respond("U1", choice(0), rating(4), rating(10), choice(1, 1), None),
            respond("U2", choice(0), rating(5), rating(9), choice(0, 1), None),
            respond("U3", choice(2), rating(4), rating(10), choice(1, 1), None),
        ],
        asked=4,
    )
    comparison = compare(before_poll, before, now_poll, now, threshold=3)
    assert (comparison.rate_before, comparison.rate_now) == (50.0, 75.0)
    by_position = {q.position: q for q in comparison.questions}
    assert sorted(by_position) == [0, 1, 2, 3]  # free text has no figure
    single = by_position[0]
    assert single.measure is Measure.COUNT
    assert single.figures == (
        Figure("Workshop", 1.0, 2.0),
        Figure("Meetup", 0.0, 1.0),
        Figure("Talk", 1.0, 0.0),
    )
    average = by_position[1].figures[0]
    assert (average.before, round(average.now, 2)) == (3.5, 4.33)
    assert by_position[2].figures == (Figure(None, 0.0, 100.0),)
    dots = {f.label: (f.before, round(f.now, 1)) for f in by_position[3].figures}
    assert dots == {"Coffee": (75.0, 16.7), "Books": (25.0, 83.3)}


def test_a_hidden_result_is_never_compared() -> None:
    before_poll = occurrence(1, SINGLE, RATING, anonymous=True)
    now_poll = occurrence(2, SINGLE, RATING, anonymous=True)
    # Last time only two answered: hidden then, so no figure now either.
    few = tally(before_poll, [respond("U1", choice(0), None), respond("U2", choice(1), None)], 9)
    many = tally(now_poll, [respond(f"U{n}", choice(0), None) for n in range(4)], 9)
    assert compare(before_poll, few, now_poll, many, threshold=3).questions == ()
    # Enough answered the poll, but the rating only twice: the choice compares, the rating not.
    rated = [respond(f"U{n}", choice(0), rating(5) if n < 2 else None) for n in range(4)]
    both = tally(now_poll, rated, 9)
    compared = compare(now_poll, both, now_poll, both, threshold=3)
    assert [q.position for q in compared.questions] == [0]
    messages = render_summary(
        now_poll, many, lang="en", comparison=compare(before_poll, few, now_poll, many, threshold=3)
    )
    shown = "\n".join(text_of(m.blocks) for m in messages)
    assert "response rate 22% → 44%" in shown and "Since last time" not in shown


def test_the_summary_says_what_changed_and_links_the_last_one() -> None:
    before_poll, now_poll = occurrence(1, SINGLE, RATING), occurrence(2, SINGLE, RATING)
    before = tally(before_poll, [respond("U1", choice(0), rating(3))], asked=2)
    now = tally(
        now_poll, [respond("U1", choice(0), rating(4)), respond("U2", choice(1), rating(5))], 2
    )
    link = "https://wishbot-test.slack.com/archives/C1/p1"
    comparison = compare(before_poll, before, now_poll, now, threshold=3, previous_link=link)
    shown = "\n".join(
        text_of(m.blocks) for m in render_summary(now_poll, now, lang="en", comparison=comparison)
    )
    assert f"Compared with the last time (<{link}|#1>): response rate 50% → 100%" in shown
    assert "_Since last time:_ Workshop 1 → 1 · Talk 0 → 1 · Meetup 0 → 0" in shown
    assert "_Since last time:_ average 3.0 → 4.5" in shown
    finnish = "\n".join(
        text_of(m.blocks) for m in render_summary(now_poll, now, lang="fi", comparison=comparison)
    )
    assert "keskiarvo 3,0 → 4,5" in finnish


def test_a_comparison_of_many_long_options_keeps_within_block_kit_limits() -> None:
    options = tuple(f"{n:02d} " + "ö" * 72 for n in range(25))
    questions = tuple(
        Question(f"Question {n}?" + "x" * 1900, QuestionKind.MULTI, options) for n in range(5)
    )
    before_poll, now_poll = occurrence(1, *questions), occurrence(2, *questions)
    answers = [choice(*range(25))] * 5
    before = tally(before_poll, [respond(f"U{n}", *answers) for n in range(3)], 50)
    now = tally(now_poll, [respond(f"U{n}", *answers) for n in range(7)], 50)
    comparison = compare(before_poll, before, now_poll, now, threshold=3)
    for lang in ("en", "fi", "sv"):
        messages = check_messages(render_summary(now_poll, now, lang=lang, comparison=comparison))
        shown = "\n".join(text_of(m.blocks) for m in messages)
        assert shown.count("3 → 7") == 125
