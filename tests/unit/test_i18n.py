"""The catalogs: same keys and placeholders in every language, every used key present, formats."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import pytest

from bot.domain.commands import HelpCommand, parse_command
from bot.domain.errors import InvalidPollInput
from bot.domain.model import MAX_PLACES, MAX_QUESTIONS, RATING_SCALE, Every, QuestionKind
from bot.domain.outcome import OutcomeStatus, SupportUnit
from bot.domain.quickpoll import parse_quick_poll
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
from bot.slack.blocks.create_form import AUDIENCE_CHOICES, REMIND_CHOICES, REPEAT_CHOICES
from bot.slack.blocks.follow_up_form import METHODS

BOT = Path(__file__).resolve().parents[2] / "bot"
ERROR_KEY = re.compile(r"""["'](error\.[a-z_.]+)["']""")
# A key written as a literal in a lookup: t(lang, "key"), tm(lang, "key"), render_notice("key").
LOOKUP = re.compile(
    r"""\b(?:t|tm)\(\s*[\w.]+,\s*["']([a-z_.0-9]+)["']|render_notice\(\s*["']([a-z_.0-9]+)["']"""
)
# tn(lang, "key", count) looks up key.one and key.other.
COUNTED = re.compile(r"""\btn\(\s*[\w.]+,\s*["']([a-z_.0-9]+)["']""")
HELP_COMMAND = re.compile(r"`\{command\} ([^`]*)`")
CODE_SPAN = re.compile(r"`([^`{]*)`")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def source_files() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


TRANSLATIONS = [lang for lang in SUPPORTED_LANGUAGES if lang != "en"]
# Texts a translation rightly leaves as in English, each with the reason. Texts with no words of
# their own (only placeholders, markup, numbers and punctuation) need no entry: see own_words.
SAME_AS_ENGLISH: dict[tuple[str, str], str] = {}


def own_words(text: str) -> str:
    """The letters of a text outside its placeholders and code spans: what a reader reads."""
    bare = re.sub(
        r"`[^`]*`", "", "".join(literal for literal, *_ in string.Formatter().parse(text))
    )
    return "".join(char for char in bare if char.isalpha())


def test_every_catalog_has_the_same_keys() -> None:
    assert SUPPORTED_LANGUAGES == ("en", "fi", "sv")
    for lang in TRANSLATIONS:
        assert sorted(set(catalog("en")) - set(catalog(lang))) == [], f"missing in {lang}"
        assert sorted(set(catalog(lang)) - set(catalog("en"))) == [], f"extra in {lang}"


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_every_language_takes_the_same_placeholders(lang: str, key: str) -> None:
    assert placeholders(catalog("en")[key]) == placeholders(catalog(lang)[key])


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_no_text_is_english_by_accident(lang: str) -> None:
    english = catalog("en")
    same = {
        key
        for key, text in catalog(lang).items()
        if text == english[key] and own_words(text) and (lang, key) not in SAME_AS_ENGLISH
    }
    assert sorted(same) == []


def test_the_english_check_sees_words_but_not_markup() -> None:
    assert own_words("`{bar}` {percent} · {option} ({count})") == ""
    assert own_words("*{number}.* {question}\n_{kind}_") == ""
    assert own_words("{count} votes") == "votes"
    assert own_words("`{command} list` – open polls") == "openpolls"
    for (lang, key), reason in SAME_AS_ENGLISH.items():
        assert reason and own_words(catalog(lang)[key]), key
        assert catalog(lang)[key] == catalog("en")[key], f"{lang} {key} is translated now"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_command_the_help_shows_is_understood(lang: str) -> None:
    """The help of each language names that language's subcommands and settings."""
    shown = [
        *HELP_COMMAND.findall(catalog(lang)["help.manage"]),
        *HELP_COMMAND.findall(catalog(lang)["help.quick"]),
        *HELP_COMMAND.findall(catalog(lang)["help.examples"]),
    ]
    assert len(shown) >= 14
    for text in shown:
        if "@" in text:
            continue  # a typed @name is a mention only once Slack has escaped it
        command = parse_command(text)
        assert not (isinstance(command, HelpCommand) and command.unknown), text
    settings = CODE_SPAN.findall(catalog(lang)["help.settings"] + catalog(lang)["help.event"])
    assert len(settings) >= 15
    for setting in settings:
        try:
            parse_quick_poll(f'"Q?" "A" "B" "C" {setting}')
        except InvalidPollInput as refused:
            assert refused.message_key != "error.unknown_keyword", setting


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_the_home_tabs_example_is_a_poll_in_the_readers_own_words(lang: str) -> None:
    (example,) = HELP_COMMAND.findall(catalog(lang)["home.start.text"])
    draft = parse_quick_poll(example)
    assert len(draft.questions[0].options) == 2 and draft.close == timedelta(days=3)
    if lang != "en":
        assert "closes:" not in example  # the setting as that language's help writes it


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
        *(f"create.repeat.{choice}" for choice in REPEAT_CHOICES),
        *(f"series.every.{every.value}" for every in Every),
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
    for key in ("suggest.submit", "suggest.cancel", "suggest.done_title"):
        assert len(t(lang, key)) <= 24, key
    assert len(t(lang, "answer.title", poll_id=99_999)) <= 24
    assert len(t(lang, "suggest.title", poll_id=99_999)) <= 24
    option_keys = [
        *(f"create.kind.{kind.value}" for kind in QuestionKind),
        *(f"create.remind.{choice}" for choice in REMIND_CHOICES),
        *(f"create.repeat.{choice}" for choice in REPEAT_CHOICES),
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


def test_swedish_reads_swedish() -> None:
    assert t("sv", "poll.button.answer") == "Svara"
    assert t("sv", "poll.header", poll_id=3) == "Önskemål #3"
    assert tn("sv", "duration.days", 2) == "2 dagar"
    assert tn("sv", "reminder.more_questions", 1) == "(och 1 fråga till)"


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
        ("sv-SE", "fi", "sv"),
        ("sv-FI", "en", "sv"),
        ("sv_fi", "fi", "sv"),
        ("de-DE", "sv", "en"),
        (None, "sv", "sv"),
        (None, "fi", "fi"),
        ("", "fi", "fi"),
        (None, "de", "en"),
    ],
)
def test_language_for_a_slack_locale(locale: str | None, default: str, expected: str) -> None:
    assert language_for(locale, default) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (4.25, "en", "4.2"),
        (4.26, "fi", "4,3"),
        (5.0, "fi", "5,0"),
        (0.0, "en", "0.0"),
        (3.45, "sv", "3,5"),
    ],
)
def test_decimals_use_the_language_separator(value: float, lang: str, expected: str) -> None:
    assert format_decimal(value, lang) == expected


