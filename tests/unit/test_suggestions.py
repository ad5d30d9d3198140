"""Suggested options in the pure core and the renderers: likeness, parsing, fingerprints, and
Block Kit limits of an open poll at its largest."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.commands import RemoveOptionCommand, parse_command
from bot.domain.likeness import same_wish_key
from bot.domain.model import MAX_OPTIONS, OptionSuggestion, Poll, Question, QuestionKind
from bot.domain.suggestions import (
    OptionsCheck,
    accepts_suggestions,
    existing_like,
    form_check,
    vote_check,
)
from bot.domain.text import encode_typed
from bot.i18n import SUPPORTED_LANGUAGES, t
from bot.slack import ids
from bot.slack.blocks import render_help, render_poll_message, render_summary
from bot.slack.blocks.answer_form import render_answer_modal
from bot.slack.blocks.suggest_form import render_suggest_modal
from bot.slack.payloads import parse_answer_metadata, parse_vote_button, read_suggest_form
from tests.unit.factories import make_poll, parse_error, parse_new_poll
from tests.unit.test_blocks_limits import check_message, check_view

# The one rule for "the same wish" (bot.domain.likeness): tests/unit/test_wishes.py and
# test_outcome.py check that follow-up wishes and outcome items follow these same pairs.
SAME_WISHES = [
    pytest.param("Pizza", "pizza", id="case"),
    pytest.param("Pizza", " PIZZA! ", id="spaces-and-punctuation"),
    pytest.param("Escape room", "escape-room", id="hyphen"),
    pytest.param("Escape room", "EscapeRoom", id="no-space"),
    pytest.param("Café", "CAFÉ.", id="accent-and-dot"),
    pytest.param("Straße", "STRASSE", id="casefold-sharp-s"),
    pytest.param("Tea &amp; cake", "tea&amp;cake", id="stored-ampersand"),
    pytest.param("Sauna, please", "sauna please", id="comma"),
    pytest.param("１２３", "123", id="full-width-digits"),
    pytest.param("Ask <@U0BOB|bob>", "ask bob", id="mention-as-its-name"),
    pytest.param("🍕", " 🍕 ", id="emoji-only-spaces"),
]
DIFFERENT_WISHES = [
    pytest.param("Pizza", "Pizzas", id="plural"),
    pytest.param("Cafe", "Café", id="accent-matters"),
    pytest.param(":)", ":(", id="emoticons"),
    pytest.param("!!", "?", id="punctuation-only"),
    pytest.param("A1", "A2", id="digits"),
    pytest.param("🍕", "🍣", id="emoji-only"),
]


@pytest.mark.parametrize(("first", "second"), SAME_WISHES)
def test_same_wish_key_ignores_case_spaces_and_punctuation(first: str, second: str) -> None:
    assert same_wish_key(first) == same_wish_key(second)


@pytest.mark.parametrize(("first", "second"), DIFFERENT_WISHES)
def test_same_wish_key_keeps_different_wishes_apart(first: str, second: str) -> None:
    assert same_wish_key(first) != same_wish_key(second)


@pytest.mark.parametrize(("first", "second"), SAME_WISHES)
def test_a_suggestion_like_an_option_by_the_one_rule_is_found(first: str, second: str) -> None:
    assert existing_like(("Bowling", first), second) == 1


@pytest.mark.parametrize(("first", "second"), DIFFERENT_WISHES)
def test_a_suggestion_unlike_every_option_is_new(first: str, second: str) -> None:
    assert existing_like(("Bowling", first), second) is None


@given(st.text(), st.sampled_from(["", " ", "!", ".", "  ?? ", "-"]))
def test_same_wish_key_is_blind_to_added_spaces_and_punctuation(text: str, extra: str) -> None:
    if not same_wish_key(text).isalnum():
        return  # text of punctuation only keeps its punctuation as its key
    assert same_wish_key(extra + text + extra) == same_wish_key(text)


def test_existing_like_names_the_option_a_suggestion_equals() -> None:
    assert existing_like(("Escape room", "Bowling"), "  bowling!! ") == 1
    assert existing_like(("Escape room", "Bowling"), "Billiards") is None


@pytest.mark.parametrize("word", ["open", "avoin", "OPEN"])
def test_open_keyword_lets_people_suggest(word: str) -> None:
    question = parse_new_poll(f'"Lunch?" "Pizza" "Sushi" {word}').questions[0]
    assert question.open and question.kind is QuestionKind.SINGLE


def test_open_keyword_works_with_multiple_choice() -> None:
    question = parse_new_poll('"Snacks?" "Fruit" "Nuts" multi avoin').questions[0]
    assert question.open and question.kind is QuestionKind.MULTI


@pytest.mark.parametrize(
    "text", ['"Wishes?" open', '"How was it?" rating open'], ids=["free-text", "rating"]
)
def test_open_keyword_is_refused_without_choices(text: str) -> None:
    assert parse_error(text).message_key == "error.open_needs_choices"


def test_open_twice_is_a_duplicate_keyword() -> None:
    assert parse_error('"Q?" "A" "B" open avoin').message_key == "error.duplicate_keyword"


@pytest.mark.parametrize(
    ("kind", "accepted"),
    [
        (kind, kind in {QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.DOTS})
        for kind in QuestionKind
    ],
    ids=[kind.value for kind in QuestionKind],
)
def test_only_single_multi_and_dots_take_suggestions(kind: QuestionKind, accepted: bool) -> None:
    assert accepts_suggestions(kind) is accepted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("remove-option 12 3", RemoveOptionCommand(12, option_number=3)),
        ("poista-vaihtoehto #12 3", RemoveOptionCommand(12, option_number=3)),
        ("REMOVE-OPTION 4 2.5", RemoveOptionCommand(4, option_number=5, question_number=2)),
    ],
    ids=["english", "finnish-with-hash", "question-and-option"],
)
def test_remove_option_command_reads_poll_and_option(
    text: str, expected: RemoveOptionCommand
) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("remove-option", "error.missing_poll_id"),
        ("remove-option 12", "error.missing_option_number"),
        ("remove-option 12 zero", "error.bad_option_number"),
        ("remove-option 12 0", "error.bad_option_number"),
        ("remove-option 12 0.3", "error.bad_option_number"),
        ("remove-option 12 3 4", "error.unknown_keyword"),
    ],
    ids=["no-poll", "no-option", "not-a-number", "zero", "question-zero", "extra-word"],
)
def test_remove_option_command_refuses_bad_numbers(text: str, key: str) -> None:
    assert parse_error(text).message_key == key


def open_poll(*options: str, kind: QuestionKind = QuestionKind.SINGLE) -> Poll:
    return make_poll(Question("Lunch?", kind, tuple(options), open=True))


def test_a_check_holds_after_an_addition_and_breaks_after_a_removal() -> None:
    poll = open_poll("Pizza", "Sushi", "Tacos")
    check = form_check(poll)
    assert OptionsCheck.from_token(check.token()) == check
    assert check.holds_for([("Pizza", "Sushi", "Tacos", "Burgers")])
    assert not check.holds_for([("Pizza", "Tacos")])
    assert not check.holds_for([("Pizza", "Sushi", "Burgers")])
    assert not check.holds_for([("Pizza", "Sushi", "Tacos"), ()])


def test_a_vote_check_covers_the_options_up_to_the_clicked_one() -> None:
    poll = open_poll("Pizza", "Sushi", "Tacos")
    sushi = vote_check(poll, 1)
    assert sushi.holds_for([("Pizza", "Sushi")])  # Tacos removed: Sushi is still 2
    assert not vote_check(poll, 2).holds_for([("Pizza", "Sushi", "Burgers")])


def test_vote_buttons_of_an_open_poll_carry_the_fingerprint_and_parse_back() -> None:
    poll = open_poll("Pizza", "Sushi")
    message = render_poll_message(poll, answered=0, asked=3, lang="en")
    values = [
        element["value"]
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith(ids.VOTE_ACTION)
    ]
    assert [parse_vote_button(value)[:2] for value in values] == [(1, 0), (1, 1)]
    assert parse_vote_button(values[1])[2] == vote_check(poll, 1)
    assert parse_vote_button("1:1") == (1, 1, None)  # a poll without suggestions as before


def test_answer_form_metadata_carries_the_check_only_for_open_polls() -> None:
    poll = open_poll("Pizza", "Sushi", kind=QuestionKind.MULTI)
    view = render_answer_modal(poll, previous=None, lang="en")
    assert parse_answer_metadata(view["private_metadata"]) == (1, form_check(poll))
    closed_list = make_poll(Question("Lunch?", QuestionKind.MULTI, ("Pizza", "Sushi")))
    plain = render_answer_modal(closed_list, previous=None, lang="en")
    assert parse_answer_metadata(plain["private_metadata"]) == (1, None)


def biggest_open_poll(anonymous: bool) -> Poll:
    """25 options of 75 characters, 23 of them suggested, with characters Slack escapes."""
    options = tuple(encode_typed(f"{n:02d} <&> " + "x" * 67) for n in range(MAX_OPTIONS))
    suggestions = tuple(OptionSuggestion(n, "U0SUGGESTER") for n in range(2, MAX_OPTIONS))
    question = Question("Which?", QuestionKind.SINGLE, options, open=True, suggestions=suggestions)
    return dataclasses.replace(make_poll(question), anonymous=anonymous)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_an_open_poll_with_25_long_options_fits_a_message(lang: str) -> None:
    poll = biggest_open_poll(anonymous=False)
    message = check_message(render_poll_message(poll, answered=3, asked=9, lang=lang))
    buttons = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(buttons) == MAX_OPTIONS + 2  # the options, Suggest an option, Close
    assert t(lang, "poll.button.suggest") in str(message.blocks)
    assert "U0SUGGESTER" not in str(message.blocks)  # the poll message never names anyone


def several_open_questions() -> Poll:
    questions = [
        Question(f"Question {n} " + "q" * 1900, QuestionKind.MULTI, ("A", "B"), open=True)
        for n in range(1, 5)
    ]
    questions.append(Question("Anything else?", QuestionKind.TEXT))
    return make_poll(*questions)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_the_suggest_modal_fits_slack_and_lets_the_person_pick_the_question(lang: str) -> None:
    poll = several_open_questions()
    view = check_view(render_suggest_modal(poll, lang=lang))
    inputs = {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}
    assert inputs[ids.SUGGEST_TEXT_BLOCK]["element"]["max_length"] == 75
    picker = inputs[ids.SUGGEST_QUESTION_BLOCK]["element"]
    assert [o["value"] for o in picker["options"]] == ["0", "1", "2", "3"]
    state: dict[str, Any] = {
        ids.SUGGEST_QUESTION_BLOCK: {
            ids.SUGGEST_ELEMENT: {"type": "static_select", "selected_option": {"value": "2"}}
        },
        ids.SUGGEST_TEXT_BLOCK: {
            ids.SUGGEST_ELEMENT: {"type": "plain_text_input", "value": " Tea & cake "}
        },
    }
    assert read_suggest_form(poll, state) == (2, "Tea &amp; cake")
    # A question that does not take suggestions cannot be picked by a forged value.
    state[ids.SUGGEST_QUESTION_BLOCK][ids.SUGGEST_ELEMENT]["selected_option"]["value"] = "4"
    assert read_suggest_form(poll, state)[0] == 0


def test_the_suggest_modal_of_one_open_question_asks_only_for_the_text() -> None:
    view = check_view(render_suggest_modal(open_poll("Pizza", "Sushi"), lang="fi"))
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        ids.SUGGEST_TEXT_BLOCK
    ]


def test_summary_names_the_suggester_only_when_known() -> None:
    from bot.domain.tally import tally
    from tests.unit.factories import choice, respond

    named = biggest_open_poll(anonymous=False)
    responses = [respond(f"U{n}", choice(2)) for n in range(3)]
    text = str([m.blocks for m in render_summary(named, tally(named, responses, 5), lang="en")])
    assert "suggested by <@U0SUGGESTER>" in text
    # An anonymous poll's store never says who (by is None): only that it was suggested.
    hidden = dataclasses.replace(
        named,
        anonymous=True,
        questions=(
            dataclasses.replace(
                named.questions[0],
                suggestions=tuple(OptionSuggestion(n, None) for n in range(2, MAX_OPTIONS)),
            ),
        ),
    )
    text = str([m.blocks for m in render_summary(hidden, tally(hidden, responses, 5), lang="fi")])
    assert "U0SUGGESTER" not in text and t("fi", "summary.suggested") in text


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_help_mentions_open_and_remove_option(lang: str) -> None:
    text = str(render_help(lang=lang, command="/wishes").blocks)
    keyword, verb = {
        "en": ("`open`", "remove-option"),
        "fi": ("`avoin`", "poista-vaihtoehto"),
        "sv": ("`öppen`", "ta-bort-alternativ"),
    }[lang]
    assert keyword in text and verb in text
