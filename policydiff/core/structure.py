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

A text with no markup at all is read into paragraphs by :mod:`policydiff.core.plaintext` (wrapped
lines joined, nothing decided) and its blocks are judged by the same engine, with the plain chain of
rules (:mod:`policydiff.core.outline.rules_plain`). Nothing is ever dropped: a line set aside as metadata
(provenance, navigation, table of contents, page title, date stamp) stays in the section it stands
in and is compared like any other text; ``Document.omitted`` says why it was set aside, and
``Document.decisions`` why each heading is one and each heading-like line is not.
"""

from __future__ import annotations

import re
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from policydiff.core import collector
from policydiff.core.model import Decision, Document, OmittedLine
from policydiff.core.outline.block import (
    FIGURE,
    MAX_BOLD_WORDS,
    Block,
    block_end,
    emphasised,
    inline_children,
    short_line,
)
from policydiff.core.outline.engine import classify
from policydiff.core.outline.rules_plain import plain_title
from policydiff.core.plaintext import plain_to_markdown
from policydiff.core.sections import (
    SectionTree,
    render_blocks,
    _tidy,
    render_inline,
    split_number,
)
from policydiff.core.shapes import (
    dotted,
    find_date,
    is_date_stamp,
    is_heading_text,
    is_prose,
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
MARKDOWN_PARSERS = (_MD, _PLAIN_MD)
"""Every markdown parser the reader uses (a history remembers their inline parses across versions)."""
_PROVENANCE_RE = re.compile(r"\b(?:extracted|archived|retrieved|snapshot)\b", re.IGNORECASE)
_ARCHIVED_RE = re.compile(r"archived on (\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_TITLE_BAR_RE = re.compile(r"\s[|:\u00bb\u203a]\s|[\s)](?:-|\u2013|\u2014)\s")
_ATX_RE = re.compile(r"^ {0,3}(?:(?:[*+\-]|\d{1,9}[.)]) +)?#{1,6}(?:[ \t]|$)")
_QUOTE_START_RE = re.compile(r"^ {0,3}>")
_SETEXT_RE = re.compile(r"^ {0,3}(?:={3,}|-{3,})\s*$")
_INDENTED_ITEM_RE = re.compile(r"^\s{2,}(?:[*+\-]|\d{1,3}[.)])\s")
_SPACED_BULLET_RE = re.compile(r"^\*\s{2,}\S")
_TABLE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
_DEBRIS_RE = re.compile(r"[\s|:\-\u2022\u00b7*=_~#\u00a0]*")




def parse_document(
    text: str, *, name: str = "<text>", path: str | None = None, sha256: str = "", encoding: str = "utf-8",
    disabled_rules: frozenset[str] = frozenset(),
) -> Document:
    """Recover the structure of a policy text (markdown, plain text or a saved web page), with the
    outline rules named in ``disabled_rules`` switched off."""
    with collector.paused():  # its tokens and blocks form no cycles
        return _parse_document(text, name=name, path=path, sha256=sha256, encoding=encoding,
                               disabled=disabled_rules)

def _parse_document(
    text: str, *, name: str, path: str | None, sha256: str, encoding: str, disabled: frozenset[str]
) -> Document:
    page_title = None
    line_map: Sequence[int] | None = None
    set_aside: list[tuple[int, str, str]] = []
    plain = False  # a text with no markup at all
    parser = _MD
    text_lines: list[str] | None = None
    if is_web_page(text, name):
        markdown, line_map, page_title = html_to_markdown(text)  # converted once, never again
        undeclared = True
    elif looks_like_markdown(text, text_lines := text.split("\n")):
        markdown, undeclared = text, True
    else:
        markdown, line_map, set_aside = plain_to_markdown(text)
        undeclared, plain, parser = False, True, _MD if "\r" in markdown else _PLAIN_MD
    markdown_lines = text_lines if text_lines is not None and markdown is text else markdown.split("\n")
    pieces: list[Block | tuple[int, int, list[Token]]]
    try:
        if parser is _PLAIN_MD:
            pieces = _plain_pieces(markdown_lines)
        else:
            pieces = [(0, len(markdown_lines), parser.parse(markdown))]
    except RecursionError:  # nested deeper than the parser can follow: every line as plain text
        markdown, line_map, set_aside = plain_to_markdown(text)
        markdown_lines = markdown.split("\n")
        pieces, undeclared, plain = [(0, len(markdown_lines), _MD.parse(markdown))], False, True

    def source(line: int) -> int:
        """1-based file line of a 0-based markdown line."""
        if line_map is None:
            return line + 1
        return line_map[line] if 0 <= line < len(line_map) else (line_map[-1] if line_map else 1)

    blocks: list[Block] = []
    for piece in pieces:
        if isinstance(piece, Block):
            blocks.append(piece)
        else:
            start, end, tokens = piece
            blocks += _blocks(tokens, markdown_lines[start:end], start)
    source_url, archived = _provenance(blocks)
    title_block = plain_title(blocks) if plain else _find_title(blocks)
    failures = classify(blocks, title_block, undeclared, disabled=disabled, plain=plain)
    title = blocks[title_block].text if title_block is not None else None
    # One pass over the blocks: the section tree, the reading, the metadata set aside, the decisions
    # and the lines that may hold a date (a digit, or any non-ASCII character: another script's).
    tree = SectionTree()
    reading: list[str] = []
    omitted = [OmittedLine(line, raw, reason) for line, raw, reason in set_aside]
    # A line the plain-text reading set aside is also a metadata block here: listed once.
    aside_lines = {line for line, _, _ in set_aside}
    decided: list[Decision] = []
    dated: list[str] = []
    for i, block in enumerate(blocks):
        text = block.text
        if block.features & FIGURE:
            dated.append(text)
        if block.metadata and source(block.line) not in aside_lines:
            omitted.append(OmittedLine(source(block.line), text, block.metadata))
        parts = block.items or (block,)
        decided += [Decision(source(part.line), part.text, bool(part.rank), part.rule, part.evidence)
                    for part in parts if part.rule]
        if i == title_block:
            reading.append(text)
            continue
        for part in parts:
            if part.rank:
                tree.heading(part.text, source(part.line), part.rank, part.split[0])
                reading.append(part.text)
            else:
                lines = _body_lines(part)
                tree.body(lines, source(part.line))
                reading.extend(lines)
    if title is None and page_title:
        reading.insert(0, page_title)
    title = title or page_title
    preamble, sections = tree.finish(title or "")
    decisions = tuple(decided) + tuple(
        Decision(source(blocks[i].line), blocks[i].text, False, rule, evidence) for i, rule, evidence in failures
    )
    return Document(
        name=name,
        path=path,
        title=title,
        date=find_date(dated),
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


# A line of the markdown plain_to_markdown writes that holds no mark markdown could read (escaped
# marks carry a backslash; "#" is excluded because a heading drops its closing "#"s), optionally a
# heading's "#"s before it and an omitted line's two trailing blanks after it.
_SIMPLE_PLAIN_RE = re.compile(
    r"(?:(#{1,6}) )?([^\s\\`*_\[\]<>|~&!#+\-=\x00\r][^\\`*_\[\]<>|~&!#\x00\r\n]*)"
)


def _plain_pieces(lines: Sequence[str]) -> list[Block | tuple[int, int, list[Token]]]:
    """The blocks of plain_to_markdown's markdown: a simple line standing alone between blank lines
    (most lines of a plain text: every short line is a paragraph of its own) becomes its block
    directly; the runs between them are parsed by markdown-it from their first line (given with it).

    Why: markdown-it spends ~20 µs per paragraph (block and inline rules, four tokens) to read back
    what plain_to_markdown wrote: two thirds of the time of reading a text of a million short lines.
    A line with no mark between blank lines can only be a paragraph (or the heading its "#"s
    declare) whose single text is the line itself, and nothing before or after it can reach into it
    or out of it (no lazy continuation across a blank line; its lines are never indented). The
    blocks are the ones ``_blocks`` makes of markdown-it's tokens (a property test compares both)."""
    pieces: list[Block | tuple[int, int, list[Token]]] = []
    start = 0  # first line of the run not yet parsed

    def flush(end: int) -> None:
        if any(lines[k] for k in range(start, end)):
            pieces.append((start, end, _PLAIN_MD.parse("\n".join(lines[start:end]) + "\n")))

    last = len(lines) - 1
    for k, line in enumerate(lines):
        if not line or (k and lines[k - 1]) or (k < last and lines[k + 1]):
            continue
        match = _SIMPLE_PLAIN_RE.fullmatch(line.removesuffix("  "))
        if match is None:
            continue
        text = _tidy(match[2]).strip()
        if not text:
            continue
        flush(k)
        start = k + 1
        if match[1]:
            pieces.append(Block("heading", text, k, level=len(match[1])))
        else:
            pieces.append(Block("line", text, k))
    flush(len(lines))
    return pieces


