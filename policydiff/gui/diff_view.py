"""The diff view: every pair of a comparison, side by side (one table row per paragraph run, so both
sides stay level under one scroll bar) or as an inline redline.

The text is put into a QTextDocument with QTextCursor.insertText: policy text is never parsed as
HTML, so nothing in a policy can run script, style the view or load a resource. The browser also
refuses every resource and never follows links.

The document is built in time slices (a few milliseconds each, between which the event loop runs),
into a detached QTextDocument that replaces the shown one when complete, so a long comparison never
freezes the window and the previous comparison stays readable until the new one is ready.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeySequence,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLength,
    QTextTableCellFormat,
    QTextTableFormat,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from policydiff.core import invisible
from policydiff.core.model import Comparison, Op, Section, SectionPair, Status
from policydiff.core.moves import pair_notes

SIDE = "side-by-side"
INLINE = "inline"
SLICE_SECONDS = 0.012
"""Longest stretch of document building between two turns of the event loop."""



def is_changed(pair: SectionPair) -> bool:
    """A pair worth stopping at: any content change, or a move."""
    return pair.status is not Status.UNCHANGED or pair.moved


def badge_label(pair: SectionPair) -> str:
    if pair.moved and pair.status is Status.UNCHANGED:
        return "MOVED"
    return pair.status.value.upper()


def amount_text(pair: SectionPair) -> str:
    """``+12 −3`` (words inserted / deleted), ``+1 invisible`` when only invisible characters
    changed, or '' when nothing changed."""
    s = pair.stats
    parts = []
    if s.words_inserted:
        parts.append(f"+{s.words_inserted}")
    if s.words_deleted:
        parts.append(f"\u2212{s.words_deleted}")
    if not parts:
        return invisible_changes(pair).short()
    return " ".join(parts)


def invisible_changes(pair: SectionPair) -> invisible.InvisibleChanges:
    """Invisible characters inserted or deleted in the pair's title and text."""
    return invisible.invisible_changes(pair.title_diff.ops) + invisible.invisible_changes(pair.body_diff.ops)


# --------------------------------------------------------------------------------------------
# Colours, derived from the palette so that a dark theme stays readable


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
    invisible_fg: QColor = field(default_factory=lambda: QColor("#8a3c00"))
    invisible_bg: QColor = field(default_factory=lambda: QColor("#ffe9c2"))

    @classmethod
    def from_palette(cls, palette: QPalette) -> Colors:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        dark = base.lightness() < 128
        muted = _mix(text, base, 0.45)
        band = _mix(text, base, 0.93 if not dark else 0.88)
        rule = _mix(text, base, 0.78)
        white, black = QColor("#ffffff"), QColor("#1b1b1b")
        if dark:
            deleted_fg, inserted_fg = QColor("#ff8f8f"), QColor("#7fe0a4")
            deleted_bg, inserted_bg = QColor(255, 80, 80, 55), QColor(60, 200, 110, 50)
        else:
            deleted_fg, inserted_fg = QColor("#a1001c"), QColor("#005c26")
            deleted_bg, inserted_bg = QColor(230, 0, 30, 26), QColor(0, 160, 60, 30)
        badge = {
            "CHANGED": (QColor("#f2b33d"), black),
            "ADDED": (QColor("#2e7d32"), white),
            "REMOVED": (QColor("#c62828"), white),
            "MOVED": (QColor("#1565c0"), white),
            "UNCHANGED": (_mix(text, base, 0.8), text),
        }
        colors = cls(text, muted, band, rule, deleted_fg, deleted_bg, inserted_fg, inserted_bg, badge)
        if dark:
            colors.invisible_fg, colors.invisible_bg = QColor("#ffc77a"), QColor("#4a3414")
        return colors


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
        self.ignored = QTextCharFormat(self.normal)
        self.ignored.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        self.ignored.setUnderlineColor(colors.muted)
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
            f.setFontWeight(QFont.Weight.Bold)
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
        self.inline_block = QTextBlockFormat(self.paragraph)
        self.inline_block.setLeftMargin(6)
        self.inline_block.setRightMargin(6)

    def title(self, base: QTextCharFormat) -> QTextCharFormat:
        f = QTextCharFormat(base)
        f.setFontWeight(QFont.Weight.Bold)
        f.setFontPointSize(self.title_size)
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


