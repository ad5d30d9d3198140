"""The catalogs: same keys and placeholders in both languages, every used key present, formats."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import pytest

from bot.domain.model import MAX_PLACES, MAX_QUESTIONS, RATING_SCALE, QuestionKind
from bot.domain.outcome import OutcomeStatus, SupportUnit
from bot.i18n import (
    SUPPORTED_LANGUAGES,
    catalog,
    format_decimal,
    format_duration,
    format_percent,
    format_utc,
    language_for,
    lookup,
    t,
    tn,
)
from bot.slack.blocks import TEMPLATES
from bot.slack.blocks.create_form import AUDIENCE_CHOICES, REMIND_CHOICES
from bot.slack.blocks.follow_up_form import METHODS

BOT = Path(__file__).resolve().parents[2] / "bot"
ERROR_KEY = re.compile(r"""["'](error\.[a-z_.]+)["']""")
# A key written as a literal in a lookup: t(lang, "key"), tm(lang, "key"), render_notice("key").
LOOKUP = re.compile(
    r"""\b(?:t|tm)\(\s*[\w.]+,\s*["']([a-z_.0-9]+)["']|render_notice\(\s*["']([a-z_.0-9]+)["']"""
)
# tn(lang, "key", count) looks up key.one and key.other.
COUNTED = re.compile(r"""\btn\(\s*[\w.]+,\s*["']([a-z_.0-9]+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def source_files() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


def test_both_catalogs_have_the_same_keys() -> None:
    assert set(catalog("en")) == set(catalog("fi"))


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_both_languages_take_the_same_placeholders(key: str) -> None:
    assert placeholders(catalog("en")[key]) == placeholders(catalog("fi")[key])


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_text_formats_with_its_placeholders(lang: str) -> None:
    for key, text in catalog(lang).items():
        text.format(**dict.fromkeys(placeholders(text), 7))
        assert text == text.strip(), f"{key} starts or ends with white space"


def test_every_error_key_in_the_source_is_catalogued() -> None:
    used = {key for path in source_files() for key in ERROR_KEY.findall(path.read_text())}
    assert used, "the scan found no error keys at all"
    assert sorted(used - set(catalog("en"))) == []


def test_every_literal_lookup_in_the_source_is_catalogued() -> None:
    used = {
        key
        for path in source_files()
        for match in LOOKUP.findall(path.read_text())
        for key in match
        if key
    }
    counted = {key for path in source_files() for key in COUNTED.findall(path.read_text())}
    used |= {f"{key}.{form}" for key in counted for form in ("one", "other")}
    assert {"summary.header", "reminder.more_questions.one"} <= used
    assert sorted(used - set(catalog("en"))) == []


def test_every_computed_key_is_catalogued() -> None:
    keys = [
        *(f"poll.kind.{kind.value}" for kind in QuestionKind),
        *(f"create.kind.{kind.value}" for kind in QuestionKind),
        *(f"answer.hint.{kind.value}" for kind in QuestionKind),
        *(f"rating.{point}" for point in RATING_SCALE),
        *(f"answer.place.{place}" for place in range(1, MAX_PLACES + 1)),
        *(f"create.remind.{choice}" for choice in REMIND_CHOICES),
        *(f"create.audience.{choice}" for choice in AUDIENCE_CHOICES),
        *(f"create.template.{name}" for name in TEMPLATES),
        *(f"outcome.status.{status.value}" for status in OutcomeStatus),
        *(f"outcome.group.{status.value}" for status in OutcomeStatus),
        *(
            f"outcome.support.{unit.value}.{form}"
            for unit in SupportUnit
            for form in ("one", "other")
        ),
        *(f"follow_up.method.{kind.value}" for kind in METHODS),
        *(f"follow_up.{name}.{part}" for name in ("dots", "places") for part in ("label", "hint")),
        *(
            f"duration.{unit}.{form}"
            for unit in ("weeks", "days", "hours", "minutes", "seconds")
            for form in ("one", "other")
        ),
    ]
    for lang in SUPPORTED_LANGUAGES:
        assert [key for key in keys if key not in catalog(lang)] == []


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_modal_titles_and_buttons_fit_slack(lang: str) -> None:
    for key in (
        "create.title",
        "create.submit",
        "create.cancel",
        "answer.submit",
        "answer.cancel",
        "answer.result_title",
        "answer.close",
        "outcome.form.title",
        "outcome.form.submit",
        "outcome.form.cancel",
        "follow_up.title",
        "follow_up.submit",
        "follow_up.cancel",
    ):
        assert len(t(lang, key)) <= 24, key
    assert len(t(lang, "answer.title", poll_id=99_999)) <= 24
    option_keys = [
        *(f"create.kind.{kind.value}" for kind in QuestionKind),
        *(f"create.remind.{choice}" for choice in REMIND_CHOICES),
        *(f"create.audience.{choice}" for choice in AUDIENCE_CHOICES),
        *(f"create.template.{name}" for name in TEMPLATES),
        *(f"rating.{point}" for point in RATING_SCALE),
        "create.anonymous.option",
        "outcome.status.none",
        "outcome.form.tell_again",
        "outcome.form.tell_again_hint",
        *(f"outcome.status.{status.value}" for status in OutcomeStatus),
        *(f"follow_up.method.{kind.value}" for kind in METHODS),
    ]
    button_keys = [key for key in catalog(lang) if ".button." in key]
    for key in option_keys + button_keys:
        assert len(t(lang, key)) <= 75, key


def test_template_options_are_one_per_line_and_short() -> None:
    for lang in SUPPORTED_LANGUAGES:
        for key, text in catalog(lang).items():
            if key.endswith(".options"):
                options = text.split("\n")
                assert 2 <= len(options) <= 25
                assert all(0 < len(option) <= 75 for option in options)
    assert MAX_QUESTIONS >= 3


def test_finnish_reads_finnish() -> None:
    assert t("fi", "poll.button.answer") == "Vastaa"
    assert t("fi", "poll.button.close") == "Sulje kysely"
    assert t("fi", "poll.header", poll_id=3) == "Toiveet #3"


def test_missing_finnish_text_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    english = MappingProxyType({"only.english": "Hello {name}"})
    monkeypatch.setattr(
        lookup,
        "_CATALOGS",
        MappingProxyType({"en": english, "fi": MappingProxyType({})}),
    )
    assert t("fi", "only.english", name="Anna") == "Hello Anna"
    assert t("sv", "only.english", name="Anna") == "Hello Anna"


def test_an_unknown_key_raises() -> None:
    with pytest.raises(KeyError):
        t("fi", "no.such.key")


def test_counted_phrases_pick_singular_or_plural() -> None:
    assert tn("en", "duration.days", 1) == "1 day"
    assert tn("fi", "duration.days", 3) == "3 päivää"


@pytest.mark.parametrize(
    ("locale", "default", "expected"),
    [
        ("fi-FI", "en", "fi"),
        ("fi", "en", "fi"),
        ("FI_fi", "en", "fi"),
        ("en-US", "fi", "en"),
        ("sv-SE", "fi", "en"),
        (None, "fi", "fi"),
        ("", "fi", "fi"),
        (None, "de", "en"),
    ],
)
def test_language_for_a_slack_locale(locale: str | None, default: str, expected: str) -> None:
    assert language_for(locale, default) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [(4.25, "en", "4.2"), (4.26, "fi", "4,3"), (5.0, "fi", "5,0"), (0.0, "en", "0.0")],
)
def test_decimals_use_the_language_separator(value: float, lang: str, expected: str) -> None:
    assert format_decimal(value, lang) == expected


def test_percentages() -> None:
    assert format_percent(30.0, "en") == "30%"
    assert format_percent(12.5, "fi") == "13 %"
    assert format_percent(0.4, "fi") == "0 %"


@pytest.mark.parametrize(
    ("duration", "en", "fi"),
    [
        (timedelta(days=3), "3 days", "3 päivää"),
        (timedelta(days=1), "1 day", "1 päivä"),
        (timedelta(weeks=1), "1 week", "1 viikko"),
        (timedelta(hours=36), "1 day and 12 hours", "1 päivä ja 12 tuntia"),
        (timedelta(seconds=90), "1 minute and 30 seconds", "1 minuutti ja 30 sekuntia"),
        (timedelta(days=1, hours=2, minutes=3), "1 day and 2 hours", "1 päivä ja 2 tuntia"),
        (timedelta(0), "0 seconds", "0 sekuntia"),
    ],
)
def test_durations_in_words(duration: timedelta, en: str, fi: str) -> None:
    assert format_duration(duration, "en") == en
    assert format_duration(duration, "fi") == fi


def test_utc_times() -> None:
    moment = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    assert format_utc(moment, "en") == "2026-03-04 05:06 UTC"
    assert format_utc(moment, "fi") == "4.3.2026 klo 05.06 UTC"
    assert format_utc(moment.replace(tzinfo=None), "en") == "2026-03-04 05:06 UTC"


def test_catalogs_ship_as_package_data() -> None:
    package = resources.files("bot.i18n")
    for lang in SUPPORTED_LANGUAGES:
        assert package.joinpath(f"{lang}.json").is_file()
    pyproject = (BOT.parent / "pyproject.toml").read_text()
    assert '"*" = ["*.json", "*.sql"]' in pyproject
