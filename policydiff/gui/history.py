"""The window on a version history: the timeline dock, stepping through consecutive versions, the
"since when" notes on paragraphs and a section's history.

Attached to a :class:`~policydiff.gui.main_window.MainWindow` by :func:`attach_history`; the window
keeps doing what it does for two files (outline, diff, options, report). Comparisons are cached on
the :class:`~policydiff.core.history.History`, and the neighbouring steps are compared in the
background while the current one is read, so stepping shows an already computed comparison.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, SignalInstance
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from policydiff.core.history import History, HistoryError, SinceIndex, _ChunkResult, reader_pool
from policydiff.core.invisible import visible_text
from policydiff.core.model import Comparison, Document, Options
from policydiff.core.worddiff import count_words
from policydiff.gui import dialogs
from policydiff.gui.diff_view import build_rendering, presented
from policydiff.gui.protocols import HistoryHost
from policydiff.gui.timeline import Timeline
from policydiff.gui.workers import Job


class VersionSource:
    """A version of a history as a comparison job's side: loaded (cached) in the worker thread."""

    def __init__(self, history: History, index: int) -> None:
        self.history = history
        self.index = index
        self.name = history.describe(index)

    def load_document(self) -> Document:
        return self.history.document(self.index)

    def __fspath__(self) -> str:  # error messages name it like a file
        return self.name


class _Relay(QObject):
    prebuilt = Signal()
    """A neighbour's document, built in the prefetch thread, is offered to the view."""
    progress = Signal(int, int)
    index_ready = Signal(object)
    index_failed = Signal(str)
    counted = Signal(object)
    """A run of consecutive steps counted in the background: (first version, words, steps, options)."""


