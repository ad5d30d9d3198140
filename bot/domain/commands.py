"""Reading the text of the `/wishes` slash command into a command value."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.errors import InvalidPollInput
from bot.domain.model import CloseSpec, PollDraft
from bot.domain.quickpoll import format_quick_poll, parse_close_spec, parse_quick_poll
from bot.domain.tokenizer import QUOTE_CHARS, TokenKind, tokenize

__all__ = [
    "CloseCommand",
    "Command",
    "DeleteCommand",
    "ExportCommand",
    "ExtendCommand",
    "HelpCommand",
    "ListCommand",
    "NewPollCommand",
    "OpenFormCommand",
    "OutcomeCommand",
    "PollCommand",
    "PollIdCommand",
    "PrioritiseCommand",
    "RemindCommand",
    "RemoveOptionCommand",
    "ResultsCommand",
    "StopCommand",
    "format_quick_poll",
    "parse_command",
    "parse_poll_id",
    "parse_quick_poll",
]


@dataclass(frozen=True, slots=True)
class HelpCommand:
    """Show the help; unknown is the first word when it was not a known subcommand."""

    unknown: str | None = None


@dataclass(frozen=True, slots=True)
class OpenFormCommand:
    """Open the create form."""


@dataclass(frozen=True, slots=True)
class NewPollCommand:
    """Create a poll from the quick syntax."""

    draft: PollDraft


@dataclass(frozen=True, slots=True)
class ListCommand:
    """List the channel's polls."""


@dataclass(frozen=True, slots=True)
class PollCommand:
    """Act on one existing poll (the organiser's commands below)."""

    poll_id: int


@dataclass(frozen=True, slots=True)
class CloseCommand(PollCommand):
    """Close now and post the summary."""


@dataclass(frozen=True, slots=True)
class ResultsCommand(PollCommand):
    """Show the results so far."""


@dataclass(frozen=True, slots=True)
class ExportCommand(PollCommand):
    """Send the answers as CSV."""


@dataclass(frozen=True, slots=True)
class DeleteCommand(PollCommand):
    """Delete the poll (after a confirmation)."""


@dataclass(frozen=True, slots=True)
class RemindCommand(PollCommand):
    """Send a reminder round now."""


@dataclass(frozen=True, slots=True)
class OutcomeCommand(PollCommand):
    """Record what was done about a closed poll's results and tell everyone asked."""


@dataclass(frozen=True, slots=True)
class PrioritiseCommand(PollCommand):
    """Open the form that puts a closed poll's wishes to a vote."""


@dataclass(frozen=True, slots=True)
class StopCommand(PollCommand):
    """End the recurring series the poll belongs to."""


@dataclass(frozen=True, slots=True)
class ExtendCommand(PollCommand):
    """Move a poll's close; the caller decides what a duration is counted from."""

    change: CloseSpec


@dataclass(frozen=True, slots=True)
class RemoveOptionCommand(PollCommand):
    """Remove a suggested option: its number as shown (1-based), and the question's number when
    the poll has several (`remove-option 12 2.3` is option 3 of question 2)."""

    option_number: int
    question_number: int | None = None


# The organiser's commands that take a poll id alone.
PollIdCommand = (
    CloseCommand
    | ResultsCommand
    | ExportCommand
    | DeleteCommand
    | RemindCommand
    | OutcomeCommand
    | PrioritiseCommand
    | StopCommand
)
# Every command, each kind by name, so that a match on one can be checked for a case missed.
Command = (
    HelpCommand
    | OpenFormCommand
    | NewPollCommand
    | ListCommand
    | PollIdCommand
    | ExtendCommand
    | RemoveOptionCommand
)

_SUBCOMMANDS = {
    "new": "new",
    "uusi": "new",
    "ny": "new",
    "list": "list",
    "lista": "list",
    "close": "close",
    "sulje": "close",
    "stäng": "close",
    "results": "results",
    "tulokset": "results",
    "resultat": "results",
    "export": "export",
    "vie": "export",
    "exportera": "export",
    "delete": "delete",
    "poista": "delete",
    "radera": "delete",
    "remind": "remind",
    "muistuta": "remind",
    "påminn": "remind",
    "extend": "extend",
    "outcome": "outcome",
    "tulos": "outcome",
    "lopputulos": "outcome",
    "utfall": "outcome",
    "jatka": "extend",
    "förläng": "extend",
    "prioritise": "prioritise",
    "prioritize": "prioritise",
    "priorisoi": "prioritise",
    "prioritera": "prioritise",
    "remove-option": "remove-option",
    "poista-vaihtoehto": "remove-option",
    "ta-bort-alternativ": "remove-option",
    "stop": "stop",
    "lopeta": "stop",
    "stoppa": "stop",
    "help": "help",
    "ohje": "help",
    "hjälp": "help",
    "?": "help",
}
_POLL_VERBS: dict[str, type[PollIdCommand]] = {
    "close": CloseCommand,
    "results": ResultsCommand,
    "export": ExportCommand,
    "delete": DeleteCommand,
    "remind": RemindCommand,
    "outcome": OutcomeCommand,
    "prioritise": PrioritiseCommand,
    "stop": StopCommand,
}
_CLOSE_KEYWORDS = frozenset({"closes", "close", "sulkeutuu", "stängs"})
# An option's number, or a question's and an option's: "3" or "2.3".
_OPTION_NUMBER = re.compile(r"(?:(\d{1,2})\.)?(\d{1,3})")
# Poll ids are SQLite integers; 18 digits stays inside a signed 64-bit value.
_POLL_ID = re.compile(r"#?(\d{1,18})")


