"""When two wishes or options are the same: equal text ignoring case, spaces and punctuation.

The one rule for "the same wish" everywhere: a suggestion like an existing option
(bot.domain.suggestions), the wishes merged for a follow-up vote and checked in its form, and the
outcome form's wishes (bot.domain.wishes, which bot.domain.outcome lists)."""

from __future__ import annotations

import unicodedata

from bot.domain.text import plain


def same_wish_key(text: str) -> str:
    """A key equal for texts that differ only in case, spaces, punctuation and symbols.

    text is people's text in the stored form (bot.domain.text): a mention counts as the name a
    reader sees. "Pizza!", " pizza " and "PIZZA" share a key; "Pizza" and "Pizzas" do not. A
    text of nothing but punctuation or emoji keeps those (without spaces), so that ":)" and
    "!!" stay apart rather than both becoming the empty key."""
    readable = unicodedata.normalize("NFKC", plain(text)).casefold()
    letters = "".join(char for char in readable if _is_letter_or_digit(char))
    if letters:
        return letters
    return "".join(char for char in readable if not char.isspace())


def _is_letter_or_digit(char: str) -> bool:
    # Combining marks belong to their letter ("é" written as e + accent after NFKC stays é).
    return unicodedata.category(char)[0] in "LNM"
