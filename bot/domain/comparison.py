"""Comparing an occurrence of a recurring poll with the one before: the response rate, and for
each question the figure its summary shows (an option's count, share or points, an average,
an NPS) then and now. A result a summary hides (an anonymous poll below the threshold) is
never compared."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.domain.model import Poll
from bot.domain.tally import (
    ChoiceResult,
    DotsResult,
    NpsResult,
    PollTally,
    QuestionResult,
    RankResult,
    RatingResult,
)


class Measure(enum.StrEnum):
    """What a question's figures are."""

    COUNT = "count"  # people who chose the option
    SHARE = "share"  # percent of the dots
    POINTS = "points"  # ranking points
    AVERAGE = "average"  # rating average
    NPS = "nps"  # Net Promoter Score


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure then and now; label is the option's text (people's text, stored form), None
    for the question's own figure. before is None for an option the last poll did not have."""

    label: str | None
    before: float | None
    now: float


@dataclass(frozen=True, slots=True)
class QuestionChange:
    position: int
    measure: Measure
    figures: tuple[Figure, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The previous occurrence (with a link to its summary, if Slack gave one) and the
    changes since it; questions holds only those both summaries show."""

    previous_poll_id: int
    previous_link: str | None
    rate_before: float
    rate_now: float
    questions: tuple[QuestionChange, ...]

    def for_question(self, position: int) -> QuestionChange | None:
        return next((q for q in self.questions if q.position == position), None)


def compare(
    previous: Poll,
    before: PollTally,
    current: Poll,
    now: PollTally,
    *,
    threshold: int,
    previous_link: str | None = None,
) -> Comparison:
    changes = []
    for position, (old, new) in enumerate(zip(before.results, now.results, strict=False)):
        if not (_shown(previous, before, old, threshold) and _shown(current, now, new, threshold)):
            continue
        change = _question_change(position, old, new)
        if change is not None and change.figures:
            changes.append(change)
    return Comparison(
        previous_poll_id=previous.id,
        previous_link=previous_link,
        rate_before=before.response_percent,
        rate_now=now.response_percent,
        questions=tuple(changes),
    )


def _shown(poll: Poll, tally: PollTally, result: QuestionResult, threshold: int) -> bool:
    """Whether the summary shows this result (the rules of bot.slack.blocks.summary)."""
    if not result.answered:
        return False
    if not poll.anonymous:
        return True
    return tally.responded >= threshold and result.answered >= threshold


def _question_change(
    position: int, old: QuestionResult, new: QuestionResult
) -> QuestionChange | None:
    if type(old) is not type(new) or old.question.kind is not new.question.kind:
        return None
    if isinstance(new, ChoiceResult) and isinstance(old, ChoiceResult):
        then = {_key(o.text): float(o.count) for o in old.options}
        figures = [Figure(o.text, then.get(_key(o.text)), float(o.count)) for o in new.options]
        return QuestionChange(position, Measure.COUNT, tuple(figures))
    if isinstance(new, DotsResult) and isinstance(old, DotsResult):
        then = {_key(o.text): o.percent for o in old.options}
        figures = [Figure(o.text, then.get(_key(o.text)), o.percent) for o in new.options]
        return QuestionChange(position, Measure.SHARE, tuple(figures))
    if isinstance(new, RankResult) and isinstance(old, RankResult):
        then = {_key(o.text): float(o.points) for o in old.options}
        figures = [Figure(o.text, then.get(_key(o.text)), float(o.points)) for o in new.options]
        return QuestionChange(position, Measure.POINTS, tuple(figures))
    if isinstance(new, RatingResult) and isinstance(old, RatingResult):
        if new.average is None or old.average is None:
            return None
        return QuestionChange(position, Measure.AVERAGE, (Figure(None, old.average, new.average),))
    if isinstance(new, NpsResult) and isinstance(old, NpsResult):
        if new.score is None or old.score is None:
            return None
        figure = Figure(None, float(old.score), float(new.score))
        return QuestionChange(position, Measure.NPS, (figure,))
    return None  # free text has no figure to compare


def _key(text: str) -> str:
    return " ".join(text.casefold().split())
