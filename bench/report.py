"""The results table (medians over runs) and the JSON file in bench/results/."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
    }


def dig(run: dict[str, Any], path: str) -> Any:
    value: Any = run
    for key in path.split("."):
        value = value[key]
    return value


def median_of(runs: list[dict[str, Any]], path: str) -> float:
    values = [float(dig(r, path)) for r in runs if dig(r, path) is not None]
    return statistics.median(values) if values else math.nan


# (label, path, unit, target check or None)
ROWS: list[tuple[str, str, str, str | None]] = [
    ("ready after start", "ready_seconds", "s", "<= 1.5"),
    ("1 /wishes new: bot p50", "slash.bot.p50", "ms", None),
    ("1 /wishes new: floor p50", "slash.floor.p50", "ms", None),
    ("1 /wishes new: bot p99", "slash.bot.p99", "ms", None),
    ("1 /wishes new: floor p99", "slash.floor.p99", "ms", None),
    ("1 ratio p50 bot/floor", "slash.ratio.p50", "x", "<= 1.3"),
    ("1 ratio p95 bot/floor", "slash.ratio.p95", "x", None),
    ("1 ratio p99 bot/floor", "slash.ratio.p99", "x", "<= 1.3"),
    ("2 button: bot p50", "buttons.bot.p50", "ms", None),
    ("2 button: floor p50", "buttons.floor.p50", "ms", None),
    ("2 button: bot p99", "buttons.bot.p99", "ms", None),
    ("2 button: floor p99", "buttons.floor.p99", "ms", None),
    ("2 ratio p50 bot/floor", "buttons.ratio.p50", "x", "<= 1.3"),
    ("2 ratio p95 bot/floor", "buttons.ratio.p95", "x", None),
    ("2 ratio p99 bot/floor", "buttons.ratio.p99", "x", "<= 1.3"),
    ("2 answers stored", "buttons.answers_stored", "", "== answers"),
    ("2 chat.update calls", "buttons.chat_update_calls", "", None),
    ("2 chat.update max per second", "buttons.chat_update_max_per_second", "", "<= 1"),
    ("3 tally + render", "summary.tally_render_ms", "ms", "< 50"),
    ("3 (load from SQLite)", "summary.load_ms", "ms", None),
    ("3 Slack calls to close + post", "summary.slack_calls", "", None),
    ("3 summary messages", "summary.messages", "", None),
    ("4 round duration", "round.seconds", "s", None),
    ("4 optimum (posting limit)", "round.optimum_seconds", "s", None),
    ("4 % of optimum", "round.percent_of_optimum", "%", ">= 90"),
    ("4 lost", "round.lost", "", "== 0"),
    ("4 duplicates", "round.duplicates", "", "== 0"),
    ("4 /wishes list during round: bot p50", "round.bot.p50", "ms", None),
    ("4 /wishes list during round: floor p50", "round.floor.p50", "ms", None),
    ("4 ratio p50 bot/floor", "round.ratio.p50", "x", "<= 1.3"),
    ("4 ratio p99 bot/floor", "round.ratio.p99", "x", "<= 1.3"),
    ("5 peak RSS after 2", "buttons.rss.VmHWM", "MB", "< 120"),
    ("5 peak RSS after 4", "round.rss.VmHWM", "MB", "< 120"),
    ("6 many workspaces: rounds done after", "workspaces.seconds", "s", None),
    ("6 optimum (bare client, same posts)", "workspaces.optimum_seconds", "s", None),
    ("6 % of optimum", "workspaces.percent_of_optimum", "%", ">= 90"),
    ("6 % of Slack's pace (300/min, no burst)", "workspaces.percent_of_steady_rate", "%", None),
    ("6 lost", "workspaces.lost", "", "== 0"),
    ("6 duplicates", "workspaces.duplicates", "", "== 0"),
    ("6 429s met by the bot", "workspaces.rate_limited", "", None),
    ("6 peak RSS of a replica serving them", "workspaces.rss.VmHWM", "MB", None),
]


def _check(value: float, target: str | None, answers: int) -> str:
    if target is None or math.isnan(value):
        return ""
    op, _, bound_text = target.partition(" ")
    bound = float(answers) if bound_text == "answers" else float(bound_text)
    ok = {
        "<=": value <= bound,
        "<": value < bound,
        ">=": value >= bound,
        "==": value == bound,
    }[op]
    return "ok" if ok else "MISS"


def table(runs: list[dict[str, Any]], answers: int) -> str:
    """Medians over runs; ratios are per run (pair by pair), then the median of those."""
    lines = [f"{'figure':<42} {'median':>10} {'runs':<28} {'target':<12} ", "-" * 100]
    for label, path, unit, target in ROWS:
        scale = 1 / 1024 if unit == "MB" else 1.0
        try:
            values = [float(dig(r, path)) * scale for r in runs]
        except (KeyError, TypeError):
            continue
        value = statistics.median(values)
        each = " ".join(f"{v:.3g}" for v in values)
        shown_target = (target or "").replace("answers", str(answers))
        verdict = _check(value, target, answers)
        lines.append(f"{label:<42} {value:>9.3g}{unit:<2} {each:<28} {shown_target:<9} {verdict}")
    return "\n".join(lines)


def write_json(runs: list[dict[str, Any]], options: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"bench-{stamp}.json"
    path.write_text(
        json.dumps({"machine": machine(), "options": options, "runs": runs}, indent=2, default=str)
    )
    return path
