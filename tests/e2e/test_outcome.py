"""You said, we did: the organiser records what came of a closed poll; the report goes to the
summary's thread (and the channel) and once to everyone asked, in each person's language."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from bot.domain.model import ReminderStatus
from bot.domain.outcome import OutcomeDelivery
from bot.domain.wishes import shorten_wish
from bot.slack import ids
from bot.storage.repository import to_ms
from bot.storage.retention import RetentionStore
from slack_emulator import Message, RecordedCall, SlackEmulator
from slack_emulator.models import View
from tests.e2e.conftest import CHANNEL, FINN, ORGANISER, PEOPLE, RunningBot
from tests.e2e.helpers import create, last_ephemeral, poll_message, shown, text_of
from tests.e2e.test_answer_kinds import answer as answer_kind
from tests.e2e.test_summary import answer_in_modal

# Sauna is chosen by three, Hike by one, Bowling by nobody; Eeva (Finnish) does not answer
# and opts out of reminders.
TEAM_DAY = 'new "Team day?" "Bowling" "Sauna" "Hike" remind:off'
OPTED_OUT = FINN
# The people asked in #general: the organiser (who answered nothing) and the five.
EVERYONE = (ORGANISER, *PEOPLE)


async def command(running: RunningBot, text: str, user: str = ORGANISER) -> None:
    await running.driver.slash_command(user, CHANNEL, "/wishes", text)
    await running.settle()


async def closed_team_day(running: RunningBot, emu: SlackEmulator, extra: str = "") -> int:
    poll = await create(running, emu, TEAM_DAY + extra)
    for person, label in zip(PEOPLE[:4], ["Sauna", "Sauna", "Sauna", "Hike"], strict=True):
        await running.driver.click(person, poll_message(emu, poll), label)
    await running.settle()
    await command(running, f"remind {poll.id}")
    await running.driver.click(OPTED_OUT, emu.dm_messages(OPTED_OUT)[-1], action_id="poll.opt_out")
    await command(running, f"close {poll.id}")
    return poll.id


def outcome_dms(emu: SlackEmulator, poll_id: int) -> list[RecordedCall]:
    """The report's DMs Slack accepted (tagged with an outcome round in their metadata)."""
    sent = []
    for call in emu.calls_to("chat.postMessage"):
        tag = (call.args.get("metadata") or {}).get("event_payload") or {}
        if call.response.get("ok") and "outcome_dm" in tag and tag.get("poll") == poll_id:
            sent.append(call)
    return sent


def told(emu: SlackEmulator, poll_id: int, people: Iterable[str] = EVERYONE) -> Counter[str]:
    by_dm = {emu.dm_channel_id(person): person for person in people}
    return Counter(by_dm[call.response["channel"]] for call in outcome_dms(emu, poll_id))


def dm_report(emu: SlackEmulator, person: str) -> str:
    reports = [
        m
        for m in emu.dm_messages(person)
        if "outcome_dm" in ((m.metadata or {}).get("event_payload") or {})
    ]
    assert reports, f"{person} got no report"
    return shown(reports[-1])


async def open_form(running: RunningBot, emu: SlackEmulator, poll_id: int) -> View:
    before = len(emu.views(ORGANISER))
    await command(running, f"outcome {poll_id}")
    await emu.wait_for(lambda: len(emu.views(ORGANISER)) > before, message="no outcome form")
    return emu.views(ORGANISER)[-1]


def form_items(view: View) -> list[str]:
    """The item labels of the outcome form, top to bottom."""
    return [
        block["label"]["text"]
        for block in view.blocks
        if block.get("block_id", "").startswith(ids.OUTCOME_STATUS_BLOCK_PREFIX)
    ]


async def record(
    running: RunningBot,
    emu: SlackEmulator,
    poll_id: int,
    decisions: dict[int, tuple[str, str | None]],
    *,
    tell_again: bool = False,
) -> None:
    await open_form(running, emu, poll_id)
    fill: dict[str, Any] = {}
    for position, (status, note) in decisions.items():
        fill[ids.outcome_status_block_id(position)] = status
        if note is not None:
            fill[ids.outcome_note_block_id(position)] = note
    if tell_again:
        fill[ids.OUTCOME_TELL_AGAIN_BLOCK] = ["tell_again"]
    reply = await running.driver.submit_view(ORGANISER, fill=fill)
    assert reply.body is None or reply.body.get("response_action") is None, reply.body
    await running.settle()


