"""Reading Slack payloads: the create form round trip, field errors, answers and button values."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.errors import InvalidAnswer, PollNotFound
from bot.domain.model import (
    DEFAULT_CLOSE_AFTER,
    AbsoluteClose,
    Audience,
    AudienceKind,
    Poll,
    PollDraft,
    Question,
    QuestionAnswer,
    QuestionKind,
)
from bot.slack import ids
from bot.slack.blocks import render_answer_modal, render_create_form
from bot.slack.create_form_input import FormErrors, read_create_form
from bot.slack.payloads import (
    parse_poll_id_value,
    parse_vote_value,
    read_answer_form,
    read_form_values,
    read_template_choice,
)
from tests.unit.factories import MULTI, RATING, SINGLE, TEXT, make_poll

SELECTS = {"static_select", "radio_buttons"}
MULTI_SELECTS = {"checkboxes", "multi_static_select"}


def _state_of(element: dict[str, Any], typed: Any) -> dict[str, Any]:
    """One element's state as Slack sends it: what was typed, else what the view showed."""
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    if kind in SELECTS:
        chosen = typed if typed is not None else element.get("initial_option", {}).get("value")
        state["selected_option"] = next(
            (o for o in element["options"] if o["value"] == chosen), None
        )
    elif kind in MULTI_SELECTS:
        chosen = (
            typed if typed is not None else [o["value"] for o in element.get("initial_options", [])]
        )
        state["selected_options"] = [o for o in element["options"] if o["value"] in chosen]
    elif kind in {"plain_text_input", "number_input"}:
        state["value"] = typed if typed is not None else element.get("initial_value")
    elif kind == "datepicker":
        state["selected_date"] = typed if typed is not None else element.get("initial_date")
    elif kind == "timepicker":
        state["selected_time"] = typed if typed is not None else element.get("initial_time")
    elif kind == "multi_users_select":
        state["selected_users"] = typed if typed is not None else element.get("initial_users", [])
    elif kind == "conversations_select":
        state["selected_conversation"] = (
            typed if typed is not None else element.get("initial_conversation")
        )
    else:
        raise AssertionError(f"unexpected element {kind}")
    return state


def submit(view: dict[str, Any], typed: dict[str, Any] | None = None) -> dict[str, Any]:
    """view.state.values of a submitted view: keyed by block_id, then action_id."""
    typed = typed or {}
    return {
        block["block_id"]: {
            block["element"]["action_id"]: _state_of(block["element"], typed.get(block["block_id"]))
        }
        for block in view["blocks"]
        if block["type"] == "input"
    }


def form(template: str = "blank", count: int = 1) -> dict[str, Any]:
    return render_create_form(lang="en", channel_id="C1", template=template, question_count=count)


def q_text(index: int) -> str:
    return ids.question_text_block_id(index)


def q_kind(index: int) -> str:
    return ids.question_kind_block_id(index)


def q_options(index: int) -> str:
    return ids.question_options_block_id(index)


def test_blank_form_round_trip_gives_the_draft() -> None:
    state = submit(
        form(count=3),
        {
            q_text(0): "Which day suits you?",
            q_options(0): "Tuesday\n\n  Thursday  \n",
            q_text(2): "Anything else?",
            q_kind(2): "text",
        },
    )
    draft = read_create_form(state, lang="en")
    assert draft == PollDraft(
        questions=(
            Question("Which day suits you?", QuestionKind.SINGLE, ("Tuesday", "Thursday")),
            Question("Anything else?", QuestionKind.TEXT),
        ),
        anonymous=False,
        close=DEFAULT_CLOSE_AFTER,
        remind_every=timedelta(days=1),
        remind_explicit=False,
        audience=Audience(),
        channel_id="C1",
    )


def test_template_round_trip_with_every_setting() -> None:
    state = submit(
        form("feedback"),
        {
            ids.CLOSE_DATE_BLOCK: "2026-12-01",
            ids.CLOSE_TIME_BLOCK: "16:30",
            ids.REMIND_BLOCK: "2d",
            ids.ANONYMOUS_BLOCK: ["anonymous"],
            ids.AUDIENCE_KIND_BLOCK: "sample",
            ids.AUDIENCE_PEOPLE_BLOCK: ["U1", "U2", "U1"],
            ids.AUDIENCE_GROUPS_BLOCK: "<!subteam^S111|@design>, S222 <@U3>",
            ids.SAMPLE_SIZE_BLOCK: "5",
            ids.CHANNEL_BLOCK: "C9",
        },
    )
    draft = read_create_form(state, lang="en")
    assert [q.kind for q in draft.questions] == [
        QuestionKind.RATING,
        QuestionKind.MULTI,
        QuestionKind.TEXT,
    ]
    assert draft.questions[1].options[0] == "Speed"
    assert draft.anonymous is True
    assert draft.close == AbsoluteClose(2026, 12, 1, 16, 30)
    assert draft.remind_every == timedelta(days=2)
    assert draft.remind_explicit is True
    assert draft.audience == Audience(
        AudienceKind.PEOPLE, ("U1", "U2", "U3"), ("S111", "S222"), sample_size=5
    )
    assert draft.channel_id == "C9"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ({ids.CLOSE_DATE_BLOCK: "2026-12-01"}, AbsoluteClose(2026, 12, 1)),
        ({}, DEFAULT_CLOSE_AFTER),
    ],
    ids=["date only", "nothing"],
)
def test_close_date_without_time_has_no_hour(typed: dict[str, Any], expected: object) -> None:
    state = submit(form("event"), typed)
    assert read_create_form(state, lang="en").close == expected