def looks_like_markdown(text: str, lines: Sequence[str] | None = None) -> bool:
    """Markdown if the text uses markdown's own block or inline syntax somewhere (``lines``: the
    text split at its newlines, when the caller has them)."""
    previous = ""
    for line in text.split("\n") if lines is None else lines:
        if _ATX_RE.match(line) or _QUOTE_START_RE.match(line) or "**" in line or "](" in line:
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


def _blocks(
    tokens: Sequence[Token], lines: Sequence[str], offset: int = 0, depth: int = 0, base: int = 0
) -> list[Block]:
    """Top-level blocks of a token stream parsed from ``lines``, whose first line is markdown line
    ``offset`` of the document; ``base`` is the nesting level of the stream's own blocks (deeper
    inside a list item or a quote)."""
    blocks: list[Block] = []
    i, count = 0, len(tokens)
    while i < count:
        token = tokens[i]
        kind = token.type
        if kind in _CONTAINERS and depth < _MAX_CONTAINER_DEPTH:
            end, holds_heading = _container_end(tokens, i)
            if holds_heading:
                # A declared heading is a heading wherever it stands: a list or a quote holding one
                # is read item by item, its blocks as if they stood at the top.
                blocks += _container_blocks(tokens, i, end, lines, offset, depth + 1)
                i = end
                continue
        where = token.map
        line = offset + where[0] if where else (blocks[-1].line if blocks else offset)
        if where and depth < 3 and (
            (kind == "table_open" and _is_layout_table(tokens, i))
            or (kind == "heading_open" and token.markup in "=-" and lines[where[0]].lstrip().startswith("|"))
            # (a pipe in none of its lines, as in most paragraphs: no row of a table)
            or (kind == "paragraph_open" and token.level == base and _has_pipe(lines, where[0], where[1])
                and any(_is_pipe_debris(row) for row in lines[where[0] : where[1]]))
        ):
            # Pipes and rules of a table used for page layout (or of one that lost its table) hold
            # the page's text: read the cells as lines of text. A table's rows end their lines (a
            # hard break each); a paragraph's lines stay as written.
            table = kind == "table_open"
            inner = [
                "" if _RULE_ROW_RE.match(row) else _LAYOUT_PIPES_RE.sub("", row).rstrip() + "  " if table
                else _LAYOUT_PIPES_RE.sub("", row)
                for row in lines[where[0] : where[1]]
            ]
            cells = _blocks(_MD.parse("\n".join(inner)), inner, line, depth + 1)
            if table:
                for cell in cells:
                    cell.in_table = True
            blocks += cells
            i = block_end(tokens, i)
            continue
        if kind == "heading_open":
            children = tokens[i + 1].children or []
            if len(children) == 1 and children[0].type == "text":
                # One run of text (most headings): render_inline's reading of it, and no link.
                text, link_only = _tidy(children[0].content).strip().replace("\n", " "), False
            else:
                text, link_only = render_inline(children).strip().replace("\n", " "), _link_only(children)
            blocks.append(
                Block("heading", text, line, level=int(token.tag[1]), setext=token.markup in ("=", "-"),
                       link_only=link_only)
            )
            i += 3
            continue
        if kind == "paragraph_open" and token.level == base:
            inline = tokens[i + 1]
            rule = tokens[i + 3] if i + 3 < count else None
            if rule is not None and rule.type == "hr" and _detached_underline(token, rule, lines):
                title = render_inline(inline.children or []).strip()
                if title and is_heading_text(title, allow_period=False, max_words=MAX_BOLD_WORDS):
                    blocks.append(
                        Block("heading", title, line,
                               level=1 if rule.markup.startswith("=") else 2, setext=True, detached=True)
                    )
                    i += 4
                    continue
            children = inline.children or []
            if len(children) == 1 and children[0].type == "text":
                # One run of text (most paragraphs of one source line): render_inline's reading of it.
                text = _tidy(children[0].content).strip()
                if text:
                    blocks.append(Block("line", text, line))
                i += 3
                continue
            if all(child.type in _PLAIN_RUN for child in children):
                # Text and soft breaks only (most paragraphs): one line with no markup, judged as the
                # general path below would judge it, without its five passes over the children.
                text = render_inline(children).strip()
                if text:
                    blocks.append(Block("line", text, line, wrapped=len(children) > 1 and any(
                        child.type == "softbreak" for child in children)))
                i += 3
                continue
            for k, (shift, whole) in enumerate(_hard_lines(children)):
                for part, children in enumerate(_unglued(whole)):
                    text = render_inline(children).strip()
                    if text:
                        blocks.append(
                            Block("line", text, line + shift, emphasis=emphasised(children),
                                   link_only=_link_only(children), paragraph_start=k == 0 or part > 0,
                                   wrapped=any(c.type == "softbreak" for c in children))
                        )
            i += 3
            continue
        end = block_end(tokens, i)
        if kind == "hr":
            i = end
            continue
        block_tokens = list(tokens[i:end])
        text = "\n".join(render_blocks(block_tokens))
        if text.strip():
            blocks.append(Block("list" if kind in ("bullet_list_open", "ordered_list_open") else "other", text, line,
                                tokens=block_tokens))
        i = end
    return blocks


