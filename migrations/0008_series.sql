-- Recurring polls: a series keeps the draft every occurrence is made of (JSON: questions,
-- organiser's options, anonymity, duration, reminders, the audience rule), how often it starts
-- again, and where its schedule is. Occurrence n starts n weeks (2 weeks, months) after
-- first_start_at in the zone tz; next_number is the first not started yet. The job
-- "series:<id>" is due at next_start_at. Each occurrence is an ordinary poll with series_id set.
CREATE TABLE series (
    id               INTEGER      PRIMARY KEY AUTOINCREMENT, -- never reused
    team_id          VARCHAR(32)  NOT NULL,
    channel_id       VARCHAR(32)  NOT NULL,
    organiser_id     VARCHAR(32)  NOT NULL,
    draft            TEXT         NOT NULL,
    every            VARCHAR(16)  NOT NULL,
    tz               VARCHAR(64)  NOT NULL,
    first_start_at   BIGINT       NOT NULL,
    next_number      INTEGER      NOT NULL,
    next_start_at    BIGINT       NOT NULL,
    stopped_at       BIGINT,
    last_poll_id     INTEGER,
    -- The form submission that made it: Slack's retry of it makes no second series.
    idempotency_key  VARCHAR(128)
);
CREATE UNIQUE INDEX series_idempotency ON series (idempotency_key);
CREATE INDEX series_organiser ON series (organiser_id);
CREATE INDEX series_channel ON series (channel_id);
ALTER TABLE polls ADD COLUMN series_id INTEGER REFERENCES series (id) ON DELETE SET NULL;
CREATE INDEX polls_series ON polls (series_id);
