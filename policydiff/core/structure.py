"""Recover a policy's structure from markdown-it-py's tokens: headings, title and metadata.

Every input is parsed by markdown-it-py first (CommonMark with tables). What the markup declares is
trusted: ATX and setext headings are headings at their declared level. What it does not declare is
recovered by rules on block tokens and their inline children, never on particular wordings:

* a top-level paragraph line that is all bold or italic and shaped like a title heads the text
  below it; a numbered title line (``1. Introduction``, ``4.1 Account details``) must continue the
  numbering it stands in;
* a list item that holds only a title, followed by its text, is a numbered section written as a list;
* a short question over a list is a heading (Q&A style);
* a short plain line over prose is a heading (pages that lost their markup, sub-headings the
  markup left plain); a one-column table under a title is a boxed note, not sections;
* tables of contents (links to ``#anchors``, or entries repeating headings that follow), repeated
  labels ("In short"), link-only lines and date stamps are never sections.

A text with no markup at all is judged line by line by :mod:`policydiff.core.plaintext` and comes
back as markdown with declared headings. Nothing is ever dropped: a line set aside as metadata
(provenance, navigation, table of contents, page title, date stamp) stays in the section it stands
in and is compared like any other text; ``Document.omitted`` says why it was set aside, and
``Document.decisions`` why each heading is one and each heading-like line is not.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from policydiff.core import collector
from policydiff.core.model import Decision, Document, OmittedLine
from policydiff.core.plaintext import NAVIGATION_RE, plain_to_markdown
from policydiff.core.sections import Entry, build_tree, render_blocks, render_inline, split_number
from policydiff.core.shapes import (
    Numbering,
    dotted,
    find_date,
    is_date_stamp,
    is_heading_text,
    is_title_case,
    is_prose,
    title_key,
)
from policydiff.core.webpage import html_to_markdown, is_web_page

# Nesting limit far above any real document (the preset's 20 silently drops deeper text); a text
# nested deeper than Python's recursion allows is read as plain text instead, losing nothing.
_MD = MarkdownIt("commonmark", {"maxNesting": 10_000}).enable("table")


def _as_written(url: str) -> str:
    return url


# Link targets are never shown or followed, only looked at (anchors, a provenance address): the
# parser's URL percent-encoding (a quarter of its time on link-heavy pages) is not needed.
_MD.normalizeLink = _as_written  # type: ignore[method-assign]
# The markdown plain_to_markdown writes escapes every mark that could open another kind of block:
# only its headings, "- " items and paragraphs occur, so the other block rules (a fifth of the
# parse) are not tried on it. The tokens are the same as the full parser's, unless a carriage
# return (a line break to the parser, not to plain_to_markdown) starts a line it did not escape.
_PLAIN_MD = MarkdownIt("commonmark", {"maxNesting": 10_000}).disable(
    ["code", "fence", "blockquote", "hr", "reference", "html_block", "lheading"]
)
_PROVENANCE_RE = re.compile(r"\b(?:extracted|archived|retrieved|snapshot)\b", re.IGNORECASE)
_ARCHIVED_RE = re.compile(r"archived on (\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_TITLE_BAR_RE = re.compile(r"\s[|:\u00bb\u203a]\s|[\s)](?:-|\u2013|\u2014)\s")
_ATX_RE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT_RE = re.compile(r"^ {0,3}(?:={3,}|-{3,})\s*$")
_INDENTED_ITEM_RE = re.compile(r"^\s{2,}(?:[*+\-]|\d{1,3}[.)])\s")
_SPACED_BULLET_RE = re.compile(r"^\*\s{2,}\S")
_TABLE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
_DIGIT_RE = re.compile(r"\d")
_MAX_BOLD_WORDS = 16
_DEBRIS_RE = re.compile(r"[\s|:\-\u2022\u00b7*=_~#\u00a0]*")


@dataclass
class _Block:
    """One top-level unit of the token stream: a declared heading, one line of a paragraph, a list,
    or another block (table, quote, code, HTML), with what the rules decide about it."""

    kind: str
    """``heading`` (declared), ``line`` (a hard line of a top-level paragraph), ``list``, ``other``."""
    text: str
    """Plain text: the line or heading; for lists and other blocks, their rendered lines."""
    line: int
    """0-based markdown line."""
    level: int = 0
    """Declared heading level."""
    setext: bool = False
    detached: bool = False
    """A setext heading whose underline a blank line cut off (read as a rule by the parser)."""
    emphasis: bool = False
    """The whole line is bold or italic."""
    link_only: bool = False
    """The whole line is one or more links."""
    paragraph_start: bool = True
    """The line starts its paragraph (a later hard line of a paragraph continues it)."""
    tokens: Sequence[Token] = ()
    """The block's tokens (lists and other blocks)."""
    rank: int = 0
    """Heading rank once decided; 0 for text."""
    rule: str = ""
    """Why this is a heading, or why a heading-like line is not one."""
    metadata: str = ""
    """Why the block is set aside as metadata (still compared where it stands)."""
    items: Sequence[_Block] = ()
    """For a list whose items are sections: one heading block per item, then its text."""


