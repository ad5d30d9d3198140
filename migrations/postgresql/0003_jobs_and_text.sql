-- Scheduled work (closes, reminder rounds, deliveries, invitations, retention), claimed with a
-- lease: the runner that holds a job renews lease_until while it works; once a claim lapses
-- (its runner died) another runner takes the job over. The database is the only coordination.
CREATE TABLE jobs (
    job_key      VARCHAR(64)  PRIMARY KEY,
    kind         VARCHAR(16)  NOT NULL,
    poll_id      BIGINT       REFERENCES polls (id) ON DELETE CASCADE,
    due_at       BIGINT       NOT NULL,
    attempts     INTEGER      NOT NULL DEFAULT 0,
    last_error   VARCHAR(300),
    lease_owner  VARCHAR(64),
    lease_until  BIGINT
);
CREATE INDEX jobs_due ON jobs (due_at);
CREATE INDEX jobs_poll ON jobs (poll_id);

-- People's text (questions, options, free-text answers) of polls created from now on is kept in
-- Slack's own encoding (version 2: &amp; &lt; &gt; escaped, mentions as tokens). Version 1 held
-- it half-decoded; it is read through the same decoder, which turns it into version 2.
ALTER TABLE polls ADD COLUMN text_version INTEGER NOT NULL DEFAULT 1;
