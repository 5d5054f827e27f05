"""What the window and the report show of a comparison, computed once for both.

A :class:`~policydiff.core.model.Comparison` becomes a list of :class:`PairView`: the title, the
status badges, the amount of change in words, the notes, and the text as paragraph rows (side by
side) or paragraphs (inline redline) made of :class:`Frag` runs. The report only fills its
template with these; the window only paints them. Labels, badge colours, the colour styles and the
ignore options are defined here, once.

Qt-free (the engine never imports Qt), and plain data: frozen dataclasses, tuples, strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Literal, Sequence

from policydiff.core import invisible
# Defined apart so that the command line can build its flags without importing this module.
from policydiff.core.option_specs import OPTIONS, STYLES, OptionSpec, Style, options_from
from policydiff.core.model import Comparison, Document, Kind, Op, Options, Section, SectionPair, Status

__all__ = [
    "OPTIONS", "OptionSpec", "STYLES", "Style", "options_from", "LINE_BREAK", "Palette", "palette", "BADGE_KEYS", "STATUS_LABELS", "MINOR_BADGES",
    "Frag", "Para", "Row", "Badge", "PairView", "Count", "Layout",
    "present", "present_pair", "counts", "ignored_labels", "summary_line", "contrast_ratio", "MOVE_MARK",
    "PILCROW", "head_pair",
]

Layout = Literal["side-by-side", "inline"]
FragKind = Literal["=", "-", "+", "~", "-p", "+p"]

MOVE_MARK = "\u2195"
"""The symbol that marks a moved section or passage (colour is never the only signal)."""
PILCROW = "\u00b6"
"""A paragraph break added (split) or removed (join)."""
WEAK_MATCH = 0.5
"""Below this pairing score a pair carries a note that the pairing itself is uncertain."""


# --------------------------------------------------------------------------------------------
# The ignore options: one definition for the menu, the settings, the command line and the report


def ignored_labels(options: Options, *, short: bool = False) -> list[str]:
    """The ignore options that are on, as words for a sentence."""
    return [spec.short if short else spec.label for spec in OPTIONS if getattr(options, spec.attr)]


# --------------------------------------------------------------------------------------------
# Statuses, badges and colours

STATUS_LABELS: dict[str, str] = {
    "document": "Document",
    "unchanged": "Unchanged",
    "changed": "Changed",
    "minor": "Minor",
    "added": "Added",
    "removed": "Removed",
    "moved": "Moved",
    "renamed": "Renamed",
    "merged": "Merged",
    "split": "Split",
    "manual": "Paired by hand",
    "unpaired": "Unpaired by hand",
}
"""Every badge's words; a minor change's badge says what changed instead (``Spacing``)."""

BADGE_KEYS = tuple(STATUS_LABELS)

MINOR_BADGES: dict[str, str] = {
    "white space": "Spacing",
    "paragraph breaks": "Paragraphs",
    "punctuation only": "Punctuation",
    "list bullets": "Bullets",
    "numbering": "Numbering",
    "heading level": "Level",
    "ignored differences": "Ignored",
    "invisible characters": "Invisible",
}
"""The quieter badge of a pair in which no word was inserted or deleted, by what changed."""

STATUS_TIPS: dict[str, str] = {
    "document": "The document head: its title, the opening text and the metadata lines",
    "unchanged": "Same words in the same order",
    "changed": "Words inserted or deleted",
    "minor": "No word inserted or deleted: only what the badge names changed",
    "added": "Only in the new version",
    "removed": "Only in the old version",
    "moved": "Its place among the sections changed",
    "renamed": "Its heading was reworded",
    "merged": "Several old sections became this one",
    "split": "One old section became several",
    "manual": "You paired these sections",
    "unpaired": "You took this section out of its pairing",
}

@dataclass(frozen=True, slots=True)
class Palette:
    """Colours (``#rrggbb``) of one style in one mode; every text colour is readable on its
    background (contrast at least 4.5:1, checked by a test)."""

    bg: str
    fg: str
    muted: str
    band: str
    line: str
    del_fg: str
    del_bg: str
    ins_fg: str
    ins_bg: str
    ign: str
    invis_fg: str
    invis_bg: str
    dim: str
    badges: dict[str, tuple[str, str]]
    """key -> (text colour, background)."""
    double_underline: bool = False


_LIGHT_BADGES: dict[str, tuple[str, str]] = {
    "document": ("#1f4e8c", "#e6eefa"),
    "unchanged": ("#4d5560", "#eef0f2"),
    "changed": ("#7a4b00", "#fff1cf"),
    "minor": ("#4d5560", "#f4f5f7"),
    "added": ("#0c6230", "#e2f3e7"),
    "removed": ("#a3191d", "#fde9e9"),
    "moved": ("#55339a", "#eee8fb"),
    "renamed": ("#1f4e8c", "#e6eefa"),
    "merged": ("#6b2c6e", "#f6e8f6"),
    "split": ("#6b2c6e", "#f6e8f6"),
    "manual": ("#4d5560", "#ffffff"),
    "unpaired": ("#4d5560", "#ffffff"),
}
_DARK_BADGES: dict[str, tuple[str, str]] = {
    "document": ("#a9c7ff", "#1e3354"),
    "unchanged": ("#c3c9d1", "#2a2f36"),
    "changed": ("#ffd88a", "#4a3710"),
    "minor": ("#c3c9d1", "#23272d"),
    "added": ("#96e2ad", "#16402a"),
    "removed": ("#ffaaa8", "#4b1e20"),
    "moved": ("#cdb8ff", "#35295a"),
    "renamed": ("#a9c7ff", "#1e3354"),
    "merged": ("#f0b8f2", "#47234a"),
    "split": ("#f0b8f2", "#47234a"),
    "manual": ("#c3c9d1", "#16191d"),
    "unpaired": ("#c3c9d1", "#16191d"),
}

_LIGHT: dict[str, str] = dict(bg="#ffffff", fg="#1d2126", muted="#5a636e", band="#eef0f3", line="#d5dae0",
              ign="#5a636e", invis_fg="#8a3c00", invis_bg="#fff4e0", dim="#5f6873")
_DARK: dict[str, str] = dict(bg="#16191d", fg="#e4e7eb", muted="#a0a8b3", band="#23272d", line="#363c44",
             ign="#a0a8b3", invis_fg="#ffc77a", invis_bg="#3d2a10", dim="#9aa2ad")

def _make(ground: dict[str, str], *, del_fg: str, del_bg: str, ins_fg: str, ins_bg: str,
          badges: dict[str, tuple[str, str]], double_underline: bool = False) -> Palette:
    g = ground
    return Palette(bg=g["bg"], fg=g["fg"], muted=g["muted"], band=g["band"], line=g["line"], del_fg=del_fg,
                   del_bg=del_bg, ins_fg=ins_fg, ins_bg=ins_bg, ign=g["ign"], invis_fg=g["invis_fg"],
                   invis_bg=g["invis_bg"], dim=g["dim"], badges=badges, double_underline=double_underline)


_PALETTES: dict[tuple[str, str], Palette] = {
    ("standard", "light"): _make(_LIGHT, del_fg="#a3191d", del_bg="#fdeded", ins_fg="#0c6230",
                                   ins_bg="#e6f5ea", badges=_LIGHT_BADGES),
    ("standard", "dark"): _make(_DARK, del_fg="#ffaaa8", del_bg="#4b1e20", ins_fg="#96e2ad",
                                  ins_bg="#16402a", badges=_DARK_BADGES),
    ("colorblind", "light"): _make(_LIGHT, del_fg="#9a4300", del_bg="#fff0e0", ins_fg="#0b4f9c",
                                     ins_bg="#e5effb",
                                     badges={**_LIGHT_BADGES, "added": ("#0b4f9c", "#e5effb"),
                                             "removed": ("#9a4300", "#fff0e0")}),
    ("colorblind", "dark"): _make(_DARK, del_fg="#ffb877", del_bg="#42270c", ins_fg="#9cc8ff",
                                    ins_bg="#14314f",
                                    badges={**_DARK_BADGES, "added": ("#9cc8ff", "#14314f"),
                                            "removed": ("#ffb877", "#42270c")}),
    ("blackline", "light"): _make(_LIGHT, del_fg="#b00000", del_bg="#ffffff", ins_fg="#0033b3",
                                    ins_bg="#ffffff", double_underline=True,
                                    badges={**_LIGHT_BADGES, "added": ("#0033b3", "#eaf0ff")}),
    ("blackline", "dark"): _make(_DARK, del_fg="#ff9c9c", del_bg="#16191d", ins_fg="#a8c2ff",
                                   ins_bg="#16191d", double_underline=True,
                                   badges={**_DARK_BADGES, "added": ("#a8c2ff", "#1c2a4a")}),
}


def palette(style: str = "standard", dark: bool = False) -> Palette:
    """The colours of ``style`` (``standard``, ``colorblind``, ``blackline``) on a light or dark ground."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    return _PALETTES[(style, "dark" if dark else "light")]


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    value = colour.lstrip("#")
    r, g, b = (int(value[k:k + 2], 16) for k in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1..21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --------------------------------------------------------------------------------------------
# The view data


@dataclass(frozen=True, slots=True)
class Frag:
    """A run of text of one kind: ``=`` same, ``-`` deleted, ``+`` inserted, ``~`` equal under the
    ignore options, ``-p`` / ``+p`` a paragraph break removed / added (shown as a pilcrow)."""

    kind: FragKind
    text: str
    change: int = -1
    """Which single change of the pair this run belongs to (F7/F8 stops); -1 for none."""
    tip: str = ""
    """Tooltip: the other version's text of an ignored difference, what a pilcrow means."""


@dataclass(frozen=True, slots=True)
class Para:
    frags: tuple[Frag, ...]
    dim: bool = False
    """A metadata line set aside by structure recovery (``Document.omitted``): shown and
    compared, but quieter."""
    cells: tuple[tuple[Frag, ...], ...] = ()
    """When the paragraph is a row of a table: ``frags`` cut into its cells (the cell separators
    left out, a ``<br>`` inside a cell made a line break, U+2028). Empty for any other paragraph."""
    header: bool = False
    """A table row that is its table's first (header) row."""

    @property
    def text(self) -> str:
        return "".join(f.text for f in self.frags if f.kind not in ("-p", "+p"))


Row = tuple[tuple[Para, ...], tuple[Para, ...]]
"""Side by side: the old paragraphs and the new paragraphs that stand level."""


@dataclass(frozen=True, slots=True)
class Badge:
    key: str
    """One of :data:`BADGE_KEYS`: picks the colours."""
    label: str
    tip: str


@dataclass(frozen=True, slots=True)
class PairView:
    """One section pair as both views show it."""

    index: int
    anchor: str
    title: str
    """What the pair is called: the new title (``old → new`` when the title changed); ``Document``
    for the document head."""
    full_title: str
    """The title in full, for tooltips (``old → new`` when the title changed)."""
    short_title: str
    """For a narrow list: the new title (the old one when removed), ``Document`` for the head."""
    level: int
    heading_level: int
    """HTML heading level in the report (2..6)."""
    status: str
    """Key of the primary badge (``changed``, ``minor``, ``moved``...)."""
    badges: tuple[Badge, ...]
    """Primary badge first, then ``moved`` (when not primary) and ``manual``."""
    moved: bool
    manual: bool
    renamed: bool
    head: bool
    """The document head (flat index 0 on both sides)."""
    stop: bool
    """Stepping by changed section (Alt+Down) stops here: something a reader must see."""
    inserted: int
    deleted: int
    ignored: int
    minor: str | None
    """When no word was inserted or deleted: what changed (``white space``, ``punctuation only``...)."""
    amount: str
    """Short: ``+12 −3``, or the minor reason, '' when nothing changed."""
    change_text: str
    """Long: ``+12 −3 words (2 ignored)``, ``no change``, ``white space``."""
    moved_note: str | None
    match_note: str | None
    invisible_note: str | None
    coarse: str | None
    notes: tuple[str, ...]
    """Short notes for the window's header line."""
    title_changed: bool
    title_label: str
    """``Heading`` (``Title`` for the document head)."""
    title_rows: tuple[Row, ...]
    title_paras: tuple[Para, ...]
    rows: tuple[Row, ...]
    paras: tuple[Para, ...]
    changes: tuple[str, ...]
    """What each single change is (``deleted “a”, inserted “b”``), indexed by ``Frag.change``."""
    old_missing: bool
    new_missing: bool
    invisible: invisible.InvisibleChanges
    tooltip: str
    why: str = ""
    """Why the engine paired these sections, or left the section unpaired (``SectionPair.why``):
    for a tooltip line and the report's change list."""


# --------------------------------------------------------------------------------------------
# Ops to paragraphs

_BULLETS_ONLY = re.compile(r"[-*+\u2022\u25aa\u25cf\u25e6\u2023\u2043\u00b7\u2013\u2014\s]*[-*+\u2022\u25aa\u25cf\u25e6\u2023\u2043\u00b7\u2013\u2014]\s*")
"""A run that is only list bullets: shown as a marked, named change, not a stray tiny mark."""
_NUMBERING = re.compile(r"\s*(?:\(?(?:\d+(?:\.\d+)*|[a-zA-Z]|[ivxlcdm]+)[.)]?)\s*", re.IGNORECASE)
_WORD = re.compile(r"\w", re.UNICODE)


class _Builder:
    """Collects paragraphs; each newline in a run starts a new paragraph."""

    def __init__(self) -> None:
        self.paras: list[list[Frag]] = [[]]

    def add(self, kind: FragKind, text: str, change: int = -1, tip: str = "") -> None:
        if not text:
            return
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if k:
                self.paras.append([])
            if part:
                self.paras[-1].append(Frag(kind, part, change, tip))

    def mark(self, kind: FragKind, change: int) -> None:
        tip = "paragraph break removed (two paragraphs joined)" if kind == "-p" else "paragraph break added (a paragraph split)"
        self.paras[-1].append(Frag(kind, PILCROW, change, tip))

    def add_change(self, kind: FragKind, text: str, change: int) -> None:
        """A deleted or inserted run; one that is only list bullets is marked like a paragraph
        break (bold, named in its tooltip), so it reads as a change and not as a stray dot."""
        if _BULLETS_ONLY.fullmatch(text) and "\n" not in text:
            what = "list bullet removed" if kind == "-" else "list bullet added"
            self.paras[-1].append(Frag(kind + "p", text, change, what))  # type: ignore[arg-type]
            return
        self.add(kind, text, change)

    def new_para(self) -> None:
        if self.paras[-1]:
            self.paras.append([])

    def last_kind(self) -> str:
        last = self.paras[-1]
        return last[-1].kind if last else ""

    def last_text(self) -> str:
        last = self.paras[-1]
        return last[-1].text if last else ""

    def result(self, dim: frozenset[str]) -> tuple[Para, ...]:
        out = []
        for frags in self.paras:
            if not frags or all(f.kind not in ("-p", "+p") and not f.text.strip() for f in frags):
                continue  # never a blank line, red or not
            para = Para(tuple(frags))
            if dim and " ".join(para.text.split()) in dim:
                para = Para(para.frags, True)
            out.append(para)
        return tuple(out)


def _ign_tip(side: str, text: str) -> str:
    shown = " ".join(text.split()) if text.strip() else repr(text)
    if len(shown) > 300:
        shown = shown[:300] + "\u2026"
    return f"Differs only in ignored details. The {side} version has: {shown}"


def _numbered(ops: Sequence[Op]) -> list[tuple[Op, int]]:
    """Each op with its change id: consecutive ``-``/``+`` ops form one change; a change that is
    only white space within a paragraph is none (nothing to see, nothing to stop at)."""
    out: list[tuple[Op, int]] = []
    current = -1
    run: list[int] = []

    def close() -> None:
        nonlocal current
        if not run:
            return
        texts = "".join(out[k][0].old + out[k][0].new for k in run)
        if texts.strip() or "\n" in texts:
            current += 1
            for k in run:
                out[k] = (out[k][0], current)
        run.clear()

    for op in ops:
        if op.kind in "-+":
            run.append(len(out))
            out.append((op, -1))
        else:
            close()
            out.append((op, -1))
    close()
    return out


def _change_kind(op: Op) -> FragKind:
    return "-" if op.kind == "-" else "+"


def _side_rows(numbered: list[tuple[Op, int]], dim: frozenset[str]) -> tuple[Row, ...]:
    """Rows of (old paragraphs, new paragraphs), level at every paragraph break both sides share."""
    rows: list[Row] = []
    old, new = _Builder(), _Builder()

    def flush() -> None:
        nonlocal old, new
        o, n = old.result(dim), new.result(dim)
        if o or n:
            rows.append((o, n))
        old, new = _Builder(), _Builder()

    for op, change in numbered:
        if op.kind == "=":
            for k, part in enumerate(op.new.split("\n")):
                if k:
                    flush()
                old.add("=", part)
                new.add("=", part)
        elif op.kind == "~":
            n_old, n_new = op.old.count("\n"), op.new.count("\n")
            if n_old and n_old == n_new:
                for k, (po, pn) in enumerate(zip(op.old.split("\n"), op.new.split("\n"))):
                    if k:
                        flush()
                    old.add("~", po, tip=_ign_tip("new", pn))
                    new.add("~", pn, tip=_ign_tip("old", po))
            else:
                old.add("~", op.old, tip=_ign_tip("new", op.new))
                new.add("~", op.new, tip=_ign_tip("old", op.old))
        else:
            side = old if op.kind == "-" else new
            text = op.old if op.kind == "-" else op.new
            kind = _change_kind(op)
            if change < 0:  # white space inside a paragraph: shown as it is, not as a change
                side.add("=", text)
            elif not text.strip():
                for _ in range(text.count("\n")):
                    side.mark(kind + "p", change)  # type: ignore[arg-type]
                    side.new_para()
                if "\n" not in text:
                    side.add("=", text)
            else:
                side.add_change(kind, text, change)
    flush()
    return tuple(rows)


def _inline_paras(numbered: list[tuple[Op, int]], dim: frozenset[str], *, blocks: bool = True) -> tuple[Para, ...]:
    """One column: unchanged text, deletions and insertions interleaved (a redline).

    The paragraphs are the new version's; deleted text keeps its own paragraph breaks; a deleted
    paragraph break (two paragraphs joined) is a struck pilcrow and an added one (a split) an
    underlined pilcrow. A whole-text replacement shows the old text, then the new.
    """
    b = _Builder()
    ops = [op for op, _ in numbered]
    if blocks and len(ops) == 2 and ops[0].kind == "-" and ops[1].kind == "+":
        b.add("-", ops[0].old, numbered[0][1])
        b.new_para()
        b.add("+", ops[1].new, numbered[1][1])
        return b.result(dim)
    previous: Op | None = None
    joined = False
    for op, change in numbered:
        if op.kind == "+" and previous is not None and previous.kind == "-" \
                and "\n" in previous.old.strip() and "\n" in op.new:
            b.new_para()  # a passage rewritten across paragraphs: old block, then new block
        prev, previous = previous, op
        if op.kind == "=":
            b.add("=", op.new)
        elif op.kind == "~":
            b.add("~", op.new, tip=_ign_tip("old", op.old))
        elif op.kind == "-":
            if change < 0:
                continue  # white space removed within a paragraph: nothing to show
            if not op.old.strip():
                for _ in range(op.old.count("\n")):
                    b.mark("-p", change)
                joined = True
                continue
            b.add_change("-", op.old, change)
        else:
            if change < 0 or (joined and prev is not None and prev.kind == "-" and not op.new.strip()
                              and "\n" not in op.new):
                b.add("=", op.new)  # the space that took a joined paragraph break's place
                continue
            if not op.new.strip():
                for _ in range(op.new.count("\n")):
                    b.mark("+p", change)
                    b.new_para()
                continue
            b.add_change("+", op.new, change)
        if op.kind != "-":
            joined = False
    return b.result(dim)


# --------------------------------------------------------------------------------------------
# Tables: a table row is one line of a section's text, its cells joined by " | "
# (``sections.render_blocks``); the views set such lines as table rows again.

LINE_BREAK = "\u2028"
"""A line break inside a table cell (a ``<br>`` of the source): Qt and the report break the line there."""
_CELL_PIPE = re.compile(r"(?<!\S)\|(?!\S)")
"""A cell separator: a pipe standing alone (a pipe inside a word or a cell's text is not one)."""
_CELL_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)


def _cut_cells(para: Para, cut_deleted: bool) -> tuple[tuple[Frag, ...], ...]:
    """``para``'s runs cut into table cells at its cell separators (which are left out); () when
    it has none. ``cut_deleted``: a deleted separator cuts too (the old side); in a redline only the
    new version's separators do, and a deleted one is shown struck inside its cell."""
    cells: list[list[Frag]] = [[]]
    found = False
    for frag in para.frags:
        if frag.kind in ("-p", "+p") or (frag.kind == "-" and not cut_deleted):
            cells[-1].append(frag)
            continue
        start = 0
        for match in _CELL_PIPE.finditer(frag.text):
            found = True
            if match.start() > start:
                cells[-1].append(Frag(frag.kind, frag.text[start:match.start()], frag.change, frag.tip))
            cells.append([])
            start = match.end()
        if start < len(frag.text):
            cells[-1].append(Frag(frag.kind, frag.text[start:], frag.change, frag.tip) if start else frag)
    if not found:
        return ()
    return tuple(_tidy_cell(cell) for cell in cells)


def _has_pipe(para: Para) -> bool:
    """A quick test before the cutting: whether any run holds a pipe at all."""
    return any("|" in frag.text for frag in para.frags)


def _tidy_cell(frags: list[Frag]) -> tuple[Frag, ...]:
    """A cell's runs without the spaces around it, each ``<br>`` a line break."""
    out = [Frag(f.kind, _CELL_BREAK.sub(LINE_BREAK, f.text), f.change, f.tip) if "<" in f.text else f
           for f in frags]
    while out and out[0].kind not in ("-p", "+p") and not out[0].text.strip():
        out.pop(0)
    while out and out[-1].kind not in ("-p", "+p") and not out[-1].text.strip():
        out.pop()
    if out and out[0].kind not in ("-p", "+p"):
        out[0] = Frag(out[0].kind, out[0].text.lstrip(), out[0].change, out[0].tip)
    if out and out[-1].kind not in ("-p", "+p"):
        out[-1] = Frag(out[-1].kind, out[-1].text.rstrip(), out[-1].change, out[-1].tip)
    return tuple(out)


_SENTENCE_END = re.compile(r"[.!][\"'\u2019\u201d)\]]*$")
"""A cell's text ending as a statement does (a period or an exclamation mark, then closing quotes
or brackets; a question may label a column)."""
_SENTENCE_WORDS = 4
"""Words a cell ending so needs to be a sentence (a column labelled ``No.`` or ``Address (opt.)``
is not one)."""


def _heads_table(cells: tuple[tuple[Frag, ...], ...]) -> bool:
    """Whether a table's first row is a header row: a header labels its columns, so no cell of it
    is a sentence. A glossary's first term and its definition (a saved page's ``<dl>`` read as a
    two-column table), or a table written with no header of its own, is a row like the others.
    (Over the platform archive's pipe tables every header row with words passes; the rows this
    turns down are prose.)"""
    for cell in cells:
        text = _cell_text(cell).rstrip()
        if _SENTENCE_END.search(text) and len(text.split()) >= _SENTENCE_WORDS:
            return False
    return True


def _tabulate(paras: Sequence[Para], cut_deleted: bool) -> list[Para]:
    """``paras`` with the rows of each table marked: a run of at least two paragraphs (a header
    and a row) cut into the same number of cells, two or more; the first is the header row when
    it reads as one (``_heads_table``)."""
    cut = [() if para.dim or not _has_pipe(para) else _cut_cells(para, cut_deleted) for para in paras]
    out = list(paras)
    k = 0
    while k < len(paras):
        width = len(cut[k])
        end = k + 1
        while width >= 2 and end < len(paras) and len(cut[end]) == width:
            end += 1
        if width >= 2 and end - k >= 2:
            headed = _heads_table(cut[k])
            for j in range(k, end):
                out[j] = Para(paras[j].frags, paras[j].dim, cut[j], header=headed and j == k)
        k = end
    return out


def _tabulate_rows(rows: Sequence[Row]) -> tuple[Row, ...]:
    """Side-by-side rows with each side's table rows marked (each side read as one run of paragraphs)."""
    sides: list[Iterator[Para] | None] = []
    for k in (0, 1):
        flat = [para for row in rows for para in row[k]]
        if not any(_has_pipe(para) for para in flat):
            sides.append(None)
            continue
        sides.append(iter(_tabulate(flat, cut_deleted=True)))
    if sides == [None, None]:
        return tuple(rows)
    out: list[Row] = []
    for old, new in rows:
        it_old, it_new = sides
        out.append((tuple(next(it_old) for _ in old) if it_old is not None else old,
                    tuple(next(it_new) for _ in new) if it_new is not None else new))
    return tuple(out)


def _tabulate_paras(paras: tuple[Para, ...]) -> tuple[Para, ...]:
    """Redline paragraphs with table rows marked (cut at the new version's separators)."""
    if not any(_has_pipe(para) for para in paras):
        return paras
    return tuple(_tabulate(paras, cut_deleted=False))


def _pipe_in_change(old: Para, new: Para) -> bool:
    """Whether the word diff of two level table rows ran across a cell separator (a separator
    deleted or inserted): then their cells were not compared cell by cell."""
    return any("|" in f.text for f in old.frags if f.kind == "-") or \
        any("|" in f.text for f in new.frags if f.kind == "+")


def _cell_text(cell: tuple[Frag, ...]) -> str:
    return "".join(f.text for f in cell if f.kind not in ("-p", "+p"))


def _rediff_cells(rows: tuple[Row, ...], options: Options, first_change: int) -> tuple[tuple[Row, ...], list[str]]:
    """Table rows that stand level with as many cells on both sides, whose diff ran across a cell
    separator, compared again cell by cell (each cell's words against the cell opposite); the
    changes found so are numbered from ``first_change`` on, and named."""
    if not any(len(o) == 1 and len(n) == 1 and o[0].cells and n[0].cells for o, n in rows):
        return rows, []
    from policydiff.core.worddiff import diff_words

    out: list[Row] = []
    names: list[str] = []
    next_change = first_change
    for old, new in rows:
        if not (len(old) == 1 and len(new) == 1 and old[0].cells and len(old[0].cells) == len(new[0].cells)
                and _pipe_in_change(old[0], new[0])):
            out.append((old, new))
            continue
        old_cells: list[tuple[Frag, ...]] = []
        new_cells: list[tuple[Frag, ...]] = []
        for old_cell, new_cell in zip(old[0].cells, new[0].cells):
            numbered = _numbered(diff_words(_cell_text(old_cell), _cell_text(new_cell), options).ops)
            count = max((c for _, c in numbered), default=-1) + 1
            old_frags: list[Frag] = []
            new_frags: list[Frag] = []
            for op, change in numbered:
                at = change + next_change if change >= 0 else -1
                if op.kind == "=":
                    old_frags.append(Frag("=", op.old))
                    new_frags.append(Frag("=", op.new))
                elif op.kind == "~":
                    old_frags.append(Frag("~", op.old, tip=_ign_tip("new", op.new)))
                    new_frags.append(Frag("~", op.new, tip=_ign_tip("old", op.old)))
                elif op.kind == "-":
                    old_frags.append(Frag("-" if at >= 0 else "=", op.old, at))
                else:
                    new_frags.append(Frag("+" if at >= 0 else "=", op.new, at))
            old_cells.append(tuple(f for f in old_frags if f.text))
            new_cells.append(tuple(f for f in new_frags if f.text))
            names += _change_names([(op, c) for op, c in numbered], count)
            next_change += count
        out.append(((Para(old[0].frags, old[0].dim, tuple(old_cells), old[0].header),),
                    (Para(new[0].frags, new[0].dim, tuple(new_cells), new[0].header),)))
    return tuple(out), names


def _quote(text: str, limit: int = 40) -> str:
    shown = invisible.visible_text(" ".join(text.split())) or "\u00b6"
    if len(shown) > limit:
        shown = shown[: limit - 1] + "\u2026"
    return f"\u2039{shown}\u203a"


def _change_names(numbered: list[tuple[Op, int]], count: int) -> list[str]:
    parts: list[list[str]] = [[] for _ in range(count)]
    for op, change in numbered:
        if change < 0:
            continue
        text = op.old if op.kind == "-" else op.new
        if not text.strip():
            if "\n" in text:
                parts[change].append(f"paragraph break {'removed' if op.kind == '-' else 'added'}")
        else:
            parts[change].append(f"{'deleted' if op.kind == '-' else 'inserted'} {_quote(text)}")
    return [", ".join(p) for p in parts]


# --------------------------------------------------------------------------------------------
# One pair


def pair_notes(comparison: Comparison, index: int) -> list[str]:
    """Short notes on what a pair shares with others: its merge or split group, and the passages
    moved out of it or into it (``a passage moved to <section>``)."""
    pair = comparison.pairs[index]
    old_flat, new_flat = comparison.old.flat(), comparison.new.flat()

    def name(section: Section) -> str:
        return f"\u201c{section.title or 'Preamble'}\u201d"

    notes: list[str] = []
    if pair.old_group and pair.new is not None:
        others = [name(old_flat[i]) for i in pair.old_group if i != pair.old_index]
        notes.append(f"merged into {name(pair.new)} with {', '.join(others)}")
    if pair.new_group and pair.old is not None:
        others = [name(new_flat[j]) for j in pair.new_group if j != pair.new_index]
        notes.append(f"split from {name(pair.old)}; the rest is in {', '.join(others)}")
    for passage in comparison.moved_passages:
        if passage.old_pair == index:
            where = "elsewhere in this section" if passage.new_pair == index else name(new_flat[passage.new_index])
            notes.append(f"a passage moved to {where}")
        if passage.new_pair == index and passage.old_pair != index:
            notes.append(f"a passage moved from {name(old_flat[passage.old_index])}")
    return notes


def head_pair(pair: SectionPair) -> bool:
    """The document head: the first unit of both documents (title, opening text, metadata lines)."""
    return pair.old_index == 0 and pair.new_index == 0


def _kind(pair: SectionPair) -> Kind:
    if pair.kind is not None:
        return pair.kind
    if pair.status is Status.ADDED:
        return Kind.ADDED
    if pair.status is Status.REMOVED:
        return Kind.REMOVED
    if pair.old_group:
        return Kind.MERGED
    if pair.new_group:
        return Kind.SPLIT
    if pair.moved:
        return Kind.MOVED
    if pair.status is Status.CHANGED:
        return Kind.RENAMED if pair.renamed else Kind.CHANGED
    return Kind.UNCHANGED


def _pair_invisible(pair: SectionPair) -> invisible.InvisibleChanges:
    return invisible.invisible_changes(pair.title_diff.ops) + invisible.invisible_changes(pair.body_diff.ops)


def _minor(pair: SectionPair, body: Sequence[Op]) -> tuple[str, bool] | None:
    """What changed in a pair with no word inserted or deleted (or only numbers), and whether
    stepping stops there; None when words changed or nothing did."""
    if pair.old is None or pair.new is None:
        return None
    s = pair.stats
    ops = [op for op in (*pair.title_diff.ops, *body) if op.kind in "-+"]
    texts = [op.old if op.kind == "-" else op.new for op in ops]
    if s.words_inserted or s.words_deleted:
        if texts and all(_NUMBERING.fullmatch(t) or not t.strip() for t in texts):
            return "numbering", True
        return None
    hidden = _pair_invisible(pair)
    if hidden:
        return hidden.short(), True
    if not ops:
        if s.words_ignored:
            return f"ignored differences: {s.words_ignored}", False
        if any(op.kind == "~" for op in (*pair.title_diff.ops, *body)):
            return "ignored differences", False
        if pair.old.level != pair.new.level:
            return "heading level", False
        return None
    joined = "".join(texts)
    if not joined.strip():
        return ("paragraph breaks" if "\n" in joined else "white space"), False
    if all(_BULLETS_ONLY.fullmatch(t) or not t.strip() for t in texts):
        return "list bullets", True
    if not _WORD.search(joined):
        return "punctuation only", True
    return None


def _section_ref(section: Section, index: int | None, doc: Document) -> str:
    bare = section.bare_title
    if section.level == 0:
        return "the document head"
    if section.number:
        if bare and bare != section.number:
            return f"section {section.number} (\u201c{bare}\u201d)"
        return f"section {section.number}"
    total = len(doc.flat()) - 1
    where = f", heading {index} of {total}" if index else ""
    return f"\u201c{section.title}\u201d{where}"


def _body_ops(pair: SectionPair) -> Sequence[Op]:
    """The pair's body ops, or ops made from the bodies when the engine left them empty."""
    ops = pair.body_diff.ops
    if ops:
        return ops
    old_body = pair.old.body if pair.old is not None else ""
    new_body = pair.new.body if pair.new is not None else ""
    if old_body == new_body:
        return [Op("=", old_body, new_body)] if old_body else []
    made = []
    if old_body:
        made.append(Op("-", old_body, ""))
    if new_body:
        made.append(Op("+", "", new_body))
    return made


def _title_ops(pair: SectionPair, head: bool, comparison: Comparison) -> list[Op]:
    ops = list(pair.title_diff.ops)
    old = pair.old.title if pair.old is not None else ""
    new = pair.new.title if pair.new is not None else ""
    if head:
        old = old or (comparison.old.title or "")
        new = new or (comparison.new.title or "")
    if ops and "".join(op.old for op in ops) == old and "".join(op.new for op in ops) == new:
        return ops
    if old == new:
        return [Op("=", old, new)] if old else []
    return [op for op in (Op("-", old, ""), Op("+", "", new)) if op.old or op.new]


def _weak_match(pair: SectionPair, body: Sequence[Op], head: bool) -> bool:
    """Whether the pairing itself is uncertain: a low score, and words that differ. Sections with
    the same words (or the same text under a changed heading) are the same section, whatever the
    score says."""
    if pair.manual or head or pair.old is None or pair.new is None or pair.score >= WEAK_MATCH:
        return False
    if not (pair.stats.words_inserted or pair.stats.words_deleted):
        return False
    same_text = any(op.kind == "=" and op.new.strip() for op in body) and all(op.kind in "=~" for op in body)
    return not same_text


def _words(n: int) -> str:
    return f"{n} word" if n == 1 else f"{n} words"


@dataclass(frozen=True, slots=True)
class _Status:
    key: str
    badges: tuple[Badge, ...]
    stop: bool


def _status(pair: SectionPair, kind: Kind, minor: tuple[str, bool] | None, head: bool) -> _Status:
    """The primary badge (a quieter one when no word changed), the others, and whether stepping stops."""
    status = kind.value
    if minor is not None and kind in (Kind.CHANGED, Kind.UNCHANGED, Kind.RENAMED) and \
            (kind is not Kind.RENAMED or minor[0] == "numbering"):
        status = "minor"
    primary_label = STATUS_LABELS[status]
    if status == "minor" and minor:
        reason = "invisible characters" if minor[0].endswith(" invisible") else minor[0].split(":")[0]
        primary_label = MINOR_BADGES.get(reason, STATUS_LABELS["minor"])
    badges = [Badge(status, primary_label, STATUS_TIPS[status])]
    if head:
        badges.insert(0, Badge("document", STATUS_LABELS["document"], STATUS_TIPS["document"]))
    if pair.moved and status != "moved":
        badges.append(Badge("moved", STATUS_LABELS["moved"], STATUS_TIPS["moved"]))
    if pair.manual:
        key = "manual" if pair.old is not None and pair.new is not None else "unpaired"
        badges.append(Badge(key, STATUS_LABELS[key], STATUS_TIPS[key]))
    stop = status not in ("unchanged", "minor") or pair.moved or (minor is not None and minor[1])
    return _Status(status, tuple(badges), bool(stop))


def _amounts(pair: SectionPair, status: str, minor: tuple[str, bool] | None,
             hidden: invisible.InvisibleChanges) -> tuple[str, str]:
    """(short amount ``+12 −3``, long change text ``+12 −3 words (2 ignored)``)."""
    s = pair.stats
    parts = []
    if s.words_inserted:
        parts.append(f"+{s.words_inserted}")
    if s.words_deleted:
        parts.append(f"\u2212{s.words_deleted}")
    if status == "minor" and minor is not None:
        amount = change_text = minor[0]
    elif parts:
        amount = " ".join(parts)
        if pair.status is Status.ADDED:
            change_text = f"+{_words(s.words_inserted)}"
        elif pair.status is Status.REMOVED:
            change_text = f"\u2212{_words(s.words_deleted)}"
        else:
            # "words" for the pair of counts ("+69 −1 words"), never agreeing with the last number alone
            change_text = f"+{s.words_inserted} \u2212{s.words_deleted} words"
        if hidden:
            change_text += f", {hidden.short()}"
    else:
        amount = hidden.short()
        change_text = hidden.short() or ("no change" if minor is None else minor[0])
    if s.words_ignored and not (minor and minor[0].startswith("ignored")):
        change_text += f" ({s.words_ignored} ignored)"
    return amount, change_text


@dataclass(frozen=True, slots=True)
class _Text:
    title_changed: bool
    title_rows: tuple[Row, ...]
    title_paras: tuple[Para, ...]
    rows: tuple[Row, ...]
    paras: tuple[Para, ...]
    changes: tuple[str, ...]


def _text(comparison: Comparison, pair: SectionPair, body: Sequence[Op], head: bool, layout: Layout | None,
          dim: frozenset[str]) -> _Text:
    """The title and the body as rows (side by side) or paragraphs (inline), each single change numbered."""
    title_ops = _title_ops(pair, head, comparison)
    title_changed = pair.old is not None and pair.new is not None and (
        any(op.kind in "-+" for op in title_ops) or pair.renamed)
    title_numbered = _numbered(title_ops)
    n_title = max((c for _, c in title_numbered), default=-1) + 1
    body_numbered = [(op, c + n_title if c >= 0 else -1) for op, c in _numbered(body)]
    n_body = max((c for _, c in body_numbered), default=n_title - 1) + 1
    empty: frozenset[str] = frozenset()
    rows: tuple[Row, ...] = ()
    title_rows: tuple[Row, ...] = ()
    paras: tuple[Para, ...] = ()
    title_paras: tuple[Para, ...] = ()
    if layout == "inline":
        paras = _tabulate_paras(_inline_paras(body_numbered, dim))
        title_paras = _inline_paras(title_numbered, empty, blocks=False) if title_ops else ()
    elif layout is not None:
        rows = _tabulate_rows(_side_rows(body_numbered, dim))
        title_rows = _side_rows(title_numbered, empty) if title_ops else ()
    names = _change_names(title_numbered + body_numbered, max(n_body, n_title))
    if rows:
        rows, cell_changes = _rediff_cells(rows, comparison.options, len(names))
        names += cell_changes
    changes = tuple(names)
    return _Text(title_changed, title_rows, title_paras, rows, paras, changes)


@dataclass(frozen=True, slots=True)
class _Notes:
    moved_note: str | None
    match_note: str | None
    invisible_note: str | None
    coarse: str | None
    notes: tuple[str, ...]


def _notes(comparison: Comparison, index: int, pair: SectionPair, body: Sequence[Op], head: bool, status: str,
           hidden: invisible.InvisibleChanges) -> _Notes:
    """What the pair's header says besides its counts: a move, its group, a weak match, invisible
    characters, a coarse diff."""
    moved_note = None
    if pair.moved and pair.old is not None:
        moved_note = f"{MOVE_MARK} Moved: was {_section_ref(pair.old, pair.old_index, comparison.old)} in the old version."
    group = pair_notes(comparison, index)
    if group:
        text = "; ".join(note[0].upper() + note[1:] for note in group) + "."
        if any("passage moved" in note for note in group):
            text = f"{MOVE_MARK} {text}"
        moved_note = f"{moved_note} {text}" if moved_note else text
    weak = _weak_match(pair, body, head)
    match_note = None
    if weak:
        match_note = (
            f"Paired automatically on weak evidence (match score {round(pair.score * 100)}%): "
            "the old section may rather have been dropped, and the new one written afresh."
        )
    invisible_note = None
    if hidden:
        invisible_note = (f"Includes {hidden.summary()}: {', '.join(hidden.names)}. "
                          "Each is shown as a boxed code where it is; it changes what the text is, "
                          "not what it looks like.")
    coarse = pair.body_diff.coarse or pair.title_diff.coarse
    notes: list[str] = []
    if weak:
        notes.append(f"weak match ({pair.score:.0%})")
    if pair.renamed and status != "renamed":
        notes.append("renamed")
    notes += group
    if coarse:
        notes.append(f"coarse diff: {coarse}")
    if hidden:
        notes.append("invisible: " + ", ".join(hidden.names))
    return _Notes(moved_note, match_note, invisible_note, coarse, tuple(notes))


def _tooltip(pair: SectionPair, head: bool, full_title: str, badges: Sequence[Badge], change_text: str,
             hidden: invisible.InvisibleChanges, moved_note: str | None) -> str:
    s = pair.stats
    tooltip = [invisible.visible_text(full_title) if not head else f"Document: {invisible.visible_text(full_title)}",
               " \u00b7 ".join(b.label for b in badges) + (f": {change_text}" if change_text else "")]
    if pair.renamed and pair.old is not None and pair.new is not None:
        tooltip.append(f"Renamed from \u201c{invisible.visible_text(pair.old.title)}\u201d")
    if s.words_inserted or s.words_deleted:
        tooltip.append(f"{s.words_inserted} words inserted, {s.words_deleted} deleted")
    if s.words_ignored:
        tooltip.append(f"{s.words_ignored} words differ only in ignored details")
    if hidden:
        tooltip.append(f"{hidden.summary()}: {', '.join(hidden.names)}")
    if moved_note:
        tooltip.append(moved_note)
    if pair.old is not None and pair.new is not None and not head:
        tooltip.append(f"Match confidence: {pair.score:.0%}" + (" (paired by hand)" if pair.manual else ""))
    elif pair.manual:
        tooltip.append(STATUS_LABELS["unpaired"])
    if pair.why and not head:
        tooltip.append(f"Why: {invisible.visible_text(pair.why)}")
    return "\n".join(tooltip)


def present_pair(comparison: Comparison, index: int, layout: Layout | None = "side-by-side",
                 dim: frozenset[str] | None = None) -> PairView:
    """The view of ``comparison.pairs[index]``; with ``layout`` None, without the text (rows,
    paragraphs): enough for an outline entry or stepping."""
    pair = comparison.pairs[index]
    if dim is None:
        dim = dim_lines(comparison)
    head = head_pair(pair)
    s = pair.stats
    body = _body_ops(pair)
    minor = _minor(pair, body)
    hidden = _pair_invisible(pair)
    status = _status(pair, _kind(pair), minor, head)
    amount, change_text = _amounts(pair, status.key, minor, hidden)
    full_title = pair.display_title
    text = _text(comparison, pair, body, head, layout, dim)
    notes = _notes(comparison, index, pair, body, head, status.key, hidden)
    level = pair.level
    return PairView(
        index=index,
        anchor=f"pair-{index + 1}",
        title="Document" if head else pair.display_title,
        full_title=full_title,
        short_title="Document" if head else ((pair.new or pair.old).title or "Preamble"),  # type: ignore[union-attr]
        level=level,
        heading_level=min(max(level, 1) + 1, 6),
        status=status.key,
        badges=status.badges,
        moved=pair.moved,
        manual=pair.manual,
        renamed=pair.renamed,
        head=head,
        stop=status.stop,
        inserted=s.words_inserted,
        deleted=s.words_deleted,
        ignored=s.words_ignored,
        minor=minor[0] if minor else None,
        amount=amount,
        change_text=change_text,
        moved_note=notes.moved_note,
        match_note=notes.match_note,
        invisible_note=notes.invisible_note,
        coarse=notes.coarse,
        notes=notes.notes,
        title_changed=text.title_changed,
        title_label="Title" if head else "Heading",
        title_rows=text.title_rows,
        title_paras=text.title_paras,
        rows=text.rows,
        paras=text.paras,
        changes=text.changes,
        old_missing=pair.old is None,
        new_missing=pair.new is None,
        invisible=hidden,
        tooltip=_tooltip(pair, head, full_title, status.badges, change_text, hidden, notes.moved_note),
        why=invisible.visible_text(pair.why),
    )


def dim_lines(comparison: Comparison) -> frozenset[str]:
    """The texts of the lines both documents set aside as metadata (matched by text, spaces folded)."""
    return frozenset(
        " ".join(line.text.split())
        for doc in (comparison.old, comparison.new)
        for line in doc.omitted
        if line.text.strip()
    )


def present(comparison: Comparison, layout: Layout = "side-by-side") -> list[PairView]:
    """Every pair of ``comparison`` as the views show it, in reading order."""
    if layout not in ("side-by-side", "inline"):
        raise ValueError(f"layout must be 'side-by-side' or 'inline', not {layout!r}")
    dim = dim_lines(comparison)
    return [present_pair(comparison, i, layout, dim) for i in range(len(comparison.pairs))]


# --------------------------------------------------------------------------------------------
# Totals


@dataclass(frozen=True, slots=True)
class Count:
    key: str
    label: str
    value: int

    @property
    def ident(self) -> str:
        """The report's element id (``count-moved``, ``words-inserted``)."""
        return self.key if self.key.startswith("words-") else f"count-{self.key}"


def counts(comparison: Comparison, views: Iterable[PairView]) -> list[Count]:
    """The section counts by status (the badge words), then the word counts."""
    views = list(views)
    by: dict[str, int] = {}
    for v in views:
        by[v.status] = by.get(v.status, 0) + 1
    moved = sum(1 for v in views if v.moved)
    out = [Count(key, STATUS_LABELS[key], by.get(key, 0))
           for key in ("unchanged", "changed", "renamed", "minor", "added", "removed") if key in by or key in
           ("unchanged", "changed", "added", "removed")]
    out.append(Count("moved", STATUS_LABELS["moved"], moved))
    for key in ("merged", "split"):
        if by.get(key):
            out.append(Count(key, STATUS_LABELS[key], by[key]))
    if comparison.stats.passages_moved:
        out.append(Count("passages", "Passages moved", comparison.stats.passages_moved))
    w = comparison.stats.words
    out.append(Count("words-inserted", "Words inserted", w.words_inserted))
    out.append(Count("words-deleted", "Words deleted", w.words_deleted))
    if w.words_ignored or ignored_labels(comparison.options):
        out.append(Count("words-ignored", "Words ignored", w.words_ignored))
    return out


def summary_line(comparison: Comparison, views: Iterable[PairView]) -> str:
    """One line for the window: sections by status, words inserted / deleted / ignored."""
    found = {c.key: c for c in counts(comparison, views)}
    sections = " \u00b7 ".join(
        f"{found[k].value} {found[k].label.lower()}" for k in
        ("changed", "renamed", "minor", "added", "removed", "moved", "merged", "split", "unchanged") if k in found
    ) + " sections"
    w = comparison.stats.words
    text = f"{sections}  \u2014  {w.words_inserted:,} words inserted, {w.words_deleted:,} deleted"
    if "words-ignored" in found:
        text += f", {w.words_ignored:,} ignored"
    hidden = sum((_pair_invisible(p) for p in comparison.pairs), invisible.InvisibleChanges())
    if hidden:
        text += f", {hidden.summary()}"
    ignored = ignored_labels(comparison.options, short=True)
    if ignored:
        text += f"  (ignoring {', '.join(ignored)})"
    if comparison.identical:
        text = "No differences in content.  " + text
    return text
