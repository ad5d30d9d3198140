-- New ways to answer (dot voting, ranking, a 0-10 score), options suggested by respondents,
-- follow-up votes, outcome reports and polls about an event.

-- Dots to spread (dots) or places to fill (rank); whether respondents may suggest options.
ALTER TABLE questions ADD COLUMN size INTEGER;
ALTER TABLE questions ADD COLUMN open_suggestions BOOLEAN NOT NULL DEFAULT FALSE;

-- An option a respondent suggested; suggested_by is cleared when an anonymous poll closes.
ALTER TABLE options ADD COLUMN suggested BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE options ADD COLUMN suggested_by VARCHAR(32);

-- A ranking's place (1 for a first choice). A dot vote stores one row per dot.
ALTER TABLE answers ADD COLUMN place INTEGER;

ALTER TABLE polls ADD COLUMN follow_up_of BIGINT REFERENCES polls (id) ON DELETE SET NULL;
-- The event's start (epoch ms); without a time, midnight of its date in the organiser's zone.
ALTER TABLE polls ADD COLUMN event_at BIGINT;
ALTER TABLE polls ADD COLUMN event_has_time BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE polls ADD COLUMN outcome_reported_at BIGINT;
CREATE INDEX polls_follow_up_of ON polls (follow_up_of);