class HistoryController(QObject):
    """Everything the window does for a history."""

    pair_shown = Signal(int, int)
    """(old, new) versions now on screen."""
    since_ready = Signal()
    """The since-when index is built (the timeline shows every step's size)."""

    def __init__(self, window: QMainWindow, host: HistoryHost, history: History) -> None:
        super().__init__(window)
        self.qt = window
        """The window as a Qt main window: docks, menus, status bar, title."""
        self.window = host
        """The same window as policydiff's: its view, outline, comparison and requests."""
        self.history = history
        self.old = self.new = -1
        self.since: SinceIndex | None = None
        self._counted_options: Options | None = None
        self._counting: _StepCounter | None = None
        self._closed = False
        """The options the timeline's exact counts were made under."""
        self._since_wanted = False
        self._index_thread: threading.Thread | None = None
        self._relay = _Relay(self)
        self._relay.progress.connect(self._index_progress)
        self._relay.index_ready.connect(self._index_ready)
        self._relay.index_failed.connect(self._index_failed)
        self._relay.prebuilt.connect(self._prebuilt)
        self._relay.counted.connect(self._steps_counted)
        self._prefetch = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policydiff-prefetch")
        self._prefetching: list[Future[None]] = []
        self._readers: Executor | None = None
        """Worker processes that read the history for the since-when index, then count its steps
        (their inline parses remembered from the first pass serve the second); made on first use."""

        self.timeline = Timeline(history, window)
        self.timeline.pair_requested.connect(self.show_pair)
        self.dock = QDockWidget("History", window)
        self.dock.setObjectName("history_dock")
        self.dock.setWidget(self.timeline)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        window.resizeDocks([self.dock], [190], Qt.Orientation.Vertical)

        from policydiff.gui.actions import create_history_actions

        self.acts = create_history_actions(window, self)
        # Before Help, which stays the last menu.
        bar = window.menuBar()
        menu = QMenu("&History", bar)
        bar.insertMenu(host.help_menu.menuAction(), menu)
        for action in (self.acts.next_step, self.acts.prev_step, self.acts.latest_step, self.acts.biggest_step):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.acts.since_when)
        menu.addAction(self.acts.section_history)
        menu.addSeparator()
        menu.addAction(self.dock.toggleViewAction())
        host.outline.context_actions = list(host.outline.context_actions) + [None, self.acts.section_history]
        host.toolbar.addSeparator()
        for action, text in ((self.acts.prev_step, "Older"), (self.acts.next_step, "Newer")):
            action.setIconText(text)
            host.toolbar.addAction(action)
        self._after_paint: Comparison | None = None
        self._after_paint_timer = QTimer(self)  # in case no paint comes (the window hidden)
        self._after_paint_timer.setSingleShot(True)
        self._after_paint_timer.setInterval(500)
        self._after_paint_timer.timeout.connect(self._start_background_work)
        host.view.painted.connect(self._start_background_work)
        host.comparison_shown.connect(self._comparison_shown)
        host.view.browser.anchorClicked.connect(self._anchor_clicked)
        self._update_actions()

    # -- choosing the pair

    def show_pair(self, old: int, new: int, message: str | None = None) -> None:
        """Compare version ``old`` with version ``new`` (cached or prefetched: shown at once)."""
        n = len(self.history.versions)
        old, new = max(0, min(old, n - 1)), max(0, min(new, n - 1))
        if old == new:
            return
        if old > new:
            old, new = new, old
        self.old, self.new = old, new
        self.timeline.mark(old, new)
        self._update_actions()
        options = self.window.options()
        cached = self.history.cached_comparison(old, new, options)
        if cached is not None:
            job = Job(base=cached, options=options, reason="open")
        else:
            job = Job(old=VersionSource(self.history, old), new=VersionSource(self.history, new), options=options,
                      reason="open")
        self.window.request(job, message=message or self._pair_message(old, new))

    def _pair_message(self, old: int, new: int) -> str:
        v = self.history.versions
        step = "the change recorded" if new == old + 1 else f"{new - old} recorded changes"
        return f"Version {new + 1} of {len(v)}: {step} between {v[old].label} and {v[new].label}"

    def next_step(self) -> None:
        if self.new < len(self.history.versions) - 1:
            self.show_pair(self.new, self.new + 1)

    def prev_step(self) -> None:
        if self.old > 0:
            self.show_pair(self.old - 1, self.old)

    def latest_step(self) -> None:
        n = len(self.history.versions)
        self.show_pair(n - 2, n - 1)

    def biggest_step(self) -> None:
        i = self.timeline.biggest_step()
        if i is None:
            self.qt.statusBar().showMessage("The size of each step is known once the history has been read", 5000)
            self.build_since_index()
            return
        a, d = self.timeline.strip.sizes[i]
        count = f"+{a:,} \u2212{d:,} words" if i in self.timeline.exact else f"about +{a:,} \u2212{d:,} words"
        self.show_pair(i - 1, i, message=f"The biggest change in the history: {count}, {self.history.versions[i].label}")

    def _update_actions(self) -> None:
        n = len(self.history.versions)
        self.acts.next_step.setEnabled(0 <= self.new < n - 1)
        self.acts.prev_step.setEnabled(self.old > 0)

    # -- results

    def _comparison_shown(self, comparison: Comparison) -> None:
        h = self.history
        if not (0 <= self.old < len(h.versions) and comparison.old.name == h.describe(self.old)
                and comparison.new.name == h.describe(self.new)):
            return
        h.remember(self.old, self.new, comparison)
        self._show_exact_counts()
        v = h.versions
        self.qt.setWindowTitle(visible_text(
            f"{h.name}: {v[self.old].label} \u2192 {v[self.new].label}") + " \u2014 policydiff")
        self.pair_shown.emit(self.old, self.new)
        # Background work starts once the comparison is painted: a thread running Python meanwhile
        # takes the interpreter lock from every Python call the paint makes (slower by a third).
        self._after_paint = comparison
        self._after_paint_timer.start()

    def _start_background_work(self) -> None:
        comparison, self._after_paint = self._after_paint, None
        self._after_paint_timer.stop()
        if comparison is None or comparison is not self.window.comparison:
            return
        if self.since is None:  # read the history first (seconds); the neighbours after it, so the
            self.build_since_index()  # two threads do not share the interpreter lock meanwhile
        else:
            self._prefetch_neighbours(comparison)

    def _prebuilt(self) -> None:
        self.window.view.receive_offers()
        self._show_exact_counts()

    def _show_exact_counts(self) -> None:
        """Every step compared so far (shown or prefetched), under the current options, in the
        timeline by the comparison's own counts: the same numbers as the header and ``--json``."""
        options = self.window.options()
        if options != self._counted_options:
            self._counted_options = options
            self.timeline.forget_exact()
            if self.since is not None:
                self.timeline.set_sizes(self.since.step_words)
            self._start_counting()
        h = self.history
        for i in range(1, len(h.versions)):
            if i in self.timeline.exact:
                continue
            found = h.cached_comparison(i - 1, i, options)
            if found is not None:
                words = found.stats.words
                self.timeline.set_step(i, words.words_inserted, words.words_deleted)
                self.timeline.set_words({i - 1: _count_words(found.old), i: _count_words(found.new)}, exact=True)

    # -- every step's count, in the background

    def _start_counting(self) -> None:
        """Count every step not yet counted as ``--history --json`` does (the same function), in a
        process of its own, newest steps first; the timeline takes each run of steps as it comes."""
        self._stop_counting()
        if self._closed or self.since is None:
            return
        todo = [i for i in range(1, len(self.history.versions)) if i not in self.timeline.exact]
        if todo:
            self._counting = _StepCounter(self.history, self.window.options(), self._relay.counted,
                                          self._reader_pool())
            self._counting.start()

    def _stop_counting(self) -> None:
        if self._counting is not None:
            self._counting.stop()
            self._counting = None

    def _steps_counted(self, result: tuple[int, list[int], list[dict[str, object]], Options]) -> None:
        first, words, steps, options = result
        if self._closed or options != self.window.options():
            return
        for k, step in enumerate(steps):
            inserted, deleted = step["words_inserted"], step["words_deleted"]
            assert isinstance(inserted, int) and isinstance(deleted, int)
            self.timeline.set_step(first + k + 1, inserted, deleted)
            self.timeline.set_changes(first + k + 1, _int(step["changes_substantive"]), _strings(step["signals"]))
        self.timeline.set_words({first + k: w for k, w in enumerate(words)}, exact=True)
        self.acts.biggest_step.setEnabled(self.timeline.biggest_step() is not None)

    def _prefetch_neighbours(self, comparison: Comparison) -> None:
        """Compare the next and the previous step in the background (one thread), so that stepping
        finds them ready."""
        if self._closed:  # the window is closing: the reading of the history may still report back
            return
        for future in self._prefetching:
            future.cancel()
        options = comparison.options
        view = self.window.view
        recipe = view.recipe()
        notes = view.annotate is not None
        gui_thread = self.thread()
        relay = self._relay
        wanted = []
        if self.new < len(self.history.versions) - 1:
            wanted.append((self.new, self.new + 1))
        if self.old > 0:
            wanted.append((self.old - 1, self.old))
        history = self.history

        def work(i: int, j: int) -> None:
            try:
                comparison = history.comparison(i, j, options)
                presented.present(comparison, recipe.layout)
                # Stepping then only puts the document on screen.
                annotate = self.annotation_for(j) if notes else None
                view.offer(comparison, recipe.key, build_rendering(comparison, recipe, gui_thread, annotate))
                relay.prebuilt.emit()
            except Exception:  # noqa: BLE001 - it will fail again, visibly, when asked for
                pass

        self._prefetching = [self._prefetch.submit(work, i, j) for i, j in wanted
                             if (found := history.cached_comparison(i, j, options)) is None
                             or presented.get(found, recipe.layout) is None
                             or not view.has_prebuilt(found)]

    def shutdown(self) -> None:
        self._closed = True
        self._stop_counting()
        for future in self._prefetching:
            future.cancel()
        self._prefetch.shutdown(wait=False, cancel_futures=True)
        if self._readers is not None:
            self._readers.shutdown(wait=False, cancel_futures=True)

    def _reader_pool(self) -> Executor:
        if self._readers is None:
            self._readers = reader_pool(spawn=True)  # never forked: Qt's own threads would not follow
        return self._readers

    # -- since when

    def build_since_index(self) -> None:
        """Read every version once (in worker processes, watched by a thread, with progress) for the
        timeline's sizes and since-when; nothing is compared, so it is ready in seconds. Every
        step is counted afterwards (:meth:`_start_counting`)."""
        if self.since is not None or self._index_thread is not None:
            return
        relay, history, pool = self._relay, self.history, self._reader_pool()
        self.timeline.progress.show()

        def work() -> None:
            try:
                index = history.since_index(lambda done, total: relay.progress.emit(done, total), pool=pool)
            except HistoryError as error:
                _emit(relay.index_failed, str(error))
            except Exception as error:  # noqa: BLE001 - one line in the window, never a crash
                _emit(relay.index_failed, f"{history.name}: cannot read the history ({type(error).__name__}: {error})")
            else:
                _emit(relay.index_ready, index)

        self._index_thread = threading.Thread(target=work, name="policydiff-history-index", daemon=True)
        self._index_thread.start()

    def _index_progress(self, done: int, total: int) -> None:
        self.timeline.progress.setRange(0, total)
        self.timeline.progress.setValue(done)

    def _index_ready(self, index: SinceIndex) -> None:
        self.since = index
        # The index (every line of every version) lives as long as the window: out of the cycle
        # collector's sight, a full collection, which holds the interpreter lock whatever thread
        # runs it, no longer walks it (~100-250 ms of frozen window each time the prefetch
        # thread's comparisons triggered one, against ~50 ms after).
        gc.freeze()
        self.timeline.progress.hide()
        self.timeline.set_sizes(index.step_words)
        self.timeline.set_words(dict(enumerate(index.words)))
        self._show_exact_counts()
        if self._counting is None:
            self._start_counting()
        self.acts.biggest_step.setEnabled(self.timeline.biggest_step() is not None)
        self.since_ready.emit()
        if self.window.comparison is not None:
            self._prefetch_neighbours(self.window.comparison)
        if self._since_wanted:
            self._apply_since(True)

    def _index_failed(self, message: str) -> None:
        self.timeline.progress.hide()
        self.qt.statusBar().showMessage(message, 10000)

    def set_since_when(self, on: bool) -> None:
        """Show, after each paragraph of the newer version, the version its wording dates from."""
        self._since_wanted = bool(on)
        if on and self.since is None:
            self.qt.statusBar().showMessage("Reading every version to date each paragraph\u2026")
            self.build_since_index()
            return
        self._apply_since(bool(on))

    def _apply_since(self, on: bool) -> None:
        view = self.window.view
        view.annotate = self.annotation if on and self.since is not None else None
        view.rerender()
        if on and self.since is not None:
            self.qt.statusBar().showMessage(
                "Each paragraph of the newer version says since which version it reads as it does "
                "(click one to see that change)", 8000)

    def annotation(self, text: str) -> tuple[str, str, str] | None:
        """(label, tooltip, link) after a paragraph of the newer version, or None."""
        return self.annotation_for(self.new)(text)

    def annotation_for(self, new: int) -> Callable[[str], tuple[str, str, str] | None]:
        """The notes of a pair whose newer version is ``new``: what ``annotation`` gives once that
        pair is shown, callable from any thread (the index is only read)."""
        since = self.since
        return lambda text: self._note(since, new, text)

    def _note(self, since: SinceIndex | None, new: int, text: str) -> tuple[str, str, str] | None:
        if since is None:
            return None
        found = since.since(text)
        if found is None:
            return None
        k, exact = found
        v = self.history.versions[k]
        if k == 0:
            label = f"since\u00a0{v.date} (first\u00a0version)"
        elif k == new:
            label = "new\u00a0in\u00a0this\u00a0version"
        else:
            label = f"since\u00a0{v.date}"
        if not exact:
            label = label.replace("since\u00a0", "since\u00a0\u2248", 1)
        tip = (f"This wording first appears in version {k + 1} of {len(self.history.versions)}: {v.label}"
               + ("" if exact else " (dated by its newest sentence: the paragraph as a whole was assembled from lines)")
               + ("\nClick to compare that version with the one before." if k > 0 else ""))
        return label, tip, f"since:{k}"

    def _anchor_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("since:"):
            k = int(text.split(":", 1)[1])
            if k > 0:
                self.show_pair(k - 1, k, message=f"The change that introduced this wording: {self.history.versions[k].label}")

    def section_history(self) -> None:
        """The versions in which the selected section changed; pick one to compare it with the one before."""
        w = self.window
        index = w.selected_pair()
        if index is None or w.comparison is None:
            return
        pair = w.comparison.pairs[index]
        section = pair.new or pair.old
        if section is None:
            return
        if self.since is None:
            self.qt.statusBar().showMessage("Reading every version first\u2026 (ask again when the timeline is filled)", 6000)
            self.build_since_index()
            return
        upto = self.new if pair.new is not None else self.old
        title = section.title or ""
        events = self.since.section_history(title, upto) if title else []
        if not events:
            self.qt.statusBar().showMessage(f"No history found for \u201c{visible_text(title or 'the preamble')}\u201d "
                                      "(a section is followed by its title)", 6000)
            return
        words = {"appeared": "first appears", "changed": "changed", "gone": "title no longer found",
                 "back": "back again"}
        labels = [(self.history.versions[k].label, 1, words[what], k) for k, what in reversed(events)]
        chosen = dialogs.choose_section(
            self.qt, "Section History",
            f"\u201c{visible_text(title)}\u201d: the versions in which it changed, newest first "
            f"({len(events)}; followed by its title). Pick one to compare it with the version before:",
            labels, None)
        if chosen is not None and chosen > 0:
            self.show_pair(chosen - 1, chosen)


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _emit(signal: SignalInstance, value: object) -> None:
    try:
        signal.emit(value)
    except RuntimeError:  # the window went away while we worked
        pass