async def summary_ts(running: RunningBot, poll_id: int) -> str:
    parts = {part: ts for part, _channel, ts in await running.repo.messages(poll_id, "summary")}
    return parts[0]


async def report_replies(running: RunningBot, emu: SlackEmulator, poll_id: int) -> list[Message]:
    """The bot's report replies in the thread of the poll's summary."""
    thread = await summary_ts(running, poll_id)
    return [
        m
        for m in emu.messages(CHANNEL)
        if m.thread_ts == thread
        and m.ts != thread
        and ((m.metadata or {}).get("event_payload") or {}).get("outcome") == 0
    ]


def after(text: str, heading: str) -> str:
    assert heading in text, f"{heading!r} not in the report"
    return text[text.index(heading) :]


async def closed_free_text(
    running: RunningBot, emu: SlackEmulator, question: str, answers: list[str], settings: str = ""
) -> int:
    """A free-text poll answered in the answer form, one answer each by PEOPLE, then closed."""
    poll = await create(running, emu, f'new "{question}" remind:off {settings}'.rstrip())
    for person, answer in zip(PEOPLE, answers, strict=False):
        await answer_in_modal(running, emu, person, poll_message(emu, poll), {question: answer})
    await running.settle()
    await command(running, f"close {poll.id}")
    return poll.id


