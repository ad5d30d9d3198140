"""A throwaway PostgreSQL server for tests and the bench: initdb into a temporary folder, pg_ctl
on a free local port, removed afterwards. The server refuses to run as root, so under root it
runs as the `postgres` system user (Debian's package creates it)."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg

from tests.processes import free_port

# Durability is the one thing a throwaway server need not have: with these off, a test database
# is created and migrated in a fraction of the time.
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
SERVER_USER = "postgres"
TEMPLATE = "wishbot_template"


def find_binaries() -> Path | None:
    """The folder with initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "pg_ctl").is_file() and (Path(folder) / "initdb").is_file():
            return Path(folder)
    return None


def missing_reason() -> str | None:
    """Why the PostgreSQL tests cannot run here, or None when they can."""
    if find_binaries() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no '{SERVER_USER}' user to run the server as"
    return None


class ThrowawayPostgres:
    """One server; `new_database()` gives each test its own database, copied from a migrated
    template so that migrating costs once per server, not once per test."""

    def __init__(self) -> None:
        binaries = find_binaries()
        assert binaries is not None, missing_reason()
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="wishbot-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self._count = 0
        self._template_ready = False
        self._reusable: str | None = None
        self._template_schema: frozenset[tuple[str, str]] = frozenset()

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql://{self._user()}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._as_server_user_owning(self.folder)
        self._run("initdb", "--no-sync", "-A", "trust", "-U", self._user(), "-D", str(self.data))
        self.start_again()

    def start_again(self) -> None:
        """Start the (stopped) server on the same port and data."""
        options = " ".join(f"-c {setting}" for setting in FAST_SETTINGS)
        options += f" -c listen_addresses=127.0.0.1 -p {self.port}"
        options += f" -c unix_socket_directories={self.folder} -c max_connections=200"
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    async def new_database(self, *, migrated: bool = True) -> str:
        """A fresh database's URL: migrated (from the template) or empty."""
        self._count += 1
        name = f"wishbot_{os.getpid()}_{self._count}"
        if migrated and not self._template_ready:
            await self._make_template()
        template = f" TEMPLATE {TEMPLATE}" if migrated else ""
        await self._admin(f"CREATE DATABASE {name}{template}")
        return self.url(name)

    async def emptied_database(self) -> str:
        """The URL of this server's reusable migrated database, emptied of every row (and its
        ids counting from 1 again): a tenth of the time of creating one, for tests that run one
        after another and need only a clean schema. A test that changed the schema itself gets
        a new copy of the template instead."""
        if self._reusable is not None and await self._empty_if_intact(self._reusable):
            return self._reusable
        if self._reusable is not None:
            name = self._reusable.rsplit("/", 1)[1]
            await self._admin(f"DROP DATABASE {name} WITH (FORCE)")
        self._reusable = await self.new_database()
        return self._reusable

    async def _empty_if_intact(self, url: str) -> bool:
        connection = await asyncpg.connect(url)
        try:
            if await self._schema(connection) != self._template_schema:
                return False
            tables = [t for t, _ in self._template_schema if t != "schema_migrations"]
            names = ", ".join(f'"{table}"' for table in sorted(set(tables)))
            await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            return True
        finally:
            await connection.close()

    @staticmethod
    async def _schema(connection: asyncpg.Connection) -> frozenset[tuple[str, str]]:
        """Every table's name with its columns, and the migrations applied."""
        rows = await connection.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public'"
        )
        schema = {(str(row[0]), str(row[1])) for row in rows}
        if ("schema_migrations", "version") in schema:
            versions = await connection.fetch("SELECT version FROM schema_migrations")
            schema |= {("schema_migrations", f"version {row[0]}") for row in versions}
        return frozenset(schema)

    async def _make_template(self) -> None:
        from bot.storage.migrations import migrate
        from bot.storage.postgres import PostgresDatabase

        await self._admin(f"CREATE DATABASE {TEMPLATE}")
        db = await PostgresDatabase.open(self.url(TEMPLATE), pool_size=1)
        try:
            await migrate(db)
        finally:
            await db.close()
        connection = await asyncpg.connect(self.url(TEMPLATE))
        try:
            self._template_schema = await self._schema(connection)
        finally:
            await connection.close()
        self._template_ready = True

    async def _admin(self, statement: str) -> None:
        connection = await asyncpg.connect(self.admin_url)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    def _user(self) -> str:
        return SERVER_USER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    def _as_server_user_owning(self, folder: Path) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam(SERVER_USER)
            os.chown(folder, entry.pw_uid, entry.pw_gid)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        command = [str(self.binaries / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed: {result.stderr.strip()}\n{tail}")


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()
