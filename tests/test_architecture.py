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
# Besides the standard library, all the use cases may import (an allow-list: a new adapter or
# library cannot slip in unlisted).
USE_CASES_MAY_IMPORT = ("bot.services", "bot.domain", "bot.i18n")
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


def package_of(path: Path) -> str:
    """The package a file's relative imports start from."""
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imports_of(path: Path) -> set[str]:
    return imports_in(path.read_text(encoding="utf-8"), package_of(path))


def imports_in(source: str, package: str) -> set[str]:
    """Every module the source imports, anywhere in it (in functions and TYPE_CHECKING blocks
    too), relative imports resolved against package."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
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


def arrows_out_of(ring: str, modules: dict[str, set[str]]) -> list[str]:
    """The imports of the ring's modules that point at what the ring must not import."""
    return sorted(
        f"{module} imports {target}"
        for module, targets in modules.items()
        if _within(module, ring)
        for target in targets
        for forbidden in FORBIDDEN[ring]
        if _within(target, forbidden)
    )


def beyond(ring: str, allowed: tuple[str, ...], modules: dict[str, set[str]]) -> list[str]:
    """The ring's imports of anything but the standard library and the allowed packages."""
    return sorted(
        f"{module} imports {target}"
        for module, targets in modules.items()
        if _within(module, ring)
        for target in targets
        if not any(_within(target, inner) for inner in allowed)
        and target.split(".")[0] not in sys.stdlib_module_names
        and target != "__future__"
        and not target.startswith("__future__.")
    )


def outside_the_standard_library(modules: dict[str, set[str]]) -> list[str]:
    """The domain's imports of anything but itself and the standard library."""
    return beyond("bot.domain", ("bot.domain",), modules)


def slack_codes_compared(source: str) -> list[int]:
    """Lines that compare or match an error's .code: the use cases catch the port's exception
    types, the adapter alone knows Slack's error strings."""

    def is_code(node: ast.expr) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "code"

    found: list[int] = []
    for node in ast.walk(ast.parse(source)):
        compared = isinstance(node, ast.Compare) and any(
            is_code(side) for side in (node.left, *node.comparators)
        )
        if compared or (isinstance(node, ast.Match) and is_code(node.subject)):
            found.append(getattr(node, "lineno", 0))
    return sorted(found)


@pytest.mark.parametrize("ring", sorted(FORBIDDEN))
def test_no_import_points_back_out_of_its_ring(ring: str) -> None:
    assert arrows_out_of(ring, MODULES) == []


def test_the_domain_imports_only_the_standard_library() -> None:
    assert outside_the_standard_library(MODULES) == []


def test_the_use_cases_import_only_the_domain_the_catalogs_and_their_own_ports() -> None:
    assert beyond("bot.services", USE_CASES_MAY_IMPORT, MODULES) == []


def test_the_use_cases_match_no_slack_error_code() -> None:
    """A use case tells Slack's failures apart by the port's exception types (ChannelNotFound,
    MessageNotFound, ...), never by Slack's error strings."""
    wrong = {
        module_name(path): lines
        for path in sorted((BOT / "services").rglob("*.py"))
        if (lines := slack_codes_compared(path.read_text(encoding="utf-8")))
    }
    assert wrong == {}


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


# A use case written the wrong way round: each kind of import the walk has to see.
_BACKWARDS = """
from __future__ import annotations
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from bot.storage.repository import Repository
from ..slack import ids


async def close(poll_id: int) -> None:
    import slack_sdk
    from bot.scheduler.runner import JobRunner
    try:
        pass
    except Exception as error:
        if error.code == "message_not_found":
            raise
        match error.code:
            case "not_in_channel":
                pass
"""


def test_the_checks_catch_arrows_pointing_back() -> None:
    """Imports inside functions and TYPE_CHECKING blocks, relative ones and a matched Slack code
    in a use case all fail the checks above (else a passing run proves nothing)."""
    modules = {"bot.services.closing": imports_in(_BACKWARDS, "bot.services")}
    assert arrows_out_of("bot.services", modules) == [
        "bot.services.closing imports bot.scheduler.runner",
        "bot.services.closing imports bot.scheduler.runner.JobRunner",
        "bot.services.closing imports bot.slack",
        "bot.services.closing imports bot.slack.ids",
        "bot.services.closing imports bot.storage.repository",
        "bot.services.closing imports bot.storage.repository.Repository",
        "bot.services.closing imports slack_sdk",
    ]
    assert beyond("bot.services", USE_CASES_MAY_IMPORT, modules) == [
        "bot.services.closing imports bot.scheduler.runner",
        "bot.services.closing imports bot.scheduler.runner.JobRunner",
        "bot.services.closing imports bot.slack",
        "bot.services.closing imports bot.slack.ids",
        "bot.services.closing imports bot.storage.repository",
        "bot.services.closing imports bot.storage.repository.Repository",
        "bot.services.closing imports slack_sdk",
    ]
    assert slack_codes_compared(_BACKWARDS) == [15, 17]
    domain = {"bot.domain.tally": imports_in("import json\nfrom aiohttp import web", "bot.domain")}
    assert outside_the_standard_library(domain) == [
        "bot.domain.tally imports aiohttp",
        "bot.domain.tally imports aiohttp.web",
    ]


# Listeners that answer their failures another way than guarded's message to the person.
UNGUARDED = {
    # A workflow step ends every failure in functions.completeError: the run shows the reason.
    "handle_workflow_step_start_poll",
}
_SURFACES = {"action", "view", "command", "event", "function", "shortcut", "options"}


def registered_listeners(source: str) -> dict[str, bool]:
    """Each function registered with Bolt (app.action(...)(fn) and the like) in the source, and
    whether it is decorated with guarded."""
    tree = ast.parse(source)
    guarded = {
        node.name: any(isinstance(d, ast.Name) and d.id == "guarded" for d in node.decorator_list)
        for node in ast.walk(tree)
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
    }
    found: dict[str, bool] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Call)
            and isinstance(node.func.func, ast.Attribute)
            and node.func.func.attr in _SURFACES
            and node.args
            and isinstance(node.args[0], ast.Name)
        ):
            name = node.args[0].id
            found[name] = guarded.get(name, False)
    return found


def test_every_listener_ends_a_known_failure_in_a_message() -> None:
    """Each listener Bolt calls is guarded (PollError, a failed Slack call, the database out of
    reach become a polite reply), but for the ones named in UNGUARDED."""
    listeners = {
        name: is_guarded
        for path in sorted((BOT / "slack" / "listeners").glob("*.py"))
        for name, is_guarded in registered_listeners(path.read_text(encoding="utf-8")).items()
    }
    assert len(listeners) >= 25  # the walk finds them (else this proves nothing)
    assert sorted(name for name, ok in listeners.items() if not ok) == sorted(UNGUARDED)


def test_the_listener_check_sees_an_unguarded_handler() -> None:
    source = """
def register(app, uses):
    @guarded
    async def handle_close_button(ack, reply): ...

    async def handle_vote_button(ack, reply): ...

    app.action("poll.close")(handle_close_button)
    app.action("poll.vote")(handle_vote_button)
"""
    assert registered_listeners(source) == {
        "handle_close_button": True,
        "handle_vote_button": False,
    }
