"""Value types of a poll: questions, audience, answers and the stored poll."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MAX_QUESTIONS = 5
MIN_OPTIONS = 2
MAX_OPTIONS = 25
RATING_SCALE = (1, 2, 3, 4, 5)
# Block Kit: option text is at most 75 characters, section text at most 3,000; the question is
# shown in a modal input label (2,000) and a section, so 2,000 keeps both valid.
MAX_OPTION_LENGTH = 75
MAX_QUESTION_LENGTH = 2000
MAX_FREE_TEXT_LENGTH = 3000
MIN_REMIND_INTERVAL = timedelta(seconds=10)
DEFAULT_CLOSE_AFTER = timedelta(days=3)
DEFAULT_REMIND_EVERY = timedelta(days=1)
MAX_REMINDERS_PER_PERSON = 2
ANONYMITY_THRESHOLD = 3
# Dot voting: each person spreads `size` dots (1-10, 3 unless told) over the options.
MIN_DOTS, DEFAULT_DOTS, MAX_DOTS = 1, 3, 10
# Ranking: each person fills `size` places (2-5, 3 unless told), each option at most once.
MIN_PLACES, DEFAULT_PLACES, MAX_PLACES = 2, 3, 5
NPS_SCALE = tuple(range(11))
MAX_SUGGESTION_LENGTH = MAX_OPTION_LENGTH


class QuestionKind(enum.StrEnum):
    """How a question is answered."""

    SINGLE = "single"
    MULTI = "multi"
    RATING = "rating"
    TEXT = "text"
    DOTS = "dots"  # spread Question.size dots over the options
    RANK = "rank"  # pick a 1st, 2nd, ... Question.size-th choice
    NPS = "nps"  # a 0-10 "how likely" score

    @property
    def has_options(self) -> bool:
        return self in _OPTION_KINDS


_OPTION_KINDS = frozenset(
    {QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.DOTS, QuestionKind.RANK}
)


class AudienceKind(enum.StrEnum):
    """Who is asked: the whole channel, chosen people and groups, or a random sample."""

    CHANNEL = "channel"
    PEOPLE = "people"


class Every(enum.StrEnum):
    """How often a recurring poll starts again."""

    WEEK = "week"
    TWO_WEEKS = "2w"
    MONTH = "month"


class PollStatus(enum.StrEnum):
    """Life of a poll; CLOSING means the close has begun but its Slack side may be unfinished."""

    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a poll; options only for single and multiple choice.

    Texts are people's text in the stored form of bot.domain.text (Slack's encoding, with only
    person and channel mentions and links as tokens); so is a free-text answer."""

    text: str
    kind: QuestionKind
    options: tuple[str, ...] = ()
    # Dots to spread (DOTS) or places to fill (RANK); None for the other kinds.
    size: int | None = None
    # Respondents may suggest options (single and multiple choice, dot voting).
    open: bool = False
    # The options respondents suggested: position and who (None once that may not be known).
    suggestions: tuple[OptionSuggestion, ...] = ()

    def suggestion_at(self, position: int) -> OptionSuggestion | None:
        return next((s for s in self.suggestions if s.position == position), None)


@dataclass(frozen=True, slots=True)
class OptionSuggestion:
    """An option a respondent added; by is None in an anonymous poll once it has closed."""

    position: int
    by: str | None


@dataclass(frozen=True, slots=True)
class Audience:
    """Who is asked. For CHANNEL the members of the poll's channel; for PEOPLE the named users
    and the members of the named user groups. sample_size draws a random N of those."""

    kind: AudienceKind = AudienceKind.CHANNEL
    user_ids: tuple[str, ...] = ()
    usergroup_ids: tuple[str, ...] = ()
    sample_size: int | None = None


@dataclass(frozen=True, slots=True)
class AbsoluteClose:
    """A close time given as a local date (and time), read in the organiser's time zone."""

    year: int
    month: int
    day: int
    hour: int | None = None
    minute: int = 0