def parse_command(text: str) -> Command:
    """Read the slash command text; empty text opens the create form."""
    stripped = text.strip()
    if not stripped:
        return OpenFormCommand()
    if stripped[0] in QUOTE_CHARS:
        return NewPollCommand(parse_quick_poll(stripped))
    first_word = stripped.split(maxsplit=1)[0]
    rest = stripped[len(first_word) :].strip()
    # Errors repeat the verb as the person wrote it (`stäng`, `sulje`), in their language.
    verb = first_word.casefold()
    subcommand = _SUBCOMMANDS.get(verb)
    if subcommand is None:
        return HelpCommand(unknown=first_word)
    if subcommand == "help":
        return HelpCommand()
    if subcommand == "new":
        return NewPollCommand(parse_quick_poll(rest)) if rest else OpenFormCommand()
    if subcommand == "list":
        _reject_extra_words(rest.split())
        return ListCommand()
    if subcommand == "extend":
        return _parse_extend(rest, verb)
    if subcommand == "remove-option":
        return _parse_remove_option(rest, verb)
    words = rest.split()
    if not words:
        raise InvalidPollInput("error.missing_poll_id", verb=verb)
    poll_id = parse_poll_id(words[0])
    _reject_extra_words(words[1:])
    return _POLL_VERBS[subcommand](poll_id)


def parse_poll_id(text: str) -> int:
    """Read a poll id written as `12` or `#12`."""
    match = _POLL_ID.fullmatch(text.strip())
    if match is None or int(match[1]) < 1:
        raise InvalidPollInput("error.bad_poll_id", value=text.strip())
    return int(match[1])


def _reject_extra_words(words: Sequence[str]) -> None:
    if words:
        raise InvalidPollInput("error.unknown_keyword", word=words[0])


def _parse_extend(rest: str, verb: str) -> ExtendCommand:
    """Read `extend 12 2d`, `extend #12 closes:2026-12-01 16:00` and the like."""
    tokens = tokenize(rest)
    for token in tokens:
        if token.kind is TokenKind.QUOTED:
            raise InvalidPollInput("error.unknown_keyword", word=token.text)
    words = [token.text for token in tokens]
    if not words:
        raise InvalidPollInput("error.missing_poll_id", verb=verb)
    poll_id = parse_poll_id(words[0])
    values = words[1:]
    if values:
        key, colon, value = values[0].partition(":")
        if colon and key.casefold() in _CLOSE_KEYWORDS:
            values = [value, *values[1:]] if value else values[1:]
    if not values:
        raise InvalidPollInput("error.missing_close", verb=verb)
    change, used_next = parse_close_spec(values[0], values[1] if len(values) > 1 else None)
    _reject_extra_words(values[2 if used_next else 1 :])
    return ExtendCommand(poll_id=poll_id, change=change)


def _parse_remove_option(rest: str, verb: str) -> RemoveOptionCommand:
    """Read `remove-option 12 3`, `remove-option #12 2.3`."""
    words = rest.split()
    if not words:
        raise InvalidPollInput("error.missing_poll_id", verb=verb)
    poll_id = parse_poll_id(words[0])
    if len(words) < 2:
        raise InvalidPollInput("error.missing_option_number", poll_id=poll_id)
    match = _OPTION_NUMBER.fullmatch(words[1].lstrip("#"))
    if match is None or int(match[2]) < 1 or (match[1] is not None and int(match[1]) < 1):
        raise InvalidPollInput("error.bad_option_number", value=words[1])
    _reject_extra_words(words[2:])
    question = None if match[1] is None else int(match[1])
    return RemoveOptionCommand(poll_id, option_number=int(match[2]), question_number=question)
