"""The pure core of Wishbot: poll model, parsing, tally and scheduling rules (no Slack, no SQL)."""
