"""Secrets at rest: what Wishbot stores sealed (installations, their tokens) is Fernet
(AES-128-CBC with an HMAC-SHA256, authenticated) under WISHBOT_SECRET_KEY.

The setting may hold several keys separated by commas: the first seals, every one opens. An
operator rotates the key by putting a new one in front, and drops the old one once everything
sealed under it has been sealed again (`Sealer.reseal`)."""

from __future__ import annotations

import base64
import binascii

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class InvalidSecretKey(Exception):
    """WISHBOT_SECRET_KEY is not a list of keys made by `wishbot keygen` (the message never
    shows the value)."""


class SealBroken(Exception):
    """What is stored does not open with the keys given: another key sealed it, or it was
    altered."""

    def __init__(
        self,
        reason: str = "the key does not open what is stored (sealed under another key: wrong"
        " WISHBOT_SECRET_KEY?)",
    ) -> None:
        super().__init__(reason)


def generate_key() -> str:
    """A new random key, as WISHBOT_SECRET_KEY holds it (44 url-safe base64 characters)."""
    return Fernet.generate_key().decode("ascii")


class Sealer:
    """Seals text with the first key, opens it with any of them. Its repr shows how many keys
    it holds, never one of them."""

    __slots__ = ("_count", "_fernet")

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise InvalidSecretKey("WISHBOT_SECRET_KEY holds no key: make one with wishbot keygen")
        fernets = [_fernet(key, position, len(keys)) for position, key in enumerate(keys, 1)]
        self._fernet = MultiFernet(fernets)
        self._count = len(keys)

    @classmethod
    def from_setting(cls, value: str) -> Sealer:
        """The keys of WISHBOT_SECRET_KEY: one, or several separated by commas (the first
        seals); blanks around them are ignored."""
        return cls([key.strip() for key in value.split(",") if key.strip()])

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def unseal(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise SealBroken() from None

    def reseal(self, token: str) -> str:
        """The same text sealed under the first key (for retiring an old one)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise SealBroken() from None

    def __repr__(self) -> str:
        return f"Sealer({self._count} key{'s' if self._count != 1 else ''})"


def _fernet(key: str, position: int, count: int) -> Fernet:
    try:
        # Checked first so that no error raised here carries the value (an encoding error would).
        if not key.isascii():
            raise ValueError
        raw = key.encode("ascii")
        # Fernet alone forgives characters past the key's 44; a key typed wrong is refused.
        if base64.urlsafe_b64encode(base64.urlsafe_b64decode(raw)) != raw:
            raise ValueError
        return Fernet(raw)
    except (ValueError, binascii.Error):
        which = "WISHBOT_SECRET_KEY" if count == 1 else f"key {position} of WISHBOT_SECRET_KEY"
        raise InvalidSecretKey(
            f"{which} is not a key made by wishbot keygen (32 bytes in url-safe base64)"
        ) from None
