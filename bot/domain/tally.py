"""Counting answers into exact per-question results (pure; the summary renders these)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.model import (
    NPS_SCALE,
    RATING_SCALE,
    Poll,
    Question,
    QuestionAnswer,
    QuestionKind,
    Response,
)
from bot.domain.text import plain


@dataclass(frozen=True, slots=True)
class OptionCount:
    """One option of a choice question: how many chose it and their share of those who answered
    the question (0-100; for multiple choice the shares may add up to more than 100)."""

    position: int
    text: str
    count: int
    percent: float


@dataclass(frozen=True, slots=True)
class ChoiceResult:
    """Options most chosen first; ties keep the original order."""

    question: Question
    answered: int
    options: tuple[OptionCount, ...]


@dataclass(frozen=True, slots=True)
class RatingResult:
    """average is None when nobody rated; counts[i] is the number who gave i + 1."""

    question: Question
    answered: int
    average: float | None
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TextResult:
    """Every non-empty free-text answer: in the order given, or, for an anonymous poll, sorted by
    text, so that the order cannot tell who wrote which (the organiser may look after each new
    answer)."""

    question: Question
    answered: int
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DotsCount:
    """One option of a dot vote: the dots it got, their share of all dots given (0-100) and the
    number of people who gave it at least one."""

    position: int
    text: str
    dots: int
    percent: float
    people: int


@dataclass(frozen=True, slots=True)
class DotsResult:
    """Options with the most dots first; ties keep the original order."""

    question: Question
    answered: int
    total_dots: int
    options: tuple[DotsCount, ...]


@dataclass(frozen=True, slots=True)
class RankCount:
    """One option of a ranking: Borda points (K for a 1st place, K-1 for a 2nd, ...) and the
    number of people who ranked it first."""

    position: int
    text: str
    points: int
    first_places: int


@dataclass(frozen=True, slots=True)
class RankResult:
    """Options with the most points first; on equal points more first places first, then the
    original order."""

    question: Question
    answered: int
    places: int
    options: tuple[RankCount, ...]


@dataclass(frozen=True, slots=True)
class NpsResult:
    """Net Promoter Score: per cent promoters (9-10) minus per cent detractors (0-6), a whole
    number from -100 to 100 (None when nobody answered); counts[i] is the number who gave i."""

    question: Question
    answered: int
    score: int | None
    promoters: int
    passives: int
    detractors: int
    counts: tuple[int, ...]


QuestionResult = ChoiceResult | RatingResult | TextResult | DotsResult | RankResult | NpsResult


@dataclass(frozen=True, slots=True)
class PollTally:
    """asked: people asked; responded: people who answered at least one question."""

    asked: int
    responded: int
    results: tuple[QuestionResult, ...]

    @property
    def response_percent(self) -> float:
        return 100.0 * self.responded / self.asked if self.asked else 0.0


def tally(poll: Poll, responses: Sequence[Response], asked: int) -> PollTally:
    """Count responses question by question."""
    counters = [_counter_for(question, anonymous=poll.anonymous) for question in poll.questions]
    responded = 0
    for response in responses:
        answered_any = False
        # zip stops at the shorter: an answer list from an older, shorter poll is tolerated.
        for counter, answer in zip(counters, response.answers, strict=False):
            if answer is not None and counter.add(answer):
                answered_any = True
        if answered_any:
            responded += 1
    return PollTally(
        asked=asked,
        responded=responded,
        results=tuple(counter.result() for counter in counters),
    )


class _ChoiceCounter:
    def __init__(self, question: Question) -> None:
        self.question = question
        self.answered = 0
        self.counts = [0] * len(question.options)

    def add(self, answer: QuestionAnswer) -> bool:
        """Count one answer; False if it holds no valid choice."""
        choices = answer.choices
        if len(choices) == 1:  # most answers: one option (the summary counts thousands)
            index = choices[0]
            if not 0 <= index < len(self.counts):
                return False
            self.answered += 1
            self.counts[index] += 1
            return True
        # set(): a repeated index in one answer is one vote, and stray indexes are ignored.
        valid = {index for index in choices if 0 <= index < len(self.counts)}
        if not valid:
            return False
        self.answered += 1
        for index in valid:
            self.counts[index] += 1
        return True

    def result(self) -> ChoiceResult:
        options = [
            OptionCount(position, text, count, _percent(count, self.answered))
            for position, (text, count) in enumerate(
                zip(self.question.options, self.counts, strict=True)
            )
        ]
        # sorted() is stable, so equal counts keep the original option order.
        options.sort(key=lambda option: -option.count)
        return ChoiceResult(self.question, self.answered, tuple(options))


class _RatingCounter:
    def __init__(self, question: Question) -> None:
        self.question = question
        self.counts = [0] * len(RATING_SCALE)

    def add(self, answer: QuestionAnswer) -> bool:
        """Count one answer; False if it holds no rating on the scale."""
        if answer.rating not in RATING_SCALE:
            return False
        self.counts[answer.rating - RATING_SCALE[0]] += 1
        return True

    def result(self) -> RatingResult:
        answered = sum(self.counts)
        total = sum(point * count for point, count in zip(RATING_SCALE, self.counts, strict=True))
        average = total / answered if answered else None
        return RatingResult(self.question, answered, average, tuple(self.counts))


class _TextCounter:
    def __init__(self, question: Question, *, anonymous: bool) -> None:
        self.question = question
        self.anonymous = anonymous
        self.texts: list[str] = []

    def add(self, answer: QuestionAnswer) -> bool:
        """Keep one answer; False if it is empty or only whitespace."""
        if answer.text is None or not answer.text.strip():
            return False
        self.texts.append(answer.text)
        return True

    def result(self) -> TextResult:
        texts = self.texts
        if self.anonymous:
            texts = sorted(texts, key=lambda text: (plain(text).casefold(), text))
        return TextResult(self.question, len(texts), tuple(texts))


class _DotsCounter:
    def __init__(self, question: Question) -> None:
        self.question = question
        self.answered = 0
        self.dots = [0] * len(question.options)
        self.people = [0] * len(question.options)

    def add(self, answer: QuestionAnswer) -> bool:
        """Count one person's dots (an option once per dot); False if none is on an option."""
        valid = [index for index in answer.choices if 0 <= index < len(self.dots)]
        if not valid:
            return False
        self.answered += 1
        for index in valid:
            self.dots[index] += 1
        for index in set(valid):
            self.people[index] += 1
        return True

    def result(self) -> DotsResult:
        total = sum(self.dots)
        options = [
            DotsCount(position, text, dots, _percent(dots, total), people)
            for position, (text, dots, people) in enumerate(
                zip(self.question.options, self.dots, self.people, strict=True)
            )
        ]
        options.sort(key=lambda option: -option.dots)
        return DotsResult(self.question, self.answered, total, tuple(options))


