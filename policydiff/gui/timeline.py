"""The timeline of a version history: a strip with one bar per step (the biggest changes stand out)
and the list of versions, newest first, with each step's size. Picking one version compares it with
the one before; picking two compares them."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from policydiff.core.history import History

SIZE_ROLE = Qt.ItemDataRole.UserRole + 1
CHANGES_ROLE = Qt.ItemDataRole.UserRole + 2
"""A step's number of substantive changes (absent until counted)."""
INDEX_ROLE = Qt.ItemDataRole.UserRole


SUBSTANTIVE_SCALE: tuple[tuple[int, str, str], ...] = (
    (0, "#f2f0f7", "none"),
    (1, "#cbc9e2", "1"),
    (2, "#9e9ac8", "2\u20133"),
    (4, "#756bb1", "4\u20139"),
    (10, "#54278f", "10+"),
)
"""(at least this many substantive changes, colour, legend label): one hue, lighter to darker
(ColorBrewer's sequential "Purples", safe for every kind of colour blindness and in grey; no hue of
the inserted-green / deleted-red bars), so that the darkest steps are the ones to read first."""

UNCOUNTED = "#d9d9d9"
"""A step whose changes are not counted yet (drawn hatched)."""


def substantive_colour(count: int) -> QColor:
    """The colour of a step with ``count`` substantive changes."""
    colour = SUBSTANTIVE_SCALE[0][1]
    for least, shade, _label in SUBSTANTIVE_SCALE:
        if count >= least:
            colour = shade
    return QColor(colour)


def changes_tip(substantive: int, signals: list[str], shown: int = 4) -> str:
    """``3 substantive: number: 30 days → 3 years; modal: may → will…`` (the first few signals)."""
    if not substantive:
        return "no substantive change"
    head = f"{substantive} substantive" + (": " if signals else "")
    more = "\u2026" if len(signals) > shown else ""
    return head + "; ".join(signals[:shown]) + more


def _scale(words: int, biggest: int) -> float:
    """0..1: square-root scale, so a 20-word edit still shows next to a 20,000-word rewrite."""
    if words <= 0 or biggest <= 0:
        return 0.0
    return max(0.06, math.sqrt(words) / math.sqrt(biggest))


class Strip(QWidget):
    """One bar per version (the step into it), oldest left; the compared range is shaded."""

    picked = Signal(int)
    """A version was clicked: compare it with the one before."""
    picked_old = Signal(int)
    """Shift-click: make it the old side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(80)
        self.setMouseTracking(True)
        self.sizes: list[tuple[int, int]] = []
        self.labels: list[str] = []
        self.old = self.new = -1
        self.years: list[str] = []
        self.changes: dict[int, tuple[int, list[str]]] = {}
        """Step -> (substantive changes, their signals), for the steps counted so far."""
        self.setToolTip("Each bar is one recorded change; taller bars changed more words. "
                        "Click a bar to compare that version with the one before; Shift+click to choose the old version.")

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, 84)

    BAND = 10
    """Height of the band under the bars coloured by each step's substantive changes."""

    def _x(self, i: int) -> float:
        n = max(len(self.sizes), 1)
        return 4 + (self.width() - 8) * i / n

    def _index_at(self, x: float) -> int:
        n = len(self.sizes)
        if not n:
            return -1
        return max(0, min(n - 1, int((x - 4) * n / max(self.width() - 8, 1))))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        n = len(self.sizes)
        if not n:
            return
        h = self.height() - 18 - self.BAND - 2  # room for the band and the year ticks
        if 0 <= self.old < self.new < n:  # the steps compared: those into old+1 .. new
            x0, x1 = self._x(self.old + 1), self._x(self.new + 1)
            shade = QColor(pal.color(QPalette.ColorRole.Highlight))
            shade.setAlpha(45)
            painter.fillRect(QRect(int(x0), 0, max(int(x1 - x0), 2), self.height()), shade)
        biggest = max((a + d for a, d in self.sizes), default=0)
        ins, dele = QColor("#2e7d32"), QColor("#c62828")
        width = max((self.width() - 8) / n, 1.0)
        for i, (a, d) in enumerate(self.sizes):
            total = _scale(a + d, biggest) * h
            if total <= 0:
                continue
            x = self._x(i)
            w = max(int(width) - (1 if width >= 3 else 0), 1)
            top_ins = total * a / (a + d)
            painter.fillRect(QRect(int(x), int(h + 3 - total), w, max(int(round(top_ins)), 0)), ins)
            painter.fillRect(QRect(int(x), int(h + 3 - total + top_ins), w, max(int(round(total - top_ins)), 1)), dele)
        for i, colour in ((self.old, pal.color(QPalette.ColorRole.Text)), (self.new, pal.color(QPalette.ColorRole.Highlight))):
            if 0 <= i < n:  # a marker over the whole height: visible however thin the bars are
                painter.fillRect(QRect(int(self._x(i)), 0, max(int(width), 2), self.height()), _alpha(colour, 70))
                painter.fillRect(QRect(int(self._x(i)) - 2, 0, max(int(width), 2) + 4, 4), colour)
        # The band: each step coloured by its substantive changes (hatched until counted), over
        # the markers of the versions compared: its colours are read as they are.
        band_top = h + 5
        hatch = QBrush(QColor(UNCOUNTED), Qt.BrushStyle.BDiagPattern)
        for i in range(1, n):
            x = self._x(i)
            w = max(int(self._x(i + 1)) - int(x), 1)
            found = self.changes.get(i)
            cell = QRect(int(x), band_top, w, self.BAND)
            if found is None:
                painter.fillRect(cell, hatch)
            else:
                painter.fillRect(cell, substantive_colour(found[0]))
        # A rule under the band: its lightest cells ("none") still read as part of it.
        painter.fillRect(QRect(int(self._x(1)), band_top + self.BAND, max(int(self._x(n)) - int(self._x(1)), 1), 1),
                         pal.color(QPalette.ColorRole.Mid))
        # Year ticks under the bars: when the changes happened.
        painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 0.8)
        painter.setFont(font)
        last_x = -100.0
        for i, year in enumerate(self.years):
            if year and (i == 0 or self.years[i - 1] != year) and self._x(i) - last_x > 40:
                x = self._x(i)
                painter.drawLine(int(x), self.height() - 12, int(x), self.height())
                painter.drawText(int(x) + 3, self.height() - 2, year)
                last_x = x
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        i = self._index_at(event.position().x())
        if i < 0:
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.picked_old.emit(i)
        else:
            self.picked.emit(i)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        i = self._index_at(event.position().x())
        if 0 <= i < len(self.labels):
            a, d = self.sizes[i]
            found = self.changes.get(i)
            what = ("first version" if i == 0 else changes_tip(*found) if found is not None
                    else "substantive changes not counted yet")
            QToolTip.showText(event.globalPosition().toPoint(),
                              f"{self.labels[i]}\n+{a:,} \u2212{d:,} words\n{what}", self)


