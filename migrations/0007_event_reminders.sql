-- Polls about an event: the time zone its date is read in (the organiser's when the poll was
-- made), and the automatic reminder rounds anchored to it, as days before the event earliest
-- first ("5,3"). NULL: the rounds follow remind_every as before.
ALTER TABLE polls ADD COLUMN event_tz VARCHAR(64);
ALTER TABLE polls ADD COLUMN event_reminder_days VARCHAR(32);
