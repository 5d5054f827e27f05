"""Paragraph lines: which are headings the markup does not declare."""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from policydiff.core.outline.block import (
    MAX_BOLD_WORDS,
    Block,
    carries_on,
    next_block,
    next_index,
    short_line,
)
from policydiff.core.sections import split_number
from policydiff.core.shapes import (
    Numbering,
    dotted,
    is_date_stamp,
    is_heading_text,
    is_prose,
    is_title_case,
    title_key,
)

_DIGIT_RE = re.compile(r"\d")

def continues_items(block: Block, item_number: int | None) -> bool:
    """A bold title numbered one on from the last list item taken for a section (``12.`` after the
    item ``11. Warranty Disclaimers.``): the next section, written outside the list."""
    number, rest = split_number(block.text)
    return (
        block.emphasis
        and item_number is not None
        and dotted(number) == (item_number + 1,)
        and is_heading_text(rest, allow_period=True, max_words=MAX_BOLD_WORDS)
    )

def _opens_numbering(block: Block | None) -> bool:
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

def later_heading_keys(blocks: list[Block], title: int | None) -> dict[str, int]:
    """Title key -> index of its last occurrence as a declared or emphasised heading-shaped line."""
    keys: dict[str, int] = {}
    for i, block in enumerate(blocks):
        if i == title:
            continue
        if block.kind == "heading" or (block.kind == "line" and block.emphasis):
            key = title_key(block.text)
            if key:
                keys[key] = i
    return keys

def line_heading(
    block: Block,
    blocks: list[Block],
    i: int,
    numbering: Numbering,
    label_counts: Counter[str],
    later: dict[str, int],
) -> tuple[str, int] | None:
    """("numbered", depth), ("parent", 0) or ("line", 0) when the paragraph line is a heading; None otherwise
    (with the reason in ``block.rule`` when the line looked like one)."""
    text = block.text
    following = next_block(blocks, i)
    number, rest = split_number(text)
    # A bold line ending in a colon heads a paragraph (a heading) or introduces a list (a lead-in),
    # unless it is written as a title ("Creator Conduct Requirements:" over the rules).
    colon_title = block.emphasis and text.endswith(":") and following is not None and (
        following.kind == "line" or is_title_case(text[:-1])
    )
    shape = text[:-1] if colon_title else text
    heading_shaped = (
        is_heading_text(shape, allow_period=len(shape.split()) <= 8, max_words=MAX_BOLD_WORDS)
        if block.emphasis
        else is_heading_text(text, allow_period=False)
    )
    if not (heading_shaped or (number is not None and is_heading_text(rest, allow_period=True))):
        return None
    if block.link_only:
        block.rule = "link only, not a section"
        return None
    if text.startswith("(") and text.endswith(")") and number is None:
        block.rule = "parenthesised note, not a section"
        return None
    if is_date_stamp(text):
        block.rule, block.metadata = "date stamp, not a section", "date stamp"
        return None
    key = title_key(text)
    if later.get(key, -1) > i and not block.emphasis:
        block.rule, block.metadata = "contents entry: the heading stands below", "table of contents"
        return None
    if label_counts[key] >= 3:
        block.rule = f"repeated label ({label_counts[key]} times), not a section"
        return None
    if number is not None:
        if dotted(number) == (1,) and numbering.top and _next_number(blocks, i) == (2,):
            numbering.restart()  # a second part numbered afresh (the terms of a second company)
        # A numbered sentence ends with a full stop too; a title that does is written in title case.
        depth = numbering.depth(
            number, rest, allow_period_words=14 if is_title_case(rest) else 8 if block.emphasis else 6
        )
        if not depth:
            block.rule = "numbered line that does not continue the numbering"
            return None
        sibling = _sibling_of_previous(number, blocks, i)
        if not (_followed_by_text_or_child(block, following, number) or (sibling and following is not None)):
            block.rule = "numbered line with no text of its own (a list or contents)"
            return None
        block.rule = "numbered title line" + (" (bold)" if block.emphasis else "")
        return "numbered", depth
    if following is None:
        return None
    if block.emphasis:
        if _opens_numbering(following):
            block.rule = "bold line over the first of its numbered sections"
            return "parent", 0
        if following.kind == "line" and following.emphasis and short_line(following.text):
            block.rule = "bold line over another bold line (a run of labels)"
            return None
        if i >= 2 and all(
            b.kind == "line" and b.emphasis and short_line(b.text) and not b.rank for b in blocks[i - 2 : i]
        ):
            block.rule = "last bold line of a run of labels (an address, a signature)"
            return None
        block.rule = "bold or italic line over text"
        return "line", 0
    if text.endswith("?") and following.kind == "list":
        block.rule = "question over a list"
        return "line", 0
    if text.endswith("?") and _over_subsection(blocks, i, following):
        block.rule = "question over its first subsection"
        return "line", 0
    # An exclamation is a greeting ("Welcome to the service!"), unless it is one word over the text
    # it opens ("Welcome!"), as a title is.
    if _DIGIT_RE.search(text) or ":" in text or text.endswith("!") and len(text.split()) > 1:
        return None
    if following.kind == "line" and carries_on(following.text):
        block.rule = "line whose sentence goes on below it (cut by the page's width)"
        return None
    if (following.kind == "list" and not is_prose(text) or following.kind == "line" and is_prose(following.text)):
        if not block.paragraph_start and len(text.split()) <= 2 and i > 0 and not is_prose(blocks[i - 1].text):
            block.rule = "line of a block of short lines (an address, a signature)"
            return None
        block.rule = "short plain line over prose"
        return "line", 0
    return None

def _over_subsection(blocks: Sequence[Block], i: int, following: Block) -> bool:
    """The line after block ``i`` is a short plain title over prose (``On Meta Products`` below
    ``How is your information shared?``): block ``i`` heads it and its siblings."""
    if following.kind != "line" or following.emphasis or following.text.endswith("?") or not is_heading_text(
        following.text, allow_period=False
    ) or _DIGIT_RE.search(following.text):
        return False
    at = next_index(blocks, i)
    after = next_block(blocks, at) if at is not None else None
    return after is not None and after.kind == "line" and is_prose(after.text) and not carries_on(after.text)

def _next_number(blocks: Sequence[Block], i: int, reach: int = 200) -> tuple[int, ...]:
    """The number of the next numbered title-shaped line after block ``i`` (within ``reach``)."""
    for k in range(i + 1, min(i + 1 + reach, len(blocks))):
        if blocks[k].kind == "line":
            number, rest = split_number(blocks[k].text)
            if number is not None and is_heading_text(rest, allow_period=True):
                return dotted(number)
    return ()

def _sibling_of_previous(number: str, blocks: Sequence[Block], i: int) -> bool:
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

def _followed_by_text_or_child(block: Block, following: Block | None, number: str) -> bool:
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
    if _roman_below(child, number):  # c. then its clause i.
        return True
    return child.startswith("(") and not number.startswith("(")

def _roman_below(number: str, letter: str) -> bool:
    """A lower-case roman number under a lettered title (``i.``, ``ii.`` under ``c.``), not the
    letter after ``h.``."""
    if len(letter) != 1 or not letter.islower() or not number or set(number) - set("ivx"):
        return False
    return not (number == "i" and letter == "h")
