"""A local playground: the real bot against the Slack emulator, with a web page to drive it."""
