"""Block Kit and mrkdwn as HTML, the way one person's client shows them. Everything that came from
the bot or from people is escaped; only the markup made here is HTML."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from slack_emulator import SlackEmulator
from slack_emulator.interaction import action_id, block_id, text_of
from slack_emulator.mrkdwn import DateToken, Link, Piece, Text, parse

JsonDict = dict[str, Any]
# Marks a rendered token inside the escaped text while the formatting marks are applied, so that
# an underscore in a link or a name cannot turn into italics. Private-use characters: never typed.
_HOLE = "\ue000{}\ue001"
_HOLE_PATTERN = re.compile("\ue000(\\d+)\ue001")
_FORMATS = (
    (re.compile(r"`([^`\n]+)`"), "code"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), "strong"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), "em"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])"), "del"),
)
_SAFE_LINK = ("https://", "http://", "mailto:")


def attr(value: object) -> str:
    """A value escaped for a double-quoted HTML attribute."""
    return escape(str(value), quote=True)


class Renderer:
    """Renders for one viewer: names as their client shows them, times in their time zone."""

    def __init__(self, emu: SlackEmulator, viewer_id: str) -> None:
        self.emu = emu
        self.viewer_id = viewer_id
        viewer = emu.workspace.users.get(viewer_id)
        self.zone = ZoneInfo(viewer.tz if viewer is not None else "UTC")

    # ---- text -----------------------------------------------------------------------------
    def mrkdwn(self, text: str) -> str:
        """mrkdwn as HTML: tokens named for the viewer, *bold* _italic_ ~strike~ `code`,
        > quotes and line breaks."""
        tokens: list[str] = []
        escaped: list[str] = []
        for piece in parse(text):
            if isinstance(piece, Text):
                escaped.append(escape(piece.text, quote=False))
            else:
                escaped.append(_HOLE.format(len(tokens)))
                tokens.append(self._token(piece))
        lines = [self._line(line) for line in "".join(escaped).split("\n")]
        html = "<br>".join(lines).replace("</blockquote><br><blockquote>", "<br>")
        return _HOLE_PATTERN.sub(lambda m: tokens[int(m.group(1))], html)

    @staticmethod
    def _line(line: str) -> str:
        quoted = line.startswith("&gt;")
        if quoted:
            line = line.removeprefix("&gt;").lstrip(" ")
        for pattern, tag in _FORMATS:
            line = pattern.sub(rf"<{tag}>\1</{tag}>", line)
        return f"<blockquote>{line}</blockquote>" if quoted else line

    def _token(self, piece: Piece) -> str:
        shown = escape(self.emu.show_token(piece, self.viewer_id), quote=False)
        if isinstance(piece, DateToken):
            moment = datetime.fromtimestamp(piece.unix, self.zone)
            return f'<time datetime="{attr(moment.isoformat())}">{shown}</time>'
        if isinstance(piece, Link):
            if piece.url.startswith(_SAFE_LINK):
                return f'<a href="{attr(piece.url)}" rel="noopener noreferrer">{shown}</a>'
            return shown
        return f'<span class="mention">{shown}</span>'

    def text(self, obj: Any) -> str:
        """A text object: mrkdwn rendered, plain_text escaped."""
        if not isinstance(obj, dict):
            return ""
        if obj.get("type") == "mrkdwn":
            return self.mrkdwn(str(obj.get("text") or ""))
        return escape(str(obj.get("text") or ""), quote=False)

    def time(self, ts: str) -> str:
        """A message time as the viewer reads it."""
        moment = datetime.fromtimestamp(float(ts), self.zone)
        return f'<time datetime="{attr(moment.isoformat())}">{moment:%a %d %b %H:%M}</time>'

    # ---- blocks ---------------------------------------------------------------------------
    def blocks(self, blocks: list[JsonDict], control: ControlRenderer) -> str:
        """A block list; interactive elements through `control`, which knows where they post."""
        return "".join(self.block(block, index, control) for index, block in enumerate(blocks))

    def block(self, block: JsonDict, index: int, control: ControlRenderer) -> str:
        """One block."""
        kind = block.get("type")
        bid = block_id(block, index)
        if kind == "header":
            return f'<h3 class="bk-header">{self.text(block.get("text"))}</h3>'
        if kind == "divider":
            return '<hr class="bk-divider">'
        if kind == "section":
            return self._section(block, bid, index, control)
        if kind == "context":
            parts = [self._context_part(element) for element in block.get("elements") or []]
            return f'<div class="bk-context">{" ".join(parts)}</div>'
        if kind == "actions":
            elements = [
                control(element, bid, action_id(element, index, position))
                for position, element in enumerate(block.get("elements") or [])
            ]
            return f'<div class="bk-actions">{"".join(elements)}</div>'
        if kind == "input":
            element = block.get("element") or {}
            return control(element, bid, action_id(element, index, 0), block)
        if kind == "image":
            return f'<p class="bk-image">[{attr(block.get("alt_text") or "image")}]</p>'
        return f'<p class="bk-unknown">[{attr(kind)} block]</p>'

    def _section(self, block: JsonDict, bid: str, index: int, control: ControlRenderer) -> str:
        parts = [f'<div class="bk-text">{self.text(block.get("text"))}</div>']
        fields = [f"<div>{self.text(field)}</div>" for field in block.get("fields") or []]
        if fields:
            parts.append(f'<div class="bk-fields">{"".join(fields)}</div>')
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            # A menu beside a text is named by that text, as a reader hears it.
            named = re.sub(r"[*_~`]", "", text_of(block.get("text")))
            parts.append(control(accessory, bid, action_id(accessory, index, 0), label=named))
        return f'<div class="bk-section">{"".join(parts)}</div>'

    def _context_part(self, element: JsonDict) -> str:
        if element.get("type") == "image":
            return f"[{attr(element.get('alt_text') or 'image')}]"
        return f"<span>{self.text(element)}</span>"


# (element, block_id, action_id, the input block around it or None) -> HTML
ControlRenderer = Callable[..., str]


def action_token(bid: str, aid: str, element: JsonDict) -> str:
    """What a rendered control sends back to say which element it was (JSON in a form field)."""
    token: JsonDict = {"block_id": bid, "action_id": aid}
    if "value" in element:
        token["value"] = element["value"]
    return json.dumps(token)


def option_label(option: JsonDict) -> str:
    """An option's visible text, escaped."""
    return escape(text_of(option.get("text")), quote=False)
