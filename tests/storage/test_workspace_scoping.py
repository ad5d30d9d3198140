"""Many workspaces in one database: every row carries its workspace, a workspace reads and
changes only its own polls (another's are not found, as if they did not exist), jobs come back
with their workspace, a workspace is purged whole, and single-workspace mode sees everything.

On the real database, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from bot.clock import ShiftableClock
from bot.domain.model import (
    Audience,
    Every,
    Person,
    Poll,
    PollDraft,
    PollStatus,
    Question,
    QuestionAnswer,
    QuestionKind,
    ReminderStatus,
)
from bot.domain.outcome import OutcomeItem, OutcomeStatus, SupportUnit
from bot.domain.series import Series
from bot.scheduler.retention import RetentionJob
from bot.services.jobs import JobQueue
from bot.services.ports import (
    AnswerOutcome,
    Job,
    RemovalOutcome,
    RemovalResult,
    SuggestionOutcome,
    SuggestionResult,
)
from bot.services.ports.workspaces import (
    PurgedWorkspace,
    WorkspaceKey,
    WorkspaceMismatch,
    in_workspace,
)
from bot.storage.database import Database
from bot.storage.migrations import migrate
from bot.storage.postgres import PostgresDatabase
from bot.storage.repository import Repository
from bot.storage.retention import RetentionStore
from bot.storage.sql import SqlDatabase

A = WorkspaceKey(None, "TA")
B = WorkspaceKey(None, "TB")
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
QUESTION = Question("Which event?", QuestionKind.SINGLE, ("Workshop", "Talk"), open=True)
MISSING = 999_999  # a poll and a series id that exist nowhere


@pytest.fixture
async def repo(db_url: str | None, tmp_path: Path) -> AsyncIterator[Repository]:
    db: SqlDatabase
    if db_url is None:
        db = await Database.open(tmp_path / "wishbot.sqlite3")
    else:
        db = await PostgresDatabase.open(db_url, pool_size=2)
    await migrate(db)
    yield Repository(db)
    await db.close()


@dataclass(frozen=True)
class World:
    """One workspace's rows: an open poll (answered, with a suggestion, a reminder round, an
    opt-out, a message), a closed poll with an outcome report, a series, people, jobs, Home."""

    key: WorkspaceKey
    tag: str
    poll: Poll
    closed: Poll
    series: Series

    @property
    def organiser(self) -> str:
        return f"U{self.tag}0"

    @property
    def keys(self) -> list[str]:
        return [
            f"close:{self.poll.id}",
            f"outcome:{self.closed.id}",
            f"series:{self.series.id}",
            f"home:{self.organiser}",
        ]


async def fill(repo: Repository, key: WorkspaceKey, tag: str) -> World:
    """The same rows in any workspace, in the same channel C1, with one person (UG, someone of
    an Enterprise Grid org) asked in every workspace's poll."""
    team = key.team_id or ""
    with in_workspace(key):
        series, _new = await repo.create_series(
            team_id=team,
            channel_id="C1",
            organiser_id=f"U{tag}0",
            draft=PollDraft(questions=(QUESTION,)),
            every=Every.WEEK,
            tz="UTC",
            first_start_at=NOW,
            job_due_at=NOW + timedelta(hours=1),
            idempotency_key=f"series-{tag}",
        )
        poll = await _poll(repo, team, tag, series_id=series.id, key=f"poll-{tag}")
        closed = await _poll(repo, team, tag)
        assert await repo.record_vote(poll.id, f"U{tag}1", 1, NOW) is AnswerOutcome.STORED
        assert await repo.record_vote(closed.id, f"U{tag}1", 0, NOW) is AnswerOutcome.STORED
        await repo.add_suggestion(poll.id, 0, f"U{tag}2", f"Pizza {tag}")
        await repo.set_message_ts(poll.id, f"{tag}.1")
        await repo.record_message(poll.id, "summary", 0, "C1", f"{tag}.2")
        await repo.start_round(poll.id, 1, NOW, [(f"U{tag}2", NOW)])
        await repo.opt_out(poll.id, "UG", NOW)
        await repo.claim_message_refresh(poll.id, NOW, timedelta(seconds=1))
        await repo.set_poll_jobs(poll.id, {f"close:{poll.id}": ("close", poll.closes_at)})
        await repo.begin_close(closed.id, NOW)
        await repo.finish_close(closed.id)
        item = OutcomeItem(0, "Workshop", "Workshop", 1, SupportUnit.CHOICES, OutcomeStatus.DONE)
        await repo.record_outcome(
            closed.id, [item], NOW, tell_everyone=False, job=(f"outcome:{closed.id}", "outcome")
        )
        await repo.save_people([Person(f"U{tag}1", tz="UTC"), Person(f"U{tag}2")], NOW)
        await repo.save_dm_channel(f"U{tag}1", f"D{tag}1", NOW)
        await repo.record_home_opened(f"U{tag}0", team, NOW)
        await repo.plan_home_refresh(f"home:U{tag}0", "home", NOW)
        # As they are now, with everything above.
        now_open, now_closed = await repo.get_poll(poll.id), await repo.get_poll(closed.id)
    assert now_open is not None and now_closed is not None
    return World(key, tag, now_open, now_closed, series)


