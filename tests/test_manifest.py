"""The app manifest in deploy/ is valid against Slack's official manifest schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "deploy" / "slack-app-manifest.yml"
SCHEMA_DIR = ROOT.parent / "shared" / "slack"
# The official top-level schema refers to its versioned parts by URL; tests resolve them offline.
REMOTE_PARTS = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


def load_manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    path = SCHEMA_DIR / "manifest.schema.json"
    if not path.is_file():
        pytest.skip(f"Slack's manifest schema is not beside the checkout ({path})")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def offline_registry() -> Registry[Any]:
    resources = []
    for name in ("manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json"):
        contents = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
        resources.append((REMOTE_PARTS + name, Resource.from_contents(contents)))
    return Registry().with_resources(resources)


def test_manifest_validates_against_slacks_schema(schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft7Validator(schema, registry=offline_registry())
    errors = [error.message for error in validator.iter_errors(load_manifest())]
    assert errors == []


def test_schema_rejects_a_broken_manifest(schema: dict[str, Any]) -> None:
    broken = load_manifest()
    broken["features"]["slash_commands"][0]["command"] = "wishes"  # must start with "/"
    validator = jsonschema.Draft7Validator(schema, registry=offline_registry())
    assert list(validator.iter_errors(broken))


def test_manifest_declares_what_the_features_need() -> None:
    manifest = load_manifest()
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "im:write", "users:read", "usergroups:read"} <= scopes
    assert {"channels:join", "files:write", "im:history"} <= scopes
    assert "member_joined_channel" in manifest["settings"]["event_subscriptions"]["bot_events"]
    # App Home: the Home tab is on, and opening it reaches the bot.
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/wishes"
    assert command["should_escape"] is True  # mentions arrive escaped, as the parser expects
