"""Property tests of the one-line poll syntax: round trips and robustness on any text."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.commands import (
    NewPollCommand,
    format_quick_poll,
    parse_command,
    parse_quick_poll,
)
from bot.domain.errors import PollError
from bot.domain.model import (
    MAX_DOTS,
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_PLACES,
    MAX_QUESTION_LENGTH,
    MIN_DOTS,
    MIN_PLACES,
    AbsoluteClose,
    Audience,
    AudienceKind,
    PollDraft,
    Question,
    QuestionKind,
)
from bot.domain.text import encode_typed
from bot.domain.tokenizer import QUOTE_CHARS

# A curly apostrophe as Slack clients produce it; escaped because ruff flags it on sight.
RSQ = "\u2019"


_plain_text = (
    st.text(
        alphabet=st.characters(exclude_characters="".join(QUOTE_CHARS)),
        min_size=1,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def _drafts(draw: st.DrawFn) -> PollDraft:
    question = draw(_plain_text.filter(lambda text: len(text) <= MAX_QUESTION_LENGTH))
    option_texts = st.lists(
        _plain_text.filter(lambda text: len(text) <= MAX_OPTION_LENGTH),
        min_size=2,
        max_size=MAX_OPTIONS,
        unique_by=str.casefold,
    )
    kind = draw(st.sampled_from(list(QuestionKind)))
    options = tuple(encode_typed(text) for text in draw(option_texts)) if kind.has_options else ()
    size = None
    if kind is QuestionKind.DOTS:
        size = draw(st.integers(MIN_DOTS, MAX_DOTS))
    elif kind is QuestionKind.RANK:
        size = draw(st.integers(MIN_PLACES, min(MAX_PLACES, len(options))))
    users = draw(st.lists(st.from_regex(r"U[A-Z0-9]{2,10}", fullmatch=True), unique=True))
    groups = draw(st.lists(st.from_regex(r"S[A-Z0-9]{2,10}", fullmatch=True), unique=True))
    audience = Audience(
        kind=AudienceKind.PEOPLE if users or groups else AudienceKind.CHANNEL,
        user_ids=tuple(users),
        usergroup_ids=tuple(groups),
        sample_size=draw(st.none() | st.integers(min_value=1, max_value=10**6)),
    )
    remind = draw(st.none() | st.integers(min_value=10, max_value=10**7).map(_seconds))
    close = draw(st.integers(min_value=1, max_value=10**8).map(_seconds) | _absolute_closes())
    is_open = kind in {QuestionKind.SINGLE, QuestionKind.MULTI} and draw(st.booleans())
    return PollDraft(
        questions=(Question(encode_typed(question), kind, options, size=size, open=is_open),),
        anonymous=draw(st.booleans()),
        close=close,
        remind_every=remind,
        remind_explicit=True,
        audience=audience,
        close_explicit=True,
        event=draw(st.none() | _absolute_closes()),
    )


@st.composite
def _absolute_closes(draw: st.DrawFn) -> AbsoluteClose:
    day = draw(st.dates())
    hour = draw(st.none() | st.integers(0, 23))
    minute = 0 if hour is None else draw(st.integers(0, 59))
    return AbsoluteClose(day.year, day.month, day.day, hour, minute)


def _seconds(count: int) -> timedelta:
    return timedelta(seconds=count)


@settings(max_examples=300)
@given(_drafts())
def test_formatted_quick_poll_parses_back_to_the_same_draft(draft: PollDraft) -> None:
    assert parse_command("new " + format_quick_poll(draft)) == NewPollCommand(draft)
    assert parse_quick_poll(format_quick_poll(draft)) == draft


@settings(max_examples=500)
@given(st.text())
def test_parse_command_raises_only_poll_errors_on_any_text(text: str) -> None:
    with contextlib.suppress(PollError):
        parse_command(text)


_syntax_pieces = st.sampled_from(
    [
        '"',
        "'",
        "“",
        "”",
        "„",
        RSQ,
        " ",
        "new",
        "Q",
        "A",
        "multi",
        "rating",
        "dots",
        "dots:",
        "rank:",
        "järjestys",
        "nps",
        "anonymous",
        "closes:",
        "3d",
        "2026-12-01",
        "16:00",
        "remind:",
        "off",
        "to:",
        "<@U1>",
        "<@",
        ">",
        "<!subteam^S1|@x>",
        "sample:",
        "5",
        ",",
        "#",
        "\n",
        "&lt;",
        "&amp;",
    ]
)


@settings(max_examples=500)
@given(st.lists(_syntax_pieces, max_size=25).map("".join))
def test_parse_command_raises_only_poll_errors_on_syntax_like_text(text: str) -> None:
    with contextlib.suppress(PollError):
        parse_command(text)


@pytest.mark.parametrize(
    "question",
    [
        pytest.param('Best "feature"?', id="double-quotes-inside"),
        pytest.param("What's new?", id="apostrophe-inside"),
        pytest.param("R&D <3 &amp;", id="characters-slack-escapes"),
    ],
)
def test_format_quick_poll_picks_quotes_the_text_does_not_use(question: str) -> None:
    typed = encode_typed(question)
    draft = PollDraft(questions=(Question(typed, QuestionKind.SINGLE, ("A", "B")),))
    assert parse_quick_poll(format_quick_poll(draft)) == draft


def test_format_quick_poll_refuses_more_than_one_question() -> None:
    draft = PollDraft(questions=(Question("A?", QuestionKind.TEXT),) * 2)
    with pytest.raises(ValueError, match="exactly one question"):
        format_quick_poll(draft)
