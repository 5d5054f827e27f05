"""Comparisons computed off the GUI thread: a QRunnable per request, result by signal.

Each request gets a sequence number; a result whose number is not the latest is dropped, so a slow
comparison finishing after a newer one never replaces it.
"""

from __future__ import annotations

import os
import threading
import traceback
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, SignalInstance

from policydiff.core.model import Comparison, Document, Options, Overrides
from policydiff.gui.diff_view import Recipe, Rendering, build_rendering, presented

Source = Document | str | os.PathLike[str]


@dataclass(frozen=True)
class Job:
    """What to compute. ``old`` / ``new`` are loaded from disk when given as paths."""

    old: Source | None = None
    new: Source | None = None
    options: Options = Options()
    overrides: Overrides = Overrides()
    base: Comparison | None = None
    """Recompute from this comparison (with ``options`` / ``overrides``) instead of from scratch."""
    reason: str = "open"
    """Free text the window uses to decide how to present the result (open, options, align...)."""
    context: Any = None
    """Anything the requester wants back with the result."""
    present: Recipe | None = None
    """The diff view's recipe: the result is also presented for it (present.py's views, kept in
    ``diff_view.presented``) in the worker thread."""
    build: bool = False
    """With ``present``: the view's document is built in the worker thread too (not when the view
    adds notes it reads as it builds), so the window only puts it on screen."""
    expect: tuple[str, str] | None = None
    """(old sha256, new sha256) for which ``overrides`` were made: after a reload that changed a
    file, the overrides (indices into the old text) are dropped."""


def run_job(job: Job) -> Comparison:
    """Do the work of ``job`` (any thread). Raises LoadError for unreadable files."""
    from policydiff.core.compare import compare, with_options, with_overrides
    from policydiff.core.load import load_document

    if job.base is not None:
        result = job.base
        if job.options != result.options:
            result = with_options(result, job.options)
        if job.overrides != result.overrides:
            result = with_overrides(result, job.overrides)
        return result
    old, new = _document(job.old, load_document), _document(job.new, load_document)
    overrides = job.overrides
    if overrides and job.expect is not None and (old.sha256, new.sha256) != job.expect:
        overrides = Overrides()
    return compare(old, new, options=job.options, overrides=overrides)


def _document(source: Source | None, load_document: Callable[[str | os.PathLike[str]], Document]) -> Document:
    """A side of a job: a Document as is, a source that loads itself (a version of a history), or a path."""
    if isinstance(source, Document):
        return source
    loader = getattr(source, "load_document", None)
    if callable(loader):
        loaded: Document = loader()
        return loaded
    if source is None:
        raise ValueError("a comparison needs two documents")
    return load_document(source)


class _Relay(QObject):
    finished = Signal(int, object, object)  # sequence, job, comparison
    failed = Signal(int, object, object)  # sequence, job, exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.gui_thread = self.thread()
        self._lock = threading.Lock()
        self._built: dict[int, tuple[Comparison, tuple[object, ...], Rendering]] = {}

    def keep(self, sequence: int, built: tuple[Comparison, tuple[object, ...], Rendering] | None) -> None:
        """A document built in a worker, until the GUI thread takes it with its result."""
        if built is not None:
            with self._lock:
                self._built[sequence] = built

    def take(self, sequence: int) -> tuple[Comparison, tuple[object, ...], Rendering] | None:
        with self._lock:
            return self._built.pop(sequence, None)


class _CompareTask(QRunnable):
    def __init__(self, sequence: int, job: Job, relay: _Relay) -> None:
        super().__init__()
        self.sequence = sequence
        self.job = job
        self.relay = relay

    def run(self) -> None:
        try:
            result = run_job(self.job)
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the window
            if not _is_expected(exc):
                traceback.print_exc()
            self._emit(self.relay.failed, exc)
        else:
            recipe = self.job.present
            if recipe is not None:
                _present(result, recipe.layout)
                if self.job.build:
                    self.relay.keep(self.sequence, _build(result, recipe, self.relay.gui_thread))
            self._emit(self.relay.finished, result)

    def _emit(self, signal: SignalInstance, value: object) -> None:
        try:
            signal.emit(self.sequence, self.job, value)
        except RuntimeError:  # the window went away while we worked: nobody to tell
            pass


def _present(comparison: Comparison, layout: str) -> None:
    try:
        presented.present(comparison, layout)
    except Exception:  # noqa: BLE001 - the window presents it again, and reports what fails
        traceback.print_exc()


def _build(comparison: Comparison, recipe: Recipe, thread: QThread) -> tuple[Comparison, tuple[object, ...], Rendering] | None:
    try:
        return comparison, recipe.key, build_rendering(comparison, recipe, thread)
    except Exception:  # noqa: BLE001 - the window builds it again, and reports what fails
        traceback.print_exc()
        return None


def _is_expected(exc: BaseException) -> bool:
    from policydiff.core.load import LoadError

    return isinstance(exc, (LoadError, OSError))


class Comparer(QObject):
    """Starts comparison jobs on a thread pool and reports the latest one's outcome."""

    comparison_finished = Signal(object, object)
    """(job, comparison) of the latest request."""
    comparison_failed = Signal(object, object)
    """(job, exception) of the latest request."""
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._sequence = 0
        self._busy = False
        self.built: tuple[Comparison, tuple[object, ...], Rendering] | None = None
        """(comparison, recipe key, rendering) of the latest result, when its worker built the
        document: for the view to show as it is (see DiffView.offer)."""

    @property
    def busy(self) -> bool:
        return self._busy

    def request(self, job: Job) -> int:
        """Start ``job``; returns its sequence number. Earlier pending results become stale."""
        self._sequence += 1
        task = _CompareTask(self._sequence, job, self._relay)
        self._set_busy(True)
        self._pool.start(task)
        return self._sequence

    def cancel(self) -> None:
        """Make every pending result stale."""
        self._sequence += 1
        self._set_busy(False)

    def _on_finished(self, sequence: int, job: Job, result: Comparison) -> None:
        built = self._relay.take(sequence)
        if sequence != self._sequence:
            if built is not None:
                built[2].document.deleteLater()
            return
        self.built = built
        self._set_busy(False)
        self.comparison_finished.emit(job, result)

    def _on_failed(self, sequence: int, job: Job, exc: BaseException) -> None:
        if sequence != self._sequence:
            return
        self._set_busy(False)
        self.comparison_failed.emit(job, exc)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)
