"""Invisible and direction-changing characters: find them, name them, show them.

A policy can differ by characters a reader never sees: a right-to-left override that makes
``30 days`` display as ``syad 03``, a zero-width space, a byte order mark in mid-text. Both the
report and the window replace every such character by a visible marker (``⟨RLO⟩``) carrying a
description (``right-to-left override (U+202E)``), so the character can neither hide a change nor
reorder the text around it. This module holds the Qt-free logic both use.

The soft hyphen is marked only inside a change: in unchanged text it is a harmless (and, in saved
web pages, frequent) line-breaking hint, but an insertion of nothing else must still show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Protocol


class _OpLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def old(self) -> str: ...
    @property
    def new(self) -> str: ...

# char -> (short name for the marker, description)
_NAMES: dict[str, tuple[str, str]] = {
    "\u202a": ("LRE", "left-to-right embedding"),
    "\u202b": ("RLE", "right-to-left embedding"),
    "\u202c": ("PDF", "pop directional formatting"),
    "\u202d": ("LRO", "left-to-right override"),
    "\u202e": ("RLO", "right-to-left override"),
    "\u2066": ("LRI", "left-to-right isolate"),
    "\u2067": ("RLI", "right-to-left isolate"),
    "\u2068": ("FSI", "first strong isolate"),
    "\u2069": ("PDI", "pop directional isolate"),
    "\u200e": ("LRM", "left-to-right mark"),
    "\u200f": ("RLM", "right-to-left mark"),
    "\u061c": ("ALM", "Arabic letter mark"),
    "\u200b": ("ZWSP", "zero-width space"),
    "\u200c": ("ZWNJ", "zero-width non-joiner"),
    "\u200d": ("ZWJ", "zero-width joiner"),
    "\u2060": ("WJ", "word joiner"),
    "\u2061": ("FA", "invisible function application"),
    "\u2062": ("IT", "invisible times"),
    "\u2063": ("IS", "invisible separator"),
    "\u2064": ("IP", "invisible plus"),
    "\u180e": ("MVS", "Mongolian vowel separator"),
    "\ufeff": ("BOM", "zero-width no-break space (byte order mark)"),
    "\u00ad": ("SHY", "soft hyphen"),
}
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
SOFT_HYPHEN = "\u00ad"

# Tag characters (U+E0000-U+E007F) spell hidden ASCII text that no font draws.
_PATTERN = re.compile("[" + "".join(re.escape(c) for c in _NAMES) + "\U000e0000-\U000e007f]")
_PATTERN_NO_SHY = re.compile("[" + "".join(re.escape(c) for c in _NAMES if c != SOFT_HYPHEN)
                             + "\U000e0000-\U000e007f]")


def is_invisible(char: str) -> bool:
    """True for a character this module marks (soft hyphen included)."""
    return len(char) == 1 and _PATTERN.match(char) is not None


def is_bidi_control(char: str) -> bool:
    """True for a character that changes the direction of the text around it."""
    return char in _BIDI


def short_name(char: str) -> str:
    if char in _NAMES:
        return _NAMES[char][0]
    if "\U000e0000" <= char <= "\U000e007f":
        return "TAG"
    return f"U+{ord(char):04X}"


def describe(char: str) -> str:
    """``right-to-left override (U+202E)``: what the character is, for a tooltip."""
    code = f"U+{ord(char):04X}"
    if char in _NAMES:
        return f"{_NAMES[char][1]} ({code})"
    if "\U000e0000" <= char <= "\U000e007f":
        inner = ord(char) - 0xE0000
        spelled = f" for \u201c{chr(inner)}\u201d" if 0x20 < inner < 0x7F else ""
        return f"invisible tag character{spelled} ({code})"
    return f"invisible character ({code})"


def marker(char: str) -> str:
    """The visible stand-in for ``char``: ``⟨RLO⟩``."""
    return f"\u27e8{short_name(char)}\u27e9"


def _pattern(soft_hyphens: bool) -> re.Pattern[str]:
    return _PATTERN if soft_hyphens else _PATTERN_NO_SHY


def find(text: str, *, soft_hyphens: bool = True) -> list[tuple[int, str]]:
    """(index, character) of every marked character in ``text``."""
    return [(m.start(), m.group()) for m in _pattern(soft_hyphens).finditer(text)]


def has_invisible(text: str, *, soft_hyphens: bool = True) -> bool:
    return _pattern(soft_hyphens).search(text) is not None


def only_invisible(text: str) -> bool:
    """True when ``text`` holds invisible characters and nothing else a reader would see."""
    if not has_invisible(text):
        return False
    return not _PATTERN.sub("", text).strip()


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of text to display: plain text, or one invisible character as its marker."""

    text: str
    """What to show: the text itself, or the marker (``⟨RLO⟩``)."""
    char: str = ""
    """The invisible character a marker stands for; empty for plain text."""
    title: str = ""
    """Tooltip for a marker (``right-to-left override (U+202E)``); empty for plain text."""

    @property
    def marked(self) -> bool:
        return bool(self.char)