async def _poll(
    repo: Repository, team: str, tag: str, *, series_id: int | None = None, key: str | None = None
) -> Poll:
    poll = await repo.create_poll(
        team_id=team,
        channel_id="C1",
        organiser_id=f"U{tag}0",
        language="en",
        questions=[QUESTION],
        anonymous=False,
        audience=Audience(),
        opened_at=NOW,
        closes_at=NOW + timedelta(days=3),
        remind_every=None,
        members=[f"U{tag}0", f"U{tag}1", f"U{tag}2", "UG"],
        idempotency_key=key,
        series_id=series_id,
    )
    assert poll is not None
    return poll


# --- what the database holds ---------------------------------------------------------------


async def tables(db: SqlDatabase) -> list[str]:
    """Every table of the schema but the migrations' own (those of later migrations too)."""
    if db.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    async with db.reading() as conn:
        rows = await conn.fetch_all(sql)
    return sorted(str(row[0]) for row in rows if row[0] != "schema_migrations")


async def counts(db: SqlDatabase) -> dict[str, int]:
    found = {}
    names = await tables(db)
    async with db.reading() as conn:
        for table in names:
            row = await conn.fetch_one(f"SELECT COUNT(*) FROM {table}")
            assert row is not None
            found[table] = int(row[0])
    return found


async def dump(db: SqlDatabase) -> dict[str, list[str]]:
    """Every row of every table, to show that something changed nothing."""
    found = {}
    names = await tables(db)
    async with db.reading() as conn:
        for table in names:
            rows = await conn.fetch_all(f"SELECT * FROM {table}")
            found[table] = sorted(repr(tuple(cast(Iterable[Any], row))) for row in rows)
    return found


async def column(db: SqlDatabase, sql: str) -> list[Any]:
    async with db.reading() as conn:
        return [row[0] for row in await conn.fetch_all(sql)]


# --- reads -----------------------------------------------------------------------------------


async def reads_of(repo: Repository, poll_id: int, series_id: int) -> list[object]:
    """What every read by a poll's (or series') id returns."""
    poll = await repo.get_poll(poll_id)
    return [
        poll,
        await repo.answer_context(poll_id, "UG"),
        await repo.response_of(poll_id, "UG"),
        await repo.counts(poll_id),
        await repo.members_of(poll_id),
        await repo.is_member(poll_id, "UG"),
        await repo.uninvited_members(poll_id),
        await repo.messages(poll_id),
        await repo.summary_started(poll_id),
        await repo.reminder_candidates(poll_id),
        await repo.latest_auto_round(poll_id),
        await repo.reminders_with_status(poll_id, ReminderStatus.DUE),
        await repo.next_delivery(poll_id),
        await repo.reminder_totals(poll_id),
        await repo.still_wants_reminder(poll_id, "UG"),
        await repo.outcome_items(poll_id),
        await repo.outcome_state(poll_id),
        await repo.outcome_deliveries(poll_id, ReminderStatus.DUE),
        await repo.previous_in_series(poll_id),
        await repo.poll_people(poll_id),
        await repo.get_series(series_id),
    ]


