"""Tests of reading the slash command text and the one-line poll syntax."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.domain.commands import (
    CloseCommand,
    Command,
    DeleteCommand,
    ExportCommand,
    ExtendCommand,
    HelpCommand,
    ListCommand,
    OpenFormCommand,
    PrioritiseCommand,
    RemindCommand,
    ResultsCommand,
    parse_command,
    parse_poll_id,
)
from bot.domain.model import (
    DEFAULT_CLOSE_AFTER,
    DEFAULT_REMIND_EVERY,
    AbsoluteClose,
    Audience,
    AudienceKind,
    PollDraft,
    Question,
    QuestionKind,
)
from tests.unit.factories import only_question, parse_error, parse_new_poll

# Curly single quotes as Slack clients produce them; escaped because ruff flags them on sight.
LSQ = "\u2018"
RSQ = "\u2019"

# ---- subcommands --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", OpenFormCommand(), id="empty-opens-form"),
        pytest.param("   ", OpenFormCommand(), id="blank-opens-form"),
        pytest.param("new", OpenFormCommand(), id="new-alone-opens-form"),
        pytest.param("uusi", OpenFormCommand(), id="finnish-new-opens-form"),
        pytest.param("help", HelpCommand(), id="help"),
        pytest.param("OHJE", HelpCommand(), id="finnish-help-any-case"),
        pytest.param("frobnicate 12", HelpCommand(unknown="frobnicate"), id="unknown-word"),
        pytest.param("list", ListCommand(), id="list"),
        pytest.param("lista", ListCommand(), id="finnish-list"),
        pytest.param("close 12", CloseCommand(12), id="close"),
        pytest.param("sulje #12", CloseCommand(12), id="finnish-close-hash-id"),
        pytest.param("results 3", ResultsCommand(3), id="results"),
        pytest.param("tulokset 3", ResultsCommand(3), id="finnish-results"),
        pytest.param("export 4", ExportCommand(4), id="export"),
        pytest.param("vie 4", ExportCommand(4), id="finnish-export"),
        pytest.param("delete 5", DeleteCommand(5), id="delete"),
        pytest.param("poista 5", DeleteCommand(5), id="finnish-delete"),
        pytest.param("remind 6", RemindCommand(6), id="remind"),
        pytest.param("Muistuta\t#6", RemindCommand(6), id="finnish-remind-tab"),
        pytest.param("prioritise 7", PrioritiseCommand(7), id="prioritise"),
        pytest.param("prioritize #7", PrioritiseCommand(7), id="prioritize"),
        pytest.param("priorisoi 7", PrioritiseCommand(7), id="finnish-prioritise"),
        pytest.param("ny", OpenFormCommand(), id="swedish-new-opens-form"),
        pytest.param("Hjälp", HelpCommand(), id="swedish-help"),
        pytest.param("stäng #12", CloseCommand(12), id="swedish-close"),
        pytest.param("resultat 3", ResultsCommand(3), id="swedish-results"),
        pytest.param("exportera 4", ExportCommand(4), id="swedish-export"),
        pytest.param("radera 5", DeleteCommand(5), id="swedish-delete"),
        pytest.param("påminn 6", RemindCommand(6), id="swedish-remind"),
        pytest.param("prioritera 7", PrioritiseCommand(7), id="swedish-prioritise"),
        pytest.param(
            "förläng 7 stängs:1.12.2026 16.00",
            ExtendCommand(7, AbsoluteClose(2026, 12, 1, 16, 0)),
            id="swedish-extend-keyword-date-time",
        ),
        pytest.param("extend 7 2d", ExtendCommand(7, timedelta(days=2)), id="extend-duration"),
        pytest.param(
            "jatka #7 closes:2026-12-01 16:00",
            ExtendCommand(7, AbsoluteClose(2026, 12, 1, 16, 0)),
            id="finnish-extend-keyword-date-time",
        ),
        pytest.param(
            "extend 7 closes: 2026-12-01",
            ExtendCommand(7, AbsoluteClose(2026, 12, 1)),
            id="extend-keyword-space-date",
        ),
    ],
)
def test_parse_command_recognises_subcommands(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        pytest.param("close", "error.missing_poll_id", {"verb": "close"}, id="close-without-id"),
        pytest.param("extend", "error.missing_poll_id", {"verb": "extend"}, id="extend-no-id"),
        pytest.param("close abc", "error.bad_poll_id", {"value": "abc"}, id="not-a-number"),
        pytest.param("close 0", "error.bad_poll_id", {"value": "0"}, id="zero"),
        pytest.param("close -3", "error.bad_poll_id", {"value": "-3"}, id="negative"),
        pytest.param("close ##3", "error.bad_poll_id", {"value": "##3"}, id="double-hash"),
        pytest.param(
            "close 1234567890123456789",
            "error.bad_poll_id",
            {"value": "1234567890123456789"},
            id="beyond-64-bit",
        ),
        pytest.param("close 3 now", "error.unknown_keyword", {"word": "now"}, id="extra-word"),
        pytest.param("list all", "error.unknown_keyword", {"word": "all"}, id="list-extra"),
        pytest.param("extend 3", "error.missing_close", {"verb": "extend"}, id="extend-no-close"),
        pytest.param("Stäng", "error.missing_poll_id", {"verb": "stäng"}, id="swedish-close-no-id"),
        pytest.param(
            "jatka", "error.missing_poll_id", {"verb": "jatka"}, id="finnish-extend-no-id"
        ),
        pytest.param(
            "förläng 3", "error.missing_close", {"verb": "förläng"}, id="swedish-extend-no-close"
        ),
        pytest.param("extend 3 soon", "error.bad_close", {"value": "soon"}, id="extend-bad"),
        pytest.param(
            "extend 3 2d more", "error.unknown_keyword", {"word": "more"}, id="extend-extra-word"
        ),
    ],
)
def test_parse_command_reports_bad_poll_commands(
    text: str, key: str, params: dict[str, Any]
) -> None:
    error = parse_error(text)
    assert (error.message_key, error.params) == (key, params)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), ("#12", 12), (" 007 ", 7)],
    ids=["bare", "hash", "leading-zeros-and-spaces"],
)
def test_parse_poll_id_accepts_number_with_optional_hash(text: str, expected: int) -> None:
    assert parse_poll_id(text) == expected


# ---- quick syntax: questions and options ---------------------------------------------------


def test_quick_poll_with_options_is_single_choice_with_defaults() -> None:
    draft = parse_new_poll('new "What kind of event would you like?" "Workshop" "Talk" "Meetup"')
    assert draft == PollDraft(
        questions=(
            Question(
                "What kind of event would you like?",
                QuestionKind.SINGLE,
                ("Workshop", "Talk", "Meetup"),
            ),
        ),
        anonymous=False,
        close=DEFAULT_CLOSE_AFTER,
        remind_every=DEFAULT_REMIND_EVERY,
        remind_explicit=False,
        audience=Audience(kind=AudienceKind.CHANNEL),
    )


def test_quick_poll_without_options_is_free_text() -> None:
    assert only_question(parse_new_poll('new "Anything else?"')) == Question(
        "Anything else?", QuestionKind.TEXT
    )


def test_text_starting_with_a_quote_is_a_new_poll_without_the_new_word() -> None:
    assert only_question(parse_new_poll('"Question?" "A" "B"')).options == ("A", "B")


@pytest.mark.parametrize(
    ("text", "question", "options"),
    [
        pytest.param("new 'Q?' 'A' 'B'", "Q?", ("A", "B"), id="single-quotes"),
        pytest.param("new “Q?” “A” “B”", "Q?", ("A", "B"), id="curly-double"),
        pytest.param(
            f"new {LSQ}Q?{RSQ} {LSQ}A{RSQ} {LSQ}B{RSQ}", "Q?", ("A", "B"), id="curly-single"
        ),
        pytest.param("new ”Q?” ”A” ”B”", "Q?", ("A", "B"), id="finnish-right-quotes"),
        pytest.param("new „Q?“ „A“ „B“", "Q?", ("A", "B"), id="low-high-quotes"),
        pytest.param(f'new "Q?” “A" \'B{RSQ}', "Q?", ("A", "B"), id="mixed-straight-and-curly"),
        pytest.param('new "What\'s new?" "A" "B"', "What's new?", ("A", "B"), id="apostrophe"),
        pytest.param(
            "new 'What's new?' 'I don't know' 'B'",
            "What's new?",
            ("I don't know", "B"),
            id="apostrophe-inside-single-quotes",
        ),
        pytest.param(
            f"new {LSQ}What{RSQ}s new?{RSQ} {LSQ}A{RSQ} {LSQ}B{RSQ}",
            f"What{RSQ}s new?",
            ("A", "B"),
            id="curly-apostrophe",
        ),
        pytest.param(
            "new 'Best \"feature\"?' 'A' 'B'",
            'Best "feature"?',
            ("A", "B"),
            id="double-inside-single",
        ),
        pytest.param('new "Q?" "A","B"', "Q?", ("A", "B"), id="comma-between-options"),
        pytest.param('new "Q?""A""B"', "Q?", ("A", "B"), id="no-space-between-quotes"),
        pytest.param('new "  Q?  " " A " "B "', "Q?", ("A", "B"), id="texts-trimmed"),
        pytest.param(
            'new "R&amp;D &lt;3?" "A" "B"', "R&amp;D &lt;3?", ("A", "B"), id="slack-escapes-kept"
        ),
        pytest.param(
            'new "Line one\nline two?" "A" "B"',
            "Line one\nline two?",
            ("A", "B"),
            id="newline-inside-quotes",
        ),
    ],
)
def test_quick_poll_accepts_any_quote_style(
    text: str, question: str, options: tuple[str, ...]
) -> None:
    parsed = only_question(parse_new_poll(text))
    assert (parsed.text, parsed.options) == (question, options)


# ---- quick syntax: keywords ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("keywords", "kind"),
    [
        pytest.param("multi", QuestionKind.MULTI, id="multi"),
        pytest.param("MONIVALINTA", QuestionKind.MULTI, id="finnish-multi-upper-case"),
        pytest.param("Flerval", QuestionKind.MULTI, id="swedish-multi"),
    ],
)
def test_multi_keyword_makes_multiple_choice(keywords: str, kind: QuestionKind) -> None:
    assert only_question(parse_new_poll(f'new "Q?" "A" "B" {keywords}')).kind is kind


@pytest.mark.parametrize("word", ["rating", "arvio", "Rating", "betyg"])
def test_rating_keyword_makes_rating_question(word: str) -> None:
    assert only_question(parse_new_poll(f'new "How was it?" {word}')) == Question(
        "How was it?", QuestionKind.RATING
    )


@pytest.mark.parametrize("word", ["anonymous", "anonyymi", "ANONYMOUS", "anonym"])
def test_anonymous_keyword_hides_respondents(word: str) -> None:
    assert parse_new_poll(f'new "Q?" {word}').anonymous is True


def test_keywords_may_come_between_options() -> None:
    draft = parse_new_poll('new "Q?" "A" multi "B" anonymous "C"')
    assert only_question(draft) == Question("Q?", QuestionKind.MULTI, ("A", "B", "C"))
    assert draft.anonymous


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("closes:3d", timedelta(days=3), id="duration"),
        pytest.param("closes: 1h30m", timedelta(minutes=90), id="space-after-colon"),
        pytest.param("sulkeutuu:2w", timedelta(weeks=2), id="finnish"),
        pytest.param("Stängs:2d", timedelta(days=2), id="swedish"),
        pytest.param("CLOSES:2026-12-01", AbsoluteClose(2026, 12, 1), id="date"),
        pytest.param("closes:2026-12-01 16:00", AbsoluteClose(2026, 12, 1, 16, 0), id="date-time"),
        pytest.param("closes:2026-12-01T09:30", AbsoluteClose(2026, 12, 1, 9, 30), id="iso"),
        pytest.param(
            "closes:1.12.2026 16.00", AbsoluteClose(2026, 12, 1, 16, 0), id="finnish-date"
        ),
    ],
)
def test_closes_keyword_takes_duration_or_local_date(text: str, expected: object) -> None:
    assert parse_new_poll(f'new "Q?" {text} "A" "B"').close == expected


@pytest.mark.parametrize(
    ("text", "every"),
    [
        pytest.param("remind:2h", timedelta(hours=2), id="duration"),
        pytest.param("muistutus:1d", timedelta(days=1), id="finnish-default-value"),
        pytest.param("remind:off", None, id="off"),
        pytest.param("remind:pois", None, id="finnish-off"),
        pytest.param("påminn:av", None, id="swedish-off"),
        pytest.param("påminn:2d", timedelta(days=2), id="swedish"),
    ],
)
def test_remind_keyword_sets_interval_explicitly(text: str, every: timedelta | None) -> None:
    draft = parse_new_poll(f'new "Q?" {text}')
    assert (draft.remind_every, draft.remind_explicit) == (every, True)


@pytest.mark.parametrize(
    ("text", "users", "groups"),
    [
        pytest.param("to:<@U123|maija>", ("U123",), (), id="one-user-with-name"),
        pytest.param("to: <@U1> <@U2>", ("U1", "U2"), (), id="separated-users"),
        pytest.param("to:<@U1><@U2>", ("U1", "U2"), (), id="adjacent-users"),
        pytest.param("to:<@U1>,<@U2>", ("U1", "U2"), (), id="comma-separated"),
        pytest.param(
            "kenelle: <!subteam^S123|@design> <!subteam^S9>",
            (),
            ("S123", "S9"),
            id="finnish-groups",
        ),
        pytest.param("to:<@U1> <@U1|again>", ("U1",), (), id="duplicates-dropped"),
        pytest.param("to:<@W1|Maija Meikäläinen>", ("W1",), (), id="enterprise-name-with-space"),
    ],
)
def test_to_keyword_collects_people_and_groups(
    text: str, users: tuple[str, ...], groups: tuple[str, ...]
) -> None:
    audience = parse_new_poll(f'new "Q?" "A" "B" {text} anonymous').audience
    assert audience == Audience(AudienceKind.PEOPLE, users, groups)


def test_mentions_end_at_next_keyword_or_option() -> None:
    draft = parse_new_poll('new "Q?" to: <@U1> "A" "B" multi')
    assert draft.audience.user_ids == ("U1",)
    assert only_question(draft).options == ("A", "B")


@pytest.mark.parametrize(
    ("text", "audience"),
    [
        pytest.param("sample:5", Audience(sample_size=5), id="channel-sample"),
        pytest.param(
            "otos:2 to:<!subteam^S1>", Audience(AudienceKind.PEOPLE, (), ("S1",), 2), id="group"
        ),
    ],
)
def test_sample_keyword_sets_sample_size(text: str, audience: Audience) -> None:
    assert parse_new_poll(f'new "Q?" {text}').audience == audience
