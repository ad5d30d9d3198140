"""`wishbot run --or-playground` (make run) opens the playground only when no Slack app is
configured at all; `wishbot run` stays strict; `wishbot playground` takes its port."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import aiohttp

from bot.playground.launch import playground_port, slack_configured
from tests.processes import bare_environ, free_port

BARE = bare_environ()


async def wishbot(env: dict[str, str], *args: str, cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def finished(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_run_without_configuration_still_refuses_to_start(tmp_path: Path) -> None:
    code, out, err = await finished(await wishbot(BARE, "run", cwd=tmp_path))
    assert (code, out) == (2, "") and "SLACK_BOT_TOKEN" in err


async def test_a_begun_slack_configuration_is_never_replaced_by_the_playground(
    tmp_path: Path,
) -> None:
    env = {**BARE, "SLACK_BOT_TOKEN": "not-a-token"}
    code, out, err = await finished(await wishbot(env, "run", "--or-playground", cwd=tmp_path))
    assert (code, out) == (2, "") and "SLACK_BOT_TOKEN must start with 'xoxb-'" in err
    assert not (tmp_path / "data").exists()


async def test_with_nothing_configured_make_run_serves_the_playground_on_localhost(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {**BARE, "WISHBOT_PLAYGROUND_PORT": str(port)}
    process = await wishbot(env, "run", "--or-playground", cwd=tmp_path)
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
    url = f"http://127.0.0.1:{port}/playground"
    assert url in line and "real Slack" in line
    async with aiohttp.ClientSession() as session, session.get(url) as page:
        assert page.status == 200 and "Wishbot playground" in await page.text()
    assert (tmp_path / "data" / "playground.sqlite3").exists()
    process.send_signal(signal.SIGTERM)
    code, rest_of_stdout, _ = await finished(process)
    assert (code, rest_of_stdout) == (0, "")  # the one line was all


def test_any_slack_variable_means_slack_is_configured() -> None:
    assert not slack_configured({"SLACK_BOT_TOKEN": " ", "WISHBOT_DB": "x"})
    assert slack_configured({"SLACK_CLIENT_ID": "123.456"})
    assert slack_configured({"SLACK_BOT_TOKEN": "xoxb-1"})


def test_the_port_comes_from_the_flag_then_the_environment() -> None:
    assert playground_port({}, None) == 3000
    assert playground_port({"WISHBOT_PLAYGROUND_PORT": "3100"}, None) == 3100
    assert playground_port({"WISHBOT_PLAYGROUND_PORT": "3100"}, 3200) == 3200
