"""The one-line poll syntax: `"Question?" "A" "B" multi anonymous closes:3d remind:1d to:<@U1>`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.domain.durations import format_duration, parse_duration
from bot.domain.errors import InvalidPollInput
from bot.domain.model import (
    DEFAULT_CLOSE_AFTER,
    DEFAULT_DOTS,
    DEFAULT_PLACES,
    DEFAULT_REMIND_EVERY,
    MAX_DOTS,
    MAX_PLACES,
    MIN_DOTS,
    MIN_PLACES,
    AbsoluteClose,
    Audience,
    AudienceKind,
    CloseSpec,
    Every,
    PollDraft,
    Question,
    QuestionKind,
)
from bot.domain.series import parse_every
from bot.domain.tokenizer import (
    DOUBLE_QUOTES,
    SINGLE_QUOTES,
    Token,
    TokenKind,
    tokenize,
)
from bot.domain.validation import format_absolute_close, resolved_size, validate_draft

# Each keyword in English, Finnish and Swedish; the help of each language names its own.
_FLAG_WORDS = {
    "multi": "multi",
    "monivalinta": "multi",
    "flerval": "multi",
    "rating": "rating",
    "arvio": "rating",
    "betyg": "rating",
    "anonymous": "anonymous",
    "anonyymi": "anonymous",
    "anonym": "anonymous",
    # Respondents may suggest options.
    "open": "open",
    "avoin": "open",
    "öppen": "open",
}
_VALUE_WORDS = {
    "closes": "closes",
    "close": "closes",
    "sulkeutuu": "closes",
    "stängs": "closes",
    "remind": "remind",
    "muistutus": "remind",
    "påminn": "remind",
    "to": "to",
    "kenelle": "to",
    "till": "to",
    "sample": "sample",
    "otos": "sample",
    "urval": "sample",
    "event": "event",
    "tapahtuma": "event",
    "evenemang": "event",
    # A recurring poll: every:week, every:2w, every:month.
    "every": "every",
    "joka": "every",
    "toistuu": "every",
    "varje": "every",
}
# Ways to answer other than single choice: a bare word, or for dots and ranking also with a
# number (`dots:5`, `rank:2`). Finnish: pisteet (dots to give), järjestys (order), suosittelu;
# Swedish: prickar (dots), rangordna (rank).
_KIND_WORDS = {
    "dots": QuestionKind.DOTS,
    "pisteet": QuestionKind.DOTS,
    "prickar": QuestionKind.DOTS,
    "rank": QuestionKind.RANK,
    "järjestys": QuestionKind.RANK,
    "rangordna": QuestionKind.RANK,
    "nps": QuestionKind.NPS,
    "suosittelu": QuestionKind.NPS,
}
_SIZE_RANGES = {
    QuestionKind.DOTS: ("error.bad_dots", MIN_DOTS, MAX_DOTS),
    QuestionKind.RANK: ("error.bad_places", MIN_PLACES, MAX_PLACES),
}
_REMIND_OFF_WORDS = frozenset({"off", "pois", "no", "ei", "none", "av", "nej", "ingen"})

_USER_MENTION = r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>"
_GROUP_MENTION = r"<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>"
_MENTION = re.compile(f"{_USER_MENTION}|{_GROUP_MENTION}")
_MENTIONS_ONLY = re.compile(f"(?:{_USER_MENTION}|{_GROUP_MENTION})+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_FINNISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")
_SAMPLE = re.compile(r"\d{1,9}")


@dataclass(slots=True)
class _DraftParts:
    """What the tokens said so far; mutable only while one text is being read."""

    question: str
    options: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    close: CloseSpec | None = None
    remind: timedelta | None = DEFAULT_REMIND_EVERY
    remind_explicit: bool = False
    audience_given: bool = False
    user_ids: list[str] = field(default_factory=list)
    usergroup_ids: list[str] = field(default_factory=list)
    sample_size: int | None = None
    event: AbsoluteClose | None = None
    every: Every | None = None
    keywords_seen: set[str] = field(default_factory=set)
    # The way-to-answer words as written (multi, rating, dots:5, …), to name them in errors.
    kind_words: list[tuple[QuestionKind, str]] = field(default_factory=list)
    size: int | None = None


def parse_quick_poll(text: str) -> PollDraft:
    """Read a one-question poll in quick syntax and validate it."""
    tokens = tokenize(text)
    if not tokens or tokens[0].kind is not TokenKind.QUOTED:
        raise InvalidPollInput("error.missing_question", word=tokens[0].text if tokens else "")
    parts = _DraftParts(question=tokens[0].text.strip())
    position = 1
    while position < len(tokens):
        position = _read_token(tokens, position, parts)
    draft = _build_draft(parts)
    validate_draft(draft)
    return draft


def _read_token(tokens: Sequence[Token], position: int, parts: _DraftParts) -> int:
    """Apply the token at position; return the position of the next unread token."""
    token = tokens[position]
    if token.kind is TokenKind.QUOTED:
        parts.options.append(token.text.strip())
        return position + 1
    word = token.text
    if word.startswith(("<@", "<!subteam")):
        if _MENTIONS_ONLY.fullmatch(word):
            raise InvalidPollInput("error.mention_without_to", mention=word)
        raise InvalidPollInput("error.bad_mention", value=word)
    key, colon, value = word.partition(":")
    key = key.casefold()
    if key in _KIND_WORDS:
        return _read_kind(tokens, position, _KIND_WORDS[key], value if colon else None, parts)
    if not colon and key in _FLAG_WORDS:
        _mark_seen(parts, _FLAG_WORDS[key], word)
        parts.flags.add(_FLAG_WORDS[key])
        return position + 1
    if not colon or key not in _VALUE_WORDS:
        raise InvalidPollInput("error.unknown_keyword", word=word)
    keyword = _VALUE_WORDS[key]
    _mark_seen(parts, keyword, word)
    position += 1
    if keyword == "to":
        return _read_audience(tokens, position, value, parts)
    if not value:
        # "closes: 3d" with a space is read the same as "closes:3d".
        if position >= len(tokens) or tokens[position].kind is not TokenKind.WORD:
            raise InvalidPollInput("error.missing_value", word=word)
        value = tokens[position].text
        position += 1
    if keyword == "closes":
        parts.close, position = _read_close(tokens, position, value)
    elif keyword == "event":
        parts.event, position = _read_event(tokens, position, value)
    elif keyword == "every":
        parts.every = parse_every(value)
    elif keyword == "remind":
        parts.remind_explicit = True
        parts.remind = parse_remind_every(value)
    else:
        parts.sample_size = _parse_sample(value)
    return position


def parse_remind_every(value: str) -> timedelta | None:
    """A reminder interval as remind: takes it: a duration, or a word for off (None)."""
    return None if value.strip().casefold() in _REMIND_OFF_WORDS else parse_duration(value)


def _read_kind(
    tokens: Sequence[Token],
    position: int,
    kind: QuestionKind,
    value: str | None,
    parts: _DraftParts,
) -> int:
    """A dots, rank or nps word, with its number if one is given; the next unread position."""
    word = tokens[position].text
    _mark_seen(parts, kind.value, word)
    parts.kind_words.append((kind, word))
    position += 1
    if value is None:
        return position
    if kind not in _SIZE_RANGES:
        raise InvalidPollInput("error.nps_with_size", word=word)
    if not value:
        # "dots: 5" with a space is read the same as "dots:5".
        if position >= len(tokens) or tokens[position].kind is not TokenKind.WORD:
            raise InvalidPollInput("error.missing_value", word=word)
        value = tokens[position].text
        position += 1
    key, low, high = _SIZE_RANGES[kind]
    if not _SAMPLE.fullmatch(value) or not low <= int(value) <= high:
        raise InvalidPollInput(key, value=value, min=low, max=high)
    parts.size = int(value)
    return position


def _mark_seen(parts: _DraftParts, keyword: str, word: str) -> None:
    if keyword in parts.keywords_seen:
        raise InvalidPollInput("error.duplicate_keyword", word=word)
    parts.keywords_seen.add(keyword)


def _parse_sample(value: str) -> int:
    if not _SAMPLE.fullmatch(value) or int(value) < 1:
        raise InvalidPollInput("error.bad_sample", value=value)
    return int(value)


def _read_audience(tokens: Sequence[Token], position: int, value: str, parts: _DraftParts) -> int:
    """Collect the mentions after `to:` until the first token that is not a mention."""
    parts.audience_given = True
    if value:
        _add_mentions(value, parts, strict=True)
    while position < len(tokens) and tokens[position].kind is TokenKind.WORD:
        word = tokens[position].text
        # Right after a bare "to:" a plain name ("to: maija") is a mistaken mention, not a
        # stray word; a keyword there just means the list is empty.
        strict = not (value or parts.user_ids or parts.usergroup_ids or _is_keyword(word))
        if not _add_mentions(word, parts, strict=strict):
            break
        position += 1
    return position


def _is_keyword(word: str) -> bool:
    key, colon, _ = word.partition(":")
    known = _VALUE_WORDS if colon else _FLAG_WORDS
    return key.casefold() in known or key.casefold() in _KIND_WORDS


def _add_mentions(word: str, parts: _DraftParts, *, strict: bool) -> bool:
    """Add the user and group ids of a word made of mentions; False if it is another word.

    A word starting with "<" was meant as a mention, so a malformed one is an error, as is any
    non-mention value written straight after `to:` (strict)."""
    if not _MENTIONS_ONLY.fullmatch(word):
        if strict or word.startswith("<"):
            raise InvalidPollInput("error.bad_mention", value=word)
        return False
    for match in _MENTION.finditer(word):
        user_id, group_id = match.groups()
        if user_id and user_id not in parts.user_ids:
            parts.user_ids.append(user_id)
        if group_id and group_id not in parts.usergroup_ids:
            parts.usergroup_ids.append(group_id)
    return True


def _read_close(tokens: Sequence[Token], position: int, value: str) -> tuple[CloseSpec, int]:
    """Read a close value, taking a separate time token after a date; return the next position."""
    next_word = None
    if position < len(tokens) and tokens[position].kind is TokenKind.WORD:
        next_word = tokens[position].text
    spec, used_next = parse_close_spec(value, next_word)
    return spec, position + (1 if used_next else 0)


def _read_event(tokens: Sequence[Token], position: int, value: str) -> tuple[AbsoluteClose, int]:
    """Read an event date (and time) as a close date is read; a duration is no date."""
    try:
        spec, position = _read_close(tokens, position, value)
    except InvalidPollInput:
        raise InvalidPollInput("error.bad_event", value=value) from None
    if not isinstance(spec, AbsoluteClose):
        raise InvalidPollInput("error.bad_event", value=value)
    return spec, position


def parse_close_spec(value: str, next_word: str | None = None) -> tuple[CloseSpec, bool]:
    """Read a duration, a date or a date and time; True if next_word was the time and was used.

    Dates are `2026-12-01` or Finnish `1.12.2026`; the time joins with T or comes as the next
    word (`2026-12-01 16:00`, `16.00`)."""
    # Only the first "t" can be the date/time joint; a later one is just garbage to reject.
    date_text, separator, time_text = value.replace("t", "T", 1).partition("T")
    day = _parse_date(date_text)
    if day is None:
        if separator:
            raise InvalidPollInput("error.bad_close", value=value)
        try:
            return parse_duration(value), False
        except InvalidPollInput:
            raise InvalidPollInput("error.bad_close", value=value) from None
    used_next = False
    if not separator and next_word is not None and _TIME.fullmatch(next_word):
        time_text, used_next = next_word, True
    if not separator and not used_next:
        return AbsoluteClose(day.year, day.month, day.day), False
    time_match = _TIME.fullmatch(time_text)
    hour, minute = (int(time_match[1]), int(time_match[2])) if time_match else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidPollInput("error.bad_close", value=f"{date_text} {time_text}".strip())
    return AbsoluteClose(day.year, day.month, day.day, hour, minute), used_next


def _parse_date(text: str) -> date | None:
    """A real calendar date from ISO or Finnish form; None if text is not shaped like a date."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _FINNISH_DATE.fullmatch(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidPollInput("error.bad_close", value=text) from None


