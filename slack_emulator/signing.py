"""Slack request signing (v0 HMAC-SHA256 over `v0:<timestamp>:<raw body>`)."""

from __future__ import annotations

import hashlib
import hmac
import time


def sign(signing_secret: str, timestamp: int | str, body: bytes | str) -> str:
    """The `X-Slack-Signature` value for a raw request body."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode("ascii") + b":" + raw
    digest = hmac.new(signing_secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    signing_secret: str, body: bytes | str, *, timestamp: int | None = None
) -> dict[str, str]:
    """X-Slack-Request-Timestamp and X-Slack-Signature headers for a body."""
    # Real time on purpose, not the emulator clock: Bolt checks the timestamp against the real
    # clock (more than 5 minutes off is refused), so a test clock moved by days must not leak here.
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(signing_secret, ts, body),
    }