async def test_a_poll_of_another_workspace_reads_as_one_that_does_not_exist(
    repo: Repository,
) -> None:
    a = await fill(repo, A, "A")
    b = await fill(repo, B, "B")
    with in_workspace(B):
        for poll_id in (a.poll.id, a.closed.id):
            assert await reads_of(repo, poll_id, a.series.id) == await reads_of(
                repo, MISSING, MISSING
            )
        assert await repo.get_poll(a.poll.id) is None
        assert await repo.answer_context(a.poll.id, "UA1") is None
        assert await repo.responses(a.closed) == []
        assert await repo.poll_by_idempotency_key("poll-A") is None
        # B's own are there, through the same reads.
        assert await repo.get_poll(b.poll.id) == b.poll
        assert (await repo.counts(b.poll.id)).asked == 4
        assert await repo.outcome_state(b.closed.id) is not None


async def test_every_list_shows_only_the_current_workspaces_polls(repo: Repository) -> None:
    a = await fill(repo, A, "A")
    b = await fill(repo, B, "B")
    with in_workspace(B):
        assert [p.id for p in await repo.polls_with_status()] == [b.poll.id, b.closed.id]
        assert [p.id for p in await repo.polls_in_channel("C1", PollStatus.OPEN)] == [b.poll.id]
        assert [p.id for p in await repo.reported_polls_in_channel("C1")] == [b.closed.id]
        assert [p.id for p in await repo.waiting_polls("UG")] == [b.poll.id]
        assert await repo.waiting_polls("UA2") == []
        assert await repo.organised_polls(a.organiser, open_=True, limit=10) == []
        assert await repo.organised_polls(a.organiser, open_=False, limit=10) == []
        assert [s.id for s in await repo.active_series_in("C1")] == [b.series.id]
        assert await repo.active_series_of(a.organiser) == []
        assert [r.user_id for r in await repo.home_records([a.organiser, b.organiser])] == [
            b.organiser
        ]
        assert await repo.home_record(a.organiser) is None
        assert sorted(await repo.people(["UA1", "UA2", "UB1", "UB2"])) == ["UB1", "UB2"]
        assert await repo.dm_channel("UA1") is None
        assert await repo.dm_channel("UB1") == "DB1"
        assert [await repo.get_job(k) for k in a.keys] == [None] * 4
        assert None not in [await repo.get_job(k) for k in b.keys]
    with in_workspace(A):
        assert [p.id for p in await repo.polls_with_status()] == [a.poll.id, a.closed.id]


# --- writes ----------------------------------------------------------------------------------


