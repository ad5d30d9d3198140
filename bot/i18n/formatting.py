"""Numbers, percentages, durations and UTC times written the way each language writes them."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from bot.i18n.lookup import t, tn

# Largest first; a week is only used when the duration is at least one.
_UNITS = (
    ("duration.weeks", 7 * 86400),
    ("duration.days", 86400),
    ("duration.hours", 3600),
    ("duration.minutes", 60),
    ("duration.seconds", 1),
)


def format_decimal(value: float, lang: str) -> str:
    """A number with one decimal in the language's style (`4.2`, Finnish `4,2`)."""
    return f"{value:.1f}".replace(".", t(lang, "format.decimal_separator"))


def format_percent(value: float, lang: str) -> str:
    """A whole percentage (`30%`, Finnish `30 %`), rounding halves up."""
    return t(lang, "format.percent", value=math.floor(value + 0.5))


def format_duration(duration: timedelta, lang: str) -> str:
    """A duration in words with its two largest units (`3 days`, `1 päivä ja 12 tuntia`)."""
    remaining = max(0, duration // timedelta(seconds=1))
    parts: list[str] = []
    for key, seconds in _UNITS:
        count, remaining = divmod(remaining, seconds)
        if count:
            parts.append(tn(lang, key, count))
    if not parts:
        return tn(lang, "duration.seconds", 0)
    if len(parts) == 1:
        return parts[0]
    # Two units say enough ("1 day and 12 hours"); the smaller rest would only be noise.
    return t(lang, "duration.join", first=parts[0], second=parts[1])


def format_utc(moment: datetime, lang: str) -> str:
    """A point in time as UTC text (`2026-03-14 15:00 UTC`); naive times are taken as UTC."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return t(
        lang,
        "format.utc_time",
        year=utc.year,
        month=utc.month,
        day=utc.day,
        hour=utc.hour,
        minute=utc.minute,
    )
