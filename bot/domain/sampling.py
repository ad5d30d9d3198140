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
