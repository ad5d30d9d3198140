"""You said, we did: a closed poll's items with their support, the organiser's decisions on
them, and the outcome report told to everyone asked (pure)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.domain.model import ANONYMITY_THRESHOLD, Poll
from bot.domain.tally import ChoiceResult, PollTally, QuestionResult, TextResult
from bot.domain.text import fold

MAX_NOTE_LENGTH: Final = 500
# An item's short text, as an option of a select or a line of the report (Slack's option limit).
MAX_ITEM_TEXT: Final = 75
# Items the report's "You said" lists; the rest are in the summary.
SAID_ITEMS: Final = 10
_MARK: Final = "…"


class OutcomeStatus(enum.StrEnum):
    """What the organiser decided about one item; no decision is None."""

    DONE = "done"
    PLANNED = "planned"
    NOT_NOW = "not_now"


# "We did" lists Done first, then Planned, then Not now.
REPORT_ORDER: Final = (OutcomeStatus.DONE, OutcomeStatus.PLANNED, OutcomeStatus.NOT_NOW)


class SupportUnit(enum.StrEnum):
    """What an item's support counts (the report says "5 chose it", "3 wished for it")."""

    CHOICES = "choices"
    WISHES = "wishes"


@dataclass(frozen=True, slots=True)
class SupportedItem:
    """One item people said: its short text, its full text, and how much support it had
    (None where an anonymous poll had too few answers to show it)."""

    text: str
    full_text: str
    support: int | None
    unit: SupportUnit


@dataclass(frozen=True, slots=True)
class OutcomeItem:
    """An item as stored with the organiser's decision; position is its place in the result."""

    position: int
    text: str
    full_text: str
    support: int | None
    unit: SupportUnit
    status: OutcomeStatus | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What the organiser set for the item at position in the outcome form."""

    position: int
    status: OutcomeStatus | None
    note: str | None


@dataclass(frozen=True, slots=True)
class AskedFacts:
    """We asked: the question, when, how many were asked and how many answered."""

    poll_id: int
    question: str
    opened_at: datetime
    closed_at: datetime
    asked: int
    answered: int


@dataclass(frozen=True, slots=True)
class OutcomeReport:
    """Everything the report says; original is the poll a follow-up vote came from."""

    poll: Poll
    asked: AskedFacts
    original: AskedFacts | None
    said: tuple[OutcomeItem, ...]
    more_said: int
    decided: tuple[OutcomeItem, ...]


def supported_items(result: QuestionResult) -> list[SupportedItem]:
    """The items of one question's result, most support first."""
    if isinstance(result, ChoiceResult):
        # The tally orders the options most chosen first.
        return [
            SupportedItem(short_item_text(o.text), o.text, o.count, SupportUnit.CHOICES)
            for o in result.options
        ]
    if isinstance(result, TextResult):
        return [
            SupportedItem(short_item_text(text), text, count, SupportUnit.WISHES)
            for text, count in group_wishes(result.texts)
        ]
    # Dot votes and rankings (DotsResult, RankResult in bot.domain.tally) go here: their
    # options in the order of the result, the dots or points as the support.
    return []


def outcome_items(
    poll: Poll, tally: PollTally, *, threshold: int = ANONYMITY_THRESHOLD
) -> list[SupportedItem]:
    """The items of the poll's first question that has any: what the outcome form lists.

    An anonymous poll with too few answers shows no free-text wish (it could tell who wrote it)
    and its options without support, in their own order (the result's order would tell)."""
    for result in tally.results:
        items = supported_items(result)
        if not items:
            continue
        hidden = poll.anonymous and (tally.responded < threshold or result.answered < threshold)
        if not hidden:
            return items
        if isinstance(result, TextResult):
            return []
        return [
            SupportedItem(short_item_text(text), text, None, SupportUnit.CHOICES)
            for text in result.question.options
        ]
    return []


def group_wishes(texts: Iterable[str]) -> list[tuple[str, int]]:
    """Free-text answers grouped as the same wish (ignoring case, spaces and punctuation): the
    first wording of each with how many gave it, most frequent first (ties: first given)."""
    groups: dict[str, list[str]] = {}
    for text in texts:
        key = fold(text)
        if key:
            groups.setdefault(key, []).append(text)
    ranked = sorted(groups.values(), key=lambda same: -len(same))
    return [(same[0].strip(), len(same)) for same in ranked]


def short_item_text(text: str, limit: int = MAX_ITEM_TEXT) -> str:
    """Text cut at a word boundary to limit characters, marked with … when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - len(_MARK)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    # A cut inside Slack's encoding (&amp;, <@U…>) would leave half a token behind.
    for opener, closer in (("&", ";"), ("<", ">")):
        start = cut.rfind(opener)
        if start != -1 and closer not in cut[start:]:
            cut = cut[:start]
    return cut.rstrip() + _MARK


def apply_decisions(
    items: Sequence[SupportedItem], decisions: Iterable[Decision]
) -> list[OutcomeItem]:
    """The items with the organiser's decisions; a decision for no listed item is ignored."""
    by_position = {d.position: d for d in decisions}
    stored = []
    for position, item in enumerate(items):
        decision = by_position.get(position)
        stored.append(
            OutcomeItem(
                position=position,
                text=item.text,
                full_text=item.full_text,
                support=item.support,
                unit=item.unit,
                status=decision.status if decision else None,
                note=(decision.note or None) if decision else None,
            )
        )
    return stored


def in_report_order(items: Iterable[OutcomeItem]) -> list[OutcomeItem]:
    """The decided items: Done first, then Planned, then Not now, each in result order."""
    ranked = [
        (REPORT_ORDER.index(item.status), item.position, item)
        for item in items
        if item.status is not None
    ]
    return [item for _rank, _position, item in sorted(ranked, key=lambda r: r[:2])]


def build_report(
    poll: Poll,
    asked: AskedFacts,
    items: Sequence[OutcomeItem],
    *,
    original: AskedFacts | None = None,
) -> OutcomeReport:
    """The report of a poll from its stored items."""
    said = tuple(item for item in items if item.support is None or item.support > 0)
    return OutcomeReport(
        poll=poll,
        asked=asked,
        original=original,
        said=said[:SAID_ITEMS],
        more_said=max(len(said) - SAID_ITEMS, 0),
        decided=tuple(in_report_order(items)),
    )


@dataclass(frozen=True, slots=True)
class OutcomeState:
    """Where a poll's report stands: revision counts submissions, published_revision is the one
    the thread reply shows, rounds how many times everyone asked was told."""

    poll_id: int
    revision: int
    published_revision: int
    rounds: int
    reply_started: bool
    channel_id: str | None
    ts: str | None

    @property
    def published(self) -> bool:
        return self.published_revision >= self.revision


@dataclass(frozen=True, slots=True)
class OutcomeDelivery:
    """The report's DM to one person asked, in one round (status as a reminder's)."""

    poll_id: int
    round: int
    user_id: str
    created_at: datetime
    dm_channel_id: str | None = None
