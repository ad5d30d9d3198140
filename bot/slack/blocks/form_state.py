"""What the create form carries between renders: its values, its metadata, where errors show."""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass
from typing import Final

from bot.domain.errors import InvalidPollInput, PollError
from bot.domain.model import MAX_QUESTIONS
from bot.domain.validation import (
    AUDIENCE_FIELD,
    CHANNEL_FIELD,
    CLOSE_FIELD,
    EVENT_FIELD,
    GROUPS_FIELD,
    REMIND_FIELD,
    REPEAT_FIELD,
    SAMPLE_SIZE_FIELD,
)
from bot.slack import ids
from bot.slack.blocks.notices import error_text
from bot.slack.blocks.templates import BLANK_TEMPLATE, TEMPLATES

# What the form carries between renders: block_id → the element's value ("2026-12-01", "1d",
# "C123", …) or values (checkboxes, multi selects). Made by payloads.read_form_values.
FormValues = dict[str, str | list[str]]

# Where an InvalidPollInput's field shows in the form; question fields are "q0", "q0_options".
_FIELD_BLOCKS: Final = {
    CLOSE_FIELD: ids.CLOSE_DATE_BLOCK,
    REPEAT_FIELD: ids.REPEAT_BLOCK,
    EVENT_FIELD: ids.EVENT_DATE_BLOCK,
    REMIND_FIELD: ids.REMIND_BLOCK,
    AUDIENCE_FIELD: ids.AUDIENCE_PEOPLE_BLOCK,
    GROUPS_FIELD: ids.AUDIENCE_GROUPS_BLOCK,
    SAMPLE_SIZE_FIELD: ids.SAMPLE_SIZE_BLOCK,
    CHANNEL_FIELD: ids.CHANNEL_BLOCK,
}
_QUESTION_FIELD = re.compile(r"q(\d+)(_options|_size)?")


@dataclass(frozen=True, slots=True)
class FormMetadata:
    """What the create form remembers in private_metadata between renders."""

    channel_id: str | None = None
    question_count: int = 1
    template: str = BLANK_TEMPLATE


def write_form_metadata(metadata: FormMetadata) -> str:
    """The create form's private_metadata (a few dozen characters, far below Slack's 3,000)."""
    return json.dumps(
        {
            "channel_id": metadata.channel_id,
            "question_count": metadata.question_count,
            "template": metadata.template,
        }
    )


def read_form_metadata(private_metadata: str) -> FormMetadata:
    """The create form's private_metadata; defaults where it is missing or garbled."""
    try:
        data = json.loads(private_metadata)
    except ValueError:
        return FormMetadata()
    if not isinstance(data, dict):
        return FormMetadata()
    channel_id = data.get("channel_id")
    count = data.get("question_count")
    template = data.get("template")
    return FormMetadata(
        channel_id=channel_id if isinstance(channel_id, str) and channel_id else None,
        question_count=min(MAX_QUESTIONS, max(1, count)) if isinstance(count, int) else 1,
        template=template if template in TEMPLATES else BLANK_TEMPLATE,
    )


# A button's value holds at most 2,000 characters
# (https://docs.slack.dev/reference/block-kit/block-elements/button-element).
MAX_KEPT_FORM = 2000


def pack_form(values: FormValues, metadata: FormMetadata) -> str | None:
    """The create form's values in a button value (compressed), so that "Open the form again"
    brings everything back; None when they do not fit."""
    document = {"values": values, "metadata": json.loads(write_form_metadata(metadata))}
    packed = zlib.compress(json.dumps(document, separators=(",", ":")).encode(), level=9)
    token = base64.urlsafe_b64encode(packed).decode("ascii")
    return token if len(token) <= MAX_KEPT_FORM else None


def unpack_form(token: str) -> tuple[FormValues, FormMetadata]:
    """What pack_form kept; an empty form when the token is not one of ours."""
    try:
        document = json.loads(zlib.decompress(base64.urlsafe_b64decode(token.encode("ascii"))))
    except (ValueError, binascii.Error, zlib.error, UnicodeEncodeError):
        return {}, FormMetadata()
    if not isinstance(document, dict):
        return {}, FormMetadata()
    raw_values = document.get("values")
    values: FormValues = {}
    if isinstance(raw_values, dict):
        for key, value in raw_values.items():
            if isinstance(value, str):
                values[str(key)] = value
            elif isinstance(value, list) and all(isinstance(item, str) for item in value):
                values[str(key)] = list(value)
    metadata = read_form_metadata(json.dumps(document.get("metadata")))
    return values, metadata


def block_for_field(field: str | None) -> str:
    """The create form block where an error about field shows (the first question if unknown)."""
    if field in _FIELD_BLOCKS:
        return _FIELD_BLOCKS[field]
    match = _QUESTION_FIELD.fullmatch(field or "")
    index = int(match[1]) if match and int(match[1]) < MAX_QUESTIONS else 0
    if match and match[2] == "_size":
        return ids.question_size_block_id(index)
    if match and match[2]:
        return ids.question_options_block_id(index)
    return ids.question_text_block_id(index)


def form_errors_for(error: PollError, *, lang: str) -> dict[str, str]:
    """The errors argument of ack(response_action="errors") for one domain error."""
    field = error.field if isinstance(error, InvalidPollInput) else None
    return {block_for_field(field): error_text(error, lang=lang)}