def attach_history(window: QMainWindow, host: HistoryHost, history: History) -> HistoryController:
    """Give ``window`` (``host``: the same window, as what a history drives) the timeline and
    history actions, and show the latest change."""
    controller = HistoryController(window, host, history)
    host.history = controller
    controller.latest_step()
    return controller


def _count_words(doc: Document) -> int:
    """A version's number of words as ``--history --json`` counts it (the words compared)."""
    return count_words(doc.reading) if doc.reading else sum(count_words(s.title) + count_words(s.body)
                                                             for s in doc.flat())


class _StepCounter:
    """Counts a history's steps in the reader pool's worker processes (spawned: the window's
    threads are not copied into them), a chain of consecutive versions at a time, newest first,
    with ``core.history``'s own step counter, so every count is the one ``--history --json``
    prints. One chain at a time: a core is left to the window."""

    CHAIN = 24
    """Versions per task: each is parsed once, and a run of steps that change no section is compared once."""

    def __init__(self, history: History, options: Options, counted: SignalInstance, pool: Executor) -> None:
        self.history = history
        self.options = options
        self.counted = counted
        self.pool = pool
        self._stopped = threading.Event()
        self._waiting: Future[_ChunkResult] | None = None
        self._thread = threading.Thread(target=self._run, name="policydiff-history-counts", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        waiting = self._waiting
        if waiting is not None:
            waiting.cancel()  # one already running is left to finish: its counts are not shown

    def _run(self) -> None:
        from policydiff.core.history import _chunk_job

        n = len(self.history.versions)
        ids = [v.id for v in self.history.versions]
        starts = list(range(0, n - 1, self.CHAIN - 1))
        try:
            for start in reversed(starts):
                if self._stopped.is_set():
                    return
                chain = list(range(start, min(start + self.CHAIN, n)))
                texts = [text for _i, text in self.history.texts(chain)]
                self._waiting = future = self.pool.submit(_chunk_job, ([ids[i] for i in chain], texts, self.options))
                counted = future.result()
                if self._stopped.is_set():
                    return
                _emit(self.counted, (start, counted.words, counted.steps, self.options))
        except Exception:  # noqa: BLE001 - the timeline keeps its estimates; stepping still counts each step
            return
