"""Configuration: defaults, validation with a one-line error naming the variable, hidden secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import LANGUAGES, ConfigError, Secret, load_settings, read_environment
from bot.i18n import SUPPORTED_LANGUAGES

VALID = {
    "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
    "SLACK_SIGNING_SECRET": "0123456789abcdef0123",
}


def test_defaults_are_safe() -> None:
    settings = load_settings(VALID)
    assert settings.api_url == "https://slack.com/api/"
    assert settings.db_path == Path("data/wishbot.sqlite3")
    assert settings.port == 3000
    assert settings.command == "/wishes"
    assert settings.language == "en"
    assert settings.socket_mode is False
    assert settings.quiet_hours is not None
    assert settings.retention_days is None


def test_app_token_selects_socket_mode_without_signing_secret() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-A"})
    assert settings.socket_mode is True


@pytest.mark.parametrize(
    ("override", "variable"),
    [
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"PORT": "http"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"WISHBOT_COMMAND": "wishes"}, "WISHBOT_COMMAND"),
        ({"WISHBOT_LANGUAGE": "de"}, "WISHBOT_LANGUAGE"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"WISHBOT_QUIET_HOURS": "sometimes"}, "WISHBOT_QUIET_HOURS"),
        ({"WISHBOT_RETENTION_DAYS": "-3"}, "WISHBOT_RETENTION_DAYS"),
    ],
    ids=lambda v: str(v),
)
def test_bad_value_names_the_variable_in_one_line(override: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({**VALID, **override})
    message = str(raised.value)
    assert message.startswith(variable)
    assert "\n" not in message
    assert "xoxp-user-token" not in message and "xoxb-wrong" not in message


@pytest.mark.parametrize("language", ["en", "fi", "sv", "SV"])
def test_every_catalog_language_can_be_the_default(language: str) -> None:
    assert load_settings({**VALID, "WISHBOT_LANGUAGE": language}).language == language.lower()
    assert LANGUAGES == SUPPORTED_LANGUAGES


def test_an_unknown_language_is_refused_naming_the_choices() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({**VALID, "WISHBOT_LANGUAGE": "no"})
    assert str(raised.value) == "WISHBOT_LANGUAGE must be one of en, fi, sv, not 'no'"


def test_secret_never_shows_its_value() -> None:
    settings = load_settings(VALID)
    assert "xoxb-1-2-abc" not in repr(settings)
    assert "0123456789abcdef0123" not in str(settings)
    assert settings.bot_token.reveal() == "xoxb-1-2-abc"
    assert repr(Secret("xoxb-x")) == "Secret('**********')"


def test_environment_wins_over_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nWISHBOT_LANGUAGE=fi\n", encoding="utf-8")
    merged = read_environment({"PORT": "5000"}, env_file)
    assert merged["PORT"] == "5000"
    assert merged["WISHBOT_LANGUAGE"] == "fi"


def test_a_database_password_is_a_secret_wherever_it_comes_from() -> None:
    url = "postgresql://wishbot:url-pass-123@db:5432/wishbot"
    settings = load_settings({**VALID, "WISHBOT_DB": url, "PGPASSWORD": "env-pass-456"})
    assert settings.backend == "postgresql"
    assert "url-pass-123" not in repr(settings) and "env-pass-456" not in repr(settings)
    assert {"url-pass-123", "env-pass-456"} <= set(settings.secrets())  # scrubbed from the logs


MANY = {
    "SLACK_CLIENT_ID": "1234567890.0987654321",
    "SLACK_CLIENT_SECRET": "client-secret-0123456789",
    "SLACK_REDIRECT_URI": "https://wishbot.example.org/slack/oauth_redirect",
    "SLACK_SIGNING_SECRET": "0123456789abcdef0123",
}


def a_key() -> str:
    from bot.storage.sealing import generate_key

    return generate_key()


def test_client_id_secret_and_redirect_select_many_workspaces() -> None:
    key = a_key()
    settings = load_settings({**MANY, "WISHBOT_SECRET_KEY": key})
    assert settings.multi_workspace is True
    assert settings.oauth is not None
    assert settings.oauth.client_id == "1234567890.0987654321"
    assert settings.oauth.redirect_path == "/slack/oauth_redirect"
    assert settings.oauth.authorize_url == "https://slack.com/oauth/v2/authorize"
    assert settings.bot_token.reveal() == ""
    # The client secret and the sealing key are secrets: hidden from the logs, never printed.
    assert {"client-secret-0123456789", key} <= set(settings.secrets())
    assert "client-secret" not in repr(settings)
    assert key not in repr(settings)


def test_one_workspace_needs_no_key_and_is_not_many() -> None:
    settings = load_settings(VALID)
    assert settings.multi_workspace is False
    assert settings.secret_key is None


@pytest.mark.parametrize(
    ("change", "variable", "says"),
    [
        ({}, "WISHBOT_SECRET_KEY", "wishbot keygen"),
        ({"WISHBOT_SECRET_KEY": "not-a-key"}, "WISHBOT_SECRET_KEY", "WISHBOT_SECRET_KEY"),
        ({"SLACK_CLIENT_SECRET": ""}, "SLACK_CLIENT_SECRET", "SLACK_REDIRECT_URI"),
        ({"SLACK_REDIRECT_URI": ""}, "SLACK_REDIRECT_URI", "App Credentials"),
        ({"SLACK_REDIRECT_URI": "wishbot.example.org/x"}, "SLACK_REDIRECT_URI", "https://"),
        ({"SLACK_BOT_TOKEN": "xoxb-1-2"}, "SLACK_BOT_TOKEN", "either"),
    ],
)
def test_many_workspaces_misconfigured_stop_with_one_line(
    change: dict[str, str], variable: str, says: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({**MANY, **change})
    assert raised.value.variable == variable
    assert says in str(raised.value)
    assert "\n" not in str(raised.value)
    assert "not-a-key" not in str(raised.value)  # a wrong key is not echoed either