async def writes_with(repo: Repository, world: World, poll_id: int, series_id: int) -> list[Any]:
    """Every write that takes a poll's (or series') id, with what each returned (or raised)."""
    with in_workspace(world.key):
        reminder = (await repo.reminders_with_status(world.poll.id, ReminderStatus.DUE))[0]
        delivery = (await repo.outcome_deliveries(world.closed.id, ReminderStatus.DUE))[0]
    reminder = dataclasses.replace(reminder, poll_id=poll_id)
    delivery = dataclasses.replace(delivery, poll_id=poll_id)
    item = OutcomeItem(0, "Talk", "Talk", 9, SupportUnit.CHOICES, OutcomeStatus.NOT_NOW)
    writes: list[Callable[[], Awaitable[object]]] = [
        lambda: repo.record_vote(poll_id, "UG", 0, NOW + timedelta(minutes=1)),
        lambda: repo.record_response(
            poll_id, "UG", [QuestionAnswer(choices=(0,))], NOW + timedelta(minutes=1)
        ),
        lambda: repo.add_suggestion(poll_id, 0, "UG", "Forged"),
        lambda: repo.remove_option(poll_id, 0, 2),
        lambda: repo.set_closes_at(poll_id, NOW + timedelta(days=9)),
        lambda: repo.set_message_ts(poll_id, "forged.1"),
        lambda: repo.claim_message_refresh(poll_id, NOW + timedelta(hours=1), timedelta(0)),
        lambda: repo.release_message_refresh(poll_id, NOW + timedelta(hours=1)),
        lambda: repo.record_message(poll_id, "summary", 5, "C1", "forged.2"),
        lambda: repo.record_message_once(poll_id, "summary", 6, "C1", "forged.3"),
        lambda: repo.mark_invited(poll_id, "UG"),
        lambda: repo.start_round(poll_id, 7, NOW, [("UG", NOW)]),
        lambda: repo.opt_out(poll_id, f"U{world.tag}1", NOW),
        lambda: repo.set_reminder_status(
            reminder, ReminderStatus.SENT, expected=ReminderStatus.DUE, at=NOW
        ),
        lambda: repo.record_outcome(
            poll_id, [item], NOW, tell_everyone=True, job=(f"outcome:{poll_id}", "outcome")
        ),
        lambda: repo.mark_outcome_reply_started(poll_id),
        lambda: repo.set_outcome_published(poll_id, 1, "C1", "forged.4"),
        lambda: repo.set_outcome_delivery_status(
            delivery, ReminderStatus.SENT, expected=ReminderStatus.DUE, at=NOW
        ),
        lambda: repo.schedule_job(f"close:{poll_id}", "close", poll_id, NOW),
        lambda: repo.set_poll_jobs(poll_id, {f"close:{poll_id}": ("close", None)}),
        lambda: repo.advance_series(
            series_id, next_number=5, next_start_at=NOW + timedelta(days=30), last_poll_id=None
        ),
        lambda: repo.stop_series(series_id, NOW),
        lambda: repo.delete_series(series_id),
        lambda: repo.begin_close(poll_id, NOW),
        lambda: repo.mark_summary_started(poll_id),
        lambda: repo.finish_close(poll_id),
        lambda: repo.delete_poll(poll_id),
    ]
    outcomes: list[Any] = []
    for write in writes:
        try:
            outcomes.append(await write())
        except WorkspaceMismatch:
            outcomes.append(WorkspaceMismatch)
    return outcomes


async def test_a_write_to_another_workspaces_poll_is_refused_and_changes_nothing(
    repo: Repository,
) -> None:
    a = await fill(repo, A, "A")
    await fill(repo, B, "B")
    with in_workspace(A):
        answers_before = [await repo.responses(p) for p in (a.poll, a.closed)]
    before = await dump(repo.db)
    with in_workspace(B):
        forged = await writes_with(repo, a, a.poll.id, a.series.id)
        forged_closed = await writes_with(repo, a, a.closed.id, a.series.id)
        missing = await writes_with(repo, a, MISSING, MISSING)
        await repo.cancel_jobs(a.keys)
        claimed = [await repo.claim_job(k, NOW, "B", NOW + timedelta(minutes=1)) for k in a.keys]
    assert await dump(repo.db) == before
    assert forged == missing
    assert forged_closed == missing
    assert forged[:4] == [
        AnswerOutcome.NOT_FOUND,
        AnswerOutcome.NOT_FOUND,
        SuggestionResult(SuggestionOutcome.NOT_FOUND),
        RemovalResult(RemovalOutcome.NOT_FOUND),
    ]
    assert WorkspaceMismatch in forged  # record_outcome, whose answer is always a state
    assert claimed == [None] * 4
    with in_workspace(A):
        assert [await repo.responses(p) for p in (a.poll, a.closed)] == answers_before


async def test_the_same_writes_in_their_own_workspace_do_change_it(repo: Repository) -> None:
    """The counterpart of the refusal: the writes above are real writes (else their refusal
    would prove nothing)."""
    a = await fill(repo, A, "A")
    before = await dump(repo.db)
    with in_workspace(A):
        done = await writes_with(repo, a, a.poll.id, a.series.id)
    assert done[0] is AnswerOutcome.STORED
    assert await dump(repo.db) != before