def _alpha(colour: QColor, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


class Legend(QWidget):
    """The band's key: a swatch per class of the scale, and the hatch of steps not counted yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        title = QLabel("Substantive changes:")
        title.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(title)
        for _least, colour, label in SUBSTANTIVE_SCALE:
            row.addWidget(_Swatch(QBrush(QColor(colour)), self))
            text = QLabel(label)
            text.setTextFormat(Qt.TextFormat.PlainText)
            row.addWidget(text)
        row.addSpacing(8)
        row.addWidget(_Swatch(QBrush(QColor(UNCOUNTED), Qt.BrushStyle.BDiagPattern), self))
        pending = QLabel("not counted yet")
        pending.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(pending)
        row.addStretch(1)
        self.setToolTip("The band under the bars: each recorded change coloured by how many of its changes are "
                        "substantive (a number, a date, may/will, a negation, who receives the data, what data, a "
                        "right, a purpose, the law or the scope changed); hover over a step for its signals")


class _Swatch(QWidget):
    def __init__(self, brush: QBrush, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.brush = brush
        self.setFixedSize(14, 12)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.brush)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


BAR_WIDTH = 64
"""Width of a step's size bar, left of its numbers."""


class SizeDelegate(QStyledItemDelegate):
    """The step's size as a small bar (inserted green, deleted red) left of its numbers."""

    biggest = 1

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: D102
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setPen(opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        text_rect = opt.rect.adjusted(BAR_WIDTH + 10, 0, -4, 0)
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), text)
        painter.restore()
        r = option.rect.adjusted(4, 5, -4, -5)
        substantive = index.data(CHANGES_ROLE)
        if substantive:  # the step's colour in the strip's band, at the bar's end (none: no swatch, less noise)
            painter.fillRect(QRect(r.left() + BAR_WIDTH - 8, r.top(), 8, r.height()), substantive_colour(substantive))
        size = index.data(SIZE_ROLE)
        if not size:
            return
        a, d = size
        bar = BAR_WIDTH - 10
        total = _scale(a + d, self.biggest) * bar
        if total <= 0:
            return
        split = total * a / (a + d) if a + d else 0
        painter.save()
        painter.fillRect(QRect(r.left(), r.top(), int(round(split)), r.height()), QColor("#2e7d32"))
        painter.fillRect(QRect(r.left() + int(round(split)), r.top(), max(int(round(total - split)), 1), r.height()),
                         QColor("#c62828"))
        painter.restore()


