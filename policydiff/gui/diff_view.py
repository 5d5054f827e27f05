"""The diff view: every pair of a comparison, side by side (one table row per paragraph run, so both
sides stay level under one scroll bar) or as an inline redline.

The text is put into a QTextDocument with QTextCursor.insertText: policy text is never parsed as
HTML, so nothing in a policy can run script, style the view or load a resource. The browser also
refuses every resource and never follows links.

The document is built in time slices (a few milliseconds each, between which the event loop runs),
into a detached QTextDocument that replaces the shown one when complete, so a long comparison never
freezes the window and the previous comparison stays readable until the new one is ready. Most
documents are built whole in another thread instead (a comparison's worker, a history's prefetch:
``build_rendering``) and offered to the view, which then only puts one on screen; the slices remain
for re-renders (layout, palette, size) and for a pair not prefetched while since-when notes are on.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QThread, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLength,
    QTextTable,
    QTextTableCellFormat,
    QTextTableFormat,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from policydiff.core import invisible, present
from policydiff.core.changes import change_tips
from policydiff.core.model import Comparison, SectionPair
from policydiff.core.present import Frag, PairView, Para

SIDE = "side-by-side"
INLINE = "inline"
SLICE_SECONDS = 0.012
TABLE_CHARS = 12_000
"""About how many characters one table holds: a longer pair is set as several, laid out one by one
(Qt lays a table out in one go)."""
"""Longest stretch of document building between two turns of the event loop."""


class _Presented:
    """present.py's views of the last few comparisons, by layout. A history's prefetch thread
    presents the neighbouring steps here, so that stepping only builds the document; the outline,
    the stop list and the header's counts read the same views instead of presenting each pair
    again. Views are a pure function of the comparison and the layout."""

    def __init__(self, keep: int = 6) -> None:
        self._keep = keep
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[int, str], tuple[Comparison, list[PairView]]] = OrderedDict()

    def get(self, comparison: Comparison, layout: str | None = None) -> list[PairView] | None:
        """The views of ``comparison`` in ``layout``; with None, in any layout (the badges and
        amounts do not depend on it)."""
        with self._lock:
            for lay in ((layout,) if layout is not None else (SIDE, INLINE)):
                entry = self._entries.get((id(comparison), lay))
                if entry is not None and entry[0] is comparison:
                    self._entries.move_to_end((id(comparison), lay))
                    return entry[1]
        return None

    def put(self, comparison: Comparison, layout: str, views: list[PairView]) -> None:
        with self._lock:
            self._entries[(id(comparison), layout)] = (comparison, views)  # holding it keeps its id unique
            self._entries.move_to_end((id(comparison), layout))
            while len(self._entries) > self._keep:
                self._entries.popitem(last=False)

    def present(self, comparison: Comparison, layout: str) -> list[PairView]:
        """The views of ``comparison`` in ``layout``, presented now unless already known (any thread)."""
        views = self.get(comparison, layout)
        if views is None:
            lay: present.Layout = "inline" if layout == INLINE else "side-by-side"
            views = present.present(comparison, lay)
            self.put(comparison, layout, views)
        return views


presented = _Presented()


def pair_view(comparison: Comparison, index: int) -> PairView:
    """The badges, amounts and stop flag of one pair (no text rows): for the outline and stepping."""
    views = presented.get(comparison)
    if views is not None:
        return views[index]
    return present.present_pair(comparison, index, None)


def is_changed(pair: SectionPair, comparison: Comparison | None = None) -> bool:
    """A pair worth stopping at (present.py decides: words, invisible characters, punctuation,
    numbering, a move...; never white space or ignored differences alone)."""
    if comparison is None:
        raise TypeError("is_changed needs the comparison")
    return pair_view(comparison, comparison.pairs.index(pair)).stop


# --------------------------------------------------------------------------------------------
# Colours: present.py's palettes, light or dark after the widget's palette


def _q(colour: str) -> QColor:
    return QColor(colour)


@dataclass
class Colors:
    text: QColor
    muted: QColor
    band: QColor
    rule: QColor
    deleted_fg: QColor
    deleted_bg: QColor
    inserted_fg: QColor
    inserted_bg: QColor
    badge: dict[str, tuple[QColor, QColor]] = field(default_factory=dict)
    """key -> (background, text)."""
    invisible_fg: QColor = field(default_factory=lambda: QColor("#8a3c00"))
    invisible_bg: QColor = field(default_factory=lambda: QColor("#ffe9c2"))
    dim: QColor = field(default_factory=lambda: QColor("#5f6873"))
    dark: bool = False

    @classmethod
    def from_palette(cls, palette: QPalette, style: str = "standard") -> Colors:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        dark = base.lightness() < 128
        pal = present.palette(style if style in present.STYLES else "standard", dark)
        muted = _mix(text, base, 0.4)
        band = _mix(text, base, 0.93 if not dark else 0.88)
        rule = _mix(text, base, 0.78)
        badge = {key: (_q(bg), _q(fg)) for key, (fg, bg) in pal.badges.items()}
        return cls(text, muted, band, rule, _q(pal.del_fg), _q(pal.del_bg), _q(pal.ins_fg), _q(pal.ins_bg),
                   badge, _q(pal.invis_fg), _q(pal.invis_bg), _q(pal.dim), dark)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved towards ``b`` by ``t`` (0 = a, 1 = b)."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


class Formats:
    """The character and block formats of one rendering."""

    def __init__(self, colors: Colors, font: QFont) -> None:
        self.colors = colors
        size = font.pointSizeF() if font.pointSizeF() > 0 else 11.0
        self.normal = QTextCharFormat()
        self.normal.setForeground(colors.text)
        self.deleted = QTextCharFormat(self.normal)
        self.deleted.setForeground(colors.deleted_fg)
        self.deleted.setBackground(colors.deleted_bg)
        self.deleted.setFontStrikeOut(True)
        self.inserted = QTextCharFormat(self.normal)
        self.inserted.setForeground(colors.inserted_fg)
        self.inserted.setBackground(colors.inserted_bg)
        self.inserted.setFontUnderline(True)
        # A wholly added or removed section: the badge says so; keep the colour and the line, drop the tint.
        self.deleted_plain = QTextCharFormat(self.deleted)
        self.deleted_plain.clearBackground()
        self.inserted_plain = QTextCharFormat(self.inserted)
        self.inserted_plain.clearBackground()
        self.ignored = QTextCharFormat(self.normal)
        self.ignored.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        self.ignored.setUnderlineColor(colors.muted)
        self.pilcrow_deleted = QTextCharFormat(self.deleted)
        self.pilcrow_deleted.setFontWeight(QFont.Weight.Bold)
        self.pilcrow_deleted.setToolTip("Paragraph break removed (two paragraphs joined)")
        self.pilcrow_inserted = QTextCharFormat(self.inserted)
        self.pilcrow_inserted.setFontWeight(QFont.Weight.Bold)
        self.pilcrow_inserted.setToolTip("Paragraph break added (a paragraph split)")
        self.note = QTextCharFormat()
        self.note.setForeground(colors.muted)
        self.note.setFontItalic(True)
        self.meta = QTextCharFormat()
        self.meta.setForeground(colors.muted)
        self.meta.setFontPointSize(size * 0.9)
        self.title_size = size * 1.12
        self.badges: dict[str, QTextCharFormat] = {}
        for name, (bg, fg) in colors.badge.items():
            f = QTextCharFormat()
            f.setBackground(bg)
            f.setForeground(fg)
            f.setFontWeight(QFont.Weight.Bold if name != "minor" else QFont.Weight.Normal)
            f.setFontPointSize(size * 0.8)
            f.setFontLetterSpacing(105)
            self.badges[name] = f
        self.count_ins = QTextCharFormat(self.meta)
        self.count_ins.setForeground(colors.inserted_fg)
        self.count_ins.setFontWeight(QFont.Weight.DemiBold)
        self.count_del = QTextCharFormat(self.meta)
        self.count_del.setForeground(colors.deleted_fg)
        self.count_del.setFontWeight(QFont.Weight.DemiBold)
        self.header_block = QTextBlockFormat()
        self.header_block.setBackground(colors.band)
        self.header_block.setTopMargin(18)
        self.header_block.setBottomMargin(0)
        self.header_block.setLeftMargin(0)
        self.paragraph = QTextBlockFormat()
        self.paragraph.setBottomMargin(size * 0.6)
        self.paragraph.setLineHeight(118, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        self.title_block = QTextBlockFormat()
        self.title_block.setBottomMargin(size * 0.5)
        self.table = QTextTableFormat()
        self.table.setBorder(0)
        self.table.setCellSpacing(0)
        self.table.setCellPadding(0)
        self.table.setMargin(0)
        self.table.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        self.table.setColumnWidthConstraints([QTextLength(QTextLength.Type.PercentageLength, 50)] * 2)
        self.left_cell = QTextTableCellFormat()
        self.left_cell.setRightPadding(14)
        self.left_cell.setLeftPadding(6)
        self.left_cell.setTopPadding(4)
        self.right_cell = QTextTableCellFormat()
        self.right_cell.setLeftPadding(14)
        self.right_cell.setRightPadding(6)
        self.right_cell.setTopPadding(4)
        # The empty line between two tables of one pair (see _Builder._table): no height at all.
        self.joint_block = QTextBlockFormat()
        self.joint_block.setLineHeight(0, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
        self.joint_char = QTextCharFormat()
        self.joint_char.setFontPointSize(1)
        # A table of the policy's own (a pipe table): ruled cells of equal width, the header row banded.
        self.data_table = QTextTableFormat()
        self.data_table.setBorder(1)
        self.data_table.setBorderBrush(colors.rule)
        self.data_table.setBorderStyle(QTextTableFormat.BorderStyle.BorderStyle_Solid)
        self.data_table.setBorderCollapse(True)
        self.data_table.setCellSpacing(0)
        self.data_table.setCellPadding(4)
        self.data_table.setMargin(0)
        self.data_table.setBottomMargin(size * 0.6)
        self.data_table.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        self.data_header_cell = QTextTableCellFormat()
        self.data_header_cell.setBackground(colors.band)
        self.data_cell_block = QTextBlockFormat()
        self.data_cell_block.setLineHeight(112, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        self.inline_block = QTextBlockFormat(self.paragraph)
        self.inline_block.setLeftMargin(6)
        self.inline_block.setRightMargin(6)

    def title(self, base: QTextCharFormat) -> QTextCharFormat:
        f = QTextCharFormat(base)
        f.setFontWeight(QFont.Weight.Bold)
        f.setFontPointSize(self.title_size)
        return f

    def dimmed(self, base: QTextCharFormat) -> QTextCharFormat:
        """A metadata line set aside by structure recovery: shown and compared, but quieter."""
        f = QTextCharFormat(base)
        if not base.fontStrikeOut() and not base.fontUnderline():
            f.setForeground(self.colors.dim)
        f.setFontPointSize(self.title_size / 1.12 * 0.92)
        f.setToolTip("Metadata line set aside by structure recovery (provenance, navigation, date stamp): "
                     "compared all the same")
        return f

    def marker(self, base: QTextCharFormat, tooltip: str) -> QTextCharFormat:
        """An invisible character's visible code (``⟨RLO⟩``): small, boxed in colour, named in a
        tooltip; inside a deletion or insertion it keeps that change's colour and line."""
        f = QTextCharFormat(base)
        size = base.fontPointSize() if base.fontPointSize() > 0 else self.title_size / 1.12
        f.setFontPointSize(size * 0.72)
        f.setFontWeight(QFont.Weight.Bold)
        f.setFontFixedPitch(True)
        f.setFontFamilies(["monospace"])
        if not base.fontStrikeOut() and not base.fontUnderline():
            f.setForeground(self.colors.invisible_fg)
            f.setBackground(self.colors.invisible_bg)
        f.setToolTip(tooltip)
        return f


