"""Rules on the lines of a text with no markup at all (plain lines made into standalone lines
first: wrapped lines joined, debris and navigation set aside, the page title taken)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from policydiff.core.outline.state import Verdict
from policydiff.core.sections import split_number
from policydiff.core.shapes import Numbering, is_heading_text, title_key

if TYPE_CHECKING:
    from policydiff.core.plaintext import _Line

_DIGIT_RE = re.compile(r"\d")


@dataclass
class PlainState:
    """The lines of a plain text and the context the plain-line rules share."""

    lines: list[_Line]
    later_titles: dict[str, int] = field(default_factory=dict)
    """Title key of a short line -> index of its last occurrence (a contents entry's target)."""
    numbering: Numbering = field(default_factory=Numbering)
    last_numbered_rank: int = 1
    """Markdown rank of the last heading numbered ``1.``-style (``(a)`` nests one below it)."""
    number: str | None = None
    """The judged line's number, if any."""
    rest: str = ""
    """The judged line without its number."""
    decisions: list[tuple[int, Verdict]] = field(default_factory=list)
    """The rules that raised, each with its line's index (skipped there)."""


def plain_heading_shape(state: PlainState, i: int) -> Verdict | None:
    """Only a title-shaped line is judged further (a numbered one by its text after the number)."""
    if state.number is not None:
        shaped = is_heading_text(state.rest, allow_period=True)
    else:
        shaped = is_heading_text(state.lines[i].plain, allow_period=False)
    return None if shaped else Verdict(False, "not shaped like a title", quiet=True)


def plain_numbered_title(state: PlainState, i: int) -> Verdict | None:
    """A numbered line continuing the numbering it stands in and heading prose or its own first
    subsection is a section, nested by its number."""
    from policydiff.core.plaintext import _followed_by_prose_or_child

    if state.number is None:
        return None
    depth = state.numbering.depth(state.number, state.rest)
    if depth and _followed_by_prose_or_child(state.lines, i):
        return Verdict(True, "numbered title line continuing the numbering", kind="numbered", depth=depth)
    return Verdict(False, "numbered line that does not continue the numbering, or heads no text")


def plain_figures_or_colon(state: PlainState, i: int) -> Verdict | None:
    """An unnumbered plain line with figures or a colon is not a title (an address, a label)."""
    text = state.lines[i].plain
    if _DIGIT_RE.search(text) or ":" in text:
        return Verdict(False, "plain line with figures or a colon")
    return None


def plain_contents_entry(state: PlainState, i: int) -> Verdict | None:
    """A line repeated further down is an entry of a table of contents: its title stands below."""
    if state.later_titles.get(title_key(state.lines[i].plain), -1) > i:
        return Verdict(False, "contents entry: the heading stands below")
    return None


def plain_title_over_prose(state: PlainState, i: int) -> Verdict | None:
    """A short title-shaped line over prose (or over a list it does not introduce) is a heading."""
    from policydiff.core.plaintext import _followed_by_prose

    if _followed_by_prose(state.lines, i):
        return Verdict(True, "short line over prose", kind="line")
    return None


def split(state: PlainState, i: int) -> None:
    """Work out the judged line's number once for every rule."""
    state.number, state.rest = split_number(state.lines[i].plain)
