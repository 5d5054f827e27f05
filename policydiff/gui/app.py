"""Application start-up: ``run(old, new)`` creates the QApplication and the window.

Benchmark hook (documented, minimal): with the environment variable ``POLICYDIFF_EXIT_AFTER_PAINT``
set, the app prints ``policydiff: first comparison painted at <time.time()>`` to stderr as soon as
the first comparison has been painted, then quits. ``benchmarks/bench_gui.py`` uses it to time
start-up from process launch.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING
from importlib.resources import as_file, files

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from policydiff.gui import settings

if TYPE_CHECKING:
    from policydiff.gui.main_window import MainWindow

EXIT_AFTER_PAINT = "POLICYDIFF_EXIT_AFTER_PAINT"


def app_icon() -> QIcon:
    resource = files("policydiff.resources") / "policydiff.svg"
    with as_file(resource) as path:
        return QIcon(str(path))


def make_application(argv: list[str] | None = None) -> QApplication:
    found = QApplication.instance()
    app = found if isinstance(found, QApplication) else QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationName(settings.APPLICATION)
    app.setApplicationDisplayName("policydiff")
    app.setDesktopFileName("policydiff")
    app.setWindowIcon(app_icon())
    return app


def create_window(old: str | None, new: str | None) -> MainWindow:
    """The main window with the pair (or the NEC showcase) being opened."""
    from policydiff.gui.main_window import MainWindow

    window = MainWindow()
    if old and new:
        window.open_pair(old, new)
    elif old or new:
        window.open_side("old" if old else "new", old or new)  # type: ignore[arg-type]
    else:
        window.open_showcase()
    return window


def run(old: str | None, new: str | None) -> int:
    """Open ``old`` and ``new`` (both None: the NEC showcase), run the event loop, return its exit code."""
    app = make_application()
    return _show(app, create_window(old, new))


def _show(app: QApplication, window: MainWindow) -> int:
    """Show the window and run the event loop (with EXIT_AFTER_PAINT: quit once it painted)."""
    if os.environ.get(EXIT_AFTER_PAINT):
        def painted() -> None:
            print(f"policydiff: first comparison painted at {time.time():.6f}", file=sys.stderr, flush=True)
            QTimer.singleShot(0, app.quit)

        window.view.painted.connect(painted)
        window.load_failed.connect(lambda _msg: app.exit(2))
    window.show()
    return app.exec()


def run_history(paths: list[str]) -> int:
    """``policydiff --history PATH...``: read the history's list of versions (one line and status 2
    when it is not a history), then open the window on its latest change."""
    from policydiff.core.history import HistoryError, open_history

    try:
        history = open_history(paths)
    except HistoryError as error:
        print(f"policydiff: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    app = make_application()
    from policydiff.gui.main_window import MainWindow

    window = MainWindow()
    window.open_history(history)
    return _show(app, window)
