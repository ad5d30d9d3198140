"""Text for Block Kit: people's text as mrkdwn or plain text, escaping of the bot's own text, and
cutting long text at safe places to fit Slack limits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.domain import text as people_text

ELLIPSIS = "…"
# Characters that belong to the character before them: cutting in front of one would tear an
# accent off its letter or an emoji sequence apart.
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")
_MAX_BACKOFF = 16
# Slack shows a person mention by their current name; the label Slack sent is only for plain text.
_LABELLED_USER = re.compile(r"<@([UW][A-Z0-9]+)\|[^>]*>")


def escape(text: str) -> str:
    """Escape &, < and > in plain text, so that it cannot mention, link or form a Slack token."""
    return people_text.escape(text)


def user_mrkdwn(stored: str) -> str:
    """People's text (bot.domain.text's stored form) as Slack mrkdwn: a person or channel they
    mentioned is a mention, a link they typed a link, everything else reads as typed."""
    decoded = people_text.decode_slack(stored)
    return _LABELLED_USER.sub(r"<@\1>", decoded) if "<@" in decoded else decoded


def user_plain(stored: str) -> str:
    """People's text where Slack shows plain text (buttons, options, labels): @name, #name."""
    return people_text.plain(stored)


def _glues_to_previous(text: str, index: int) -> bool:
    char = text[index]
    return (
        char in _JOINERS
        or text[index - 1] == "\u200d"
        or unicodedata.combining(char) != 0
        or 0x1F3FB <= ord(char) <= 0x1F3FF  # skin-tone modifiers
    )


def _safe_cut(text: str, index: int, start: int = 0) -> int:
    """The largest cut ≤ index (and > start if possible) that splits no entity, token or glyph."""
    if index >= len(text):
        return len(text)
    cut = index
    # Escaped text holds "&" only as the start of &amp; &lt; &gt; (at most 5 characters).
    amp = text.rfind("&", max(start, cut - 4), cut)
    if amp != -1 and text.find(";", amp, cut) == -1:
        cut = amp
    # Inside <…> (a date token or mention) when the last "<" comes after the last ">".
    if text.rfind("<", start, cut) > text.rfind(">", start, cut):
        cut = text.rfind("<", start, cut)
    steps = 0
    while cut > start + 1 and steps < _MAX_BACKOFF and _glues_to_previous(text, cut):
        cut -= 1
        steps += 1
    # A token or glyph longer than the whole limit cannot be kept whole; cut it rather than loop.
    return cut if cut > start else index


def shorten(text: str, limit: int) -> str:
    """text cut at a safe place to at most limit characters, ending in … when cut."""
    if len(text) <= limit:
        return text
    cut = _safe_cut(text, limit - len(ELLIPSIS))
    return text[:cut].rstrip() + ELLIPSIS


def _cut_point(text: str, start: int, end: int) -> tuple[int, int]:
    """Where a chunk from start (at most end) ends, and where the next one begins."""
    newline = text.rfind("\n", start + 1, end + 1)
    if newline > start:
        return newline, newline + 1
    space = text.rfind(" ", start + 1, end + 1)
    if space > start:
        opening = text.rfind("<", start, space)
        if opening <= text.rfind(">", start, space):
            return space, space + 1
        if opening > start:  # the space is inside a <token>: move the whole token on
            return opening, opening
    cut = _safe_cut(text, end, start)
    return cut, cut


def split_text(text: str, limit: int) -> list[str]:
    """text in chunks of at most limit characters, cut at line breaks, then spaces, nothing lost.

    Only the one line break or space a chunk is cut at is dropped."""
    chunks: list[str] = []
    start = 0
    while len(text) - start > limit:
        end, start_next = _cut_point(text, start, start + limit)
        chunks.append(text[start:end])
        start = start_next
    if start < len(text) or not chunks:
        chunks.append(text[start:])
    return chunks


def join_within(pieces: Iterable[tuple[str, str]], limit: int) -> list[str]:
    """Greedily join (separator, text) pieces, each at most limit long, into chunks ≤ limit.

    The separator goes in front of a piece only when it joins a chunk that already has text."""
    chunks: list[str] = []
    parts: list[str] = []
    size = 0
    for separator, piece in pieces:
        if parts and size + len(separator) + len(piece) <= limit:
            parts.append(separator)
            parts.append(piece)
            size += len(separator) + len(piece)
            continue
        if parts:
            chunks.append("".join(parts))
        parts = [piece]
        size = len(piece)
    if parts:
        chunks.append("".join(parts))
    return chunks


def quote_pieces(text: str, limit: int, *, separator: str) -> list[tuple[str, str]]:
    """People's text as a mrkdwn blockquote, in (separator, text) pieces of at most limit.

    The first piece carries separator; the lines of one text join with a line break. Blank lines
    are dropped because they would end the quote and make one answer look like two."""
    pieces: list[tuple[str, str]] = []
    width = limit - 2
    for line in user_mrkdwn(text).splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        for segment in split_text(stripped, width):
            pieces.append((separator if not pieces else "\n", "> " + segment))
    return pieces
