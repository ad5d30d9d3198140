"""A started playground (emulator, real bot, page) on a real SQLite file in tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.playground.playground import Playground
from bot.playground.server import playground_application


@pytest.fixture
async def playground(tmp_path: Path) -> AsyncIterator[Playground]:
    running = Playground(tmp_path / "playground.sqlite3")
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def page(playground: Playground) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """An HTTP client on the playground's page, served on 127.0.0.1."""
    client: TestClient[web.Request, web.Application] = TestClient(
        TestServer(playground_application(playground), host="127.0.0.1")
    )
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()
