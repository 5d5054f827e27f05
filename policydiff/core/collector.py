"""Python's cycle collector, held back while the engine builds large object graphs.

Reading a document and comparing two make millions of objects that live until the work ends and
form no reference cycles; the collector's passes walk them all again and again (a quarter of the
time on a 5 MB text). Reference counting still frees memory as usual. Both helpers may be entered
from several threads at once: the first to enter changes the setting, the last to leave restores it.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

FIRST_GENERATION_THRESHOLD = 50_000
"""Allocations between collections of the youngest generation while comparing (Python's default:
700): on NEC x100 the default spends ~8 % of the time in collections."""

_lock = threading.Lock()
_pausing = 0
_was_enabled = True
_slowing = 0
_saved_thresholds: tuple[int, int, int] = (700, 10, 10)


@contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside (reading a document, a chunk of a version history)."""
    global _pausing, _was_enabled
    with _lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()


@contextmanager
def less_often() -> Iterator[None]:
    """Collections of the youngest generation far less often inside (a comparison)."""
    global _slowing, _saved_thresholds
    with _lock:
        if _slowing == 0:
            _saved_thresholds = gc.get_threshold()
            first, *older = _saved_thresholds
            gc.set_threshold(max(first, FIRST_GENERATION_THRESHOLD), *older)
        _slowing += 1
    try:
        yield
    finally:
        with _lock:
            _slowing -= 1
            if _slowing == 0:
                gc.set_threshold(*_saved_thresholds)