def segments(text: str, *, soft_hyphens: bool = True) -> list[Segment]:
    """Split ``text`` into plain segments and one marker segment per invisible character.

    ``soft_hyphens=False`` leaves soft hyphens in the plain text (for unchanged text).
    """
    out: list[Segment] = []
    position = 0
    for match in _pattern(soft_hyphens).finditer(text):
        if match.start() > position:
            out.append(Segment(text[position:match.start()]))
        char = match.group()
        out.append(Segment(marker(char), char, describe(char)))
        position = match.end()
    if position < len(text) or not out:
        out.append(Segment(text[position:]))
    return [s for s in out if s.text]


def visible_text(text: str, *, soft_hyphens: bool = True) -> str:
    """``text`` with every invisible character replaced by its marker (for plain-text places:
    tooltips, window titles, attribute values)."""
    return _pattern(soft_hyphens).sub(lambda m: marker(m.group()), text)


@dataclass(frozen=True, slots=True)
class InvisibleChanges:
    """Invisible characters among the inserted and deleted text of some ops."""

    inserted: int = 0
    deleted: int = 0
    names: tuple[str, ...] = ()
    """Descriptions of the distinct characters involved, in order of first appearance."""

    def __bool__(self) -> bool:
        return bool(self.inserted or self.deleted)

    def __add__(self, other: InvisibleChanges) -> InvisibleChanges:
        names = self.names + tuple(n for n in other.names if n not in self.names)
        return InvisibleChanges(self.inserted + other.inserted, self.deleted + other.deleted, names)

    def summary(self) -> str:
        """``1 invisible character inserted, 2 deleted`` ('' when none)."""
        if not self:
            return ""
        first = self.inserted or self.deleted
        noun = "invisible character" if first == 1 else "invisible characters"
        if self.inserted and self.deleted:
            return f"{self.inserted} {noun} inserted, {self.deleted} deleted"
        return f"{first} {noun} {'inserted' if self.inserted else 'deleted'}"

    def short(self) -> str:
        """``+2 −1 invisible`` for a narrow column ('' when none)."""
        parts = []
        if self.inserted:
            parts.append(f"+{self.inserted}")
        if self.deleted:
            parts.append(f"\u2212{self.deleted}")
        return f"{' '.join(parts)} invisible" if parts else ""


def invisible_changes(ops: Iterable[_OpLike]) -> InvisibleChanges:
    """Count the invisible characters (soft hyphens included) in ``-`` and ``+`` ops.

    ``ops`` are :class:`~policydiff.core.model.Op`-like: ``kind``, ``old``, ``new``.
    """
    inserted = deleted = 0
    names: list[str] = []
    for op in ops:
        if op.kind == "+":
            found = find(op.new)
            inserted += len(found)
        elif op.kind == "-":
            found = find(op.old)
            deleted += len(found)
        else:
            continue
        for _, char in found:
            name = describe(char)
            if name not in names:
                names.append(name)
    return InvisibleChanges(inserted, deleted, tuple(names))
