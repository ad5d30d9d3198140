"""Block Kit and mrkdwn as the playground shows them: people's text escaped, names and dates as
the viewer's client shows them, controls labelled."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.playground.composer import as_sent
from bot.playground.controls import MessageControls, ModalControls, submitted_values
from bot.playground.render import Renderer
from slack_emulator import SlackEmulator

NOW = datetime(2026, 2, 3, 14, 0, tzinfo=UTC)  # 16:00 in Helsinki, 09:00 in New York
CLOSES = int(datetime(2026, 2, 4, 10, 30, tzinfo=UTC).timestamp())


class StandingClock:
    """Time that stays put: the dates below are read at one known moment."""

    def now(self) -> datetime:
        return NOW

    def advance(self, delta: timedelta) -> None:
        raise AssertionError("these tests do not move time")


@pytest.fixture
def emu() -> SlackEmulator:
    emulator = SlackEmulator(clock=StandingClock())
    emulator.add_user("U1", "olivia", real_name="Olivia Bennett", display_name="Olivia",
                      tz="America/New_York", locale="en-US")  # fmt: skip
    emulator.add_user("U2", "aino", real_name="Aino <b>Virtanen</b>", display_name="",
                      tz="Europe/Helsinki", locale="fi-FI")  # fmt: skip
    emulator.add_channel("C1", "general", members=["U1", "U2"])
    emulator.add_usergroup("S1", "designers", ["U2"])
    return emulator


def no_controls(element: dict[str, Any], bid: str, aid: str, block: Any = None) -> str:
    raise AssertionError("no interactive element expected")


def test_peoples_text_never_becomes_html(emu: SlackEmulator) -> None:
    html = Renderer(emu, "U1").mrkdwn('<script>alert("x")</script> &amp; &lt;img src=x&gt; "q"')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;img src=x&gt;" in html and "&amp;" in html


def test_a_name_with_markup_is_escaped_in_a_mention(emu: SlackEmulator) -> None:
    html = Renderer(emu, "U1").mrkdwn("Asked by <@U2>")
    assert html == 'Asked by <span class="mention">@Aino &lt;b&gt;Virtanen&lt;/b&gt;</span>'


def test_mentions_read_as_names_channels_and_groups(emu: SlackEmulator) -> None:
    html = Renderer(emu, "U2").mrkdwn("<@U1> in <#C1> for <!subteam^S1> <!here>")
    assert re.sub(r"<[^>]+>", "", html) == "@Olivia in #general for @designers @here"
    assert html.count('class="mention"') == 4


@pytest.mark.parametrize(
    ("viewer", "shown"),
    [("U1", "Closes Tomorrow 5:30 AM"), ("U2", "Closes Tomorrow 12:30")],
    ids=["new-york-12-hour", "helsinki-24-hour"],
)
def test_date_tokens_show_in_the_viewers_zone(emu: SlackEmulator, viewer: str, shown: str) -> None:
    token = f"<!date^{CLOSES}^{{date_short_pretty}} {{time}}|2026-02-04 10:30 UTC>"
    html = Renderer(emu, viewer).mrkdwn(f"Closes {token}")
    assert re.sub(r"<[^>]+>", "", html) == shown
    assert "<time datetime=" in html


def test_formatting_marks_apply_but_not_inside_links(emu: SlackEmulator) -> None:
    html = Renderer(emu, "U1").mrkdwn(
        "*Lunch?* _soon_ ~never~ `code`\n> quoted <https://x.org/a_b_c|a_b_>"
    )
    assert "<strong>Lunch?</strong> <em>soon</em> <del>never</del> <code>code</code>" in html
    assert (
        '<blockquote>quoted <a href="https://x.org/a_b_c" rel="noopener noreferrer">a_b_</a>'
        in html
    )


def test_only_web_links_become_links(emu: SlackEmulator) -> None:
    html = Renderer(emu, "U1").mrkdwn("<javascript:alert(1)|click me>")
    assert "href" not in html and html == "click me"


def test_blocks_render_header_section_fields_context_and_divider(emu: SlackEmulator) -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Wishes <#1>"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*Q*"},
            "fields": [{"type": "plain_text", "text": "*not bold*"}],
        },
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "by <@U1>"}]},
    ]
    html = Renderer(emu, "U2").blocks(blocks, no_controls)
    assert '<h3 class="bk-header">Wishes &lt;#1&gt;</h3>' in html
    assert "<strong>Q</strong>" in html and "<div>*not bold*</div>" in html
    assert '<hr class="bk-divider">' in html and "@Olivia" in html


def test_message_buttons_post_which_element_was_clicked(emu: SlackEmulator) -> None:
    renderer = Renderer(emu, "U1")
    controls = MessageControls(renderer, '{"channel": "C1", "ts": "1.0"}', "")
    button = {
        "type": "button",
        "action_id": "poll.vote:0",
        "value": "1:0",
        "text": {"type": "plain_text", "text": "Pizza & <Soup>"},
        "confirm": {"text": {"type": "plain_text", "text": "Sure?"}},
    }
    html = renderer.blocks([{"type": "actions", "block_id": "b", "elements": [button]}], controls)
    assert '<button type="submit" class="btn">Pizza &amp; &lt;Soup&gt;</button>' in html
    assert 'data-confirm="Sure?"' in html
    assert "&quot;action_id&quot;: &quot;poll.vote:0&quot;" in html


def test_modal_inputs_are_labelled_hold_their_values_and_show_errors(emu: SlackEmulator) -> None:
    block = {
        "type": "input",
        "block_id": "wish",
        "label": {"type": "plain_text", "text": "Your wish"},
        "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
    }
    values = {"wish": {"text": {"type": "plain_text_input", "value": "</textarea><b>x"}}}
    controls = ModalControls(Renderer(emu, "U1"), values, {"wish": "Too <short>"})
    html = Renderer(emu, "U1").blocks([block], controls)
    field_id = re.search(r'<label for="([^"]+)">Your wish', html)
    assert field_id is not None and f'<textarea id="{field_id.group(1)}"' in html
    assert "&lt;/textarea&gt;&lt;b&gt;x</textarea>" in html
    assert 'role="alert">Too &lt;short&gt;</p>' in html and 'aria-invalid="true"' in html


class Form:
    """The part of aiohttp's form data that submitted_values reads."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields[key][0] if key in self.fields else default

    def getall(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)


def test_a_submitted_form_gives_one_value_per_input_block() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "input", "block_id": "q0", "element": {"type": "radio_buttons"}},
        {"type": "input", "block_id": "q1", "element": {"type": "checkboxes"}},
        {"type": "input", "block_id": "q2", "element": {"type": "plain_text_input"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "not an input"}},
    ]
    form = Form({"in:q0": ["1"], "in:q1": ["0", "2"], "in:q2": [""]})
    assert submitted_values(blocks, form) == {"q0": "1", "q1": ["0", "2"], "q2": None}


def test_typed_text_is_sent_as_a_slack_client_sends_it(emu: SlackEmulator) -> None:
    typed = "<b>hi</b> & @olivia @Olivia @designers @here #general #nowhere @nobody a@b.c"
    assert as_sent(emu, typed) == (
        "&lt;b&gt;hi&lt;/b&gt; &amp; <@U1|olivia> <@U1|olivia> <!subteam^S1|@designers>"
        " <!here> <#C1|general> #nowhere @nobody a@b.c"
    )
