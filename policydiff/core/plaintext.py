"""Plain text (no markup at all) read as markdown paragraphs, so that the outline engine judges it.

Reading a plain text is not judging its headings: this module only makes its lines into blocks,

* a line continues the sentence above it when that sentence stops mid-way (a wrapped line, or a
  PDF extract's line with a blank after it): the two are one paragraph;
* every other line is a paragraph of its own, a line after a lone bullet glyph (or starting with
  one) a list item;
* table debris (rules, pipes) and lone bullet glyphs carry no words.

Nothing is dropped: every line with a word comes out again as text, escaped so that markdown-it-py
reads it back exactly. Which paragraphs are headings, which the title and which navigation, the
outline engine's rules decide (:mod:`policydiff.core.outline.rules_plain`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from policydiff.core.shapes import (  # NAVIGATION_RE: kept importable from here
    NAVIGATION_RE,
    SENTENCE_END,
    TRAILING_FUNCTION_WORDS,
)

_DEBRIS_RE = re.compile(r"^[\s|:\-\u2022\u00b7*=_~#]*$")  # only table rules, pipes, bullets
_BULLET_GLYPH_RE = re.compile(r"^\s*[\u2022\u00b7\u25aa\u25cf\-\*]\s*$")
_LEADING_PIPES_RE = re.compile(r"^\s*(?:\|\s*)+")
_TRAILING_PIPES_RE = re.compile(r"(?:\s*\|)+\s*$")
# Only what markdown would read as markup: inline syntax anywhere, block syntax at a line's start
# (escaping every punctuation mark would cost markdown-it a token for each).
_ESCAPE_RE = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START_RE = re.compile(r"^(\s*)(?:([#+\-=])|(\d+)([.)]))")
_BULLETED_RE = re.compile(r"^[-\u2022*]\s+\S")


@dataclass
class _Line:
    """How one source line is read."""

    text: str
    kind: str = "content"
    """``content``, ``blank`` (no word), ``navigation`` (a line of its own, never joined)."""
    reason: str = ""
    bullet: bool = False
    """The line is a list item whose bullet glyph stood on the line before."""
    standalone: bool = True
    """The line starts a paragraph of its own, not the continuation of a wrapped sentence."""


def plain_to_markdown(text: str) -> tuple[str, list[int], list[tuple[int, str, str]]]:
    """Markdown for a plain text, the 1-based source line of each markdown line, and the lines that
    carry no word, as ``(line, text, reason)``. No heading is decided here: every line comes out as
    text (wrapped lines joined into one paragraph, a line standing alone as a paragraph of its own,
    bulleted lines as list items), and the outline engine's rules judge the paragraphs as they judge
    any markdown's (:mod:`policydiff.core.outline.rules_plain`)."""
    raw = text.split("\n")
    lines = [_Line(line) for line in raw]
    _mark_debris(lines)
    _mark_standalone(lines)
    markdown, source = _emit(lines)
    set_aside = [(i + 1, raw[i], line.reason) for i, line in enumerate(lines) if line.reason]
    return markdown, source, set_aside


def _mark_debris(lines: list[_Line]) -> None:
    """Table rules, pipes and lone bullet glyphs carry no words. A navigation line (a phrase such as
    ``Back to top``) stands on its own: no sentence runs on into it or out of
    it (the outline rules set it aside)."""
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
        if NAVIGATION_RE.match(stripped):
            line.kind = "navigation"
            continue
        if pending_bullet:
            line.bullet, pending_bullet = True, False


def _mark_standalone(lines: list[_Line]) -> None:
    """A line continues the text before it when that text stops mid-sentence: no closing
    punctuation and either a function word at its end or a lower-case start here. Blank lines do
    not break this (text extracted from PDF pages puts one after every wrapped line)."""
    previous: _Line | None = None
    for line in lines:
        if line.kind == "navigation":
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
        else:
            if line.standalone or line.kind == "navigation":
                put("")
                put_source(n)
            else:  # the sentence above goes on: no blank line (or debris) may cut the paragraph
                while out and not out[-1]:
                    out.pop()
                    source.pop()
            stripped = line.text.strip()
            if line.bullet:
                put("- " + escape(stripped))
            elif _BULLETED_RE.match(stripped):
                put("- " + escape(stripped[1:].strip()))
            else:
                put(escape(stripped) + ("  " if line.kind == "navigation" else ""))
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
