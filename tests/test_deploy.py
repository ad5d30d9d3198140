"""The deployment kit: the Dockerfile and compose file use only existing files; systemd accepts
the units."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ("wishbot.service", "wishbot-backup.service", "wishbot-backup.timer")
INSTALL_PREFIX = "/opt/wishbot"


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def copied_sources(dockerfile: Path) -> list[str]:
    """Sources of every COPY from the build context (not --from another stage)."""
    sources = []
    for keyword, rest in instructions(dockerfile):
        if keyword != "COPY":
            continue
        words = shlex.split(rest)
        if any(w.startswith("--from") for w in words):
            continue
        sources += [w for w in words if not w.startswith("--")][:-1]
    return sources


def test_every_file_the_dockerfile_copies_exists_and_is_in_the_build_context() -> None:
    sources = copied_sources(DEPLOY / "Dockerfile")
    assert {"pyproject.toml", "requirements.lock", "bot/", "migrations/"} <= set(sources)
    allowed = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: no such file"
        assert source.rstrip("/") in allowed, f"COPY {source}: excluded by .dockerignore"
    # What building the package reads must be in the context too.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["readme"] in sources


def test_the_image_runs_wishbot_as_a_non_root_user_with_the_database_on_a_volume() -> None:
    steps = instructions(DEPLOY / "Dockerfile")
    final_stage = steps[max(i for i, (k, _) in enumerate(steps) if k == "FROM") :]
    values = dict(final_stage)
    assert values["FROM"].split()[0] == "${PYTHON_IMAGE}"
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in (DEPLOY / "Dockerfile").read_text()
    assert values["USER"] not in ("root", "0")
    assert values["VOLUME"] == '["/data"]'
    assert "WISHBOT_DB=/data/wishbot.sqlite3" in values["ENV"]
    assert values["CMD"] == '["wishbot", "run"]'
    assert "/healthz" in values["HEALTHCHECK"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert "wishbot" in scripts
    install = next(rest for keyword, rest in steps if keyword == "RUN" and "pip" in rest)
    assert "-c requirements.lock ." in install  # the pinned dependencies, nothing else


def healthcheck_command() -> list[str]:
    steps = dict(instructions(DEPLOY / "Dockerfile"))
    exec_form = steps["HEALTHCHECK"].split(" CMD ", 1)[1]
    command: list[str] = yaml.safe_load(exec_form)  # the JSON exec form
    return command


@pytest.mark.parametrize("healthy", [True, False], ids=["serving", "nothing-listening"])
def test_the_healthcheck_command_tells_a_serving_bot_from_none(
    healthy: bool, tmp_path: Path
) -> None:
    """The HEALTHCHECK's Python one-liner, run as Docker would, against a stand-in /healthz."""
    command = healthcheck_command()
    assert command[0] == "python"
    server = None
    if healthy:
        server = subprocess.Popen(  # a tiny HTTP server answering 200 on every path
            [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert server.stdout is not None
        banner = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N ..."
        port = re.search(r"port (\d+)", banner)
        assert port is not None, banner
        (tmp_path / "healthz").write_text("ok")
        env_port = port[1]
    else:
        env_port = "9"  # discard: nothing answers HTTP there
    try:
        result = subprocess.run(
            [sys.executable, *command[1:]],
            env={"PORT": env_port, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            timeout=30,
            check=False,
        )
    finally:
        if server is not None:
            server.terminate()
            server.communicate()  # waits, and closes its pipe
    assert (result.returncode == 0) is healthy, result.stderr


def test_compose_references_only_files_that_exist() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["wishbot"]
    context = (DEPLOY / service["build"]["context"]).resolve()
    assert context == ROOT
    assert (context / service["build"]["dockerfile"]).is_file()
    env_files = service["env_file"]
    for env_file in [env_files] if isinstance(env_files, str) else env_files:
        path = (DEPLOY / env_file).resolve()
        # .env is the operator's copy of .env.example (never in the repository: it holds tokens)
        assert path == ROOT / ".env"
        assert (ROOT / ".env.example").is_file()
        assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    for volume in service["volumes"]:
        source, target = volume.split(":")[:2]
        assert target == "/data"
        assert source in compose["volumes"], f"{source} is not a named volume"
    assert service["environment"]["WISHBOT_DB"].startswith("/data/")
    assert service["ports"] == ["3000:3000"]


def prepared_units(tmp_path: Path) -> list[Path]:
    """The units with the install prefix pointed at this checkout's wishbot: verify checks that
    the command exists."""
    prefix = tmp_path / "opt" / "wishbot"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "wishbot").symlink_to(Path(sys.executable).parent / "wishbot")
    copies = []
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        assert name.endswith(".timer") or INSTALL_PREFIX in text
        copy = tmp_path / name
        copy.write_text(text.replace(INSTALL_PREFIX, str(prefix)), encoding="utf-8")
        copies.append(copy)
    return copies


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    units = prepared_units(tmp_path)
    result = subprocess.run(
        ["systemd-analyze", "verify", *map(str, units)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    complaints = [line for line in result.stderr.splitlines() if any(u.name in line for u in units)]
    assert result.returncode == 0, result.stderr
    assert complaints == []  # unknown keys are only warnings: none either


def test_the_service_is_hardened_and_keeps_its_database_in_the_state_directory() -> None:
    unit = (DEPLOY / "wishbot.service").read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and line[0] != "#"
    )
    assert settings["User"] == "wishbot"
    assert settings["StateDirectory"] == "wishbot"
    assert "WISHBOT_DB=/var/lib/wishbot/" in settings["Environment"]
    assert settings["EnvironmentFile"].startswith("/etc/wishbot/")
    for key, value in {
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "Restart": "on-failure",
    }.items():
        assert settings[key] == value, key
    assert settings["ExecStart"] == f"{INSTALL_PREFIX}/bin/wishbot run"
