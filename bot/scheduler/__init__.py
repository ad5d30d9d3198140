"""APScheduler jobs that close polls and start reminder rounds, rebuilt from the database."""
