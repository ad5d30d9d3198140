"""Tests of drawing a random sample of the people a poll could ask."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.sampling import draw_sample

PEOPLE = ("U5", "U1", "U4", "U2", "U3")


@pytest.mark.parametrize(
    ("size", "exclude", "expected"),
    [
        pytest.param(5, (), ("U1", "U2", "U3", "U4", "U5"), id="everyone-when-size-equals"),
        pytest.param(99, (), ("U1", "U2", "U3", "U4", "U5"), id="everyone-when-size-larger"),
        pytest.param(5, ("U1",), ("U2", "U3", "U4", "U5"), id="organiser-left-out-of-everyone"),
        pytest.param(0, (), (), id="zero"),
    ],
)
def test_draw_sample_takes_everyone_eligible_when_not_enough(
    size: int, exclude: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert draw_sample(PEOPLE, size, exclude=exclude, rng=random.Random(1)) == expected


def test_draw_sample_is_sorted_and_distinct() -> None:
    sample = draw_sample(PEOPLE * 3, 3, exclude=(), rng=random.Random(7))
    assert len(set(sample)) == 3
    assert list(sample) == sorted(sample)


def test_same_seed_gives_same_sample_whatever_member_order() -> None:
    first = draw_sample(PEOPLE, 2, exclude=(), rng=random.Random(42))
    second = draw_sample(tuple(reversed(PEOPLE)), 2, exclude=(), rng=random.Random(42))
    assert first == second


def test_draw_sample_refuses_negative_size() -> None:
    with pytest.raises(ValueError, match="negative"):
        draw_sample(PEOPLE, -1, exclude=(), rng=random.Random(1))


def test_every_eligible_person_can_be_drawn() -> None:
    rng = random.Random(3)
    drawn = {person for _ in range(200) for person in draw_sample(PEOPLE, 1, exclude=(), rng=rng)}
    assert drawn == set(PEOPLE)


@given(
    candidates=st.lists(st.sampled_from([f"U{n}" for n in range(12)])),
    size=st.integers(min_value=0, max_value=15),
    seed=st.integers(),
)
def test_organiser_is_never_drawn(candidates: list[str], size: int, seed: int) -> None:
    organiser = "U0"
    sample = draw_sample(candidates, size, exclude={organiser}, rng=random.Random(seed))
    eligible = set(candidates) - {organiser}
    assert organiser not in sample
    assert set(sample) <= eligible
    assert len(sample) == min(size, len(eligible))