def side_rows(grouped: list[tuple[object, int]]) -> list[tuple[list[list[tuple[str, str, int]]], list[list[tuple[str, str, int]]]]]:
    """Rows of (old paragraphs, new paragraphs) as (text, kind, change) runs: present.py's rows
    (kept for callers that pass ops with change ids)."""
    from policydiff.core.present import _side_rows

    rows = _side_rows(grouped, frozenset())  # type: ignore[arg-type]
    return [([[(f.text, f.kind, f.change) for f in p.frags] for p in o],
             [[(f.text, f.kind, f.change) for f in p.frags] for p in n]) for o, n in rows]


# --------------------------------------------------------------------------------------------
# Building the document


@dataclass
class Rendering:
    """A built document and where things are in it."""

    document: QTextDocument
    layout: str
    pair_positions: list[int] = field(default_factory=list)
    """Document position of the start of each pair (its header line)."""
    changes: list[tuple[int, int, int]] = field(default_factory=list)
    """(pair index, start, end) of every single change, in reading order."""
    change_names: list[str] = field(default_factory=list)
    """What each change is (``deleted “a”, inserted “b”``), parallel to ``changes``."""
    change_spans: list[tuple[tuple[int, int], ...]] = field(default_factory=list)
    """Where each change is shown on each side ((start, end) of the old side, then the new), parallel to ``changes``."""
    substantive: list[bool] = field(default_factory=list)
    """Whether each change is (part of) a substantive change, parallel to ``changes``."""
    views: list[PairView] = field(default_factory=list)
    """present.py's view of every pair, as painted."""
    comparison: Comparison | None = None
    """What the document shows."""


