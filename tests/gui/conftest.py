"""GUI test fixtures: offscreen Qt, settings in a temporary folder, dialogs replaced."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from PySide6.QtCore import QSettings  # noqa: E402

from policydiff.gui import dialogs, settings  # noqa: E402

from gui_helpers import open_and_wait  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch):
    """Every test gets its own empty settings folder; nothing touches the user's settings."""
    folder = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    settings.reset()
    yield folder
    settings.reset()


@pytest.fixture
def errors(monkeypatch):
    """Error dialogs recorded instead of shown: a list of (title, text)."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: shown.append((title, text)))
    return shown


@pytest.fixture
def window(qtbot, errors):
    from policydiff.gui.app import make_application
    from policydiff.gui.main_window import MainWindow

    make_application()
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    yield w
    w.comparer.cancel()


@pytest.fixture
def open_pair(qtbot):
    """open_pair(window, old, new): open and wait until the comparison is on screen."""
    return lambda w, old, new: open_and_wait(qtbot, w, old, new)


@pytest.fixture
def nec(qtbot, window):
    """The window showing the NEC showcase pair."""
    from policydiff.core.corpus import showcase_pair

    old, new = showcase_pair()
    open_and_wait(qtbot, window, old, new)
    return window


