"""The rings of bot/ import one way: the Slack edge and the adapters inward, the use cases only
the domain and their own ports, the domain only the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"

# What each ring must never import (a prefix matches the package and everything in it).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "bot.services": (
        "bot.slack",
        "bot.storage",
        "bot.scheduler",
        "bot.app",
        "bot.web",
        "bot.clock",
        "bot.config",
        "slack_bolt",
        "slack_sdk",
        "aiosqlite",
        "aiohttp",
    ),
    "bot.storage": ("bot.slack", "bot.scheduler", "bot.app", "bot.web", "slack_bolt", "slack_sdk"),
    "bot.scheduler": ("bot.slack", "bot.app", "bot.web"),
    "bot.slack": ("bot.storage", "bot.scheduler", "bot.app"),
    "bot.i18n": ("bot.services", "bot.slack", "bot.storage", "bot.scheduler", "bot.app"),
}
# Only the command line may start the composition root (and the playground, which runs the bot
# against the emulator); no other production code needs the emulator or the playground; the
# PostgreSQL driver stays behind the storage port, in the one module that adapts it.
NOBODY_BUT: dict[str, tuple[str, ...]] = {
    "bot.app": ("bot.__main__", "bot.cli", "bot.playground"),
    "slack_emulator": ("bot.playground",),
    "bot.playground": ("bot.__main__",),
    "asyncpg": ("bot.storage.postgres",),
}


def module_name(path: Path) -> str:
    relative = path.relative_to(BOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved, TYPE_CHECKING ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent / "x")
    package = package.rpartition(".")[0] if path.name != "__init__.py" else package
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(path): imports_of(path) for path in sorted(BOT.rglob("*.py"))}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("ring", sorted(FORBIDDEN))
def test_no_import_points_back_out_of_its_ring(ring: str) -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in MODULES.items()
        if _within(module, ring)
        for target in targets
        for forbidden in FORBIDDEN[ring]
        if _within(target, forbidden)
    )
    assert wrong == []


def test_the_domain_imports_only_the_standard_library() -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in MODULES.items()
        if _within(module, "bot.domain")
        for target in targets
        if not _within(target, "bot.domain")
        and target.split(".")[0] not in sys.stdlib_module_names
        and target != "__future__"
        and not target.startswith("__future__.")
    )
    assert wrong == []


@pytest.mark.parametrize("guarded", sorted(NOBODY_BUT))
def test_guarded_modules_are_imported_only_where_allowed(guarded: str) -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in MODULES.items()
        if not any(_within(module, allowed) for allowed in NOBODY_BUT[guarded])
        and not _within(module, guarded)
        for target in targets
        if _within(target, guarded)
    )
    assert wrong == []


def test_the_walk_sees_the_rings() -> None:
    """The walk itself finds the modules and their imports (else the tests above prove nothing)."""
    assert "bot.services.closing" in MODULES
    assert "bot.services.ports" in MODULES["bot.services.closing"]
    assert "bot.domain.model" in MODULES["bot.domain.tally"]
    assert "bot.slack.replies" in MODULES["bot.slack.listeners.actions"]
    assert "slack_emulator" in MODULES["bot.playground.world"]