class Timeline(QWidget):
    """The strip, the list of versions and the progress of reading the history."""

    pair_requested = Signal(int, int)
    """(old version, new version) to compare."""

    def __init__(self, history: History, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.old = self.new = -1
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        self.list = QTreeWidget(self)
        self.list.setObjectName("timeline_list")
        self.list.setColumnCount(3)
        self.list.setHeaderLabels(["Version", "Change", "Words"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setAllColumnsShowFocus(True)
        self.delegate = SizeDelegate(self.list)
        self.list.setItemDelegateForColumn(1, self.delegate)
        header = self.list.header()
        header.setStretchLastSection(False)
        # Sized once, not to contents: a column sized to its contents measures every row whenever
        # one item changes, and stepping re-labels four (tens of milliseconds on a long history).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.items: list[QTreeWidgetItem] = []
        self.exact: dict[int, tuple[int, int]] = {}
        """Steps whose size is the comparison's count (words inserted, deleted)."""
        self.exact_words: set[int] = set()
        """Versions whose number of words is the comparison's count."""
        n = len(history.versions)
        for i in reversed(range(n)):  # newest first
            v = history.versions[i]
            item = QTreeWidgetItem([v.label, "", ""])
            item.setData(0, INDEX_ROLE, i)
            item.setToolTip(0, f"Version {i + 1} of {n}: {v.label}" + (f"\n{v.subject}" if v.subject else "")
                            + (f"\ncommit {v.commit}" if v.commit else f"\n{v.path}"))
            self.items.append(item)
        self.items.reverse()  # items[i] is version i
        self.list.addTopLevelItems(list(reversed(self.items)))
        bold = QFont(self.list.font())
        bold.setBold(True)
        widest = max(QFontMetrics(bold).horizontalAdvance(f"{v.label}   OLD") for v in history.versions)
        header.resizeSection(0, widest + 3 * self.list.fontMetrics().horizontalAdvance("M"))  # + the cell's margins
        metrics = self.list.fontMetrics()
        header.resizeSection(2, metrics.horizontalAdvance("\u2248 000,000 ") + 2 * metrics.horizontalAdvance("M"))
        # The change column never truncates a count: a bar, then "≈ +00,000 −00,000".
        change_width = BAR_WIDTH + 14 + metrics.horizontalAdvance("\u2248 +000,000 \u2212000,000")
        header.setMinimumSectionSize(min(change_width, 60))
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.setMinimumWidth(header.sectionSize(0) + change_width + header.sectionSize(2)
                                  + self.list.verticalScrollBar().sizeHint().width() + 4)

        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(f"{n} versions, {history.versions[0].date} to {history.versions[-1].date}")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar(self)
        self.progress.setMaximumHeight(14)
        self.progress.setRange(0, n)
        self.progress.setFormat("Reading every version: %v of %m steps counted")
        self.progress.hide()
        self.strip = Strip(self)
        self.strip.labels = [history.describe(i) for i in range(n)]
        self.strip.sizes = [(0, 0)] * n
        self.strip.years = [v.date[:4] for v in history.versions]
        self.strip.picked.connect(lambda i: self.pair_requested.emit(max(i - 1, 0), max(i, 1)))
        self.strip.picked_old.connect(lambda i: self.pair_requested.emit(*sorted((i, self.new if self.new >= 0 else i))))
        self.legend = Legend(self)
        right.addWidget(self.caption)
        right.addWidget(self.strip, 1)
        right.addWidget(self.legend)
        right.addWidget(self.progress)
        row.addWidget(self.list, 2)
        row.addLayout(right, 3)
        self._quiet = False

    def set_sizes(self, sizes: list[tuple[int, int]], exact: bool = False) -> None:
        """Each version's step size (words inserted, deleted) since the one before: the
        comparison's counts (``exact``), or a quick estimate by whole lines, shown as one ("≈")
        until the step is compared (:meth:`set_step`)."""
        for i, (a, d) in enumerate(sizes):
            if i and (exact or i not in self.exact):
                self._show_step(i, a, d, exact)
        self.strip.sizes = [self.exact.get(i, size) for i, size in enumerate(sizes)]
        self._sizes_changed()

    def set_step(self, i: int, inserted: int, deleted: int) -> None:
        """Step ``i`` (version i-1 to i) as the comparison counts it: words inserted and deleted."""
        if i <= 0 or self.exact.get(i) == (inserted, deleted):
            return
        self._show_step(i, inserted, deleted, True)
        if len(self.strip.sizes) > i:
            self.strip.sizes[i] = (inserted, deleted)
        self._sizes_changed()

    def forget_exact(self) -> None:
        """The options changed: the steps' counts are estimates again until compared anew."""
        self.exact.clear()
        self.strip.changes.clear()
        self.strip.update()

    def set_changes(self, i: int, substantive: int, signals: list[str]) -> None:
        """Step ``i``'s substantive changes and their signals (``modal: may → will``): its colour in
        the band, its tooltips."""
        if i <= 0 or self.strip.changes.get(i) == (substantive, signals):
            return
        self.strip.changes[i] = (substantive, list(signals))
        item = self.items[i]
        tip = item.toolTip(1).split("\n", 1)[0]
        item.setToolTip(1, f"{tip}\n{changes_tip(substantive, signals, shown=8)}")
        item.setData(1, CHANGES_ROLE, substantive)
        self.strip.update()
        self.list.viewport().update()

    def _show_step(self, i: int, a: int, d: int, exact: bool) -> None:
        item = self.items[i]
        self.items[0].setText(1, "first version")
        item.setData(1, SIZE_ROLE, (a, d))
        if exact:
            self.exact[i] = (a, d)
            item.setText(1, f"+{a:,} \u2212{d:,}" if a or d else "no wording changed")
            item.setToolTip(1, f"{a:,} words inserted, {d:,} deleted (the comparison's count)" if a or d else
                            "No word inserted or deleted")
        else:
            item.setText(1, f"\u2248 +{a:,} \u2212{d:,}" if a or d else "no wording changed")
            item.setToolTip(1, (f"About +{a:,} \u2212{d:,} words: a quick estimate from the lines added and "
                                "removed; the comparison's count replaces it once the step is compared" if a or d else
                                "Only markup, links or spacing changed"))
        found = self.strip.changes.get(i)
        if found is not None:
            item.setToolTip(1, f"{item.toolTip(1)}\n{changes_tip(*found, shown=8)}")

    def _sizes_changed(self) -> None:
        sizes = self.strip.sizes
        self.delegate.biggest = max((a + d for a, d in sizes[1:]), default=1) or 1
        self.strip.update()
        self.list.viewport().update()

    def set_words(self, words: dict[int, int], exact: bool = False) -> None:
        """Each version's number of words: the comparison's count (``exact``), else an estimate
        by lines, shown as one until the version is compared."""
        for i, w in words.items():
            if exact:
                self.exact_words.add(i)
            elif i in self.exact_words:
                continue
            self.items[i].setText(2, f"{w:,}" if exact else f"\u2248 {w:,}")
            self.items[i].setToolTip(2, f"{w:,} words" if exact else
                                     f"About {w:,} words (counted by lines; exact once the version is compared)")

    def biggest_step(self) -> int | None:
        sizes = self.strip.sizes
        if len(sizes) < 2 or not any(a + d for a, d in sizes[1:]):
            return None
        return max(range(1, len(sizes)), key=lambda i: (sizes[i][0] + sizes[i][1], -i))

    def mark(self, old: int, new: int) -> None:
        """Show which versions are compared (bold, OLD / NEW), and select the newer one."""
        for k in (self.old, self.new):
            if 0 <= k < len(self.items):
                font = self.items[k].font(0)
                font.setBold(False)
                self.items[k].setFont(0, font)
                self.items[k].setText(0, self.history.versions[k].label)
        self.old, self.new = old, new
        for k, role in ((old, "OLD"), (new, "NEW")):
            font = self.items[k].font(0)
            font.setBold(True)
            self.items[k].setFont(0, font)
            self.items[k].setText(0, f"{self.history.versions[k].label}   {role}")
        self.strip.old, self.strip.new = old, new
        self.strip.update()
        self._quiet = True
        try:
            self.list.clearSelection()
            self.items[new].setSelected(True)
            if new - old > 1 or old >= new:
                self.items[old].setSelected(True)
            self.list.setCurrentItem(self.items[new], 0, self.list.selectionModel().SelectionFlag.NoUpdate)
            self.list.scrollToItem(self.items[new])
        finally:
            self._quiet = False

    def _selection_changed(self) -> None:
        if self._quiet:
            return
        chosen = sorted(int(item.data(0, INDEX_ROLE)) for item in self.list.selectedItems())
        if len(chosen) == 1:
            i = chosen[0]
            self.pair_requested.emit(max(i - 1, 0), max(i, 1))
        elif len(chosen) == 2:
            self.pair_requested.emit(chosen[0], chosen[1])
