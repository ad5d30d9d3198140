"""What the create form's input says: a poll draft, or every wrong field with its message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final, Protocol

from bot.domain.durations import parse_duration
from bot.domain.errors import InvalidPollInput, PollError
from bot.domain.model import (
    DEFAULT_CLOSE_AFTER,
    MAX_DOTS,
    MAX_PLACES,
    MAX_QUESTIONS,
    MIN_DOTS,
    MIN_PLACES,
    AbsoluteClose,
    Audience,
    AudienceKind,
    CloseSpec,
    Every,
    PollDraft,
    Question,
    QuestionKind,
)
from bot.domain.suggestions import accepts_suggestions
from bot.domain.text import encode_typed
from bot.domain.validation import (
    options_field,
    resolved_size,
    size_field,
    validate_close,
    validate_draft,
    validate_event,
    validate_questions,
)
from bot.slack import ids
from bot.slack.blocks.create_form import (
    ANONYMOUS_VALUE,
    AUDIENCE_CHANNEL,
    AUDIENCE_PEOPLE,
    AUDIENCE_SAMPLE,
    DEFAULT_REMIND_CHOICE,
    OPEN_VALUE,
    REMIND_OFF,
)
from bot.slack.blocks.form_state import FormValues, form_errors_for
from bot.slack.blocks.notices import error_text
from bot.slack.payloads import WHOLE_NUMBER, read_form_values

_DATE: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME: Final = re.compile(r"(\d{1,2}):(\d{2})")
_GROUP_MENTION: Final = re.compile(r"<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>")
_USER_MENTION: Final = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_GROUP_ID: Final = re.compile(r"S[A-Z0-9]{2,}")
# A typed handle such as @design: plain text inputs do not turn it into a mention, so the
# services look it up (Audience keeps it as "@design" until then).
_GROUP_HANDLE: Final = re.compile(r"@?([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)
_SEPARATORS: Final = re.compile(r"[\s,;]+")


class _Fail(Protocol):
    """Records the error of one form block (the first one per block wins)."""

    def __call__(self, block_id: str, error: PollError, **overrides: object) -> None: ...


class FormErrors(Exception):
    """Field errors of a submitted form: block_id → message, for ack(response_action="errors")."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _text(values: FormValues, block_id: str) -> str:
    value = values.get(block_id)
    return value.strip() if isinstance(value, str) else ""


def _items(values: FormValues, block_id: str) -> list[str]:
    value = values.get(block_id)
    if isinstance(value, str):
        return [value]
    return list(value or [])


def read_create_form(state_values: Mapping[str, Any], *, lang: str) -> PollDraft:
    """The draft a submitted create form describes; FormErrors lists every wrong field."""
    values = read_form_values(state_values)
    errors: dict[str, str] = {}

    def fail(block_id: str, error: PollError, **overrides: object) -> None:
        errors.setdefault(block_id, error_text(error, lang=lang, **overrides))

    questions = _read_questions(values, errors, fail)
    close = _read_close(values, fail)
    event = _read_event(values, fail)
    every, first_start = _read_repeat(values, fail)
    remind_every, remind_explicit = _read_remind(values, fail)
    audience = _read_audience(values, fail)
    channel_id = _text(values, ids.CHANNEL_BLOCK)
    if not channel_id:
        fail(ids.CHANNEL_BLOCK, InvalidPollInput("error.form_missing_channel"))
    if errors:
        raise FormErrors(errors)
    draft = PollDraft(
        questions=tuple(questions),
        anonymous=ANONYMOUS_VALUE in _items(values, ids.ANONYMOUS_BLOCK),
        close=close,
        remind_every=remind_every,
        remind_explicit=remind_explicit,
        audience=audience,
        channel_id=channel_id,
        close_explicit=bool(_text(values, ids.CLOSE_DATE_BLOCK)),
        event=event,
        every=every,
        first_start=first_start,
    )
    try:
        validate_draft(draft)
    except InvalidPollInput as error:
        raise FormErrors(form_errors_for(error, lang=lang)) from None
    return draft


