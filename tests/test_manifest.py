"""The app manifests in deploy/ (one workspace; distributed to many) are valid against Slack's
official manifest schema and ask for what the bot needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from bot.slack.oauth import BOT_SCOPES
from bot.slack.workflow_step_input import (
    ANONYMOUS,
    CHANNEL,
    CLOSES_IN,
    OPTIONS,
    ORGANISER,
    POLL_ID_OUTPUT,
    POLL_LINK_OUTPUT,
    QUESTION,
    REMIND_EVERY,
    START_POLL_STEP,
)

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "deploy" / "slack-app-manifest.yml"
DISTRIBUTED = ROOT / "deploy" / "slack-app-manifest-distributed.yml"
SCHEMA_DIR = ROOT.parent / "shared" / "slack"
# The official top-level schema refers to its versioned parts by URL; tests resolve them offline.
REMOTE_PARTS = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
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


@pytest.mark.parametrize("path", [MANIFEST, DISTRIBUTED], ids=["one", "distributed"])
def test_manifest_validates_against_slacks_schema(schema: dict[str, Any], path: Path) -> None:
    validator = jsonschema.Draft7Validator(schema, registry=offline_registry())
    errors = [error.message for error in validator.iter_errors(load_manifest(path))]
    assert errors == []


def test_an_install_asks_for_exactly_the_scopes_of_the_manifests() -> None:
    for path in (MANIFEST, DISTRIBUTED):
        assert set(load_manifest(path)["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)


def test_the_distributed_app_redirects_to_the_bot_and_hears_of_uninstalls() -> None:
    one, many = load_manifest(MANIFEST), load_manifest(DISTRIBUTED)
    (redirect,) = many["oauth_config"]["redirect_urls"]
    assert redirect.endswith("/slack/oauth_redirect")
    settings = many["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["token_rotation_enabled"] is True
    events = settings["event_subscriptions"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(events["bot_events"])
    assert events["request_url"] == settings["interactivity"]["request_url"]
    assert events["request_url"] == many["features"]["slash_commands"][0]["url"]
    # Otherwise the same app: features, workflow step and descriptions.
    assert many["features"]["app_home"] == one["features"]["app_home"]
    assert many["functions"] == one["functions"]
    assert many["display_information"] == one["display_information"]


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


def parameter_types(schema_dir: Path = SCHEMA_DIR) -> set[str]:
    """The parameter types Slack's schema names for functions (slack-functions.parameter)."""
    path = schema_dir / "manifest.schema.2.0.0.json"
    if not path.is_file():
        pytest.skip(f"Slack's manifest schema is not beside the checkout ({path})")
    definitions = json.loads(path.read_text(encoding="utf-8"))["definitions"]
    return set(definitions["slack-functions.parameter"]["properties"]["type"]["enum"])


def test_schema_rejects_a_step_without_a_title(schema: dict[str, Any]) -> None:
    broken = load_manifest()
    del broken["functions"][START_POLL_STEP]["title"]
    validator = jsonschema.Draft7Validator(schema, registry=offline_registry())
    assert list(validator.iter_errors(broken))


def test_the_workflow_step_is_declared_as_slack_runs_remote_steps() -> None:
    manifest = load_manifest()
    # Slack serves a step from an app's own servers only for an org-ready app with a remote
    # function runtime.
    assert manifest["settings"]["org_deploy_enabled"] is True
    assert manifest["settings"]["function_runtime"] == "remote"
    step = manifest["functions"][START_POLL_STEP]
    assert step["title"] == "Start a wishes poll"
    assert step["description"]
    known = parameter_types()
    for side in ("input_parameters", "output_parameters"):
        properties = step[side]["properties"]
        assert set(step[side].get("required", [])) <= set(properties)
        for name, parameter in properties.items():
            assert parameter["type"] in known, f"{side} {name}: {parameter['type']}"
            assert parameter["title"]
            if parameter["type"] == "array":
                assert parameter["items"]["type"] in known


def test_the_steps_inputs_and_outputs_are_the_ones_the_bot_reads() -> None:
    step = load_manifest()["functions"][START_POLL_STEP]
    inputs = step["input_parameters"]
    types = {name: p["type"] for name, p in inputs["properties"].items()}
    assert types == {
        ORGANISER: "slack#/types/user_id",
        CHANNEL: "slack#/types/channel_id",
        QUESTION: "string",
        OPTIONS: "array",
        CLOSES_IN: "string",
        ANONYMOUS: "boolean",
        REMIND_EVERY: "string",
    }
    assert inputs["properties"][OPTIONS]["items"] == {"type": "string"}
    assert set(inputs["required"]) == {ORGANISER, CHANNEL, QUESTION}
    outputs = step["output_parameters"]
    assert set(outputs["properties"]) == {POLL_ID_OUTPUT, POLL_LINK_OUTPUT}
    assert set(outputs["required"]) == {POLL_ID_OUTPUT, POLL_LINK_OUTPUT}
