"""The engine's data: frozen dataclasses shared by the CLI, the report and the GUI.

Everything here is immutable; a new comparison (other options, other overrides) is a new object.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from enum import Enum
from typing import TYPE_CHECKING, Any, Iterator, Literal, TypeVar

if TYPE_CHECKING:
    from policydiff.core.changes import Change

from policydiff.core.numbering import strip_number

OpKind = Literal["=", "-", "+", "~"]

_Frozen = TypeVar("_Frozen", bound=type)


def stored_through_slots(cls: _Frozen) -> _Frozen:
    """Give a frozen, slotted dataclass an ``__init__`` that stores each field through its slot's
    descriptor, the same values in the same slots as the generated one (same parameters, defaults
    and ``__post_init__``).

    Why: the generated ``__init__`` of a frozen class stores a field by looking up and calling
    ``object.__setattr__`` on it, about half of the ~2 µs it takes to make a ``Section`` or a
    ``Decision``; structure recovery makes dozens of them per document, a tenth of its time on top
    of the parse for a short policy."""
    namespace: dict[str, Any] = {}
    parameters: list[str] = []
    stores: list[str] = []
    for spec in fields(cls):
        if not spec.init:
            continue
        if spec.kw_only or spec.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{spec.name}: only positional fields with plain defaults")
        namespace[f"_store_{spec.name}"] = getattr(cls, spec.name).__set__
        if spec.default is MISSING:
            parameters.append(spec.name)
        else:
            namespace[f"_default_{spec.name}"] = spec.default
            parameters.append(f"{spec.name}=_default_{spec.name}")
        stores.append(f"_store_{spec.name}(self, {spec.name})")
    if hasattr(cls, "__post_init__"):
        stores.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(parameters)}) -> None:\n    " + "\n    ".join(stores)
    exec(source, namespace)  # noqa: S102 - the text is made of the class's own field names
    initialiser = namespace["__init__"]
    initialiser.__qualname__ = f"{cls.__qualname__}.__init__"
    setattr(cls, "__init__", initialiser)
    return cls


class Status(str, Enum):
    """What happened to a section between the two versions."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


class Kind(str, Enum):
    """What became of a group of paired sections, in one word (``--json``'s ``kind``).

    A merge (several old sections in one new) or a split (one old section in several new) says so
    whatever else changed; otherwise a pair that changed its place is ``moved``, one whose title
    changed ``renamed``, one whose text changed ``changed``.
    """

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    RENAMED = "renamed"
    MOVED = "moved"
    MERGED = "merged"
    SPLIT = "split"
    ADDED = "added"
    REMOVED = "removed"


@stored_through_slots
@dataclass(frozen=True, slots=True)
class Section:
    """One heading of a document and the text it owns (children excluded)."""

    title: str
    """Heading text without markdown markers, as written (``1.Site covered by this statement``)."""
    number: str | None
    """Numbering of the heading (``1``, ``6.1``, ``A``, ``(1)``), or None when unnumbered."""
    level: int
    """Depth in the outline: 1 for top-level sections; 0 only for a document's preamble."""
    line: int
    """1-based line of the heading in the source file (for the preamble: its first content line)."""
    body: str
    """The section's own text as plain prose: paragraphs and list items separated by newlines."""
    children: tuple[Section, ...] = ()
    """Subsections, in reading order."""

    @property
    def bare_title(self) -> str:
        """The title with its numbering removed (``Site covered by this statement``)."""
        return strip_number(self.title)

    def walk(self) -> Iterator[Section]:
        """This section, then its descendants, in reading order."""
        yield self
        for child in self.children:
            yield from child.walk()


@stored_through_slots
@dataclass(frozen=True, slots=True)
class OmittedLine:
    """A source line set aside as metadata rather than policy content (still compared in place)."""

    line: int
    """1-based source line."""
    text: str
    """The line as it was in the file."""
    reason: str
    """Why it is not content: ``provenance``, ``navigation``, ``table debris``, ``blank``."""


@stored_through_slots
@dataclass(frozen=True, slots=True)
class Decision:
    """Why a heading-like line is a heading or is not (``--outline --explain``)."""

    line: int
    """1-based source line."""
    text: str
    """The line as read (markup removed)."""
    heading: bool
    """Whether it became a section heading."""
    rule: str
    """The rule that made it a heading, or the reason it is not one."""
    evidence: str = ""
    """What the rule saw, in a few words."""


