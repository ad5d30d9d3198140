-- People who have opened Wishbot's Home tab at least once (only they get it re-published when a
-- poll on it changes), and when it was last published to them: re-publishing waits a minute
-- after the last one, so that a burst of answers ends in one views.publish.
CREATE TABLE home_views (
    user_id       VARCHAR(32) PRIMARY KEY,
    team_id       VARCHAR(32) NOT NULL,
    opened_at     BIGINT      NOT NULL,
    published_at  BIGINT
);
