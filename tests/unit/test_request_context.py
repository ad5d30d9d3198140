"""Request kinds and ids read from payloads, and the context they add to log lines."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.logs import ContextFilter, JsonFormatter, TextFormatter, request_scope
from bot.metrics import outcome_of
from bot.slack.requests import request_id, request_kind


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"command": "/wishes", "trigger_id": "1.2.a"}, "command"),
        ({"type": "block_actions", "trigger_id": "1.2.b"}, "action"),
        ({"type": "view_submission", "trigger_id": "1.2.c"}, "view"),
        ({"type": "view_closed"}, "view"),
        ({"type": "event_callback", "event_id": "Ev1"}, "event"),
        ({"type": "url_verification", "challenge": "x"}, "other"),
        ({}, "other"),
    ],
    ids=["command", "click", "submission", "view-closed", "event", "url-verification", "empty"],
)
def test_request_kind_names_the_surface(body: dict[str, Any], kind: str) -> None:
    assert request_kind(body) == kind


def test_request_id_prefers_slacks_own_ids_and_makes_one_otherwise() -> None:
    assert request_id({"event_id": "Ev42", "trigger_id": "1.2.3"}) == "Ev42"
    assert request_id({"trigger_id": "1.2.3"}) == "1.2.3"
    made = {request_id({"type": "view_closed"}) for _ in range(20)}
    assert len(made) == 20 and all(m.startswith("req-") for m in made)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(200, "ok"), (401, "rejected"), (404, "unhandled"), (400, "invalid"), (500, "error")],
    ids=["ok", "bad-signature", "no-listener", "bad-request", "crash"],
)
def test_outcome_of_an_answer_to_slack(status: int, outcome: str) -> None:
    assert outcome_of(status) == outcome


def record(**extra: object) -> logging.LogRecord:
    made = logging.LogRecord("bot.test", logging.INFO, __file__, 1, "poll %s closed", (7,), None)
    made.__dict__.update(extra)
    return made


def test_text_lines_end_with_the_poll_and_the_request() -> None:
    entry = record(poll_id=7)
    with request_scope("Ev9"):
        ContextFilter().filter(entry)
    line = TextFormatter().format(entry)
    assert line.endswith("bot.test: poll 7 closed [poll=7 request=Ev9]")
    assert "\n" not in line


def test_json_lines_carry_the_ids_only_where_there_are_some() -> None:
    plain = record()
    ContextFilter().filter(plain)  # outside any request
    assert "request_id" not in JsonFormatter().format(plain)
    assert TextFormatter().format(plain).endswith("poll 7 closed")
    with request_scope("1.2.3"):
        named = record(poll_id=7)
        ContextFilter().filter(named)
    assert '"poll_id": 7' in JsonFormatter().format(named)
    assert '"request_id": "1.2.3"' in JsonFormatter().format(named)
