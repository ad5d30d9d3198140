"""The wishes of a closed poll: free-text answers split into single wishes, near-duplicates
merged, most frequent first, each short enough to be an option of a follow-up vote.

Texts are people's text in the stored form of bot.domain.text; lengths count what a person reads
(bot.domain.text.plain), as validation does, and a cut never splits a mention, link or entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from bot.domain.errors import InvalidPollInput
from bot.domain.likeness import same_wish_key
from bot.domain.model import (
    ANONYMITY_THRESHOLD,
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MIN_OPTIONS,
    Poll,
    QuestionKind,
)
from bot.domain.tally import PollTally, QuestionResult, TextResult
from bot.domain.text import plain

ELLIPSIS: Final = "…"
# A follow-up vote's options are the wishes: as many as a choice question takes.
MIN_WISHES: Final = MIN_OPTIONS
MAX_WISHES: Final = MAX_OPTIONS
WISHES_FIELD: Final = "wishes"
# A list item: "-", "*", "+", "•" and its kin (·, ‣, ◦, ▪, en and em dash), or "1." / "1)" /
# "a)", followed by a space.
_BULLET: Final = re.compile(
    "^(?:[-*+\u2022\u00b7\u2023\u25e6\u25aa\u2013\u2014]|\\d{1,2}[.)]|[a-zA-Z][)])\\s+"
)
# One piece of stored text: a Slack token, an entity, or one character.
_PIECE: Final = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);|.", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Wish:
    """One wish: text fits an option (at most 75 readable characters, "…" when shortened),
    full_text is what was written, count how many people wished it."""

    text: str
    full_text: str
    count: int

    @property
    def shortened(self) -> bool:
        return self.text != self.full_text


def has_wishes(poll: Poll) -> bool:
    """Whether the poll gathers wishes: a free-text question, or options people suggested."""
    return any(q.kind is QuestionKind.TEXT or q.suggestions for q in poll.questions)


def poll_wishes(
    poll: Poll, tally: PollTally, *, threshold: int = ANONYMITY_THRESHOLD
) -> list[Wish]:
    """The wishes of a poll's free-text answers and suggested options, most frequent first.

    In an anonymous poll a question answered by fewer than threshold people gives none: its
    summary hides the texts, so the follow-up form must not show them either."""
    written: list[str] = []
    for result in tally.results:
        if isinstance(result, TextResult) and not too_few_to_show(poll, tally, result, threshold):
            written.extend(result.texts)
    suggested = [
        question.options[suggestion.position]
        for question in poll.questions
        for suggestion in question.suggestions
        if 0 <= suggestion.position < len(question.options)
    ]
    return gather_wishes(written, suggested)


def too_few_to_show(
    poll: Poll, tally: PollTally, result: QuestionResult, threshold: int = ANONYMITY_THRESHOLD
) -> bool:
    """Whether an anonymous poll had too few answers, in all or to this question, for the
    question's texts or counts to be shown without telling who answered what."""
    return poll.anonymous and (tally.responded < threshold or result.answered < threshold)


def gather_wishes(answers: Iterable[str], suggestions: Iterable[str] = ()) -> list[Wish]:
    """Wishes of free-text answers (each split into its list items) and suggested options:
    one per near-duplicate group, counted once per person, most frequent first (ties: first
    seen), shown in the words of the first one seen."""
    first_text: dict[str, str] = {}
    counts: dict[str, int] = {}
    for answer in [*(split_wishes(a) for a in answers), *([s.strip()] for s in suggestions)]:
        keys_of_person: set[str] = set()
        for wish in answer:
            if not wish:
                continue
            key = same_wish_key(wish)
            first_text.setdefault(key, wish)
            if key not in keys_of_person:
                keys_of_person.add(key)
                counts[key] = counts.get(key, 0) + 1
    order = {key: index for index, key in enumerate(first_text)}
    ranked = sorted(first_text, key=lambda key: (-counts[key], order[key]))
    return [
        Wish(text=shorten_wish(first_text[key]), full_text=first_text[key], count=counts[key])
        for key in ranked
    ]


def split_wishes(answer: str) -> list[str]:
    """One person's answer as separate wishes: one per non-empty line, list markers removed."""
    wishes = []
    for line in answer.splitlines():
        item = _BULLET.sub("", line.strip()).strip()
        if item:
            wishes.append(item)
    return wishes


def shorten_wish(text: str, limit: int = MAX_OPTION_LENGTH) -> str:
    """text cut at a word boundary so that a person reads at most limit characters, ending in
    "…"; a mention, link or entity stays whole or goes."""
    if len(plain(text)) <= limit:
        return text
    pieces = _PIECE.findall(text)
    room = limit - len(ELLIPSIS)
    kept = 0  # pieces that fit
    word_end = 0  # pieces up to the last space that fits
    length = 0
    for index, piece in enumerate(pieces):
        length += len(plain(piece))
        if length > room:
            break
        kept = index + 1
        if piece.isspace():
            word_end = index
    cut = word_end if word_end > 0 else kept
    return "".join(pieces[:cut]).rstrip() + ELLIPSIS


def wish_lines(wishes: Sequence[Wish]) -> str:
    """The wishes one per line, as a person reads them (the form's pre-filled list)."""
    return "\n".join(plain(wish.text) for wish in wishes)


def read_wish_list(text: str) -> tuple[str, ...]:
    """The wishes an organiser left in the follow-up form (stored form, one per line), checked
    to be options of a vote: 2 to 25, each at most 75 readable characters, none twice."""
    wishes = split_wishes(text)
    if len(wishes) > MAX_WISHES:
        raise InvalidPollInput(
            "error.wishes_too_many",
            field=WISHES_FIELD,
            count=len(wishes),
            max=MAX_WISHES,
            remove=len(wishes) - MAX_WISHES,
        )
    if len(wishes) < MIN_WISHES:
        raise InvalidPollInput("error.wishes_too_few", field=WISHES_FIELD, min=MIN_WISHES)
    seen: set[str] = set()
    for line, wish in enumerate(wishes, start=1):
        readable = plain(wish)
        if len(readable) > MAX_OPTION_LENGTH:
            raise InvalidPollInput(
                "error.wish_too_long",
                field=WISHES_FIELD,
                line=line,
                max=MAX_OPTION_LENGTH,
                wish=readable,
            )
        key = same_wish_key(wish)
        if key in seen:
            raise InvalidPollInput("error.wish_twice", field=WISHES_FIELD, wish=readable)
        seen.add(key)
    return tuple(wishes)
