-- Installations of the app (multi-workspace mode), keyed as Bolt keys them: (enterprise, team),
-- '' for what is absent, so that an org-wide install of Enterprise Grid is (enterprise, '') and
-- a workspace outside Grid is ('', team). Only the key and the times are in the clear; the rest
-- of the installation (tokens, refresh tokens, names, the installer) is sealed JSON, which
-- nobody reads without WISHBOT_SECRET_KEY (bot.storage.sealing).
CREATE TABLE installations (
    enterprise_id          VARCHAR(32) NOT NULL DEFAULT '',
    team_id                VARCHAR(32) NOT NULL DEFAULT '',
    is_enterprise_install  BOOLEAN     NOT NULL,
    installed_at           BIGINT      NOT NULL,
    bot_token_expires_at   BIGINT,
    sealed                 TEXT        NOT NULL,
    PRIMARY KEY (enterprise_id, team_id)
);
-- OAuth states handed out with "Add to Slack": each is good once, until it expires.
CREATE TABLE oauth_states (
    state       VARCHAR(128) PRIMARY KEY,
    expires_at  BIGINT       NOT NULL
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);