def _read_questions(values: FormValues, errors: dict[str, str], fail: _Fail) -> list[Question]:
    """The filled-in questions; a block without text is skipped unless it has options."""
    questions: list[Question] = []
    kinds = {kind.value: kind for kind in QuestionKind}
    for index in range(MAX_QUESTIONS):
        text_id = ids.question_text_block_id(index)
        options_id = ids.question_options_block_id(index)
        # Modal inputs arrive as typed; they are kept in the stored form of people's text.
        text = encode_typed(_text(values, text_id))
        options = tuple(
            encode_typed(line.strip())
            for line in _text(values, options_id).splitlines()
            if line.strip()
        )
        # The form's labels count from its blocks, so messages name the block's number.
        number = index + 1
        if not text:
            if options:
                fail(text_id, InvalidPollInput("error.empty_question", number=number))
            continue
        kind = kinds.get(_text(values, ids.question_kind_block_id(index)), QuestionKind.SINGLE)
        size_id = ids.question_size_block_id(index)
        size_text = _text(values, size_id)
        sized = kind in (QuestionKind.DOTS, QuestionKind.RANK)
        if size_text and (not sized or not WHOLE_NUMBER.fullmatch(size_text)):
            # A number for another kind is refused rather than dropped: someone who typed 2
            # for a multiple choice may expect "at most 2", which it is not.
            fail(size_id, _size_error(kind, size_text, number))
            continue
        open_id = ids.question_open_block_id(index)
        is_open = OPEN_VALUE in _items(values, open_id)
        if is_open and not accepts_suggestions(kind):
            fail(open_id, InvalidPollInput("error.open_needs_choices", number=number))
            continue
        size = resolved_size(kind, int(size_text) if size_text else None, len(options))
        question = Question(text=text, kind=kind, options=options, size=size, open=is_open)
        try:
            validate_questions((question,))
        except InvalidPollInput as error:
            block_id = {options_field(0): options_id, size_field(0): size_id}.get(
                error.field or "", text_id
            )
            fail(block_id, error, number=number)
            continue
        questions.append(question)
    if not questions and not errors:
        fail(ids.question_text_block_id(0), InvalidPollInput("error.no_questions"))
    return questions


def _size_error(kind: QuestionKind, text: str, number: int) -> InvalidPollInput:
    """What a size that is not a whole number is told, by the kind it was meant for."""
    if kind is QuestionKind.DOTS:
        return InvalidPollInput("error.bad_dots", value=text, min=MIN_DOTS, max=MAX_DOTS)
    if kind is QuestionKind.RANK:
        return InvalidPollInput("error.bad_places", value=text, min=MIN_PLACES, max=MAX_PLACES)
    return InvalidPollInput("error.size_not_allowed", number=number)


def read_close(values: FormValues, fail: _Fail) -> CloseSpec:
    """The close date and time inputs (bot.slack.blocks.create_form.close_and_remind_blocks)."""
    return _read_close(values, fail)


def read_remind(values: FormValues, fail: _Fail) -> tuple[timedelta | None, bool]:
    """The reminder input: (remind_every, remind_explicit)."""
    return _read_remind(values, fail)


def _read_close(values: FormValues, fail: _Fail) -> CloseSpec:
    close = _read_date_time(
        values,
        (ids.CLOSE_DATE_BLOCK, ids.CLOSE_TIME_BLOCK),
        fail,
        bad="error.bad_close",
        no_date="error.form_time_without_date",
    )
    if close is None:
        return DEFAULT_CLOSE_AFTER
    try:
        validate_close(close)
    except InvalidPollInput as error:
        fail(ids.CLOSE_DATE_BLOCK, error)
    return close


def _read_event(values: FormValues, fail: _Fail) -> AbsoluteClose | None:
    event = _read_date_time(
        values,
        (ids.EVENT_DATE_BLOCK, ids.EVENT_TIME_BLOCK),
        fail,
        bad="error.bad_event",
        no_date="error.form_event_time_without_date",
    )
    if event is not None:
        try:
            validate_event(event)
        except InvalidPollInput as error:
            fail(ids.EVENT_DATE_BLOCK, error)
    return event


def _read_repeat(values: FormValues, fail: _Fail) -> tuple[Every | None, AbsoluteClose | None]:
    """The repeat select and the first start's date and time (empty: the poll starts now)."""
    chosen = _text(values, ids.REPEAT_BLOCK)
    every = next((e for e in Every if e.value == chosen), None)
    first_start = _read_date_time(
        values,
        (ids.FIRST_START_DATE_BLOCK, ids.FIRST_START_TIME_BLOCK),
        fail,
        bad="error.bad_first_start",
        no_date="error.form_first_time_without_date",
    )
    return every, first_start


