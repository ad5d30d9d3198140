"""Dot votes, rankings and NPS in Block Kit: the answer modal within Slack's limits for any size,
read back into answers (with the block to mark when it does not fit), and summaries of 25
long options that Slack accepts."""

from __future__ import annotations

import dataclasses
import string
from typing import Any

import pytest

from bot.domain.errors import InvalidAnswer
from bot.domain.model import (
    ANONYMITY_THRESHOLD,
    MAX_DOTS,
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_PLACES,
    MAX_QUESTIONS,
    Poll,
    Question,
    QuestionAnswer,
    QuestionKind,
    Response,
)
from bot.domain.tally import tally
from bot.i18n import SUPPORTED_LANGUAGES
from bot.slack import ids
from bot.slack.blocks import (
    render_answer_modal,
    render_create_form,
    render_poll_message,
    render_summary,
)
from bot.slack.create_form_input import FormErrors, read_create_form
from bot.slack.payloads import read_answer_form
from tests.unit.factories import make_poll
from tests.unit.test_blocks_limits import check_messages, check_view
from tests.unit.test_payloads import submit

LONG_OPTIONS = tuple(
    (string.ascii_letters[n] * MAX_OPTION_LENGTH)[:MAX_OPTION_LENGTH] for n in range(MAX_OPTIONS)
)


def poll_of(*questions: Question, anonymous: bool = False) -> Poll:
    return dataclasses.replace(make_poll(*questions), id=7, anonymous=anonymous)


def dots_question(
    size: int = 4, options: tuple[str, ...] = ("Coffee", "Books", "Games")
) -> Question:
    return Question("Budget?", QuestionKind.DOTS, options, size=size)


def rank_question(size: int = 3) -> Question:
    return Question("Food?", QuestionKind.RANK, ("Pizza", "Sushi", "Tacos", "Curry"), size=size)


NPS = Question("Recommend us?", QuestionKind.NPS)


def selected(value: str | None) -> dict[str, Any]:
    option = (
        None if value is None else {"text": {"type": "plain_text", "text": value}, "value": value}
    )
    return {ids.ANSWER_ELEMENT: {"type": "static_select", "selected_option": option}}


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize(
    ("kind", "size"),
    [(QuestionKind.DOTS, MAX_DOTS), (QuestionKind.RANK, MAX_PLACES), (QuestionKind.NPS, None)],
)
def test_five_largest_questions_of_each_kind_fit_the_modal(
    kind: QuestionKind, size: int | None, lang: str
) -> None:
    options = LONG_OPTIONS if kind.has_options else ()
    question = Question("Q" * 2000, kind, options, size=size)
    poll = poll_of(*[question] * MAX_QUESTIONS)
    view = check_view(render_answer_modal(poll, previous=None, lang=lang))
    assert len(view["blocks"]) <= 100


def test_a_dot_vote_is_a_select_of_0_to_n_per_option_prefilled() -> None:
    poll = poll_of(dots_question())
    previous = Response("U1", (QuestionAnswer(choices=(0, 0, 2)),))
    view = check_view(render_answer_modal(poll, previous=previous, lang="en"))
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["label"]["text"] for b in inputs] == ["Coffee", "Books", "Games"]
    assert [o["value"] for o in inputs[0]["element"]["options"]] == ["0", "1", "2", "3", "4"]
    assert [b["element"].get("initial_option", {}).get("value") for b in inputs] == ["2", None, "1"]


def test_dots_are_read_back_and_over_budget_is_marked_where_it_went_over() -> None:
    poll = poll_of(dots_question())
    state = {
        ids.answer_option_block_id(0, 0): selected("2"),
        ids.answer_option_block_id(0, 1): selected(None),
        ids.answer_option_block_id(0, 2): selected("2"),
    }
    assert read_answer_form(poll, state) == (QuestionAnswer(choices=(0, 0, 2, 2)),)
    state[ids.answer_option_block_id(0, 1)] = selected("1")
    with pytest.raises(InvalidAnswer) as raised:
        read_answer_form(poll, state)
    assert raised.value.message_key == "error.too_many_dots"
    assert raised.value.field == ids.answer_option_block_id(0, 2)
    assert raised.value.params == {"dots": 4, "given": 5}
    # A value no select offers is refused on its own block.
    state[ids.answer_option_block_id(0, 1)] = selected("9")
    with pytest.raises(InvalidAnswer) as raised:
        read_answer_form(poll, state)
    assert raised.value.field == ids.answer_option_block_id(0, 1)


