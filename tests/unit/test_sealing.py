"""Sealing secrets at rest under WISHBOT_SECRET_KEY: one key or several (rotation), and errors
that never show a key."""

from __future__ import annotations

import pytest

from bot.storage.sealing import InvalidSecretKey, SealBroken, Sealer, generate_key

SECRET = "xoxb-1234-5678-secret"


def test_a_generated_key_seals_and_opens_text() -> None:
    sealer = Sealer.from_setting(generate_key())
    sealed = sealer.seal(SECRET)
    assert SECRET not in sealed
    assert sealer.unseal(sealed) == SECRET


def test_sealing_the_same_text_twice_gives_different_tokens() -> None:
    sealer = Sealer.from_setting(generate_key())
    assert sealer.seal(SECRET) != sealer.seal(SECRET)


def test_generated_keys_differ() -> None:
    assert generate_key() != generate_key()


def test_another_key_does_not_open_it() -> None:
    sealed = Sealer.from_setting(generate_key()).seal(SECRET)
    with pytest.raises(SealBroken, match="WISHBOT_SECRET_KEY"):
        Sealer.from_setting(generate_key()).unseal(sealed)


def test_an_altered_token_does_not_open() -> None:
    sealer = Sealer.from_setting(generate_key())
    sealed = sealer.seal(SECRET)
    altered = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
    with pytest.raises(SealBroken):
        sealer.unseal(altered)
    with pytest.raises(SealBroken):
        sealer.unseal("not a sealed token at all ✓")


def test_with_two_keys_the_first_seals_and_both_open() -> None:
    old, new = generate_key(), generate_key()
    sealed_before = Sealer.from_setting(old).seal(SECRET)
    rotated = Sealer.from_setting(f"{new}, {old}")
    assert rotated.unseal(sealed_before) == SECRET
    sealed_after = rotated.seal(SECRET)
    assert Sealer.from_setting(new).unseal(sealed_after) == SECRET
    with pytest.raises(SealBroken):
        Sealer.from_setting(old).unseal(sealed_after)


def test_reseal_moves_a_token_to_the_first_key() -> None:
    old, new = generate_key(), generate_key()
    sealed = Sealer.from_setting(old).seal(SECRET)
    resealed = Sealer.from_setting(f"{new},{old}").reseal(sealed)
    assert Sealer.from_setting(new).unseal(resealed) == SECRET


@pytest.mark.parametrize(
    "value",
    [
        "",
        " , ",
        "not-a-key",
        "c2hvcnQ=",  # base64, but 5 bytes
        generate_key()[:-2],
        generate_key() + "x",
        "é" + generate_key()[1:],
    ],
    ids=["empty", "only-commas", "words", "too-short", "cut", "too-long", "not-ascii"],
)
def test_a_malformed_setting_is_refused_in_one_line_without_the_value(value: str) -> None:
    with pytest.raises(InvalidSecretKey) as raised:
        Sealer.from_setting(value)
    message = str(raised.value)
    assert "\n" not in message
    assert "WISHBOT_SECRET_KEY" in message
    for part in value.split(","):
        if part.strip():
            assert part.strip() not in message


def test_a_malformed_second_key_is_named_by_its_place() -> None:
    good = generate_key()
    with pytest.raises(InvalidSecretKey, match="key 2 of WISHBOT_SECRET_KEY") as raised:
        Sealer.from_setting(f"{good},oops")
    assert good not in str(raised.value)


def test_repr_shows_no_key() -> None:
    key_a, key_b = generate_key(), generate_key()
    sealer = Sealer.from_setting(f"{key_a},{key_b}")
    shown = f"{sealer!r} {sealer}"
    assert key_a not in shown
    assert key_b not in shown
    assert repr(sealer) == "Sealer(2 keys)"