# --------------------------------------------------------------------------------------------
# From ops to paragraphs

Run = tuple[str, str, int]
"""(text, kind, change id); kind is one of = - + ~ or 'note'; change id -1 for unchanged text."""
Para = list[Run]


def _grouped(ops: tuple[Op, ...], first_id: int) -> tuple[list[tuple[Op, int]], int]:
    """Each op with the id of the change it belongs to (consecutive - / + ops form one change)."""
    out: list[tuple[Op, int]] = []
    current = first_id - 1
    in_change = False
    for op in ops:
        if op.kind in "-+":
            if not in_change:
                current += 1
                in_change = True
            out.append((op, current))
        else:
            in_change = False
            out.append((op, -1))
    return out, current + 1


def _append(paras: list[Para], text: str, kind: str, change: int) -> None:
    pieces = text.split("\n")
    for k, piece in enumerate(pieces):
        if k:
            paras.append([])
        if piece:
            paras[-1].append((piece, kind, change))


def side_rows(grouped: list[tuple[Op, int]]) -> list[tuple[list[Para], list[Para]]]:
    """Paragraphs in rows: a row ends where both texts end a paragraph together (an unchanged
    line break), so the two columns are level at the start of every shared paragraph."""
    rows: list[tuple[list[Para], list[Para]]] = []
    left: list[Para] = [[]]
    right: list[Para] = [[]]
    for op, change in grouped:
        if op.kind == "=":
            pieces = op.old.split("\n")
            for k, piece in enumerate(pieces):
                if k:
                    rows.append((left, right))
                    left, right = [[]], [[]]
                if piece:
                    left[-1].append((piece, "=", -1))
                    right[-1].append((piece, "=", -1))
        elif op.kind == "~":
            _append(left, op.old, "~", -1)
            _append(right, op.new, "~", -1)
        elif op.kind == "-":
            _append(left, op.old, "-", change)
        else:
            _append(right, op.new, "+", change)
    rows.append((left, right))
    cleaned = []
    for l_paras, r_paras in rows:
        l_paras = [p for p in l_paras if p]
        r_paras = [p for p in r_paras if p]
        if l_paras or r_paras:
            cleaned.append((l_paras, r_paras))
    return cleaned


def _separate(paras: list[Para], text: str) -> None:
    """Put a space between a deletion and the insertion that follows it, so words don't fuse."""
    last = paras[-1]
    if last and last[-1][1] == "-" and text and not text[0].isspace() and not last[-1][0][-1:].isspace():
        last.append((" ", "=", -1))


def inline_paras(grouped: list[tuple[Op, int]]) -> list[Para]:
    paras: list[Para] = [[]]
    for op, change in grouped:
        if op.kind == "-":
            _append(paras, op.old, "-", change)
        elif op.kind == "+":
            _separate(paras, op.new)
            _append(paras, op.new, "+", change)
        else:
            _append(paras, op.new, op.kind, -1)
    return [p for p in paras if p]


def _prefix(section: Section, ops: tuple[Op, ...], side: str) -> str | None:
    """The numbering in front of the title-diff text (``1.``), or None when they don't line up."""
    bare = "".join((op.old if side == "old" else op.new) for op in ops if op.kind != ("+" if side == "old" else "-"))
    title = section.title
    if not bare:
        return title
    if title.endswith(bare):
        return title[: len(title) - len(bare)]
    return None


def _title_paras(pair: SectionPair, grouped: list[tuple[Op, int]], side: str) -> Para:
    section = pair.old if side == "old" else pair.new
    assert section is not None
    if not section.title:
        return [("Preamble", "note", -1)]
    ops = pair.title_diff.ops
    prefix = _prefix(section, ops, side)
    if prefix is None or not ops:
        return [(section.title, "=", -1)]
    runs: Para = [(prefix, "=", -1)] if prefix else []
    for op, change in grouped:
        if op.kind == "=":
            runs.append((op.old if side == "old" else op.new, "=", -1))
        elif op.kind == "~":
            runs.append((op.old if side == "old" else op.new, "~", -1))
        elif op.kind == "-" and side == "old":
            runs.append((op.old, "-", change))
        elif op.kind == "+" and side == "new":
            runs.append((op.new, "+", change))
    return [r for r in runs if r[0]]