_Row = tuple[tuple[Para, ...], tuple[Para, ...]]
Anchor = tuple[int | None, int | None, int]
"""A place in a comparison that survives re-comparing: (old section index, new section index, pixels
below the top of that pair)."""


def _chars(paras: Sequence[Para]) -> int:
    return sum(len(fr.text) for para in paras for fr in para.frags)


def _short_rows(rows: Sequence[_Row]) -> list[_Row]:
    """The rows, a long one (two columns of paragraphs that pair with no paragraph opposite, as a
    long section rewritten whole) cut at paragraph breaks into rows of about ``TABLE_CHARS``, each
    side at the same share of its text, so each column still reads on as before."""
    out: list[_Row] = []
    for left, right in rows:
        parts = math.ceil((_chars(left) + _chars(right)) / TABLE_CHARS)
        if parts <= 1 or len(left) + len(right) <= 2:
            out.append((left, right))
            continue
        cuts = [_cut_points(side, parts) for side in (left, right)]
        for k in range(parts):
            piece = (left[cuts[0][k] : cuts[0][k + 1]], right[cuts[1][k] : cuts[1][k + 1]])
            if piece[0] or piece[1]:
                out.append(piece)
    return out


def _cut_points(paras: Sequence[Para], parts: int) -> list[int]:
    """Paragraph indices cutting ``paras`` into ``parts`` runs of about equal length (0 and len at the ends)."""
    total = max(_chars(paras), 1)
    points, seen = [0], 0
    for k, para in enumerate(paras):
        seen += _chars((para,))
        while len(points) < parts and seen >= total * len(points) / parts:
            points.append(k + 1)
    points += [len(paras)] * (parts + 1 - len(points))
    return points


def _tables(rows: Sequence[_Row]) -> list[list[_Row]]:
    """Rows grouped into tables of about ``TABLE_CHARS`` (at least one row each, one empty table for none)."""
    tables: list[list[_Row]] = [[]]
    size = 0
    for row in rows:
        chars = _chars(row[0]) + _chars(row[1])
        if tables[-1] and size + chars > TABLE_CHARS:
            tables.append([])
            size = 0
        tables[-1].append(row)
        size += chars
    return tables


