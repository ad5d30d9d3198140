"""Small helpers shared by the poll-lifecycle end-to-end tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import partial
from typing import Any

from bot.domain.model import Poll
from slack_emulator import Ephemeral, Message, RecordedCall, SlackEmulator
from tests.e2e.conftest import CHANNEL, ORGANISER, RunningBot


def text_of(blocks: Any) -> str:
    """Every string in a block structure, joined: what a reader could see (and ids)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(parts)


def shown(item: Message | Ephemeral) -> str:
    return item.text + "\n" + text_of(item.blocks or [])


def last_ephemeral(emu: SlackEmulator, user: str) -> str:
    ephemerals = emu.ephemerals(user)
    assert ephemerals, f"{user} was shown nothing"
    return shown(ephemerals[-1])


async def create(
    running: RunningBot,
    emu: SlackEmulator,
    text: str,
    *,
    user: str = ORGANISER,
    channel: str = CHANNEL,
) -> Poll:
    """Run `/wishes <text>` and return the stored poll (fails if nothing was stored)."""
    before = {p.id for p in await running.repo.polls_with_status()}
    reply = await running.driver.slash_command(user, channel, "/wishes", text)
    assert reply.status == 200
    await running.settle()
    new = [p for p in await running.repo.polls_with_status() if p.id not in before]
    assert len(new) == 1, f"no poll stored; ephemerals: {emu.ephemerals(user)}"
    return new[0]


def poll_message(emu: SlackEmulator, poll: Poll, channel: str = CHANNEL) -> Message:
    found = [m for m in emu.messages(channel) if m.ts == poll.message_ts]
    assert found, f"poll #{poll.id} message not in {channel}"
    return found[0]


def channel_posts(emu: SlackEmulator, channel: str = CHANNEL) -> list[Message]:
    return [m for m in emu.messages(channel) if not m.deleted]


async def create_with_form(
    running: RunningBot,
    emu: SlackEmulator,
    questions: list[tuple[str, str, str]],
    *,
    user: str = ORGANISER,
    channel: str = CHANNEL,
    anonymous: bool = False,
) -> Poll:
    """Create a poll through the modal: questions as (text, kind, options one per line)."""
    from bot.slack import ids

    await running.driver.slash_command(user, channel, "/wishes", "")
    await emu.wait_for(lambda: emu.views(user), message="no create form")
    for _ in range(len(questions) - 1):
        count = len(emu.views(user)[-1].blocks)
        await running.driver.click(user, emu.views(user)[-1], action_id=ids.ADD_QUESTION_ACTION)
        await emu.wait_for(partial(grew, emu, user, count))
    fill: dict[str, Any] = {}
    for index, (text, kind, options) in enumerate(questions):
        fill[ids.question_text_block_id(index)] = text
        fill[ids.question_kind_block_id(index)] = kind
        fill[ids.question_options_block_id(index)] = options or None
    if anonymous:
        fill[ids.ANONYMOUS_BLOCK] = ["anonymous"]
    reply = await running.driver.submit_view(user, fill=fill)
    assert reply.body is None or reply.body.get("response_action") != "errors", reply.body
    await running.settle()
    polls = await running.repo.polls_with_status()
    assert polls, "no poll stored from the form"
    return polls[-1]


def grew(emu: SlackEmulator, user: str, blocks_before: int) -> bool:
    """Whether the person's top modal has more blocks than before."""
    return len(emu.views(user)[-1].blocks) > blocks_before


def reminders_sent(emu: SlackEmulator, poll_id: int | None = None) -> list[RecordedCall]:
    """Reminder DMs Slack accepted (tagged with a round in their metadata), for one poll or all."""
    sent = []
    for call in emu.calls_to("chat.postMessage"):
        tag = (call.args.get("metadata") or {}).get("event_payload") or {}
        if call.response.get("ok") and "round" in tag and poll_id in (None, tag.get("poll")):
            sent.append(call)
    return sent


def reminded(emu: SlackEmulator, poll_id: int, people: Iterable[str]) -> Counter[str]:
    """How many reminders for the poll each of these people got (by the DM each landed in)."""
    by_dm = {emu.dm_channel_id(person): person for person in people}
    return Counter(by_dm[call.response["channel"]] for call in reminders_sent(emu, poll_id))