@stored_through_slots
@dataclass(frozen=True, slots=True)
class Document:
    """A policy read from a file: metadata plus a tree of sections."""

    name: str
    """Display name: the file name (``nec-2002.md``)."""
    path: str | None
    """Path the document was read from, or None for text given directly."""
    title: str | None
    """The document's own title (first ``#`` heading or title line)."""
    date: str | None
    """The date the document states for itself (``March 1, 2002``), as written."""
    source: str | None
    """Source URL from a provenance note, when the text says where it was taken from."""
    archived: str | None
    """Archive date (ISO) from a provenance note."""
    preamble: Section
    """Text before the first heading, as a level-0 section with an empty title."""
    sections: tuple[Section, ...]
    """Top-level sections in reading order."""
    omitted: tuple[OmittedLine, ...] = ()
    """Lines set aside as metadata (provenance, navigation, table of contents, page title, date
    stamp, table debris) with the reason; every one with a word is still compared where it stands."""
    decisions: tuple[Decision, ...] = ()
    """How structure recovery judged each heading and heading-like line."""
    reading: str = ""
    """Every line of the document as a reader reads it, in source order (title included where it
    stands): the verdict compares these words, whatever the section tree made of them."""
    sha256: str = ""
    """SHA-256 of the file's bytes (empty for text given directly)."""
    encoding: str = "utf-8"
    """Encoding the bytes were decoded with."""

    _flat: tuple[Section, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Computed once: the alignment, the views and the report all index sections through it.
        flat = (self.preamble,) + tuple(s for top in self.sections for s in top.walk())
        object.__setattr__(self, "_flat", flat)

    def flat(self) -> tuple[Section, ...]:
        """Preamble first, then every section in reading order; indices into this tuple identify sections."""
        return self._flat

    def index_of(self, section: Section) -> int:
        """Index of ``section`` in :meth:`flat` (by identity)."""
        for i, s in enumerate(self._flat):
            if s is section:
                return i
        raise ValueError("section is not part of this document")


@dataclass(frozen=True, slots=True)
class Op:
    """One run of a word diff. ``old`` / ``new`` are the text this run contributes to each side."""

    kind: OpKind
    """``=`` same text, ``-`` only in old, ``+`` only in new, ``~`` differs but equal under ignore options."""
    old: str
    """Text on the old side ('' for insertions)."""
    new: str
    """Text on the new side ('' for deletions)."""

    @property
    def text(self) -> str:
        """The text to show for this run: the new side, except for deletions."""
        return self.old if self.kind == "-" else self.new


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """How to compare. Every option is off by default: nothing is ignored unless asked."""

    ignore_case: bool = False
    """Treat ``Data`` and ``data`` as the same word."""
    ignore_whitespace: bool = False
    """Treat any run of white space (including line breaks) as the same."""
    ignore_typography: bool = False
    """Treat curly and straight quotes, dash variants and non-breaking spaces as the same."""
    ignore_numbering: bool = False
    """Treat section / list numbering tokens (``6.``, ``(b)``, ``12.1``) as the same."""


@dataclass(frozen=True, slots=True)
class DiffStats:
    """Word counts of one diff (words are runs of letters or digits)."""

    words_inserted: int = 0
    words_deleted: int = 0
    words_unchanged: int = 0
    words_ignored: int = 0
    """Words that differ but count as equal under the ignore options (shown as ``~`` ops)."""

    @property
    def change_ratio(self) -> float:
        """Changed words over all words seen on both sides, 0..1."""
        changed = self.words_inserted + self.words_deleted
        total = changed + 2 * self.words_unchanged
        return changed / total if total else 0.0

    def __add__(self, other: DiffStats) -> DiffStats:
        return DiffStats(
            self.words_inserted + other.words_inserted,
            self.words_deleted + other.words_deleted,
            self.words_unchanged + other.words_unchanged,
            self.words_ignored + other.words_ignored,
        )


@dataclass(frozen=True, slots=True)
class WordDiff:
    """The word-level diff of two texts."""

    ops: tuple[Op, ...]
    stats: DiffStats
    coarse: str | None = None
    """Set (with the reason) when the diff had to be coarsened, e.g. replaced wholesale; never silent."""


@dataclass(frozen=True, slots=True)
class SectionPair:
    """An old section and the new section it became (either may be missing)."""

    old: Section | None
    new: Section | None
    old_index: int | None
    """Index of ``old`` in ``old_document.flat()``."""
    new_index: int | None
    """Index of ``new`` in ``new_document.flat()``."""
    status: Status
    moved: bool
    """The section changed position relative to the other pairs."""
    score: float
    """Confidence of the pairing, 0..1 (1.0 for a user-made pair; 0 for added/removed)."""
    title_diff: WordDiff
    """Diff of the titles with numbering stripped (a renumbering alone is not a change)."""
    body_diff: WordDiff
    """Diff of the section bodies."""
    manual: bool = False
    """Made or broken by the user, not by the automatic alignment."""
    kind: Kind | None = None
    """What became of the group this pair belongs to (None: derive it from ``status``)."""
    old_group: tuple[int, ...] = ()
    """For a merge: every old section merged into ``new`` (flat indices, reading order). The
    entry's ``body_diff`` then holds ``old``'s whole text against the part of ``new`` it became."""
    new_group: tuple[int, ...] = ()
    """For a split: every new section ``old`` was split into. The entry's ``body_diff`` then holds
    the part of ``old`` that became ``new`` against ``new``'s whole text."""
    why: str = ""
    """Why the pairing engine made this pair, or left the section unpaired (one short line)."""

    @property
    def stats(self) -> DiffStats:
        return self.title_diff.stats + self.body_diff.stats

    @property
    def renamed(self) -> bool:
        """The titles differ in more than their numbering."""
        return self.old is not None and self.new is not None and (
            " ".join(self.old.bare_title.split()) != " ".join(self.new.bare_title.split())
        )

    @property
    def display_title(self) -> str:
        """``old title -> new title`` when renamed or renumbered, else the one title."""
        if self.old is not None and self.new is not None:
            if self.old.title != self.new.title and (self.old.title or self.new.title):
                return f"{self.old.title or 'Preamble'} \u2192 {self.new.title or 'Preamble'}"
            return self.new.title or "Preamble"
        section = self.new or self.old
        assert section is not None
        return section.title or "Preamble"

    @property
    def level(self) -> int:
        section = self.new or self.old
        assert section is not None
        return section.level


@dataclass(frozen=True, slots=True)
class ComparisonStats:
    """Totals over all pairs."""

    sections_unchanged: int
    sections_changed: int
    sections_added: int
    sections_removed: int
    sections_moved: int
    words: DiffStats
    sections_merged: int = 0
    """Pairs that are part of a merge (several old sections in one new section)."""
    sections_split: int = 0
    """Pairs that are part of a split (one old section in several new sections)."""
    passages_moved: int = 0
    """Paragraphs deleted in one place and inserted (perhaps edited) in another."""


@dataclass(frozen=True, slots=True)
class Overrides:
    """The user's corrections to the automatic alignment."""

    pairs: tuple[tuple[int, int], ...] = ()
    """(old index, new index) pairs forced together."""
    unpaired_old: tuple[int, ...] = ()
    """Old sections forced to stay unpaired (shown as removed)."""
    unpaired_new: tuple[int, ...] = ()
    """New sections forced to stay unpaired (shown as added)."""
    unpaired_pairs: tuple[tuple[int, int], ...] = ()
    """(old index, new index) pairs forced apart, e.g. one section taken out of a merge; each
    section may still pair with others."""

    def __bool__(self) -> bool:
        return bool(self.pairs or self.unpaired_old or self.unpaired_new or self.unpaired_pairs)


@dataclass(frozen=True, slots=True)
class MovedPassage:
    """A paragraph deleted in one place and inserted, perhaps edited, in another (another section
    or elsewhere in the same one): both ends are shown as moved, each pointing at the other."""

    old_pair: int
    """Index in ``Comparison.pairs`` of the pair whose diff deletes the passage."""
    new_pair: int
    """Index in ``Comparison.pairs`` of the pair whose diff inserts it."""
    old_index: int
    """The old section it was in (``old_document.flat()`` index)."""
    new_index: int
    """The new section it is in now."""
    old_text: str
    """The passage as deleted (a paragraph of the old section)."""
    new_text: str
    """The passage as inserted."""
    diff: WordDiff
    """Word diff of ``old_text`` against ``new_text``: how it was edited on the way."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything the views show: both documents, the aligned pairs and the totals."""

    old: Document
    new: Document
    pairs: tuple[SectionPair, ...]
    """In reading order of the new document; removed sections at the place they had."""
    stats: ComparisonStats
    options: Options = field(default_factory=Options)
    overrides: Overrides = field(default_factory=Overrides)
    same_words: bool = False
    """Both documents have the same words in the same order (under the ignore options): the
    verdict, independent of how sections were paired."""
    similarity: object | None = field(default=None, compare=False, repr=False)
    """The section similarity the alignment used, kept so that user corrections realign cheaply."""
    moved_passages: tuple[MovedPassage, ...] = ()
    """Paragraphs that moved, found among the deletions and insertions of all pairs."""
    _changes: object = field(default=None, init=False, compare=False, repr=False)
    """Cache of :attr:`changes` (computed on first use)."""

    @property
    def changes(self) -> tuple[Change, ...]:
        """Every change classified as substantive, editorial or cosmetic, with its signals
        (:mod:`policydiff.core.changes`): computed once, so every view reads the same result."""
        if self._changes is None:
            from policydiff.core.changes import classify  # local: changes imports this module

            object.__setattr__(self, "_changes", classify(self))
        return self._changes  # type: ignore[return-value]

    @property
    def identical(self) -> bool:
        """No differences: the same words in the same order (``diff`` exit status 0)."""
        return self.same_words