class _Builder:
    def __init__(self, comparison: Comparison, layout: str, formats: Formats, font: QFont) -> None:
        self.comparison = comparison
        self.layout = layout
        self.f = formats
        doc = QTextDocument()
        doc.setDefaultFont(font)
        doc.setDocumentMargin(14)
        doc.setUndoRedoEnabled(False)
        self.rendering = Rendering(doc, layout, comparison=comparison)
        self.cursor = QTextCursor(doc)
        self._spans: dict[int, dict[str, tuple[int, int]]] = {}
        self._tips: dict[int, str] = {}
        self._dim = present.dim_lines(comparison)
        self._whole = False
        self.one_column_whole = False
        """A wholly added or removed section across the whole width (on paper: no empty half page)."""
        self.annotate: Callable[[str], tuple[str, str, str] | None] | None = None
        """Optional note after each paragraph of the newer version: text -> (label, tooltip, link)."""

    def steps(self) -> Iterator[None]:
        lay: present.Layout = "inline" if self.layout == INLINE else "side-by-side"
        known = presented.get(self.comparison, self.layout)
        for index in range(len(self.comparison.pairs)):
            view = known[index] if known is not None else present.present_pair(self.comparison, index, lay, self._dim)
            self.rendering.views.append(view)
            self._pair(index, view)
            yield
        if known is None:
            presented.put(self.comparison, self.layout, list(self.rendering.views))
        end = QTextBlockFormat()
        end.setTopMargin(40)
        self.cursor.insertBlock(end)

    # -- one pair

    def _pair(self, index: int, view: PairView) -> None:
        c = self.cursor
        f = self.f
        c.movePosition(QTextCursor.MoveOperation.End)
        if index:
            c.insertBlock(f.header_block)
        else:
            c.setBlockFormat(f.header_block)
        self.rendering.pair_positions.append(c.position())
        self._header(view)
        self._spans = {}
        self._tips = change_tips(self.comparison, index)  # substantive changes: their signals
        self._whole = view.old_missing or view.new_missing
        if self.layout == SIDE and self.one_column_whole and self._whole:
            self._whole_column(view)
        elif self.layout == SIDE:
            self._side(view)
        else:
            self._inline(view)
        for change_id in sorted(self._spans):
            spans = self._spans[change_id]
            if self.layout == INLINE and len(spans) == 2:
                start, end = min(s for s, _ in spans.values()), max(e for _, e in spans.values())
            else:
                start, end = spans.get("new") or spans["old"]
            self.rendering.changes.append((index, start, end))
            self.rendering.change_spans.append(tuple(spans[side] for side in ("old", "new") if side in spans))
            self.rendering.change_names.append(view.changes[change_id] if change_id < len(view.changes) else "")
            self.rendering.substantive.append(change_id in self._tips)

    def _header(self, view: PairView) -> None:
        c, f = self.cursor, self.f
        for k, badge in enumerate(view.badges):
            if k:
                c.insertText("\u2002", f.meta)
            label = badge.label.upper() if badge.key != "minor" else badge.label
            if badge.key == "moved":
                label = f"{present.MOVE_MARK} {label}"
            c.insertText(f"\u2002{label}\u2002", f.badges.get(badge.key, f.badges["unchanged"]))
        if view.head:
            c.insertText("\u2003", f.meta)
            c.insertText(view.full_title, f.title(f.normal))
        if view.inserted or view.deleted:
            if view.status == "minor" and view.minor:
                c.insertText("\u2003" + view.minor, f.meta)
            c.insertText("\u2003", f.meta)
            if view.inserted:
                c.insertText(f"+{view.inserted}", f.count_ins)
                c.insertText(" ", f.meta)
            if view.deleted:
                c.insertText(f"\u2212{view.deleted}", f.count_del)
                c.insertText(" ", f.meta)
            c.insertText("words", f.meta)
        elif view.invisible:
            c.insertText("\u2003", f.meta)
            c.insertText(view.invisible.summary(), f.count_ins if view.invisible.inserted else f.count_del)
        elif view.amount:
            c.insertText("\u2003" + view.amount, f.meta)
        if view.ignored:
            c.insertText(f" \u00b7 {view.ignored} ignored", f.meta)
        notes = list(view.notes)
        if view.invisible and (view.inserted or view.deleted):
            notes.insert(0, view.invisible.summary())
        if view.moved_note and view.moved:
            notes.insert(0, view.moved_note.rstrip("."))
        if notes:
            c.insertText("\u2003" + " \u00b7 ".join(notes), f.meta)

    def _mark(self, change: int, start: int, end: int, side: str) -> None:
        """Remember where a change is shown, on each side."""
        if change < 0:
            return
        spans = self._spans.setdefault(change, {})
        have = spans.get(side)
        spans[side] = (min(have[0], start), max(have[1], end)) if have else (start, end)

    def _runs(self, cursor: QTextCursor, frags: tuple[Frag, ...], side: str, title: bool = False,
              dim: bool = False, header: bool = False) -> None:
        f = self.f
        for frag in frags:
            kind = frag.kind
            if kind == "=":
                fmt = f.normal
            elif kind == "-":
                fmt = f.deleted_plain if self._whole else f.deleted
            elif kind == "+":
                fmt = f.inserted_plain if self._whole else f.inserted
            elif kind == "-p":
                fmt = f.pilcrow_deleted
            elif kind == "+p":
                fmt = f.pilcrow_inserted
            else:
                fmt = QTextCharFormat(f.ignored)
                if frag.tip:
                    fmt.setToolTip(frag.tip)
            if kind in ("-", "+") and frag.change in self._tips:  # a substantive change: "modal: may → will"
                fmt = QTextCharFormat(fmt)
                fmt.setToolTip(self._tips[frag.change])
            if title:
                fmt = f.title(fmt)
            elif header:
                fmt = QTextCharFormat(fmt)
                fmt.setFontWeight(QFont.Weight.DemiBold)
            elif dim:
                fmt = f.dimmed(fmt)
            start = cursor.position()
            text = frag.text
            # Invisible and bidi characters never reach the document: each is shown as its code, so
            # it can neither hide a change nor reorder the text around it (soft hyphens: in changes).
            in_change = kind in ("-", "+")
            if not invisible.has_invisible(text, soft_hyphens=in_change):
                cursor.insertText(text, fmt)
            else:
                for segment in invisible.segments(text, soft_hyphens=in_change):
                    if segment.marked:
                        cursor.insertText(segment.text, f.marker(fmt, segment.title))
                    else:
                        cursor.insertText(segment.text, fmt)
            if frag.change >= 0:
                self._mark(frag.change, start, cursor.position(), "new" if kind in ("+", "+p") else "old")

    def _paras(self, cursor: QTextCursor, paras: tuple[Para, ...], side: str, block: QTextBlockFormat) -> None:
        k = 0
        while k < len(paras):
            para = paras[k]
            if k:
                cursor.insertBlock(block)
            else:
                cursor.setBlockFormat(block)
            if para.cells:
                k = self._data_table(cursor, paras, k, side)
                continue
            self._runs(cursor, para.frags, side, dim=para.dim)
            if side == "new":
                self._annotation(cursor, para)
            k += 1

    def _data_table(self, cursor: QTextCursor, paras: Sequence[Para], start: int, side: str) -> int:
        """The table rows ``paras[start:]`` (up to the next non-row or header) as a table at
        ``cursor``, which is left after it; returns the index after the last row."""
        width = len(paras[start].cells)
        end = start + 1
        while end < len(paras) and len(paras[end].cells) == width and not paras[end].header:
            end += 1
        f = self.f
        fmt = QTextTableFormat(f.data_table)
        fmt.setColumnWidthConstraints([QTextLength(QTextLength.Type.PercentageLength, 100 / width)] * width)
        if paras[start].header:
            fmt.setHeaderRowCount(1)
        table = cursor.insertTable(end - start, width, fmt)
        for r, para in enumerate(paras[start:end]):
            for col, cell_frags in enumerate(para.cells):
                cell = table.cellAt(r, col)
                if para.header:
                    cell.setFormat(f.data_header_cell)
                cc = cell.firstCursorPosition()
                cc.setBlockFormat(f.data_cell_block)
                self._runs(cc, cell_frags, side, header=para.header, dim=para.dim)
        cursor.setPosition(table.lastPosition() + 1)
        return end

    def _annotation(self, cursor: QTextCursor, para: Para) -> None:
        """A note after a paragraph of the newer version (a history's "since when"), as a link."""
        if self.annotate is None:
            return
        text = "".join(fr.text for fr in para.frags if fr.kind in ("=", "+", "~"))
        note = self.annotate(text) if text.strip() else None
        if note is None:
            return
        label, tip, href = note
        fmt = QTextCharFormat(self.f.meta)
        fmt.setToolTip(tip)
        if href:
            fmt.setAnchor(True)
            fmt.setAnchorHref(href)
        cursor.insertText("\u2002", self.f.meta)
        cursor.insertText(f"\u2009{label}\u2009", fmt)

    def _title_frags(self, view: PairView, side: str) -> tuple[Frag, ...]:
        """The heading on one side: its diff (when the title changed) or the title as it is."""
        k = 0 if side == "old" else 1
        frags = tuple(fr for row in view.title_rows for para in row[k] for fr in para.frags)
        if frags:
            return frags
        return (Frag("=", "(no title)"),) if view.title_rows else ()

    def _side(self, view: PairView) -> None:
        f = self.f
        sides = ((0, "old", view.old_missing), (1, "new", view.new_missing))
        # A long pair is set as several tables, one after the other with nothing between them: Qt
        # lays a table out in one go, and one table holding a whole long policy froze the window.
        chunks = _tables(_short_rows(view.rows))
        for n, chunk in enumerate(chunks):
            table = self._table(1 + max(len(chunk), 1) if n == 0 else len(chunk), sides, joined=n > 0)
            first = 0
            if n == 0:
                first = 1
                for col, side, missing in sides:
                    cc = table.cellAt(0, col).firstCursorPosition()
                    cc.setBlockFormat(f.title_block)
                    if missing:
                        cc.insertText("Not in the old version" if side == "old" else "Not in the new version", f.note)
                        continue
                    title = self._title_frags(view, side)
                    if view.head:
                        cc.insertText(f"{view.title_label}: ", f.meta)
                    if title:
                        self._runs(cc, title, side, title=True)
                    else:
                        cc.insertText("(no title)", f.note)
            # Cells are filled in document order (row by row, old then new): a position recorded
            # for a change is never shifted by text inserted before it afterwards.
            for r, (left, right) in enumerate(chunk, start=first):
                for col, side, missing in sides:
                    paras = left if side == "old" else right
                    if paras and not missing:
                        cc = table.cellAt(r, col).firstCursorPosition()
                        self._paras(cc, paras, side, f.paragraph)
            self.cursor.movePosition(QTextCursor.MoveOperation.End)

    def _whole_column(self, view: PairView) -> None:
        """A section only one version has, in one column: its title, then its paragraphs."""
        c, f = self.cursor, self.f
        side, k = ("new", 1) if view.old_missing else ("old", 0)
        c.insertBlock(f.title_block)
        block = QTextBlockFormat(f.title_block)
        block.setLeftMargin(6)
        c.setBlockFormat(block)
        self._runs(c, self._title_frags(view, side) or (Frag("=", view.title),), side, title=True)
        paras = tuple(para for row in view.rows for para in row[k])
        if paras:
            c.insertBlock(f.inline_block)
            self._paras(c, paras, side, f.inline_block)

    def _table(self, nrows: int, sides: tuple[tuple[int, str, bool], ...], *, joined: bool) -> QTextTable:
        """A two-column table of ``nrows`` rows at the end; ``joined``: it carries on the table just
        above, so the empty line Qt keeps between two tables takes no room."""
        f = self.f
        if joined:
            self.cursor.setBlockFormat(f.joint_block)
            self.cursor.setBlockCharFormat(f.joint_char)
        table = self.cursor.insertTable(nrows, 2, f.table)
        for col, cell_format in ((0, f.left_cell), (1, f.right_cell)):
            for r in range(nrows):
                table.cellAt(r, col).setFormat(cell_format)
        for col, _side, missing in sides:
            if missing and nrows > 1:
                table.mergeCells(0, col, nrows, 1)
        return table

    def _inline(self, view: PairView) -> None:
        c, f = self.cursor, self.f
        c.insertBlock(f.title_block)
        block = QTextBlockFormat(f.title_block)
        block.setLeftMargin(6)
        c.setBlockFormat(block)
        if view.head:
            c.insertText(f"{view.title_label}: ", f.meta)
        frags = tuple(fr for para in view.title_paras for fr in para.frags)
        self._runs(c, frags or (Frag("=", view.title),), "new", title=True)
        k = 0
        while k < len(view.paras):
            para = view.paras[k]
            c.insertBlock(f.inline_block)
            if para.cells:
                k = self._data_table(c, view.paras, k, "new")
                continue
            self._runs(c, para.frags, "new", dim=para.dim)
            if not view.new_missing:
                self._annotation(c, para)
            k += 1


