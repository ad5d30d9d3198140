"""Reading and writing short durations such as `90s`, `15m`, `2h`, `3d`, `1w` and `1h30m`."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain.errors import InvalidPollInput

_UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_UNIT_ORDER = "wdhms"
# Nine digits per part is far beyond any useful poll length and keeps timedelta from overflowing.
_PART = re.compile(r"(\d{1,9})([wdhms])")
_WHOLE = re.compile(r"(?:\d{1,9}[wdhms])+")


def parse_duration(text: str, *, field: str | None = None) -> timedelta:
    """Parse a positive duration made of integer+unit parts, largest unit first (`1h30m`)."""
    compact = text.strip().lower()
    if not _WHOLE.fullmatch(compact):
        raise InvalidPollInput("error.bad_duration", field=field, value=text.strip())
    total = 0
    previous_rank = -1
    for number, unit in _PART.findall(compact):
        rank = _UNIT_ORDER.index(unit)
        # "30m1h" or "1h1h" are more likely typos than intent, so the order is enforced.
        if rank <= previous_rank:
            raise InvalidPollInput("error.bad_duration", field=field, value=text.strip())
        previous_rank = rank
        total += int(number) * _UNIT_SECONDS[unit]
    if total <= 0:
        raise InvalidPollInput("error.bad_duration", field=field, value=text.strip())
    try:
        return timedelta(seconds=total)
    except OverflowError:
        raise InvalidPollInput("error.bad_duration", field=field, value=text.strip()) from None


def format_duration(duration: timedelta) -> str:
    """Write a positive duration in the compact form parse_duration reads; sub-seconds dropped."""
    remaining = duration // timedelta(seconds=1)
    if remaining <= 0:
        raise ValueError(f"duration must be at least one second, got {duration!r}")
    parts = []
    for unit in _UNIT_ORDER:
        count, remaining = divmod(remaining, _UNIT_SECONDS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
