"""Rules on the paragraphs of a text with no markup at all (``engine.PLAIN_RULES``), and the title of
such a text. Plain lines are made into blocks first (:mod:`policydiff.core.plaintext`: wrapped lines
joined, debris set aside); a paragraph of one line is then judged by these rules, the first to give
a verdict deciding, as a markdown paragraph line is by the line rules."""

from __future__ import annotations

from policydiff.core.outline.block import Block, next_index
from policydiff.core.outline.state import OutlineState, Verdict
from policydiff.core.sections import split_number
from policydiff.core.shapes import (
    NAVIGATION_RE,
    dotted,
    is_date_stamp,
    is_heading_text,
    is_prose,
)


def wrapped_paragraph(state: OutlineState, i: int) -> Verdict | None:
    """A paragraph of several source lines (a sentence wrapped over them) is text: a title stands on
    a line of its own."""
    return Verdict(False, "paragraph of several lines", quiet=True) if state.blocks[i].wrapped else None


def plain_contents_entry(state: OutlineState, i: int) -> Verdict | None:
    """A line repeated further down is an entry of a table of contents: its title stands below."""
    if state.later.get(state.blocks[i].key, -1) > i:
        return Verdict(False, "contents entry: the heading stands below")
    return None


def plain_title_over_prose(state: OutlineState, i: int) -> Verdict | None:
    """A short title-shaped line over prose (or over a list it does not introduce) is a heading."""
    if followed_by_prose(state.blocks, i):
        return Verdict(True, "short line over prose", kind="top")
    return None


# ------------------------------------------------------------------------------------------------
# What the rules and the title look at


def is_short_line(text: str) -> bool:
    return len(text) <= 80 and 0 < len(text.split()) <= 10 and text[-1:] not in ",;:"


def later_short_lines(blocks: list[Block], title: int | None) -> dict[str, int]:
    """Title key of each short one-line paragraph -> index of its last occurrence (a contents
    entry's target)."""
    return {
        block.key: i for i, block in enumerate(blocks)
        if i != title and block.kind == "line" and not block.wrapped and is_short_line(block.text)
    }


def followed_by_prose(blocks: list[Block], i: int) -> bool:
    """The next block is running text or a list, not a heading or another short label."""
    k = next_index(blocks, i)
    if k is not None and is_date_stamp(blocks[k].text):  # "(Effective date: ...)" below a title
        k = next_index(blocks, k)
    if k is None or blocks[k].rank:
        return False
    following = blocks[k]
    number, rest = split_number(following.text)
    if following.kind == "line" and number is not None and dotted(number) and is_heading_text(rest, allow_period=False):
        return False  # a numbered heading-shaped line: the candidate is a label above it
    if following.kind == "list":
        # A lead-in sentence above a list is prose itself, not a heading.
        return not is_prose(blocks[i].text)
    return is_prose(following.text)


_SENTENCE_WORDS = 4
"""A short line of this many words or more that ends with a full stop or an exclamation mark, right
below a question, is its answer, not a page's name (a shorter one may be a name: ``Example Co.``)."""


def plain_title(blocks: list[Block]) -> int | None:
    """A plain page starts with short lines (navigation, then the page title) before its first
    prose: the last of them that is not itself a heading of the text below is the title, the ones
    before it are navigation (marked so)."""
    shorts: list[int] = []
    for i, block in enumerate(blocks):
        text = block.text
        if NAVIGATION_RE.match(text):
            continue
        if block.kind != "line" or block.wrapped or not is_short_line(text) or split_number(text)[0] is not None:
            break
        if shorts and blocks[shorts[-1]].text.endswith("?") and text[-1] in ".!" and (
            len(text.split()) >= _SENTENCE_WORDS
        ):
            break  # a question's short answer ("A: We collect your name.") is the text's first prose
        shorts.append(i)
    if not shorts:
        return None
    # The last short line right before prose heads that prose: it is a section, not the title.
    if len(shorts) > 1 and followed_by_prose(blocks, shorts[-1]):
        shorts.pop()
    *navigation, title = shorts
    for i in navigation:
        blocks[i].metadata = "navigation"
    return title
