"""Plain text (no markup at all) to markdown with real headings, by the shape of each line.

A plain-text policy has no markup to trust, so its lines are judged one by one:

* a heading stands alone (its own paragraph or line), is short, does not end like a sentence or a
  lead-in (``,;:``), and is followed by prose;
* numbered headings (``1.``, ``6.1``, ``(1)``) must continue the numbering they are in and nest by
  their depth;
* leading short lines before the first prose are navigation, then the page title;
* table debris and lone bullet glyphs carry no words.

Nothing is dropped: every line with a word comes out again, as a heading or as text, escaped so
that markdown-it-py reads it back exactly. Lines set aside as navigation are reported with a reason
(they stay where they stand and are compared like the rest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

from policydiff.core.sections import split_number
from policydiff.core.shapes import (  # NAVIGATION_RE: kept importable from here
    NAVIGATION_RE,
    SENTENCE_END,
    TRAILING_FUNCTION_WORDS,
    dotted,
    is_date_stamp,
    is_heading_text,
    is_prose,
    plain,
)

_DEBRIS_RE = re.compile(r"^[\s|:\-\u2022\u00b7*=_~#]*$")  # only table rules, pipes, bullets
_BULLET_GLYPH_RE = re.compile(r"^\s*[\u2022\u00b7\u25aa\u25cf\-\*]\s*$")
_LEADING_PIPES_RE = re.compile(r"^\s*(?:\|\s*)+")
_TRAILING_PIPES_RE = re.compile(r"(?:\s*\|)+\s*$")
_LIST_ITEM_RE = re.compile(r"^\s*(?:[*+\-\u2022]|\d{1,3}[.)])\s+")
_BREADCRUMB_RE = re.compile(r"^[^>]{1,60}(?:\s+(?:>|\u203a|\u00bb)\s+[^>]{1,60})+$")
# Only what markdown would read as markup: inline syntax anywhere, block syntax at a line's start
# (escaping every punctuation mark would cost markdown-it a token for each).
_ESCAPE_RE = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START_RE = re.compile(r"^(\s*)(?:([#+\-=])|(\d+)([.)]))")
_BULLETED_RE = re.compile(r"^[-\u2022*]\s+\S")
_BREADCRUMB_SEPARATORS = (">", "\u203a", "\u00bb")


@dataclass
class _Line:
    """What the recovery decided about one source line."""

    text: str
    kind: str = "content"
    """``content``, ``blank``, ``heading``, ``omitted`` (set aside, still shown), ``title``."""
    rank: int = 0
    reason: str = ""
    bullet: bool = False
    """The line is a list item whose bullet glyph stood on the line before."""
    standalone: bool = True
    """The line starts a paragraph of its own, not the continuation of a wrapped sentence."""
    rule: str = ""
    """The outline rule that made the line a heading, or that says why a heading-like line is not."""
    evidence: str = ""

    @cached_property
    def plain(self) -> str:
        """The text without markup, as its shape is judged. Worked out once, when first asked for:
        after ``_mark_debris`` has trimmed the line's pipes (the only change to ``text``)."""
        return plain(self.text)


def plain_to_markdown(
    text: str, *, disabled: frozenset[str] = frozenset(), decisions: list[tuple[int, str, bool, str, str]] | None = None
) -> tuple[str, list[int], list[tuple[int, str, str]]]:
    """Markdown for a plain text, the 1-based source line of each markdown line, and the lines set
    aside as ``(line, text, reason)``. The title comes out as the only ``#`` heading. Headings are
    decided by the outline engine's plain-line rules (``disabled`` ones switched off); each decision
    is appended to ``decisions`` as ``(line, text, heading, rule, evidence)``."""
    raw = text.split("\n")
    lines = [_Line(line) for line in raw]
    _mark_debris(lines)
    _mark_standalone(lines)
    _take_title(lines)
    _mark_headings(lines, disabled)
    if decisions is not None:
        decisions += [(i + 1, line.plain, line.kind == "heading", line.rule, line.evidence)
                      for i, line in enumerate(lines) if line.rule]
    markdown, source = _emit(lines)
    set_aside = [(i + 1, raw[i], line.reason) for i, line in enumerate(lines) if line.reason]
    return markdown, source, set_aside


def _mark_debris(lines: list[_Line]) -> None:
    """Table rules, pipes and lone bullet glyphs carry no words."""
    pending_bullet = False
    for line in lines:
        stripped = line.text.strip()
        if not stripped:
            line.kind = "blank"
            continue
        if _BULLET_GLYPH_RE.match(line.text):
            line.kind, line.reason = "blank", "bullet glyph (joined to the next line)"
            pending_bullet = True
            continue
        if _DEBRIS_RE.match(line.text):
            line.kind, line.reason = "blank", "table debris"
            continue
        if "|" in line.text:
            line.text = _TRAILING_PIPES_RE.sub("", _LEADING_PIPES_RE.sub("", line.text)).strip()
        if NAVIGATION_RE.match(stripped) or _is_breadcrumb(stripped):
            line.kind, line.reason = "omitted", "navigation"
            continue
        if pending_bullet:
            line.bullet, pending_bullet = True, False


def _is_breadcrumb(stripped: str) -> bool:
    if not any(separator in stripped for separator in _BREADCRUMB_SEPARATORS):
        return False
    stripped = plain(stripped)
    if not _BREADCRUMB_RE.match(stripped):
        return False
    parts = re.split(r"\s+(?:>|\u203a|\u00bb)\s+", stripped)
    return all(len(plain(p).split()) <= 5 for p in parts)


