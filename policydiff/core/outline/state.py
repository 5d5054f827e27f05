"""What the outline rules read and write: the blocks, the numbering context, and one verdict each."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from policydiff.core.outline.block import Block
from policydiff.core.outline.thresholds import DEFAULT, Thresholds
from policydiff.core.shapes import Numbering


@dataclass(slots=True)
class Verdict:
    """A rule's decision on one block. A rule returns None when it has nothing to say. (Not frozen:
    the engine writes the rule's name in, which ``dataclasses.replace`` made a tenth of the time.)"""

    heading: bool
    """The block is a section heading (or, for a list, its items hold section titles)."""
    evidence: str = ""
    """Why, in a few words (shown by ``--outline --explain``)."""
    kind: str = ""
    """How a heading is ranked: ``declared`` (its level), ``leaf`` (a date stamp), ``numbered``
    (by its numbering), ``parent`` (a chapter over numbered sections), ``line`` (one below the
    heading it stands under), ``over`` (a parent title: as ``line``, but above the level of the declared
    heading below it, ``depth``), ``top`` (one below the headings numbered sections sit under: a plain
    text's unnumbered sections are siblings of its numbered ones), ``items`` (a list whose items are
    sections)."""
    depth: int = 0
    """For ``numbered``: the depth of its number (1 for ``6``, 2 for ``6.1``; -1 for ``(a)``); for
    ``over``: the declared level of the heading below (0: an undeclared one)."""
    metadata: str = ""
    """Why the block is set aside (``table of contents``, ``date stamp``): still compared."""
    quiet: bool = False
    """The block is not heading-like at all: no decision is recorded."""
    target: int | None = None
    """The block that becomes the heading when it is not the one judged (the words of an empty
    declared heading stand in the line next to it)."""
    items: tuple[Block, ...] = ()
    """For ``items``: the headings and text blocks the list is read as (ranks relative to it)."""
    rule: str = ""
    """The rule's name (filled in by the engine)."""


@dataclass
class OutlineState:
    """The blocks of one document and the context the rules share while they run, block by block."""

    blocks: list[Block]
    title: int | None
    """Index of the title block, if any (never judged)."""
    thresholds: Thresholds = DEFAULT
    label_counts: Counter[str] = field(default_factory=Counter)
    """Title key -> how often it stands as a bold line (or below an empty declared heading)."""
    empty_labels: Counter[str] = field(default_factory=Counter)
    """Title key -> how often it stands right below an empty declared heading."""
    later: dict[str, int] = field(default_factory=dict)
    """Title key -> index of its last occurrence as a declared or bold heading-shaped line."""
    numbering: Numbering = field(default_factory=Numbering)
    """The numbering that numbered titles must continue."""
    anchor_rank: int = 1
    """Rank of the heading that undeclared headings sit under."""
    anchor_depth: int = 0
    """How many parts the anchor's own number has (``4.`` one, ``4.1`` two)."""
    declared_rank: int = 1
    """Rank of the last declared heading (chapters sit under it)."""
    numbered_rank: int = 0
    """Rank of the last numbered undeclared heading under the current anchor (0: none)."""
    numbered_depth: int = 0
    """Depth of the number of that heading (1 for ``6.``)."""
    letter: tuple[str, int] | None = None
    """The last lettered title (``c.``) and its rank: its roman clauses (``i.``) nest under it."""
    item_number: int | None = None
    """Number of the last list item taken for a section title."""
    flattened: dict[int, list[Block]] | None = None
    """Numbered outlines flattened into lists, worked out when a list first needs it."""
    contents_runs: set[int] | None = None
    """Declared headings that form a table of contents, worked out when a heading first needs it."""
    plain_counts: Counter[str] | None = None
    """Title key -> how often it stands as a plain line of its own, worked out when a line first
    needs it."""
    labels_over_prose: set[int] | None = None
    """Plain labels over prose that have sibling labels under the same heading, worked out when a
    line first needs it."""
    # The line being judged, worked out once for every line rule:
    following: Block | None = None
    """The next block with a word in it."""
    number: str | None = None
    """The line's own number (``4.1``), if any."""
    rest: str = ""
    """The line without its number."""
    numbered_line: int = -1
    """The line whose number was last read against the numbering (reading moves it on: once a line)."""
    numbered_line_depth: int = 0
    """The depth that line's number has in the numbering (0: it does not continue it)."""
    decisions: list[tuple[int, Verdict]] = field(default_factory=list)
    """The rules that raised, each with its block's index (skipped there)."""
