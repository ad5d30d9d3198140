"""Use cases: create, answer, close, remind — called by the Slack listeners and the scheduler."""
