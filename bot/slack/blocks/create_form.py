"""The create form: a template picker, up to five questions, and when, how and whom to ask."""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Final

from bot.domain.model import MAX_QUESTION_LENGTH, MAX_QUESTIONS, Every, Question, QuestionKind
from bot.i18n import t
from bot.slack import ids
from bot.slack.blocks.common import (
    MAX_PLACEHOLDER_TEXT,
    Block,
    Message,
    View,
    actions,
    button,
    context,
    divider,
    input_block,
    make_message,
    modal_text,
    option,
    plain,
    section,
)
from bot.slack.blocks.form_state import FormMetadata, FormValues, write_form_metadata
from bot.slack.blocks.templates import BLANK_TEMPLATE, TEMPLATES, template_questions
from bot.slack.blocks.text import shorten

# Option values of the reminder select are durations the domain parser reads, or "off".
REMIND_OFF: Final = "off"
REMIND_CHOICES: Final = ("1d", "2d", "1w", REMIND_OFF)
DEFAULT_REMIND_CHOICE: Final = "1d"
# Option values of the repeat select: "no", or the value of a bot.domain.model.Every.
REPEAT_NO: Final = "no"
REPEAT_CHOICES: Final = (REPEAT_NO, *(every.value for every in Every))
ANONYMOUS_VALUE: Final = "anonymous"
OPEN_VALUE: Final = "open"  # the "Let people suggest options" box of a question
AUDIENCE_CHANNEL: Final = "channel"
AUDIENCE_PEOPLE: Final = "people"
AUDIENCE_SAMPLE: Final = "sample"
AUDIENCE_CHOICES: Final = (AUDIENCE_CHANNEL, AUDIENCE_PEOPLE, AUDIENCE_SAMPLE)
# plain_text_input allows at most 3,000 characters; 25 options of 75 characters fit.
_MAX_OPTIONS_INPUT = 3000
# The dots (1-10) or places (2-5) of a question: a short whole number.
_MAX_SIZE_INPUT = 3
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")


def render_create_form(
    *,
    lang: str,
    channel_id: str | None,
    template: str = BLANK_TEMPLATE,
    question_count: int = 1,
    values: FormValues | None = None,
) -> View:
    """The create modal; values (from read_form_values) win over the template's questions.

    Re-render on "Add question" with question_count + 1 and all values; on a chosen template
    with the values read without questions, so that the template's questions show."""
    if template not in TEMPLATES:
        template = BLANK_TEMPLATE
    values = values or {}
    defaults = template_questions(template, lang)
    count = min(MAX_QUESTIONS, max(1, question_count, len(defaults)))
    blocks: list[Block] = [_template_picker(template, lang), context(t(lang, "create.intro"))]
    element_id = ids.question_element_id(template)
    for index in range(count):
        default = defaults[index] if index < len(defaults) else None
        blocks.extend(_question_blocks(index, default, values, element_id, lang))
    if count < MAX_QUESTIONS:
        add = button(t(lang, "create.add_question"), ids.ADD_QUESTION_ACTION, str(count))
        blocks.extend(actions(ids.ADD_QUESTION_BLOCK, [add]))
    blocks.append(divider())
    blocks.extend(_settings_blocks(values, channel_id, lang))
    return {
        "type": "modal",
        "callback_id": ids.CREATE_VIEW,
        "private_metadata": write_form_metadata(FormMetadata(channel_id, count, template)),
        "title": modal_text(t(lang, "create.title")),
        "submit": modal_text(t(lang, "create.submit")),
        "close": modal_text(t(lang, "create.cancel")),
        "blocks": blocks,
    }


def _text_value(values: FormValues, block_id: str) -> str | None:
    value = values.get(block_id)
    return value if isinstance(value, str) and value else None


def _list_value(values: FormValues, block_id: str) -> list[str]:
    value = values.get(block_id)
    return [value] if isinstance(value, str) else list(value or [])


# The create form's fields are optional unless said otherwise.
_input = partial(input_block, optional=True)


def _choice_element(
    kind: str, choices: list[dict[str, Any]], chosen: str | None, action_id: str = ids.FORM_ELEMENT
) -> dict[str, Any]:
    """A static_select or radio_buttons element with the option of value chosen selected."""
    element: dict[str, Any] = {"type": kind, "action_id": action_id, "options": choices}
    for choice in choices:
        if choice["value"] == chosen:
            element["initial_option"] = choice
    return element


def _template_picker(template: str, lang: str) -> Block:
    choices = [option(t(lang, f"create.template.{name}"), name) for name in TEMPLATES]
    picker = _choice_element("static_select", choices, template, ids.TEMPLATE_ACTION)
    return section(t(lang, "create.template.label"), accessory=picker, block_id=ids.TEMPLATE_BLOCK)


