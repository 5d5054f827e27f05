"""Markdown (with real headings) to a tree of sections, via markdown-it-py tokens.

``Token.map`` gives lines of the markdown we parse; ``source_lines`` maps them back to the file.
Bodies are rendered to plain prose so the word diff compares what a reader reads, not markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from policydiff.core.model import Section

# Numbering at the start of a heading: "1.", "1.Site", "6.1", "12.10", "(1)", "A.", "IV.", "Article 3".
NUMBER_RE = re.compile(
    r"""^\s*(?:
        (?P<dotted>\d{1,3}(?:\.\d{1,3})*)(?:\.|\)|(?=\s)|(?=[A-Za-z]))   # 1.  1.Site  6.1  12.10  3)
      | \((?P<paren>\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})\)                    # (1) (a) (iv)
      | (?P<letter>[A-Z])[.)](?=\s)                                      # A.  B)
      | (?P<roman>[IVX]{1,5})\.(?=\s)                                    # IV.
    )\s*""",
    re.VERBOSE,
)

_MD = MarkdownIt("commonmark")


def split_number(title: str) -> tuple[str | None, str]:
    """Split ``'6.1 International Data Transfers'`` into ``('6.1', 'International Data Transfers')``."""
    match = NUMBER_RE.match(title)
    if not match or match.end() >= len(title):
        return None, title.strip()
    dotted, paren, letter, roman = match.group("dotted", "paren", "letter", "roman")
    number = dotted or (f"({paren})" if paren else None) or letter or roman
    return number, title[match.end() :].strip()


def strip_number(title: str) -> str:
    """The title without its numbering: a renumbering alone is not a rename."""
    return split_number(title)[1]


@dataclass
class _Node:
    title: str
    number: str | None
    rank: int
    line: int
    blocks: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def freeze(self, level: int) -> Section:
        return Section(
            title=self.title,
            number=self.number,
            level=level,
            line=self.line,
            body="\n".join(self.blocks),
            children=tuple(child.freeze(level + 1) for child in self.children),
        )


def build_sections(markdown: str, source_lines: Sequence[int]) -> tuple[Section, tuple[Section, ...]]:
    """Parse markdown into (preamble, top-level sections). ``source_lines[i]`` is the file line of line i."""
    tokens = _MD.parse(markdown)
    root = _Node("", None, 0, 1)
    stack = [root]
    first_content_line: int | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            inline = tokens[i + 1]
            title = render_inline(inline.children or []).strip()
            rank = int(token.tag[1])
            line = _source_line(token, source_lines)
            while stack[-1] is not root and stack[-1].rank >= rank:
                stack.pop()
            number, _ = split_number(title)
            node = _Node(title, number, rank, line)
            stack[-1].children.append(node)
            stack.append(node)
            i += 3
            continue
        if token.level == 0 and token.nesting in (1, 0) and token.type != "heading_close":
            end = _block_end(tokens, i)
            blocks = render_blocks(tokens[i:end])
            if blocks:
                stack[-1].blocks.extend(blocks)
                if stack[-1] is root and first_content_line is None:
                    first_content_line = _source_line(token, source_lines)
            i = end
            continue
        i += 1
    preamble = Section(
        title="", number=None, level=0, line=first_content_line or 1, body="\n".join(root.blocks)
    )
    return preamble, tuple(child.freeze(1) for child in root.children)


def _source_line(token: Token, source_lines: Sequence[int]) -> int:
    if token.map and token.map[0] < len(source_lines):
        return source_lines[token.map[0]]
    return 1


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


def render_blocks(tokens: Sequence[Token]) -> list[str]:
    """Plain-text lines for a run of block tokens: one per paragraph or list item."""
    out: list[str] = []
    prefixes: list[str] = []  # one per open list item: "• " or "3. "
    list_kinds: list[str] = []
    pending_prefix = ""
    for token in tokens:
        if token.type == "bullet_list_open":
            list_kinds.append("bullet")
        elif token.type == "ordered_list_open":
            list_kinds.append("ordered")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_kinds.pop()
        elif token.type == "list_item_open":
            marker = f"{token.info}{token.markup} " if list_kinds and list_kinds[-1] == "ordered" else "\u2022 "
            if pending_prefix.strip():  # an item whose first content is a nested list keeps its marker
                out.append(pending_prefix.rstrip())
            prefixes.append(marker)
            pending_prefix = "  " * (len(prefixes) - 1) + marker
        elif token.type == "list_item_close":
            prefixes.pop()
            if pending_prefix.strip():  # an empty item still shows its number
                out.append(pending_prefix.rstrip())
            pending_prefix = ""
        elif token.type == "inline":
            text = render_inline(token.children or []).strip()
            if not text:
                continue
            if pending_prefix:
                text, pending_prefix = pending_prefix + text, ""
            elif prefixes:
                text = "  " * len(prefixes) + text
            out.extend(part for part in text.split("\n") if part.strip())
        elif token.type in ("code_block", "fence", "html_block"):
            out.extend(line.rstrip() for line in token.content.split("\n") if line.strip())
    return out


def render_inline(children: Sequence[Token]) -> str:
    """Inline tokens to plain text: markup dropped, link text kept, line breaks kept."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(render_inline(child.children or []))
    text = "".join(parts)
    return re.sub(r"[ \t]+", " ", text).replace(" \n", "\n").replace("\n ", "\n")
