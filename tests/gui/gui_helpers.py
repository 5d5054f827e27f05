"""Helpers the window tests share (a module of its own: every test folder has a ``conftest``, so
importing ``conftest`` by name would find whichever was loaded first)."""

from __future__ import annotations

from pathlib import Path

WAIT_MS = 30_000


def open_and_wait(qtbot, w, old, new) -> None:
    with qtbot.waitSignal(w.comparison_shown, timeout=WAIT_MS):
        w.open_pair(str(old), str(new))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