def _question_blocks(
    index: int, default: Question | None, values: FormValues, element_id: str, lang: str
) -> list[Block]:
    number = index + 1
    text_id = ids.question_text_block_id(index)
    kind_id = ids.question_kind_block_id(index)
    options_id = ids.question_options_block_id(index)

    text_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": element_id,
        "max_length": MAX_QUESTION_LENGTH,
        "placeholder": plain(t(lang, "create.question.placeholder"), MAX_PLACEHOLDER_TEXT),
    }
    text = _text_value(values, text_id) or (default.text if default else None)
    if text:
        text_input["initial_value"] = shorten(text, MAX_QUESTION_LENGTH)

    kinds = [option(t(lang, f"create.kind.{kind.value}"), kind.value) for kind in QuestionKind]
    chosen_kind = _text_value(values, kind_id) or (default.kind.value if default else None)
    kind_select = _choice_element(
        "static_select", kinds, chosen_kind or QuestionKind.SINGLE.value, element_id
    )

    options_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": element_id,
        "multiline": True,
        "max_length": _MAX_OPTIONS_INPUT,
        "placeholder": plain(t(lang, "create.options.placeholder"), MAX_PLACEHOLDER_TEXT),
    }
    options_text = _text_value(values, options_id)
    if options_text is None and default is not None and default.options:
        options_text = "\n".join(default.options)
    if options_text:
        options_input["initial_value"] = shorten(options_text, _MAX_OPTIONS_INPUT)

    size_id = ids.question_size_block_id(index)
    size_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": element_id,
        "max_length": _MAX_SIZE_INPUT,
    }
    size_text = _text_value(values, size_id)
    if size_text is None and default is not None and default.size is not None:
        size_text = str(default.size)
    if size_text:
        size_input["initial_value"] = size_text[:_MAX_SIZE_INPUT]
    open_id = ids.question_open_block_id(index)
    open_option = option(t(lang, "create.open.option"), OPEN_VALUE)
    open_box: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": element_id,
        "options": [open_option],
    }
    chosen_open = values.get(open_id)
    is_open = (
        OPEN_VALUE in chosen_open if chosen_open is not None else bool(default and default.open)
    )
    if is_open:
        open_box["initial_options"] = [open_option]

    return [
        _input(
            text_id,
            t(lang, "create.question.label", number=number),
            text_input,
            optional=index > 0,
        ),
        _input(kind_id, t(lang, "create.kind.label", number=number), kind_select, optional=False),
        _input(
            options_id,
            t(lang, "create.options.label", number=number),
            options_input,
            hint=t(lang, "create.options.hint"),
        ),
        _input(
            size_id,
            t(lang, "create.size.label", number=number),
            size_input,
            hint=t(lang, "create.size.hint"),
        ),
        _input(
            open_id,
            t(lang, "create.open.label", number=number),
            open_box,
            hint=t(lang, "create.open.hint"),
        ),
    ]


def _date_picker(values: FormValues, block_id: str) -> dict[str, Any]:
    picker: dict[str, Any] = {"type": "datepicker", "action_id": ids.FORM_ELEMENT}
    date = _text_value(values, block_id)
    if date and _DATE.fullmatch(date):
        picker["initial_date"] = date
    return picker


def _time_picker(values: FormValues, block_id: str) -> dict[str, Any]:
    picker: dict[str, Any] = {"type": "timepicker", "action_id": ids.FORM_ELEMENT}
    time = _text_value(values, block_id)
    if time and _TIME.fullmatch(time):
        picker["initial_time"] = time
    return picker


def _event_blocks(values: FormValues, lang: str) -> list[Block]:
    """The event the poll is about (optional): its date and, if it matters, its time."""
    return [
        _input(
            ids.EVENT_DATE_BLOCK,
            t(lang, "create.event_date.label"),
            _date_picker(values, ids.EVENT_DATE_BLOCK),
            hint=t(lang, "create.event_date.hint"),
        ),
        _input(
            ids.EVENT_TIME_BLOCK,
            t(lang, "create.event_time.label"),
            _time_picker(values, ids.EVENT_TIME_BLOCK),
            hint=t(lang, "create.event_time.hint"),
        ),
    ]


def _repeat_blocks(values: FormValues, lang: str) -> list[Block]:
    """Whether the poll starts again on a schedule, and when it first starts (empty: now)."""
    choices = [option(t(lang, f"create.repeat.{value}"), value) for value in REPEAT_CHOICES]
    repeat = _text_value(values, ids.REPEAT_BLOCK) or REPEAT_NO
    return [
        _input(
            ids.REPEAT_BLOCK,
            t(lang, "create.repeat.label"),
            _choice_element("static_select", choices, repeat),
            # Optional, so that a client sending no value (or an older form) means no repeat.
            optional=True,
            hint=t(lang, "create.repeat.hint"),
        ),
        _input(
            ids.FIRST_START_DATE_BLOCK,
            t(lang, "create.first_date.label"),
            _date_picker(values, ids.FIRST_START_DATE_BLOCK),
            hint=t(lang, "create.first_date.hint"),
        ),
        _input(
            ids.FIRST_START_TIME_BLOCK,
            t(lang, "create.first_time.label"),
            _time_picker(values, ids.FIRST_START_TIME_BLOCK),
        ),
    ]


