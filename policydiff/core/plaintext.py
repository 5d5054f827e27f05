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
_ENUMERATOR_RE = re.compile(r"\([a-z]{1,3}\)")
_NUMBERED_START_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?|\(?[a-zA-Z]\)|[ivxIVX]+\.)\s")

WRAP_PERCENTILE = 0.9
"""A hard-wrapped text's page width: this share of its lines of prose are no longer."""
WRAP_SHARE = 0.8
"""A line at least this share of the page width runs to the width (a text is wrapped to a ragged
right edge: its full lines fall short of the longest by a word or two)."""
WRAPPED_SHARE = 0.5
"""A text is hard-wrapped when at least this share of its lines of prose run to the width (in a
text of one paragraph a line, about one in five does)."""
WRAPPED_MIN_WORDS = 6
"""Lines of prose: at least this many words (titles, page numbers and labels say nothing of the width)."""
WRAPPED_MIN_LINES = 20
"""Fewer lines of prose than this say nothing reliable of a page width."""
WRAP_MAX_WIDTH = 160
"""A page is at most this many characters wide; longer lines are paragraphs, not wrapped lines."""


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
    punctuation and either a function word at its end, a lower-case start here, or (in a
    hard-wrapped text) a line above that runs to the page's width. Blank lines do not break this
    (text extracted from PDF pages puts one after every wrapped line)."""
    # Capitals are wider than small letters: a page's ALL-CAPS lines wrap shorter.
    # (Words counted by the spaces between them: splitting every line was a third of the reading.)
    prose = [(len(text), _capitals(text)) for text in (line.text.strip() for line in lines if line.kind == "content")
             if text.count(" ") >= WRAPPED_MIN_WORDS - 1]
    full = _wrap_width([length for length, capitals in prose if not capitals])
    full_capitals = _wrap_width([length for length, capitals in prose if capitals], WRAPPED_MIN_LINES // 2)
    shortest_full = min(full, full_capitals)
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
                    # A line cut by the page's width, where a title or a paragraph's last line
                    # stops short of it (the only sign left in ALL-CAPS text: no lower-case start).
                    or (len(words) >= WRAPPED_MIN_WORDS and len(tail) >= shortest_full
                        and len(tail) >= (full_capitals if _capitals(tail) else full)
                        and _NUMBERED_START_RE.match(line.text) is None)
                )
        previous = line


def _capitals(text: str) -> bool:
    """Written in capitals (an enumerator's small letter, ``(c)``, aside). (String methods in C: a
    loop over the characters of every line was twice the reading time of a long plain text.)"""
    if text.isupper():
        return len(text) >= 10
    return "(" in text and len(text) >= 10 and _ENUMERATOR_RE.sub("", text).isupper()


def _wrap_width(prose_lengths: Sequence[int], at_least: int = WRAPPED_MIN_LINES) -> float:
    """The length from which a line runs to the page's width, in a hard-wrapped text (most lines
    of prose about as long as its longest ones: a PDF extract); infinite in a text whose lines are
    paragraphs, whose lengths spread, or when fewer than ``at_least`` lines of prose show it."""
    lengths = sorted(prose_lengths)
    if len(lengths) < at_least:
        return float("inf")
    width = lengths[int(WRAP_PERCENTILE * (len(lengths) - 1))]
    full = WRAP_SHARE * width
    if width > WRAP_MAX_WIDTH or sum(length >= full for length in lengths) < WRAPPED_SHARE * len(lengths):
        return float("inf")
    return full


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
