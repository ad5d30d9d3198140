"""Greedy packing of many blocks into as many messages as Slack's per-message limits need."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.slack.blocks.common import Block, context


def text_size(node: Any) -> int:
    """Characters of text a block (or any part of one) carries, as Slack counts them for limits."""
    if isinstance(node, dict):
        total = 0
        for key, value in node.items():
            if isinstance(value, str):
                if key == "text":
                    total += len(value)
            elif isinstance(value, dict | list):
                total += text_size(value)
        return total
    if isinstance(node, list):
        return sum(text_size(item) for item in node)
    return 0


def pack_blocks(
    items: Iterable[tuple[Block, str | None]], *, max_blocks: int, max_text: int
) -> list[list[Block]]:
    """Fill pages with (block, group) items in order, starting a page when one is full.

    group is the mrkdwn label of what a block continues (e.g. its question): a page that starts
    in the middle of a group opens with that label, so a reader of a later page knows where they
    are. Each block must fit max_text on its own; the label counts toward the page."""
    pages: list[list[Block]] = []
    page: list[Block] = []
    size = 0
    last_group: str | None = None
    for block, group in items:
        block_size = text_size(block)
        if page and (len(page) >= max_blocks or size + block_size > max_text):
            pages.append(page)
            page, size = [], 0
            if group is not None and group == last_group:
                label = context(group)
                page.append(label)
                size += text_size(label)
        page.append(block)
        size += block_size
        last_group = group
    if page:
        pages.append(page)
    return pages
