"""The bot and the floor, each in its own process: start, time to ready, memory, stop."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

READY_TIMEOUT_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """A process serving POST /slack/events and GET /healthz on a local port."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    ready_seconds: float
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def memory_kb(self) -> dict[str, int]:
        """VmHWM (peak resident set) and VmRSS from /proc/<pid>/status, in kB."""
        found: dict[str, int] = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0])
        return found

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process has used (/proc/<pid>/stat)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def launch(
    name: str, module: str, env: dict[str, str], workdir: Path, *, port: int | None = None
) -> Served:
    """Start `python -m module` and wait until /healthz answers 200; ready time from spawn.
    `port`: chosen beforehand, when the environment has to name it (an OAuth redirect URL)."""
    port = port or free_port()
    log_path = workdir / f"{name}.log"
    full_env = {**os.environ, **env, "PORT": str(port)}
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: ASYNC220 - spawning is instant; timed from here
            [sys.executable, "-m", module, *(["run"] if module == "bot" else [])],
            env=full_env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    served = Served(name, process, port, 0.0, log_path)
    deadline = started + READY_TIMEOUT_SECONDS
    timeout = aiohttp.ClientTimeout(total=1)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited: {log_path.read_text()[-2000:]}")
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200 and not served.ready_seconds:
                        served.ready_seconds = time.perf_counter() - started
                    # Measured from here: the bot has learnt the workspace's people (the floor
                    # has nothing to learn), so no scenario times the start-up's work.
                    if resp.status == 200 and (await resp.json()).get("warm", True):
                        return served
            except (aiohttp.ClientError, TimeoutError):
                pass
            if time.perf_counter() > deadline:
                served.stop()
                raise RuntimeError(f"{name} not ready in {READY_TIMEOUT_SECONDS} s")
            await asyncio.sleep(0.01)
