"""The wishbot process: CLI commands, configuration errors, crashes and restarts (SIGKILL)."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.storage.migrations import load_migrations
from slack_emulator import SlackEmulator
from tests.e2e.conftest import BOT_TOKEN, CHANNEL, ORGANISER, PEOPLE, SIGNING_SECRET
from tests.e2e.helpers import reminded, reminders_sent
from tests.processes import bare_environ, free_port


def slack_environ(emu: SlackEmulator) -> dict[str, str]:
    """A clean environment with what `wishbot` needs to talk to the emulator over HTTP."""
    return {
        **bare_environ(),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": emu.api_url,
    }


@pytest.fixture
def env(emu: SlackEmulator, tmp_path: Path) -> dict[str, str]:
    return {
        **slack_environ(emu),
        "WISHBOT_DB": str(tmp_path / "db" / "wishbot.sqlite3"),
        "PORT": str(free_port()),
        "WISHBOT_QUIET_HOURS": "off",
        "LOG_LEVEL": "INFO",
    }


async def wishbot(env: dict[str, str], *args: str, cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_check_reports_bot_user_and_workspace(env: dict[str, str], tmp_path: Path) -> None:
    assert (await wishbot(env, "migrate", cwd=tmp_path))[0] == 0
    code, out, err = await wishbot(env, "check", cwd=tmp_path)
    assert code == 0, err
    assert "UBOT" in out and "T0WISH" in out
    assert BOT_TOKEN not in out + err and SIGNING_SECRET not in out + err


async def test_check_with_a_revoked_token_fails_in_one_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    await wishbot(env, "migrate", cwd=tmp_path)
    code, out, err = await wishbot(
        {**env, "SLACK_BOT_TOKEN": "xoxb-revoked"}, "check", cwd=tmp_path
    )
    assert code == 1
    assert "invalid_auth" in out + err
    assert "xoxb-revoked" not in out + err


async def test_missing_configuration_is_one_line_pointing_at_the_example(tmp_path: Path) -> None:
    code, out, err = await wishbot(bare_environ(), "run", cwd=tmp_path)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "SLACK_BOT_TOKEN" in err and ".env.example" in err and "manifest" in err
    assert not (tmp_path / "data").exists()  # stopped before doing anything


async def test_migrations_are_idempotent_and_a_newer_database_is_refused(
    env: dict[str, str], tmp_path: Path
) -> None:
    first = await wishbot(env, "migrate", cwd=tmp_path)
    second = await wishbot(env, "migrate", cwd=tmp_path)
    assert first[0] == second[0] == 0
    assert f"{len(load_migrations())} migration" in first[1] and "0 migration" in second[1]
    with sqlite3.connect(env["WISHBOT_DB"]) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 0)")
    code, _out, err = await wishbot(env, "migrate", cwd=tmp_path)
    assert code == 1
    assert "newer" in err and err.count("\n") == 1


class BotProcess:
    """`wishbot run` as a child process, killed or stopped by the test."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.url = f"http://127.0.0.1:{env['PORT']}"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=self.env,
            cwd=self.cwd,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        deadline = asyncio.get_running_loop().time() + 20
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    async with session.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                if (
                    asyncio.get_running_loop().time() > deadline
                    or self.process.returncode is not None
                ):
                    raise AssertionError("the bot did not become ready")
                await asyncio.sleep(0.05)

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        await self.process.wait()

    async def terminate(self) -> tuple[int, str]:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(self.process.communicate(), 20)
        assert self.process.returncode is not None
        return self.process.returncode, err.decode()


