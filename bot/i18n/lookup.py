"""Message catalogs (one JSON file per language, loaded once) and the lookup `t`."""

from __future__ import annotations

import json
from importlib import resources
from types import MappingProxyType
from typing import Final

SUPPORTED_LANGUAGES: Final = ("en", "fi", "sv")
FALLBACK_LANGUAGE: Final = "en"
_PACKAGE: Final = __name__.rpartition(".")[0]


def _load(lang: str) -> MappingProxyType[str, str]:
    """Read one catalog; every value must be a string so formatting cannot surprise."""
    raw = json.loads(resources.files(_PACKAGE).joinpath(f"{lang}.json").read_text("utf-8"))
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ValueError(f"catalog {lang}.json must map keys to strings")
    return MappingProxyType(raw)


_CATALOGS: Final = MappingProxyType({lang: _load(lang) for lang in SUPPORTED_LANGUAGES})


def catalog(lang: str) -> MappingProxyType[str, str]:
    """The raw catalog of a supported language (for tests and tooling)."""
    return _CATALOGS[lang]


def _lookup(lang: str, key: str) -> str:
    """The unformatted text of key in lang, falling back to English; KeyError if nowhere."""
    text = _CATALOGS.get(lang, _CATALOGS[FALLBACK_LANGUAGE]).get(key)
    if text is None:
        text = _CATALOGS[FALLBACK_LANGUAGE].get(key)
    if text is None:
        raise KeyError(key)
    return text


def t(lang: str, key: str, **params: object) -> str:
    """The text of key in lang with {params} filled in (str.format); KeyError if unknown."""
    return _lookup(lang, key).format(**params)


def tn(lang: str, key: str, count: int, **params: object) -> str:
    """Like t for a counted phrase: picks `key.one` for 1 and `key.other` otherwise."""
    # English, Finnish and Swedish share this plural rule, so two forms are enough.
    form = "one" if count == 1 else "other"
    return t(lang, f"{key}.{form}", count=count, **params)


def language_for(locale: str | None, default: str) -> str:
    """The catalog language for a Slack locale (`fi-FI` → fi, `sv-SE`/`sv-FI` → sv, others → en)."""
    if not locale or not locale.strip():
        return default if default in SUPPORTED_LANGUAGES else FALLBACK_LANGUAGE
    primary = locale.strip().replace("_", "-").split("-", 1)[0].casefold()
    return primary if primary in SUPPORTED_LANGUAGES else FALLBACK_LANGUAGE
