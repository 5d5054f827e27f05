"""Lists: tables of contents, and section titles written as list items."""

from __future__ import annotations

from typing import Sequence

from markdown_it.token import Token

from policydiff.core.outline.block import (
    MAX_BOLD_WORDS,
    Block,
    block_end,
    emphasised,
    inline_children,
    is_code,
    item_openers,
    list_items,
    next_block,
    title_lead,
)
from policydiff.core.sections import render_blocks, render_inline, split_number
from policydiff.core.shapes import (
    dotted,
    is_heading_text,
    is_prose,
    is_title_case,
    title_key,
)


def _anchor_item(item: Sequence[Token]) -> bool:
    hrefs = [str(c.attrGet("href") or "") for c in inline_children(item) if c.type == "link_open"]
    return bool(hrefs) and all(h.startswith("#") for h in hrefs)


def _bold_titled(item: Sequence[Token]) -> bool:
    """The item opens with a bold title."""
    if len(item) < 2 or item[0].type != "paragraph_open" or item[1].type != "inline":
        return False
    children = [c for c in item[1].children or [] if not (c.type == "text" and not c.content)]
    return bool(children) and children[0].type == "strong_open"


def link_item(item: Sequence[Token]) -> bool:
    """The item's only words are those of links (or images)."""
    children = inline_children(item)
    depth, linked = 0, False
    for child in children:
        if child.type == "link_open":
            depth, linked = depth + 1, True
        elif child.type == "link_close":
            depth -= 1
        elif depth == 0 and child.type in ("text", "code_inline") and child.content.strip(" \t\u00a0|•·-"):
            return False
    return linked


def links_only(block: Block) -> bool:
    """A list whose every item is only a link."""
    items = list_items(block.tokens)
    return bool(items) and all(link_item(item) for item in items)


def opens_with_anchors(block: Block) -> bool:
    """A list whose first items link to places in the page: a table of contents starts there."""
    items = list_items(block.tokens)[:2]
    return len(items) == 2 and all(_anchor_item(item) for item in items)


def is_contents(block: Block, blocks: list[Block], i: int, later: dict[str, int]) -> bool:
    """A list of links to anchors in the page, or of entries repeating headings that follow, whose
    items hold no paragraphs of their own (an entry is one line, perhaps over entries below it)."""
    items = list_items(block.tokens)
    if any(_own_paragraphs(item) > 1 for item in items):
        return False
    if len(items) < 2:  # one entry is a contents only when it holds more entries below it
        links = [c for item in items for c in inline_children(item) if c.type == "link_open"]
        return len(links) >= 2 and _anchor_item(items[0])
    anchors = sum(_anchor_item(item) for item in items)
    # Most items, not half: a list may run on from its contents into the sections themselves.
    if anchors * 5 < len(items) * 4 and not _mostly_headings_below(items, i, later):
        return False
    # ... and a list whose contents run on into a bold section title is that section's start too.
    last_anchor = max((k for k, item in enumerate(items) if _anchor_item(item)), default=-1)
    return not any(_bold_titled(item) for item in items[last_anchor + 1 :])


def _own_paragraphs(item: Sequence[Token]) -> int:
    """How many paragraphs stand in the item itself (not in the lists nested in it)."""
    level = item[0].level if item else 0
    return sum(1 for token in item if token.type == "paragraph_open" and token.level == level)


def _mostly_headings_below(items: Sequence[Sequence[Token]], i: int, later: dict[str, int]) -> bool:
    """Four items in five repeat a heading that follows the list at ``i`` (the look stops at the
    first item too many that does not: most lists are text, and their first items say so)."""
    misses = 0
    for item in items:
        text = " ".join(render_blocks(item))
        if later.get(title_key(text.lstrip("\u2022 ")), -1) <= i:
            misses += 1
            if misses > len(items) // 5:
                return False
    return True