def close_and_remind_blocks(values: FormValues, lang: str) -> list[Block]:
    """The close date, close time and reminder inputs (the create form's, and the follow-up
    form's: read back with create_form_input.read_close and read_remind)."""
    date_picker = _date_picker(values, ids.CLOSE_DATE_BLOCK)
    time_picker = _time_picker(values, ids.CLOSE_TIME_BLOCK)

    reminders = [option(t(lang, f"create.remind.{value}"), value) for value in REMIND_CHOICES]
    remind = _text_value(values, ids.REMIND_BLOCK) or DEFAULT_REMIND_CHOICE
    remind_select = _choice_element("static_select", reminders, remind)
    return [
        _input(
            ids.CLOSE_DATE_BLOCK,
            t(lang, "create.close_date.label"),
            date_picker,
            hint=t(lang, "create.close_date.hint"),
        ),
        _input(
            ids.CLOSE_TIME_BLOCK,
            t(lang, "create.close_time.label"),
            time_picker,
            hint=t(lang, "create.close_time.hint"),
        ),
        _input(
            ids.REMIND_BLOCK,
            t(lang, "create.remind.label"),
            remind_select,
            optional=False,
            hint=t(lang, "create.remind.hint"),
        ),
    ]


def _settings_blocks(values: FormValues, channel_id: str | None, lang: str) -> list[Block]:
    anonymous_option = option(t(lang, "create.anonymous.option"), ANONYMOUS_VALUE)
    anonymous: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": ids.FORM_ELEMENT,
        "options": [anonymous_option],
    }
    if ANONYMOUS_VALUE in _list_value(values, ids.ANONYMOUS_BLOCK):
        anonymous["initial_options"] = [anonymous_option]

    audiences = [option(t(lang, f"create.audience.{value}"), value) for value in AUDIENCE_CHOICES]
    audience = _text_value(values, ids.AUDIENCE_KIND_BLOCK) or AUDIENCE_CHANNEL
    audience_radio = _choice_element("radio_buttons", audiences, audience)

    people: dict[str, Any] = {"type": "multi_users_select", "action_id": ids.FORM_ELEMENT}
    people["placeholder"] = plain(t(lang, "create.people.placeholder"), MAX_PLACEHOLDER_TEXT)
    if chosen_people := _list_value(values, ids.AUDIENCE_PEOPLE_BLOCK):
        people["initial_users"] = chosen_people
    groups: dict[str, Any] = {"type": "plain_text_input", "action_id": ids.FORM_ELEMENT}
    groups["placeholder"] = plain(t(lang, "create.groups.placeholder"), MAX_PLACEHOLDER_TEXT)
    if group_text := _text_value(values, ids.AUDIENCE_GROUPS_BLOCK):
        groups["initial_value"] = group_text
    sample: dict[str, Any] = {
        "type": "number_input",
        "action_id": ids.FORM_ELEMENT,
        "is_decimal_allowed": False,
        "min_value": "1",
    }
    if sample_size := _text_value(values, ids.SAMPLE_SIZE_BLOCK):
        sample["initial_value"] = sample_size

    channel: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": ids.FORM_ELEMENT,
        "default_to_current_conversation": True,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if initial_channel := _text_value(values, ids.CHANNEL_BLOCK) or channel_id:
        channel["initial_conversation"] = initial_channel

    return [
        *_event_blocks(values, lang),
        *close_and_remind_blocks(values, lang),
        *_repeat_blocks(values, lang),
        _input(
            ids.ANONYMOUS_BLOCK,
            t(lang, "create.anonymous.label"),
            anonymous,
            hint=t(lang, "poll.anonymous_note"),
        ),
        _input(
            ids.AUDIENCE_KIND_BLOCK,
            t(lang, "create.audience.label"),
            audience_radio,
            optional=False,
        ),
        _input(
            ids.AUDIENCE_PEOPLE_BLOCK,
            t(lang, "create.people.label"),
            people,
            hint=t(lang, "create.people.hint"),
        ),
        _input(
            ids.AUDIENCE_GROUPS_BLOCK,
            t(lang, "create.groups.label"),
            groups,
            hint=t(lang, "create.groups.hint"),
        ),
        _input(
            ids.SAMPLE_SIZE_BLOCK,
            t(lang, "create.sample.label"),
            sample,
            hint=t(lang, "create.sample.hint"),
        ),
        _input(ids.CHANNEL_BLOCK, t(lang, "create.channel.label"), channel, optional=False),
    ]


def render_create_failed(problem: Message, *, kept_form: str | None, lang: str) -> Message:
    """The poll of a submitted form could not be posted: why, and a button that opens the form
    again with everything typed (when it fits in the button)."""
    blocks: list[Block] = [section(t(lang, "create.failed")), *map(dict, problem.blocks)]
    if kept_form is None:
        blocks.append(context(t(lang, "create.not_kept")))
    else:
        reopen = button(t(lang, "create.reopen"), ids.REOPEN_FORM_ACTION, kept_form)
        blocks.extend(actions(ids.REOPEN_FORM_BLOCK, [reopen]))
        blocks.append(context(t(lang, "create.reopen_hint")))
    return make_message(t(lang, "create.failed") + " " + problem.text, blocks)
