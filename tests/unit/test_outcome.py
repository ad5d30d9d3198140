"""You said, we did, in the pure core and the renderers: items, grouping, order, limits."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from bot.domain.model import Question, QuestionAnswer, QuestionKind, Response
from bot.domain.outcome import (
    AskedFacts,
    Decision,
    OutcomeStatus,
    SupportedItem,
    SupportUnit,
    apply_decisions,
    build_report,
    in_report_order,
    outcome_items,
    supported_items,
    with_wishes_in_full,
)
from bot.domain.tally import tally
from bot.domain.text import encode_typed, plain
from bot.domain.wishes import gather_wishes, poll_wishes
from bot.i18n import SUPPORTED_LANGUAGES
from bot.services.outcomes import OutcomeForm
from bot.slack import ids
from bot.slack.blocks import render_outcome_form, render_outcome_report
from bot.slack.blocks.outcome import MAX_FORM_ITEMS
from tests.unit.factories import OPENED, RATING, SINGLE, TEXT, choice, make_poll
from tests.unit.test_blocks_limits import check_message, check_view
from tests.unit.test_suggestions import DIFFERENT_WISHES, SAME_WISHES


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


@pytest.mark.parametrize(("first", "second"), SAME_WISHES)
def test_free_text_items_merge_by_the_one_rule(first: str, second: str) -> None:
    free = make_poll(TEXT)
    items = outcome_items(free, tally(free, texts(first, second, "Tea"), 5))
    assert [(i.full_text, i.support) for i in items] == [(first.strip(), 2), ("Tea", 1)]


@pytest.mark.parametrize(("first", "second"), DIFFERENT_WISHES)
def test_free_text_items_unlike_by_the_one_rule_stay_apart(first: str, second: str) -> None:
    free = make_poll(TEXT)
    items = outcome_items(free, tally(free, texts(first, second), 5))
    assert [i.support for i in items] == [1, 1]


def test_free_text_items_are_the_follow_up_forms_wishes() -> None:
    free = make_poll(TEXT)
    long = "A longer lunch break on Fridays so that we can go out and eat somewhere nice"
    answers = texts("- More coffee\n- Quiet room", "more coffee!", "1. Plants\n2. quiet-room", long)
    current = tally(free, answers, 5)
    items = outcome_items(free, current)
    wishes = poll_wishes(free, current)
    assert [(i.text, i.full_text, i.support) for i in items] == [
        (w.text, w.full_text, w.count) for w in wishes
    ]
    assert [(i.text, i.support) for i in items][:3] == [
        ("More coffee", 2),
        ("Quiet room", 2),
        ("Plants", 1),
    ]
    assert items[-1].full_text == long and items[-1].text.endswith("…")
    assert {i.unit for i in items} == {SupportUnit.WISHES}


def test_a_follow_up_votes_items_keep_the_full_text_of_a_shortened_wish() -> None:
    long = "A longer lunch break on Fridays so that we can go out and eat somewhere nice together"
    wishes = gather_wishes(["Coffee", long])
    short = wishes[1].text
    items = [
        SupportedItem(short, short, 4, SupportUnit.DOTS),
        SupportedItem("Coffee", "Coffee", 2, SupportUnit.DOTS),
        # Reworded by the organiser: no longer the wish, so its own words are kept.
        SupportedItem("A longer lunch break", "A longer lunch break", 1, SupportUnit.DOTS),
    ]
    restored = with_wishes_in_full(items, wishes)
    assert [(i.text, i.full_text, i.support) for i in restored] == [
        (short, long, 4),
        ("Coffee", "Coffee", 2),
        ("A longer lunch break", "A longer lunch break", 1),
    ]


def test_a_shortened_wish_with_a_mention_and_an_entity_is_found_as_the_form_sent_it_back() -> None:
    long = "Lunch &amp; games with <@U0BOSS> on Fridays, so that we can actually all get to know"
    (wish,) = gather_wishes([long + " each other"])
    assert wish.shortened
    # The form showed the wish as read (@U0BOSS, &) and stored what came back.
    option = encode_typed(plain(wish.text))
    (item,) = with_wishes_in_full([SupportedItem(option, option, 3, SupportUnit.DOTS)], [wish])
    assert item.full_text == long + " each other"


def test_dot_vote_items_follow_the_dots_and_rank_items_the_points() -> None:
    dots = make_poll(Question("Budget?", QuestionKind.DOTS, ("Coffee", "Books", "Games"), size=3))
    answers = [
        Response("U1", (QuestionAnswer(choices=(1, 1, 2)),)),
        Response("U2", (QuestionAnswer(choices=(1, 2, 2)),)),
    ]
    items = outcome_items(dots, tally(dots, answers, 5))
    assert [(i.text, i.support, i.unit) for i in items] == [
        ("Books", 3, SupportUnit.DOTS),
        ("Games", 3, SupportUnit.DOTS),
        ("Coffee", 0, SupportUnit.DOTS),
    ]
    rank = make_poll(Question("Food?", QuestionKind.RANK, ("Pizza", "Sushi", "Tacos"), size=2))
    answers = [
        Response("U1", (QuestionAnswer(choices=(1, 0)),)),
        Response("U2", (QuestionAnswer(choices=(2, 1)),)),
    ]
    items = outcome_items(rank, tally(rank, answers, 5))
    assert [(i.text, i.support, i.unit) for i in items] == [
        ("Sushi", 3, SupportUnit.POINTS),
        ("Tacos", 2, SupportUnit.POINTS),
        ("Pizza", 1, SupportUnit.POINTS),
    ]


def test_a_rating_or_score_has_no_items_and_the_next_question_gives_them() -> None:
    nps = Question("Recommend us?", QuestionKind.NPS)
    poll = make_poll(RATING, nps, SINGLE)
    answers = [Response("U1", (QuestionAnswer(rating=4), QuestionAnswer(rating=9), choice(1)))]
    current = tally(poll, answers, 5)
    assert [supported_items(result) for result in current.results[:2]] == [[], []]
    assert [i.text for i in outcome_items(poll, current)] == ["Talk", "Workshop", "Meetup"]
    assert outcome_items(make_poll(RATING, nps), tally(make_poll(RATING, nps), answers, 5)) == []


@pytest.mark.parametrize(
    ("unit", "support", "en", "fi"),
    [
        (SupportUnit.DOTS, 12, "Books – 12 dots", "Books – 12 pistettä"),
        (SupportUnit.DOTS, 1, "Books – 1 dot", "Books – 1 piste"),
        (SupportUnit.POINTS, 9, "Books – 9 points", "Books – 9 pistettä"),
        (SupportUnit.POINTS, 1, "Books – 1 point", "Books – 1 piste"),
    ],
)
def test_the_report_names_dots_and_points(
    unit: SupportUnit, support: int, en: str, fi: str
) -> None:
    poll = make_poll(Question("Budget?", QuestionKind.DOTS, ("Books", "Games"), size=3))
    item = SupportedItem("Books", "Books", support, unit)
    report = build_report(poll, _facts(), apply_decisions([item], ()))
    assert en in str(render_outcome_report(report, lang="en").blocks)
    assert fi in str(render_outcome_report(report, lang="fi").blocks)
    form = OutcomeForm(poll=poll, items=tuple(apply_decisions([item], ())), reported=False)
    assert en.replace(" – ", " (") + ")" in str(render_outcome_form(form, lang="en")["blocks"])


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


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
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


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
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
