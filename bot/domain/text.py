"""People's text, read once from Slack's encoding into one stored form and written out plainly.

Slack sends what a person typed in a message or command with `&`, `<` and `>` as `&amp;`, `&lt;`
and `&gt;`, and with mentions and links as tokens: `<@U01BOB|bob>`, `<#C01RANDOM|random>`,
`<!subteam^S01DEVS|@devs>`, `<!here>`, `<https://example.org|example>`
(https://docs.slack.dev/messaging/formatting-message-text). Wishbot stores people's text in that
same encoding, with one difference: only person and channel mentions and links stay tokens. User
groups and `@here`/`@channel`/`@everyone` become the plain words (`@devs`, `@here`), so that
showing a question again can never notify a group or the whole channel.

- decode_slack: text from a message or command (already Slack-encoded) → stored form.
- encode_typed: text typed into a modal input (Slack sends it as typed) → stored form.
- plain: stored form → what a person reads where Slack shows plain text (buttons, CSV cells).

The stored form is also valid Slack mrkdwn; bot.slack.blocks.text turns it into the mrkdwn Slack
shows. Every function here accepts any string, so text that did not come through decode_slack or
encode_typed (a catalog text, a test value) is handled safely too.
"""

from __future__ import annotations

import re
from typing import Final

_ENTITIES: Final = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
# One Slack token, or one character of text.
_TOKEN: Final = re.compile(r"<([^<>]*)>|&(?:amp|lt|gt);|[&<>]")
_USER: Final = re.compile(r"@([UW][A-Z0-9]{2,})(?:\|([^|]*))?")
_CHANNEL: Final = re.compile(r"#([CG][A-Z0-9]{2,})(?:\|([^|]*))?")
_LINK: Final = re.compile(r"((?:https?|mailto):[^|\s]+)(?:\|([^|]*))?", re.IGNORECASE)
_SPECIAL: Final = re.compile(r"!(here|channel|everyone)(?:\|[^|]*)?")
_GROUP: Final = re.compile(r"!subteam\^([A-Z0-9]+)(?:\|([^|]*))?")
_DATE: Final = re.compile(r"!date\^[^|]*\|(.*)", re.DOTALL)


def escape(text: str) -> str:
    """Plain text in the stored form: `&`, `<` and `>` as entities, nothing else special."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo escape (a lone `&` that starts no entity stays as it is)."""
    return re.sub(r"&(?:amp|lt|gt);", lambda match: _ENTITIES[match[0]], text)


def encode_typed(typed: str) -> str:
    """Text exactly as typed into a modal (plain_text_input), in the stored form."""
    return escape(typed)


def decode_slack(encoded: str) -> str:
    """Text as Slack sends it in a message or command, in the stored form."""
    if _is_plain(encoded):
        return encoded  # most answers: nothing to look at (summaries decode thousands)
    return _TOKEN.sub(_normalise_token, encoded)


def _is_plain(text: str) -> bool:
    """No token, and every & starts one of the three entities: already in the stored form."""
    if "<" in text or ">" in text:
        return False
    ampersands = text.count("&")
    return ampersands == 0 or ampersands == sum(text.count(e) for e in _ENTITIES)


def _normalise_token(match: re.Match[str]) -> str:
    whole = match[0]
    if whole in _ENTITIES:
        return whole
    if match[1] is None:  # a bare &, < or > (Slack never sends one, a typed form may)
        return escape(whole)
    inner = match[1]
    if _USER.fullmatch(inner) or _CHANNEL.fullmatch(inner) or _LINK.fullmatch(inner):
        return whole
    if special := _SPECIAL.fullmatch(inner):
        return "@" + special[1]
    if group := _GROUP.fullmatch(inner):
        label = unescape(group[2] or "") or "@" + group[1]
        return escape(label if label.startswith("@") else "@" + label)
    if date := _DATE.fullmatch(inner):
        return escape(unescape(date[1]))
    return escape(whole)


def plain(stored: str) -> str:
    """What a person reads where Slack shows text literally: `@bob`, `#random`, `&`."""
    if "<" not in stored and "&" not in stored:
        return stored
    return "".join(_plain_piece(match) for match in _pieces(decode_slack(stored)))


def _pieces(text: str) -> list[re.Match[str] | str]:
    pieces: list[re.Match[str] | str] = []
    position = 0
    for match in re.finditer(r"<([^<>]*)>", text):
        if match.start() > position:
            pieces.append(text[position : match.start()])
        pieces.append(match)
        position = match.end()
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def _plain_piece(piece: re.Match[str] | str) -> str:
    if isinstance(piece, str):
        return unescape(piece)
    inner = piece[1]
    if user := _USER.fullmatch(inner):
        return "@" + unescape(user[2] or user[1]).lstrip("@")
    if channel := _CHANNEL.fullmatch(inner):
        return "#" + unescape(channel[2] or channel[1]).lstrip("#")
    if link := _LINK.fullmatch(inner):
        return unescape(link[2] or link[1])
    return unescape(piece[0])


def mentioned_people(stored: str) -> tuple[str, ...]:
    """The user ids of the people a text mentions, in order, once each."""
    found = [match[1] for match in re.finditer(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>", stored)]
    return tuple(dict.fromkeys(found))
