"""Every QAction and key binding of the window, created here with one helper.

Actions are attached to the window (``window.addAction``) so their shortcuts work wherever the
focus is and tests can call ``action.trigger()``. Standard keys (``QKeySequence.StandardKey``) are
used where Qt has one; the diff-tool conventions (Alt+Down, F8...) are spelled out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import SimpleNamespace

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence, QPainter, QPalette, QPixmap, QPolygonF
from PySide6.QtWidgets import QMainWindow, QStyle, QWidget

from policydiff.gui.protocols import HistoryCommands, WindowCommands

Key = QKeySequence.StandardKey
Shortcut = QKeySequence.StandardKey | str


def _sequences(shortcuts: Iterable[Shortcut]) -> list[QKeySequence]:
    found: list[QKeySequence] = []
    for shortcut in shortcuts:
        if isinstance(shortcut, QKeySequence.StandardKey):
            candidates = QKeySequence.keyBindings(shortcut)
        else:
            candidates = [QKeySequence(shortcut)]
        for seq in candidates:
            if not seq.isEmpty() and all(seq != other for other in found):
                found.append(seq)
    return found


def add_action(
    widget: QWidget,
    text: str,
    slot: Callable[..., object] | None = None,
    *shortcuts: Shortcut,
    checkable: bool = False,
    checked: bool = False,
    tip: str = "",
    icon: QIcon | None = None,
    name: str = "",
) -> QAction:
    """Create an action on ``widget`` with its shortcuts, status tip and handler."""
    action = QAction(text, widget)
    if name:
        action.setObjectName(name)
    sequences = _sequences(shortcuts)
    if sequences:
        action.setShortcuts(sequences)
    if checkable:
        action.setCheckable(True)
        action.setChecked(checked)
    if tip:
        action.setStatusTip(tip)
        shown = sequences[0].toString(QKeySequence.SequenceFormat.NativeText) if sequences else ""
        action.setToolTip(f"{tip} ({shown})" if shown else tip)
    if icon is not None:
        action.setIcon(icon)
    if slot is not None:
        if checkable:
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda _checked=False: slot())
    widget.addAction(action)
    return action


def _icon(widget: QWidget, theme: str, fallback: QStyle.StandardPixmap) -> QIcon:
    return QIcon.fromTheme(theme, widget.style().standardIcon(fallback))


# Arrow outlines (points on a 16x16 grid) for the navigation icons when the desktop has no icon theme.
_ARROWS = {
    "up": ((8, 3), (14, 12), (2, 12)),
    "down": ((2, 4), (14, 4), (8, 13)),
    "left": ((12, 2), (12, 14), (3, 8)),
    "right": ((4, 2), (4, 14), (13, 8)),
}


def _arrow_icon(widget: QWidget, theme: str, direction: str) -> QIcon:
    """The theme's icon, else an arrow drawn in the palette's text colour (legible on dark palettes,
    unlike the style's built-in arrows)."""
    if QIcon.hasThemeIcon(theme):
        return QIcon.fromTheme(theme)
    icon = QIcon()
    for mode, group in ((QIcon.Mode.Normal, QPalette.ColorGroup.Active),
                        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled)):
        pixmap = QPixmap(32, 32)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(widget.palette().color(group, QPalette.ColorRole.WindowText))
        painter.drawPolygon(QPolygonF([QPointF(x * 2, y * 2) for x, y in _ARROWS[direction]]))
        painter.end()
        icon.addPixmap(pixmap, mode)
    return icon


