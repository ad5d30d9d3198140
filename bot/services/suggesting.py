"""Suggestions from respondents: a new option for everyone, and the organiser removing one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.domain.errors import (
    NotInAudience,
    PollClosed,
    PollNotFound,
    SuggestionRefused,
)
from bot.domain.model import MAX_OPTIONS, MAX_SUGGESTION_LENGTH, Poll, PollCounts
from bot.domain.suggestions import open_questions, suggestion_length
from bot.domain.text import plain
from bot.services.polls import PollLookup
from bot.services.ports import (
    PollStore,
    RemovalOutcome,
    RemovalResult,
    SuggestionOutcome,
)

# Told which poll's options changed (the refresher updates its message soon after).
OptionsUpdated = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class SuggestionAdded:
    """The poll as it is now, and the number (0-based) of the new option in its question."""

    poll: Poll
    question: int
    position: int


@dataclass(frozen=True, slots=True)
class OptionRemoved:
    """The poll after the removal; question and number as the organiser gave them (1-based)."""

    poll: Poll
    question_number: int
    option_number: int
    result: RemovalResult


class Suggesting:
    """Who may suggest, what a suggestion may be, and removing one; the store checks again in
    the transaction that writes, so a close or a full question in between is still refused."""

    def __init__(
        self, polls: PollStore, lookup: PollLookup, options_changed: OptionsUpdated
    ) -> None:
        self.polls = polls
        self.lookup = lookup
        self.options_changed = options_changed

    async def poll_to_suggest_for(self, poll_id: int, user_id: str) -> Poll:
        """The open poll this person may suggest options for."""
        poll = await self.lookup.require(poll_id)
        if not poll.is_open:
            raise PollClosed(poll.id)
        if not open_questions(poll):
            raise SuggestionRefused("error.suggestions_not_open", poll_id=poll.id)
        if not await self.polls.is_member(poll.id, user_id):
            raise NotInAudience(poll.id)
        return poll

    async def poll_again(self, poll_id: int) -> tuple[Poll, PollCounts]:
        """The poll as it is now, with its counts (shown to someone whose click came too late)."""
        poll = await self.lookup.require(poll_id)
        if not poll.is_open:
            raise PollClosed(poll.id)
        return poll, await self.polls.counts(poll.id)

    async def suggest(
        self, poll_id: int, user_id: str, question: int, text: str
    ) -> SuggestionAdded:
        """Add text (stored form of people's text) as an option of the question for everyone.
        The suggester's own answer stays as it was."""
        length = suggestion_length(text)
        if length == 0:
            raise SuggestionRefused("error.suggestion_empty")
        if length > MAX_SUGGESTION_LENGTH:
            raise SuggestionRefused("error.suggestion_too_long", max=MAX_SUGGESTION_LENGTH)
        result = await self.polls.add_suggestion(poll_id, question, user_id, text.strip())
        match result.outcome:
            case SuggestionOutcome.ADDED:
                assert result.position is not None
                self.lookup.forget(poll_id)
                self.options_changed(poll_id)
                poll = await self.lookup.require(poll_id)
                return SuggestionAdded(poll, question, result.position)
            case SuggestionOutcome.DUPLICATE:
                raise SuggestionRefused(
                    "error.suggestion_duplicate", option=plain(result.existing or "")
                )
            case SuggestionOutcome.FULL:
                raise SuggestionRefused("error.suggestion_full", max=MAX_OPTIONS)
            case SuggestionOutcome.NOT_OPEN:
                raise SuggestionRefused("error.suggestions_not_open", poll_id=poll_id)
            case SuggestionOutcome.CLOSED:
                raise PollClosed(poll_id)
            case SuggestionOutcome.NOT_ASKED:
                raise NotInAudience(poll_id)
        raise PollNotFound(poll_id)

    async def remove(
        self, poll_id: int, user_id: str, question_number: int | None, option_number: int
    ) -> OptionRemoved:
        """The organiser removes suggested option option_number (1-based, as the poll shows
        it) of a question; only suggestions can be removed, the organiser's own options stay."""
        poll = await self.lookup.require_organiser(poll_id, user_id)
        if not poll.is_open:
            raise PollClosed(poll.id)
        question = _question_for_removal(poll, question_number)
        result = await self.polls.remove_option(poll.id, question, option_number - 1)
        options = poll.questions[question].options
        match result.outcome:
            case RemovalOutcome.REMOVED:
                self.lookup.forget(poll.id)
                self.options_changed(poll.id)
                updated = await self.lookup.require(poll.id)
                return OptionRemoved(updated, question + 1, option_number, result)
            case RemovalOutcome.NO_SUCH_OPTION:
                raise SuggestionRefused(
                    "error.no_such_option", number=option_number, count=len(options)
                )
            case RemovalOutcome.NOT_SUGGESTED:
                raise SuggestionRefused(
                    "error.not_a_suggestion", number=option_number, option=plain(result.text or "")
                )
            case RemovalOutcome.CLOSED:
                raise PollClosed(poll.id)
        raise PollNotFound(poll.id)


def _question_for_removal(poll: Poll, question_number: int | None) -> int:
    """The question (0-based) meant: the one given, else the poll's only question, else its
    only question open to suggestions."""
    if question_number is not None:
        if not 1 <= question_number <= len(poll.questions):
            raise SuggestionRefused(
                "error.no_such_question", number=question_number, count=len(poll.questions)
            )
        return question_number - 1
    if len(poll.questions) == 1:
        return 0
    candidates = open_questions(poll)
    if len(candidates) == 1:
        return candidates[0]
    raise SuggestionRefused("error.remove_option_which_question", poll_id=poll.id)