def item_sections(
    block: Block, blocks: list[Block], i: int, last_number: int | None
) -> tuple[list[Block], int | None]:
    """Section titles written as list items: the whole list, or single numbered items in it."""
    out, number = _whole_list_sections(block, blocks, i, last_number)
    if out or number != last_number:
        return out, number
    return _numbered_items(block, last_number)


def flattened_outlines(blocks: Sequence[Block]) -> dict[int, list[Block]]:
    """Numbered outlines that a page's conversion flattened into lists: the written item numbers
    start again at 1 under each title (``2. Using the Platform`` then ``1. Who Can Use It. ...``).
    An item that is only a title and heads items numbered afresh, or paragraphs of its own, is a
    section, at the shallowest level whose numbering it carries on (the converted numbers are the
    original outline's). Lists separated only by paragraphs their items' indentation cut off
    (indented code to the parser) are one outline. List block index -> its blocks (ranks relative
    to the list, as for other list sections); nothing for other lists."""
    runs: list[list[int]] = []
    for i, block in enumerate(blocks):
        if block.kind == "list" and block.tokens[0].type == "ordered_list_open":
            if runs and runs[-1][-1] == i - 1 - _cut_off_between(blocks, runs[-1][-1], i):
                runs[-1].append(i)
            else:
                runs.append([i])
    found: dict[int, list[Block]] = {}
    for run in runs:
        items = [
            (k, item, opener)
            for k in run
            for item, opener in zip(list_items(blocks[k].tokens), item_openers(blocks[k].tokens))
        ]
        if not all(opener.info.isdigit() for _, _, opener in items):
            continue
        markers = [int(opener.info) for _, _, opener in items]
        if sum(1 for m in markers[1:] if m == 1) < 2:
            continue
        out: dict[int, list[Block]] = {k: [] for k in run}
        levels: list[int] = []  # the last number written at each level, outermost first
        previous_title = False
        for n, (k, item, opener) in enumerate(items):
            block, marker = blocks[k], markers[n]
            base = block.tokens[0].map[0] if block.tokens[0].map else 0
            line = block.line + ((opener.map[0] if opener.map else base) - base)
            title = ""
            if len(item) >= 3 and item[0].type == "paragraph_open" and item[1].type == "inline":
                children, lead, _ = title_lead(item[1].children or [])
                if children is not None and not lead:
                    title = render_inline(children).strip()
            last_of_list = n + 1 == len(items) or items[n + 1][0] != k
            heads = (n + 1 < len(items) and markers[n + 1] == 1) or len(item) > 3 or (
                last_of_list and k + 1 < len(blocks) and is_code(blocks[k + 1])
            )
            if title and heads and is_heading_text(
                title, allow_period=is_title_case(title) or len(title.split()) <= 8, max_words=MAX_BOLD_WORDS
            ):
                # A title carries on the shallowest numbering it can, or opens one under a title.
                depth = next((d for d, last in enumerate(levels) if marker > last), None)
                if depth is None:
                    depth = len(levels) if previous_title else max(len(levels) - 1, 0)
                del levels[depth:]
                levels.append(marker)
                heading = Block("line", f"{opener.info}{opener.markup} {title}", line, rank=depth + 1)
                heading.rule = "title in a numbered outline flattened into lists"
                out[k].append(heading)
                body = render_blocks(item[3:])
                if body:
                    out[k].append(Block("other", "\n".join(body), line))
                previous_title = True
                continue
            # A clause carries on the innermost numbering it can, or starts one under a title.
            if previous_title and marker == 1:
                levels.append(marker)
            else:
                depth = next((d for d in range(len(levels) - 1, -1, -1) if marker > levels[d]), None)
                if depth is not None:
                    del levels[depth + 1 :]
                    levels[depth] = marker
            lines = render_blocks(item)
            prefix = f"{opener.info}{opener.markup} "
            body = [prefix + lines[0], *lines[1:]] if lines else [prefix.strip()]
            out[k].append(Block("other", "\n".join(body), line))
            previous_title = False
        if any(b.rank for blocks_of in out.values() for b in blocks_of):
            found.update(out)
    return found