def parse_document(
    text: str, *, name: str = "<text>", path: str | None = None, sha256: str = "", encoding: str = "utf-8"
) -> Document:
    """Recover the structure of a policy text (markdown, plain text or a saved web page)."""
    with collector.paused():  # its tokens and blocks form no cycles
        return _parse_document(text, name=name, path=path, sha256=sha256, encoding=encoding)


def _parse_document(text: str, *, name: str, path: str | None, sha256: str, encoding: str) -> Document:
    page_title = None
    line_map: Sequence[int] | None = None
    set_aside: list[tuple[int, str, str]] = []
    parser = _MD
    if is_web_page(text, name):
        markdown, line_map, page_title = html_to_markdown(text)  # converted once, never again
        undeclared = True
    elif looks_like_markdown(text):
        markdown, undeclared = text, True
    else:
        markdown, line_map, set_aside = plain_to_markdown(text)
        undeclared, parser = False, _MD if "\r" in markdown else _PLAIN_MD
    try:
        tokens = parser.parse(markdown)
    except RecursionError:  # nested deeper than the parser can follow: every line as plain text
        markdown, line_map, set_aside = plain_to_markdown(text)
        tokens, undeclared = _MD.parse(markdown), False

    def source(line: int) -> int:
        """1-based file line of a 0-based markdown line."""
        if line_map is None:
            return line + 1
        return line_map[line] if 0 <= line < len(line_map) else (line_map[-1] if line_map else 1)

    blocks = _blocks(tokens, markdown.split("\n"))
    source_url, archived = _provenance(blocks)
    title_block = _find_title(blocks)
    _classify(blocks, title_block, undeclared)
    title = blocks[title_block].text if title_block is not None else None
    entries: list[Entry] = []
    reading: list[str] = []
    for i, block in enumerate(blocks):
        if i == title_block:
            reading.append(block.text)
            continue
        for part in block.items or [block]:
            if part.rank:
                entries.append(Entry(part.text, source(part.line), part.rank))
                reading.append(part.text)
            else:
                lines = _body_lines(part)
                entries.extend(Entry(line, source(part.line)) for line in lines)
                reading.extend(lines)
    if title is None and page_title:
        reading.insert(0, page_title)
    title = title or page_title
    preamble, sections = build_tree(entries, title or "")
    omitted = [OmittedLine(line, raw, reason) for line, raw, reason in set_aside]
    omitted += [OmittedLine(source(b.line), b.text, b.metadata) for b in blocks if b.metadata]
    decisions = tuple(
        Decision(source(part.line), part.text, bool(part.rank), part.rule)
        for block in blocks
        for part in (block.items or [block])
        if part.rule
    )
    return Document(
        name=name,
        path=path,
        title=title,
        date=find_date([b.text for b in blocks]),
        source=source_url,
        archived=archived,
        preamble=preamble,
        sections=sections,
        omitted=tuple(sorted(omitted, key=lambda o: o.line)),
        decisions=decisions,
        reading="\n".join(reading),
        sha256=sha256,
        encoding=encoding,
    )


def looks_like_markdown(text: str) -> bool:
    """Markdown if the text uses markdown's own block or inline syntax somewhere."""
    previous = ""
    for line in text.split("\n"):
        if _ATX_RE.match(line) or line.startswith(">") or "**" in line or "](" in line:
            return True
        if _INDENTED_ITEM_RE.match(line) or _SPACED_BULLET_RE.match(line):
            return True
        if "\\." in line or (line.endswith("  ") and line.strip()):
            return True
        if _SETEXT_RE.match(line) and previous.strip() and not _SETEXT_RE.match(previous):
            return True
        if _TABLE_ROW_RE.match(line) and "|" in line.strip()[1:-1]:
            return True
        previous = line
    return False


# ------------------------------------------------------------------------------------------------
# Tokens to blocks