async def test_a_join_adds_the_person_to_the_current_workspaces_polls_only(
    repo: Repository,
) -> None:
    a = await fill(repo, A, "A")
    b = await fill(repo, B, "B")
    with in_workspace(B):
        assert await repo.add_joined_member("C1", "UNEW", NOW) == [b.poll.id]
    with in_workspace(A):
        assert not await repo.is_member(a.poll.id, "UNEW")


async def test_answers_written_together_each_keep_to_their_own_workspace(
    repo: Repository,
) -> None:
    """Answers of several requests are written in one batch, by whichever came first: one
    forged from B among them is refused, the others stored."""
    a = await fill(repo, A, "A")
    b = await fill(repo, B, "B")

    async def vote(key: WorkspaceKey, poll_id: int, user: str) -> AnswerOutcome:
        with in_workspace(key):
            return await repo.record_vote(poll_id, user, 0, NOW + timedelta(minutes=5))

    outcomes = await asyncio.gather(
        vote(A, a.poll.id, "UA2"),
        vote(B, a.poll.id, "UG"),
        vote(B, b.poll.id, "UB2"),
        vote(A, a.poll.id, "UG"),
    )
    assert list(outcomes) == [
        AnswerOutcome.STORED,
        AnswerOutcome.NOT_FOUND,
        AnswerOutcome.STORED,
        AnswerOutcome.STORED,
    ]


# --- stamps and jobs -------------------------------------------------------------------------


async def test_rows_carry_the_workspace_they_were_written_in(repo: Repository) -> None:
    grid = WorkspaceKey("E1", "T1", is_enterprise_install=True)
    await fill(repo, grid, "G")
    db = repo.db
    assert await column(db, "SELECT DISTINCT enterprise_id FROM polls") == ["E1"]
    assert await column(db, "SELECT DISTINCT team_id FROM polls") == ["T1"]
    assert await column(db, "SELECT DISTINCT enterprise_id FROM series") == ["E1"]
    assert await column(db, "SELECT DISTINCT enterprise_id FROM home_views") == ["E1"]
    assert await column(db, "SELECT DISTINCT team_id FROM slack_users") == ["T1"]
    assert await column(db, "SELECT DISTINCT enterprise_id FROM slack_users") == ["E1"]
    assert await column(db, "SELECT DISTINCT team_id FROM jobs") == ["T1"]
    flags = await column(db, "SELECT DISTINCT is_enterprise_install FROM jobs")
    assert [bool(flag) for flag in flags] == [True]


async def test_claimed_jobs_carry_their_workspace(repo: Repository) -> None:
    a = await fill(repo, A, "A")
    b = await fill(repo, B, "B")
    grid = WorkspaceKey("E1", "T1", is_enterprise_install=True)
    g = await fill(repo, grid, "G")
    await repo.schedule_job("retention", "retention", None, NOW)  # a job of no workspace
    later = NOW + timedelta(days=30)
    claimed = await repo.claim_due_jobs(later, "runner", later + timedelta(minutes=1), 100)
    workspaces = {job.key: job.workspace for job in claimed}
    assert workspaces == {
        **dict.fromkeys(a.keys, A),
        **dict.fromkeys(b.keys, B),
        **dict.fromkeys(g.keys, grid),
        "retention": None,
    }
    one = await repo.claim_job(f"close:{a.poll.id}", later + timedelta(hours=1), "x", later)
    assert isinstance(one, Job) and one.workspace == A


async def test_a_reschedule_keeps_the_jobs_workspace_and_another_workspace_cannot_move_it(
    repo: Repository,
) -> None:
    a = await fill(repo, A, "A")
    key = f"series:{a.series.id}"
    with in_workspace(B):
        await repo.schedule_job(key, "series", None, NOW + timedelta(days=99))
        await repo.plan_home_refresh(f"home:{a.organiser}", "home", NOW - timedelta(days=1))
    with in_workspace(A):
        job = await repo.get_job(key)
        home = await repo.get_job(f"home:{a.organiser}")
        assert job is not None and job.due_at == NOW + timedelta(hours=1)
        assert home is not None and home.due_at == NOW
        await repo.schedule_job(key, "series", None, NOW + timedelta(days=2))
    job = await repo.get_job(key)
    assert job is not None
    assert (job.due_at, job.workspace) == (NOW + timedelta(days=2), A)


