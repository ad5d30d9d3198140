"""Splitting slash command text into quoted texts and bare words, tolerant of Slack's quotes."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.domain.errors import InvalidPollInput
from bot.domain.text import decode_slack

# Slack clients turn typed quotes into typographic ones, and Finnish writes ”…” or „…“, so any
# member of a family may open or close; the other family may appear freely inside.
# Written as escapes because several of them look like commas, backticks or angle brackets.
DOUBLE_QUOTES = frozenset('"\u201c\u201d\u201e\u201f\u00ab\u00bb')
SINGLE_QUOTES = frozenset("'\u2018\u2019\u201a\u201b\u2039\u203a")
QUOTE_CHARS = DOUBLE_QUOTES | SINGLE_QUOTES
# Commas and semicolons are forgiven between items ("A", "B"; <@U1>,<@U2>).
_SEPARATORS = frozenset(",;")
_EXCERPT_LENGTH = 40


class TokenKind(enum.Enum):
    """Whether a token was written in quotes."""

    QUOTED = "quoted"
    WORD = "word"


@dataclass(frozen=True, slots=True)
class Token:
    """A quoted text (in the stored form of people's text, see bot.domain.text) or a bare word
    exactly as Slack sent it."""

    kind: TokenKind
    text: str


def _is_separator(char: str) -> bool:
    return char.isspace() or char in _SEPARATORS


def _family(quote: str) -> frozenset[str]:
    return DOUBLE_QUOTES if quote in DOUBLE_QUOTES else SINGLE_QUOTES


def _find_closing_quote(text: str, start: int, family: frozenset[str]) -> int:
    """Index of the quote closing a text that begins at start, or -1."""
    for index in range(start, len(text)):
        if text[index] not in family:
            continue
        following = text[index + 1 : index + 2]
        # A quote followed by a letter or digit is an apostrophe (What's, don't), not the end.
        if not following or not following.isalnum():
            return index
    return -1


def _word_end(text: str, start: int) -> int:
    """Index just past a bare word; a Slack <…> sequence stays whole even if it has spaces."""
    index = start
    while index < len(text) and not _is_separator(text[index]):
        if text[index] == "<":
            closing = text.find(">", index)
            if closing != -1:
                index = closing + 1
                continue
        index += 1
    return index


def tokenize(text: str) -> list[Token]:
    """Split text into quoted texts and bare words; raise on a quote that is never closed."""
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if _is_separator(char):
            index += 1
        elif char in QUOTE_CHARS:
            closing = _find_closing_quote(text, index + 1, _family(char))
            if closing == -1:
                raise InvalidPollInput(
                    "error.unclosed_quote", value=text[index : index + _EXCERPT_LENGTH]
                )
            tokens.append(Token(TokenKind.QUOTED, decode_slack(text[index + 1 : closing])))
            index = closing + 1
        else:
            end = _word_end(text, index)
            tokens.append(Token(TokenKind.WORD, text[index:end]))
            index = end
    return tokens