async def test_a_choice_poll_outcome_lists_the_result_order_and_reaches_everyone_asked(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await closed_team_day(running, emu)
    form = await open_form(running, emu, poll_id)
    assert form_items(form) == ["Sauna (3 votes)", "Hike (1 vote)", "Bowling (0 votes)"]
    assert ids.OUTCOME_TELL_AGAIN_BLOCK not in text_of(form.blocks)  # nothing was sent yet
    await running.driver.close_view(ORGANISER)
    await record(
        running,
        emu,
        poll_id,
        {
            0: ("Done", "Booked for Friday"),
            1: ("Not now", "Too cold in March"),
            2: ("Planned", None),
        },
    )

    (reply,) = await report_replies(running, emu, poll_id)
    assert reply.reply_broadcast
    report = text_of(reply.blocks)
    assert report.index("*We asked*") < report.index("*You said*") < report.index("*We did*")
    assert "Team day?" in after(report, "*We asked*") and "6 asked, 4 answered" in report
    said = after(report, "*You said*")[: report.index("*We did*") - report.index("*You said*")]
    assert said.index("Sauna – 3 votes") < said.index("Hike – 1 vote")
    did = after(report, "*We did*")
    assert did.index("Done") < did.index("Sauna – Booked for Friday")
    assert did.index("Sauna") < did.index("Planned") < did.index("Bowling")
    assert did.index("Bowling") < did.index("Not now") < did.index("Hike – Too cold in March")

    # Everyone asked hears it once (respondents, the one who did not answer and opted out of
    # reminders, the organiser too), each in their own language.
    assert told(emu, poll_id) == Counter(dict.fromkeys(EVERYONE, 1))
    english, finnish = dm_report(emu, PEOPLE[0]), dm_report(emu, OPTED_OUT)
    assert "You said, we did" in english and "Booked for Friday" in english
    assert "Te sanoitte, me teimme" in finnish and "Tehty" in finnish and "Ei nyt" in finnish
    assert "Booked for Friday" in finnish

    # The summary and the channel's list say that the outcome was reported.
    summary = emu.message(CHANNEL, await summary_ts(running, poll_id))
    assert summary is not None and "Outcome reported on <!date^" in text_of(summary.blocks)
    await command(running, "list")
    listed = last_ephemeral(emu, ORGANISER)
    assert f"#{poll_id}" in listed and "outcome reported on <!date^" in listed


async def test_recording_again_edits_the_reply_and_tells_everyone_again_only_when_asked(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await closed_team_day(running, emu)
    await record(running, emu, poll_id, {0: ("Planned", "Looking for a date")})
    (first,) = await report_replies(running, emu, poll_id)
    assert told(emu, poll_id) == Counter(dict.fromkeys(EVERYONE, 1))

    form = await open_form(running, emu, poll_id)
    assert "Tell everyone again" in text_of(form.blocks)
    assert "Looking for a date" in text_of(form.blocks)  # the earlier decision is kept
    await running.driver.close_view(ORGANISER)
    await record(running, emu, poll_id, {0: ("Done", "Friday 14:00, sauna booked")})
    (edited,) = await report_replies(running, emu, poll_id)
    assert edited.ts == first.ts
    assert [c.args["ts"] for c in emu.calls_to("chat.update") if c.args["ts"] == first.ts]
    assert "Friday 14:00, sauna booked" in text_of(edited.blocks)
    assert "Looking for a date" not in text_of(edited.blocks)
    assert told(emu, poll_id) == Counter(dict.fromkeys(EVERYONE, 1)), "an edit sent DMs"

    await record(running, emu, poll_id, {0: ("Done", "It was great")}, tell_again=True)
    assert len(await report_replies(running, emu, poll_id)) == 1
    assert told(emu, poll_id) == Counter(dict.fromkeys(EVERYONE, 2))
    assert "It was great" in dm_report(emu, PEOPLE[1])


async def test_a_free_text_poll_outcome_lists_the_wishes_grouped_most_frequent_first(
    running: RunningBot, emu: SlackEmulator
) -> None:
    wishes = ["Standing desks", "More coffee", "more coffee!", "A quiet room", " MORE  Coffee "]
    poll_id = await closed_free_text(running, emu, "What would make Fridays better?", wishes)
    form = await open_form(running, emu, poll_id)
    assert form_items(form) == [
        "More coffee (3 people)",
        "Standing desks (1 person)",
        "A quiet room (1 person)",
    ]
    await running.driver.close_view(ORGANISER)
    await record(running, emu, poll_id, {0: ("Done", "A second machine"), 2: ("Planned", None)})
    (reply,) = await report_replies(running, emu, poll_id)
    report = text_of(reply.blocks)
    assert "More coffee – 3 people" in after(report, "*You said*")
    did = after(report, "*We did*")
    assert did.index("More coffee – A second machine") < did.index("A quiet room")
    assert "Standing desks" not in did  # no decision
    assert told(emu, poll_id) == Counter(dict.fromkeys(EVERYONE, 1))


async def test_only_the_organiser_of_a_closed_poll_can_record_what_was_done(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, TEAM_DAY)
    await command(running, f"outcome {poll.id}")
    assert "not closed yet" in last_ephemeral(emu, ORGANISER)
    await command(running, f"close {poll.id}")
    await command(running, f"tulos {poll.id}", user=PEOPLE[0])
    assert "Only the person who created" in last_ephemeral(emu, PEOPLE[0])
    assert not emu.views(PEOPLE[0])
    # The "Record what we did" button (on the next-steps message and the summary) does the
    # same: refused for anyone else, the form for the organiser.
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": "Record what we did"},
        "action_id": ids.OUTCOME_ACTION,
        "value": str(poll.id),
    }
    holder = emu.add_message(
        CHANNEL, emu.bot_user_id, "next steps", blocks=[{"type": "actions", "elements": [button]}]
    )
    await running.driver.click(PEOPLE[1], holder, action_id=ids.OUTCOME_ACTION)
    await running.settle()
    assert "Only the person who created" in last_ephemeral(emu, PEOPLE[1])
    await running.driver.click(ORGANISER, holder, action_id=ids.OUTCOME_ACTION)
    await running.settle()
    assert form_items(emu.views(ORGANISER)[-1])[0] == "Bowling (0 votes)"
    assert outcome_dms(emu, poll.id) == []


async def test_an_anonymous_polls_report_and_dms_carry_no_names(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "Best perk?" "Gym" "Lunch" "Books" anonymous')
    for person, label in zip(PEOPLE[:4], ["Gym", "Lunch", "Lunch", "Books"], strict=True):
        await running.driver.click(person, poll_message(emu, poll), label)
    await running.settle()
    await command(running, f"close {poll.id}")
    await record(running, emu, poll.id, {0: ("Done", "Every Friday")})
    (reply,) = await report_replies(running, emu, poll.id)
    texts = [shown(reply)] + [
        call.args["text"] + text_of(call.args["blocks"]) for call in outcome_dms(emu, poll.id)
    ]
    assert "Lunch – 2 votes" in texts[0]
    for text in texts:
        for person in (ORGANISER, *PEOPLE):
            assert person not in text and person[2:].lower() not in text.lower()
        assert "olivia" not in text.lower()
    # Everyone asked got it, the one who did not answer too: the DMs tell nobody who answered.
    assert told(emu, poll.id) == Counter(dict.fromkeys(EVERYONE, 1))


async def test_a_crashed_or_repeated_dm_job_sends_nothing_twice(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await closed_team_day(running, emu)
    await record(running, emu, poll_id, {0: ("Done", None)})
    assert told(emu, poll_id) == Counter(dict.fromkeys(EVERYONE, 1))
    # A runner died after posting to Aino and before recording it: her DM is still 'sending'.
    delivery = OutcomeDelivery(poll_id, 1, PEOPLE[0], running.bot.clock.now())
    assert await running.repo.set_outcome_delivery_status(
        delivery, ReminderStatus.SENDING, expected=ReminderStatus.SENT
    )
    # And one that died after marking a DM to Bengt 'sending' in a new round, before posting.
    async with running.repo.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO outcome_deliveries (poll_id, round_no, user_id, status, created_at)"
            " VALUES (?, 7, ?, ?, ?)",
            (poll_id, PEOPLE[1], ReminderStatus.SENDING.value, to_ms(running.bot.clock.now())),
        )
    for _ in range(2):  # the job taken over, then run once more
        now = running.bot.clock.now()
        await running.repo.schedule_job(f"outcome:{poll_id}", "outcome", poll_id, now)
        await running.settle()
    expected = Counter(dict.fromkeys(EVERYONE, 1))
    expected[PEOPLE[1]] = 2  # the unsent one of round 7, once
    assert told(emu, poll_id) == expected
    for status in (ReminderStatus.DUE, ReminderStatus.SENDING):
        assert await running.repo.outcome_deliveries(poll_id, status) == []
    assert len(await report_replies(running, emu, poll_id)) == 1


async def test_a_report_whose_post_lost_its_answer_appears_once(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await closed_team_day(running, emu)
    emu.drop_response("chat.postMessage", times=3)  # the thread reply and two DMs
    await record(running, emu, poll_id, {0: ("Done", None)})
    assert emu.dropped_responses == 3
    assert len(await report_replies(running, emu, poll_id)) == 1
    assert told(emu, poll_id) == Counter(dict.fromkeys(EVERYONE, 1))


async def test_rate_limits_delay_the_report_dms_but_lose_nobody(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await closed_team_day(running, emu)
    emu.fail("chat.postMessage", status=429, retry_after=1, times=3)
    await record(running, emu, poll_id, {1: ("Planned", None)})
    assert emu.rate_limited_count >= 1
    assert told(emu, poll_id) == Counter(dict.fromkeys(EVERYONE, 1))


async def test_a_follow_up_votes_report_covers_the_original_question_too(
    running: RunningBot, emu: SlackEmulator
) -> None:
    original = await create(running, emu, 'new "What should we improve?" remind:off')
    await answer_in_modal(
        running, emu, PEOPLE[0], poll_message(emu, original), {"What should we improve?": "Coffee"}
    )
    await running.settle()
    await command(running, f"close {original.id}")
    vote = await running.repo.create_poll(
        team_id=original.team_id,
        channel_id=CHANNEL,
        organiser_id=ORGANISER,
        language="en",
        questions=(await create_choice(running, emu)).questions,
        anonymous=False,
        audience=original.audience,
        opened_at=running.bot.clock.now(),
        closes_at=running.bot.clock.now() + timedelta(days=1),
        remind_every=None,
        members=PEOPLE,
        follow_up_of=original.id,
    )
    assert vote is not None
    await command(running, f"close {vote.id}")
    await record(running, emu, vote.id, {0: ("Done", None)})
    (reply,) = await report_replies(running, emu, vote.id)
    asked = after(text_of(reply.blocks), "*We asked*")
    assert asked.index("What should we improve?") < asked.index("Then we voted")
    assert "6 asked, 1 answered" in asked and "5 asked, 0 answered" in asked


async def create_choice(running: RunningBot, emu: SlackEmulator) -> Any:
    """A choice poll to borrow the questions of (closed at once, so it stays out of the way)."""
    poll = await create(running, emu, 'new "Which first?" "Coffee" "Desks" remind:off')
    await command(running, f"close {poll.id}")
    return poll


async def test_an_anonymous_free_text_poll_with_too_few_answers_lists_no_wishes(
    running: RunningBot, emu: SlackEmulator
) -> None:
    wishes = ["Sauna", "A quiet room"]
    poll_id = await closed_free_text(running, emu, "Any wishes?", wishes, "anonymous")
    await command(running, f"outcome {poll_id}")
    assert "too few answered" in last_ephemeral(emu, ORGANISER)
    assert not emu.views(ORGANISER)


OUTCOME_TABLES = ("outcome_items", "outcome_reports", "outcome_deliveries")


async def outcome_rows(running: RunningBot, poll_id: int) -> dict[str, int]:
    counts = {}
    async with running.repo.db.reading() as conn:
        for table in OUTCOME_TABLES:
            row = await conn.fetch_one(
                f"SELECT COUNT(*) AS n FROM {table} WHERE poll_id = ?", (poll_id,)
            )
            counts[table] = 0 if row is None else int(row["n"])
    return counts


async def test_a_purge_past_retention_removes_the_polls_outcome(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await closed_team_day(running, emu)
    await record(running, emu, poll_id, {0: ("Done", "Booked")})
    assert all((await outcome_rows(running, poll_id)).values())
    purged = await RetentionStore(running.repo.db).purge(
        running.bot.clock.now() + timedelta(days=1)
    )
    assert [p.poll_id for p in purged.polls] == [poll_id]
    assert await outcome_rows(running, poll_id) == dict.fromkeys(OUTCOME_TABLES, 0)


async def test_a_report_deleted_in_slack_is_posted_anew_on_the_next_record(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll_id = await closed_team_day(running, emu)
    await record(running, emu, poll_id, {0: ("Planned", None)})
    (first,) = await report_replies(running, emu, poll_id)
    first.deleted = True  # an admin removed it in Slack
    await record(running, emu, poll_id, {0: ("Done", "It happened")})
    (again,) = await report_replies(running, emu, poll_id)
    assert again.ts != first.ts and "It happened" in text_of(again.blocks)
    assert told(emu, poll_id) == Counter(dict.fromkeys(EVERYONE, 1))


def said_part(report: str) -> str:
    """The report's "You said" part, up to "We did"."""
    return report[report.index("*You said*") : report.index("*We did*")]


async def test_a_dot_votes_outcome_lists_the_options_by_dots_and_the_report_counts_dots(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(
        running, emu, 'new "Where should the budget go?" "Coffee" "Books" "Games" dots:4'
    )
    for person, dots in zip(
        PEOPLE[:3],
        [{"Books": "3", "Games": "1"}, {"Games": "4"}, {"Books": "1", "Coffee": "1"}],
        strict=True,
    ):
        assert await answer_kind(running, emu, poll, person, dots) == {}
    await command(running, f"close {poll.id}")
    # Games 1+4, Books 3+1, Coffee 1: the summary's order, with the dots as the support.
    form = await open_form(running, emu, poll.id)
    assert form_items(form) == ["Games (5 dots)", "Books (4 dots)", "Coffee (1 dot)"]
    await running.driver.close_view(ORGANISER)
    await record(running, emu, poll.id, {0: ("Done", "Two new board games"), 2: ("Not now", None)})
    (reply,) = await report_replies(running, emu, poll.id)
    said = said_part(text_of(reply.blocks))
    assert said.index("Games – 5 dots") < said.index("Books – 4 dots")
    assert said.index("Books – 4 dots") < said.index("Coffee – 1 dot")
    did = after(text_of(reply.blocks), "*We did*")
    assert did.index("Games – Two new board games") < did.index("Not now") < did.index("Coffee")
    assert "Games – 5 pistettä" in dm_report(emu, FINN)


async def test_a_rankings_outcome_lists_the_options_by_points(
    running: RunningBot, emu: SlackEmulator
) -> None:
    poll = await create(running, emu, 'new "What shall we eat?" "Pizza" "Sushi" "Tacos" rank:2')
    rankings = [
        {"1st choice": "Sushi", "2nd choice": "Pizza"},
        {"1st choice": "Tacos", "2nd choice": "Sushi"},
        {"1st choice": "Sushi"},
    ]
    for person, ranking in zip(PEOPLE[:3], rankings, strict=True):
        assert await answer_kind(running, emu, poll, person, ranking) == {}
    await command(running, f"close {poll.id}")
    # Points 2 for a 1st place, 1 for a 2nd: Sushi 2+1+2, Tacos 2, Pizza 1.
    form = await open_form(running, emu, poll.id)
    assert form_items(form) == ["Sushi (5 points)", "Tacos (2 points)", "Pizza (1 point)"]
    await running.driver.close_view(ORGANISER)
    await record(running, emu, poll.id, {0: ("Planned", "Friday lunch")})
    (reply,) = await report_replies(running, emu, poll.id)
    said = said_part(text_of(reply.blocks))
    assert said.index("Sushi – 5 points") < said.index("Tacos – 2 points")
    assert said.index("Tacos – 2 points") < said.index("Pizza – 1 point")
    assert "Sushi – 5 pistettä" in dm_report(emu, FINN)


async def test_a_free_text_outcome_lists_the_split_wishes_the_follow_up_form_prefills(
    running: RunningBot, emu: SlackEmulator
) -> None:
    answers = [
        "- More coffee\n- Standing desks",
        "1. Quiet room\n2. more COFFEE!",
        "quiet-room",
        "Standing desks\nMore plants",
        "More coffee.",
    ]
    poll_id = await closed_free_text(running, emu, "What would make our office better?", answers)
    form = await open_form(running, emu, poll_id)
    assert form_items(form) == [
        "More coffee (3 people)",
        "Standing desks (2 people)",
        "Quiet room (2 people)",
        "More plants (1 person)",
    ]
    await running.driver.close_view(ORGANISER)
    # "Vote on these wishes" pre-fills the very same list, in the same order.
    await command(running, f"prioritise {poll_id}")
    follow_up = emu.views(ORGANISER)[-1]
    assert follow_up.callback_id == ids.FOLLOW_UP_VIEW
    prefilled = next(
        b["element"]["initial_value"]
        for b in follow_up.blocks
        if b.get("block_id") == ids.FOLLOW_UP_WISHES_BLOCK
    )
    assert prefilled.split("\n") == [label.rsplit(" (", 1)[0] for label in form_items(form)]
    await running.driver.close_view(ORGANISER)

    await record(running, emu, poll_id, {1: ("Done", "Two by the window")})
    (reply,) = await report_replies(running, emu, poll_id)
    said = said_part(text_of(reply.blocks))
    assert said.index("More coffee – 3 people") < said.index("Standing desks – 2 people")
    assert "- More coffee" not in said and "1. Quiet room" not in said
    assert "Standing desks – Two by the window" in after(text_of(reply.blocks), "*We did*")


LONG_WISH = (
    "A longer lunch break on Fridays, so that we can actually go out and eat somewhere nice "
    "together"
)


async def test_a_follow_up_votes_report_covers_both_polls_and_names_a_shortened_wish_in_full(
    running: RunningBot, emu: SlackEmulator
) -> None:
    question = "What would make our office better?"
    answers = [LONG_WISH, "More coffee", "more coffee\nQuiet room"]
    original = await closed_free_text(running, emu, question, answers)
    # Vote on these wishes, through the follow-up form as the organiser leaves it: a dot vote.
    await command(running, f"prioritise {original}")
    await emu.wait_for(
        lambda: emu.views(ORGANISER)[-1].callback_id == ids.FOLLOW_UP_VIEW,
        message="no follow-up form",
    )
    short = shorten_wish(LONG_WISH)
    assert short != LONG_WISH and short.endswith("…")
    prefilled = next(
        b["element"]["initial_value"]
        for b in emu.views(ORGANISER)[-1].blocks
        if b.get("block_id") == ids.FOLLOW_UP_WISHES_BLOCK
    )
    assert prefilled == f"More coffee\n{short}\nQuiet room"
    assert "report names the wish in full" in text_of(emu.views(ORGANISER)[-1].blocks)
    reply = await running.driver.submit_view(ORGANISER, fill={"How people vote": "Dot vote"})
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    (vote,) = [p for p in await running.repo.polls_with_status() if p.follow_up_of == original]
    assert vote.questions[0].options == ("More coffee", short, "Quiet room")
    assert await answer_kind(running, emu, vote, PEOPLE[0], {short: "3"}) == {}
    assert await answer_kind(running, emu, vote, PEOPLE[1], {"More coffee": "2", short: "1"}) == {}
    await command(running, f"close {vote.id}")

    form = await open_form(running, emu, vote.id)
    assert form_items(form) == [f"{short} (4 dots)", "More coffee (2 dots)", "Quiet room (0 dots)"]
    await running.driver.close_view(ORGANISER)
    await record(running, emu, vote.id, {0: ("Planned", "From March on"), 1: ("Done", None)})
    (report,) = await report_replies(running, emu, vote.id)
    text = text_of(report.blocks)
    # We asked: the original question and its response rate, then the vote.
    asked = text[text.index("*We asked*") : text.index("*You said*")]
    assert asked.index(question) < asked.index("Then we voted")
    assert "6 asked, 3 answered" in asked and "6 asked, 2 answered" in asked
    assert said_part(text).index(f"{short} – 4 dots") < said_part(text).index("More coffee – 2")
    # We did names the wish as it was written, not as the vote's option shortened it.
    did = after(text, "*We did*")
    assert f"{LONG_WISH} – From March on" in did
    assert did.index("Done") < did.index("More coffee") < did.index("Planned")
    assert told(emu, vote.id) == Counter(dict.fromkeys(EVERYONE, 1))
    assert f"{LONG_WISH} – From March on" in dm_report(emu, FINN)

    # The original deleted (and its wishes with it), the vote's form still knows the decisions.
    await command(running, f"delete {original}")
    await running.driver.click(ORGANISER, emu.ephemerals(ORGANISER)[-1], "Delete")
    await running.settle()
    assert await running.repo.get_poll(original) is None
    again = await open_form(running, emu, vote.id)
    blocks = {b.get("block_id"): b for b in again.blocks}
    status = blocks[ids.outcome_status_block_id(0)]["element"]["initial_option"]
    assert status["text"]["text"] == "Planned"
    assert blocks[ids.outcome_note_block_id(0)]["element"]["initial_value"] == "From March on"


async def test_an_outcome_form_of_more_wishes_than_fit_keeps_the_most_wished_and_says_so(
    running: RunningBot, emu: SlackEmulator
) -> None:
    # Five people list twelve wishes each: coffee is everyone's, the rest their own, 56 in all.
    answers = [
        "\n".join(["- Coffee", *(f"- Wish {person}-{n:02d}" for n in range(11))])
        for person in range(5)
    ]
    poll_id = await closed_free_text(running, emu, "Anything else?", answers)
    form = await open_form(running, emu, poll_id)
    items = form_items(form)
    # A modal takes 100 blocks, two per item: the 48 most wished, coffee first.
    assert len(items) == 48 and items[0] == "Coffee (5 people)"
    assert "Wish 4-10 (1 person)" not in items
    assert "8 more items with less support did not fit in this form" in text_of(form.blocks)
    await running.driver.close_view(ORGANISER)
    await record(running, emu, poll_id, {0: ("Done", "A new machine"), 47: ("Planned", None)})
    (reply,) = await report_replies(running, emu, poll_id)
    did = after(text_of(reply.blocks), "*We did*")
    assert "Coffee – A new machine" in did and items[47].rsplit(" (", 1)[0] in did
