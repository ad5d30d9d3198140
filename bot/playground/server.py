"""The playground's web routes: the page, and the forms that act as a person would in Slack (send
a command or a message, click, pick, fill and submit a modal), move the clock, or reset."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from importlib.resources import files
from typing import Any

from aiohttp import web

from bot.playground.composer import as_sent
from bot.playground.controls import FormFields, submitted_values
from bot.playground.page import DM, Place, render_page
from bot.playground.playground import Playground
from bot.playground.workspace import FIRST_PERSON, GENERAL
from bot.playground.world import COMMAND, World
from slack_emulator import AckProblem, AckTimeoutError, Ephemeral, Message, View
from slack_emulator.interaction import Found, elements

logger = logging.getLogger(__name__)

STATIC = {"playground.css": "text/css", "playground.js": "text/javascript"}
CLOCK_STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
PLAYGROUND = web.AppKey("playground", Playground)

Action = Callable[[World, Place, FormFields], Awaitable[str | None]]


def playground_application(playground: Playground) -> web.Application:
    """The page at /playground and its form handlers."""
    app = web.Application(middlewares=[only_this_page])
    app[PLAYGROUND] = playground
    app.router.add_get("/", show_home)
    app.router.add_get("/playground", show_page)
    app.router.add_get("/playground/revision", show_revision)
    app.router.add_get("/playground/static/{name}", show_static)
    for path, action in ACTIONS.items():
        app.router.add_post(path, _acting(action))
    app.router.add_post("/playground/reset", reset)
    return app


LOCAL_HOSTS = ("127.0.0.1", "localhost")


@web.middleware
async def only_this_page(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Refuse what another web site could make a browser send: a request for another host name
    (DNS rebinding) or a form posted from another origin."""
    if request.url.host not in LOCAL_HOSTS:
        raise web.HTTPForbidden(text="the playground answers on 127.0.0.1 only")
    origin = request.headers.get("Origin")
    if request.method == "POST" and origin not in (None, f"http://{request.host}"):
        raise web.HTTPForbidden(text="forms come from the playground's own page")
    return await handler(request)


async def show_home(request: web.Request) -> web.Response:
    """/ is the page."""
    raise web.HTTPSeeOther("/playground")


def place_of(playground: Playground, params: FormFields | Mapping[str, str]) -> Place:
    """The viewer and conversation asked for, or the first person in #general when they are not
    a person of the workspace or not someone who can see that conversation."""
    emu = playground.world.emu
    viewer = str(params.get("as") or "")
    if viewer not in {u.id for u in emu.people()}:
        viewer = FIRST_PERSON
    conversation = str(params.get("at") or "")
    visible = {c.id for c in emu.conversations(member=viewer)} | {DM}
    return Place(viewer, conversation if conversation in visible else GENERAL)


def _running(playground: Playground) -> None:
    if not playground.running:
        # A Reset is under way: the page's script tries again at its next tick.
        raise web.HTTPServiceUnavailable(text="restarting", headers={"Retry-After": "1"})


async def show_page(request: web.Request) -> web.Response:
    """The page for ?as=person&at=conversation."""
    playground = request.app[PLAYGROUND]
    _running(playground)
    place = place_of(playground, request.query)
    notice = playground.notices.pop(place.viewer, "")
    html = render_page(playground.world.emu, place, revision=playground.revision, notice=notice)
    return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-store"})


async def show_revision(request: web.Request) -> web.Response:
    """What the page's script compares to know that it is out of date."""
    return web.Response(
        text=request.app[PLAYGROUND].revision, headers={"Cache-Control": "no-store"}
    )


async def show_static(request: web.Request) -> web.Response:
    """The page's stylesheet and script."""
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound()
    text = files("bot.playground").joinpath(f"static/{name}").read_text(encoding="utf-8")
    return web.Response(text=text, content_type=STATIC[name])


def _acting(action: Action) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        playground = request.app[PLAYGROUND]
        form = await request.post()
        async with playground.lock:
            _running(playground)
            place = place_of(playground, form)
            world = playground.world
            try:
                notice = await action(world, place, form)
            except (AssertionError, AckProblem, AckTimeoutError) as refusal:
                # What a Slack client would refuse or report; the page shows it to the person.
                notice = str(refusal).splitlines()[0]
            await world.settle()
            await world.emu.notify()
        if notice:
            playground.notices[place.viewer] = notice
        raise web.HTTPSeeOther(place.url())

    return handle