def _has_pipe(lines: Sequence[str], start: int, end: int) -> bool:
    """A pipe in lines ``start`` to ``end`` (most paragraphs are one line: no joined copy made)."""
    return "|" in lines[start] if end - start == 1 else "|" in "".join(lines[start:end])


_CONTAINERS = frozenset({"bullet_list_open", "ordered_list_open", "blockquote_open"})
_PLAIN_RUN = frozenset({"text", "softbreak"})
"""Inline tokens that carry no markup: a run of them is plain text (no emphasis, link or break)."""
_MAX_CONTAINER_DEPTH = 16
"""Lists and quotes nested deeper than this are read as text (Python's recursion stays bounded)."""


def _container_end(tokens: Sequence[Token], start: int) -> tuple[int, bool]:
    """Index after the container that opens at ``start``, and whether it holds a declared heading
    (one pass over its tokens)."""
    depth, heading = 0, False
    for j in range(start, len(tokens)):
        token = tokens[j]
        depth += token.nesting
        if depth == 0:
            return j + 1, heading
        heading = heading or token.type == "heading_open"
    return len(tokens), heading


def _container_blocks(
    tokens: Sequence[Token], start: int, end: int, lines: Sequence[str], offset: int, depth: int
) -> list[Block]:
    """The blocks of a quote, or of each item of a list, that holds declared headings. An ordered
    item's number is a word of its first block (``3. Terms`` when the item opens with a heading)."""
    opener = tokens[start]
    if opener.type == "blockquote_open":
        return _blocks(tokens[start + 1 : end - 1], lines, offset, depth, opener.level + 1)
    ordered = opener.type == "ordered_list_open"
    blocks: list[Block] = []
    k = start + 1
    while k < end - 1:
        item_end = block_end(tokens, k)
        item = tokens[k]
        inner = _blocks(tokens[k + 1 : item_end - 1], lines, offset, depth, item.level + 1)
        if ordered:
            marker = f"{item.info}{item.markup}"
            line = offset + item.map[0] if item.map else (blocks[-1].line if blocks else offset)
            if inner:
                inner[0].text = f"{marker} {inner[0].text}"
            else:
                inner = [Block("other", marker, line)]
        blocks += inner
        k = item_end
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
    # (the bold run may have opened on the line above, cut off by a hard break)
    start = max((k for k, c in enumerate(children[:end]) if c.type == "strong_open"), default=-1)
    if start < 0:
        return [children]
    before = render_inline(children[:start]).rstrip()
    title = render_inline(children[start:]).strip()
    if not _GLUED_END_RE.search(before) or not dotted(split_number(title)[0]):
        return [children]
    return [children[:start], children[start:]]