def _inline_title(pair: SectionPair, grouped: list[tuple[Op, int]]) -> Para:
    if pair.old is None or pair.new is None:
        return _title_paras(pair, grouped, "new" if pair.old is None else "old")
    if not pair.new.title and not pair.old.title:
        return [("Preamble", "note", -1)]
    prefix = _prefix(pair.new, pair.title_diff.ops, "new")
    if prefix is None or not pair.new.title or not pair.old.title:
        if pair.renamed:
            return [(pair.old.title or "Preamble", "-", grouped[0][1] if grouped else -1),
                    (" ", "=", -1), (pair.new.title or "Preamble", "+", -1)]
        return [(pair.new.title, "=", -1)]
    paras: list[Para] = [[(prefix, "=", -1)] if prefix else []]
    for op, change in grouped:
        text = op.old if op.kind == "-" else op.new
        if op.kind == "+":
            _separate(paras, text)
        paras[-1].append((text, op.kind, change))
    return [r for r in paras[-1] if r[0]]


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


class _Builder:
    def __init__(self, comparison: Comparison, layout: str, formats: Formats, font: QFont) -> None:
        self.comparison = comparison
        self.layout = layout
        self.f = formats
        doc = QTextDocument()
        doc.setDefaultFont(font)
        doc.setDocumentMargin(14)
        doc.setUndoRedoEnabled(False)
        self.rendering = Rendering(doc, layout)
        self.cursor = QTextCursor(doc)
        self._change_marks: dict[int, tuple[int, int, int]] = {}

    def steps(self) -> Iterator[None]:
        for index, pair in enumerate(self.comparison.pairs):
            self._pair(index, pair)
            yield
        end = QTextBlockFormat()
        end.setTopMargin(40)
        self.cursor.insertBlock(end)

    # -- one pair

    def _pair(self, index: int, pair: SectionPair) -> None:
        c = self.cursor
        f = self.f
        c.movePosition(QTextCursor.MoveOperation.End)
        if index:
            c.insertBlock(f.header_block)
        else:
            c.setBlockFormat(f.header_block)
        self.rendering.pair_positions.append(c.position())
        self._header(pair, pair_notes(self.comparison, index))
        title_grouped, next_id = _grouped(pair.title_diff.ops, 0)
        body_grouped, _ = _grouped(pair.body_diff.ops, next_id)
        self._change_marks = {}
        if self.layout == SIDE:
            self._side(pair, title_grouped, body_grouped)
        else:
            self._inline(pair, title_grouped, body_grouped)
        for change_id in sorted(self._change_marks):
            _, start, end = self._change_marks[change_id]
            self.rendering.changes.append((index, start, end))

    def _header(self, pair: SectionPair, group_notes: list[str] = []) -> None:
        c, f = self.cursor, self.f
        label = badge_label(pair)
        c.insertText(f"\u2002{label}\u2002", f.badges[label])
        if pair.moved and label != "MOVED":
            c.insertText("\u2002", f.meta)
            c.insertText("\u2002MOVED\u2002", f.badges["MOVED"])
        s = pair.stats
        hidden = invisible_changes(pair)
        if hidden and not (s.words_inserted or s.words_deleted):
            c.insertText("\u2003", f.meta)
            c.insertText(hidden.summary(), f.count_ins if hidden.inserted else f.count_del)
        if s.words_inserted or s.words_deleted:
            c.insertText("\u2003", f.meta)
            if s.words_inserted:
                c.insertText(f"+{s.words_inserted}", f.count_ins)
                c.insertText(" ", f.meta)
            if s.words_deleted:
                c.insertText(f"\u2212{s.words_deleted}", f.count_del)
                c.insertText(" ", f.meta)
            c.insertText("words", f.meta)
        notes = []
        if pair.manual:
            notes.append("paired by you" if pair.old is not None and pair.new is not None else "unpaired by you")
        elif pair.old is not None and pair.new is not None and pair.score < 0.3 and pair.status is Status.CHANGED:
            notes.append(f"weak match ({pair.score:.0%})")
        if pair.renamed:
            notes.append("renamed")
        notes += group_notes
        for diff in (pair.title_diff, pair.body_diff):
            if diff.coarse:
                notes.append(f"coarse diff: {diff.coarse}")
        if hidden:
            if s.words_inserted or s.words_deleted:
                notes.append(hidden.summary())
            notes.append("invisible: " + ", ".join(hidden.names))
        if notes:
            c.insertText("\u2003" + " \u00b7 ".join(notes), f.meta)

    def _mark(self, change: int, start: int, end: int, side: str) -> None:
        """Remember where a change is shown; prefer the new side (what the policy says now)."""
        if change < 0:
            return
        have = self._change_marks.get(change)
        rank = 1 if side == "new" else 0
        if have is None or (rank > have[0]):
            self._change_marks[change] = (rank, start, end)

    def _runs(self, cursor: QTextCursor, runs: Para, side: str, title: bool = False) -> None:
        f = self.f
        for text, kind, change in runs:
            if kind == "=":
                fmt = f.normal
            elif kind == "-":
                fmt = f.deleted
            elif kind == "+":
                fmt = f.inserted
            elif kind == "~":
                fmt = f.ignored
            else:
                fmt = f.note
            if title:
                fmt = f.title(fmt)
            start = cursor.position()
            # Invisible and bidi characters never reach the document: each is shown as its code, so
            # it can neither hide a change nor reorder the text around it (soft hyphens: in changes).
            in_change = kind in "-+"
            if not invisible.has_invisible(text, soft_hyphens=in_change):
                cursor.insertText(text, fmt)
            else:
                for segment in invisible.segments(text, soft_hyphens=in_change):
                    if segment.marked:
                        cursor.insertText(segment.text, f.marker(fmt, segment.title))
                    else:
                        cursor.insertText(segment.text, fmt)
            if kind in "-+":
                self._mark(change, start, cursor.position(), "new" if kind == "+" else "old")

    def _paras(self, cursor: QTextCursor, paras: list[Para], side: str, block: QTextBlockFormat) -> None:
        for k, para in enumerate(paras):
            if k:
                cursor.insertBlock(block)
            else:
                cursor.setBlockFormat(block)
            self._runs(cursor, para, side)

    def _side(self, pair: SectionPair, title_grouped, body_grouped) -> None:
        f = self.f
        rows = side_rows(body_grouped)
        nrows = 1 + max(len(rows), 1)
        table = self.cursor.insertTable(nrows, 2, f.table)
        for col, cell_format in ((0, f.left_cell), (1, f.right_cell)):
            for r in range(nrows):
                table.cellAt(r, col).setFormat(cell_format)
        for col, side, section in ((0, "old", pair.old), (1, "new", pair.new)):
            if section is None:
                if nrows > 1:
                    table.mergeCells(0, col, nrows, 1)
                cc = table.cellAt(0, col).firstCursorPosition()
                cc.setBlockFormat(f.title_block)
                missing = "Not in the old version" if side == "old" else "Not in the new version"
                cc.insertText(missing, f.note)
                continue
            cc = table.cellAt(0, col).firstCursorPosition()
            cc.setBlockFormat(f.title_block)
            self._runs(cc, _title_paras(pair, title_grouped, side), side, title=True)
            for r, (left, right) in enumerate(rows, start=1):
                paras = left if side == "old" else right
                if paras:
                    cc = table.cellAt(r, col).firstCursorPosition()
                    self._paras(cc, paras, side, f.paragraph)
        self.cursor.movePosition(QTextCursor.MoveOperation.End)

    def _inline(self, pair: SectionPair, title_grouped, body_grouped) -> None:
        c, f = self.cursor, self.f
        c.insertBlock(f.title_block)
        block = QTextBlockFormat(f.title_block)
        block.setLeftMargin(6)
        c.setBlockFormat(block)
        self._runs(c, _inline_title(pair, title_grouped), "new", title=True)
        paras = inline_paras(body_grouped)
        for para in paras:
            c.insertBlock(f.inline_block)
            self._runs(c, para, "new")


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

    def loadResource(self, kind: int, url: QUrl) -> object:  # noqa: N802 - Qt override
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
        self.previous = QToolButton(text="Previous")
        self.next = QToolButton(text="Next")
        row.addWidget(self.previous)
        row.addWidget(self.next)
        self.case = QCheckBox("Match case")
        row.addWidget(self.case)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setMinimumWidth(120)
        row.addWidget(self.message)
        self.close_button = QToolButton(text="\u2715")
        self.close_button.setToolTip("Close the find bar (Esc)")
        self.close_button.setAutoRaise(True)
        row.addWidget(self.close_button)
        self.close_button.clicked.connect(self.hide)

    def keyPressEvent(self, event) -> None:  # noqa: N802
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
        self._builder: _Builder | None = None
        self._steps: Iterator[None] | None = None
        self._pending: tuple[Comparison, str, tuple | None] | None = None
        self._programmatic = False
        self._awaiting_paint = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._build_slice)
        self.font_point_size = 11.0
        self._pending_anchor: tuple | None = None
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

    def show_comparison(self, comparison: Comparison, layout: str | None = None, anchor: tuple | None = None) -> None:
        """Render ``comparison``; ``anchor`` = (old_index, new_index, offset) keeps that pair in view."""
        if layout is not None:
            self.layout_name = layout
        self.comparison = comparison
        self._pending_anchor = anchor
        colors = Colors.from_palette(self.browser.palette())
        font = self.document_font()
        self._builder = _Builder(comparison, self.layout_name, Formats(colors, font), font)
        self._steps = self._builder.steps()
        self.busy_changed.emit(True)
        self._build_slice()

    def current_anchor(self) -> tuple | None:
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
        self._finish()

    def _finish(self) -> None:
        assert self._builder is not None
        rendering = self._builder.rendering
        self._builder = None
        self._steps = None
        old = self.rendering
        self.rendering = rendering
        self._programmatic = True
        try:
            self.browser.setDocument(rendering.document)
        finally:
            self._programmatic = False
        if old is not None:
            old.document.deleteLater()
        self.change_index = None
        self.current = 0
        anchor = self._pending_anchor
        target = self._find_anchor(anchor) if anchor else None
        if target is not None:
            self._scroll_to_y(self.pair_y(target) + max(anchor[2], 0))
            self.current = target
        else:
            self._scroll_to_y(0)
        self._awaiting_paint = True
        self.busy_changed.emit(False)
        self.current_pair_changed.emit(self.current)
        self.navigation_changed.emit()
        self.rendered.emit()

    def _find_anchor(self, anchor: tuple) -> int | None:
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
        if self.comparison is None:
            return []
        return [i for i, p in enumerate(self.comparison.pairs) if is_changed(p)]

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
        cursor = QTextCursor(self.rendering.document)
        cursor.setPosition(self.rendering.pair_positions[index])
        self.browser.setTextCursor(cursor)
        self.current_pair_changed.emit(index)
        self.navigation_changed.emit()

    # -- navigation between single changes

    def _changes(self) -> list[tuple[int, int, int]]:
        return self.rendering.changes if self.rendering is not None else []

    def next_change_index(self) -> int | None:
        changes = self._changes()
        if self.change_index is not None:
            return self.change_index + 1 if self.change_index + 1 < len(changes) else None
        start = self.rendering.pair_positions[self.current] if self.rendering and self.rendering.pair_positions else 0
        return next((k for k, (_, s, _e) in enumerate(changes) if s >= start), None)

    def previous_change_index(self) -> int | None:
        changes = self._changes()
        if self.change_index is not None:
            return self.change_index - 1 if self.change_index > 0 else None
        start = self.rendering.pair_positions[self.current] if self.rendering and self.rendering.pair_positions else 0
        return next((k for k in range(len(changes) - 1, -1, -1) if changes[k][1] < start), None)

    def go_to_change(self, k: int) -> None:
        changes = self._changes()
        if not (0 <= k < len(changes)):
            return
        pair_index, start, end = changes[k]
        cursor = QTextCursor(self.rendering.document)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self._programmatic = True
        try:
            self.browser.setTextCursor(cursor)
            rect = self.browser.cursorRect(cursor)
            bar = self.browser.verticalScrollBar()
            viewport_h = self.browser.viewport().height()
            if rect.top() < viewport_h * 0.1 or rect.bottom() > viewport_h * 0.85:
                bar.setValue(bar.value() + rect.top() - viewport_h // 3)
        finally:
            self._programmatic = False
        self.change_index = k
        if pair_index != self.current:
            self.current = pair_index
            self.current_pair_changed.emit(pair_index)
        self.navigation_changed.emit()

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
        self.find_bar.message.setText("Wrapped around" if wrapped else "")
        self._scrolled(0)
        return True

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
