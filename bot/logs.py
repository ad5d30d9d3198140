"""Logging: one line per event, text or JSON, with any secret the bot knows scrubbed out and the
poll id and Slack request id attached where there is one."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

TOKEN_PATTERN = re.compile(r"\bx(?:ox[abposr]|app)-[A-Za-z0-9-]+")
REDACTED = "[redacted]"
CONTEXT_FIELDS = ("poll_id", "request_id")

# The Slack request being handled. Set where a request comes in; asyncio copies it into every
# task started from there, so work done after the ack still logs the request it belongs to.
REQUEST_ID: ContextVar[str | None] = ContextVar("wishbot_request_id", default=None)


@contextmanager
def request_scope(request_id: str) -> Iterator[None]:
    """Log records made inside (and in tasks started inside) carry this request id."""
    token = REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)


class ContextFilter(logging.Filter):
    """Adds the current request id to records that do not name one themselves."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = REQUEST_ID.get()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


class SecretFilter(logging.Filter):
    """Replaces tokens (by shape) and the configured secrets (by value) in every record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

    def scrub(self, text: str) -> str:
        text = TOKEN_PATTERN.sub(REDACTED, text)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in CONTEXT_FIELDS:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A human-readable line; the poll and request it concerns, if any, at its end."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        context = [
            f"{key[:-3]}={getattr(record, key)}" for key in CONTEXT_FIELDS if hasattr(record, key)
        ]
        return f"{line} [{' '.join(context)}]" if context else line


def configure_logging(level: str, log_format: str, secrets: Iterable[str]) -> None:
    """Send every log record through the secret and context filters to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(SecretFilter(secrets))
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # At DEBUG the SDK logs whole request bodies and aiosqlite every statement with its
    # parameters (answer texts among them): keep them quieter than the bot itself.
    for noisy in ("slack_sdk", "slack_bolt", "aiohttp.access", "aiosqlite"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.INFO))
