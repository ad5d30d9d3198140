"""What a Slack client sends for what a person typed: `&`, `<`, `>` escaped, and @people,
@groups, @here and #channels turned into mention tokens (the app's manifest asks for
should_escape, so its slash commands get them too)."""

from __future__ import annotations

import re

from slack_emulator import SlackEmulator

_MENTION = re.compile(r"(?<![\w@#&])([@#])([\w.\-]+)")
BROADCASTS = ("here", "channel", "everyone")


def as_sent(emu: SlackEmulator, typed: str) -> str:
    """The text Slack delivers for `typed`; unknown @names and #names stay as typed."""
    escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub(lambda match: _token(emu, match.group(1), match.group(2)), escaped)


def _token(emu: SlackEmulator, sign: str, name: str) -> str:
    wanted = name.casefold()
    if sign == "#":
        for channel in emu.conversations():
            if channel.name.casefold() == wanted:
                return f"<#{channel.id}|{channel.name}>"
        return f"#{name}"
    if wanted in BROADCASTS:
        return f"<!{wanted}>"
    for user in emu.people():
        if wanted in (user.name.casefold(), user.display_name.casefold()):
            return f"<@{user.id}|{user.name}>"
    for group in emu.usergroups():
        if group.handle.casefold() == wanted:
            return f"<!subteam^{group.id}|@{group.handle}>"
    return f"@{name}"
