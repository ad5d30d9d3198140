"""Options suggested by respondents: which questions take them, what may be added, and the
fingerprints that tell a click or a form rendered before a removal from a current one."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.likeness import same_wish_key
from bot.domain.model import (
    MAX_OPTIONS,
    MAX_SUGGESTION_LENGTH,
    Poll,
    Question,
    QuestionKind,
)
from bot.domain.text import plain

# Single and multiple choice and dot voting; a ranking's places are fixed by its options.
SUGGESTION_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.DOTS})


_DIGEST = re.compile(r"[0-9a-f]{10}")
_COUNT = re.compile(r"\d{1,2}")


def accepts_suggestions(kind: QuestionKind) -> bool:
    """Whether a question of this kind can be opened to suggestions."""
    return kind in SUGGESTION_KINDS


def open_questions(poll: Poll) -> list[int]:
    """Positions of the poll's questions that take suggestions."""
    return [i for i, q in enumerate(poll.questions) if q.open and accepts_suggestions(q.kind)]


def existing_like(options: Sequence[str], text: str) -> int | None:
    """Position of an option that is the same as text (ignoring case, spaces, punctuation)."""
    key = same_wish_key(text)
    return next((i for i, option in enumerate(options) if same_wish_key(option) == key), None)


def suggestion_length(text: str) -> int:
    """How long a suggestion reads (a mention counts as its name, "&amp;" as one character)."""
    return len(plain(text).strip())


def room_for_suggestions(question: Question) -> bool:
    return len(question.options) < MAX_OPTIONS


def fits_suggestion(text: str) -> bool:
    return 0 < suggestion_length(text) <= MAX_SUGGESTION_LENGTH


def options_digest(options: Sequence[str]) -> str:
    """A short fingerprint of a list of option texts (in order)."""
    digest = hashlib.blake2b(digest_size=5)
    for text in options:
        digest.update(text.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class OptionsCheck:
    """The options a click or a form was rendered with: how many each question had, and a
    fingerprint of them. Suggestions are only ever added at the end, so a check still holds
    while those first options are unchanged; a removal renumbers them and breaks it."""

    counts: tuple[int, ...]
    digest: str

    def token(self) -> str:
        """The check as text for a form's private_metadata: "3.0.5:1a2b3c4d5e"."""
        return ".".join(str(count) for count in self.counts) + ":" + self.digest

    @classmethod
    def from_token(cls, token: str) -> OptionsCheck | None:
        """The check a token says; None when it is not one."""
        counts_text, colon, digest = token.partition(":")
        counts = counts_text.split(".")
        if (
            not colon
            or not _DIGEST.fullmatch(digest)
            or not all(_COUNT.fullmatch(c) for c in counts)
        ):
            return None
        return cls(tuple(int(count) for count in counts), digest)

    def holds_for(self, options: Sequence[Sequence[str]]) -> bool:
        """Whether the questions' current options begin with the ones rendered."""
        if len(options) != len(self.counts):
            return False
        if any(len(now) < count for now, count in zip(options, self.counts, strict=True)):
            return False
        return _digest_of(options, self.counts) == self.digest


def form_check(poll: Poll) -> OptionsCheck:
    """The check of an answer form showing every option of every question."""
    options = [q.options for q in poll.questions]
    counts = tuple(len(o) for o in options)
    return OptionsCheck(counts, _digest_of(options, counts))


def vote_check(poll: Poll, option: int) -> OptionsCheck:
    """The check of a one-click button: the options up to and including the one clicked."""
    counts = (option + 1, *(0 for _ in poll.questions[1:]))
    return OptionsCheck(counts, _digest_of([q.options for q in poll.questions], counts))


def _digest_of(options: Sequence[Sequence[str]], counts: Sequence[int]) -> str:
    texts: list[str] = []
    for question_options, count in zip(options, counts, strict=True):
        texts.extend(question_options[:count])
        texts.append("\x01")  # keeps ("a", "b") | () apart from ("a",) | ("b",)
    return options_digest(texts)
