"""You said, we did: a closed poll's items with their support, the organiser's decisions on
them, and the outcome report told to everyone asked (pure)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from bot.domain.model import ANONYMITY_THRESHOLD, Poll
from bot.domain.tally import (
    ChoiceResult,
    DotsResult,
    PollTally,
    QuestionResult,
    RankResult,
    TextResult,
)
from bot.domain.text import plain
from bot.domain.wishes import Wish, gather_wishes, poll_wishes, shorten_wish, too_few_to_show

MAX_NOTE_LENGTH: Final = 500
# Items the report's "You said" lists; the rest are in the summary.
SAID_ITEMS: Final = 10


class OutcomeStatus(enum.StrEnum):
    """What the organiser decided about one item; no decision is None."""

    DONE = "done"
    PLANNED = "planned"
    NOT_NOW = "not_now"


# "We did" lists Done first, then Planned, then Not now.
REPORT_ORDER: Final = (OutcomeStatus.DONE, OutcomeStatus.PLANNED, OutcomeStatus.NOT_NOW)


class SupportUnit(enum.StrEnum):
    """What an item's support counts (the report says "5 votes", "3 people", "12 dots", "9
    points")."""

    CHOICES = "choices"
    WISHES = "wishes"
    DOTS = "dots"
    POINTS = "points"


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
    """The items of one question's result, most support first (in the order of the result, as
    its summary lists them); a rating or 0-10 score has none: it has no options to decide on."""
    if isinstance(result, ChoiceResult):
        return [_option_item(o.text, o.count, SupportUnit.CHOICES) for o in result.options]
    if isinstance(result, DotsResult):
        return [_option_item(o.text, o.dots, SupportUnit.DOTS) for o in result.options]
    if isinstance(result, RankResult):
        return [_option_item(o.text, o.points, SupportUnit.POINTS) for o in result.options]
    if isinstance(result, TextResult):
        return wish_items(gather_wishes(result.texts))
    return []


def wish_items(wishes: Iterable[Wish]) -> list[SupportedItem]:
    """Wishes as items: their short text (an option's length), the full text kept for the report,
    and how many wished for each."""
    return [SupportedItem(w.text, w.full_text, w.count, SupportUnit.WISHES) for w in wishes]


def with_wishes_in_full(
    items: Iterable[SupportedItem], wishes: Iterable[Wish]
) -> list[SupportedItem]:
    """A follow-up vote's items with the full text of each option that is one of its original's
    wishes shortened to fit an option: the report names the wish as it was written. The form
    showed each wish as a person reads it and stored what came back, so that is what matches."""
    written = {plain(wish.text): wish.full_text for wish in wishes if wish.shortened}
    return [
        replace(item, full_text=written.get(plain(item.full_text), item.full_text))
        for item in items
    ]


def _option_item(text: str, support: int | None, unit: SupportUnit) -> SupportedItem:
    # Options are at most an option's length already; shorten_wish keeps those as they are.
    return SupportedItem(shorten_wish(text), text, support, unit)


def outcome_items(
    poll: Poll, tally: PollTally, *, threshold: int = ANONYMITY_THRESHOLD
) -> list[SupportedItem]:
    """The items of the poll's first question that has any: what the outcome form lists.

    For a free-text question these are the poll's wishes exactly as the follow-up form lists
    them (bot.domain.wishes.poll_wishes: split, merged, most frequent first), which also keeps
    its anonymity rule: no wish of a question too few answered in an anonymous poll. An
    anonymous poll with too few answers shows its options without support, in their own order
    (the result's order would tell)."""
    for result in tally.results:
        items = supported_items(result)
        if not items:
            continue
        if isinstance(result, TextResult):
            return wish_items(poll_wishes(poll, tally, threshold=threshold))
        if not too_few_to_show(poll, tally, result, threshold):
            return items
        unit = items[0].unit
        return [_option_item(text, None, unit) for text in result.question.options]
    return []


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
