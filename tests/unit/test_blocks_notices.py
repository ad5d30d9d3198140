"""Help, the poll list, confirmations, errors and the DMs that invite and remind."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.errors import InvalidPollInput, NotOrganiser, PollError, PollNotFound
from bot.domain.model import Audience, Poll, Question, QuestionKind
from bot.domain.text import encode_typed
from bot.i18n import SUPPORTED_LANGUAGES
from bot.services.organising import PollListEntry
from bot.slack import ids
from bot.slack.blocks import (
    Message,
    Mrkdwn,
    render_answer_saved,
    render_created,
    render_delete_confirmation,
    render_error,
    render_help,
    render_notice,
    render_poll_list,
    render_reminder_dm,
    render_sample_invite_dm,
)
from tests.unit.factories import MULTI, OPENED, RATING, SINGLE, TEXT, make_poll
from tests.unit.test_blocks_limits import check_message, mrkdwn_texts


def poll_of(*questions: Question, **changes: Any) -> Poll:
    return dataclasses.replace(make_poll(*questions), **{"id": 12, **changes})


def text_of(message: Message) -> str:
    return "\n".join(mrkdwn_texts([check_message(message)]))


def buttons(message: Message) -> list[tuple[str, str, str]]:
    return [
        (element["action_id"], element["value"], element["text"]["text"])
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_help_lists_every_subcommand_with_the_command_name(lang: str) -> None:
    text = text_of(render_help(lang=lang, command="/wishes"))
    words = {
        "en": [
            "list",
            "results 12",
            "export 12",
            "delete 12",
            "close 12",
            "remind 12",
            "extend 12",
        ],
        "fi": ["lista", "tulokset 12", "vie 12", "poista 12", "sulje 12", "muistuta 12", "jatka"],
        "sv": [
            "lista",
            "resultat 12",
            "exportera 12",
            "radera 12",
            "stäng 12",
            "påminn 12",
            "förläng 12",
        ],
    }[lang]
    for word in words:
        assert f"`/wishes {word}" in text
    assert '`/wishes "' in text  # the quick syntax example


def test_help_starts_with_the_unknown_word_escaped() -> None:
    message = render_help(lang="en", command="/wishes", unknown="<!here>")
    assert message.blocks[0]["text"]["text"] == "I don't know “&lt;!here&gt;”."
    assert message.text.startswith("I don't know")
    check_message(message)


def test_finnish_help_uses_finnish_keywords() -> None:
    text = text_of(render_help(lang="fi", command="/toiveet", unknown="x"))
    assert text.startswith("En tunne sanaa ”x”.")
    for word in ("monivalinta", "arvio", "anonyymi", "sulkeutuu:3d", "muistutus:pois", "otos:10"):
        assert word in text


def test_swedish_help_uses_swedish_keywords() -> None:
    text = text_of(render_help(lang="sv", command="/wishes", unknown="x"))
    assert text.startswith("Jag känner inte till ”x”.")
    for word in ("flerval", "betyg", "anonym", "stängs:3d", "påminn:av", "urval:10", "hjälp"):
        assert word in text


def entry(poll_id: int, organiser: str = "U0", reminder: bool = True) -> PollListEntry:
    poll = poll_of(SINGLE, id=poll_id, organiser_id=organiser)
    return PollListEntry(poll, 3, 10, OPENED + timedelta(hours=5) if reminder else None)


def test_empty_poll_list_is_friendly() -> None:
    message = render_poll_list([], viewer_id="U0", lang="en")
    assert text_of(message) == "No open polls in this channel.\nNo open polls in this channel."


def test_viewer_sees_next_reminder_only_of_their_own_polls() -> None:
    entries = [entry(1, "U0"), entry(2, "U5"), entry(3, "U0", reminder=False)]
    message = render_poll_list(entries, viewer_id="U0", lang="en")
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert "*#1* Which event?\n3 of 10 answered · by <@U0> · closes <!date^" in sections[0]
    assert "Your poll · next reminder <!date^" in sections[0]
    assert "Your poll" not in sections[1]
    assert "no more reminders planned" in sections[2]


@pytest.mark.parametrize("count", [45, 46, 500])
def test_long_poll_lists_are_cut_with_a_count_of_the_rest(count: int) -> None:
    long_question = Question("q" * 2000 + " <!channel>", QuestionKind.TEXT)
    entries = [PollListEntry(poll_of(long_question, id=i), 1, 2, OPENED) for i in range(count)]
    message = check_message(render_poll_list(entries, viewer_id="U0", lang="en"))
    shown = sum(block["type"] == "section" for block in message.blocks)
    assert shown <= 45
    if shown < count:
        assert message.blocks[-1]["elements"][0]["text"] == f"…and {count - shown} more."


def test_delete_confirmation_has_danger_and_cancel_buttons() -> None:
    message = render_delete_confirmation(poll_of(SINGLE), lang="en")
    assert "Delete poll #12 “Which event?”" in text_of(message)
    assert buttons(message) == [
        (ids.DELETE_CONFIRM_ACTION, "12", "Delete"),
        (ids.DELETE_CANCEL_ACTION, "12", "Keep it"),
    ]
    assert message.blocks[-1]["elements"][0]["style"] == "danger"


def test_notice_escapes_text_and_writes_dates_and_durations() -> None:
    message = render_notice("notice.extended", lang="en", poll_id=12, closes=OPENED, unused="x")
    assert text_of(message).startswith("Poll #12 now closes <!date^")
    created = render_created(
        poll_of(SINGLE, remind_every=timedelta(days=1), audience=Audience(sample_size=50)),
        asked=7,
        everyone_asked=True,
        lang="fi",
    )
    text = text_of(created)
    assert "Kysely #12 on julkaistu kanavalla <#C1>" in text
    assert "Muistutusväli on 1 päivä." in text
    assert "50 hengen otos" in text


def test_notice_keeps_marked_mrkdwn() -> None:
    message = render_notice(
        "notice.extended", lang="en", poll_id=12, closes=Mrkdwn("<!date^1^x|y>")
    )
    assert "<!date^1^x|y>" in message.text


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PollNotFound(7), "I can't find poll #7."),
        (NotOrganiser(7), "Only the person who created poll #7 can do that."),
        (InvalidPollInput("error.bad_duration", value="<!channel>"), "“&lt;!channel&gt;” is not"),
        (InvalidPollInput("error.option_too_long", number=1, option="o" * 5000, max=75), "…"),
        (PollError("error.no_such_key"), "Something went wrong on my side."),
        (PollError("error.bad_duration"), "Something went wrong on my side."),
    ],
    ids=["not found", "not organiser", "escaped value", "huge value", "unknown key", "no params"],
)
def test_errors_become_polite_messages(error: PollError, expected: str) -> None:
    assert expected in text_of(render_error(error, lang="en"))


def test_finnish_error() -> None:
    message = render_error(InvalidPollInput("error.bad_duration", value="2 viikkoa"), lang="fi")
    assert message.text.startswith("”2 viikkoa” ei ole tuntemani kesto.")


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("number", [1, 2])
def test_reminder_dm_offers_answer_and_opt_out(lang: str, number: int) -> None:
    poll = poll_of(SINGLE, MULTI, RATING, TEXT, anonymous=True)
    message = render_reminder_dm(poll, lang=lang, reminder_number=number)
    text = text_of(message)
    assert "<@U0>" in text
    assert "*Which event?*" in text
    assert "<!date^" in text
    last = {"en": "last reminder", "fi": "viimeinen muistutus", "sv": "sista påminnelsen"}[lang]
    more = {"en": "3 more questions", "fi": "3 kysymystä lisää", "sv": "3 frågor till"}[lang]
    assert (last in text) is (number == 2)
    assert more in text
    assert [(a, v) for a, v, _ in buttons(message)] == [
        (ids.OPEN_ANSWER_ACTION, "12"),
        (ids.OPT_OUT_ACTION, "12"),
    ]


def test_sample_invitation_says_they_were_picked() -> None:
    message = render_sample_invite_dm(poll_of(TEXT), lang="en", sample_size=8)
    assert "one of 8 people picked at random" in text_of(message)
    assert buttons(message)[0][:2] == (ids.OPEN_ANSWER_ACTION, "12")


def test_invitation_escapes_a_hostile_question() -> None:
    poll = poll_of(Question(encode_typed("<!everyone> " + "x" * 3000), QuestionKind.TEXT))
    text = text_of(render_sample_invite_dm(poll, lang="en", sample_size=2))
    assert "&lt;!everyone&gt;" in text


def test_vote_confirmation_names_the_option() -> None:
    message = render_answer_saved(poll_of(SINGLE), lang="en", option=1)
    assert "Your answer “Talk” to poll #12 is saved." in text_of(message)
    fallback = render_answer_saved(poll_of(SINGLE), lang="en", option=9)
    assert "Your answers to poll #12 are saved." in text_of(fallback)
