"""Tests of the local playground (bot.playground)."""
