-- The schema of polls, the people asked, answers, reminders and the Slack messages they produced.
-- Times are epoch milliseconds (BIGINT) so that the same schema fits PostgreSQL.

CREATE TABLE polls (
    id               INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a deleted id stays unknown
    team_id          VARCHAR(32)  NOT NULL,
    channel_id       VARCHAR(32)  NOT NULL,
    organiser_id     VARCHAR(32)  NOT NULL,
    language         VARCHAR(8)   NOT NULL,
    anonymous        BOOLEAN      NOT NULL,
    audience_kind    VARCHAR(16)  NOT NULL,
    audience_users   TEXT         NOT NULL DEFAULT '',
    audience_groups  TEXT         NOT NULL DEFAULT '',
    sample_size      INTEGER,
    status           VARCHAR(16)  NOT NULL,
    opened_at        BIGINT       NOT NULL,
    closes_at        BIGINT       NOT NULL,
    remind_every_ms  BIGINT,
    message_ts       VARCHAR(32),
    closed_at        BIGINT,
    summary_started  BOOLEAN      NOT NULL DEFAULT FALSE,
    summary_done     BOOLEAN      NOT NULL DEFAULT FALSE,
    idempotency_key  VARCHAR(128) UNIQUE
);
CREATE INDEX polls_channel_status ON polls (channel_id, status);
CREATE INDEX polls_status_closes ON polls (status, closes_at);

CREATE TABLE questions (
    poll_id   INTEGER     NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position  INTEGER     NOT NULL,
    kind      VARCHAR(16) NOT NULL,
    text      TEXT        NOT NULL,
    PRIMARY KEY (poll_id, position)
);

CREATE TABLE options (
    poll_id            INTEGER NOT NULL,
    question_position  INTEGER NOT NULL,
    position           INTEGER NOT NULL,
    text               TEXT    NOT NULL,
    PRIMARY KEY (poll_id, question_position, position),
    FOREIGN KEY (poll_id, question_position) REFERENCES questions (poll_id, position) ON DELETE CASCADE
);

-- The people asked. Fixed when the poll is posted; people who join the channel of a channel-wide
-- poll while it is open are added with joined = TRUE.
CREATE TABLE poll_members (
    poll_id   INTEGER     NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    user_id   VARCHAR(32) NOT NULL,
    joined    BOOLEAN     NOT NULL DEFAULT FALSE,
    answered  BOOLEAN     NOT NULL DEFAULT FALSE,
    invited   BOOLEAN     NOT NULL DEFAULT FALSE,
    added_at  BIGINT      NOT NULL,
    PRIMARY KEY (poll_id, user_id)
);
CREATE INDEX poll_members_unanswered ON poll_members (poll_id, answered);

-- One row per respondent. respondent_id is cleared (and rows reshuffled) when an anonymous poll
-- closes, so that no answer can be linked to a person afterwards.
CREATE TABLE responses (
    id             INTEGER PRIMARY KEY,
    poll_id        INTEGER     NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    respondent_id  VARCHAR(32),
    answered_at    BIGINT,
    UNIQUE (poll_id, respondent_id)
);

CREATE TABLE answers (
    response_id        INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_position  INTEGER NOT NULL,
    option_position    INTEGER,
    rating             INTEGER,
    text               TEXT
);
CREATE INDEX answers_response ON answers (response_id);

-- A reminder round: an automatic one (auto_index k for the k-th interval) or one asked for with
-- /wishes remind. Its reminders are created together when the round starts.
CREATE TABLE reminder_rounds (
    id          INTEGER PRIMARY KEY,
    poll_id     INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    auto_index  INTEGER,
    started_at  BIGINT  NOT NULL,
    UNIQUE (poll_id, auto_index)
);

-- One reminder to one person. status: due -> sending -> sent | failed | skipped.
-- 'sending' is written before the message goes out, so a crash in between is detectable.
CREATE TABLE reminders (
    round_id       INTEGER     NOT NULL REFERENCES reminder_rounds (id) ON DELETE CASCADE,
    poll_id        INTEGER     NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    user_id        VARCHAR(32) NOT NULL,
    deliver_at     BIGINT      NOT NULL,
    status         VARCHAR(16) NOT NULL,
    attempts       INTEGER     NOT NULL DEFAULT 0,
    dm_channel_id  VARCHAR(32),
    message_ts     VARCHAR(32),
    sent_at        BIGINT,
    error          VARCHAR(200),
    PRIMARY KEY (round_id, user_id)
);
CREATE INDEX reminders_poll_status ON reminders (poll_id, status, deliver_at);
CREATE INDEX reminders_poll_user ON reminders (poll_id, user_id);

CREATE TABLE reminder_opt_outs (
    poll_id     INTEGER     NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    user_id     VARCHAR(32) NOT NULL,
    created_at  BIGINT      NOT NULL,
    PRIMARY KEY (poll_id, user_id)
);

-- Messages the bot posted for a poll besides the poll message: summary parts, sample invitations.
CREATE TABLE poll_messages (
    poll_id     INTEGER     NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    kind        VARCHAR(16) NOT NULL,
    part        INTEGER     NOT NULL,
    channel_id  VARCHAR(32) NOT NULL,
    ts          VARCHAR(32) NOT NULL,
    PRIMARY KEY (poll_id, kind, part)
);

-- The workspace's people as Slack last told us: time zone and locale for reminders and language.
CREATE TABLE slack_users (
    user_id        VARCHAR(32) PRIMARY KEY,
    tz             VARCHAR(64),
    locale         VARCHAR(16),
    is_bot         BOOLEAN     NOT NULL DEFAULT FALSE,
    deleted        BOOLEAN     NOT NULL DEFAULT FALSE,
    dm_channel_id  VARCHAR(32),
    fetched_at     BIGINT      NOT NULL
);
