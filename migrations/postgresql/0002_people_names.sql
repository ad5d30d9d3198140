-- People's names as Slack shows them, for the respondent column of exports.
ALTER TABLE slack_users ADD COLUMN name VARCHAR(255);
