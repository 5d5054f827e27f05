"""Decide which blocks are headings, at which rank, and why."""

from __future__ import annotations

from collections import Counter

from policydiff.core.outline.block import MAX_BOLD_WORDS, Block, next_block
from policydiff.core.outline.lines import (
    _roman_below,
    continues_items,
    later_heading_keys,
    line_heading,
    numbered_heading_rank,
)
from policydiff.core.outline.lists import (
    flattened_outlines,
    is_contents,
    item_sections,
    opens_with_anchors,
)
from policydiff.core.plaintext import NAVIGATION_RE
from policydiff.core.sections import split_number
from policydiff.core.shapes import (
    Numbering,
    dotted,
    is_date_stamp,
    is_heading_text,
    title_key,
)


def classify(blocks: list[Block], title: int | None, undeclared: bool) -> None:
    """Decide which blocks are headings, at which rank, and why."""
    declared = [
        b for i, b in enumerate(blocks)
        if b.kind == "heading" and i != title and b.text and not is_date_stamp(b.text)
    ]
    top_declared = min((b.level for b in declared), default=2)
    label_counts = Counter(title_key(b.text) for b in blocks if b.kind == "line" and b.emphasis)
    later = later_heading_keys(blocks, title)
    numbering = Numbering()
    anchor_rank, anchor_depth = top_declared - 1, 0  # the heading pseudo-headings sit under
    declared_rank = anchor_rank  # the last declared heading's rank (chapters sit under it)
    numbered_rank = 0  # rank of the last numbered pseudo-heading under the current anchor
    letter: tuple[str, int] | None = None  # the last lettered title (``c.``) and its rank
    item_number: int | None = None  # number of the last list item taken for a section title
    flattened: dict[int, list[Block]] | None = None  # worked out on the first list that needs it
    empty_labels = Counter(  # the lines below empty declared headings
        title_key(b.text) for k, b in enumerate(blocks[1:], 1)
        if b.kind == "line" and blocks[k - 1].kind == "heading" and not blocks[k - 1].text
    )
    label_counts.update({key: count for key, count in empty_labels.items() if count >= 3})
    for i, block in enumerate(blocks):
        if i == title or block.metadata or block.rank:  # (the title of an empty heading is ranked)
            continue
        if block.kind == "heading":
            if is_date_stamp(block.text):  # declared, so a section; but a leaf nothing nests under
                block.rule = f"declared heading that is a date stamp (level {block.level}; kept as a leaf)"
                block.rank = 6
                continue
            if not block.text:  # the heading's words are in the line below it (or in an image)
                following = next_block(blocks, i)
                if following is None or following.kind != "line" or not is_heading_text(
                    following.text, allow_period=False, max_words=MAX_BOLD_WORDS
                ):
                    continue
                if empty_labels[title_key(following.text)] >= 3:
                    # The line below is a label every such heading repeats ("Highlights"): the
                    # title is the line standing above the empty heading, if any.
                    above = blocks[i - 1] if i > 0 else None
                    if above is None or above.kind != "line" or above.metadata or above.rank or not is_heading_text(
                        above.text, allow_period=False, max_words=MAX_BOLD_WORDS
                    ):
                        continue
                    block = above
                    what = "title above an empty declared heading over a repeated label"
                else:
                    block = following
                    what = "title of an empty declared heading"
                block.level = blocks[i].level
                block.rule = f"{what} (level {block.level})"
            else:
                block.rule = (
                    f"setext heading whose underline a blank line cut off (level {block.level})" if block.detached
                    else f"declared {'setext' if block.setext else 'ATX'} heading (level {block.level})"
                )
            block.rank = block.level
            number = split_number(block.text)[0]
            numbering.declare(number)
            anchor_rank, anchor_depth, numbered_rank, item_number = block.rank, len(dotted(number)), 0, None
            letter = None
            declared_rank = block.rank
            continue
        if not undeclared:
            continue
        if block.kind == "list":
            if is_contents(block, blocks, i, later):
                block.metadata = "table of contents"
                continue
            items, item_number = item_sections(block, blocks, i, item_number)
            if not items and block.tokens[0].type == "ordered_list_open":
                if flattened is None:
                    flattened = flattened_outlines(blocks)
                items = flattened.get(i, [])
            for item in items:
                if item.rank:  # relative to the list: 1 for its titles, 2 for theirs
                    item.rank = min((numbered_rank or anchor_rank) + item.rank, 6)
            block.items = items
            continue
        if block.kind != "line":
            continue
        if NAVIGATION_RE.match(block.text):
            block.metadata = "navigation"
            continue
        verdict = line_heading(block, blocks, i, numbering, label_counts, later)
        if verdict is None:
            if continues_items(block, item_number):  # list-item sections numbered on in a bold line
                block.rule = "bold numbered title continuing the list-item sections"
                block.rank = min((numbered_rank or anchor_rank) + 1, 6)
                item_number = (item_number or 0) + 1
            continue
        kind, depth = verdict
        following = next_block(blocks, i)
        if kind == "line" and following is not None and following.kind == "list" and opens_with_anchors(following):
            block.rule, block.metadata = "label of a table of contents, not a section", "table of contents"
            continue
        if kind == "parent":  # a chapter: its numbered sections count again from 1 below it
            block.rank = min(declared_rank + 1, 6)
            numbering = Numbering()
            anchor_rank, anchor_depth, numbered_rank, item_number = block.rank, 0, 0, None
            letter = None
            continue
        if kind == "numbered":
            if depth > 0:
                block.rank = numbered_heading_rank(depth, anchor_rank, anchor_depth)
                numbered_rank, letter = block.rank, None
            else:
                number = split_number(block.text)[0] or ""
                if letter is not None and _roman_below(number, letter[0]):  # c. then its i., ii.
                    block.rank = min(letter[1] + 1, 6)
                else:
                    block.rank = min((numbered_rank or anchor_rank) + 1, 6)
                    # "i." is the letter after "h." (or "v." after "u."), else a roman one.
                    follows = letter is not None and ord(letter[0]) == ord(number[:1] or " ") - 1
                    is_letter = len(number) == 1 and number.isalpha() and (number not in "ivxIVX" or follows)
                    letter = (number, block.rank) if is_letter else None
        else:
            block.rank = min((numbered_rank or anchor_rank) + 1, 6)