def test_reminders_off_and_sample_of_the_channel() -> None:
    state = submit(
        form("event"),
        {
            ids.REMIND_BLOCK: "off",
            ids.AUDIENCE_KIND_BLOCK: "sample",
            ids.SAMPLE_SIZE_BLOCK: "10",
        },
    )
    draft = read_create_form(state, lang="en")
    assert draft.remind_every is None
    assert draft.remind_explicit is True
    assert draft.audience == Audience(AudienceKind.CHANNEL, sample_size=10)


def errors_of(typed: dict[str, Any], *, template: str = "blank", count: int = 5) -> dict[str, str]:
    with pytest.raises(FormErrors) as caught:
        read_create_form(submit(form(template, count), typed), lang="en")
    return caught.value.errors


def test_every_wrong_field_is_reported_at_once_under_its_block() -> None:
    errors = errors_of(
        {
            q_text(0): "Fine question",
            q_options(0): "A\nB",
            q_text(1): "Only one option",
            q_options(1): "A",
            q_options(2): "Options without a question",
            q_text(3): "Rated",
            q_kind(3): "rating",
            q_options(3): "x\ny",
            ids.CLOSE_TIME_BLOCK: "16:00",
            ids.AUDIENCE_KIND_BLOCK: "sample",
            ids.AUDIENCE_GROUPS_BLOCK: "@design!",
            ids.CHANNEL_BLOCK: "",
        }
    )
    assert errors == {
        q_options(1): "Question 2 has only one option. Give at least 2, or make it a free-text "
        "question.",
        q_text(2): "Question 3 has no text. Write the question, like “Which day suits you?”.",
        q_options(3): "Question 4 is a rating from 1 to 5, so it takes no options. Remove them, "
        "or make it a choice question.",
        ids.CLOSE_DATE_BLOCK: "Choose a closing date for this time too, or clear the time.",
        ids.AUDIENCE_GROUPS_BLOCK: "I couldn't read “@design!” as a user group. Type its handle, "
        "like @design.",
        ids.SAMPLE_SIZE_BLOCK: "Write how many people to pick at random, for example 10.",
        ids.CHANNEL_BLOCK: "Choose the channel to post the poll in.",
    }


def test_a_form_without_questions_points_at_the_first() -> None:
    assert errors_of({}) == {q_text(0): "Write at least one question."}


@pytest.mark.parametrize(
    ("typed", "block_id", "words"),
    [
        ({ids.AUDIENCE_PEOPLE_BLOCK: ["U1"]}, ids.AUDIENCE_KIND_BLOCK, "Everyone in the channel"),
        ({ids.AUDIENCE_KIND_BLOCK: "people"}, ids.AUDIENCE_PEOPLE_BLOCK, "who to ask"),
        (
            {ids.AUDIENCE_KIND_BLOCK: "sample", ids.SAMPLE_SIZE_BLOCK: "0"},
            ids.SAMPLE_SIZE_BLOCK,
            "“0” is not a sample size",
        ),
        ({q_options(0): "A\na"}, q_options(0), "Question 1 has “a” twice"),
        ({q_options(0): "x" * 80 + "\nB"}, q_options(0), "x" * 50),
        ({ids.CLOSE_DATE_BLOCK: "2026-02-30"}, ids.CLOSE_DATE_BLOCK, "2026-02-30"),
    ],
    ids=["people but channel", "people missing", "sample zero", "duplicate", "long", "bad date"],
)
def test_field_errors(typed: dict[str, Any], block_id: str, words: str) -> None:
    errors = errors_of({q_text(0): "Q?", q_options(0): "A\nB", **typed}, count=1)
    assert list(errors) == [block_id]
    assert words in errors[block_id]
    assert len(errors[block_id]) < 500


def test_finnish_field_errors() -> None:
    with pytest.raises(FormErrors) as caught:
        state = submit(form(), {q_text(0): "Kysymys?", q_options(0): "A"})
        read_create_form(state, lang="fi")
    assert caught.value.errors[q_options(0)].startswith("Kysymyksessä 1 on vain yksi")


