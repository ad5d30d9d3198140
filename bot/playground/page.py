"""The playground page for one viewer and one conversation: who they are, their channels and
DMs, the messages and ephemerals they can see, their open modal, the composer and the clock."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from string import Template
from urllib.parse import urlencode

from bot.playground.controls import MessageControls, ModalControls
from bot.playground.render import Renderer, attr
from bot.playground.world import COMMAND
from slack_emulator import Ephemeral, Message, SlackEmulator, View

DM = "dm"
PAGE = Template(files("bot.playground").joinpath("static/page.html").read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Place:
    """Who is looking, and at which conversation (a channel id, or DM for the app's DM)."""

    viewer: str
    conversation: str

    def url(self) -> str:
        """The page showing this place."""
        return "/playground?" + urlencode({"as": self.viewer, "at": self.conversation})

    def hidden(self) -> str:
        """The form fields that bring a posted form back to this place."""
        return (
            f'<input type="hidden" name="as" value="{attr(self.viewer)}">'
            f'<input type="hidden" name="at" value="{attr(self.conversation)}">'
        )


def channel_of(emu: SlackEmulator, place: Place) -> str | None:
    """The conversation's channel id (None: the app DM is not opened yet)."""
    if place.conversation == DM:
        return emu.dm_channel_id(place.viewer)
    return place.conversation


def render_page(emu: SlackEmulator, place: Place, *, revision: str, notice: str = "") -> str:
    """The whole page."""
    renderer = Renderer(emu, place.viewer)
    viewer = emu.workspace.users[place.viewer]
    title = _conversation_title(emu, place)
    modal = _modal(emu, place, renderer)
    return PAGE.substitute(
        title=escape(title, quote=False),
        revision=attr(revision),
        people=_people_options(emu, place),
        hidden=place.hidden(),
        conversations=_conversation_links(emu, place),
        now=_now(emu, renderer),
        zone=escape(viewer.tz, quote=False),
        notice=escape(notice, quote=False),
        timeline=_timeline(emu, place, renderer),
        modal=modal,
        # While a modal is open the conversation behind it cannot be reached, as in Slack; the
        # header stays usable, to switch to someone else.
        behind_modal=" inert" if modal else "",
        command=escape(COMMAND, quote=False),
        composer_label=escape(f"Message {title}", quote=False),
    )


def _conversation_title(emu: SlackEmulator, place: Place) -> str:
    if place.conversation == DM:
        return "Wishbot (DM)"
    return f"#{emu.channel(place.conversation).name}"


def _people_options(emu: SlackEmulator, place: Place) -> str:
    return "".join(
        f'<option value="{attr(u.id)}"{" selected" if u.id == place.viewer else ""}>'
        f"{escape(u.real_name, quote=False)} ({escape(u.locale, quote=False)},"
        f" {escape(u.tz, quote=False)})</option>"
        for u in emu.people()
    )


def _conversation_links(emu: SlackEmulator, place: Place) -> str:
    links = [
        (Place(place.viewer, c.id), f"#{c.name}") for c in emu.conversations(member=place.viewer)
    ]
    links.append((Place(place.viewer, DM), "Wishbot (DM)"))
    return "".join(
        f'<li><a href="{attr(target.url())}"'
        f"{' aria-current=page' if target == place else ''}>{escape(name, quote=False)}</a></li>"
        for target, name in links
    )


def _now(emu: SlackEmulator, renderer: Renderer) -> str:
    moment = emu.clock.now().astimezone(renderer.zone)
    return f'<time datetime="{attr(moment.isoformat())}">{moment:%a %d %b %Y %H:%M}</time>'


def _timeline(emu: SlackEmulator, place: Place, renderer: Renderer) -> str:
    channel = channel_of(emu, place)
    if channel is None:
        return '<li class="empty">No messages yet.</li>'
    shown: list[Message | Ephemeral] = [
        *[m for m in emu.messages(channel) if not m.thread_ts or m.thread_ts == m.ts],
        *[e for e in emu.ephemerals(place.viewer) if e.channel == channel and not e.thread_ts],
    ]
    shown.sort(key=lambda item: float(item.ts))
    items = [_item(emu, place, renderer, item) for item in shown]
    return "".join(items) or '<li class="empty">No messages yet.</li>'


def _item(emu: SlackEmulator, place: Place, renderer: Renderer, item: Message | Ephemeral) -> str:
    ephemeral = isinstance(item, Ephemeral)
    target = json.dumps({"channel": item.channel, "ts": item.ts, "ephemeral": ephemeral})
    controls = MessageControls(renderer, target, place.hidden())
    body = renderer.blocks(item.blocks, controls) if item.blocks else renderer.mrkdwn(item.text)
    note = '<p class="only-you">Only visible to you</p>' if ephemeral else ""
    replies = ""
    if isinstance(item, Message):
        thread = [_item(emu, place, renderer, reply) for reply in _replies(emu, place, item)]
        if thread:
            replies = f'<ol class="thread" aria-label="Thread replies">{"".join(thread)}</ol>'
    key = f"{'e' if ephemeral else 'm'}{item.ts}"
    version = str(hash(json.dumps([item.text, item.blocks], sort_keys=True, default=str)))
    css = "message ephemeral" if ephemeral else "message"
    return (
        f'<li class="{css}" data-key="{attr(key)}" data-version="{attr(version)}">'
        f'<p class="meta"><strong>{escape(_author(emu, item), quote=False)}</strong> '
        f'{renderer.time(item.ts)}</p>{note}<div class="body">{body}</div>{replies}</li>'
    )


def _replies(emu: SlackEmulator, place: Place, parent: Message) -> list[Message | Ephemeral]:
    """The thread under parent as the viewer sees it: replies, and their own ephemerals."""
    replies: list[Message | Ephemeral] = [*emu.thread(parent.channel, parent.ts)[1:]]
    replies.extend(
        e
        for e in emu.ephemerals(place.viewer)
        if e.channel == parent.channel and e.thread_ts == parent.ts
    )
    return sorted(replies, key=lambda reply: float(reply.ts))


def _author(emu: SlackEmulator, item: Message | Ephemeral) -> str:
    if isinstance(item, Ephemeral) or item.bot_id or item.user == emu.bot_user_id:
        return "Wishbot (app)"
    user = emu.workspace.users.get(item.user)
    return user.real_name if user is not None else item.user


def _modal(emu: SlackEmulator, place: Place, renderer: Renderer) -> str:
    stack = emu.views(place.viewer)
    if not stack:
        return ""
    view = stack[-1]
    controls = ModalControls(renderer, emu.view_values(view), view.errors)
    blocks = renderer.blocks(view.blocks, controls)
    return (
        f'<section id="modal" class="modal" role="dialog" aria-modal="true"'
        f' aria-labelledby="modal-title" data-version="{attr(view.hash)}">'
        f'<form method="post" action="/playground/view/submit">{place.hidden()}'
        f'<input type="hidden" name="view" value="{attr(view.id)}">{_default_button(view)}'
        f'<h2 id="modal-title">{escape(view.title, quote=False)}</h2>{blocks}'
        f'<div class="modal-buttons">{_modal_buttons(view)}</div></form></section>'
    )


def _default_button(view: View) -> str:
    """Enter in a text field submits with the form's first button: make that the submit (or
    nothing, in a modal that cannot be submitted)."""
    if not isinstance(view.definition.get("submit"), dict):
        return '<button type="submit" disabled hidden>Nothing to submit</button>'
    return (
        '<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true"></button>'
    )


def _modal_buttons(view: View) -> str:
    close = (view.definition.get("close") or {}).get("text") or "Cancel"
    buttons = ""
    submit = view.definition.get("submit")
    if isinstance(submit, dict):
        buttons = (
            f'<button type="submit" class="btn btn-primary">'
            f"{escape(str(submit.get('text') or 'Submit'), quote=False)}</button>"
        )
    return buttons + (
        f'<button type="submit" class="btn" formaction="/playground/view/close"'
        f" formnovalidate>{escape(close, quote=False)}</button>"
    )