def _mark_standalone(lines: list[_Line]) -> None:
    """A line continues the text before it when that text stops mid-sentence: no closing
    punctuation and either a function word at its end or a lower-case start here. Blank lines do
    not break this (text extracted from PDF pages puts one after every wrapped line)."""
    previous: _Line | None = None
    for line in lines:
        if line.kind == "omitted":
            previous = None
        if line.kind != "content":
            continue
        if previous is not None:
            tail = previous.text.rstrip()
            open_ended = tail[-1:] not in SENTENCE_END + ":;"
            if open_ended:  # (most lines end a sentence: their words need no splitting)
                words = tail.split()
                line.standalone = not (
                    line.text.lstrip()[:1].islower()
                    or tail.endswith((",", "-"))
                    or (len(words) >= 6 and words[-1].lower() in TRAILING_FUNCTION_WORDS)
                )
        previous = line


def _take_title(lines: list[_Line]) -> None:
    """A plain page starts with short lines (breadcrumbs, then the page title) before its first
    prose: the last of them that is not itself a heading of the text below is the title, the ones
    before it are navigation."""
    block: list[int] = []
    for i, line in enumerate(lines):
        if line.kind != "content":
            continue
        if not _is_short_line(line) or line.bullet or _LIST_ITEM_RE.match(line.text):
            break
        if split_number(line.plain)[0] is not None:
            break
        block.append(i)
    if not block:
        return
    # The last short line right before prose heads that prose: it is a section, not the title.
    if len(block) > 1 and _followed_by_prose(lines, block[-1]):
        block.pop()
    *navigation, title_index = block
    for i in navigation:
        lines[i].kind, lines[i].reason = "omitted", "navigation"
    lines[title_index].kind = "title"


def _is_short_line(line: _Line) -> bool:
    text = line.plain
    return len(text) <= 80 and 0 < len(text.split()) <= 10 and text[-1:] not in ",;:"


def _next_content(lines: Sequence[_Line], index: int) -> _Line | None:
    k = _next_content_index(lines, index)
    return lines[k] if k is not None else None


def _next_content_index(lines: Sequence[_Line], index: int) -> int | None:
    for k in range(index + 1, len(lines)):  # by index: slicing would copy the rest each time
        if lines[k].kind in ("content", "heading"):
            return k
    return None


def _followed_by_prose(lines: Sequence[_Line], index: int) -> bool:
    """The next content is running text or a list, not another heading or short label."""
    k = _next_content_index(lines, index)
    if k is not None and is_date_stamp(lines[k].plain):  # "(Effective date: ...)" below a title
        k = _next_content_index(lines, k)
    following = lines[k] if k is not None else None
    if following is None or following.kind == "heading":
        return False
    text = following.plain
    number, rest = split_number(text)
    if number is not None and dotted(number) and is_heading_text(rest, allow_period=False):
        return False  # a numbered heading-shaped line: the candidate is a label above it
    if following.bullet or _LIST_ITEM_RE.match(following.text):
        # A lead-in sentence above a list is prose itself, not a heading.
        return not is_prose(lines[index].plain)
    return is_prose(text)


def _mark_headings(lines: list[_Line], disabled: frozenset[str] = frozenset()) -> None:
    """Find every heading and give it a markdown rank (sections start at ``##``: ``#`` is the title):
    each standalone line that ends its paragraph is judged by the outline engine's plain-line rules."""
    from policydiff.core.outline.engine import (
        judge_plain_lines,  # (the engine's rules use this module)
    )

    judge_plain_lines(lines, disabled)


def _ends_paragraph(lines: Sequence[_Line], index: int) -> bool:
    following = _next_content(lines, index)
    return following is None or following.kind != "content" or following.standalone


def _followed_by_prose_or_child(lines: Sequence[_Line], index: int) -> bool:
    """A numbered heading heads prose or its own first subsection (``12.`` then ``12.1``), never a
    sibling: a run of numbered lines with nothing between them is a list or a table of contents."""
    following = _next_content(lines, index)
    if following is None:
        return False
    if _followed_by_prose(lines, index):
        return True
    number, _ = split_number(lines[index].plain)
    child, rest = split_number(following.plain)
    if child is None or not is_heading_text(rest, allow_period=True):
        return False
    mine, theirs = dotted(number), dotted(child)
    if mine and theirs:
        return len(theirs) > len(mine) and theirs[: len(mine)] == mine
    return child.startswith("(") and not (number or "").startswith("(")


def _emit(lines: Sequence[_Line]) -> tuple[str, list[int]]:
    out: list[str] = []
    source: list[int] = []
    # (appended to directly, each markdown line with its source line: a helper call per line was a
    # fifth of the time of writing a text of short lines)
    put, put_source = out.append, source.append
    for i, line in enumerate(lines):
        n = i + 1
        if line.kind == "blank":
            put("")
            put_source(n)
        elif line.kind in ("heading", "title"):
            out += ("", "#" * (line.rank or 1) + " " + escape(line.text.strip()), "")
            source += (n, n, n)
        else:
            if line.standalone or line.kind == "omitted":
                put("")
                put_source(n)
            stripped = line.text.strip()
            if line.bullet:
                put("- " + escape(stripped))
            elif _BULLETED_RE.match(stripped):
                put("- " + escape(stripped[1:].strip()))
            else:
                put(escape(stripped) + ("  " if line.kind == "omitted" else ""))
            put_source(n)
    return "\n".join(out) + "\n", source


def escape(text: str) -> str:
    """Plain text as markdown that renders back to exactly that text."""
    if _ESCAPE_RE.search(text):  # (most lines hold no mark: a search is cheaper than a sub)
        text = _ESCAPE_RE.sub(r"\\\1", text)
    # The pattern is anchored at the start: a match, then the rest as it is (no sub and callback per line).
    m = _LINE_START_RE.match(text)
    if m is None:
        return text
    return m[1] + ("\\" + m[2] if m[2] else m[3] + "\\" + m[4]) + text[m.end():]