class _RankCounter:
    def __init__(self, question: Question) -> None:
        self.question = question
        self.places = question.size or len(question.options)
        self.answered = 0
        self.points = [0] * len(question.options)
        self.firsts = [0] * len(question.options)

    def add(self, answer: QuestionAnswer) -> bool:
        """Count one ranking (options in order of preference); False if it names no option.

        A repeated or stray option is skipped, and places beyond the question's are ignored."""
        ranked = list(dict.fromkeys(i for i in answer.choices if 0 <= i < len(self.points)))
        ranked = ranked[: self.places]
        if not ranked:
            return False
        self.answered += 1
        self.firsts[ranked[0]] += 1
        for place, index in enumerate(ranked):
            self.points[index] += self.places - place
        return True

    def result(self) -> RankResult:
        options = [
            RankCount(position, text, points, firsts)
            for position, (text, points, firsts) in enumerate(
                zip(self.question.options, self.points, self.firsts, strict=True)
            )
        ]
        options.sort(key=lambda option: (-option.points, -option.first_places))
        return RankResult(self.question, self.answered, self.places, tuple(options))


class _NpsCounter:
    def __init__(self, question: Question) -> None:
        self.question = question
        self.counts = [0] * len(NPS_SCALE)

    def add(self, answer: QuestionAnswer) -> bool:
        """Count one score; False if it holds none from 0 to 10."""
        if answer.rating not in NPS_SCALE:
            return False
        self.counts[answer.rating] += 1
        return True

    def result(self) -> NpsResult:
        answered = sum(self.counts)
        promoters = sum(self.counts[9:])
        passives = sum(self.counts[7:9])
        detractors = sum(self.counts[:7])
        return NpsResult(
            self.question,
            answered,
            net_promoter_score(promoters, detractors, answered),
            promoters,
            passives,
            detractors,
            tuple(self.counts),
        )


def net_promoter_score(promoters: int, detractors: int, answered: int) -> int | None:
    """round(100 * (promoters - detractors) / answered), halves away from zero, in whole numbers
    (exact: no floating point, so 1 of 8 is 13, not 12)."""
    if not answered:
        return None
    difference = 100 * (promoters - detractors)
    rounded = (2 * abs(difference) + answered) // (2 * answered)
    return rounded if difference >= 0 else -rounded


_Counter = (
    _ChoiceCounter | _RatingCounter | _TextCounter | _DotsCounter | _RankCounter | _NpsCounter
)


def _counter_for(question: Question, *, anonymous: bool) -> _Counter:
    match question.kind:
        case QuestionKind.RATING:
            return _RatingCounter(question)
        case QuestionKind.TEXT:
            return _TextCounter(question, anonymous=anonymous)
        case QuestionKind.DOTS:
            return _DotsCounter(question)
        case QuestionKind.RANK:
            return _RankCounter(question)
        case QuestionKind.NPS:
            return _NpsCounter(question)
        case _:
            return _ChoiceCounter(question)


def _percent(count: int, answered: int) -> float:
    return 100.0 * count / answered if answered else 0.0


def bar(percent: float, width: int = 10) -> str:
    """A text bar such as "█████░░░░░"; shares over 100 % (multiple choice) show full."""
    filled = min(max(int(percent / 100 * width + 0.5), 0), width)
    return "█" * filled + "░" * (width - filled)
