"""Counting answers into exact per-question results (pure; the summary renders these)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.model import RATING_SCALE, Poll, Question, QuestionAnswer, QuestionKind, Response
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


QuestionResult = ChoiceResult | RatingResult | TextResult


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


_Counter = _ChoiceCounter | _RatingCounter | _TextCounter


def _counter_for(question: Question, *, anonymous: bool) -> _Counter:
    if question.kind is QuestionKind.RATING:
        return _RatingCounter(question)
    if question.kind is QuestionKind.TEXT:
        return _TextCounter(question, anonymous=anonymous)
    return _ChoiceCounter(question)


def _percent(count: int, answered: int) -> float:
    return 100.0 * count / answered if answered else 0.0


def bar(percent: float, width: int = 10) -> str:
    """A text bar such as "█████░░░░░"; shares over 100 % (multiple choice) show full."""
    filled = min(max(int(percent / 100 * width + 0.5), 0), width)
    return "█" * filled + "░" * (width - filled)
