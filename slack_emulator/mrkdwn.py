"""What a Slack client makes of mrkdwn's tokens: mentions, links, and dates in the reader's zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

# A token is everything between < and >; Slack escapes a literal < or > in text as &lt; / &gt;.
_TOKEN = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(lt|gt|amp);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&"}
_DATE_PART = re.compile(r"\{([a-z_]+)\}")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
BROADCASTS = ("here", "channel", "everyone")


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text between tokens, with &lt; &gt; &amp; decoded (formatting marks kept)."""

    text: str


@dataclass(frozen=True, slots=True)
class UserMention:
    """<@U…> or <@U…|label>: shown as the person's current name."""

    user_id: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class ChannelMention:
    """<#C…> or <#C…|name>: shown as #name."""

    channel_id: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class GroupMention:
    """<!subteam^S…> or <!subteam^S…|@handle>: shown as @handle."""

    group_id: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Broadcast:
    """<!here>, <!channel>, <!everyone>."""

    name: str


@dataclass(frozen=True, slots=True)
class DateToken:
    """<!date^unix^format^link|fallback>: the time in the reader's own time zone."""

    unix: int
    format: str
    fallback: str
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """<url> or <url|label>."""

    url: str
    label: str | None = None


Piece = Text | UserMention | ChannelMention | GroupMention | Broadcast | DateToken | Link


def decode_entities(text: str) -> str:
    """&lt; &gt; &amp; back to < > & (once: &amp;lt; stays the text "&lt;")."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def parse(text: str) -> list[Piece]:
    """mrkdwn split into text and the tokens a client replaces, in order."""
    pieces: list[Piece] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            pieces.append(Text(decode_entities(text[position : match.start()])))
        pieces.append(_token(match.group(1)))
        position = match.end()
    if position < len(text):
        pieces.append(Text(decode_entities(text[position:])))
    return pieces


def _token(inner: str) -> Piece:
    body, bar, raw_label = inner.partition("|")
    label = decode_entities(raw_label) if bar and raw_label else None
    if body.startswith("@"):
        return UserMention(body[1:], label)
    if body.startswith("#"):
        return ChannelMention(body[1:], label)
    if body.startswith("!subteam^"):
        return GroupMention(body.removeprefix("!subteam^"), label)
    if body.startswith("!date^"):
        parts = body.split("^")
        if len(parts) >= 3 and parts[1].lstrip("-").isdigit():
            link = parts[3] if len(parts) > 3 and parts[3] else None
            return DateToken(int(parts[1]), decode_entities(parts[2]), label or "", link)
        return Text(label or "")
    if body.startswith("!"):
        name = body[1:]
        return Broadcast(name) if name in BROADCASTS else Text(label or "")
    return Link(decode_entities(body), label)


def uses_24_hour_clock(locale: str) -> bool:
    """Slack's time preference, guessed from the locale: 12-hour for US English only."""
    return locale != "en-US"


def format_date(token: DateToken, *, tz: str, now: datetime, hour_24: bool = True) -> str:
    """The text a client shows for a date token, read in time zone tz at the moment now; the
    token's fallback when its format holds a part Slack does not know."""
    zone = ZoneInfo(tz)
    moment = datetime.fromtimestamp(token.unix, zone)
    today = now.astimezone(zone).date()
    shown: list[str] = []
    position = 0
    for match in _DATE_PART.finditer(token.format):
        part = _date_part(match.group(1), moment, today, now, hour_24, at_start=match.start() == 0)
        if part is None:
            return token.fallback
        shown.append(token.format[position : match.start()])
        shown.append(part)
        position = match.end()
    shown.append(token.format[position:])
    return "".join(shown)


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _relative(day: date, today: date, *, capital: bool) -> str | None:
    word = {-1: "yesterday", 0: "today", 1: "tomorrow"}.get((day - today).days)
    if word is None:
        return None
    return word.capitalize() if capital else word


def _clock(moment: datetime, hour_24: bool, *, seconds: bool) -> str:
    if hour_24:
        return moment.strftime("%H:%M:%S" if seconds else "%H:%M")
    hour = moment.hour % 12 or 12
    tail = f":{moment.second:02d}" if seconds else ""
    return f"{hour}:{moment.minute:02d}{tail} {'AM' if moment.hour < 12 else 'PM'}"


def _ago(moment: datetime, now: datetime) -> str:
    seconds = int((now - moment).total_seconds())
    future, seconds = seconds < 0, abs(seconds)
    if seconds < 60:
        return "in a few seconds" if future else "a few seconds ago"
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if future else f"{words} ago"
    raise AssertionError("unreachable")  # pragma: no cover


def _date_part(
    name: str, moment: datetime, today: date, now: datetime, hour_24: bool, *, at_start: bool
) -> str | None:
    day = moment.date()
    month = MONTHS[moment.month - 1]
    weekday = WEEKDAYS[moment.weekday()]
    fixed = {
        "date_num": f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}",
        "date_slash": f"{moment.day:02d}/{moment.month:02d}/{moment.year:04d}",
        "date": f"{month} {_ordinal(moment.day)}, {moment.year}",
        "date_short": f"{month[:3]} {moment.day}, {moment.year}",
        "date_long": f"{weekday}, {month} {_ordinal(moment.day)}, {moment.year}",
        "date_long_full": f"{month} {moment.day}, {moment.year}",
        "time": _clock(moment, hour_24, seconds=False),
        "time_secs": _clock(moment, hour_24, seconds=True),
        "ago": _ago(moment, now),
    }
    if name in fixed:
        return fixed[name]
    relative = _relative(day, today, capital=at_start)
    pretty = {
        "date_pretty": "date",
        "date_short_pretty": "date_short",
        "date_long_pretty": "date_long",
    }
    if name in pretty:
        return relative or fixed[pretty[name]]
    if name == "day_divider_pretty":
        if relative:
            return relative
        if moment.year == today.year:
            return f"{weekday}, {month} {_ordinal(moment.day)}"
        return fixed["date_long"]
    return None
