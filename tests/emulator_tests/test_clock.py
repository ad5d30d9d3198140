"""One injectable clock: ts values, event times, expiries, rate windows and tz offsets follow it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from slack_emulator import SlackEmulator, signed_headers
from slack_emulator.clock import OffsetClock, WorldClock
from slack_emulator.payloads import action_ts, event_callback

WINTER = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 9, 0, tzinfo=UTC)
VIEW = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "Hi"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}],
}


class StoppedClock:
    """A test clock that moves only when told to (the shape the bot's clock has)."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment
        self.advanced: list[timedelta] = []

    def now(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.advanced.append(delta)
        self.moment += delta


@pytest.fixture
def clock() -> StoppedClock:
    return StoppedClock(WINTER)


@pytest.fixture
async def world(clock: StoppedClock) -> AsyncIterator[SlackEmulator]:
    emulator = SlackEmulator(clock=clock)
    emulator.add_user("U1", "alice", tz="Europe/Helsinki")
    emulator.add_channel("C100", "general", members=["U1"])
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
def client(world: SlackEmulator) -> AsyncWebClient:
    return AsyncWebClient(token=world.bot_token, base_url=world.api_url)


def test_the_stopped_clock_is_a_world_clock(clock: StoppedClock) -> None:
    checked: WorldClock = clock  # structural: any object with now() and advance(delta)
    assert checked.now() == WINTER


async def test_message_ts_comes_from_the_clock_unique_while_it_stands_still(
    world: SlackEmulator, client: AsyncWebClient, clock: StoppedClock
) -> None:
    world.rate_limits_enabled = False
    stamps = [(await client.chat_postMessage(channel="C100", text=f"m{i}"))["ts"] for i in range(4)]
    base = int(WINTER.timestamp())
    assert stamps == [f"{base}.{i:06d}" for i in range(4)]
    clock.advance(timedelta(days=3))
    later = (await client.chat_postMessage(channel="C100", text="three days on"))["ts"]
    assert later == f"{base + 3 * 86_400}.000000"
    assert float(later) > float(stamps[-1])
    assert [m.ts for m in world.messages("C100")] == [*stamps, later]


async def test_ts_stays_increasing_when_a_jump_lands_inside_used_microseconds(
    world: SlackEmulator, clock: StoppedClock
) -> None:
    first = world.add_message("C100", "U1", "a").ts
    clock.advance(timedelta(microseconds=1))  # the next free microsecond is already taken
    second = world.add_message("C100", "U1", "b").ts
    third = world.add_message("C100", "U1", "c").ts
    assert float(first) < float(second) < float(third)
    assert len({first, second, third}) == 3


def test_event_and_action_times_follow_the_clock(world: SlackEmulator) -> None:
    body = event_callback(world, {"type": "app_home_opened", "user": "U1"})
    assert body["event_time"] == int(WINTER.timestamp())
    assert body["event"]["event_ts"].startswith(f"{int(WINTER.timestamp())}.")
    assert action_ts(world).startswith(f"{int(WINTER.timestamp())}.")


async def test_file_created_follows_the_clock(
    world: SlackEmulator, client: AsyncWebClient, clock: StoppedClock
) -> None:
    clock.advance(timedelta(days=10))
    reply = await client.files_upload_v2(channel="C100", filename="a.csv", content=b"x,y\n")
    assert reply["files"][0]["created"] == int((WINTER + timedelta(days=10)).timestamp())


async def test_trigger_and_response_url_expire_on_the_clock(
    world: SlackEmulator, client: AsyncWebClient, clock: StoppedClock
) -> None:
    trigger = world.issue_trigger("U1")
    clock.advance(timedelta(seconds=3.5))
    with pytest.raises(SlackApiError) as info:
        await client.views_open(trigger_id=trigger, view=VIEW)
    assert info.value.response["error"] == "expired_trigger_id"
    url = world.issue_response_url("C100", "U1")
    clock.advance(timedelta(minutes=31))
    async with aiohttp.ClientSession() as session, session.post(url, json={"text": "x"}) as resp:
        assert (resp.status, (await resp.json())["error"]) == (404, "expired_url")


async def test_rate_windows_follow_the_clock(
    world: SlackEmulator, client: AsyncWebClient, clock: StoppedClock
) -> None:
    world.set_rate_limit("users.info", 1, window_seconds=60)
    await client.users_info(user="U1")
    with pytest.raises(SlackApiError) as info:
        await client.users_info(user="U1")
    assert int(info.value.response.headers["Retry-After"]) == 60  # the clock did not move
    clock.advance(timedelta(seconds=60))
    assert (await client.users_info(user="U1"))["ok"]


async def test_tz_offset_is_the_one_in_force_at_the_clock(
    world: SlackEmulator, client: AsyncWebClient, clock: StoppedClock
) -> None:
    assert (await client.users_info(user="U1"))["user"]["tz_offset"] == 7200
    clock.advance(SUMMER - WINTER)
    user = (await client.users_info(user="U1"))["user"]
    assert (user["tz_offset"], user["tz_label"]) == (10800, "EEST")
    listed = await client.users_list()
    assert listed["cache_ts"] == int(SUMMER.timestamp())


async def test_now_and_advance_time_go_through_the_clock(
    world: SlackEmulator, client: AsyncWebClient, clock: StoppedClock
) -> None:
    assert world.clock is clock
    assert world.now() == WINTER.timestamp()
    world.advance_time(90)
    assert clock.advanced == [timedelta(seconds=90)]
    assert world.now() == WINTER.timestamp() + 90
    await client.auth_test()
    assert world.calls[-1].at == WINTER.timestamp() + 90


def test_signing_uses_real_time_whatever_the_clock(world: SlackEmulator) -> None:
    world.advance_time(5 * 86_400)
    stamp = int(signed_headers(world.signing_secret, b"{}")["X-Slack-Request-Timestamp"])
    assert abs(stamp - time.time()) < 60
    headers = world.driver("http", request_url="http://127.0.0.1:9/").signed_headers(b"{}")
    assert abs(int(headers["X-Slack-Request-Timestamp"]) - time.time()) < 60


def test_offset_clock_is_wall_time_plus_offset() -> None:
    clock = OffsetClock()
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 1
    clock.advance(timedelta(days=2))
    assert abs((clock.now() - datetime.now(UTC)) - timedelta(days=2)) < timedelta(seconds=1)
    assert clock.now().tzinfo is not None
    with pytest.raises(ValueError, match="forward"):
        clock.advance(timedelta(seconds=-1))


async def test_default_emulator_clock_is_real_time() -> None:
    emulator = SlackEmulator()
    assert abs(emulator.now() - time.time()) < 1
    emulator.advance_time(3600)
    assert abs(emulator.now() - time.time() - 3600) < 1


def test_a_naive_clock_is_refused() -> None:
    emulator = SlackEmulator(clock=StoppedClock(datetime(2026, 1, 1)))
    with pytest.raises(ValueError, match="naive"):
        emulator.now()