DocumentBuilder = _Builder
"""The builder of a comparison's document, for other media than the screen (printing.py)."""


@dataclass(frozen=True)
class Recipe:
    """Everything a rendering depends on besides the comparison (read on the GUI thread): a
    document built ahead, in another thread, is shown only if the view still reads the same."""

    layout: str
    style: str
    font: QFont
    palette: QPalette
    notes: bool = False
    """Whether paragraphs carry notes (a history's since-when): a builder ahead must add the same."""

    @property
    def key(self) -> tuple[object, ...]:
        return (self.layout, self.style, self.font.toString(), self.notes,
                *(self.palette.color(role).rgba() for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Text)))


def build_rendering(comparison: Comparison, recipe: Recipe, thread: QThread,
                    annotate: Callable[[str], tuple[str, str, str] | None] | None = None) -> Rendering:
    """The whole document of ``comparison`` built at once, in any thread (a QTextDocument is
    reentrant: one thread at a time), then handed to ``thread`` (the GUI's) to be shown there.
    ``annotate``: the notes, when ``recipe.notes`` (it must be safe to call from that thread)."""
    font = QFont(recipe.font)
    builder = _Builder(comparison, recipe.layout, Formats(Colors.from_palette(recipe.palette, recipe.style), font),
                       font)
    builder.annotate = annotate if recipe.notes else None
    for _ in builder.steps():
        pass
    builder.rendering.document.moveToThread(thread)
    return builder.rendering


def _outer_block_at(document: QTextDocument, position: int) -> QTextBlock:
    """The first block at or after ``position`` that stands outside every table (an invalid block
    past the end). Asking the layout where a block inside a table is reads the table's row and
    column positions, which Qt's own background layout may not have filled in yet (a crash);
    asking for the block after a table lays the whole table out first, safely."""
    frame = document.frameAt(position)
    while frame is not None and frame.parentFrame() is not None and frame.parentFrame().parentFrame() is not None:
        frame = frame.parentFrame()
    if frame is None or frame.parentFrame() is None:  # the root frame: outside every table
        return document.findBlock(position)
    return document.findBlock(frame.lastPosition() + 1)


# --------------------------------------------------------------------------------------------
# The widget


