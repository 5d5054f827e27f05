"""Markdown (with real headings) to a tree of sections, via markdown-it-py tokens.

``Token.map`` gives lines of the markdown we parse; ``source_lines`` maps them back to the file.
Bodies are rendered to plain prose so the word diff compares what a reader reads, not markup.
"""

from __future__ import annotations

import re
from typing import Sequence

from markdown_it.token import Token

from policydiff.core.markdown_html import block_lines, inline_text
from policydiff.core.model import Section
# Re-exported: the numbering helpers live apart so that the model can use them without a cycle.
from policydiff.core.numbering import NUMBER_RE, split_number, strip_number

__all__ = ["NUMBER_RE", "split_number", "strip_number", "SectionTree", "render_blocks", "render_inline"]

_BLANKS_RE = re.compile(r"[ \t]+")


class _Node:
    __slots__ = ("title", "number", "rank", "line", "blocks", "children")

    def __init__(self, title: str, number: str | None, rank: int, line: int) -> None:
        self.title, self.number, self.rank, self.line = title, number, rank, line
        self.blocks: list[str] = []
        self.children: list[_Node] = []

    def freeze(self, level: int) -> Section:
        return Section(
            title=self.title,
            number=self.number,
            level=level,
            line=self.line,
            body="\n".join(self.blocks),
            children=tuple([child.freeze(level + 1) for child in self.children]),
        )


class SectionTree:
    """Headings and body lines, added in reading order, nested by rank into sections: built as the
    reader walks its blocks (one pass, no list of entries in between)."""

    __slots__ = ("_root", "_stack", "_open", "_first_content_line")

    def __init__(self) -> None:
        self._root = _Node("", None, 0, 1)
        self._stack = [self._root]
        self._open = self._root.blocks
        """The body lines of the innermost open section."""
        self._first_content_line: int | None = None

    def heading(self, text: str, line: int, rank: int, number: str | None) -> None:
        """A heading: ``number`` is its text's (``split_number``), which the caller may know already."""
        stack = self._stack
        while len(stack) > 1 and stack[-1].rank >= rank:
            stack.pop()
        node = _Node(text, number, rank, line)
        stack[-1].children.append(node)
        stack.append(node)
        self._open = node.blocks

    def body(self, lines: list[str], line: int) -> None:
        """Body lines (each with a word-bearing character: blank lines are not added), all of one
        source line ``line``."""
        if lines:
            self._open.extend(lines)
            if self._first_content_line is None and len(self._stack) == 1:
                self._first_content_line = line

    def finish(self, title: str = "") -> tuple[Section, tuple[Section, ...]]:
        """(preamble, top-level sections); the preamble holds the document title and the text before
        the first heading."""
        root = self._root
        preamble = Section(
            title=title, number=None, level=0, line=self._first_content_line or 1, body="\n".join(root.blocks)
        )
        return preamble, tuple([child.freeze(1) for child in root.children])


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
            if pending_prefix.strip():  # an item that opens with a table: its marker, then the rows
                out.append(pending_prefix.rstrip())
                pending_prefix = ""
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
