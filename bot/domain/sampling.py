"""Drawing a random sample of the people a poll could ask."""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence


def draw_sample(
    candidates: Sequence[str], size: int, *, exclude: Collection[str], rng: random.Random
) -> tuple[str, ...]:
    """Draw `size` distinct eligible people (never anyone in exclude), returned sorted."""
    if size < 0:
        raise ValueError(f"sample size must not be negative, got {size}")
    excluded = set(exclude)
    # Sorting before drawing makes a seeded rng give the same sample whatever order Slack
    # listed the members in.
    eligible = sorted({candidate for candidate in candidates if candidate not in excluded})
    if size >= len(eligible):
        return tuple(eligible)
    return tuple(sorted(rng.sample(eligible, size)))


def draw_sample_preferring_new(
    candidates: Sequence[str],
    size: int,
    *,
    exclude: Collection[str],
    drawn_before: Collection[str],
    rng: random.Random,
) -> tuple[str, ...]:
    """Draw as draw_sample does, first from the people not in drawn_before (the last round of
    a recurring poll); only when they are too few are the rest drawn from those drawn before."""
    before = set(drawn_before)
    fresh = [c for c in candidates if c not in before]
    first = draw_sample(fresh, size, exclude=exclude, rng=rng)
    missing = size - len(first)
    if missing <= 0:
        return first
    again = [c for c in candidates if c in before]
    rest = draw_sample(again, missing, exclude=exclude, rng=rng)
    return tuple(sorted(first + rest))
