"""Wishbot: ask a few customers what they wish for, in Slack, before you build."""

__version__ = "0.1.0"
