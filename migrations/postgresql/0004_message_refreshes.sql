-- When a poll message was last refreshed ("N of M answered"), by whichever replica: one replica
-- at a time claims the next refresh, so that Slack's one update per message per second holds
-- across all of them. A table of its own: claiming never waits on the locks of answer writes.
CREATE TABLE message_refreshes (
    poll_id       BIGINT  PRIMARY KEY REFERENCES polls (id) ON DELETE CASCADE,
    refreshed_at  BIGINT  NOT NULL
);
