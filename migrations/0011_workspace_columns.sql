-- Many workspaces from one install: every row of a workspace says whose it is. Polls, series
-- and Home tabs had their team already and gain the enterprise (Enterprise Grid; NULL outside
-- one); the people's cache and jobs gain both (a job of no workspace, the retention run, has
-- neither). Single-workspace mode leaves them as the defaults say.
ALTER TABLE polls ADD COLUMN enterprise_id VARCHAR(32);
ALTER TABLE series ADD COLUMN enterprise_id VARCHAR(32);
ALTER TABLE home_views ADD COLUMN enterprise_id VARCHAR(32);
ALTER TABLE slack_users ADD COLUMN team_id VARCHAR(32) NOT NULL DEFAULT '';
ALTER TABLE slack_users ADD COLUMN enterprise_id VARCHAR(32);
ALTER TABLE jobs ADD COLUMN team_id VARCHAR(32);
ALTER TABLE jobs ADD COLUMN enterprise_id VARCHAR(32);
ALTER TABLE jobs ADD COLUMN is_enterprise_install BOOLEAN NOT NULL DEFAULT FALSE;

-- A workspace's rows are read by team and purged by team (or, for an org-wide install, by
-- enterprise) when the app leaves it.
CREATE INDEX polls_team ON polls (team_id);
CREATE INDEX polls_enterprise ON polls (enterprise_id);
CREATE INDEX series_team ON series (team_id);
CREATE INDEX home_views_team ON home_views (team_id);
CREATE INDEX slack_users_team ON slack_users (team_id);
CREATE INDEX jobs_team ON jobs (team_id);

-- Workspaces the app was uninstalled from (or whose tokens were revoked), keyed as
-- installations are ('' for no enterprise, '' for the team of an org-wide install): purged
-- once WISHBOT_RETENTION_DAYS have passed, forgotten when the app is installed there again.
CREATE TABLE uninstalls (
    enterprise_id          VARCHAR(32) NOT NULL DEFAULT '',
    team_id                VARCHAR(32) NOT NULL DEFAULT '',
    is_enterprise_install  BOOLEAN     NOT NULL DEFAULT FALSE,
    uninstalled_at         BIGINT      NOT NULL,
    PRIMARY KEY (enterprise_id, team_id)
);