def create_actions(w: QMainWindow, on: WindowCommands) -> SimpleNamespace:
    """All of the window's actions, on ``w``, calling ``on`` (the same window, as its commands),
    by name (``actions.next_section`` ...)."""
    SP = QStyle.StandardPixmap
    a = SimpleNamespace()
    # File
    a.open_old = add_action(w, "Open &Old Version…", on.choose_old, tip="Replace the old version", name="open_old")
    a.open_new = add_action(w, "Open &New Version…", on.choose_new, tip="Replace the new version", name="open_new")
    a.open_pair = add_action(
        w, "&Open Pair…", on.choose_pair, Key.Open, tip="Open an old and a new version",
        icon=_icon(w, "document-open", SP.SP_DialogOpenButton), name="open_pair",
    )
    a.swap = add_action(w, "S&wap Old/New", on.swap_sides, tip="Compare the other way round", name="swap")
    a.reload = add_action(
        w, "&Reload", on.reload, Key.Refresh, "F5", tip="Read both files again from disk",
        icon=_icon(w, "view-refresh", SP.SP_BrowserReload), name="reload",
    )
    a.save_report = add_action(
        w, "&Save Report…", on.save_report, Key.Save, tip="Save the comparison as an HTML report",
        icon=_icon(w, "document-save", SP.SP_DialogSaveButton), name="save_report",
    )
    a.print_ = add_action(w, "&Print…", on.print_comparison, Key.Print, tip="Print the comparison (the report's layout)",
                          icon=_icon(w, "document-print", SP.SP_FileIcon), name="print")
    a.export_pdf = add_action(w, "&Export PDF…", on.export_pdf, "Ctrl+Shift+E",
                              tip="Save the comparison as a PDF (A4, the report's layout)", name="export_pdf")
    a.clear_recent = add_action(w, "&Clear Recent Pairs", on.clear_recent, name="clear_recent")
    a.quit = add_action(w, "&Quit", on.close, Key.Quit, "Ctrl+Q", tip="Quit policydiff", name="quit")
    # Edit
    a.find = add_action(w, "&Find…", on.show_find, Key.Find, tip="Find text in the comparison", name="find")
    a.find_next = add_action(w, "Find &Next", on.find_next, Key.FindNext, "F3", name="find_next")
    a.find_previous = add_action(w, "Find Pre&vious", on.find_previous, Key.FindPrevious, "Shift+F3", name="find_previous")
    # View
    a.layout_side = add_action(
        w, "&Side by Side", lambda checked: on.set_layout("side-by-side") if checked else None, "Ctrl+1", checkable=True,
        tip="Old and new text in two columns", name="layout_side",
    )
    a.layout_inline = add_action(
        w, "&Inline Redline", lambda checked: on.set_layout("inline") if checked else None, "Ctrl+2", checkable=True,
        tip="One column with deletions and insertions in place", name="layout_inline",
    )
    a.layout_group = QActionGroup(w)
    a.layout_group.addAction(a.layout_side)
    a.layout_group.addAction(a.layout_inline)
    a.zoom_in = add_action(w, "&Larger Text", lambda: on.zoom(+1), Key.ZoomIn, "Ctrl+=",
                           tip="Make the text larger", name="zoom_in")
    a.zoom_out = add_action(w, "S&maller Text", lambda: on.zoom(-1), Key.ZoomOut,
                            tip="Make the text smaller", name="zoom_out")
    a.zoom_reset = add_action(w, "&Normal Text Size", lambda: on.zoom(0), "Ctrl+0",
                              tip="Back to the normal text size", name="zoom_reset")
    a.changed_only = add_action(
        w, "&Changed Sections Only", on.set_changed_only, checkable=True,
        tip="Hide unchanged sections in the outline", name="changed_only",
    )
    a.substantive_only = add_action(
        w, "&Substantive Changes Only", on.set_substantive_only, checkable=True,
        tip="Outline and F7/F8: only changes to numbers, dates, obligations, parties, data, rights, purposes, law or scope",
        name="substantive_only",
    )
    # Go
    a.prev_section = add_action(
        w, "&Previous Changed Section", on.prev_section, "Alt+Up", tip="Previous changed section",
        icon=_arrow_icon(w, "go-up", "up"), name="prev_section",
    )
    a.next_section = add_action(
        w, "&Next Changed Section", on.next_section, "Alt+Down", tip="Next changed section",
        icon=_arrow_icon(w, "go-down", "down"), name="next_section",
    )
    a.first_section = add_action(
        w, "&First Changed Section", on.first_section, "Alt+Home", tip="First changed section",
        icon=_icon(w, "go-top", SP.SP_MediaSkipBackward), name="first_section",
    )
    a.last_section = add_action(
        w, "&Last Changed Section", on.last_section, "Alt+End", tip="Last changed section",
        icon=_icon(w, "go-bottom", SP.SP_MediaSkipForward), name="last_section",
    )
    a.prev_change = add_action(
        w, "Previous C&hange", on.prev_change, "F7", tip="Previous single change",
        icon=_arrow_icon(w, "go-previous", "left"), name="prev_change",
    )
    a.next_change = add_action(
        w, "Next &Change", on.next_change, "F8", tip="Next single change",
        icon=_arrow_icon(w, "go-next", "right"), name="next_change",
    )
    # Options (the ignore options are defined once, in present.py)
    from policydiff.core.present import OPTIONS

    for spec in OPTIONS:
        setattr(a, spec.attr, add_action(w, spec.menu, on.options_toggled, checkable=True, tip=spec.tip, name=spec.attr))
    a.colorblind = add_action(w, "Colour-&blind Safe Colours", on.set_colorblind, checkable=True,
                              tip="Orange deletions and blue insertions instead of red and green", name="colorblind")
    # Compare (alignment)
    a.pair_with = add_action(w, "&Pair With…", on.pair_with, tip="Pair the selected section with another one", name="pair_with")
    a.unpair = add_action(w, "&Unpair", on.unpair, tip="Show the selected pair as a removal and an addition", name="unpair")
    a.undo_alignment = add_action(w, "&Undo Alignment Change", on.undo_alignment, Key.Undo, "Ctrl+Z",
                                  tip="Undo the last pairing change", name="undo_alignment")
    a.redo_alignment = add_action(w, "&Redo Alignment Change", on.redo_alignment, "Ctrl+Shift+Z", Key.Redo,
                                  tip="Redo the pairing change just undone", name="redo_alignment")
    a.reset_alignment = add_action(w, "&Reset Alignment", on.reset_alignment,
                                   tip="Forget manual pairings and use the automatic alignment", name="reset_alignment")
    # Help
    a.shortcuts = add_action(w, "&Keyboard Shortcuts", on.show_shortcuts, Key.HelpContents, "F1",
                             tip="Every keyboard shortcut of the window", name="shortcuts")
    a.about = add_action(w, "&About policydiff", on.show_about, name="about")
    return a