def test_percentages() -> None:
    assert format_percent(30.0, "en") == "30%"
    assert format_percent(12.5, "fi") == "13 %"
    assert format_percent(0.4, "fi") == "0 %"
    assert format_percent(66.7, "sv") == "67 %"


@pytest.mark.parametrize(
    ("duration", "en", "fi", "sv"),
    [
        (timedelta(days=3), "3 days", "3 päivää", "3 dagar"),
        (timedelta(days=1), "1 day", "1 päivä", "1 dag"),
        (timedelta(weeks=1), "1 week", "1 viikko", "1 vecka"),
        (timedelta(weeks=2), "2 weeks", "2 viikkoa", "2 veckor"),
        (timedelta(hours=36), "1 day and 12 hours", "1 päivä ja 12 tuntia", "1 dag och 12 timmar"),
        (
            timedelta(seconds=90),
            "1 minute and 30 seconds",
            "1 minuutti ja 30 sekuntia",
            "1 minut och 30 sekunder",
        ),
        (
            timedelta(hours=1, minutes=1),
            "1 hour and 1 minute",
            "1 tunti ja 1 minuutti",
            "1 timme och 1 minut",
        ),
        (
            timedelta(days=1, hours=2, minutes=3),
            "1 day and 2 hours",
            "1 päivä ja 2 tuntia",
            "1 dag och 2 timmar",
        ),
        (timedelta(0), "0 seconds", "0 sekuntia", "0 sekunder"),
    ],
)
def test_durations_in_words(duration: timedelta, en: str, fi: str, sv: str) -> None:
    assert format_duration(duration, "en") == en
    assert format_duration(duration, "fi") == fi
    assert format_duration(duration, "sv") == sv


def test_utc_times() -> None:
    moment = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    assert format_utc(moment, "en") == "2026-03-04 05:06 UTC"
    assert format_utc(moment, "fi") == "4.3.2026 klo 05.06 UTC"
    assert format_utc(moment, "sv") == "4.3.2026 kl. 05.06 UTC"
    assert format_utc(moment.replace(tzinfo=None), "en") == "2026-03-04 05:06 UTC"


def test_catalogs_ship_as_package_data() -> None:
    package = resources.files("bot.i18n")
    for lang in SUPPORTED_LANGUAGES:
        assert package.joinpath(f"{lang}.json").is_file()
    pyproject = (BOT.parent / "pyproject.toml").read_text()
    assert '"*" = ["*.json", "*.sql"]' in pyproject