def test_a_ranking_reads_places_in_order_and_refuses_repeats_and_gaps() -> None:
    poll = poll_of(rank_question())
    place = ids.answer_place_block_id
    state = {place(0, 0): selected("1"), place(0, 1): selected("3"), place(0, 2): selected(None)}
    assert read_answer_form(poll, state) == (QuestionAnswer(choices=(1, 3)),)
    state[place(0, 2)] = selected("1")
    with pytest.raises(InvalidAnswer) as raised:
        read_answer_form(poll, state)
    assert (raised.value.message_key, raised.value.field) == ("error.repeated_rank", place(0, 2))
    assert raised.value.params == {"option": "Sushi", "place": 1}
    state = {place(0, 0): selected(None), place(0, 1): selected("2")}
    with pytest.raises(InvalidAnswer) as raised:
        read_answer_form(poll, state)
    assert (raised.value.message_key, raised.value.field) == ("error.rank_gap", place(0, 0))
    assert read_answer_form(poll, {}) == (None,)


def test_nps_is_a_select_of_0_to_10() -> None:
    poll = poll_of(NPS)
    view = check_view(
        render_answer_modal(poll, previous=Response("U1", (QuestionAnswer(rating=0),)), lang="fi")
    )
    element = next(b for b in view["blocks"] if b["type"] == "input")["element"]
    assert element["type"] == "static_select"
    texts = [o["text"]["text"] for o in element["options"]]
    assert texts[0] == "0 – en lainkaan todennäköisesti" and texts[5] == "5"
    assert element["initial_option"]["value"] == "0"
    assert read_answer_form(poll, {ids.answer_block_id(0): selected("10")}) == (
        QuestionAnswer(rating=10),
    )


def test_poll_message_says_how_many_dots_and_places_and_opens_the_form() -> None:
    poll = poll_of(dots_question(size=5))
    message = check_messages([render_poll_message(poll, answered=0, asked=3, lang="fi")])[0]
    text = str(message.blocks)
    assert "Jaa 5 pistettä vaihtoehdoille" in text and ids.OPEN_ANSWER_ACTION in text
    assert ids.VOTE_ACTION + ":" not in text
    poll = poll_of(rank_question(size=2))
    text = str(render_poll_message(poll, answered=0, asked=3, lang="en").blocks)
    assert "Rank your top 2" in text


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_summaries_of_25_long_options_fit_slack(lang: str) -> None:
    questions = (
        Question("D" * 2000, QuestionKind.DOTS, LONG_OPTIONS, size=MAX_DOTS),
        Question("R" * 2000, QuestionKind.RANK, LONG_OPTIONS, size=MAX_PLACES),
        Question("N" * 2000, QuestionKind.NPS),
    )
    poll = poll_of(*questions)
    responses = [
        Response(
            f"U{n}",
            (
                QuestionAnswer(choices=tuple(sorted((n + k) % MAX_OPTIONS for k in range(10)))),
                QuestionAnswer(choices=tuple((n + k) % MAX_OPTIONS for k in range(5))),
                QuestionAnswer(rating=n % 11),
            ),
        )
        for n in range(40)
    ]
    messages = check_messages(render_summary(poll, tally(poll, responses, asked=50), lang=lang))
    text = "\n".join(str(m.blocks) for m in messages)
    assert text.count("a" * MAX_OPTION_LENGTH) == 2  # the option in both the dots and ranking


