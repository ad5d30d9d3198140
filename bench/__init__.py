"""Benchmarks: Wishbot against a bare Bolt floor, on the Slack emulator (`make bench`)."""
