"""`make bench`: run the scenarios against the bot and the floor, print medians, save JSON."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
import time
from typing import Any

from bench import scenarios, workspaces
from bench.harness import Sizes, build_world
from bench.report import machine, table, write_json

QUICK = Sizes(
    commands=60,
    answers=200,
    audience=2000,
    summary_answers=2000,
    round_people=400,
    window_scale=1 / 30,
    workspaces=5,
    workspace_people=50,
)
SCENARIOS = {
    "slash": scenarios.slash_commands,
    "buttons": scenarios.button_answers,
    "summary": scenarios.summary,
    "round": scenarios.reminder_round,
}
# Scenarios with a world of their own: many workspaces from one install (issue #14).
OWN_WORLD = {"workspaces": workspaces.measure}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="independent runs (default 3)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument(
        "--only",
        choices=sorted({**SCENARIOS, **OWN_WORLD}),
        action="append",
        help="run only these scenarios",
    )
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the bot's database (postgresql: a throwaway server of its own)",
    )
    parser.add_argument(
        "--replicas", type=int, default=1, help="bot replicas behind a round-robin (PostgreSQL)"
    )
    parser.add_argument(
        "--window-scale",
        type=float,
        help="rate-window multiplier for the reminder round (default 1/6: a minute is 10 s)",
    )
    parser.add_argument(
        "--workspaces", type=int, help="workspaces of the many-workspace round (default 50)"
    )
    parser.add_argument(
        "--workspace-people", type=int, help="people per workspace in that round (default 200)"
    )
    return parser.parse_args(argv)


async def one_run(sizes: Sizes, only: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if any(name in SCENARIOS for name in only):
        result = await single_workspace(sizes, only)
    for name, measure in OWN_WORLD.items():
        if name in only:
            started = time.perf_counter()
            result[name] = await measure(sizes)
            print(f"  {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return result


async def single_workspace(sizes: Sizes, only: list[str]) -> dict[str, Any]:
    world = await build_world(sizes)
    result: dict[str, Any] = {"ready_seconds": world.bot.ready_seconds}
    result["floor_ready_seconds"] = world.floor.ready_seconds
    try:
        for name, scenario in SCENARIOS.items():
            if name not in only:
                continue
            started = time.perf_counter()
            result[name] = await scenario(world)
            print(f"  {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    finally:
        await world.close()
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING)
    sizes = dataclasses.replace(QUICK) if args.quick else Sizes()
    if args.window_scale:
        sizes.window_scale = args.window_scale
    if args.replicas > 1 and args.backend != "postgresql":
        print("python -m bench: several replicas need --backend postgresql", file=sys.stderr)
        return 2
    sizes.backend, sizes.replicas = args.backend, args.replicas
    sizes.workspaces = args.workspaces or sizes.workspaces
    sizes.workspace_people = args.workspace_people or sizes.workspace_people
    only = args.only or [*SCENARIOS, *OWN_WORLD]
    print(f"machine: {machine()}", file=sys.stderr)
    runs = []
    for index in range(args.runs):
        print(f"run {index + 1} of {args.runs}", file=sys.stderr)
        runs.append(asyncio.run(one_run(sizes, only)))
    path = write_json(runs, {**dataclasses.asdict(sizes), "runs": args.runs, "only": only})
    print(table(runs, sizes.answers))
    print(f"\n{len(runs)} runs; ratios are taken within each run, then the median. JSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