def test_form_values_carry_everything_typed_and_can_leave_questions_out() -> None:
    state = submit(
        form(count=2),
        {
            q_text(1): "Second",
            ids.AUDIENCE_PEOPLE_BLOCK: ["U1"],
            ids.CLOSE_DATE_BLOCK: "2026-05-05",
        },
    )
    values = read_form_values(state)
    assert values[q_text(1)] == "Second"
    assert values[ids.AUDIENCE_PEOPLE_BLOCK] == ["U1"]
    assert values[ids.REMIND_BLOCK] == "1d"
    assert ids.CLOSE_TIME_BLOCK not in values  # nothing chosen
    again = render_create_form(lang="en", channel_id="C1", question_count=2, values=values)
    assert read_form_values(submit(again)) == values
    without = read_form_values(state, include_questions=False)
    assert not any(key.startswith("create.q_") for key in without)
    assert without[ids.CLOSE_DATE_BLOCK] == "2026-05-05"


def test_template_questions_are_read_whatever_their_action_id() -> None:
    state = submit(form("event"))
    assert all(ids.FORM_ELEMENT not in state[q_text(i)] for i in range(3))
    assert read_create_form(state, lang="fi").questions[0].text == (
        "What kind of event would you like?"
    )


def test_template_choice_is_read_from_the_action() -> None:
    assert read_template_choice({"selected_option": {"value": "event"}}) == "event"
    assert read_template_choice({"selected_option": {"value": "evil"}}) == "blank"
    assert read_template_choice({}) == "blank"


def poll_of(*questions: Question) -> Poll:
    return dataclasses.replace(make_poll(*questions), id=12)


FIVE = (SINGLE, MULTI, RATING, TEXT, Question("Many", QuestionKind.MULTI, tuple("ABCDEFGHIJKL")))


def test_answer_form_round_trip() -> None:
    view = render_answer_modal(poll_of(*FIVE), previous=None, lang="en")
    state = submit(
        view,
        {
            ids.answer_block_id(0): "2",
            ids.answer_block_id(1): ["2", "0"],
            ids.answer_block_id(2): "4",
            ids.answer_block_id(3): "  More docs  ",
            ids.answer_block_id(4): ["11", "3"],
        },
    )
    assert read_answer_form(poll_of(*FIVE), state) == (
        QuestionAnswer(choices=(2,)),
        QuestionAnswer(choices=(0, 2)),
        QuestionAnswer(rating=4),
        QuestionAnswer(text="More docs"),
        QuestionAnswer(choices=(3, 11)),
    )


def test_skipped_questions_read_as_none() -> None:
    view = render_answer_modal(poll_of(*FIVE), previous=None, lang="en")
    state = submit(view, {ids.answer_block_id(3): "   "})
    assert read_answer_form(poll_of(*FIVE), state) == (None,) * 5
    assert read_answer_form(poll_of(*FIVE), {}) == (None,) * 5


@pytest.mark.parametrize(
    ("question", "state"),
    [
        (SINGLE, {"selected_option": {"value": "7"}}),
        (SINGLE, {"selected_option": {"value": "-1"}}),
        (MULTI, {"selected_options": [{"value": "x"}]}),
        (RATING, {"selected_option": {"value": "6"}}),
        (RATING, {"selected_option": {"value": "0"}}),
    ],
    ids=["out of range", "negative", "not a number", "rating 6", "rating 0"],
)
def test_tampered_answers_are_refused(question: Question, state: dict[str, Any]) -> None:
    values = {ids.answer_block_id(0): {ids.ANSWER_ELEMENT: state}}
    with pytest.raises(InvalidAnswer):
        read_answer_form(poll_of(question), values)


def test_button_values() -> None:
    assert parse_vote_value("12:3") == (12, 3)
    assert parse_poll_id_value("12") == 12
    for garbage in ("", "12:", ":3", "12:3:4", "x:1", "12:-1", "1" * 30 + ":1"):
        with pytest.raises(PollNotFound):
            parse_vote_value(garbage)
    for garbage in ("", "#12", "12a", "-1", "1" * 30):
        with pytest.raises(PollNotFound):
            parse_poll_id_value(garbage)


def test_typed_group_handles_are_kept_for_lookup_beside_ids_and_mentions() -> None:
    typed = {
        q_text(0): "Snacks?",
        q_options(0): "Fruit\nCookies",
        ids.AUDIENCE_KIND_BLOCK: "people",
        ids.AUDIENCE_GROUPS_BLOCK: "@Design support <!subteam^S0OPS|@ops> S0SALES",
    }
    draft = read_create_form(submit(form(), typed), lang="en")
    assert draft.audience.usergroup_ids == ("S0OPS", "@design", "@support", "S0SALES")
