"""What tests that start processes (the bot, a database server) need: a clean environment and
a free local port."""

from __future__ import annotations

import contextlib
import os
import socket


def bare_environ() -> dict[str, str]:
    """This process's environment without any Slack or Wishbot setting of the machine's own."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WISHBOT_"))}


def free_port() -> int:
    """A local port nothing listens on right now."""
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
