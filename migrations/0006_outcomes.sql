-- You said, we did: the organiser's decisions on a closed poll's items, the outcome report in
-- the summary's thread, and its DM to everyone asked. Everything goes with its poll.

-- The items the outcome form listed (options in the result's order, or grouped wishes), with
-- the support each had and the decision: status done | planned | not_now, or NULL (none yet).
CREATE TABLE outcome_items (
    poll_id    INTEGER     NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position   INTEGER     NOT NULL,
    text       TEXT        NOT NULL,
    full_text  TEXT        NOT NULL,
    support    INTEGER,
    unit       VARCHAR(16) NOT NULL,
    status     VARCHAR(16),
    note       TEXT,
    PRIMARY KEY (poll_id, position)
);

-- One report per poll. revision counts the organiser's submissions, published_revision the
-- one the thread reply shows; reply_started is set before the reply is first posted, so that a
-- crash in between is looked up in the thread rather than posted again.
CREATE TABLE outcome_reports (
    poll_id             INTEGER     PRIMARY KEY REFERENCES polls (id) ON DELETE CASCADE,
    revision            INTEGER     NOT NULL,
    published_revision  INTEGER     NOT NULL DEFAULT 0,
    rounds              INTEGER     NOT NULL DEFAULT 0,
    reply_started       BOOLEAN     NOT NULL DEFAULT FALSE,
    channel_id          VARCHAR(32),
    ts                  VARCHAR(32),
    recorded_at         BIGINT      NOT NULL
);

-- One DM of the report to one person asked, per round ("Tell everyone again" starts another).
-- status: due -> sending -> sent | failed, as reminders: 'sending' is written before the post.
CREATE TABLE outcome_deliveries (
    poll_id        INTEGER     NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    round_no       INTEGER     NOT NULL,
    user_id        VARCHAR(32) NOT NULL,
    status         VARCHAR(16) NOT NULL,
    created_at     BIGINT      NOT NULL,
    dm_channel_id  VARCHAR(32),
    message_ts     VARCHAR(32),
    sent_at        BIGINT,
    error          VARCHAR(200),
    PRIMARY KEY (poll_id, round_no, user_id)
);
CREATE INDEX outcome_deliveries_status ON outcome_deliveries (poll_id, status);