def _build_draft(parts: _DraftParts) -> PollDraft:
    kind = _kind(parts)
    size = resolved_size(kind, parts.size, len(parts.options))
    if parts.audience_given and not (parts.user_ids or parts.usergroup_ids):
        raise InvalidPollInput("error.empty_audience")
    audience = Audience(
        kind=AudienceKind.PEOPLE if parts.audience_given else AudienceKind.CHANNEL,
        user_ids=tuple(parts.user_ids),
        usergroup_ids=tuple(parts.usergroup_ids),
        sample_size=parts.sample_size,
    )
    question = Question(
        parts.question, kind, tuple(parts.options), size=size, open="open" in parts.flags
    )
    return PollDraft(
        questions=(question,),
        anonymous="anonymous" in parts.flags,
        close=DEFAULT_CLOSE_AFTER if parts.close is None else parts.close,
        remind_every=parts.remind,
        remind_explicit=parts.remind_explicit,
        audience=audience,
        close_explicit=parts.close is not None,
        event=parts.event,
        every=parts.every,
    )


def _kind(parts: _DraftParts) -> QuestionKind:
    """The one way to answer the words say; two different ones are refused."""
    multi = "multi" in parts.flags
    rating = "rating" in parts.flags
    if multi and rating:
        raise InvalidPollInput("error.multi_and_rating")
    named = [(QuestionKind.MULTI, "multi")] if multi else []
    named += [(QuestionKind.RATING, "rating")] if rating else []
    named += parts.kind_words
    if len(named) > 1:
        raise InvalidPollInput("error.conflicting_kinds", first=named[0][1], second=named[1][1])
    if rating and parts.options:
        raise InvalidPollInput("error.rating_with_options", number=1)
    if multi and not parts.options:
        raise InvalidPollInput("error.multi_without_options")
    if named:
        return named[0][0]
    return QuestionKind.SINGLE if parts.options else QuestionKind.TEXT