@pytest.fixture
async def bot_process(env: dict[str, str], tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(env, tmp_path)
    yield process
    if process.process is not None and process.process.returncode is None:
        await process.kill()


async def test_sigterm_shuts_down_gracefully(bot_process: BotProcess) -> None:
    await bot_process.start()
    code, err = await bot_process.terminate()
    assert code == 0
    assert "stopped" in err
    assert BOT_TOKEN not in err and SIGNING_SECRET not in err


async def test_killed_after_creating_a_poll_still_closes_it_on_time(
    emu: SlackEmulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    driver = emu.driver("http", request_url=f"{bot_process.url}/slack/events")
    await driver.slash_command(ORGANISER, CHANNEL, "/wishes", 'new "Crash?" "Yes" "No" closes:8s')
    message = (await emu.wait_for(lambda: emu.messages(CHANNEL), timeout=10))[0]
    await driver.click(PEOPLE[0], message, "Yes")
    await driver.click(PEOPLE[1], message, "No")
    await emu.wait_for(lambda: "2 of 6" in str(emu.messages(CHANNEL)[0].blocks), timeout=10)
    await bot_process.kill()
    await bot_process.start()
    summaries = await emu.wait_for(lambda: emu.messages(CHANNEL)[1:], timeout=20)
    assert "2 of 6" in str(summaries[0].blocks)
    await driver.close()


async def test_killed_in_the_middle_of_a_round_reminds_nobody_twice_and_misses_nobody(
    emu: SlackEmulator, bot_process: BotProcess
) -> None:
    crowd = emu.populate(400, "C0CROWD")
    emu.add_member("C0CROWD", ORGANISER)
    # Slack's limits, per second instead of per minute: the round takes a few seconds.
    emu.set_rate_limit("conversations.open", 100, 1)
    emu.set_rate_limit("chat.postMessage", 100, 1)
    await bot_process.start()
    driver = emu.driver("http", request_url=f"{bot_process.url}/slack/events")
    await driver.slash_command(ORGANISER, "C0CROWD", "/wishes", 'new "Big?" "A" "B" remind:off')
    await emu.wait_for(lambda: emu.messages("C0CROWD"), timeout=20)
    poll_id = 1
    await driver.slash_command(ORGANISER, "C0CROWD", "/wishes", f"remind {poll_id}")
    await emu.wait_for(lambda: len(reminders_sent(emu)) >= 60, timeout=30)
    await bot_process.kill()
    sent_before_kill = len(reminders_sent(emu))
    assert sent_before_kill < len(crowd), "the round finished before the kill; nothing tested"
    await bot_process.start()
    await emu.wait_for(lambda: len(reminders_sent(emu)) >= len(crowd), timeout=60)
    counts = reminded(emu, 1, crowd)
    assert set(counts) == set(crowd)
    assert max(counts.values()) == 1
    await driver.close()


def many_workspaces_environ(emu: SlackEmulator, tmp_path: Path) -> dict[str, str]:
    """A distributed app's configuration: client id, secret and redirect, no bot token."""
    return {
        **bare_environ(),
        "SLACK_CLIENT_ID": "1111111111.2222222222",
        "SLACK_CLIENT_SECRET": "process-client-secret-0123",
        "SLACK_REDIRECT_URI": "https://wishbot.example.org/slack/oauth_redirect",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": emu.api_url,
        "WISHBOT_DB": str(tmp_path / "db" / "wishbot.sqlite3"),
        "PORT": str(free_port()),
    }


async def test_keygen_prints_a_key_that_many_workspaces_start_with(
    emu: SlackEmulator, tmp_path: Path
) -> None:
    code, key, err = await wishbot(bare_environ(), "keygen", cwd=tmp_path)
    assert code == 0 and err == ""
    assert key.count("\n") == 1 and len(key.strip()) == 44  # a Fernet key, url-safe base64
    again = (await wishbot(bare_environ(), "keygen", cwd=tmp_path))[1]
    assert again != key
    env = {**many_workspaces_environ(emu, tmp_path), "WISHBOT_SECRET_KEY": key.strip()}
    assert (await wishbot(env, "migrate", cwd=tmp_path))[0] == 0
    code, out, err = await wishbot(env, "check", cwd=tmp_path)
    assert code == 0, err
    assert "many workspaces" in out and "installed in 0 workspace(s)" in out
    assert key.strip() not in out + err and "process-client-secret" not in out + err


async def test_many_workspaces_without_a_key_stop_in_one_line(
    emu: SlackEmulator, tmp_path: Path
) -> None:
    code, out, err = await wishbot(many_workspaces_environ(emu, tmp_path), "run", cwd=tmp_path)
    assert code == 2
    assert out == "" and err.count("\n") == 1
    assert "WISHBOT_SECRET_KEY" in err and "wishbot keygen" in err
    assert not (tmp_path / "db").exists()  # stopped before doing anything
