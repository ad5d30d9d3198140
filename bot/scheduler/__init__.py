"""Timers: the job runner that does due work (closes, reminders, retention) through the use cases;
what is due lives in the database."""
