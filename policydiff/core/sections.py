"""Markdown (with real headings) to a tree of sections, via markdown-it-py tokens.

``Token.map`` gives lines of the markdown we parse; ``source_lines`` maps them back to the file.
Bodies are rendered to plain prose so the word diff compares what a reader reads, not markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from markdown_it.token import Token

from policydiff.core.markdown_html import block_lines, inline_text
from policydiff.core.model import Section
# Re-exported: the numbering helpers live apart so that the model can use them without a cycle.
from policydiff.core.numbering import NUMBER_RE, split_number, strip_number

__all__ = ["NUMBER_RE", "split_number", "strip_number", "Entry", "build_tree", "render_blocks", "render_inline"]

_BLANKS_RE = re.compile(r"[ \t]+")


@dataclass(frozen=True, slots=True)
class Entry:
    """One unit of a document in reading order: a heading (``rank`` > 0) or a line of body text."""

    text: str
    line: int
    """1-based source line."""
    rank: int = 0
    """Heading rank (1 outermost) or 0 for body text."""


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


def build_tree(entries: Sequence[Entry], title: str = "") -> tuple[Section, tuple[Section, ...]]:
    """(preamble, top-level sections) from headings and body lines in reading order. Headings nest
    by rank; the preamble holds the document title and the text before the first heading."""
    root = _Node(title, None, 0, 1)
    stack = [root]
    first_content_line: int | None = None
    for entry in entries:
        if entry.rank:
            while stack[-1] is not root and stack[-1].rank >= entry.rank:
                stack.pop()
            node = _Node(entry.text, split_number(entry.text)[0], entry.rank, entry.line)
            stack[-1].children.append(node)
            stack.append(node)
        elif entry.text.strip():
            stack[-1].blocks.append(entry.text)
            if stack[-1] is root and first_content_line is None:
                first_content_line = entry.line
    preamble = Section(
        title=title, number=None, level=0, line=first_content_line or 1, body="\n".join(root.blocks)
    )
    return preamble, tuple(child.freeze(1) for child in root.children)


def render_blocks(tokens: Sequence[Token]) -> list[str]:
    """Plain-text lines for a run of block tokens: one per paragraph or list item."""
    out: list[str] = []
    prefixes: list[str] = []  # one per open list item: "• " or "3. "
    list_kinds: list[str] = []
    pending_prefix = ""
    row: list[str] | None = None  # the cells of an open table row: one line per row
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            if row is not None and any(cell for cell in row):
                out.append(" | ".join(row))
            row = None
        elif row is not None and token.type == "inline":
            # A line break inside a cell (a <br>) stays one, as U+2028 (a line separator, white
            # space to the word diff): the row remains one line, and the views break the cell there.
            row.append(render_inline(token.children or []).strip().replace("\n", "\u2028"))
        elif token.type == "bullet_list_open":
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
        elif token.type in ("code_block", "fence"):
            out.extend(line.rstrip() for line in token.content.split("\n") if line.strip())
        elif token.type == "html_block":  # as a reader sees it: no tags, comments or scripts
            out.extend(block_lines(token.content))
    return out


def render_inline(children: Sequence[Token], *, literal_html: bool = False) -> str:
    """Inline tokens to plain text: markup dropped, link text kept, line breaks kept. Inline HTML
    is read as a reader sees it (:mod:`policydiff.core.markdown_html`), or with ``literal_html``
    as the text it is written as."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "html_inline":
            if not literal_html:
                return _tidy(inline_text(children, _render_literally))
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(render_inline(child.children or [], literal_html=literal_html))
    return _tidy("".join(parts))


def _render_literally(children: Sequence[Token]) -> str:
    return render_inline(children, literal_html=True)


def _tidy(text: str) -> str:
    """Runs of blanks as one space; no blank at either side of a line break."""
    if "  " in text or "\t" in text:  # (most text has no run of blanks to collapse)
        text = _BLANKS_RE.sub(" ", text)
    return text.replace(" \n", "\n").replace("\n ", "\n") if "\n" in text else text
