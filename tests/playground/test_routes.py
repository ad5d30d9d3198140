"""The playground's routes end to end: a form posted on the page reaches the real bot through the
emulator, and what the bot sent is on the page when the redirect lands."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.playground.playground import Playground
from bot.playground.workspace import GENERAL, IDEAS

Page = TestClient[web.Request, web.Application]
OLIVIA, AINO, ERIK, MARCUS = "U0OLIVIA", "U0AINO", "U0ERIK", "U0MARCUS"


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (tags gone, entities decoded, spaces collapsed)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


async def post(page: Page, path: str, **fields: str) -> str:
    """Post a form as the page does and follow the redirect back to the page."""
    response = await page.post(path, data=fields)
    assert response.status == 200, await response.text()
    return await response.text()


async def show(page: Page, viewer: str, at: str = GENERAL) -> str:
    response = await page.get("/playground", params={"as": viewer, "at": at})
    assert response.status == 200
    return await response.text()


def form_fields(html: str, button: str) -> dict[str, str]:
    """The hidden fields of the little form around the button labelled `button`."""
    for form in re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S):
        if re.search(rf">{re.escape(button)}</button>", form):
            pairs = re.findall(r'name="([^"]+)" value="([^"]*)"', form)
            return {name: unescape(value) for name, value in pairs}
    raise AssertionError(f"no button {button!r}")


async def test_a_command_in_the_composer_posts_the_poll_seen_by_everyone(page: Page) -> None:
    await post(page, "/playground/compose", **{"as": OLIVIA, "at": GENERAL},
               text='/wishes new "Lunch?" "Pizza" "Soup" closes:3d')  # fmt: skip
    text = visible_text(await show(page, AINO))
    assert "Wishes #1" in text and "Lunch?" in text and "0 of 8 answered" in text


async def test_a_click_on_the_page_is_an_answer_the_bot_counts(page: Page) -> None:
    await post(page, "/playground/compose", **{"as": OLIVIA, "at": IDEAS},
               text='/wishes new "Lunch?" "Pizza" "Soup"')  # fmt: skip
    fields = form_fields(await show(page, ERIK, IDEAS), "Soup")
    after = await post(page, "/playground/click", **fields)
    assert "1 of 5 answered" in visible_text(after)


async def test_help_is_an_ephemeral_only_its_asker_sees(page: Page) -> None:
    asked = visible_text(await post(page, "/playground/compose", **{"as": MARCUS, "at": GENERAL},
                                    text="/wishes help"))  # fmt: skip
    assert "Only visible to you" in asked and "/wishes new" in asked
    assert "Only visible to you" not in visible_text(await show(page, AINO))


async def test_a_plain_message_is_shown_escaped(page: Page) -> None:
    html = await post(page, "/playground/compose", **{"as": AINO, "at": GENERAL},
                      text="<b>hello</b> & @erik")  # fmt: skip
    assert "&amp;lt;b&amp;gt;hello" not in html and "<b>hello" not in html
    assert '&lt;b&gt;hello&lt;/b&gt; &amp; <span class="mention">@Erik</span>' in html


async def test_the_answer_form_opens_as_a_modal_and_its_submission_counts(
    page: Page, playground: Playground
) -> None:
    await post(page, "/playground/compose", **{"as": OLIVIA, "at": GENERAL},
               text='/wishes new "Snacks?" "Fruit" "Cookies" multi')  # fmt: skip
    opened = await post(page, "/playground/click", **form_fields(await show(page, AINO), "Answer"))
    assert 'role="dialog"' in opened and "Snacks?" in visible_text(opened)
    (view,) = playground.world.emu.views(AINO)
    (block_id,) = [b["block_id"] for b in view.blocks if b["type"] == "input"]
    fields: dict[str, Any] = {"as": AINO, "at": GENERAL, "view": view.id}
    response = await page.post(
        "/playground/view/submit", data=[*fields.items(), (f"in:{block_id}", "1")]
    )
    after = visible_text(await response.text())
    assert 'role="dialog"' not in after and "1 of 8 answered" in after


async def test_the_clock_moves_for_the_bot_and_the_page(page: Page, playground: Playground) -> None:
    before = playground.world.clock.now()
    await post(page, "/playground/clock", **{"as": OLIVIA, "at": GENERAL, "forward": "day"})
    assert (playground.world.clock.now() - before).days == 1


async def test_reset_starts_an_empty_workspace_on_a_new_database(
    page: Page, playground: Playground
) -> None:
    await post(page, "/playground/compose", **{"as": OLIVIA, "at": GENERAL},
               text='/wishes new "Coffee?" "Yes" "No"')  # fmt: skip
    old_revision = playground.revision
    after = visible_text(await post(page, "/playground/reset", **{"as": AINO, "at": GENERAL}))
    assert "Coffee?" not in after and "No messages yet." in after
    assert playground.revision.split(".")[0] != old_revision.split(".")[0]
    assert await playground.world.bot.repo.polls_with_status() == []


async def test_an_unknown_person_or_channel_falls_back_to_the_first_person(page: Page) -> None:
    html = await show(page, "U0NOBODY", "C0SECRET")
    assert '<option value="U0OLIVIA" selected>' in html and "<title>#general" in html


async def test_the_create_form_shows_the_bots_field_errors_then_posts_the_poll(
    page: Page, playground: Playground
) -> None:
    opened = await post(
        page, "/playground/compose", **{"as": OLIVIA, "at": GENERAL}, text="/wishes"
    )
    assert re.search(r'<option value="single" selected>Single choice</option>', opened)
    (view,) = playground.world.emu.views(OLIVIA)
    typed = {
        "as": OLIVIA, "at": GENERAL, "view": view.id, "in:create.q_text0": "Best snack?",
        "in:create.q_kind0": "single", "in:create.q_options0": "Chips", "in:create.remind": "1d",
        "in:create.audience_kind": "channel", "in:create.channel": GENERAL,
    }  # fmt: skip
    refused = await post(page, "/playground/view/submit", **typed)
    assert re.search(r'role="alert">Question 1 has only one option\.', refused)
    assert 'aria-invalid="true"' in refused and "Best snack?" in refused  # what was typed stays
    posted = await post(page, "/playground/view/submit",
                        **{**typed, "in:create.q_options0": "Chips\nFruit"})  # fmt: skip
    assert 'role="dialog"' not in posted and "Best snack?" in visible_text(posted)


async def test_a_required_field_left_empty_is_refused_as_a_slack_client_would(
    page: Page, playground: Playground
) -> None:
    await post(page, "/playground/compose", **{"as": OLIVIA, "at": GENERAL}, text="/wishes")
    (view,) = playground.world.emu.views(OLIVIA)
    refused = await post(page, "/playground/view/submit", **{"as": OLIVIA, "at": GENERAL,
                                                             "view": view.id})  # fmt: skip
    shown = visible_text(refused)
    assert "Slack would not submit the modal: required input 'Question 1' is empty" in shown
    assert playground.world.emu.views(OLIVIA) == [view]


async def test_a_menu_in_the_modal_keeps_what_was_typed_and_lets_the_bot_update_it(
    page: Page, playground: Playground
) -> None:
    await post(page, "/playground/compose", **{"as": OLIVIA, "at": GENERAL}, text="/wishes")
    (view,) = playground.world.emu.views(OLIVIA)
    first_version = view.hash
    action = '{"block_id": "create.template", "action_id": "create.template"}'
    picked = await post(page, "/playground/view/select", **{
        "as": OLIVIA, "at": GENERAL, "view": view.id, "action": action,
        "act:create.template": "event", "in:create.channel": IDEAS,
    })  # fmt: skip
    (updated,) = playground.world.emu.views(OLIVIA)
    assert updated.hash != first_version and 'role="dialog"' in picked
    assert re.search(rf'<option value="{IDEAS}" selected>#product-ideas</option>', picked)


async def test_forms_from_another_origin_and_other_host_names_are_refused(page: Page) -> None:
    elsewhere = await page.post("/playground/reset", data={"as": OLIVIA},
                                headers={"Origin": "https://evil.example"})  # fmt: skip
    assert elsewhere.status == 403
    rebound = await page.get("/playground", headers={"Host": "evil.example:3000"})
    assert rebound.status == 403