def _cut_off_between(blocks: Sequence[Block], start: int, end: int) -> int:
    """How many blocks between two lists are indented paragraphs cut off from the first list's
    last item (all of them, or 0 when anything else stands between)."""
    between = blocks[start + 1 : end]
    return len(between) if between and all(is_code(b) for b in between) else 0


def _numbered_items(block: Block, last_number: int | None) -> tuple[list[Block], int | None]:
    """Items of a list that open with a bold title and count on a sequence (``7. **PERSONAL
    INFORMATION WE COLLECT**``, ``1. **4. Termination.**`` between lettered clauses): those items
    are sections, nested lists of such items their subsections, the other items the text under
    them. Nothing when no item is such a title. Heading ranks are relative (1 = this list)."""
    base = block.tokens[0].map[0] if block.tokens[0].map else 0
    out, number, standalone = _list_titles(block.tokens, block.line - base, 1, last_number)
    # Titles that only run into their text (numbered rules, numbered clauses) are sections only
    # when they carry on a sequence that has standing titles too.
    if not any(b.rank for b in out) or (not standalone and last_number is None):
        return [], last_number
    return out, number


def _list_titles(
    tokens: Sequence[Token], shift: int, rank: int, last_number: int | None
) -> tuple[list[Block], int | None, bool]:
    """(blocks, last top-level number, whether a title stood on its own line) for one list."""
    ordered = tokens[0].type == "ordered_list_open"
    openers = item_openers(tokens)
    out: list[Block] = []
    top, sub = last_number, None  # numbers of the last title at this level and one below
    standalone = False
    for item, opener in zip(list_items(tokens), openers):
        line = shift + (opener.map[0] if opener.map else 0)
        title_children: list[Token] | None = None
        lead = ""
        if len(item) >= 3 and item[0].type == "paragraph_open" and item[1].type == "inline":
            title_children, lead, _ = title_lead(item[1].children or [])
        title = render_inline(title_children).strip() if title_children else ""
        own = dotted(split_number(title)[0])
        marker = int(opener.info) if ordered and opener.info.isdigit() else None
        number = own[0] if len(own) == 1 else marker
        level = 0
        if (
            title_children
            and number is not None
            and emphasised(title_children)
            and (len(own) == 1 or not lead)  # a run-in title carries its own number
            and is_heading_text(title, allow_period=True, max_words=MAX_BOLD_WORDS)
        ):
            if top is None or number > top:  # counts on (list markers may skip)
                level, top, sub = rank, number, None
            elif (sub is None and number == 1) or (sub is not None and number == sub + 1):
                level, sub = rank + 1, number  # a numbering that starts again below the last title
        if level:
            text = title if own or not ordered else f"{opener.info}{opener.markup} {title}"
            heading = Block("line", text, line, emphasis=True, rank=level)
            heading.rule = "list item opening with a numbered bold section title" + (" (run-in)" if lead else "")
            out.append(heading)
            standalone = standalone or not lead
            number_word = [f"{opener.info}{opener.markup}"] if ordered and own else []  # a word too
            out += _item_body(number_word + ([lead] if lead else []), item[3:], shift, level + 1, line)
        else:
            lines = render_blocks(item)
            prefix = f"{opener.info}{opener.markup} " if ordered else "\u2022 "
            body = [prefix + lines[0], *lines[1:]] if lines else [prefix.strip()]
            out.append(Block("other", "\n".join(body), line))
    return out, top, standalone


def _item_body(first: list[str], tokens: Sequence[Token], shift: int, rank: int, line: int) -> list[Block]:
    """The text under a list-item title; nested lists of numbered bold titles are its subsections."""
    out: list[Block] = []
    pending = list(first)
    k = 0
    while k < len(tokens):
        token = tokens[k]
        end = block_end(tokens, k)
        if token.type in ("ordered_list_open", "bullet_list_open"):
            nested, _, _ = _list_titles(tokens[k:end], shift, rank, None)
            if any(b.rank for b in nested):
                if pending:
                    out.append(Block("other", "\n".join(pending), line))
                    pending = []
                out += nested
                k = end
                continue
        pending += render_blocks(tokens[k:end])
        k = end
    if pending:
        out.append(Block("other", "\n".join(pending), line))
    return out