_GLUED_END_RE = re.compile(r"\w[.!?]['\u2019\u201d\")]?(?:\d{1,3}\.)?$")
"""A sentence's end, perhaps with the list marker that the lost break left on it (``law.21.``)."""
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


def _body_lines(block: Block) -> list[str]:
    """The block's text lines; lines of table rules, pipes and bullet glyphs alone carry no word."""
    text = block.text  # (blank lines are debris too)
    if "\n" not in text:  # (most blocks: one line)
        return [] if _DEBRIS_RE.fullmatch(text) else [text]
    return [line for line in text.split("\n") if not _DEBRIS_RE.fullmatch(line)]








# ------------------------------------------------------------------------------------------------
# Metadata: provenance and title


def _provenance(blocks: list[Block]) -> tuple[str | None, str | None]:
    """A leading quoted note saying where the text was taken from is metadata."""
    if not blocks or blocks[0].kind != "other" or not blocks[0].tokens:
        return None, None
    first = blocks[0]
    if first.tokens[0].type != "blockquote_open" or not _PROVENANCE_RE.search(first.text):
        return None, None
    first.metadata = "provenance"
    links = [t.attrGet("href") for t in inline_children(first.tokens) if t.type == "link_open"]
    url = next((str(href) for href in links if href and str(href).startswith("http")), None)
    archived = _ARCHIVED_RE.search(first.text)
    return url, archived.group(1) if archived else None




