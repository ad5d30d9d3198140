"""Fixtures for every test folder: which database backend a test runs on.

A test that asks for `backend` (the end-to-end bot does) runs once on SQLite and once on a
throwaway PostgreSQL server, unless it is marked sqlite_only (it reads the SQLite file itself).
Without the PostgreSQL binaries the PostgreSQL runs are skipped, saying why; under CI they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.pg_server import ThrowawayPostgres, missing_reason, throwaway_postgres

BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        backends: tuple[str, ...] = ("sqlite",)
    elif metafunc.definition.get_closest_marker("postgresql_only"):
        backends = ("postgresql",)
    else:
        backends = BACKENDS
    metafunc.parametrize("backend", backends)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    """One PostgreSQL server per test process (xdist worker), removed at the end."""
    reason = missing_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
async def db_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    """None for SQLite; for PostgreSQL a migrated database with no rows in it."""
    if backend == "sqlite":
        return None
    server: ThrowawayPostgres = request.getfixturevalue("postgres_server")
    return await server.emptied_database()