def _quote(text: str) -> str:
    """Quote text (in the stored form, which is how Slack sends it) with a quote family it does
    not contain."""
    if DOUBLE_QUOTES.isdisjoint(text):
        return f'"{text}"'
    if SINGLE_QUOTES.isdisjoint(text):
        return f"'{text}'"
    raise ValueError(f"text contains both kinds of quotes and cannot be quoted: {text!r}")


def format_close_spec(close: CloseSpec) -> str:
    """Write a close spec the way parse_close_spec reads it (`3d`, `2026-12-01T16:00`)."""
    if isinstance(close, timedelta):
        return format_duration(close)
    return format_absolute_close(close).replace(" ", "T")


def format_quick_poll(draft: PollDraft) -> str:
    """Write a one-question draft in quick syntax (without the `new` word), as Slack sends it."""
    if len(draft.questions) != 1:
        raise ValueError("quick syntax holds exactly one question")
    question = draft.questions[0]
    words = [_quote(question.text), *(_quote(option) for option in question.options)]
    if question.kind is QuestionKind.MULTI:
        words.append("multi")
    elif question.kind is QuestionKind.RATING:
        words.append("rating")
    elif question.kind is QuestionKind.NPS:
        words.append("nps")
    elif question.kind is QuestionKind.DOTS:
        words.append("dots" if question.size in (None, DEFAULT_DOTS) else f"dots:{question.size}")
    elif question.kind is QuestionKind.RANK:
        default = question.size in (None, DEFAULT_PLACES)
        words.append("rank" if default else f"rank:{question.size}")
    if question.open:
        words.append("open")
    if draft.anonymous:
        words.append("anonymous")
    if draft.close_explicit or draft.close != DEFAULT_CLOSE_AFTER:
        words.append(f"closes:{format_close_spec(draft.close)}")
    if draft.event is not None:
        words.append(f"event:{format_close_spec(draft.event)}")
    if draft.remind_explicit or draft.remind_every != DEFAULT_REMIND_EVERY:
        every = draft.remind_every
        words.append(f"remind:{'off' if every is None else format_duration(every)}")
    audience = draft.audience
    if audience.kind is AudienceKind.PEOPLE:
        mentions = [f"<@{user_id}>" for user_id in audience.user_ids]
        mentions += [f"<!subteam^{group_id}>" for group_id in audience.usergroup_ids]
        words.append("to:" + " ".join(mentions))
    if audience.sample_size is not None:
        words.append(f"sample:{audience.sample_size}")
    if draft.every is not None:
        words.append(f"every:{draft.every.value}")
    return " ".join(words)
