"""Settings read once from the environment and an optional .env file; the only reader of either."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from bot.domain.schedule import WorkingHours, parse_working_hours

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"
# An app distributed to many workspaces is configured with these three instead of a bot token.
OAUTH_VARIABLES = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_REDIRECT_URI")
SETUP_HINT = (
    "copy .env.example to .env and fill it in (create the app from deploy/slack-app-manifest.yml)"
)
LANGUAGES = ("en", "fi", "sv")
LOG_FORMATS = ("text", "json")
POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")
DEFAULT_DB_POOL = 10
MAX_DB_POOL = 100
DEFAULT_JOB_LEASE = timedelta(seconds=60)


class ConfigError(Exception):
    """A setting is missing or malformed; str() is the one line shown to the operator."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable} {problem}")
        self.variable = variable


class Secret:
    """A token or signing secret: usable by the code, hidden from repr, str and logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class OAuthApp:
    """The app's credentials for installing it in many workspaces with "Add to Slack"."""

    client_id: str
    client_secret: Secret
    redirect_uri: str
    authorize_url: str = DEFAULT_AUTHORIZE_URL

    @property
    def redirect_path(self) -> str:
        """Where Slack sends the browser back to: the path of the redirect URL."""
        return urlsplit(self.redirect_uri).path or "/slack/oauth_redirect"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot is configured with."""

    bot_token: Secret
    signing_secret: Secret
    app_token: Secret | None
    api_url: str
    db_path: Path
    port: int
    command: str
    language: str
    log_level: str
    log_format: str
    quiet_hours: WorkingHours | None
    retention_days: int | None
    # PostgreSQL's URL when WISHBOT_DB names one (several replicas may share it); else SQLite
    # at db_path.
    db_url: Secret | None = None
    db_pool: int = DEFAULT_DB_POOL
    job_lease: timedelta = DEFAULT_JOB_LEASE
    # PGPASSWORD, also from .env (libpq, and so asyncpg, would read it from the environment only).
    db_password: Secret | None = None
    # Many workspaces (OAuth distribution) when set; then bot_token is empty.
    oauth: OAuthApp | None = None
    # Seals the workspaces' tokens at rest (WISHBOT_SECRET_KEY, from 'wishbot keygen').
    secret_key: Secret | None = None

    @property
    def multi_workspace(self) -> bool:
        return self.oauth is not None

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @property
    def backend(self) -> str:
        return "sqlite" if self.db_url is None else "postgresql"

    def secrets(self) -> list[str]:
        """Every secret value the settings hold, for the logs to hide."""
        values = [self.bot_token.reveal(), self.signing_secret.reveal()]
        if self.app_token is not None:
            values.append(self.app_token.reveal())
        if self.db_url is not None:
            values.append(urlsplit(self.db_url.reveal()).password or "")
        if self.db_password is not None:
            values.append(self.db_password.reveal())
        if self.oauth is not None:
            values.append(self.oauth.client_secret.reveal())
        if self.secret_key is not None:
            values.extend(self.secret_key.reveal().split(","))
        return [value for value in values if value]


def read_environment(
    environ: Mapping[str, str] | None = None, env_file: Path | None = None
) -> dict[str, str]:
    """The process environment over the .env file: a variable that is set always wins."""
    env_path = env_file if env_file is not None else Path(".env")
    merged: dict[str, str] = {}
    if env_path.is_file():
        merged.update({k: v for k, v in dotenv_values(env_path).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    return merged


def load_settings(environ: Mapping[str, str], *, require_slack: bool = True) -> Settings:
    """Validate every variable; the first problem raises ConfigError naming it."""
    db_path, db_url = _database(environ)
    oauth = _oauth_app(environ)
    return Settings(
        bot_token=_token(environ, "SLACK_BOT_TOKEN", "xoxb-", require_slack and oauth is None),
        oauth=oauth,
        secret_key=_secret_key(environ, required=oauth is not None and require_slack),
        signing_secret=_signing_secret(environ, require_slack),
        app_token=_optional_token(environ, "SLACK_APP_TOKEN", "xapp-"),
        api_url=_api_url(environ),
        db_path=db_path,
        db_url=db_url,
        db_password=Secret(password) if (password := environ.get("PGPASSWORD")) else None,
        db_pool=_bounded_number(environ, "WISHBOT_DB_POOL", DEFAULT_DB_POOL, 1, MAX_DB_POOL),
        job_lease=timedelta(
            seconds=_bounded_number(
                environ, "WISHBOT_JOB_LEASE", int(DEFAULT_JOB_LEASE.total_seconds()), 5, 3600
            )
        ),
        port=_bounded_number(environ, "PORT", 3000, 0, 65535),
        command=_command(environ),
        language=_choice(environ, "WISHBOT_LANGUAGE", LANGUAGES, "en"),
        log_level=_log_level(environ),
        log_format=_choice(environ, "LOG_FORMAT", LOG_FORMATS, "text"),
        quiet_hours=_quiet_hours(environ),
        retention_days=_retention_days(environ),
    )


def _value(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name, "").strip()


def _token(environ: Mapping[str, str], name: str, prefix: str, required: bool) -> Secret:
    value = _value(environ, name)
    if not value:
        if not required:
            return Secret("")
        raise ConfigError(name, f"is not set: {SETUP_HINT}")
    if not value.startswith(prefix):
        raise ConfigError(
            name, f"must start with {prefix!r}: use the token from the app's settings"
        )
    return Secret(value)


def _optional_token(environ: Mapping[str, str], name: str, prefix: str) -> Secret | None:
    if not _value(environ, name):
        return None
    return _token(environ, name, prefix, True)


def _signing_secret(environ: Mapping[str, str], required: bool) -> Secret:
    value = _value(environ, "SLACK_SIGNING_SECRET")
    if not value:
        if required and not _value(environ, "SLACK_APP_TOKEN"):
            raise ConfigError("SLACK_SIGNING_SECRET", f"is not set: {SETUP_HINT}")
        return Secret("")
    if len(value) < 16 or any(c.isspace() for c in value):
        raise ConfigError(
            "SLACK_SIGNING_SECRET",
            "looks malformed: copy it from Basic Information > App Credentials",
        )
    return Secret(value)


def _api_url(environ: Mapping[str, str]) -> str:
    value = _value(environ, "SLACK_API_URL") or DEFAULT_API_URL
    if not value.startswith(("https://", "http://")):
        raise ConfigError("SLACK_API_URL", "must be an http(s) URL such as https://slack.com/api/")
    return value if value.endswith("/") else value + "/"


def _database(environ: Mapping[str, str]) -> tuple[Path, Secret | None]:
    """WISHBOT_DB: a SQLite file (a path or sqlite:PATH), or PostgreSQL's URL (then the path is
    the default one, unused)."""
    value = _value(environ, "WISHBOT_DB")
    default = Path("data/wishbot.sqlite3")
    if value.lower().startswith(POSTGRESQL_SCHEMES):
        return default, _postgresql_url(value)
    if value.startswith("sqlite:"):
        value = value.removeprefix("sqlite:").removeprefix("//")
        if not value:
            raise ConfigError("WISHBOT_DB", "must name a file after sqlite:, as sqlite:data/a.db")
    elif "://" in value:
        raise ConfigError(
            "WISHBOT_DB",
            "must be a file path, sqlite:PATH or a postgresql://user@host/database URL",
        )
    return Path(value) if value else default, None


def _postgresql_url(value: str) -> Secret:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number
    except ValueError:
        raise ConfigError(
            "WISHBOT_DB", "is not a valid URL: write postgresql://user:password@host:5432/wishbot"
        ) from None
    if not parts.path.strip("/") and "dbname=" not in parts.query:
        raise ConfigError(
            "WISHBOT_DB", "names no database: end the URL with one, as postgresql://host/wishbot"
        )
    return Secret(value)


def _bounded_number(
    environ: Mapping[str, str], name: str, default: int, lowest: int, highest: int
) -> int:
    raw = _value(environ, name)
    if not raw:
        return default
    if not raw.isdigit() or not lowest <= int(raw) <= highest:
        raise ConfigError(name, f"must be a whole number from {lowest} to {highest}, not {raw!r}")
    return int(raw)


def _command(environ: Mapping[str, str]) -> str:
    value = _value(environ, "WISHBOT_COMMAND") or "/wishes"
    if not value.startswith("/") or len(value) < 2 or len(value) > 32 or " " in value:
        raise ConfigError("WISHBOT_COMMAND", "must be a slash command such as /wishes")
    return value


def _choice(environ: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = (_value(environ, name) or default).lower()
    if value not in allowed:
        raise ConfigError(name, f"must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _log_level(environ: Mapping[str, str]) -> str:
    value = (_value(environ, "LOG_LEVEL") or "INFO").upper()
    if value not in logging.getLevelNamesMapping():
        raise ConfigError("LOG_LEVEL", f"must be DEBUG, INFO, WARNING or ERROR, not {value!r}")
    return value


def _quiet_hours(environ: Mapping[str, str]) -> WorkingHours | None:
    raw = _value(environ, "WISHBOT_QUIET_HOURS") or "Mon-Fri 08:00-18:00"
    try:
        return parse_working_hours(raw)
    except ValueError as error:
        raise ConfigError(
            "WISHBOT_QUIET_HOURS",
            f"is malformed ({error}): write working hours like 'Mon-Fri 08:00-18:00', or 'off'",
        ) from None


def _retention_days(environ: Mapping[str, str]) -> int | None:
    raw = _value(environ, "WISHBOT_RETENTION_DAYS")
    if not raw or raw.lower() == "off":
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(
            "WISHBOT_RETENTION_DAYS", f"must be a positive number of days or 'off', not {raw!r}"
        )
    return int(raw)


def _oauth_app(environ: Mapping[str, str]) -> OAuthApp | None:
    """The app's OAuth credentials when any of them is set: then all three must be, and no bot
    token (one install serves many workspaces, each with the token its install gave)."""
    if not any(_value(environ, name) for name in OAUTH_VARIABLES):
        return None
    if _value(environ, "SLACK_BOT_TOKEN"):
        raise ConfigError(
            "SLACK_BOT_TOKEN",
            "is set together with SLACK_CLIENT_ID: set either one workspace's bot token, or the"
            " app's client id, secret and redirect URL for many workspaces",
        )
    for name in OAUTH_VARIABLES:
        if not _value(environ, name):
            raise ConfigError(
                name,
                "is not set: many workspaces need SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and"
                " SLACK_REDIRECT_URI (Basic Information > App Credentials)",
            )
    return OAuthApp(
        client_id=_value(environ, "SLACK_CLIENT_ID"),
        client_secret=Secret(_value(environ, "SLACK_CLIENT_SECRET")),
        redirect_uri=_web_url(environ, "SLACK_REDIRECT_URI", None),
        authorize_url=_web_url(environ, "SLACK_AUTHORIZE_URL", DEFAULT_AUTHORIZE_URL),
    )


def _web_url(environ: Mapping[str, str], name: str, default: str | None) -> str:
    value = _value(environ, name) or default or ""
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ConfigError(name, f"must be an https:// URL, not {value!r}")
    return value


def _secret_key(environ: Mapping[str, str], *, required: bool) -> Secret | None:
    value = _value(environ, "WISHBOT_SECRET_KEY")
    if not value:
        if required:
            raise ConfigError(
                "WISHBOT_SECRET_KEY",
                "is not set: many workspaces keep their tokens encrypted with it;"
                " make one with 'wishbot keygen'",
            )
        return None
    from bot.storage.sealing import InvalidSecretKey, Sealer

    try:
        Sealer.from_setting(value)
    except InvalidSecretKey as error:
        raise ConfigError("WISHBOT_SECRET_KEY", str(error)) from None
    return Secret(value)
