"""Block Kit pieces shared by every surface: limits, the Message type and element makers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from bot.i18n import format_decimal, format_duration, format_utc, t
from bot.services.ports import Message as Message
from bot.slack.blocks.text import escape, shorten, split_text

Block = dict[str, Any]
View = dict[str, Any]

# Slack's limits: https://docs.slack.dev/reference/block-kit/blocks (50 blocks in a message, 100
# in a modal or Home tab) and the pages of each block and element for the text lengths.
MAX_MESSAGE_BLOCKS: Final = 50
MAX_MODAL_BLOCKS: Final = 100
MAX_SECTION_TEXT: Final = 3000
MAX_HEADER_TEXT: Final = 150
MAX_BUTTON_TEXT: Final = 75
MAX_OPTION_TEXT: Final = 75
MAX_OPTION_DESCRIPTION: Final = 75
MAX_CONTEXT_ELEMENTS: Final = 10
MAX_ACTIONS_ELEMENTS: Final = 25
MAX_LABEL_TEXT: Final = 2000
MAX_PLACEHOLDER_TEXT: Final = 150
MAX_MODAL_TITLE: Final = 24
MAX_PRIVATE_METADATA: Final = 3000
MAX_FALLBACK_TEXT: Final = 4000
MAX_CONFIRM_TITLE: Final = 100
MAX_CONFIRM_TEXT: Final = 300
MAX_CONFIRM_BUTTON: Final = 30
# Slack answers msg_blocks_too_long well below 50 times 3,000 characters (seen near 13k), so a
# message's blocks carry at most this much text in total.
MESSAGE_TEXT_BUDGET: Final = 11_000
# User text quoted inside a one-line notice is cut to this, so the notice stays one line.
MAX_PARAM_TEXT: Final = 300


class Mrkdwn(str):
    """Text that is already Slack mrkdwn (a date token, a mention): inserted without escaping."""

    __slots__ = ()


def make_message(text: str, blocks: list[Block]) -> Message:
    """A Message whose fallback text is cut to Slack's advised 4,000 characters."""
    return Message(text=shorten(text, MAX_FALLBACK_TEXT), blocks=blocks)


def slack_date(moment: datetime, lang: str) -> Mrkdwn:
    """A Slack date token shown in the reader's time zone, with a UTC text as its fallback."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    unix = int(utc.timestamp())
    return Mrkdwn(f"<!date^{unix}^{{date_short_pretty}} {{time}}|{format_utc(moment, lang)}>")


def user_mention(user_id: str) -> Mrkdwn:
    """A mention of a Slack user (the organiser; never a respondent)."""
    return Mrkdwn(f"<@{escape(user_id)}>")


def format_param(value: object, lang: str) -> object:
    """A catalog parameter made safe for mrkdwn: user text escaped and cut, times as tokens."""
    if isinstance(value, Mrkdwn | bool | int):
        return value
    if isinstance(value, datetime):
        return slack_date(value, lang)
    if isinstance(value, timedelta):
        return format_duration(value, lang)
    if isinstance(value, float):
        return format_decimal(value, lang)
    return escape(shorten(str(value), MAX_PARAM_TEXT))


def tm(lang: str, key: str, **params: object) -> str:
    """Catalog text for mrkdwn: like t, with every parameter passed through format_param."""
    return t(lang, key, **{name: format_param(value, lang) for name, value in params.items()})


def plain(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    """A plain_text object (Slack shows it literally, so it is not escaped), cut to limit."""
    return {"type": "plain_text", "text": shorten(text, limit), "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object; text must already be escaped where it holds user text."""
    return {"type": "mrkdwn", "text": shorten(text, MAX_SECTION_TEXT)}


def section(text: str, *, accessory: Block | None = None, block_id: str | None = None) -> Block:
    """A section block with mrkdwn text (cut to 3,000 as a last guard; see sections)."""
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    if block_id is not None:
        block["block_id"] = block_id
    return block


def sections(text: str) -> list[Block]:
    """As many section blocks as text needs, split at line breaks or spaces; nothing is cut."""
    return [section(chunk) for chunk in split_text(text, MAX_SECTION_TEXT)]


def header(text: str) -> Block:
    """A header block (plain text, at most 150 characters)."""
    return {"type": "header", "text": plain(text, MAX_HEADER_TEXT)}


def context(*texts: str) -> Block:
    """A context block of mrkdwn texts (at most 10 elements)."""
    return {"type": "context", "elements": [mrkdwn(text) for text in texts[:MAX_CONTEXT_ELEMENTS]]}


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    """A modal's input block: label and hint as plain text inside Slack's limits."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label, MAX_LABEL_TEXT),
        "element": element,
    }
    if hint:
        block["hint"] = plain(hint, MAX_LABEL_TEXT)
    return block


def divider() -> Block:
    """A divider block."""
    return {"type": "divider"}


def confirm_dialog(title: str, text: str, confirm: str, deny: str) -> dict[str, Any]:
    """A confirmation dialog object for a button."""
    return {
        "title": plain(title, MAX_CONFIRM_TITLE),
        "text": plain(text, MAX_CONFIRM_TEXT),
        "confirm": plain(confirm, MAX_CONFIRM_BUTTON),
        "deny": plain(deny, MAX_CONFIRM_BUTTON),
    }


def button(
    text: str,
    action_id: str,
    value: str,
    *,
    style: str | None = None,
    confirm: dict[str, Any] | None = None,
) -> Block:
    """A button element (text at most 75 characters)."""
    element: Block = {
        "type": "button",
        "text": plain(text, MAX_BUTTON_TEXT),
        "action_id": action_id,
        "value": value,
    }
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def actions(block_id: str, elements: Sequence[Block]) -> list[Block]:
    """Actions blocks holding elements, 25 to a block; later blocks get a numbered block_id."""
    return [
        {
            "type": "actions",
            "block_id": block_id if start == 0 else f"{block_id}.{start // MAX_ACTIONS_ELEMENTS}",
            "elements": list(elements[start : start + MAX_ACTIONS_ELEMENTS]),
        }
        for start in range(0, len(elements), MAX_ACTIONS_ELEMENTS)
    ]


def option(text: str, value: str, description: str | None = None) -> dict[str, Any]:
    """An option object for selects, radio buttons and checkboxes (text at most 75)."""
    result: dict[str, Any] = {"text": plain(text, MAX_OPTION_TEXT), "value": value}
    if description:
        result["description"] = plain(description, MAX_OPTION_DESCRIPTION)
    return result


def modal_text(text: str) -> dict[str, Any]:
    """A plain_text object for a modal title, submit or close button (at most 24)."""
    return plain(text, MAX_MODAL_TITLE)
