"""The main window: header, outline dock, diff view, menus, drag and drop, file watching."""

from __future__ import annotations

import dataclasses
import os
import traceback
from functools import partial
from pathlib import Path, PurePath

from PySide6.QtCore import QFileSystemWatcher, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QHideEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from policydiff.core import overrides as alignment_edits
from policydiff.core import present
from policydiff.core.invisible import visible_text
from policydiff.core.history import History
from policydiff.core.model import Comparison, Document, Options, Overrides
from policydiff.gui import dialogs, settings
from policydiff.gui.actions import create_actions, recent_action
from policydiff.gui.diff_view import INLINE, SIDE, Anchor, DiffView, pair_view, presented
from policydiff.gui.outline import Outline
from policydiff.gui.protocols import HistoryCommands
from policydiff.gui.workers import Comparer, Job

TEXT_SIZES = (8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 16.0, 18.0, 20.0, 24.0)
"""Text sizes (points) the zoom actions step through."""

APP_TITLE = "policydiff"
COMPARING = "Comparing\u2026"
"""The status note while a comparison runs; cleared when its result is on screen."""


def _plain_label(text: str = "", *, bold: bool = False, muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # document titles are never rich text
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    if bold:
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        label.setFont(font)
    if muted:
        label.setForegroundRole(label.foregroundRole())
        label.setEnabled(True)
        pal = label.palette()
        pal.setColor(label.foregroundRole(), pal.color(pal.ColorGroup.Disabled, pal.ColorRole.WindowText))
        label.setPalette(pal)
    return label


def describe(doc: Document) -> str:
    parts = [doc.title or "(no title)"]
    if doc.date:
        parts.append(doc.date)
    return visible_text(" \u00b7 ".join(parts))  # a bidi override in a title must not reorder the label


def _folder_tail(folder: PurePath, parts: int = 2) -> str:
    """The last ``parts`` names of a folder (``WeChat/Privacy Policy``): enough to tell it apart."""
    names = [name for name in folder.parts if name not in ("/", "\\")][-parts:]
    return "/".join(names) or str(folder)


def recent_label(old: str, new: str) -> str:
    """A recent pair as the File menu lists it: the files with the folder they are in, so that
    versions named by date can be told apart (``Facebook/Privacy Policy: 2022-07-11.md → 2026-08-22.md``)."""
    o, n = PurePath(old), PurePath(new)
    if o.parent == n.parent:
        return visible_text(f"{_folder_tail(o.parent)}: {o.name}  \u2192  {n.name}")
    return visible_text(f"{_folder_tail(o.parent, 1)}/{o.name}  \u2192  {_folder_tail(n.parent, 1)}/{n.name}")


def summary_text(comparison: Comparison) -> str:
    """The header's summary line: present.py's counts, the words the outline's badges use."""
    views = presented.get(comparison)
    return present.summary_line(comparison, views if views is not None else
                                (pair_view(comparison, i) for i in range(len(comparison.pairs))))


class Header(QFrame):
    """Both documents' names, titles and dates, and the summary of the comparison."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 6, 12, 6)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(1)
        self.old_role = _plain_label("OLD", muted=True)
        self.new_role = _plain_label("NEW", muted=True)
        self.old_name = _plain_label(bold=True)
        self.new_name = _plain_label(bold=True)
        self.old_meta = _plain_label()
        self.new_meta = _plain_label()
        self.summary = _plain_label()
        self.summary.setWordWrap(True)
        grid.addWidget(self.old_role, 0, 0)
        grid.addWidget(self.new_role, 0, 1)
        grid.addWidget(self.old_name, 1, 0)
        grid.addWidget(self.new_name, 1, 1)
        grid.addWidget(self.old_meta, 2, 0)
        grid.addWidget(self.new_meta, 2, 1)
        grid.addWidget(self.summary, 3, 0, 1, 2)
        # Ignore options are remembered across launches: when any is on it is said here, with one
        # click to compare every difference again.
        self.ignoring = QWidget(self)
        ignoring_row = QHBoxLayout(self.ignoring)
        ignoring_row.setContentsMargins(0, 2, 0, 0)
        self.ignoring_label = _plain_label()
        self.ignoring_label.setWordWrap(True)
        font = self.ignoring_label.font()
        font.setBold(True)
        self.ignoring_label.setFont(font)
        self.clear_ignoring = QPushButton("Compare Every Difference")
        self.clear_ignoring.setToolTip("Turn every ignore option off and compare again")
        ignoring_row.addWidget(self.ignoring_label, 1)
        ignoring_row.addWidget(self.clear_ignoring)
        grid.addWidget(self.ignoring, 4, 0, 1, 2)
        self.ignoring.hide()
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        for label in (self.old_role, self.new_role):
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * 0.8)
            font.setLetterSpacing(font.SpacingType.PercentageSpacing, 110)
            label.setFont(font)

    def set_comparison(self, comparison: Comparison | None) -> None:
        if comparison is None:
            for label in (self.old_name, self.new_name, self.old_meta, self.new_meta, self.summary):
                label.setText("")
            self.ignoring.hide()
            return
        for doc, name, meta in ((comparison.old, self.old_name, self.old_meta), (comparison.new, self.new_name, self.new_meta)):
            name.setText(visible_text(doc.name))
            name.setToolTip(visible_text(doc.path or doc.name))
            meta.setText(describe(doc))
            meta.setToolTip(describe(doc) + (f"\nSource: {visible_text(doc.source)}" if doc.source else ""))
        self.summary.setText(summary_text(comparison))
        ignored = present.ignored_labels(comparison.options)
        self.ignoring.setVisible(bool(ignored))
        if ignored:
            self.ignoring_label.setText(f"Ignoring differences in {', '.join(ignored)} (Options menu, remembered)")


class ReloadBar(QFrame):
    """A non-modal notice that a shown file changed on disk, with Reload / Dismiss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        self.label = _plain_label()
        row.addWidget(self.label, 1)
        self.reload_button = QPushButton("Reload")
        self.dismiss_button = QPushButton("Dismiss")
        row.addWidget(self.reload_button)
        row.addWidget(self.dismiss_button)
        self.dismiss_button.clicked.connect(self.hide)
        self.paths: set[str] = set()
        self.hide()

    def notify(self, path: str) -> None:
        self.paths.add(path)
        names = ", ".join(sorted(Path(p).name for p in self.paths))
        self.label.setText(f"{names} changed on disk. Reload to compare the current text.")
        self.show()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        self.paths.clear()
        super().hideEvent(event)


class MainWindow(QMainWindow):
    comparison_shown = Signal(object)
    """A comparison is on screen (the view has been rebuilt for it)."""
    load_failed = Signal(str)
    """A file could not be opened; the message shown to the user."""
    report_saved = Signal(str)
    pdf_exported = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.comparison: Comparison | None = None
        self._showcase = False
        self._pending_message: str | None = None
        self._pending_anchor: Anchor | None = None
        self._pending_reason = ""
        self._lonely: dict[str, str] = {}
        self._edits = alignment_edits.EditHistory()
        """Alignment overrides before each edit (Ctrl+Z goes back to the last) and those undone."""
        self.history: HistoryCommands | None = None
        """The version history shown (``policydiff --history``): a gui.history.HistoryController."""

        self.comparer = Comparer(self)
        self.comparer.comparison_finished.connect(self._comparison_finished)
        self.comparer.comparison_failed.connect(self._comparison_failed)
        self.comparer.busy_changed.connect(self._update_busy)

        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.header = Header(central)
        self.reload_bar = ReloadBar(central)
        self.view = DiffView(central)
        column.addWidget(self.header)
        column.addWidget(self.reload_bar)
        column.addWidget(self.view, 1)
        self.setCentralWidget(central)
        self.view.rendered.connect(self._view_rendered)
        self.view.busy_changed.connect(self._update_busy)
        self.view.current_pair_changed.connect(self._current_pair_changed)
        self.view.navigation_changed.connect(self._update_navigation)

        self.outline = Outline(self)
        self.dock = QDockWidget("Outline", self)
        self.dock.setObjectName("outline_dock")
        self.dock.setWidget(self.outline)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.resizeDocks([self.dock], [400], Qt.Orientation.Horizontal)
        self.outline.pair_activated.connect(self._outline_activated)
        self.outline.view.selectionModel().currentChanged.connect(lambda *_: self._update_alignment_actions())

        self.acts = create_actions(self, self)
        a = self.acts
        self.outline.set_filter_action(a.changed_only)
        self.outline.context_actions = [a.pair_with, a.unpair, None, a.reset_alignment]
        self.reload_bar.reload_button.clicked.connect(a.reload.trigger)
        self.header.clear_ignoring.clicked.connect(self.clear_ignore_options)

        self._build_menus()
        self._build_toolbar()
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(140)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.setToolTip("Comparing…")
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)

        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed)

        self._load_preferences()
        self._restore_window()
        self._update_actions()

    # ------------------------------------------------------------------ construction

    def _build_menus(self) -> None:
        a = self.acts
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(a.open_pair)
        file_menu.addAction(a.open_old)
        file_menu.addAction(a.open_new)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(a.swap)
        file_menu.addAction(a.reload)
        file_menu.addSeparator()
        file_menu.addAction(a.save_report)
        file_menu.addAction(a.export_pdf)
        file_menu.addAction(a.print_)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(a.undo_alignment)
        edit_menu.addAction(a.redo_alignment)
        edit_menu.addSeparator()
        edit_menu.addAction(a.find)
        edit_menu.addAction(a.find_next)
        edit_menu.addAction(a.find_previous)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(a.layout_side)
        view_menu.addAction(a.layout_inline)
        view_menu.addSeparator()
        view_menu.addAction(a.zoom_in)
        view_menu.addAction(a.zoom_out)
        view_menu.addAction(a.zoom_reset)
        view_menu.addSeparator()
        view_menu.addAction(a.changed_only)
        view_menu.addAction(a.substantive_only)
        view_menu.addAction(self.dock.toggleViewAction())
        go_menu = bar.addMenu("&Go")
        for action in (a.next_section, a.prev_section, a.first_section, a.last_section):
            go_menu.addAction(action)
        go_menu.addSeparator()
        go_menu.addAction(a.next_change)
        go_menu.addAction(a.prev_change)
        options_menu = bar.addMenu("&Options")
        for spec in present.OPTIONS:
            options_menu.addAction(getattr(a, spec.attr))
        options_menu.addSeparator()
        options_menu.addAction(a.colorblind)
        compare_menu = bar.addMenu("&Compare")
        compare_menu.addAction(a.pair_with)
        compare_menu.addAction(a.unpair)
        compare_menu.addSeparator()
        compare_menu.addAction(a.undo_alignment)
        compare_menu.addAction(a.redo_alignment)
        compare_menu.addSeparator()
        compare_menu.addAction(a.reset_alignment)
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.addAction(a.shortcuts)
        self.help_menu.addSeparator()
        self.help_menu.addAction(a.about)

    def _build_toolbar(self) -> None:
        a = self.acts
        tools = QToolBar("Main", self)
        tools.setObjectName("main_toolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.addAction(a.open_pair)
        tools.addAction(a.reload)
        tools.addAction(a.save_report)
        tools.addSeparator()
        for action in (a.prev_section, a.next_section):
            tools.addAction(action)
        tools.addSeparator()
        tools.addAction(a.prev_change)
        tools.addAction(a.next_change)
        tools.addSeparator()
        tools.addAction(a.layout_side)
        tools.addAction(a.layout_inline)
        for action, text in (
            (a.prev_section, "Previous Section"), (a.next_section, "Next Section"),
            (a.prev_change, "Previous Change"), (a.next_change, "Next Change"),
            (a.open_pair, "Open"), (a.save_report, "Save Report"),
        ):
            action.setIconText(text)
        self.addToolBar(tools)
        self.toolbar = tools

    def _load_preferences(self) -> None:
        a = self.acts
        layout = settings.layout()
        (a.layout_inline if layout == INLINE else a.layout_side).setChecked(True)
        self.view.layout_name = layout
        self.view.font_point_size = settings.value("view/text_size")
        opts = settings.options()
        for spec in present.OPTIONS:
            action = getattr(a, spec.attr)
            action.blockSignals(True)
            action.setChecked(getattr(opts, spec.attr))
            action.blockSignals(False)
        colorblind = settings.value("view/style") == "colorblind"
        a.colorblind.blockSignals(True)
        a.colorblind.setChecked(colorblind)
        a.colorblind.blockSignals(False)
        self.view.style_name = "colorblind" if colorblind else "standard"
        self.outline.delegate.style_name = self.view.style_name
        a.changed_only.setChecked(settings.value("view/changed_only"))

    def _restore_window(self) -> None:
        geometry, state = settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 860)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.history is not None:
            self.history.shutdown()
        settings.save_window_state(self.saveGeometry(), self.saveState())
        super().closeEvent(event)

    # ------------------------------------------------------------------ opening

    def options(self) -> Options:
        return present.options_from({spec.attr: getattr(self.acts, spec.attr).isChecked() for spec in present.OPTIONS})

    def _request(self, job: Job, *, message: str | None = None, anchor: Anchor | None = None) -> None:
        self._pending_message = message
        self._pending_anchor = anchor
        self._pending_reason = job.reason
        self.statusBar().showMessage(COMPARING)
        base = job.base
        ahead = base is not None and (job.options, job.overrides) == (base.options, base.overrides) \
            and self.view.has_prebuilt(base)  # its document is built already (a history's neighbour)
        self.comparer.request(dataclasses.replace(job, present=self.view.recipe(),
                                                  build=self.view.annotate is None and not ahead))

    def request(self, job: Job, *, message: str | None = None, anchor: Anchor | None = None) -> None:
        """Compare as ``job`` says, off the GUI thread (a history's steps come this way)."""
        self._request(job, message=message, anchor=anchor)

    def selected_pair(self) -> int | None:
        """The pair selected in the outline (else the one at the top of the view)."""
        return self._selected_pair()

    def open_pair(self, old: str | os.PathLike[str], new: str | os.PathLike[str], *, message: str | None = None,
                  showcase: bool = False) -> None:
        """Load both files and compare them (off the GUI thread)."""
        self._request(Job(old=str(old), new=str(new), options=self.options(), reason="showcase" if showcase else "open"),
                      message=message)

    def open_history(self, history: History) -> None:
        """Show a version history (a core.history.History): the timeline, and its latest change."""
        from policydiff.gui.history import attach_history

        attach_history(self, self, history)

    def open_showcase(self) -> None:
        from policydiff.core.corpus import showcase_pair

        old, new = showcase_pair()
        self.open_pair(old, new, showcase=True, message="Showing the NEC example: open your own pair with File \u203a Open Pair (Ctrl+O)")

    def open_side(self, side: str, path: str, *, message: str | None = None) -> None:
        """Replace one side, keeping the other document as it is."""
        c = self.comparison
        if c is None:
            self._lonely[side] = path
            other = "new" if side == "old" else "old"
            if other in self._lonely:
                self.open_pair(self._lonely["old"], self._lonely["new"], message=message)
                self._lonely.clear()
            else:
                name = Path(path).name
                self.statusBar().showMessage(f"{name} will be the {side} version: now open the {other} one")
                self.view.show_placeholder(
                    f"{name} will be the {side} version.\n\n"
                    f"Open the {other} version to compare it with: File \u203a Open {other.title()} Version\u2026, "
                    f"or drop a file on the {'right' if other == 'new' else 'left'} half of this window."
                )
            return
        old: Document | str = path if side == "old" else c.old
        new: Document | str = path if side == "new" else c.new
        self._request(Job(old=old, new=new, options=self.options(), reason="open"),
                      message=message or f"Opened {Path(path).name} as the {side} version")

    def _directory(self) -> str:
        return settings.value("files/last_dir") or str(Path.home())

    def _remember_directory(self, path: str) -> None:
        settings.set_value("files/last_dir", str(Path(path).parent))

    def choose_old(self) -> None:
        path = dialogs.get_open_path(self, "Open the Old Version", self._directory())
        if path:
            self._remember_directory(path)
            self.open_side("old", path)

    def choose_new(self) -> None:
        path = dialogs.get_open_path(self, "Open the New Version", self._directory())
        if path:
            self._remember_directory(path)
            self.open_side("new", path)

    def choose_pair(self) -> None:
        old = dialogs.get_open_path(self, "Open the Old Version (1 of 2)", self._directory())
        if not old:
            return
        self._remember_directory(old)
        new = dialogs.get_open_path(self, "Open the New Version (2 of 2)", self._directory())
        if not new:
            return
        self._remember_directory(new)
        self.open_pair(old, new)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        pairs = settings.recent_pairs()
        for old, new in pairs:
            action = recent_action(self.recent_menu, recent_label(old, new), partial(self.open_pair, old, new),
                                   tip=f"Old: {old}\nNew: {new}")
            action.setToolTip(f"Old: {old}\nNew: {new}")
            self.recent_menu.addAction(action)
        if not pairs:
            placeholder = recent_action(self.recent_menu, "No recent pairs", lambda: None)
            placeholder.setEnabled(False)
            self.recent_menu.addAction(placeholder)
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.acts.clear_recent)

    def clear_recent(self) -> None:
        settings.clear_recent_pairs()

    def swap_sides(self) -> None:
        c = self.comparison
        if c is None:
            return
        o = c.overrides
        swapped = Overrides(
            pairs=tuple((n, m) for m, n in o.pairs), unpaired_old=o.unpaired_new, unpaired_new=o.unpaired_old,
            unpaired_pairs=tuple((n, m) for m, n in o.unpaired_pairs),
        )
        self._request(Job(old=c.new, new=c.old, options=c.options, overrides=swapped, reason="swap"),
                      message=f"Swapped: {c.new.name} is now the old version")

    def reload(self) -> None:
        c = self.comparison
        if c is None or not c.old.path or not c.new.path:
            self.statusBar().showMessage("Nothing to reload")
            return
        self.reload_bar.hide()
        self._request(
            Job(old=c.old.path, new=c.new.path, options=c.options, overrides=c.overrides, reason="reload",
                expect=(c.old.sha256, c.new.sha256)),
            message="Reloaded both files", anchor=self.view.current_anchor(),
        )

    # ------------------------------------------------------------------ results

    def _comparison_finished(self, job: Job, comparison: Comparison) -> None:
        previous = self.comparison
        try:
            self._show_result(job, comparison, previous)
        except Exception as exc:  # noqa: BLE001 - a result the window cannot show: keep the previous one
            traceback.print_exc()
            self.comparison = previous
            if previous is not None:
                try:
                    self._show_result(Job(reason="restore"), previous, previous)
                except Exception:  # noqa: BLE001 - nothing more to fall back to
                    traceback.print_exc()
            self._comparison_failed(job, exc, comparison)

    def _show_result(self, job: Job, comparison: Comparison, previous: Comparison | None) -> None:
        self.comparison = comparison
        self.header.set_comparison(comparison)
        self.outline.set_comparison(comparison)
        self.outline.set_changed_only(self.acts.changed_only.isChecked())
        built, self.comparer.built = self.comparer.built, None
        if built is not None and built[0] is comparison:
            self.view.offer(*built)
        self.view.show_comparison(comparison, anchor=self._pending_anchor)
        self.setWindowTitle(
            visible_text(f"{comparison.old.name} \u2192 {comparison.new.name}") + f" \u2014 {APP_TITLE}")
        if job.reason in ("open", "swap", "reload", "showcase"):
            self._watch(comparison)
            self._edits.clear()
        if job.reason in ("open", "swap") and comparison.old.path and comparison.new.path:
            settings.add_recent_pair(comparison.old.path, comparison.new.path)
        if job.reason == "reload" and previous is not None and previous.overrides and not comparison.overrides:
            self._pending_message = "Reloaded: the files changed, so your manual pairings were reset"
        self._update_actions()

    def _view_rendered(self) -> None:
        if self.comparison is None:
            return
        message = self._pending_message
        self._pending_message = None
        if message:
            self.statusBar().showMessage(message, 8000)
        elif self.statusBar().currentMessage() == COMPARING:
            # Only our own progress note goes: a message shown while the view was being built
            # (e.g. "already at its smallest size" during a re-render) is newer and stays.
            self.statusBar().clearMessage()
        self._update_actions()
        self.comparison_shown.emit(self.comparison)

    @staticmethod
    def _job_files(job: Job, comparison: Comparison | None = None) -> str:
        """The files a job was about, for an error message: "old.md and new.md"."""
        names = []
        for side, doc in ((job.old, None), (job.new, None)):
            if side is None:
                continue
            if isinstance(side, Document):
                names.append(side.name)
            elif isinstance(side, (str, os.PathLike)):
                names.append(Path(os.fspath(side)).name)
            else:  # a source that loads itself (a version of a history) and knows its name
                names.append(str(getattr(side, "name", side)))
        base = comparison or job.base
        if not names and base is not None:
            names = [base.old.name, base.new.name]
        return " and ".join(f"\u201c{name}\u201d" for name in names) or "the files"

    def _comparison_failed(self, job: Job, exc: BaseException, comparison: Comparison | None = None) -> None:
        from policydiff.core.load import LoadError

        self._pending_message = None
        if isinstance(exc, LoadError):
            title = "Cannot open file"
            text = f"Cannot open \u201c{Path(exc.path).name}\u201d: {exc.reason}.\n\n{exc.path}"
        elif isinstance(exc, OSError):
            title = "Cannot open file"
            name = f"\u201c{Path(os.fspath(exc.filename)).name}\u201d" if exc.filename else self._job_files(job, comparison)
            text = f"Cannot open {name}: {exc.strerror or exc}."
        else:
            title = "Comparison failed"
            detail = str(exc).strip()
            text = (f"Cannot compare {self._job_files(job, comparison)}: "
                    f"{type(exc).__name__}{': ' + detail if detail else ''}.")
        kept = " The previous comparison is still shown." if self.comparison is not None else ""
        self.statusBar().showMessage(text.split("\n")[0] + kept, 10000)
        dialogs.show_error(self, title, text + ("\n\n" + kept.strip() if kept else ""))
        self.load_failed.emit(text)

    def _watch(self, comparison: Comparison) -> None:
        files = self.watcher.files()
        if files:
            self.watcher.removePaths(files)
        for doc in (comparison.old, comparison.new):
            if doc.path and os.path.exists(doc.path):
                self.watcher.addPath(doc.path)

    def _file_changed(self, path: str) -> None:
        c = self.comparison
        if c is None or path not in (c.old.path, c.new.path):
            return
        if os.path.exists(path) and path not in self.watcher.files():
            self.watcher.addPath(path)  # editors that save by renaming drop the watch
        self.reload_bar.notify(path)

    def _update_busy(self, _busy: bool = False) -> None:
        busy = self.comparer.busy or self.view.building
        self.busy.setVisible(busy)
        if busy:
            self.view.browser.viewport().setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.view.browser.viewport().unsetCursor()

    # ------------------------------------------------------------------ view

    def set_layout(self, name: str) -> None:
        if name not in (SIDE, INLINE):
            return
        settings.set_layout(name)
        (self.acts.layout_side if name == SIDE else self.acts.layout_inline).setChecked(True)
        if self.view.layout_name != name:
            self.view.layout_name = name
            if self.comparison is not None:
                self._pending_message = "Side by side" if name == SIDE else "Inline redline"
                self.view.show_comparison(self.comparison, layout=name, anchor=self.view.current_anchor())

    def zoom(self, step: int) -> None:
        """Text one size larger (+1), smaller (-1) or back to normal (0); remembered."""
        sizes = TEXT_SIZES
        current = self.view.font_point_size
        if step == 0:
            size = settings.DEFAULTS["view/text_size"]
        else:
            nearest = min(range(len(sizes)), key=lambda k: abs(sizes[k] - current))
            size = sizes[max(0, min(len(sizes) - 1, nearest + step))]
        if size == current:
            limit = {1: "largest", -1: "smallest", 0: "normal"}[step]
            self.statusBar().showMessage(f"The text is already at its {limit} size", 3000)
            return
        self.view.font_point_size = size
        settings.set_value("view/text_size", size)
        self.statusBar().showMessage(f"Text size {size:g} pt", 3000)
        self.view.rerender()

    def set_colorblind(self, on: bool) -> None:
        """Orange / blue instead of red / green, in the view and the outline (remembered)."""
        style = "colorblind" if on else "standard"
        settings.set_value("view/style", style)
        self.view.style_name = style
        self.outline.delegate.style_name = style
        self.outline.view.viewport().update()
        self.view.rerender()

    def set_substantive_only(self, on: bool) -> None:
        """The outline keeps the sections with a substantive change; F7 / F8 stop only at those changes."""
        self.outline.proxy.set_substantive_only(bool(on))
        self.view.substantive_only = bool(on)
        self.view.change_index = None
        self._update_navigation()

    def set_changed_only(self, on: bool) -> None:
        settings.set_value("view/changed_only", bool(on))
        self.outline.set_changed_only(bool(on))
        self.outline.select_pair(self.view.current)

    def options_toggled(self, _on: bool = False) -> None:
        options = self.options()
        settings.set_options(options)
        if self.comparison is None or options == self.comparison.options:
            return
        self._request(Job(base=self.comparison, options=options, overrides=self.comparison.overrides, reason="options"),
                      message="Compared again with the new options", anchor=self.view.current_anchor())

    def clear_ignore_options(self) -> None:
        """Every ignore option off (one click in the header), then compare again."""
        for spec in present.OPTIONS:
            action = getattr(self.acts, spec.attr)
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)
        self.options_toggled()

    def show_find(self) -> None:
        self.view.show_find()

    def find_next(self) -> None:
        self.view.find_next()

    def find_previous(self) -> None:
        self.view.find_previous()

    # ------------------------------------------------------------------ navigation

    def _outline_activated(self, index: int) -> None:
        self.view.go_to_pair(index)

    def _current_pair_changed(self, index: int) -> None:
        self.outline.select_pair(index)
        self._update_alignment_actions()

    def _say(self, text: str) -> None:
        self.statusBar().showMessage(text, 5000)

    def next_section(self) -> None:
        target = self.view.next_changed()
        if target is None:
            self._say("No changed section after this one")
            return self._update_navigation()
        self.view.go_to_pair(target)
        if self.view.next_changed() is None:
            self._say("Last changed section")

    def prev_section(self) -> None:
        target = self.view.previous_changed()
        if target is None:
            self._say("No changed section before this one")
            return self._update_navigation()
        self.view.go_to_pair(target)
        if self.view.previous_changed() is None:
            self._say("First changed section")

    def first_section(self) -> None:
        changed = self.view.changed_pairs()
        if changed:
            self.view.go_to_pair(changed[0])
            self._say("First changed section")

    def last_section(self) -> None:
        changed = self.view.changed_pairs()
        if changed:
            self.view.go_to_pair(changed[-1])
            self._say("Last changed section")

    def next_change(self) -> None:
        k = self.view.next_change_index()
        if k is None:
            self._say("No change after this one")
            return self._update_navigation()
        self.view.go_to_change(k)
        self._say(self._change_message(k) + (" \u2014 the last one" if self.view.next_change_index() is None else ""))

    def prev_change(self) -> None:
        k = self.view.previous_change_index()
        if k is None:
            self._say("No change before this one")
            return self._update_navigation()
        self.view.go_to_change(k)
        self._say(self._change_message(k) + (" \u2014 the first one" if self.view.previous_change_index() is None else ""))

    def _change_message(self, k: int) -> str:
        """``Change 3 of 120: deleted “a”, inserted “b”`` (the highlighted change)."""
        total = len(self.view.rendering.changes) if self.view.rendering else 0
        name = self.view.change_name(k)
        return f"Change {k + 1} of {total}" + (f": {name}" if name else "")

    def _update_navigation(self) -> None:
        a = self.acts
        ready = self.comparison is not None and self.view.rendering is not None
        changed = self.view.changed_pairs() if ready else []
        a.next_section.setEnabled(ready and self.view.next_changed() is not None)
        a.prev_section.setEnabled(ready and self.view.previous_changed() is not None)
        a.first_section.setEnabled(bool(changed) and self.view.current != changed[0])
        a.last_section.setEnabled(bool(changed) and self.view.current != changed[-1])
        a.next_change.setEnabled(ready and self.view.next_change_index() is not None)
        a.prev_change.setEnabled(ready and self.view.previous_change_index() is not None)

    def _update_actions(self) -> None:
        a = self.acts
        have = self.comparison is not None
        for action in (a.swap, a.save_report, a.export_pdf, a.print_, a.find, a.find_next, a.find_previous):
            action.setEnabled(have)
        c = self.comparison
        a.reload.setEnabled(c is not None and bool(c.old.path and c.new.path))
        self._update_navigation()
        self._update_alignment_actions()

    # ------------------------------------------------------------------ alignment

    def _selected_pair(self) -> int | None:
        if self.comparison is None:
            return None
        index = self.outline.current_pair()
        if index is None:
            index = self.view.current
        return index if 0 <= index < len(self.comparison.pairs) else None

    def _update_alignment_actions(self) -> None:
        a = self.acts
        index = self._selected_pair()
        pair = self.comparison.pairs[index] if index is not None and self.comparison is not None else None
        a.pair_with.setEnabled(pair is not None)
        a.unpair.setEnabled(pair is not None and pair.old is not None and pair.new is not None)
        a.reset_alignment.setEnabled(self.comparison is not None and bool(self.comparison.overrides))
        a.undo_alignment.setEnabled(self.comparison is not None and self._edits.can_undo)
        a.redo_alignment.setEnabled(self.comparison is not None and self._edits.can_redo)

    def _realign(self, overrides: Overrides, anchor: Anchor, message: str, *, record: bool = True) -> None:
        assert self.comparison is not None
        if record:  # a new edit: it can be undone, and what was undone before cannot be redone
            self._edits.record(self.comparison.overrides)
        self._request(Job(base=self.comparison, options=self.comparison.options, overrides=overrides, reason="align"),
                      message=message, anchor=anchor)
        self._update_alignment_actions()

    def undo_alignment(self) -> None:
        """Back to the pairing before the last Pair With, Unpair or Reset (Ctrl+Z)."""
        overrides = self._edits.undo(self.comparison.overrides) if self.comparison is not None else None
        if overrides is None:
            return
        self._realign(overrides, self.view.current_anchor() or (None, None, 0), "Undone: alignment change",
                      record=False)

    def redo_alignment(self) -> None:
        """The alignment change just undone, again (Ctrl+Shift+Z)."""
        overrides = self._edits.redo(self.comparison.overrides) if self.comparison is not None else None
        if overrides is None:
            return
        self._realign(overrides, self.view.current_anchor() or (None, None, 0), "Redone: alignment change",
                      record=False)

    def pair_with(self) -> None:
        index = self._selected_pair()
        if index is None or self.comparison is None:
            return
        offer = alignment_edits.partner_choices(self.comparison, index)
        labels = [(choice.title, 1, choice.note, choice.index) for choice in offer.choices]
        chosen = dialogs.choose_section(self, "Pair With", offer.prompt, labels, offer.current)
        if chosen is None:
            return
        pair = self.comparison.pairs[index]
        o, n = (pair.old_index, chosen) if offer.from_old else (chosen, pair.new_index)
        assert o is not None and n is not None
        edit = alignment_edits.pair_with(self.comparison, o, n)
        self._realign(edit.overrides, (o, n, 0), edit.message)

    def unpair(self) -> None:
        index = self._selected_pair()
        if index is None or self.comparison is None:
            return
        edit = alignment_edits.unpair(self.comparison, index)
        if edit is not None:
            self._realign(edit.overrides, (edit.old_index, edit.new_index, 0), edit.message)

    def reset_alignment(self) -> None:
        if self.comparison is None or not self.comparison.overrides:
            return
        self._realign(Overrides(), self.view.current_anchor() or (None, None, 0), "Automatic alignment restored")

    # ------------------------------------------------------------------ saving

    def save_report(self) -> None:
        from policydiff.core.report import default_report_name, render_report, save_report

        c = self.comparison
        if c is None:
            return
        suggested = os.path.join(self._directory(), default_report_name(c))
        style = settings.value("report/style")
        path, style = dialogs.get_report_path(self, "Save Report", suggested, style)
        if not path:
            return
        settings.set_value("report/style", style)
        self._remember_directory(path)
        try:
            html = render_report(c, layout="inline" if self.view.layout_name == INLINE else "side-by-side", changed_only=self.acts.changed_only.isChecked(),
                                 style=style)
            # The dialog has already asked about overwriting; an input, a folder or a device is
            # refused all the same (ReportTargetError).
            save_report(path, html, overwrite=True, inputs=(c.old.path, c.new.path))
        except Exception as exc:  # noqa: BLE001 - OSError, or a bug: a dialog either way, never a crash
            reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
            dialogs.show_error(self, "Cannot save report", f"Cannot save \u201c{Path(path).name}\u201d: {reason}.\n\n{path}")
            return
        self._say(f"Saved report to {path}")
        self.report_saved.emit(path)

    def _print_style(self) -> str:
        return settings.value("report/style") or self.view.style_name

    def export_pdf(self) -> None:
        """File > Export PDF…: the comparison as an A4 PDF, laid out as the printed report."""
        from policydiff.core.report import default_report_name
        from policydiff.gui.printing import export_pdf

        c = self.comparison
        if c is None:
            return
        suggested = os.path.join(self._directory(), str(Path(default_report_name(c)).with_suffix(".pdf")))
        path = dialogs.get_pdf_path(self, "Export PDF", suggested)
        if not path:
            return
        self._remember_directory(path)
        try:
            export_pdf(path, c, self.view.layout_name, self._print_style())
        except Exception as exc:  # noqa: BLE001 - OSError, a refused target, or a bug: a dialog, never a crash
            reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
            dialogs.show_error(self, "Cannot export PDF", f"Cannot save \u201c{Path(path).name}\u201d: {reason}.\n\n{path}")
            return
        self._say(f"Exported PDF to {path}")
        self.pdf_exported.emit(path)

    def print_comparison(self) -> None:
        """File > Print…: the system's print dialog, then the comparison in the report's layout."""
        from policydiff.gui.printing import a4_printer, print_comparison

        c = self.comparison
        if c is None:
            return
        printer = a4_printer()
        if not dialogs.ask_print(self, printer):
            return
        print_comparison(printer, c, self.view.layout_name, self._print_style())
        self._say("Sent the comparison to the printer")

    def show_shortcuts(self) -> None:
        """Help > Keyboard Shortcuts: every action's keys, by menu (generated from the actions)."""
        from policydiff.gui.shortcuts import shortcut_table

        dialogs.show_text(self, "Keyboard Shortcuts", shortcut_table(self))

    def show_about(self) -> None:
        import policydiff

        dialogs.show_about(
            self,
            f"policydiff {getattr(policydiff, '__version__', '')}\n\n"
            "Compares two versions of a privacy policy section by section and word by word.\n"
            "Deletions are struck through, insertions underlined.",
        )

    # ------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if len(paths) == 2:
            def mtime(p: str) -> float:
                try:
                    return os.path.getmtime(p)
                except OSError:
                    return 0.0

            old, new = sorted(paths, key=mtime)
            self.open_pair(
                old, new,
                message=f"Opened {Path(old).name} as old and {Path(new).name} as new (the older file is the old version)",
            )
        elif len(paths) == 1:
            point = self.view.mapFrom(self, event.position().toPoint())
            side = "old" if point.x() < self.view.width() / 2 else "new"
            self.open_side(side, paths[0], message=f"Opened {Path(paths[0]).name} as the {side} version")
        else:
            self._say("Drop one file (to replace the old or new side) or two files (old and new)")
            event.ignore()
            return
        event.acceptProposedAction()
