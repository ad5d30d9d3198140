"""Message catalogs (English, Finnish, Swedish) and language-aware numbers and times."""

from bot.i18n.formatting import format_decimal, format_duration, format_percent, format_utc
from bot.i18n.lookup import (
    FALLBACK_LANGUAGE,
    SUPPORTED_LANGUAGES,
    catalog,
    language_for,
    t,
    tn,
)

__all__ = [
    "FALLBACK_LANGUAGE",
    "SUPPORTED_LANGUAGES",
    "catalog",
    "format_decimal",
    "format_duration",
    "format_percent",
    "format_utc",
    "language_for",
    "t",
    "tn",
]