class SafeBrowser(QTextBrowser):
    """A QTextBrowser that loads no resource and follows no link."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )

    def loadResource(self, kind: int, url: QUrl | str) -> object:  # noqa: N802 - Qt override
        return None

    def setSource(self, *args: object) -> None:  # noqa: N802 - never navigate anywhere
        return None


class FindBar(QWidget):
    """Find text in the view: a line edit, previous / next, match case, close."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(QLabel("Find:"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Text to find")
        self.edit.setClearButtonEnabled(True)
        row.addWidget(self.edit, 1)
        self.previous = QToolButton()
        self.previous.setText("Previous")
        self.next = QToolButton()
        self.next.setText("Next")
        row.addWidget(self.previous)
        row.addWidget(self.next)
        self.case = QCheckBox("Match case")
        row.addWidget(self.case)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setMinimumWidth(150)
        row.addWidget(self.message)
        self.close_button = QToolButton()
        self.close_button.setText("\u2715")
        self.close_button.setToolTip("Close the find bar (Esc)")
        self.close_button.setAutoRaise(True)
        row.addWidget(self.close_button)
        self.close_button.clicked.connect(self.hide)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Cancel) or event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)


class DiffView(QWidget):
    """Shows one comparison; knows where its pairs and changes are, and moves between them."""

    rendered = Signal()
    """A comparison has been built and put on screen."""
    painted = Signal()
    """The first paint after a rendering."""
    current_pair_changed = Signal(int)
    navigation_changed = Signal()
    """The current pair or change moved: enabled states of the navigation may differ."""
    busy_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.browser = SafeBrowser(self)
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        layout.addWidget(self.browser, 1)
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        layout.addWidget(self.find_bar)
        self.find_bar.edit.returnPressed.connect(self.find_next)
        self.find_bar.next.clicked.connect(self.find_next)
        self.find_bar.previous.clicked.connect(self.find_previous)
        self.find_bar.edit.textEdited.connect(self._find_as_you_type)

        self.comparison: Comparison | None = None
        self.layout_name = SIDE
        self.rendering: Rendering | None = None
        self.current = 0
        self.change_index: int | None = None
        self.substantive_only = False
        """F7 / F8 step through substantive changes only (policydiff.core.changes)."""
        self._builder: _Builder | None = None
        self._steps: Iterator[None] | None = None
        self._pending: tuple[Comparison, str, Anchor | None] | None = None
        self._programmatic = False
        self._awaiting_paint = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._build_slice)
        # Qt lays a long document out in the background in growing steps, up to 200,000 characters
        # at once: a pause of its own. Laying it out ahead in short slices leaves it nothing to do.
        self._layout_timer = QTimer(self)
        self._layout_timer.setSingleShot(True)
        self._layout_timer.setInterval(0)
        self._layout_timer.timeout.connect(self._layout_slice)
        self._laid_out = 0
        self.font_point_size = 11.0
        self.style_name = "standard"
        self.one_column_whole = False
        """A wholly added or removed section across the whole width (on paper: no empty half page)."""
        self.annotate: Callable[[str], tuple[str, str, str] | None] | None = None
        """Set by a history window: the "since when" note after each paragraph of the newer version."""
        """present.STYLES key: ``standard`` or ``colorblind`` (blue / orange)."""
        self._stops: tuple[Comparison, list[int]] | None = None
        self._hit_cache: tuple[tuple[str, int, int, int], list[int]] | None = None
        self._pending_anchor: Anchor | None = None
        self._prebuilt: OrderedDict[int, tuple[Comparison, tuple[object, ...], Rendering]] = OrderedDict()
        """Documents built ahead in another thread (a history's neighbouring steps), by comparison."""
        self._offers: list[tuple[Comparison, tuple[object, ...], Rendering]] = []
        self._offers_lock = threading.Lock()
        self._ready: Rendering | None = None
        """A document built ahead, to be shown on the next turn of the event loop."""
        self.browser.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.browser.viewport().installEventFilter(self)

    # -- fonts

    def document_font(self) -> QFont:
        font = QFont(self.browser.font())
        font.setPointSizeF(self.font_point_size)
        return font

    def show_placeholder(self, text: str) -> None:
        """A plain message in place of a comparison (nothing to compare yet)."""
        if self.comparison is None:
            self.browser.setPlainText(text)
            self.browser.document().setDefaultFont(self.document_font())

    # -- rendering

    @property
    def building(self) -> bool:
        return self._steps is not None

    def show_comparison(self, comparison: Comparison, layout: str | None = None, anchor: Anchor | None = None) -> None:
        """Render ``comparison``; ``anchor`` = (old_index, new_index, offset) keeps that pair in view."""
        if layout is not None:
            self.layout_name = layout
        self.comparison = comparison
        self._pending_anchor = anchor
        self._ready = self._take_prebuilt(comparison)
        if self._ready is not None:  # shown on the next turn of the event loop, as a build would be
            self._builder = None
            self._steps = iter(())
            self.busy_changed.emit(True)
            self._timer.start()
            return
        colors = Colors.from_palette(self.browser.palette(), self.style_name)
        font = self.document_font()
        self._builder = _Builder(comparison, self.layout_name, Formats(colors, font), font)
        self._builder.annotate = self.annotate
        self._steps = self._builder.steps()
        self.busy_changed.emit(True)
        self._build_slice()

    def recipe(self) -> Recipe:
        """What a document built ahead must match to be shown as it is."""
        return Recipe(self.layout_name, self.style_name, self.document_font(), QPalette(self.browser.palette()),
                      notes=self.annotate is not None)

    def has_prebuilt(self, comparison: Comparison) -> bool:
        self.receive_offers()
        found = self._prebuilt.get(id(comparison))
        return found is not None and found[0] is comparison and found[1] == self.recipe().key

    def offer(self, comparison: Comparison, key: tuple[object, ...], rendering: Rendering) -> None:
        """A document built ahead (any thread; its document already moved to the GUI thread), to
        be shown at once when ``comparison`` is. Seen from the next look on the GUI thread: not
        after a queued signal that a step taken meanwhile would overtake."""
        with self._offers_lock:
            self._offers.append((comparison, key, rendering))

    def receive_offers(self, keep: int = 3) -> None:
        """Take in the documents offered (GUI thread: only it deletes one)."""
        with self._offers_lock:
            offers, self._offers = self._offers, []
        for comparison, key, rendering in offers:
            old = self._prebuilt.pop(id(comparison), None)
            if old is not None and old[2] is not rendering:
                old[2].document.deleteLater()
            self._prebuilt[id(comparison)] = (comparison, key, rendering)
        while len(self._prebuilt) > keep:
            self._prebuilt.popitem(last=False)[1][2].document.deleteLater()

    def _take_prebuilt(self, comparison: Comparison) -> Rendering | None:
        self.receive_offers()
        found = self._prebuilt.pop(id(comparison), None)
        if found is None:
            return None
        if found[0] is comparison and found[1] == self.recipe().key:
            return found[2]
        found[2].document.deleteLater()  # built for another layout, palette, font or without notes
        return None

    def current_anchor(self) -> Anchor | None:
        """(old_index, new_index, offset in pixels) of the pair at the top of the view."""
        if self.comparison is None or self.rendering is None or not self.comparison.pairs:
            return None
        index = min(self.current, len(self.comparison.pairs) - 1)
        pair = self.comparison.pairs[index]
        offset = self.browser.verticalScrollBar().value() - self.pair_y(index)
        return (pair.old_index, pair.new_index, offset)

    def rerender(self) -> None:
        """Build the same comparison again (layout, palette or font changed), keeping the place."""
        if self.comparison is not None:
            self.show_comparison(self.comparison, anchor=self.current_anchor())

    def _build_slice(self) -> None:
        if self._steps is None:
            return
        deadline = time.perf_counter() + SLICE_SECONDS
        for _ in self._steps:
            if time.perf_counter() >= deadline:
                self._timer.start()
                return
        rendering = self._ready if self._builder is None else self._builder.rendering
        assert rendering is not None
        self._finish(rendering)

    def _finish(self, rendering: Rendering) -> None:
        self._builder = None
        self._ready = None
        self._steps = None
        old = self.rendering
        self.rendering = rendering
        self._programmatic = True
        try:
            self.browser.setExtraSelections([])
            self.browser.setDocument(rendering.document)
        finally:
            self._programmatic = False
        if old is not None:
            old.document.deleteLater()
        self._laid_out = 0
        self._layout_timer.stop()  # started again once the first screen of this document is painted
        self.change_index = None
        self.current = 0
        anchor = self._pending_anchor
        target = self._find_anchor(anchor) if anchor else None
        if target is not None and anchor is not None:
            self._scroll_to_y(self.pair_y(target) + max(anchor[2], 0))
            self.current = target
        else:
            self._scroll_to_y(0)
        self._awaiting_paint = True
        self.busy_changed.emit(False)
        self.current_pair_changed.emit(self.current)
        self.navigation_changed.emit()
        self.rendered.emit()

    def _layout_slice(self) -> None:
        document = self.browser.document()
        if self.rendering is None or document is not self.rendering.document:
            return  # a placeholder shown instead
        layout = document.documentLayout()
        deadline = time.perf_counter() + SLICE_SECONDS
        block = _outer_block_at(document, self._laid_out)
        while block.isValid():
            if time.perf_counter() >= deadline:
                self._layout_timer.start()
                return
            layout.blockBoundingRect(block)  # lays the text out up to this block, tables whole
            self._laid_out = block.position() + block.length()
            block = _outer_block_at(document, self._laid_out)

    def _find_anchor(self, anchor: Anchor) -> int | None:
        assert self.comparison is not None
        old_index, new_index, _ = anchor
        for index, pair in enumerate(self.comparison.pairs):
            if old_index is not None and pair.old_index == old_index:
                return index
        for index, pair in enumerate(self.comparison.pairs):
            if new_index is not None and pair.new_index == new_index:
                return index
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.browser.viewport() and event.type() == QEvent.Type.Paint and self._awaiting_paint:
            self._awaiting_paint = False
            QTimer.singleShot(0, self.painted.emit)
            self._layout_timer.start()
        return False

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.comparison is not None:
            self.rerender()

    # -- geometry

    def pair_y(self, index: int) -> int:
        if self.rendering is None or not self.rendering.pair_positions:
            return 0
        doc = self.rendering.document
        block = doc.findBlock(self.rendering.pair_positions[index])
        return int(doc.documentLayout().blockBoundingRect(block).top())

    def _scroll_to_y(self, y: int) -> None:
        self._programmatic = True
        try:
            self.browser.verticalScrollBar().setValue(int(y))
        finally:
            self._programmatic = False

    def _pair_at_top(self) -> int:
        if self.rendering is None or not self.rendering.pair_positions:
            return 0
        position = self.browser.cursorForPosition(QPoint(4, 8)).position()
        index = bisect.bisect_right(self.rendering.pair_positions, position) - 1
        return max(0, index)

    def _scrolled(self, _value: int) -> None:
        if self._programmatic or self.rendering is None:
            return
        index = self._pair_at_top()
        self.change_index = None
        if index != self.current:
            self.current = index
            self.current_pair_changed.emit(index)
        self.navigation_changed.emit()

    # -- navigation between pairs

    def changed_pairs(self) -> list[int]:
        """The pairs stepping stops at: present.py's ``stop`` (something a reader must see)."""
        c = self.comparison
        if c is None:
            return []
        if self._stops is None or self._stops[0] is not c:
            r = self.rendering  # until the new document is shown, the previous comparison's
            if r is not None and r.comparison is c and len(r.views) == len(c.pairs):
                views = r.views
            else:
                views = presented.get(c) or [pair_view(c, i) for i in range(len(c.pairs))]
            self._stops = (c, [v.index for v in views if v.stop])
        return self._stops[1]

    def change_name(self, k: int) -> str:
        """What single change ``k`` is (``deleted “a”, inserted “b”``)."""
        names = self.rendering.change_names if self.rendering is not None else []
        return names[k] if 0 <= k < len(names) else ""

    def next_changed(self) -> int | None:
        return next((i for i in self.changed_pairs() if i > self.current), None)

    def previous_changed(self) -> int | None:
        return next((i for i in reversed(self.changed_pairs()) if i < self.current), None)

    def go_to_pair(self, index: int) -> None:
        if self.comparison is None or not (0 <= index < len(self.comparison.pairs)) or self.rendering is None:
            return
        self._scroll_to_y(self.pair_y(index))
        self.current = index
        self.change_index = None
        self.browser.setExtraSelections([])
        cursor = QTextCursor(self.rendering.document)
        cursor.setPosition(self.rendering.pair_positions[index])
        self.browser.setTextCursor(cursor)
        self.current_pair_changed.emit(index)
        self.navigation_changed.emit()

    # -- navigation between single changes

    def _changes(self) -> list[tuple[int, int, int]]:
        return self.rendering.changes if self.rendering is not None else []

    def _stop_at_change(self, k: int) -> bool:
        if not self.substantive_only or self.rendering is None:
            return True
        flags = self.rendering.substantive
        return k < len(flags) and flags[k]

    def next_change_index(self) -> int | None:
        changes = self._changes()
        if self.change_index is not None:
            return next((k for k in range(self.change_index + 1, len(changes)) if self._stop_at_change(k)), None)
        start = self.rendering.pair_positions[self.current] if self.rendering and self.rendering.pair_positions else 0
        return next((k for k, (_, s, _e) in enumerate(changes) if s >= start and self._stop_at_change(k)), None)

    def previous_change_index(self) -> int | None:
        changes = self._changes()
        if self.change_index is not None:
            return next((k for k in range(self.change_index - 1, -1, -1) if self._stop_at_change(k)), None)
        start = self.rendering.pair_positions[self.current] if self.rendering and self.rendering.pair_positions else 0
        return next((k for k in range(len(changes) - 1, -1, -1) if changes[k][1] < start and self._stop_at_change(k)), None)

    def go_to_change(self, k: int) -> None:
        changes = self._changes()
        if not (0 <= k < len(changes)):
            return
        pair_index, start, end = changes[k]
        rendering = self.rendering
        assert rendering is not None  # there are changes only when a document is shown
        document = rendering.document
        spans = rendering.change_spans[k] if k < len(rendering.change_spans) else ((start, end),)
        # Selected from its end back to its start: the caret (which the browser keeps in view) is at
        # the change's start, however long the change.
        cursor = QTextCursor(document)
        cursor.setPosition(end)
        cursor.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
        self._programmatic = True
        try:
            self.browser.setTextCursor(cursor)
            self._highlight_spans(spans)
            starts = []
            for span_start, _span_end in spans:
                at = QTextCursor(document)
                at.setPosition(span_start)
                starts.append(self.browser.cursorRect(at).top())
            top = min(starts)
            bar = self.browser.verticalScrollBar()
            viewport_h = self.browser.viewport().height()
            if top < viewport_h * 0.1 or top > viewport_h * 0.6:  # both starts in the upper part of the view
                bar.setValue(bar.value() + top - viewport_h // 4)
        finally:
            self._programmatic = False
        self.change_index = k
        if pair_index != self.current:
            self.current = pair_index
            self.current_pair_changed.emit(pair_index)
        self.navigation_changed.emit()

    def _highlight_spans(self, spans: Sequence[tuple[int, int]]) -> None:
        """Mark a change on every side it is shown (the selection marks only one)."""
        selections = []
        palette = self.browser.palette()
        for span_start, span_end in spans:
            selection = QTextEdit.ExtraSelection()
            at = QTextCursor(self.rendering.document) if self.rendering is not None else QTextCursor()
            at.setPosition(span_start)
            at.setPosition(span_end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = at
            fmt = QTextCharFormat()
            fmt.setBackground(palette.color(QPalette.ColorRole.Highlight))
            fmt.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
            selection.format = fmt
            selections.append(selection)
        self.browser.setExtraSelections(selections)

    def highlighted_spans(self) -> list[tuple[int, int]]:
        """The (start, end) of each marked side of the change stepped to."""
        return [(sel.cursor.selectionStart(), sel.cursor.selectionEnd()) for sel in self.browser.extraSelections()]

    # -- find

    def show_find(self) -> None:
        self.find_bar.show()
        selected = self.browser.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) < 80:
            self.find_bar.edit.setText(selected)
        self.find_bar.edit.setFocus()
        self.find_bar.edit.selectAll()

    def _find(self, backward: bool, from_start: bool = False) -> bool:
        text = self.find_bar.edit.text()
        if not text:
            self.find_bar.message.setText("")
            return False
        flags = QTextDocument.FindFlag(0)
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        if self.find_bar.case.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        doc = self.browser.document()
        cursor = self.browser.textCursor()
        if from_start:
            cursor.setPosition(cursor.selectionStart())
        found = doc.find(text, cursor, flags)
        wrapped = False
        if found.isNull():
            start = QTextCursor(doc)
            if backward:
                start.movePosition(QTextCursor.MoveOperation.End)
            found = doc.find(text, start, flags)
            wrapped = True
        if found.isNull():
            self.find_bar.message.setText("Not found")
            return False
        self.browser.setTextCursor(found)
        self.browser.ensureCursorVisible()
        hits = self._hits(text, flags & ~QTextDocument.FindFlag.FindBackward)
        k = bisect.bisect_left(hits, found.selectionStart())
        where = f"{k + 1} of {len(hits)}" if hits and k < len(hits) and hits[k] == found.selectionStart() else ""
        self.find_bar.message.setText(where + (" (wrapped around)" if wrapped else ""))
        self._follow_position(found.selectionStart())
        return True

    def _hits(self, text: str, flags: QTextDocument.FindFlag) -> list[int]:
        """Start positions of every match (counted once per search text and document)."""
        doc = self.browser.document()
        key = (text, flags.value, id(doc), doc.revision())
        if self._hit_cache is not None and self._hit_cache[0] == key:
            return self._hit_cache[1]
        hits: list[int] = []
        cursor = QTextCursor(doc)
        while len(hits) < 100_000:
            cursor = doc.find(text, cursor, flags)
            if cursor.isNull():
                break
            hits.append(cursor.selectionStart())
        self._hit_cache = (key, hits)
        return hits

    def _follow_position(self, position: int) -> None:
        """Make the pair holding ``position`` the current one (the outline follows)."""
        if self.rendering is None or not self.rendering.pair_positions:
            return
        index = max(0, bisect.bisect_right(self.rendering.pair_positions, position) - 1)
        self.change_index = None
        if index != self.current:
            self.current = index
            self.current_pair_changed.emit(index)
        self.navigation_changed.emit()

    def find_next(self) -> bool:
        if not self.find_bar.isVisible():
            self.find_bar.show()
        return self._find(False)

    def find_previous(self) -> bool:
        if not self.find_bar.isVisible():
            self.find_bar.show()
        return self._find(True)

    def _find_as_you_type(self, _text: str) -> None:
        self._find(False, from_start=True)
