"""Known failures of the domain; each carries a catalog key and the values its message needs.

PollError
 ├── InvalidPollInput       the organiser's description of a poll is wrong (parse or validation)
 ├── InvalidAnswer          an answer that does not fit its question
 ├── PollNotFound           no poll with that id (or it was deleted)
 ├── PollClosed             the poll no longer takes answers or changes
 ├── AnswerSuperseded       a later answer of the same person was stored before this one
 ├── NotOrganiser           only the organiser may do this
 ├── NotInAudience          this person was not asked
 ├── OutcomeNotReady        an outcome is recorded only for a closed poll with items to decide
 ├── SuggestionRefused      a suggested option cannot be added (or removed): duplicate, full…
 └── OptionsChanged         a click or form shown before an option was removed
"""

from __future__ import annotations

from typing import Any


class PollError(Exception):
    """A failure to show the person politely; message_key names the catalog entry."""

    message_key: str = "error.generic"

    def __init__(self, message_key: str | None = None, /, **params: Any) -> None:
        if message_key is not None:
            self.message_key = message_key
        self.params = params
        super().__init__(self.message_key, params)


class InvalidPollInput(PollError):
    """The poll description is wrong; field names the form field it belongs to, if any."""

    message_key = "error.invalid_input"

    def __init__(self, message_key: str, /, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message_key, **params)
        self.field = field


class InvalidAnswer(PollError):
    """field names the form input the error belongs to, if the form reader knows it."""

    message_key = "error.invalid_answer"

    def __init__(
        self, message_key: str | None = None, /, *, field: str | None = None, **params: Any
    ) -> None:
        super().__init__(message_key, **params)
        self.field = field


class PollNotFound(PollError):
    message_key = "error.poll_not_found"

    def __init__(self, poll_id: str | int) -> None:
        super().__init__(poll_id=poll_id)
        self.poll_id = poll_id


class PollClosed(PollError):
    message_key = "error.poll_closed"

    def __init__(self, poll_id: int) -> None:
        super().__init__(poll_id=poll_id)
        self.poll_id = poll_id


class AnswerSuperseded(PollError):
    message_key = "error.answer_superseded"

    def __init__(self, poll_id: int) -> None:
        super().__init__(poll_id=poll_id)
        self.poll_id = poll_id


class NotOrganiser(PollError):
    message_key = "error.not_organiser"

    def __init__(self, poll_id: int) -> None:
        super().__init__(poll_id=poll_id)
        self.poll_id = poll_id


class NotInAudience(PollError):
    message_key = "error.not_in_audience"

    def __init__(self, poll_id: int) -> None:
        super().__init__(poll_id=poll_id)
        self.poll_id = poll_id


class OutcomeNotReady(PollError):
    """The poll is still open (or its summary is not out yet), or it has nothing to decide."""

    message_key = "error.outcome_open"

    def __init__(self, poll_id: int, message_key: str | None = None) -> None:
        super().__init__(message_key, poll_id=poll_id)


class SuggestionRefused(PollError):
    """A suggestion that cannot be added, or an option that cannot be removed; message_key says
    why (a duplicate names the existing option, a full question the limit)."""

    message_key = "error.suggestion_refused"


class OptionsChanged(PollError):
    """The options were renumbered (one was removed) after the click or form was shown."""

    message_key = "error.options_changed"

    def __init__(self, poll_id: int) -> None:
        super().__init__(poll_id=poll_id)
        self.poll_id = poll_id