CloseSpec = timedelta | AbsoluteClose


@dataclass(frozen=True, slots=True)
class PollDraft:
    """A poll as the organiser described it, before the audience is resolved and it is stored.

    close is a duration from now or a local date; remind_every None means reminders are off."""

    questions: tuple[Question, ...]
    anonymous: bool = False
    close: CloseSpec = DEFAULT_CLOSE_AFTER
    remind_every: timedelta | None = DEFAULT_REMIND_EVERY
    remind_explicit: bool = False
    audience: Audience = field(default_factory=Audience)
    # Whether the organiser chose the close (closes: or a date in the form); an event poll
    # otherwise closes on the event's clock.
    close_explicit: bool = False
    channel_id: str | None = None
    # The local date (and time) of the event the poll is about, read in the organiser's zone.
    event: AbsoluteClose | None = None
    # The poll whose wishes this one votes on.
    follow_up_of: int | None = None
    # A recurring poll: how often it starts again (each time a new poll), and when it first
    # starts (a local date and time in the organiser's zone; None: now).
    every: Every | None = None
    first_start: AbsoluteClose | None = None


@dataclass(frozen=True, slots=True)
class Poll:
    """A stored poll."""

    id: int
    team_id: str
    channel_id: str
    organiser_id: str
    language: str
    questions: tuple[Question, ...]
    anonymous: bool
    audience: Audience
    opened_at: datetime
    closes_at: datetime
    remind_every: timedelta | None
    status: PollStatus
    message_ts: str | None = None
    summary_ts: str | None = None
    closed_at: datetime | None = None
    # When the event the poll is about begins; event_has_time False means only its date counts
    # (event_at is then midnight of that date in the organiser's time zone).
    event_at: datetime | None = None
    event_has_time: bool = False
    follow_up_of: int | None = None
    outcome_reported_at: datetime | None = None
    # The time zone the event's date is read in (the organiser's when the poll was made), and
    # the automatic reminder rounds anchored to the event: days before it, earliest first. When
    # these are set they replace the rounds of remind_every.
    event_tz: str | None = None
    event_reminder_days: tuple[int, ...] = ()
    # The recurring series this poll is an occurrence of.
    series_id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status is PollStatus.OPEN

    @property
    def is_one_click(self) -> bool:
        """One single-choice question: answered with one button click."""
        return len(self.questions) == 1 and self.questions[0].kind is QuestionKind.SINGLE


@dataclass(frozen=True, slots=True)
class QuestionAnswer:
    """A person's answer to one question: chosen option indexes, a rating or a text.

    For DOTS, choices holds an option once per dot given to it (sorted); for RANK, the chosen
    options in order of preference (first place first); for NPS, rating is the 0-10 score."""

    choices: tuple[int, ...] = ()
    rating: int | None = None
    text: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.choices and self.rating is None and not self.text


@dataclass(frozen=True, slots=True)
class Response:
    """One respondent's answers, one per question (None where the question was skipped).

    respondent is None once an anonymous poll has closed and the link to people is gone."""

    respondent: str | None
    answers: tuple[QuestionAnswer | None, ...]


@dataclass(frozen=True, slots=True)
class Person:
    """What Wishbot needs to know of a person: time zone, locale, whether to ask them."""

    user_id: str
    tz: str | None = None
    locale: str | None = None
    is_bot: bool = False
    deleted: bool = False
    name: str | None = None

    @property
    def can_be_asked(self) -> bool:
        return not self.is_bot and not self.deleted


class ReminderStatus(enum.StrEnum):
    """due → sending → sent | failed | skipped; 'sending' survives a crash, checked at start."""

    DUE = "due"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder of one round to one person."""

    round_id: int
    poll_id: int
    user_id: str
    deliver_at: datetime
    status: ReminderStatus
    attempts: int = 0
    dm_channel_id: str | None = None


@dataclass(frozen=True, slots=True)
class PollCounts:
    """How many were asked and how many of them have answered."""

    asked: int
    answered: int
