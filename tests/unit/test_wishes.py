"""Tests of turning free-text answers and suggested options into the wishes of a follow-up."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.errors import InvalidPollInput
from bot.domain.model import MAX_OPTION_LENGTH, OptionSuggestion, Question, QuestionKind, Response
from bot.domain.tally import tally
from bot.domain.text import plain
from bot.domain.wishes import (
    Wish,
    gather_wishes,
    has_wishes,
    poll_wishes,
    read_wish_list,
    shorten_wish,
    split_wishes,
    wish_lines,
)
from tests.unit.factories import SINGLE, TEXT, make_poll, respond, text
from tests.unit.test_suggestions import DIFFERENT_WISHES, SAME_WISHES


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("More coffee", ["More coffee"]),
        ("More coffee\nQuiet room", ["More coffee", "Quiet room"]),
        ("- coffee\n* tea\n• cake", ["coffee", "tea", "cake"]),
        ("1. coffee\n2) tea\n\n  10. cake  ", ["coffee", "tea", "cake"]),
        ("a) coffee\nb) tea", ["coffee", "tea"]),
        ("*bold* idea", ["*bold* idea"]),
        ("2026 plans", ["2026 plans"]),
        ("-", ["-"]),
        ("\n \n", []),
    ],
    ids=[
        "one",
        "lines",
        "bullets",
        "numbers",
        "letters",
        "bold-not-bullet",
        "number-word",
        "lone-dash",
        "blank",
    ],
)
def test_split_wishes(answer: str, expected: list[str]) -> None:
    assert split_wishes(answer) == expected


def test_near_duplicates_merge_most_frequent_first_ties_first_seen() -> None:
    wishes = gather_wishes(
        [
            "Quiet room",
            "- More coffee\n- Standing desks",
            "more   coffee!",
            "MORE COFFEE.",
            "Standing-desks",
            "Plants",
        ]
    )
    assert [(w.text, w.count) for w in wishes] == [
        ("More coffee", 3),
        ("Standing desks", 2),
        ("Quiet room", 1),
        ("Plants", 1),
    ]


def test_one_person_repeating_a_wish_counts_once() -> None:
    wishes = gather_wishes(["coffee\nCoffee!", "coffee"])
    assert wishes == [Wish("coffee", "coffee", 2)]


def test_suggestions_count_and_merge_with_answers() -> None:
    wishes = gather_wishes(["Tea"], ["Cake", "tea"])
    assert [(w.text, w.count) for w in wishes] == [("Tea", 2), ("Cake", 1)]


def test_emoji_only_wishes_are_kept_apart() -> None:
    wishes = gather_wishes(["🍕", "🍣", "🍕"])
    assert [(w.text, w.count) for w in wishes] == [("🍕", 2), ("🍣", 1)]


def test_long_wish_is_shortened_at_a_word_keeping_the_full_text() -> None:
    long = "We would love " + "a very long " * 10 + "list"
    [wish] = gather_wishes([long])
    assert wish.full_text == long
    assert wish.shortened
    assert wish.text.endswith("…")
    assert len(plain(wish.text)) <= MAX_OPTION_LENGTH
    assert long.startswith(wish.text[:-1])
    assert wish.text[:-1].endswith(("very", "long", "a"))


def test_shortening_counts_what_a_person_reads_and_keeps_mentions_whole() -> None:
    mention = "<@U0BOB|bob>"
    # Stored: 69 readable characters then a mention whose token is much longer than "@bob".
    stored = "x" * 60 + " ask " + mention + " and &amp; more"
    assert len(plain(stored)) > MAX_OPTION_LENGTH
    shortened = shorten_wish(stored)
    assert len(plain(shortened)) <= MAX_OPTION_LENGTH
    assert shortened.count("<") == shortened.count(">")
    assert "&amp" not in shortened or "&amp;" in shortened
    # Readable length fits: the mention counts as "@bob", so a stored text of 80 characters
    # that reads as 70 is not shortened at all.
    fits = "y" * 60 + " " + mention + " ok"
    assert len(fits) > MAX_OPTION_LENGTH and len(plain(fits)) <= MAX_OPTION_LENGTH
    assert shorten_wish(fits) == fits


def test_one_long_word_is_cut_inside_it() -> None:
    shortened = shorten_wish("z" * 200)
    assert shortened == "z" * (MAX_OPTION_LENGTH - 1) + "…"


def test_poll_wishes_from_text_answers_and_suggested_options() -> None:
    suggested = replace(
        SINGLE,
        options=(*SINGLE.options, "Hackathon"),
        open=True,
        suggestions=(OptionSuggestion(3, "U9"),),
    )
    poll = make_poll(TEXT, suggested)
    responses = [respond("U1", text("hackathon!"), None), respond("U2", text("Talks"), None)]
    wishes = poll_wishes(poll, tally(poll, responses, asked=3))
    assert [(w.text, w.count) for w in wishes] == [("hackathon!", 2), ("Talks", 1)]
    assert has_wishes(poll)
    assert not has_wishes(make_poll(SINGLE))


def test_anonymous_question_with_too_few_answers_gives_no_wishes() -> None:
    poll = replace(make_poll(TEXT, Question("Other?", QuestionKind.TEXT)), anonymous=True)
    responses = [
        Response(None, (text("a"), text("secret"))),
        Response(None, (text("b"), None)),
        Response(None, (text("c"), None)),
    ]
    wishes = poll_wishes(poll, tally(poll, responses, asked=5))
    assert [w.text for w in wishes] == ["a", "b", "c"]


def test_wish_lines_are_plain_text() -> None:
    wishes = gather_wishes(["Ask <@U0BOB|bob> &amp; team"])
    assert wish_lines(wishes) == "Ask @bob & team"


def test_read_wish_list_keeps_the_lines() -> None:
    assert read_wish_list("Coffee\n\n- Tea &amp; cake\n") == ("Coffee", "Tea &amp; cake")


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("\n".join(f"wish {i}" for i in range(26)), "error.wishes_too_many", {"remove": 1}),
        ("\n".join(f"wish {i}" for i in range(30)), "error.wishes_too_many", {"remove": 5}),
        ("only one", "error.wishes_too_few", {"min": 2}),
        ("ok\n" + "x" * 76, "error.wish_too_long", {"line": 2}),
        ("Coffee\ncoffee!", "error.wish_twice", {"wish": "coffee!"}),
    ],
    ids=["26", "30", "one", "long", "twice"],
)
def test_read_wish_list_refuses(text: str, key: str, params: dict[str, object]) -> None:
    with pytest.raises(InvalidPollInput) as refused:
        read_wish_list(text)
    assert refused.value.message_key == key
    assert params.items() <= refused.value.params.items()


def test_read_wish_list_counts_what_a_person_reads() -> None:
    assert read_wish_list("a\n" + "&amp;" * 75) == ("a", "&amp;" * 75)


# The same pairs as the one rule's own tests (bot.domain.likeness): a follow-up's wishes merge
# exactly where a suggestion would be refused as already there.
@pytest.mark.parametrize(("first", "second"), SAME_WISHES)
def test_the_same_wish_by_the_one_rule_merges_and_is_refused_twice(first: str, second: str) -> None:
    assert [w.count for w in gather_wishes([first, second])] == [2]
    with pytest.raises(InvalidPollInput) as refused:
        read_wish_list(f"{first}\n{second}")
    assert refused.value.message_key == "error.wish_twice"


@pytest.mark.parametrize(("first", "second"), DIFFERENT_WISHES)
def test_different_wishes_by_the_one_rule_stay_apart(first: str, second: str) -> None:
    assert [w.count for w in gather_wishes([first, second])] == [1, 1]
    assert read_wish_list(f"{first}\n{second}") == (first.strip(), second.strip())