def _blocks(tokens: Sequence[Token], lines: Sequence[str], offset: int = 0, depth: int = 0) -> list[_Block]:
    """Top-level blocks of a token stream parsed from ``lines``, whose first line is markdown line
    ``offset`` of the document."""
    blocks: list[_Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        line = offset + token.map[0] if token.map else (blocks[-1].line if blocks else offset)
        own = lines[token.map[0] : token.map[1]] if token.map else []
        if token.map and depth < 3 and (
            (token.type == "table_open" and _is_layout_table(tokens, i))
            or (token.type == "heading_open" and token.markup in "=-" and own[0].lstrip().startswith("|"))
            or (token.type == "paragraph_open" and token.level == 0 and any(_is_pipe_debris(row) for row in own))
        ):
            # Pipes and rules of a table used for page layout (or of one that lost its table) hold
            # the page's text: read the cells as lines of text. A table's rows end their lines (a
            # hard break each); a paragraph's lines stay as written.
            table = token.type == "table_open"
            inner = [
                "" if _RULE_ROW_RE.match(row) else _LAYOUT_PIPES_RE.sub("", row).rstrip() + "  " if table
                else _LAYOUT_PIPES_RE.sub("", row)
                for row in own
            ]
            blocks += _blocks(_MD.parse("\n".join(inner)), inner, line, depth + 1)
            i = _block_end(tokens, i)
            continue
        if token.type == "blockquote_open" and token.map and depth < 3:
            end = _block_end(tokens, i)
            if any(t.type == "heading_open" for t in tokens[i:end]):
                # A quoted box that declares headings (a schedule set in a frame) holds sections:
                # read it unquoted, so its headings count like any other declared heading.
                inner = [_QUOTE_RE.sub("", row) for row in own]
                blocks += _blocks(_MD.parse("\n".join(inner)), inner, line, depth + 1)
                i = end
                continue
        if token.type == "heading_open":
            inline = tokens[i + 1]
            text = render_inline(inline.children or []).strip().replace("\n", " ")
            blocks.append(
                _Block("heading", text, line, level=int(token.tag[1]), setext=token.markup in ("=", "-"),
                       link_only=_link_only(inline.children or []))
            )
            i += 3
            continue
        if token.type == "paragraph_open" and token.level == 0:
            inline = tokens[i + 1]
            rule = tokens[i + 3] if i + 3 < len(tokens) else None
            detached = rule is not None and _detached_underline(token, rule, lines)
            title = render_inline(inline.children or []).strip() if detached else ""
            if rule is not None and title and is_heading_text(title, allow_period=False, max_words=_MAX_BOLD_WORDS):
                blocks.append(
                    _Block("heading", title, line,
                           level=1 if rule.markup.startswith("=") else 2, setext=True, detached=True)
                )
                i += 4
                continue
            for k, (shift, whole) in enumerate(_hard_lines(inline.children or [])):
                for part, children in enumerate(_unglued(whole)):
                    text = render_inline(children).strip()
                    if text:
                        blocks.append(
                            _Block("line", text, line + shift, emphasis=_emphasised(children),
                                   link_only=_link_only(children), paragraph_start=k == 0 or part > 0)
                        )
            i += 3
            continue
        end = _block_end(tokens, i)
        if token.type == "hr":
            i = end
            continue
        kind = "list" if token.type in ("bullet_list_open", "ordered_list_open") else "other"
        block_tokens = list(tokens[i:end])
        text = "\n".join(render_blocks(block_tokens))
        if text.strip():
            blocks.append(_Block(kind, text, line, tokens=block_tokens))
        i = end
    return blocks


def _detached_underline(paragraph: Token, rule: Token, lines: Sequence[str]) -> bool:
    """A one-line paragraph, a blank line or two, then a rule of dashes (or equals signs) as long as
    the line or up to four longer: a setext heading whose converter wrote a line break at the end
    of the title, which a blank line then cut off from its underline (a horizontal rule is written
    ``* * *`` by the same converters, and its length has nothing to do with the line above)."""
    if rule.type != "hr" or not paragraph.map or not rule.map:
        return False
    start, end = paragraph.map
    if end - start != 1 or not 0 < rule.map[0] - end <= 3:
        return False
    underline, title = lines[rule.map[0]].strip(), lines[start].strip()
    return len(set(underline)) == 1 and underline[0] in "-=" and 0 <= len(underline) - len(title) <= 4


def _unglued(children: list[Token]) -> list[list[Token]]:
    """A line, or the sentence and the numbered bold title glued onto its end when a page's
    conversion lost the break between them (``... applicable law.21. **12. Indemnity.**``)."""
    end = len(children)
    while end and children[end - 1].type == "text" and not children[end - 1].content.strip():
        end -= 1
    if end < 4 or children[end - 1].type != "strong_close":
        return [children]
    start = max(k for k, c in enumerate(children[:end]) if c.type == "strong_open")
    before = render_inline(children[:start]).rstrip()
    title = render_inline(children[start:]).strip()
    if not _GLUED_END_RE.search(before) or not dotted(split_number(title)[0]):
        return [children]
    return [children[:start], children[start:]]


_GLUED_END_RE = re.compile(r"\w[.!?]['\u2019\u201d\")]?(?:\d{1,3}\.)?$")
"""A sentence's end, perhaps with the list marker that the lost break left on it (``law.21.``)."""
_QUOTE_RE = re.compile(r"^\s{0,3}> ?")
_LAYOUT_PIPES_RE = re.compile(r"^\s*(?:\|\s*)+|(?:\s*\|)+(?=\s*$)")
_RULE_ROW_RE = re.compile(r"^[\s|:\-]*-[\s|:\-]*$")


def _is_pipe_debris(row: str) -> bool:
    """A line of a paragraph that is really a row of a layout table: it starts or ends with a cell
    pipe, or is a table rule."""
    stripped = row.strip()
    return stripped.startswith("|") or stripped.endswith("|") or bool(_RULE_ROW_RE.match(row) and "|" in row)


def _is_layout_table(tokens: Sequence[Token], start: int) -> bool:
    """A table that lays out a page rather than holding data: one column under no title (a titled
    one is a boxed note), an empty or prose header row, or a first column left empty (indentation
    cells) in half the rows or more."""
    rows: list[list[str]] = []
    for k in range(start, len(tokens)):  # by index: a slice would copy every token after the table
        token = tokens[k]
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(token.content.replace("\u00a0", " ").strip())
        elif token.type == "table_close":
            break
    if rows and len(rows[0]) == 1 and 0 < len(rows[0][0].split()) <= 12:
        return False  # a boxed note: its title heads the box, not a section
    if not rows or len(rows[0]) <= 1 or not any(rows[0]):
        return True
    if any(len(cell.split()) > 12 for cell in rows[0]):  # a data table's header holds short labels
        return True
    empty_first = sum(1 for row in rows if row and not row[0])
    return empty_first * 2 >= len(rows)


def _block_end(tokens: Sequence[Token], start: int) -> int:
    """Index after the block that opens at ``start`` (a leaf block ends at once)."""
    if tokens[start].nesting == 0:
        return start + 1
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j + 1
    return len(tokens)


def _hard_lines(children: Sequence[Token]) -> list[tuple[int, list[Token]]]:
    """An inline run cut at hard line breaks, each piece with its line offset in the paragraph."""
    pieces: list[tuple[int, list[Token]]] = [(0, [])]
    offset = 0
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            offset += 1
        if child.type == "hardbreak":
            pieces.append((offset, []))
        else:
            pieces[-1][1].append(child)
    return [(o, c) for o, c in pieces if c]


def _emphasised(children: Sequence[Token]) -> bool:
    """Every visible character of the line is inside bold or italic markup."""
    depth, seen = 0, False
    for child in children:
        if child.type in ("strong_open", "em_open"):
            depth += 1
        elif child.type in ("strong_close", "em_close"):
            depth -= 1
        elif child.type in ("text", "code_inline") and child.content.strip():
            if depth <= 0 and child.content.strip(" :.\u00a0"):
                return False
            seen = seen or depth > 0
    return seen


def _link_only(children: Sequence[Token]) -> bool:
    """Every visible character of the line is link text or an image's text (or there is none)."""
    depth, links = 0, 0
    for child in children:
        if child.type == "link_open":
            depth += 1
            links += 1
        elif child.type == "link_close":
            depth -= 1
        elif child.type == "image":
            links += 1
        elif child.type in ("text", "code_inline") and child.content.strip() and depth <= 0:
            if child.content.strip(" |\u00b7\u2022-"):
                return False
    return links > 0


def _body_lines(block: _Block) -> list[str]:
    """The block's text lines; lines of table rules, pipes and bullet glyphs alone carry no word."""
    return [line for line in block.text.split("\n") if line.strip() and not _DEBRIS_RE.fullmatch(line)]


def _next(blocks: Sequence[_Block], i: int) -> _Block | None:
    """The next block with a word in it (debris between a heading and its text does not count)."""
    k = _next_index(blocks, i)
    return None if k is None else blocks[k]


def _next_index(blocks: Sequence[_Block], i: int) -> int | None:
    for k in range(i + 1, len(blocks)):  # by index: slicing would copy the rest each time
        if any(c.isalnum() for c in blocks[k].text):
            return k
    return None


def _carries_on(text: str) -> bool:
    """The text starts in lower case: the sentence of the line above goes on (a line cut by a
    page's width), where a heading's text starts a sentence of its own."""
    return text[:1].isalpha() and text[:1].islower()


# ------------------------------------------------------------------------------------------------
# Metadata: provenance and title


def _provenance(blocks: list[_Block]) -> tuple[str | None, str | None]:
    """A leading quoted note saying where the text was taken from is metadata."""
    if not blocks or blocks[0].kind != "other" or not blocks[0].tokens:
        return None, None
    first = blocks[0]
    if first.tokens[0].type != "blockquote_open" or not _PROVENANCE_RE.search(first.text):
        return None, None
    first.metadata = "provenance"
    links = [t.attrGet("href") for t in _inline_children(first.tokens) if t.type == "link_open"]
    url = next((str(href) for href in links if href and str(href).startswith("http")), None)
    archived = _ARCHIVED_RE.search(first.text)
    return url, archived.group(1) if archived else None


def _inline_children(tokens: Sequence[Token]) -> list[Token]:
    return [child for t in tokens if t.type == "inline" for child in (t.children or [])]


def _find_title(blocks: list[_Block]) -> int | None:
    """The document's own name: the first heading when it outranks every other, else the last of
    the short lines that open a page before its first prose. A browser title-bar text
    (``Privacy | NEC``) gives way to a name line right below it."""
    start = 1 if blocks and blocks[0].metadata == "provenance" else 0
    headings = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    title: int | None = None
    first = headings[0] if headings else None
    if first is not None:
        level = blocks[first].level
        others = [blocks[j].level for j in headings[1:]]
        prose_before = any(blocks[j].kind != "heading" and is_prose(blocks[j].text) for j in range(start, first))
        # A first heading with no text of its own, the next one at its level right below it,
        # names the page ("Snap Advertising Policies" over "1. Introduction").
        empty_first = first == start and first + 1 < len(blocks) and blocks[first + 1].kind == "heading" and (
            blocks[first + 1].level == level
        )
        if (level == 1 and 1 not in others) or (
            not prose_before and (level == 1 or all(other > level for other in others) or empty_first)
        ):
            title = first
    if title is None:
        shorts: list[int] = []
        for j in range(start, len(blocks)):
            block = blocks[j]
            if block.kind != "line" or not _short_line(block.text) or split_number(block.text)[0]:
                break
            if is_date_stamp(block.text) or block.link_only or not any(c.isalpha() for c in block.text):
                continue
            shorts.append(j)
        if not shorts:
            return None
        *navigation, title = shorts
        for j in navigation:
            blocks[j].metadata = "navigation"
    assert title is not None
    for j in range(start, title):  # short lines above a title heading: breadcrumbs, site names
        if blocks[j].kind == "line" and not blocks[j].metadata and not is_prose(blocks[j].text):
            blocks[j].metadata = "navigation"
    below = title + 1
    if _TITLE_BAR_RE.search(blocks[title].text) and below < len(blocks):
        name = blocks[below]
        after = blocks[below + 1] if below + 1 < len(blocks) else None
        holds_rest = name.kind == "heading" and all(
            b.level > name.level for b in blocks[below + 1 :] if b.kind == "heading"
        )
        name_line = name.kind == "line" and _short_line(name.text) and not name.text.startswith("(")
        if (holds_rest or name_line) and after is not None and after.kind != "heading" and is_prose(after.text):
            if not is_date_stamp(name.text):
                blocks[title].metadata = "page title (browser title bar)"
                title = below
    return title


def _short_line(text: str) -> bool:
    return len(text) <= 100 and 0 < len(text.split()) <= 12 and text[-1] not in ",;:"


# ------------------------------------------------------------------------------------------------
# Headings the markup does not declare


def _classify(blocks: list[_Block], title: int | None, undeclared: bool) -> None:
    """Decide which blocks are headings, at which rank, and why."""
    declared = [
        b for i, b in enumerate(blocks)
        if b.kind == "heading" and i != title and b.text and not is_date_stamp(b.text)
    ]
    top_declared = min((b.level for b in declared), default=2)
    label_counts = Counter(title_key(b.text) for b in blocks if b.kind == "line" and b.emphasis)
    later = _later_heading_keys(blocks, title)
    numbering = Numbering()
    anchor_rank, anchor_depth = top_declared - 1, 0  # the heading pseudo-headings sit under
    declared_rank = anchor_rank  # the last declared heading's rank (chapters sit under it)
    numbered_rank = 0  # rank of the last numbered pseudo-heading under the current anchor
    letter: tuple[str, int] | None = None  # the last lettered title (``c.``) and its rank
    item_number: int | None = None  # number of the last list item taken for a section title
    flattened: dict[int, list[_Block]] | None = None  # worked out on the first list that needs it
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
                following = _next(blocks, i)
                if following is None or following.kind != "line" or not is_heading_text(
                    following.text, allow_period=False, max_words=_MAX_BOLD_WORDS
                ):
                    continue
                if empty_labels[title_key(following.text)] >= 3:
                    # The line below is a label every such heading repeats ("Highlights"): the
                    # title is the line standing above the empty heading, if any.
                    above = blocks[i - 1] if i > 0 else None
                    if above is None or above.kind != "line" or above.metadata or above.rank or not is_heading_text(
                        above.text, allow_period=False, max_words=_MAX_BOLD_WORDS
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
            if _is_contents(block, blocks, i, later):
                block.metadata = "table of contents"
                continue
            items, item_number = _item_sections(block, blocks, i, item_number)
            if not items and block.tokens[0].type == "ordered_list_open":
                if flattened is None:
                    flattened = _flattened_outlines(blocks)
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
        verdict = _line_heading(block, blocks, i, numbering, label_counts, later)
        if verdict is None:
            if _continues_items(block, item_number):  # list-item sections numbered on in a bold line
                block.rule = "bold numbered title continuing the list-item sections"
                block.rank = min((numbered_rank or anchor_rank) + 1, 6)
                item_number = (item_number or 0) + 1
            continue
        kind, depth = verdict
        following = _next(blocks, i)
        if kind == "line" and following is not None and following.kind == "list" and _opens_with_anchors(following):
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
                block.rank = _numbered(depth, anchor_rank, anchor_depth)
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


def _continues_items(block: _Block, item_number: int | None) -> bool:
    """A bold title numbered one on from the last list item taken for a section (``12.`` after the
    item ``11. Warranty Disclaimers.``): the next section, written outside the list."""
    number, rest = split_number(block.text)
    return (
        block.emphasis
        and item_number is not None
        and dotted(number) == (item_number + 1,)
        and is_heading_text(rest, allow_period=True, max_words=_MAX_BOLD_WORDS)
    )


def _opens_numbering(block: _Block | None) -> bool:
    """The block is a title numbered 1 (``1. Definitions``): the first of a numbered sequence."""
    return (
        block is not None
        and block.kind == "line"
        and dotted(split_number(block.text)[0]) == (1,)
        and is_heading_text(split_number(block.text)[1], allow_period=True)
    )


def _numbered(depth: int, anchor_rank: int, anchor_depth: int) -> int:
    """Rank of a numbered pseudo-heading: nested by its numbering below the declared heading it is
    in (``4.1`` under a declared ``4.`` is one deeper; a bare ``5.`` after it is its sibling)."""
    return max(1, min(anchor_rank + depth - anchor_depth if anchor_depth else anchor_rank + depth, 6))


def _later_heading_keys(blocks: list[_Block], title: int | None) -> dict[str, int]:
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


def _line_heading(
    block: _Block,
    blocks: list[_Block],
    i: int,
    numbering: Numbering,
    label_counts: Counter[str],
    later: dict[str, int],
) -> tuple[str, int] | None:
    """("numbered", depth), ("parent", 0) or ("line", 0) when the paragraph line is a heading; None otherwise
    (with the reason in ``block.rule`` when the line looked like one)."""
    text = block.text
    following = _next(blocks, i)
    number, rest = split_number(text)
    # A bold line ending in a colon heads a paragraph (a heading) or introduces a list (a lead-in),
    # unless it is written as a title ("Creator Conduct Requirements:" over the rules).
    colon_title = block.emphasis and text.endswith(":") and following is not None and (
        following.kind == "line" or is_title_case(text[:-1])
    )
    shape = text[:-1] if colon_title else text
    heading_shaped = (
        is_heading_text(shape, allow_period=len(shape.split()) <= 8, max_words=_MAX_BOLD_WORDS)
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
        if following.kind == "line" and following.emphasis and _short_line(following.text):
            block.rule = "bold line over another bold line (a run of labels)"
            return None
        if i >= 2 and all(
            b.kind == "line" and b.emphasis and _short_line(b.text) and not b.rank for b in blocks[i - 2 : i]
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
    if following.kind == "line" and _carries_on(following.text):
        block.rule = "line whose sentence goes on below it (cut by the page's width)"
        return None
    if (following.kind == "list" and not is_prose(text) or following.kind == "line" and is_prose(following.text)):
        if not block.paragraph_start and len(text.split()) <= 2 and i > 0 and not is_prose(blocks[i - 1].text):
            block.rule = "line of a block of short lines (an address, a signature)"
            return None
        block.rule = "short plain line over prose"
        return "line", 0
    return None


def _over_subsection(blocks: Sequence[_Block], i: int, following: _Block) -> bool:
    """The line after block ``i`` is a short plain title over prose (``On Meta Products`` below
    ``How is your information shared?``): block ``i`` heads it and its siblings."""
    if following.kind != "line" or following.emphasis or following.text.endswith("?") or not is_heading_text(
        following.text, allow_period=False
    ) or _DIGIT_RE.search(following.text):
        return False
    at = _next_index(blocks, i)
    after = _next(blocks, at) if at is not None else None
    return after is not None and after.kind == "line" and is_prose(after.text) and not _carries_on(after.text)


def _next_number(blocks: Sequence[_Block], i: int, reach: int = 200) -> tuple[int, ...]:
    """The number of the next numbered title-shaped line after block ``i`` (within ``reach``)."""
    for k in range(i + 1, min(i + 1 + reach, len(blocks))):
        if blocks[k].kind == "line":
            number, rest = split_number(blocks[k].text)
            if number is not None and is_heading_text(rest, allow_period=True):
                return dotted(number)
    return ()


def _sibling_of_previous(number: str, blocks: Sequence[_Block], i: int) -> bool:
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


def _followed_by_text_or_child(block: _Block, following: _Block | None, number: str) -> bool:
    """A numbered heading heads text or its own first subsection (``12.`` then ``12.1``), never a
    sibling: numbered lines with nothing between them are a list or a table of contents."""
    if following is None:
        return False
    if following.kind in ("list", "other"):
        return True
    child, rest = split_number(following.text)
    if child is None:
        return following.kind == "heading" or not _short_line(following.text) or is_prose(following.text)
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


def _anchor_item(item: Sequence[Token]) -> bool:
    hrefs = [str(c.attrGet("href") or "") for c in _inline_children(item) if c.type == "link_open"]
    return bool(hrefs) and all(h.startswith("#") for h in hrefs)


def _bold_titled(item: Sequence[Token]) -> bool:
    """The item opens with a bold title."""
    if len(item) < 2 or item[0].type != "paragraph_open" or item[1].type != "inline":
        return False
    children = [c for c in item[1].children or [] if not (c.type == "text" and not c.content)]
    return bool(children) and children[0].type == "strong_open"


def _opens_with_anchors(block: _Block) -> bool:
    """A list whose first items link to places in the page: a table of contents starts there."""
    items = _items(block.tokens)[:2]
    return len(items) == 2 and all(_anchor_item(item) for item in items)


def _is_contents(block: _Block, blocks: list[_Block], i: int, later: dict[str, int]) -> bool:
    """A list of links to anchors in the page, or of entries repeating headings that follow."""
    items = _items(block.tokens)
    if len(items) < 2:  # one entry is a contents only when it holds more entries below it
        links = [c for item in items for c in _inline_children(item) if c.type == "link_open"]
        return len(links) >= 2 and _anchor_item(items[0])
    anchors = sum(_anchor_item(item) for item in items)
    # Most items, not half: a list may run on from its contents into the sections themselves.
    if anchors * 5 < len(items) * 4 and not _mostly_headings_below(items, i, later):
        return False
    # ... and a list whose contents run on into a bold section title is that section's start too.
    last_anchor = max((k for k, item in enumerate(items) if _anchor_item(item)), default=-1)
    return not any(_bold_titled(item) for item in items[last_anchor + 1 :])


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


def _items(tokens: Sequence[Token]) -> list[list[Token]]:
    """The top-level items of a list, each as its tokens (the item's own open/close excluded)."""
    items: list[list[Token]] = []
    depth = 0
    for token in tokens:
        if token.type == "list_item_open" and depth == 1:
            items.append([])
        elif items and depth >= 2 and not (token.type == "list_item_close" and depth == 2):
            items[-1].append(token)
        depth += token.nesting
    return items


def _title_lead(children: Sequence[Token]) -> tuple[list[Token] | None, str, bool]:
    """An item's first line as (title, text after it, whether the title stands on a line of its
    own): the whole line when it has no break, or a bold run that opens it followed by its text,
    run in (``**5. Appeals.** You can ...``) or on the next line (``**Marketing**`` then a break)."""
    children = [c for c in children if not (c.type == "text" and not c.content)]
    if children and children[0].type == "strong_open":
        close = next((k for k, c in enumerate(children) if c.type == "strong_close"), len(children))
        title = children[: close + 1]
        if close + 1 < len(children) and not any(c.type in ("softbreak", "hardbreak") for c in title):
            lead = render_inline(children[close + 1 :]).strip()
            if len(lead.split()) > 3:  # real text follows, not a stray period
                then = next((c for c in children[close + 1 :] if c.type != "text" or c.content.strip()), None)
                return list(title), lead, then is not None and then.type in ("softbreak", "hardbreak")
    breaks = [k for k, c in enumerate(children) if c.type in ("softbreak", "hardbreak")]
    if breaks:
        # A plain first line ended by a hard break (``Who can use Facebook`` then ``<br>``) over
        # its text; a soft break is a wrapped line, not a title of its own.
        first, text = children[: breaks[0]], render_inline(children[breaks[0] + 1 :]).strip()
        if first and children[breaks[0]].type == "hardbreak" and len(text.split()) > 3:
            return list(first), text, True
        return None, "", False
    return list(children), "", True


def _item_sections(
    block: _Block, blocks: list[_Block], i: int, last_number: int | None
) -> tuple[list[_Block], int | None]:
    """Section titles written as list items: the whole list, or single numbered items in it."""
    out, number = _whole_list_sections(block, blocks, i, last_number)
    if out or number != last_number:
        return out, number
    return _numbered_items(block, last_number)


def _flattened_outlines(blocks: Sequence[_Block]) -> dict[int, list[_Block]]:
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
    found: dict[int, list[_Block]] = {}
    for run in runs:
        items = [
            (k, item, opener)
            for k in run
            for item, opener in zip(_items(blocks[k].tokens), _openers(blocks[k].tokens))
        ]
        if not all(opener.info.isdigit() for _, _, opener in items):
            continue
        markers = [int(opener.info) for _, _, opener in items]
        if sum(1 for m in markers[1:] if m == 1) < 2:
            continue
        out: dict[int, list[_Block]] = {k: [] for k in run}
        levels: list[int] = []  # the last number written at each level, outermost first
        previous_title = False
        for n, (k, item, opener) in enumerate(items):
            block, marker = blocks[k], markers[n]
            base = block.tokens[0].map[0] if block.tokens[0].map else 0
            line = block.line + ((opener.map[0] if opener.map else base) - base)
            title = ""
            if len(item) >= 3 and item[0].type == "paragraph_open" and item[1].type == "inline":
                children, lead, _ = _title_lead(item[1].children or [])
                if children is not None and not lead:
                    title = render_inline(children).strip()
            last_of_list = n + 1 == len(items) or items[n + 1][0] != k
            heads = (n + 1 < len(items) and markers[n + 1] == 1) or len(item) > 3 or (
                last_of_list and k + 1 < len(blocks) and _is_code(blocks[k + 1])
            )
            if title and heads and is_heading_text(
                title, allow_period=is_title_case(title) or len(title.split()) <= 8, max_words=_MAX_BOLD_WORDS
            ):
                # A title carries on the shallowest numbering it can, or opens one under a title.
                depth = next((d for d, last in enumerate(levels) if marker > last), None)
                if depth is None:
                    depth = len(levels) if previous_title else max(len(levels) - 1, 0)
                del levels[depth:]
                levels.append(marker)
                heading = _Block("line", f"{opener.info}{opener.markup} {title}", line, rank=depth + 1)
                heading.rule = "title in a numbered outline flattened into lists"
                out[k].append(heading)
                body = render_blocks(item[3:])
                if body:
                    out[k].append(_Block("other", "\n".join(body), line))
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
            out[k].append(_Block("other", "\n".join(body), line))
            previous_title = False
        if any(b.rank for blocks_of in out.values() for b in blocks_of):
            found.update(out)
    return found


def _openers(tokens: Sequence[Token]) -> list[Token]:
    """The opening tokens of a list's own items (not of the lists nested in them)."""
    return [t for t in tokens if t.type == "list_item_open" and t.level == tokens[0].level + 1]


def _is_code(block: _Block) -> bool:
    return block.kind == "other" and bool(block.tokens) and block.tokens[0].type == "code_block"


def _cut_off_between(blocks: Sequence[_Block], start: int, end: int) -> int:
    """How many blocks between two lists are indented paragraphs cut off from the first list's
    last item (all of them, or 0 when anything else stands between)."""
    between = blocks[start + 1 : end]
    return len(between) if between and all(_is_code(b) for b in between) else 0


def _numbered_items(block: _Block, last_number: int | None) -> tuple[list[_Block], int | None]:
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
) -> tuple[list[_Block], int | None, bool]:
    """(blocks, last top-level number, whether a title stood on its own line) for one list."""
    ordered = tokens[0].type == "ordered_list_open"
    openers = _openers(tokens)
    out: list[_Block] = []
    top, sub = last_number, None  # numbers of the last title at this level and one below
    standalone = False
    for item, opener in zip(_items(tokens), openers):
        line = shift + (opener.map[0] if opener.map else 0)
        title_children: list[Token] | None = None
        lead = ""
        if len(item) >= 3 and item[0].type == "paragraph_open" and item[1].type == "inline":
            title_children, lead, _ = _title_lead(item[1].children or [])
        title = render_inline(title_children).strip() if title_children else ""
        own = dotted(split_number(title)[0])
        marker = int(opener.info) if ordered and opener.info.isdigit() else None
        number = own[0] if len(own) == 1 else marker
        level = 0
        if (
            title_children
            and number is not None
            and _emphasised(title_children)
            and (len(own) == 1 or not lead)  # a run-in title carries its own number
            and is_heading_text(title, allow_period=True, max_words=_MAX_BOLD_WORDS)
        ):
            if top is None or number > top:  # counts on (list markers may skip)
                level, top, sub = rank, number, None
            elif (sub is None and number == 1) or (sub is not None and number == sub + 1):
                level, sub = rank + 1, number  # a numbering that starts again below the last title
        if level:
            text = title if own or not ordered else f"{opener.info}{opener.markup} {title}"
            heading = _Block("line", text, line, emphasis=True, rank=level)
            heading.rule = "list item opening with a numbered bold section title" + (" (run-in)" if lead else "")
            out.append(heading)
            standalone = standalone or not lead
            number_word = [f"{opener.info}{opener.markup}"] if ordered and own else []  # a word too
            out += _item_body(number_word + ([lead] if lead else []), item[3:], shift, level + 1, line)
        else:
            lines = render_blocks(item)
            prefix = f"{opener.info}{opener.markup} " if ordered else "\u2022 "
            body = [prefix + lines[0], *lines[1:]] if lines else [prefix.strip()]
            out.append(_Block("other", "\n".join(body), line))
    return out, top, standalone


def _item_body(first: list[str], tokens: Sequence[Token], shift: int, rank: int, line: int) -> list[_Block]:
    """The text under a list-item title; nested lists of numbered bold titles are its subsections."""
    out: list[_Block] = []
    pending = list(first)
    k = 0
    while k < len(tokens):
        token = tokens[k]
        end = _block_end(tokens, k)
        if token.type in ("ordered_list_open", "bullet_list_open"):
            nested, _, _ = _list_titles(tokens[k:end], shift, rank, None)
            if any(b.rank for b in nested):
                if pending:
                    out.append(_Block("other", "\n".join(pending), line))
                    pending = []
                out += nested
                k = end
                continue
        pending += render_blocks(tokens[k:end])
        k = end
    if pending:
        out.append(_Block("other", "\n".join(pending), line))
    return out


def _whole_list_sections(
    block: _Block, blocks: list[_Block], i: int, last_number: int | None
) -> tuple[list[_Block], int | None]:
    """Sections written as a list: every item opens with a title line and either holds its text or
    is the list's only item with the text following (``1. Introduction`` then paragraphs). Ordered
    items must count on from the previous such item. Returns the heading and text blocks (heading
    rank 1, placed by the caller) and the last item number, or no blocks for a plain list."""
    items = _items(block.tokens)
    ordered = block.tokens[0].type == "ordered_list_open"
    following = _next(blocks, i)
    lone = len(items) == 1 and following is not None and following.kind != "heading" and (
        following.kind != "line" or is_prose(following.text)
    )
    # A plain item after a lead-in ("We remove accounts that:") finishes its sentence.
    after_lead_in = i > 0 and blocks[i - 1].kind == "line" and blocks[i - 1].text.endswith(":")
    openers = _openers(block.tokens)
    base = block.tokens[0].map[0] if block.tokens[0].map else 0
    out: list[_Block] = []
    number = last_number
    standalone = False
    for item, opener in zip(items, openers):
        if len(item) < 3 or item[0].type != "paragraph_open" or item[1].type != "inline":
            return [], last_number
        children = item[1].children or []
        title_children, lead, own_line = _title_lead(children)
        if title_children is None:
            return [], last_number
        # In a bullet list a bold title on a line of its own over its text is a section title;
        # in a numbered list the numbering decides (a numbered rule may be set the same way).
        own_line = own_line and not ordered
        title = render_inline(title_children).strip()
        rest = item[3:]
        emphasis = _emphasised(title_children)
        alone = lone and (emphasis or not after_lead_in)
        # A longer plain item is a sentence (a principle, a rule), unless it stands alone over
        # its paragraphs (``1. Establish rules for ...`` then its text): a numbered title.
        standing = alone and ordered and not lead
        shaped = is_heading_text(
            title, allow_period=len(title.split()) <= 8,
            max_words=_MAX_BOLD_WORDS if emphasis or standing else 10,
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
        heading = _Block("line", title, line, emphasis=emphasis, rank=1)
        heading.rule = "list item that holds a section title" + (" (run-in)" if lead and not own_line else "")
        out.append(heading)
        number_word = [f"{opener.info}{opener.markup}"] if ordered and own else []  # kept: it is a word too
        body = _item_body(number_word + ([lead] if lead else []), rest, block.line - base, 2, line)
        out += [b for b in body if b.rank or b.text.strip()]
        standalone = standalone or not lead or own_line
    if not standalone and last_number is None:  # only run-in titles: numbered rules, not sections
        return [], last_number
    return out, number