def recent_action(menu: QWidget, text: str, slot: Callable[[], object], tip: str = "") -> QAction:
    """An entry of the Open Recent menu (made here too, like every action)."""
    return add_action(menu, text, slot, tip=tip)


def all_actions(actions: SimpleNamespace) -> list[QAction]:
    return [v for v in vars(actions).values() if isinstance(v, QAction)]


def create_history_actions(w: QMainWindow, history: HistoryCommands) -> SimpleNamespace:
    """The actions of a version history (``policydiff --history``): stepping, since-when, a section's history."""
    a = SimpleNamespace()
    a.next_step = add_action(
        w, "&Newer Step", history.next_step, "Alt+Right", "Ctrl+Alt+Down",
        tip="Compare the next pair of consecutive versions", icon=_arrow_icon(w, "go-next", "right"), name="next_step",
    )
    a.prev_step = add_action(
        w, "&Older Step", history.prev_step, "Alt+Left", "Ctrl+Alt+Up",
        tip="Compare the previous pair of consecutive versions", icon=_arrow_icon(w, "go-previous", "left"),
        name="prev_step",
    )
    a.latest_step = add_action(w, "&Latest Change", history.latest_step, "Ctrl+Alt+End",
                               tip="Compare the newest version with the one before", name="latest_step")
    a.biggest_step = add_action(w, "&Biggest Change", history.biggest_step, "Ctrl+Alt+B",
                                tip="Compare the step that changed the most words", name="biggest_step")
    a.since_when = add_action(
        w, "&Since When", history.set_since_when, "Ctrl+Alt+W", checkable=True,
        tip="After each paragraph of the newer version, the version in which its wording first appeared",
        name="since_when",
    )
    a.section_history = add_action(w, "Section &History…", history.section_history, "Ctrl+Alt+H",
                                   tip="The versions in which the selected section changed", name="section_history")
    return a