async def compose(world: World, place: Place, form: FormFields) -> str | None:
    """The composer: a /wishes command or a plain message, as the Slack client sends it."""
    text = str(form.get("text") or "").strip()
    where = DM if place.conversation == DM else place.conversation
    if not text:
        return None
    if text.startswith("/"):
        command, _, rest = text.partition(" ")
        if command != COMMAND:
            return f"{command} is not a command here: try {COMMAND} help"
        sent = as_sent(world.emu, rest.strip())
        await world.driver.slash_command(place.viewer, where, command, sent)
    else:
        # The manifest subscribes the app to no message events: Slack only stores the message.
        channel = world.emu.workspace.ensure_dm(place.viewer).id if where == DM else where
        world.emu.add_message(channel, place.viewer, as_sent(world.emu, text))
    return None


def _target(world: World, place: Place, form: FormFields) -> Message | Ephemeral:
    where = json.loads(str(form.get("target") or "{}"))
    if where.get("ephemeral"):
        for ephemeral in world.emu.ephemerals(place.viewer):
            if ephemeral.ts == where.get("ts"):
                return ephemeral
    elif (
        message := world.emu.message(str(where.get("channel")), str(where.get("ts")))
    ) is not None:
        return message
    raise AssertionError("That message is no longer there.")


def _element(blocks: list[dict[str, Any]], token: dict[str, Any]) -> Found:
    for found in elements(blocks):
        if found.block_id == token.get("block_id") and found.action_id == token.get("action_id"):
            return found
    raise AssertionError("That button or menu is no longer there.")


def _token(form: FormFields) -> dict[str, Any]:
    token = json.loads(str(form.get("action") or "{}"))
    if not isinstance(token, dict):
        raise AssertionError("The page sent an unknown action.")
    return token


async def click(world: World, place: Place, form: FormFields) -> str | None:
    """A button in a message or an ephemeral."""
    target, token = _target(world, place, form), _token(form)
    await world.driver.click(
        place.viewer, target, action_id=token.get("action_id"), value=token.get("value")
    )
    return None


async def select(world: World, place: Place, form: FormFields) -> str | None:
    """A menu (select or overflow) in a message or an ephemeral."""
    target, token = _target(world, place, form), _token(form)
    found = _element(target.blocks or [], token)
    choice = str(form.get("choice") or "") or None
    if choice is None:
        return "Choose an option first."
    if found.type == "overflow":
        await world.driver.click(place.viewer, target, action_id=found.action_id, value=choice)
    else:
        await world.driver.select(place.viewer, target, found.block_id, choice)
    return None


def _top_view(world: World, place: Place, form: FormFields) -> View:
    stack = world.emu.views(place.viewer)
    if not stack or stack[-1].id != form.get("view"):
        raise AssertionError("That form is no longer open.")
    return stack[-1]


async def submit_view(world: World, place: Place, form: FormFields) -> str | None:
    """The modal's submit button, with what was typed and chosen."""
    view = _top_view(world, place, form)
    values = submitted_values(view.blocks, form)
    await world.driver.submit_view(place.viewer, view.id, values=values)
    return None


async def click_in_view(world: World, place: Place, form: FormFields) -> str | None:
    """A button inside the modal; what was typed so far goes with it, as in Slack."""
    view, token = _top_view(world, place, form), _token(form)
    await world.driver.fill_view(place.viewer, submitted_values(view.blocks, form), view.id)
    await world.driver.click(
        place.viewer, view, action_id=token.get("action_id"), value=token.get("value")
    )
    return None


async def select_in_view(world: World, place: Place, form: FormFields) -> str | None:
    """A menu outside the modal's inputs (one that the app hears at once)."""
    view, token = _top_view(world, place, form), _token(form)
    await world.driver.fill_view(place.viewer, submitted_values(view.blocks, form), view.id)
    found = _element(view.blocks, token)
    choice = str(form.get(f"act:{found.block_id}") or "") or None
    await world.driver.select(place.viewer, view, found.block_id, choice)
    return None


async def close_view(world: World, place: Place, form: FormFields) -> str | None:
    """The modal's close button."""
    _top_view(world, place, form)
    await world.driver.close_view(place.viewer)
    return None


async def move_clock(world: World, place: Place, form: FormFields) -> str | None:
    """Move the shared clock forward; the bot then does what fell due."""
    step = CLOCK_STEPS.get(str(form.get("forward")))
    if step is None:
        return "Unknown clock step."
    world.clock.advance(step)
    return None


ACTIONS: dict[str, Action] = {
    "/playground/compose": compose,
    "/playground/click": click,
    "/playground/select": select,
    "/playground/view/submit": submit_view,
    "/playground/view/click": click_in_view,
    "/playground/view/select": select_in_view,
    "/playground/view/close": close_view,
    "/playground/clock": move_clock,
}


async def reset(request: web.Request) -> web.Response:
    """Stop the bot, remove its database, start everything again."""
    playground = request.app[PLAYGROUND]
    form = await request.post()
    viewer = place_of(playground, form).viewer
    await playground.reset()
    raise web.HTTPSeeOther(Place(viewer, GENERAL).url())