def _read_date_time(
    values: FormValues, blocks: tuple[str, str], fail: _Fail, *, bad: str, no_date: str
) -> AbsoluteClose | None:
    """A date picker and its optional time picker; None when no date was picked."""
    date_block, time_block = blocks
    date_text = _text(values, date_block)
    time_text = _text(values, time_block)
    if not date_text:
        if time_text:
            fail(date_block, InvalidPollInput(no_date))
        return None
    date_match = _DATE.fullmatch(date_text)
    if date_match is None:
        fail(date_block, InvalidPollInput(bad, value=date_text))
        return None
    year, month, day = (int(part) for part in date_match.groups())
    hour: int | None = None
    minute = 0
    if time_text:
        time_match = _TIME.fullmatch(time_text)
        if time_match is None or int(time_match[1]) > 23 or int(time_match[2]) > 59:
            fail(time_block, InvalidPollInput(bad, value=time_text))
            return None
        hour, minute = int(time_match[1]), int(time_match[2])
    return AbsoluteClose(year, month, day, hour, minute)


def _read_remind(values: FormValues, fail: _Fail) -> tuple[timedelta | None, bool]:
    """(remind_every, remind_explicit): explicit when the organiser changed the default."""
    choice = _text(values, ids.REMIND_BLOCK) or DEFAULT_REMIND_CHOICE
    explicit = choice != DEFAULT_REMIND_CHOICE
    if choice == REMIND_OFF:
        return None, explicit
    try:
        return parse_duration(choice), explicit
    except InvalidPollInput as error:
        fail(ids.REMIND_BLOCK, error)
        return None, explicit


def _read_audience(values: FormValues, fail: _Fail) -> Audience:
    kind = _text(values, ids.AUDIENCE_KIND_BLOCK) or AUDIENCE_CHANNEL
    user_ids = list(_items(values, ids.AUDIENCE_PEOPLE_BLOCK))
    group_ids = _read_groups(_text(values, ids.AUDIENCE_GROUPS_BLOCK), user_ids, fail)
    user_ids = list(dict.fromkeys(user_ids))
    chosen = bool(user_ids or group_ids)
    if kind == AUDIENCE_CHANNEL:
        if chosen:
            # Asking the whole channel when people were picked would surprise the organiser.
            fail(ids.AUDIENCE_KIND_BLOCK, InvalidPollInput("error.form_audience_mismatch"))
        return Audience()
    sample_size: int | None = None
    if kind == AUDIENCE_SAMPLE:
        sample_size = _read_sample(_text(values, ids.SAMPLE_SIZE_BLOCK), fail)
    elif kind == AUDIENCE_PEOPLE and not chosen:
        fail(ids.AUDIENCE_PEOPLE_BLOCK, InvalidPollInput("error.empty_audience"))
    return Audience(
        kind=AudienceKind.PEOPLE if chosen else AudienceKind.CHANNEL,
        user_ids=tuple(user_ids),
        usergroup_ids=tuple(group_ids),
        sample_size=sample_size,
    )


def _read_groups(text: str, user_ids: list[str], fail: _Fail) -> list[str]:
    """User groups from pasted mentions, ids or @handles; pasted user mentions join user_ids."""
    group_ids = [match[1] for match in _GROUP_MENTION.finditer(text)]
    user_ids.extend(match[1] for match in _USER_MENTION.finditer(text))
    rest = _USER_MENTION.sub(" ", _GROUP_MENTION.sub(" ", text))
    for word in _SEPARATORS.split(rest.strip()):
        if not word:
            continue
        if _GROUP_ID.fullmatch(word):
            group_ids.append(word)
        elif handle := _GROUP_HANDLE.fullmatch(word):
            group_ids.append("@" + handle[1].lower())
        else:
            fail(ids.AUDIENCE_GROUPS_BLOCK, InvalidPollInput("error.form_bad_group", value=word))
    return list(dict.fromkeys(group_ids))


def _read_sample(text: str, fail: _Fail) -> int | None:
    if not text:
        fail(ids.SAMPLE_SIZE_BLOCK, InvalidPollInput("error.form_sample_required"))
        return None
    if not WHOLE_NUMBER.fullmatch(text) or int(text) < 1:
        fail(ids.SAMPLE_SIZE_BLOCK, InvalidPollInput("error.bad_sample", value=text))
        return None
    return int(text)