# --- single-workspace mode -------------------------------------------------------------------


async def test_with_no_current_workspace_everything_is_seen_and_nothing_stamped(
    repo: Repository,
) -> None:
    a = await fill(repo, A, "A")
    b = await fill(repo, B, "B")
    assert [p.id for p in await repo.polls_with_status()] == sorted(
        [a.poll.id, a.closed.id, b.poll.id, b.closed.id]
    )
    assert await repo.get_poll(a.poll.id) == a.poll
    assert await repo.get_series(a.series.id) == a.series
    assert sorted(await repo.people(["UA1", "UB1"])) == ["UA1", "UB1"]
    assert len(await repo.home_records([a.organiser, b.organiser])) == 2
    assert [p.id for p in await repo.waiting_polls("UG")] == [b.poll.id, a.poll.id]
    # Rows written with no workspace carry none.
    single = await _poll(repo, "T1", "S")
    await repo.save_people([Person("US1")], NOW)
    await repo.schedule_job(f"close:{single.id}", "close", single.id, NOW)
    db = repo.db
    assert await column(db, f"SELECT enterprise_id FROM polls WHERE id = {single.id}") == [None]
    assert await column(db, "SELECT team_id FROM slack_users WHERE user_id = 'US1'") == [""]
    job = await repo.get_job(f"close:{single.id}")
    assert job is not None and job.workspace is None
    # A single-workspace write still takes any poll: the poll of "A" can be closed.
    assert await repo.begin_close(a.poll.id, NOW) is not None


# --- purges ----------------------------------------------------------------------------------


async def test_purging_a_workspace_deletes_exactly_its_rows(repo: Repository) -> None:
    db = repo.db
    a = await fill(repo, A, "A")
    of_a = await counts(db)
    b = await fill(repo, B, "B")
    both = await counts(db)
    with in_workspace(B):
        b_reads = await reads_of(repo, b.poll.id, b.series.id)
    with in_workspace(B):  # the current workspace does not matter to a purge
        purged = await repo.purge_workspace(A)
    assert purged == PurgedWorkspace(polls=2, people=2, jobs=4)
    after = await counts(db)
    assert after == {table: both[table] - of_a[table] for table in both}
    assert all(of_a[t] > 0 for t in ("polls", "answers", "reminders", "outcome_deliveries"))
    assert all(after[t] > 0 for t in after if t != "uninstalls" and of_a[t] > 0)
    with in_workspace(B):
        assert await reads_of(repo, b.poll.id, b.series.id) == b_reads
    assert await repo.get_poll(a.poll.id) is None
    assert await column(db, "SELECT DISTINCT team_id FROM polls") == ["TB"]
    assert await column(db, "SELECT DISTINCT team_id FROM slack_users") == ["TB"]
    assert await column(db, "SELECT DISTINCT team_id FROM jobs") == ["TB"]


async def test_an_org_wide_purge_deletes_every_workspace_of_the_enterprise(
    repo: Repository,
) -> None:
    db = repo.db
    one = await fill(repo, WorkspaceKey("E1", "T1", is_enterprise_install=True), "G")
    two = await fill(repo, WorkspaceKey("E1", "T2", is_enterprise_install=True), "H")
    of_grid = await counts(db)
    b = await fill(repo, B, "B")
    before = await counts(db)
    org = WorkspaceKey("E1", None, is_enterprise_install=True)
    with in_workspace(org):  # the org as a whole reads all of its workspaces' polls
        assert [p.id for p in await repo.polls_with_status(PollStatus.OPEN)] == [
            one.poll.id,
            two.poll.id,
        ]
    purged = await repo.purge_workspace(org)
    assert purged == PurgedWorkspace(polls=4, people=4, jobs=8)
    assert await counts(db) == {table: before[table] - of_grid[table] for table in before}
    assert await column(db, "SELECT DISTINCT team_id FROM polls") == ["TB"]
    with in_workspace(B):
        assert await repo.get_poll(b.poll.id) == b.poll


