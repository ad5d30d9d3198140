"""The answer modal and the create form: element choice, pre-filling, templates, limits."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from bot.domain.errors import InvalidPollInput, PollClosed
from bot.domain.model import (
    MAX_QUESTIONS,
    Poll,
    Question,
    QuestionAnswer,
    QuestionKind,
    Response,
)
from bot.i18n import SUPPORTED_LANGUAGES
from bot.slack import ids
from bot.slack.blocks import (
    TEMPLATES,
    block_for_field,
    form_errors_for,
    read_form_metadata,
    render_answer_modal,
    render_answer_result_view,
    render_create_form,
    template_questions,
)
from tests.unit.factories import MULTI, RATING, SINGLE, TEXT, make_poll
from tests.unit.test_blocks_limits import check_view


def poll_of(*questions: Question, **changes: Any) -> Poll:
    return dataclasses.replace(make_poll(*questions), **{"id": 12, **changes})


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}


def options_of(count: int, kind: QuestionKind = QuestionKind.SINGLE) -> Question:
    return Question(f"{count} options", kind, tuple(f"Option {i}" for i in range(count)))


ANSWER_POLLS = {
    "single": poll_of(SINGLE),
    "five questions": poll_of(SINGLE, MULTI, RATING, TEXT, options_of(25, QuestionKind.MULTI)),
    "longest labels": poll_of(
        *[Question("q" * 2000, QuestionKind.SINGLE, ("a" * 75, "b" * 75))] * MAX_QUESTIONS
    ),
    "anonymous huge id": poll_of(TEXT, anonymous=True, id=10**17),
}


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("poll", ANSWER_POLLS.values(), ids=ANSWER_POLLS.keys())
def test_answer_modals_respect_slack_limits(poll: Poll, lang: str) -> None:
    view = check_view(render_answer_modal(poll, previous=None, lang=lang))
    assert view["callback_id"] == ids.ANSWER_VIEW
    assert view["private_metadata"] == str(poll.id)


@pytest.mark.parametrize(
    ("question", "element"),
    [
        (options_of(10), "radio_buttons"),
        (options_of(11), "static_select"),
        (options_of(10, QuestionKind.MULTI), "checkboxes"),
        (options_of(25, QuestionKind.MULTI), "multi_static_select"),
        (RATING, "radio_buttons"),
        (TEXT, "plain_text_input"),
    ],
    ids=["10 single", "11 single", "10 multi", "25 multi", "rating", "text"],
)
def test_answer_modal_picks_the_element_for_each_question(question: Question, element: str) -> None:
    view = render_answer_modal(poll_of(question), previous=None, lang="en")
    block = inputs(view)[ids.answer_block_id(0)]
    assert block["optional"] is True
    assert block["element"]["type"] == element
    assert block["element"]["action_id"] == ids.ANSWER_ELEMENT


def test_answer_modal_numbers_several_questions_and_labels_the_rating() -> None:
    view = render_answer_modal(poll_of(SINGLE, RATING, TEXT), previous=None, lang="en")
    blocks = inputs(view)
    assert list(blocks) == [ids.answer_block_id(i) for i in range(3)]
    assert blocks[ids.answer_block_id(0)]["label"]["text"] == "1. Which event?"
    rating = blocks[ids.answer_block_id(1)]["element"]["options"]
    labels = [o["text"]["text"] for o in rating]
    assert labels[0].startswith("1 ")
    assert labels[0].endswith(" poor")
    assert labels[4].endswith(" excellent")
    assert [o["value"] for o in rating] == ["1", "2", "3", "4", "5"]
    text = blocks[ids.answer_block_id(2)]["element"]
    assert text["multiline"] is True
    assert text["max_length"] == 3000


def test_answer_modal_prefills_the_previous_answers() -> None:
    poll = poll_of(SINGLE, MULTI, RATING, TEXT, options_of(25, QuestionKind.MULTI))
    previous = Response(
        "U1",
        (
            QuestionAnswer(choices=(2,)),
            QuestionAnswer(choices=(0, 2)),
            QuestionAnswer(rating=4),
            QuestionAnswer(text="More docs"),
            QuestionAnswer(choices=(24, 99)),  # 99: an index the poll no longer has
        ),
    )
    view = check_view(render_answer_modal(poll, previous=previous, lang="en"))
    elements = [block["element"] for block in inputs(view).values()]
    assert elements[0]["initial_option"]["text"]["text"] == "Meetup"
    assert [o["value"] for o in elements[1]["initial_options"]] == ["0", "2"]
    assert elements[2]["initial_option"]["value"] == "4"
    assert elements[3]["initial_value"] == "More docs"
    assert [o["value"] for o in elements[4]["initial_options"]] == ["24"]


def test_answer_modal_tells_respondents_about_anonymity() -> None:
    view = render_answer_modal(poll_of(SINGLE, anonymous=True), previous=None, lang="fi")
    notes = [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert any("Nimetön" in note for note in notes)
    assert view["title"]["text"] == "Vastaa kyselyyn #12"
    assert view["submit"]["text"] == "Lähetä"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_answer_result_views_thank_or_explain(lang: str) -> None:
    thanks = check_view(render_answer_result_view(error=None, poll=poll_of(SINGLE), lang=lang))
    assert "submit" not in thanks
    closed = check_view(render_answer_result_view(error=PollClosed(12), poll=None, lang=lang))
    assert "#12" in closed["blocks"][0]["text"]["text"]
    check_view(render_answer_result_view(error=None, poll=None, lang=lang))


FORMS = [
    (template, lang, count)
    for template in (*TEMPLATES, "unknown")
    for lang in SUPPORTED_LANGUAGES
    for count in (1, 3, 5, 9)
]


@pytest.mark.parametrize(("template", "lang", "count"), FORMS)
def test_create_forms_respect_slack_limits(template: str, lang: str, count: int) -> None:
    view = check_view(
        render_create_form(lang=lang, channel_id="C1", template=template, question_count=count)
    )
    assert view["callback_id"] == ids.CREATE_VIEW
    shown = sum(block_id.startswith(ids.QUESTION_TEXT_BLOCK_PREFIX) for block_id in inputs(view))
    assert shown == min(max(count, len(template_questions(template, lang)), 1), MAX_QUESTIONS)


def test_create_form_has_every_field_with_the_shared_action_id() -> None:
    view = render_create_form(lang="en", channel_id="C1")
    blocks = inputs(view)
    assert list(blocks) == [
        ids.question_text_block_id(0),
        ids.question_kind_block_id(0),
        ids.question_options_block_id(0),
        ids.question_size_block_id(0),
        ids.question_open_block_id(0),
        ids.EVENT_DATE_BLOCK,
        ids.EVENT_TIME_BLOCK,
        ids.CLOSE_DATE_BLOCK,
        ids.CLOSE_TIME_BLOCK,
        ids.REMIND_BLOCK,
        ids.REPEAT_BLOCK,
        ids.FIRST_START_DATE_BLOCK,
        ids.FIRST_START_TIME_BLOCK,
        ids.ANONYMOUS_BLOCK,
        ids.AUDIENCE_KIND_BLOCK,
        ids.AUDIENCE_PEOPLE_BLOCK,
        ids.AUDIENCE_GROUPS_BLOCK,
        ids.SAMPLE_SIZE_BLOCK,
        ids.CHANNEL_BLOCK,
    ]
    assert {block["element"]["action_id"] for block in blocks.values()} == {ids.FORM_ELEMENT}
    channel = blocks[ids.CHANNEL_BLOCK]["element"]
    assert channel["type"] == "conversations_select"
    assert channel["default_to_current_conversation"] is True
    assert channel["initial_conversation"] == "C1"
    remind = blocks[ids.REMIND_BLOCK]["element"]
    assert [o["value"] for o in remind["options"]] == ["1d", "2d", "1w", "off"]
    repeat = blocks[ids.REPEAT_BLOCK]["element"]
    assert [o["value"] for o in repeat["options"]] == ["no", "week", "2w", "month"]
    assert repeat["initial_option"]["value"] == "no"
    assert blocks[ids.FIRST_START_DATE_BLOCK]["element"]["type"] == "datepicker"
    assert remind["initial_option"]["value"] == "1d"
    assert json.loads(view["private_metadata"]) == {
        "channel_id": "C1",
        "question_count": 1,
        "template": "blank",
    }


def test_add_question_button_disappears_at_five_questions() -> None:
    def add_buttons(count: int) -> list[str]:
        view = render_create_form(lang="en", channel_id=None, question_count=count)
        return [
            element["action_id"]
            for block in view["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
        ]

    assert add_buttons(4) == [ids.ADD_QUESTION_ACTION]
    assert add_buttons(5) == []


@pytest.mark.parametrize(
    ("template", "lang", "first", "kinds"),
    [
        ("event", "en", "What kind of event would you like?", ["single", "single", "text"]),
        ("event", "fi", "Millaisen tapahtuman haluaisit?", ["single", "single", "text"]),
        ("feedback", "en", "How satisfied are you with the service?", ["rating", "multi", "text"]),
        ("feedback", "fi", "Kuinka tyytyväinen olet palveluun?", ["rating", "multi", "text"]),
    ],
)
def test_templates_fill_in_their_questions(
    template: str, lang: str, first: str, kinds: list[str]
) -> None:
    view = render_create_form(lang=lang, channel_id="C1", template=template)
    blocks = inputs(view)
    assert blocks[ids.question_text_block_id(0)]["element"]["initial_value"] == first
    shown = [
        blocks[ids.question_kind_block_id(i)]["element"]["initial_option"]["value"]
        for i in range(3)
    ]
    assert shown == kinds
    # A template's inputs get their own action_id so Slack shows them instead of old input.
    assert blocks[ids.question_text_block_id(0)]["element"]["action_id"] != ids.FORM_ELEMENT
    picker = next(b for b in view["blocks"] if b.get("block_id") == ids.TEMPLATE_BLOCK)
    assert picker["accessory"]["action_id"] == ids.TEMPLATE_ACTION
    assert picker["accessory"]["initial_option"]["value"] == template
    assert read_form_metadata(view["private_metadata"]).template == template


def test_event_template_offers_event_kinds() -> None:
    [kind, time, topics] = template_questions("event", "en")
    assert kind.options == ("Workshop", "Talk", "Meetup", "Social evening")
    assert time.kind is QuestionKind.SINGLE
    assert topics.kind is QuestionKind.TEXT


def test_values_carry_over_and_win_over_the_template() -> None:
    values: dict[str, str | list[str]] = {
        ids.question_text_block_id(0): "My own question",
        ids.question_kind_block_id(0): "multi",
        ids.question_options_block_id(0): "A\nB",
        ids.CLOSE_DATE_BLOCK: "2026-12-01",
        ids.CLOSE_TIME_BLOCK: "16:00",
        ids.REMIND_BLOCK: "off",
        ids.ANONYMOUS_BLOCK: ["anonymous"],
        ids.AUDIENCE_KIND_BLOCK: "sample",
        ids.AUDIENCE_PEOPLE_BLOCK: ["U1", "U2"],
        ids.AUDIENCE_GROUPS_BLOCK: "S123",
        ids.SAMPLE_SIZE_BLOCK: "5",
        ids.CHANNEL_BLOCK: "C9",
    }
    view = check_view(
        render_create_form(lang="en", channel_id="C1", template="feedback", values=values)
    )
    elements = {block_id: block["element"] for block_id, block in inputs(view).items()}
    assert elements[ids.question_text_block_id(0)]["initial_value"] == "My own question"
    assert elements[ids.question_kind_block_id(0)]["initial_option"]["value"] == "multi"
    assert elements[ids.question_options_block_id(0)]["initial_value"] == "A\nB"
    assert (
        elements[ids.question_text_block_id(1)]["initial_value"] == "What should we improve first?"
    )
    assert elements[ids.CLOSE_DATE_BLOCK]["initial_date"] == "2026-12-01"
    assert elements[ids.CLOSE_TIME_BLOCK]["initial_time"] == "16:00"
    assert elements[ids.REMIND_BLOCK]["initial_option"]["value"] == "off"
    assert elements[ids.ANONYMOUS_BLOCK]["initial_options"][0]["value"] == "anonymous"
    assert elements[ids.AUDIENCE_KIND_BLOCK]["initial_option"]["value"] == "sample"
    assert elements[ids.AUDIENCE_PEOPLE_BLOCK]["initial_users"] == ["U1", "U2"]
    assert elements[ids.AUDIENCE_GROUPS_BLOCK]["initial_value"] == "S123"
    assert elements[ids.SAMPLE_SIZE_BLOCK]["initial_value"] == "5"
    assert elements[ids.CHANNEL_BLOCK]["initial_conversation"] == "C9"


def test_form_metadata_survives_garbage() -> None:
    assert read_form_metadata("not json").question_count == 1
    assert read_form_metadata('{"question_count": 99, "template": "x"}').question_count == 5
    assert read_form_metadata('["list"]').template == "blank"


@pytest.mark.parametrize(
    ("field", "block_id"),
    [
        ("close", ids.CLOSE_DATE_BLOCK),
        ("remind", ids.REMIND_BLOCK),
        ("audience", ids.AUDIENCE_PEOPLE_BLOCK),
        ("sample_size", ids.SAMPLE_SIZE_BLOCK),
        ("channel", ids.CHANNEL_BLOCK),
        ("q3", ids.question_text_block_id(3)),
        ("q2_options", ids.question_options_block_id(2)),
        (None, ids.question_text_block_id(0)),
    ],
)
def test_errors_map_to_the_form_field(field: str | None, block_id: str) -> None:
    assert block_for_field(field) == block_id


def test_form_errors_for_a_later_domain_error() -> None:
    error = InvalidPollInput("error.close_in_past", field="close", value="2020-01-01")
    errors = form_errors_for(error, lang="fi")
    assert list(errors) == [ids.CLOSE_DATE_BLOCK]
    assert "mennyt" in errors[ids.CLOSE_DATE_BLOCK]