def _whole_list_sections(
    block: Block, blocks: list[Block], i: int, last_number: int | None
) -> tuple[list[Block], int | None]:
    """Sections written as a list: every item opens with a title line and either holds its text or
    is the list's only item with the text following (``1. Introduction`` then paragraphs). Ordered
    items must count on from the previous such item. Returns the heading and text blocks (heading
    rank 1, placed by the caller) and the last item number, or no blocks for a plain list."""
    items = list_items(block.tokens)
    ordered = block.tokens[0].type == "ordered_list_open"
    following = next_block(blocks, i)
    lone = len(items) == 1 and following is not None and following.kind != "heading" and (
        following.kind != "line" or is_prose(following.text)
    )
    # A plain item after a lead-in ("We remove accounts that:") finishes its sentence.
    after_lead_in = i > 0 and blocks[i - 1].kind == "line" and blocks[i - 1].text.endswith(":")
    openers = item_openers(block.tokens)
    base = block.tokens[0].map[0] if block.tokens[0].map else 0
    out: list[Block] = []
    number = last_number
    standalone = False
    for item, opener in zip(items, openers):
        if len(item) < 3 or item[0].type != "paragraph_open" or item[1].type != "inline":
            return [], last_number
        children = item[1].children or []
        title_children, lead, own_line = title_lead(children)
        if title_children is None or link_item(item):  # a link alone names another page: no section
            return [], last_number
        # In a bullet list a bold title on a line of its own over its text is a section title;
        # in a numbered list the numbering decides (a numbered rule may be set the same way).
        own_line = own_line and not ordered
        title = render_inline(title_children).strip()
        rest = item[3:]
        emphasis = emphasised(title_children)
        alone = lone and (emphasis or not after_lead_in)
        # A longer plain item is a sentence (a principle, a rule), unless it stands alone over
        # its paragraphs (``1. Establish rules for ...`` then its text): a numbered title.
        standing = alone and ordered and not lead
        shaped = is_heading_text(
            title, allow_period=len(title.split()) <= 8,
            max_words=MAX_BOLD_WORDS if emphasis or standing else 10,
        )
        if (not rest and not alone and not lead) or not shaped:
            marker = int(opener.info) if opener.info.isdigit() else None
            if standing and marker is not None and marker == (last_number or 0) + 1:
                return [], marker  # too long for a title, yet it counts in the numbering
            return [], last_number
        own = dotted(split_number(title)[0])
        if lead and not own_line and len(own) != 1:  # a run-in title must carry its section number
            return [], last_number
        if ordered or own:
            # The number the title shows counts, else the list marker (markers may skip).
            marker = own[0] if len(own) == 1 else int(opener.info) if opener.info.isdigit() else 0
            if marker != (1 if number is None else number + 1):  # a sequence starts at 1
                return [], last_number
            number = marker
            if ordered and not own:
                title = f"{opener.info}{opener.markup} {title}"
        line = block.line + (item[0].map[0] - base if item[0].map else 0)
        heading = Block("line", title, line, emphasis=emphasis, rank=1)
        heading.rule = "list item that holds a section title" + (" (run-in)" if lead and not own_line else "")
        out.append(heading)
        number_word = [f"{opener.info}{opener.markup}"] if ordered and own else []  # kept: it is a word too
        body = _item_body(number_word + ([lead] if lead else []), rest, block.line - base, 2, line)
        out += [b for b in body if b.rank or b.text.strip()]
        standalone = standalone or not lead or own_line
    if not standalone and last_number is None:  # only run-in titles: numbered rules, not sections
        return [], last_number
    return out, number
