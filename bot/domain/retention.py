"""Data retention: a poll's answers and personal data are kept for a number of days after it
closed (its summary is posted by then), and purged after that."""

from __future__ import annotations

from datetime import datetime, timedelta


def retention_cutoff(now: datetime, days: int) -> datetime:
    """Polls closed before this moment are past retention."""
    if days < 1:
        raise ValueError("retention must be at least one day")
    return now - timedelta(days=days)