async def test_cancelling_a_workspaces_jobs_leaves_the_others(repo: Repository) -> None:
    a = await fill(repo, A, "A")
    b = await fill(repo, B, "B")
    await repo.schedule_job("retention", "retention", None, NOW)
    assert await repo.cancel_workspace_jobs(A) == 4
    assert [await repo.get_job(k) for k in a.keys] == [None] * 4
    assert None not in [await repo.get_job(k) for k in [*b.keys, "retention"]]
    with in_workspace(A):
        assert await repo.get_poll(a.poll.id) == a.poll  # only the jobs went


async def test_uninstalled_workspaces_are_remembered_until_forgotten(repo: Repository) -> None:
    org = WorkspaceKey("E1", None, is_enterprise_install=True)
    grid_team = WorkspaceKey("E1", "T1")
    await repo.record_uninstall(A, NOW - timedelta(days=40))
    await repo.record_uninstall(org, NOW - timedelta(days=35))
    await repo.record_uninstall(grid_team, NOW - timedelta(days=31))
    await repo.record_uninstall(B, NOW - timedelta(days=5))
    await repo.record_uninstall(A, NOW - timedelta(days=1))  # told again: the first counts
    assert await repo.uninstalled_before(NOW - timedelta(days=30)) == [A, org, grid_team]
    assert await repo.uninstalled_before(NOW - timedelta(days=38)) == [A]
    await repo.forget_uninstall(A)
    await repo.forget_uninstall(org)
    assert await repo.uninstalled_before(NOW) == [grid_team, B]


async def test_the_retention_run_purges_workspaces_uninstalled_long_enough_ago(
    repo: Repository,
) -> None:
    clock = ShiftableClock(NOW + timedelta(days=40))
    a = await fill(repo, A, "A")
    b = await fill(repo, B, "B")
    await repo.record_uninstall(A, NOW + timedelta(days=5))  # 35 days before the run
    await repo.record_uninstall(B, NOW + timedelta(days=20))  # 20 days before it
    queue = JobQueue(repo, clock, "test")
    job = RetentionJob(RetentionStore(repo.db), queue, clock, 30, workspaces=repo)
    report = await job.run()
    assert report.workspaces == [A]
    assert await repo.get_poll(a.poll.id) is None
    assert await repo.get_poll(b.poll.id) == b.poll
    assert await repo.uninstalled_before(clock.now()) == [B]
    # Without a workspace store the run purges polls only, as before.
    plain = RetentionJob(RetentionStore(repo.db), queue, clock, 10)
    assert (await plain.run()).workspaces == []
    assert await repo.get_poll(b.poll.id) == b.poll


async def test_a_polls_rows_follow_it_in_this_schema(repo: Repository) -> None:
    """Every table that refers to polls is one the purge empties by cascade: adding one without
    ON DELETE CASCADE (or a purge of its own) would leave a workspace's rows behind."""
    await fill(repo, A, "A")
    await repo.purge_workspace(A)
    left = {t: n for t, n in (await counts(repo.db)).items() if n}
    assert left == {}


async def test_more_people_than_one_statement_binds_are_read_whole_and_of_one_workspace(
    repo: Repository,
) -> None:
    many = [f"UA{n:04}" for n in range(1_234)]
    with in_workspace(A):
        await repo.save_people([Person(user_id) for user_id in many], NOW)
        for user_id in many[:700]:
            await repo.record_home_opened(user_id, "TA", NOW)
    with in_workspace(B):
        await repo.save_people([Person("UB0001")], NOW)
    asked = [*many, *many[:10], "UB0001"]  # repeated ids are read once; B's person is not A's
    with in_workspace(A):
        assert sorted(await repo.people(asked)) == many
        assert sorted(r.user_id for r in await repo.home_records(asked)) == many[:700]
