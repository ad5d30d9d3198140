"""The Slack side: payload reading, Block Kit rendering and the listeners."""
