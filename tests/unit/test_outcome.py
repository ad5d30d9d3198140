"""You said, we did, in the pure core and the renderers: items, grouping, order, limits."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from bot.domain.model import Question, QuestionAnswer, QuestionKind, Response
from bot.domain.outcome import (
    MAX_ITEM_TEXT,
    AskedFacts,
    Decision,
    OutcomeStatus,
    apply_decisions,
    build_report,
    group_wishes,
    in_report_order,
    outcome_items,
    short_item_text,
)
from bot.domain.tally import tally
from bot.services.outcomes import OutcomeForm
from bot.slack import ids
from bot.slack.blocks import render_outcome_form, render_outcome_report
from bot.slack.blocks.outcome import MAX_FORM_ITEMS
from tests.unit.factories import OPENED, SINGLE, TEXT, make_poll
from tests.unit.test_blocks_limits import check_message, check_view


def texts(*answers: str) -> list[Response]:
    return [
        Response(respondent=f"U{i}", answers=(QuestionAnswer(text=a),))
        for i, a in enumerate(answers)
    ]


def choices(*picks: int) -> list[Response]:
    return [
        Response(respondent=f"U{i}", answers=(QuestionAnswer(choices=(p,)),))
        for i, p in enumerate(picks)
    ]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (["Coffee", "coffee!", " COFFEE ", "Tea"], [("Coffee", 3), ("Tea", 1)]),
        (["Tea", "Coffee", "coffee"], [("Coffee", 2), ("Tea", 1)]),
        (["Work-shop", "workshop", "Talk"], [("Work-shop", 2), ("Talk", 1)]),
        (["!!!", "  "], []),
    ],
    ids=["case-and-punctuation", "most-frequent-first", "hyphen", "nothing-left"],
)
def test_wishes_are_grouped_ignoring_case_spaces_and_punctuation(
    answers: list[str], expected: list[tuple[str, int]]
) -> None:
    assert group_wishes(answers) == expected


def test_long_items_are_cut_at_a_word_and_marked() -> None:
    long = "A quiet room for calls " * 10
    short = short_item_text(long)
    assert len(short) <= MAX_ITEM_TEXT and short.endswith("…") and " cal…" not in short
    assert short_item_text("&amp;" * 40).count("&") == short_item_text("&amp;" * 40).count(";")


def test_choice_items_follow_the_result_and_text_items_the_groups() -> None:
    poll = make_poll(SINGLE)
    items = outcome_items(poll, tally(poll, choices(1, 2, 2), 5))
    assert [(i.text, i.support) for i in items] == [("Meetup", 2), ("Talk", 1), ("Workshop", 0)]
    free = make_poll(TEXT)
    items = outcome_items(free, tally(free, texts("Tea", "Coffee", "coffee"), 5))
    assert [(i.text, i.support) for i in items] == [("Coffee", 2), ("Tea", 1)]


def test_an_anonymous_poll_with_too_few_answers_shows_no_wish_and_no_support() -> None:
    free = dataclasses.replace(make_poll(TEXT), anonymous=True)
    assert outcome_items(free, tally(free, texts("Tea", "Coffee"), 5)) == []
    poll = dataclasses.replace(make_poll(SINGLE), anonymous=True)
    items = outcome_items(poll, tally(poll, choices(2, 2), 5))
    assert [(i.text, i.support) for i in items] == [
        ("Workshop", None),
        ("Talk", None),
        ("Meetup", None),
    ]


def test_we_did_lists_done_then_planned_then_not_now() -> None:
    poll = make_poll(SINGLE)
    items = outcome_items(poll, tally(poll, choices(0, 1, 2, 2), 5))
    decided = apply_decisions(
        items,
        [
            Decision(0, OutcomeStatus.NOT_NOW, None),
            Decision(1, OutcomeStatus.DONE, "yes"),
            Decision(2, OutcomeStatus.PLANNED, None),
        ],
    )
    assert [i.status for i in in_report_order(decided)] == [
        OutcomeStatus.DONE,
        OutcomeStatus.PLANNED,
        OutcomeStatus.NOT_NOW,
    ]


def _facts(poll_id: int = 1) -> AskedFacts:
    return AskedFacts(poll_id, "Anything else?", OPENED, OPENED + timedelta(days=3), 80, 61)


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_a_form_of_many_long_wishes_fits_a_modal_and_says_how_many_were_left_out(
    lang: str,
) -> None:
    free = make_poll(TEXT)
    wishes = [f"wish number {n} " + "with a great many words " * 20 for n in range(130)]
    items = apply_decisions(outcome_items(free, tally(free, texts(*wishes), 200)), ())
    form = OutcomeForm(poll=free, items=tuple(items), reported=True)
    view = check_view(render_outcome_form(form, lang=lang))
    assert len(view["blocks"]) <= 100
    statuses = [b for b in view["blocks"] if b.get("block_id", "").startswith("outcome.status")]
    assert len(statuses) == MAX_FORM_ITEMS
    assert str(130 - MAX_FORM_ITEMS) in str(view["blocks"])
    assert ids.OUTCOME_TELL_AGAIN_BLOCK in str(view["blocks"])


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_a_report_of_many_long_notes_fits_one_message(lang: str) -> None:
    free = make_poll(TEXT)
    wishes = [f"wish {n} & <more> " + "words " * 40 for n in range(60)]
    items = outcome_items(free, tally(free, texts(*wishes), 100))
    decisions = [
        Decision(n, OutcomeStatus.DONE, "a note & <more> " * 30) for n in range(MAX_FORM_ITEMS)
    ]
    report = build_report(free, _facts(), apply_decisions(items, decisions), original=_facts(0))
    message = check_message(render_outcome_report(report, lang=lang))
    assert "&lt;more&gt;" in str(message.blocks)


def test_a_follow_up_report_names_both_questions() -> None:
    vote = make_poll(Question("Which first?", QuestionKind.SINGLE, ("Coffee", "Tea")))
    original = dataclasses.replace(_facts(7), question="What should we improve?")
    report = build_report(vote, _facts(), [], original=original)
    text = str(render_outcome_report(report, lang="en").blocks)
    assert text.index("What should we improve?") < text.index("Then we voted")
    assert "Nothing has been decided yet." in text