def test_anonymous_results_of_few_answers_are_hidden() -> None:
    poll = poll_of(dots_question(), NPS, anonymous=True)
    responses = [
        Response(None, (QuestionAnswer(choices=(0,)), None)),
        Response(None, (QuestionAnswer(choices=(1,)), None)),
        Response(None, (QuestionAnswer(choices=(2,)), QuestionAnswer(rating=9))),
    ]
    assert len(responses) == ANONYMITY_THRESHOLD
    text = "\n".join(
        str(m.blocks) for m in render_summary(poll, tally(poll, responses, asked=5), lang="en")
    )
    assert "Coffee · dots: 1" in text
    assert "NPS" not in text and "Fewer than 3 people answered this question" in text


# --- the create form ----------------------------------------------------------------------


def create_form_state(kind: str, options: str, size: str | None) -> dict[str, Any]:
    view = render_create_form(lang="en", channel_id="C1")
    typed = {
        ids.question_text_block_id(0): "Q?",
        ids.question_kind_block_id(0): kind,
        ids.question_options_block_id(0): options,
        ids.question_size_block_id(0): size,
    }
    return submit(view, typed)


@pytest.mark.parametrize(
    ("kind", "options", "size", "expected"),
    [
        pytest.param("dots", "A\nB", None, (QuestionKind.DOTS, 3), id="dots-default"),
        pytest.param("dots", "A\nB", "10", (QuestionKind.DOTS, 10), id="dots-10"),
        pytest.param("rank", "A\nB", None, (QuestionKind.RANK, 2), id="rank-capped"),
        pytest.param("rank", "A\nB\nC\nD", "4", (QuestionKind.RANK, 4), id="rank-4"),
        pytest.param("nps", "", None, (QuestionKind.NPS, None), id="nps"),
    ],
)
def test_create_form_reads_kind_and_size(
    kind: str, options: str, size: str | None, expected: tuple[QuestionKind, int | None]
) -> None:
    draft = read_create_form(create_form_state(kind, options, size), lang="en")
    question = draft.questions[0]
    assert (question.kind, question.size) == expected


@pytest.mark.parametrize(
    ("kind", "options", "size", "block", "words"),
    [
        pytest.param("dots", "A\nB", "0", "size", "“0” is not a number of dots", id="dots-0"),
        pytest.param("dots", "A\nB", "three", "size", "“three” is not a number", id="word"),
        pytest.param("rank", "A\nB\nC", "4", "size", "ranks 4 places but has only 3", id="rank"),
        pytest.param("single", "A\nB", "3", "size", "takes no number of dots", id="single"),
        pytest.param("nps", "A\nB", None, "options", "0–10 score", id="nps-options"),
        pytest.param("dots", "", None, "options", "has no options", id="dots-no-options"),
    ],
)
def test_create_form_marks_a_wrong_size_or_options_on_its_field(
    kind: str, options: str, size: str | None, block: str, words: str
) -> None:
    with pytest.raises(FormErrors) as caught:
        read_create_form(create_form_state(kind, options, size), lang="en")
    block_id = {"size": ids.question_size_block_id(0), "options": ids.question_options_block_id(0)}
    assert list(caught.value.errors) == [block_id[block]]
    assert words in caught.value.errors[block_id[block]]


def test_create_form_blocks_stay_within_the_modal_with_five_questions() -> None:
    view = check_view(render_create_form(lang="fi", channel_id="C1", question_count=5))
    sizes = [b for b in view["blocks"] if b.get("block_id", "").startswith("create.q_size")]
    assert len(sizes) == 5


@pytest.mark.parametrize(
    ("lang", "kind", "hint"),
    [
        ("en", "Give your one dot to the option you like best", "Give your one dot"),
        ("fi", "Anna pisteesi mieluisimmalle vaihtoehdolle", "Anna yksi pisteesi"),
    ],
)
def test_one_dot_is_said_in_the_singular(lang: str, kind: str, hint: str) -> None:
    poll = poll_of(dots_question(size=1))
    assert kind in str(render_poll_message(poll, answered=0, asked=3, lang=lang).blocks)
    assert hint in str(render_answer_modal(poll, previous=None, lang=lang)["blocks"])