def _numbered_from_one_below(blocks: list[Block], first: int) -> bool:
    """Whether the first numbered title below heading ``first`` (a declared heading, or a short
    line of its own, up to and with the next heading at its level) is numbered 1."""
    level = blocks[first].level
    for block in blocks[first + 1 :]:
        if block.kind == "heading" or (block.kind == "line" and short_line(block.text)):
            number = block.split[0]
            if number:
                return dotted(number)[:1] == (1,)
        if block.kind == "heading" and block.level <= level:
            return False
    return False


def _find_title(blocks: list[Block]) -> int | None:
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
        # A page that opens with an unnumbered heading, none outranking it, over numbered sections
        # that count from 1 is named by it even when a later heading stands at its level: a second
        # document recorded on the same page, named as the first ("Snap Monetization Terms" over
        # "1. Minimum Eligibility" ... "Creator Stories Terms", both cut-off setext headings; a
        # privacy policy's setext name over its numbered setext sections). A numbered one is the
        # first section; one over unnumbered sections at its level is a section among them.
        opens_page = first == start and not split_number(blocks[first].text)[0] and all(
            other >= level for other in others
        ) and _numbered_from_one_below(blocks, first)
        if (level == 1 and 1 not in others) or (
            not prose_before and (level == 1 or all(other > level for other in others) or empty_first or opens_page)
        ):
            title = first
    if title is None:
        shorts: list[int] = []
        for j in range(start, len(blocks)):
            block = blocks[j]
            if block.kind != "line" or not short_line(block.text) or split_number(block.text)[0]:
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
    # Short lines between the last prose above a title heading and the title: breadcrumbs, site
    # names. A short line over prose of its own above the title heads a page recorded before it
    # (a page saved twice, a summary over the full text), which the heading rules judge.
    last_prose = max((j for j in range(start, title) if blocks[j].kind != "heading" and is_prose(blocks[j].text)),
                     default=start - 1)
    for j in range(last_prose + 1, title):
        if blocks[j].kind == "line" and not blocks[j].metadata and not is_prose(blocks[j].text):
            blocks[j].metadata = "navigation"
    below = title + 1
    if _TITLE_BAR_RE.search(blocks[title].text) and below < len(blocks):
        name = blocks[below]
        after = blocks[below + 1] if below + 1 < len(blocks) else None
        holds_rest = name.kind == "heading" and all(
            b.level > name.level for b in blocks[below + 1 :] if b.kind == "heading"
        )
        name_line = name.kind == "line" and short_line(name.text) and not name.text.startswith("(")
        if (holds_rest or name_line) and after is not None and after.kind != "heading" and is_prose(after.text):
            if not is_date_stamp(name.text):
                blocks[title].metadata = "page title (browser title bar)"
                title = below
    return title




# ------------------------------------------------------------------------------------------------
# Headings the markup does not declare






















































