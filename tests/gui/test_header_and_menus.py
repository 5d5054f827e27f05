"""The header says when ignore options are on (one click clears them); the menus' order; the
keyboard shortcut list; recent pairs named by folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gui_helpers import WAIT_MS, write  # noqa: E402
from policydiff.gui import dialogs, settings  # noqa: E402
from policydiff.gui.main_window import recent_label  # noqa: E402


def test_recent_label_names_the_folder_of_date_named_versions():
    label = recent_label("/data/Facebook/Privacy Policy/2022-07-11.md", "/data/Facebook/Privacy Policy/2026-08-22.md")
    assert label == "Facebook/Privacy Policy: 2022-07-11.md  \u2192  2026-08-22.md"
    other = recent_label("/data/Instagram/Privacy Policy/2022-07-11.md", "/data/Instagram/Privacy Policy/2026-08-22.md")
    assert other != label
    apart = recent_label("/a/old/policy.md", "/b/new/policy.md")
    assert apart == "old/policy.md  \u2192  new/policy.md"


def test_remembered_ignore_options_show_in_the_header_and_clear_in_one_click(qtbot, errors, tmp_path):
    from policydiff.core.model import Options
    from policydiff.gui.app import make_application
    from policydiff.gui.main_window import MainWindow

    settings.set_options(Options(ignore_case=True, ignore_numbering=True))  # a previous launch's choice
    make_application()
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    old = write(tmp_path / "old.md", "# P\n\n## A\n\nWe Keep your data.\n")
    new = write(tmp_path / "new.md", "# P\n\n## A\n\nWe keep your data.\n")
    with qtbot.waitSignal(w.comparison_shown, timeout=WAIT_MS):
        w.open_pair(str(old), str(new))
    assert w.header.ignoring.isVisible()
    assert "case" in w.header.ignoring_label.text() and "numbering" in w.header.ignoring_label.text()
    with qtbot.waitSignal(w.comparison_shown, timeout=WAIT_MS):
        w.header.clear_ignoring.click()
    assert not w.header.ignoring.isVisible()
    assert w.comparison.options == Options()
    assert not w.acts.ignore_case.isChecked()
    assert settings.options() == Options()
    assert w.comparison.stats.words.words_inserted == 1
    w.comparer.cancel()


def test_history_menu_comes_before_help(qtbot, window, tmp_path):
    import shutil
    from pathlib import Path

    from policydiff.core.history import open_history

    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[-1] == "Help"
    folder = tmp_path / "versions"
    shutil.copytree(Path(__file__).parents[1] / "core" / "fixtures" / "history" / "bluesky-privacy-policy", folder)
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        window.open_history(open_history([folder]))
    try:
        titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
        assert titles[-2:] == ["History", "Help"]
    finally:
        window.history.shutdown()


def test_help_lists_every_keyboard_shortcut(nec, monkeypatch):
    shown = []
    monkeypatch.setattr(dialogs, "show_text", lambda parent, title, text: shown.append((title, text)))
    help_menu = next(a.menu() for a in nec.menuBar().actions() if a.text().replace("&", "") == "Help")
    entry = next(a for a in help_menu.actions() if "Keyboard Shortcuts" in a.text())
    entry.trigger()
    assert shown and shown[0][0] == "Keyboard Shortcuts"
    text = shown[0][1]
    # Generated from the actions: every action with a shortcut is listed with its keys.
    from PySide6.QtGui import QKeySequence

    for action in nec.actions():
        if not action.shortcuts() or not action.text():
            continue
        name = action.text().replace("&", "").rstrip("…").strip()
        keys = action.shortcuts()[0].toString(QKeySequence.SequenceFormat.NativeText)
        line = next((ln for ln in text.splitlines() if ln.strip().startswith(name + "  ")), None)
        assert line is not None, name
        assert keys in line, (name, keys, line)
    assert "F8" in text and "Alt+Down" in text
