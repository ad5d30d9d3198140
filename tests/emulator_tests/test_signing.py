"""The driver signs requests exactly like Slack (golden vector from Slack's docs)."""

from __future__ import annotations

from slack_sdk.signature import SignatureVerifier

from slack_emulator import sign, signed_headers

GOLDEN_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
GOLDEN_TS = 1531420618
GOLDEN_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibI"
    "GlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
GOLDEN_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_sign_matches_slack_golden_vector() -> None:
    assert sign(GOLDEN_SECRET, GOLDEN_TS, GOLDEN_BODY) == GOLDEN_SIGNATURE
    assert sign(GOLDEN_SECRET, str(GOLDEN_TS), GOLDEN_BODY.encode()) == GOLDEN_SIGNATURE


def test_signed_headers_are_accepted_by_slack_sdk_verifier() -> None:
    body = b'{"type":"event_callback"}'
    headers = signed_headers("s3cret", body)
    assert SignatureVerifier("s3cret").is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
