"""The side outline: every pair in reading order, with a status badge and the amount of change."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from policydiff.core.changes import changes_of_pair, substantive_counts
from policydiff.core.invisible import visible_text
from policydiff.core.model import Comparison
from policydiff.core.present import MOVE_MARK, PairView
from policydiff.gui.diff_view import Colors, pair_view

PAIR_ROLE = Qt.ItemDataRole.UserRole + 1
INDEX_ROLE = Qt.ItemDataRole.UserRole + 2
BADGE_ROLE = Qt.ItemDataRole.UserRole + 3
AMOUNT_ROLE = Qt.ItemDataRole.UserRole + 4
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 5
CHANGED_ROLE = Qt.ItemDataRole.UserRole + 6
BADGES_ROLE = Qt.ItemDataRole.UserRole + 7
"""Every badge of the row: [(key, label)], primary first."""
VIEW_ROLE = Qt.ItemDataRole.UserRole + 8
SUBSTANTIVE_ROLE = Qt.ItemDataRole.UserRole + 9
"""How many substantive changes the row's pair holds (policydiff.core.changes)."""


class PairModel(QAbstractListModel):
    """One row per SectionPair of the comparison, in reading order; what each row says comes
    from present.py (the same badges and amounts as the diff view and the report)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._comparison: Comparison | None = None
        self._views: dict[int, PairView] = {}
        self._members: dict[int, str] = {}
        """Pairs after the first of a merge group: the old section's title (the group's new title
        stands once, on the first member's row, and the others sit under it)."""
        self._substantive: dict[int, int] | None = None

    def set_comparison(self, comparison: Comparison | None) -> None:
        self.beginResetModel()
        self._comparison = comparison
        self._views = {}
        self._members = _merge_members(comparison)
        self._substantive = None
        self.endResetModel()

    def view(self, row: int) -> PairView:
        found = self._views.get(row)
        if found is None:
            assert self._comparison is not None
            found = self._views[row] = pair_view(self._comparison, row)
        return found

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() or self._comparison is None:
            return 0
        return len(self._comparison.pairs)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self.rowCount()):
            return None
        assert self._comparison is not None
        pair = self._comparison.pairs[index.row()]
        if role == PAIR_ROLE:
            return pair
        if role == INDEX_ROLE:
            return index.row()
        member = self._members.get(index.row())
        if role == LEVEL_ROLE:
            return pair.level + (1 if member is not None else 0)
        view = self.view(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            if member is not None:
                return f"\u21b3 {visible_text(member)}"
            return visible_text(view.short_title)  # never reordered by a bidi override in a title
        if role == Qt.ItemDataRole.ToolTipRole:
            return view.tooltip + _substantive_tip(self._comparison, index.row())
        if role == SUBSTANTIVE_ROLE:
            if self._substantive is None:  # classified once per comparison, counted once per model
                self._substantive = substantive_counts(self._comparison)
            return self._substantive.get(index.row(), 0)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            amount = view.change_text
            labels = ", ".join(b.label.lower() for b in view.badges)
            return f"{labels}: {visible_text(view.full_title)}" + (f", {amount}" if amount else "")
        if role == BADGE_ROLE:
            return _primary(view).label.upper()
        if role == BADGES_ROLE:
            return [(b.key, b.label) for b in view.badges]
        if role == AMOUNT_ROLE:
            return view.amount
        if role == CHANGED_ROLE:
            return view.stop
        if role == VIEW_ROLE:
            return view
        return None


def _merge_members(comparison: Comparison | None) -> dict[int, str]:
    """For each pair after the first of a merge group (old sections merged into one new one): the
    old section's title, shown under the group's row instead of the new title once more."""
    if comparison is None:
        return {}
    seen: set[tuple[int | None, tuple[int, ...]]] = set()
    members: dict[int, str] = {}
    for k, pair in enumerate(comparison.pairs):
        if not pair.old_group or pair.new is None or pair.old is None:
            continue
        group = (pair.new_index, pair.old_group)
        if group in seen:
            members[k] = pair.old.title or "Preamble"
        seen.add(group)
    return members


def _substantive_tip(comparison: Comparison, row: int) -> str:
    """The row's substantive changes for its tooltip: how many, and the signals of the first few."""
    found = [c for c in changes_of_pair(comparison, row) if c.change_class == "substantive"]
    if not found:
        return ""
    lines = [str(signal) for change in found[:4] for signal in change.signals]
    more = "\n\u2026" if len(found) > 4 else ""
    return f"\n{len(found)} substantive {'change' if len(found) == 1 else 'changes'}:\n" + "\n".join(lines) + more


def _primary(view: PairView) -> Any:
    """The badge the outline paints: the status (the document head's too), never "Document"."""
    return next((b for b in view.badges if b.key != "document"), view.badges[0])


class ChangedFilter(QSortFilterProxyModel):
    """Hides unchanged pairs when ``changed_only`` is on, and pairs without a substantive change
    when ``substantive_only`` is."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._changed_only = False
        self._substantive_only = False

    def set_changed_only(self, on: bool) -> None:
        if on == self._changed_only:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            self._changed_only = on
            self.endFilterChange()
        else:
            self._changed_only = on
            self.invalidateFilter()

    def set_substantive_only(self, on: bool) -> None:
        """Show only the sections holding a substantive change."""
        if on == self._substantive_only:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            self._substantive_only = on
            self.endFilterChange()
        else:
            self._substantive_only = on
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        index = self.sourceModel().index(row, 0, parent)
        if self._substantive_only and not index.data(SUBSTANTIVE_ROLE):
            return False
        if not self._changed_only:
            return True
        return bool(index.data(CHANGED_ROLE))


class PairDelegate(QStyledItemDelegate):
    """Paints indentation by level, a text badge, the title (elided) and ``+N −M``."""

    INDENT = 14
    style_name = "standard"

    def _badge_font(self, option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setPointSizeF(max(option.font.pointSizeF() * 0.78, 6.5))
        font.setBold(True)
        return font

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        height = QFontMetrics(option.font).height()
        return QSize(200, int(height * 1.75))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else None
        text = opt.text
        opt.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        colors = Colors.from_palette(palette, self.style_name)
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        rect = opt.rect.adjusted(6, 0, -6, 0)
        level = int(index.data(LEVEL_ROLE) or 0)
        rect.setLeft(rect.left() + self.INDENT * max(level - 1, 0))

        view: PairView | None = index.data(VIEW_ROLE)
        badge_font = self._badge_font(opt)
        bm = QFontMetrics(badge_font)
        badge_h = bm.height() + 2
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = rect.left()
        shown = [_primary(view)] if view is not None else []
        for badge in shown:
            label = badge.label.upper() if badge.key != "minor" else badge.label
            width = max(bm.horizontalAdvance("UNCHANGED"), bm.horizontalAdvance(label)) + 10
            badge_rect = QRect(x, rect.center().y() - badge_h // 2 + 1, width, badge_h)
            bg, fg = colors.badge.get(badge.key, colors.badge["unchanged"])
            painter.setPen(Qt.PenStyle.NoPen if badge.key != "minor" else fg)
            painter.setBrush(bg)
            painter.drawRoundedRect(badge_rect, 3, 3)
            painter.setFont(badge_font)
            painter.setPen(fg)
            painter.drawText(badge_rect, Qt.AlignmentFlag.AlignCenter, label)
            x = badge_rect.right() + 1
        if view is not None and (view.moved and view.status != "moved"):
            text = f"{MOVE_MARK} {text}"
        if view is not None and view.manual:
            text = f"{text} (by hand)"
        badge_rect = QRect(x - 1, 0, 1, 1)

        amount = index.data(AMOUNT_ROLE) or ""
        fm = QFontMetrics(opt.font)
        amount_w = fm.horizontalAdvance(amount) if amount else 0
        text_rect = QRect(badge_rect.right() + 8, opt.rect.top(), 0, opt.rect.height())
        text_rect.setRight(opt.rect.right() - 8 - (amount_w + 8 if amount else 0))
        painter.setFont(opt.font)
        painter.setPen(text_color)
        elided = fm.elidedText(text, Qt.TextElideMode.ElideMiddle, max(text_rect.width(), 10))
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), elided)
        if amount:
            amount_rect = QRect(opt.rect.right() - 6 - amount_w, opt.rect.top(), amount_w, opt.rect.height())
            x = amount_rect.left()
            counts = view is not None and (view.inserted or view.deleted) and view.status != "minor"
            for part in amount.split(" "):
                color = (colors.inserted_fg if counts and part.startswith("+") else colors.deleted_fg
                         if counts and part.startswith("\u2212") else colors.muted)
                painter.setPen(text_color if selected else color)
                w = fm.horizontalAdvance(part)
                painter.drawText(QRect(x, amount_rect.top(), w, amount_rect.height()),
                                 int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), part)
                x += w + fm.horizontalAdvance(" ")
        painter.restore()


class Outline(QWidget):
    """The outline list with its filter and context menu."""

    pair_activated = Signal(int)
    """The user picked a pair (index into comparison.pairs)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.filter_button = QToolButton(self)
        self.filter_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.filter_button.setAutoRaise(True)
        layout.addWidget(self.filter_button)
        self.model = PairModel(self)
        self.proxy = ChangedFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QListView(self)
        self.view.setModel(self.proxy)
        self.delegate = PairDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setAcceptDrops(False)
        self.view.viewport().setAcceptDrops(False)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)
        # The comparison follows the selection as it moves (Up/Down, Home/End, Page Up/Down), as in
        # every outline pane; select_pair (the view following its own scrolling) is not a move.
        self.view.selectionModel().currentChanged.connect(self._current_moved)
        layout.addWidget(self.view, 1)
        self.context_actions: list[QAction | None] = []
        """The context menu's entries (None: a separator)."""
        self._following = False

    def sizeHint(self) -> QSize:  # noqa: N802 - wide enough for badge, title and counts
        return QSize(400, 600)

    def set_filter_action(self, action: QAction) -> None:
        self.filter_button.setDefaultAction(action)

    def set_comparison(self, comparison: Comparison | None) -> None:
        self.model.set_comparison(comparison)

    def set_changed_only(self, on: bool) -> None:
        current = self.current_pair()
        self.proxy.set_changed_only(on)
        if current is not None:
            self.select_pair(current)

    def current_pair(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return int(index.data(INDEX_ROLE))

    def select_pair(self, row: int) -> None:
        """Highlight pair ``row`` without emitting pair_activated (the view follows scrolling)."""
        source = self.model.index(row, 0)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            # filtered out: keep the nearest visible pair above it highlighted
            for earlier in range(row - 1, -1, -1):
                index = self.proxy.mapFromSource(self.model.index(earlier, 0))
                if index.isValid():
                    break
        if not index.isValid():
            self.view.clearSelection()
            return
        self._following = True
        try:
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._following = False

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid() and not self._following:
            self.pair_activated.emit(int(index.data(INDEX_ROLE)))

    def _current_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._following:
            self.pair_activated.emit(int(current.data(INDEX_ROLE)))

    def _context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if index.isValid():
            self.view.setCurrentIndex(index)
        menu = QMenu(self)
        for action in self.context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(self.view.viewport().mapToGlobal(point))
