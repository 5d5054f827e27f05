"""Paragraph lines: which are headings the markup does not declare."""

from __future__ import annotations

import re
from typing import Sequence

from policydiff.core.outline.block import (
    Block,
    carries_on,
    next_block,
    next_index,
    short_line,
)
from policydiff.core.sections import split_number
from policydiff.core.shapes import (
    dotted,
    is_heading_text,
    is_prose,
)

_DIGIT_RE = re.compile(r"\d")


def opens_numbering(block: Block | None) -> bool:
    """The block is a title numbered 1 (``1. Definitions``): the first of a numbered sequence."""
    return (
        block is not None
        and block.kind == "line"
        and dotted(split_number(block.text)[0]) == (1,)
        and is_heading_text(split_number(block.text)[1], allow_period=True)
    )


def numbered_heading_rank(depth: int, anchor_rank: int, anchor_depth: int) -> int:
    """Rank of a numbered pseudo-heading: nested by its numbering below the declared heading it is
    in (``4.1`` under a declared ``4.`` is one deeper; a bare ``5.`` after it is its sibling)."""
    return max(1, min(anchor_rank + depth - anchor_depth if anchor_depth else anchor_rank + depth, 6))


def over_subsection(blocks: Sequence[Block], i: int, following: Block | None, *, emphasised: bool = False) -> bool:
    """The line after block ``i`` is a short plain title over prose (``On Meta Products`` below
    ``How is your information shared?``), or with ``emphasised`` a bold or italic one (``Prohibited
    Practices`` below ``2. General Policies``): block ``i`` heads it and its siblings."""
    if following is None or following.kind != "line" or following.emphasis != emphasised or (
        following.text.endswith("?") or not is_heading_text(following.text, allow_period=False)
        or _DIGIT_RE.search(following.text)
    ):
        return False
    at = next_index(blocks, i)
    after = next_block(blocks, at) if at is not None else None
    return after is not None and after.kind == "line" and is_prose(after.text) and not carries_on(after.text)


def next_number(blocks: Sequence[Block], i: int, reach: int = 200) -> tuple[int, ...]:
    """The number of the next numbered title-shaped line after block ``i`` (within ``reach``)."""
    for k in range(i + 1, min(i + 1 + reach, len(blocks))):
        if blocks[k].kind == "line":
            number, rest = split_number(blocks[k].text)
            if number is not None and is_heading_text(rest, allow_period=True):
                return dotted(number)
    return ()


def sibling_of_previous(number: str, blocks: Sequence[Block], i: int) -> bool:
    """The closest earlier heading is numbered one less in the same style (``(1)`` before ``(2)``):
    a continued sequence is a heading even when the text below it is short."""
    for k in range(i - 1, -1, -1):
        block = blocks[k]
        if block.rank:
            previous = split_number(block.text)[0]
            if previous is None:
                return False
            mine, theirs = re.sub(r"\d+", "#", number), re.sub(r"\d+", "#", previous)
            a, b = re.findall(r"\d+", number), re.findall(r"\d+", previous)
            return mine == theirs and len(a) == len(b) and bool(a) and a[:-1] == b[:-1] and int(a[-1]) == int(b[-1]) + 1
    return False


def followed_by_text_or_child(block: Block, following: Block | None, number: str) -> bool:
    """A numbered heading heads text or its own first subsection (``12.`` then ``12.1``), never a
    sibling: numbered lines with nothing between them are a list or a table of contents."""
    if following is None:
        return False
    if following.kind in ("list", "other"):
        return True
    child, rest = split_number(following.text)
    if child is None:
        return following.kind == "heading" or not short_line(following.text) or is_prose(following.text)
    mine, theirs = dotted(number), dotted(child)
    if mine and theirs:
        return len(theirs) > len(mine) and theirs[: len(mine)] == mine
    if roman_below(child, number):  # c. then its clause i.
        return True
    return child.startswith("(") and not number.startswith("(")


def roman_below(number: str, letter: str) -> bool:
    """A lower-case roman number under a lettered title (``i.``, ``ii.`` under ``c.``), not the
    letter after ``h.``."""
    if len(letter) != 1 or not letter.islower() or not number or set(number) - set("ivx"):
        return False
    return not (number == "i" and letter == "h")
