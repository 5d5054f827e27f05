"""Opening files: drag and drop, bad files, reload on change, recent pairs, saving the report."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from policydiff.gui import dialogs, settings  # noqa: E402

WAIT_MS = 30_000
OLD = "# Terms\n\n## Data\n\nWe keep your name.\n\n## Contact\n\nWrite to us.\n"
NEW = "# Terms\n\n## Data\n\nWe keep your name and email.\n\n## Contact\n\nWrite to us by post.\n"


@pytest.fixture
def pair(tmp_path):
    old, new = tmp_path / "terms-2020.md", tmp_path / "terms-2024.md"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    os.utime(old, (1_600_000_000, 1_600_000_000))
    os.utime(new, (1_700_000_000, 1_700_000_000))
    return old, new


def _drop(w, paths, point: QPointF) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPointF(point).toPoint(), Qt.DropAction.CopyAction, mime, buttons, mods)
    QApplication.sendEvent(w, enter)
    assert enter.isAccepted()
    event = QDropEvent(point, Qt.DropAction.CopyAction, mime, buttons, mods)
    QApplication.sendEvent(w, event)
    assert event.isAccepted()


def test_two_dropped_files_open_older_as_old(qtbot, window, pair):
    old, new = pair
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        _drop(window, [new, old], QPointF(300, 300))  # dropped in the "wrong" order
    assert window.comparison.old.path == str(old)
    assert window.comparison.new.path == str(new)
    assert "older" in window.statusBar().currentMessage()
    assert settings.recent_pairs()[0] == (str(old), str(new))


def test_one_dropped_file_replaces_the_side_it_lands_on(qtbot, window, pair, tmp_path, open_pair):
    old, new = pair
    open_pair(window, old, new)
    other = tmp_path / "terms-2025.md"
    other.write_text(NEW.replace("post", "pigeon"), encoding="utf-8")
    view = window.view
    right = view.mapTo(window, view.rect().center())
    right.setX(right.x() + view.width() // 4)
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        _drop(window, [other], QPointF(right))
    assert window.comparison.new.path == str(other) and window.comparison.old.path == str(old)
    left = view.mapTo(window, view.rect().center())
    left.setX(left.x() - view.width() // 4)
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        _drop(window, [new], QPointF(left))
    assert window.comparison.old.path == str(new) and window.comparison.new.path == str(other)


def test_bad_file_shows_error_and_keeps_comparison(qtbot, nec, tmp_path, errors):
    before = nec.comparison
    bad = tmp_path / "policy.txt"
    bad.write_bytes(b"Privacy\x00\x00\x01\x02 policy" * 50)
    with qtbot.waitSignal(nec.load_failed, timeout=WAIT_MS):
        nec.open_side("new", str(bad))
    assert len(errors) == 1
    title, text = errors[0]
    assert "policy.txt" in text and "binary" in text
    assert nec.comparison is before
    assert nec.view.comparison is before
    assert nec.outline.model.rowCount() == len(before.pairs)
    with qtbot.waitSignal(nec.load_failed, timeout=WAIT_MS):
        nec.open_pair(str(tmp_path / "missing.md"), str(bad))
    assert "missing.md" in errors[1][1] and "no such file" in errors[1][1]
    assert nec.comparison is before


def test_changed_file_offers_reload(qtbot, window, pair, open_pair):
    old, new = pair
    open_pair(window, old, new)
    assert not window.reload_bar.isVisible()
    new.write_text(NEW + "\n## Cookies\n\nWe use none.\n", encoding="utf-8")
    qtbot.waitUntil(window.reload_bar.isVisible, timeout=WAIT_MS)
    assert "terms-2024.md" in window.reload_bar.label.text()
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        window.reload_bar.reload_button.click()
    assert any(p.new is not None and "Cookies" in p.new.title for p in window.comparison.pairs)
    assert not window.reload_bar.isVisible()


def test_reload_key_and_recent_menu(qtbot, window, pair, open_pair):
    old, new = pair
    open_pair(window, old, new)
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        window.acts.reload.trigger()
    window._fill_recent_menu()
    entries = [a for a in window.recent_menu.actions() if "terms-2020.md" in a.text()]
    assert entries
    # The folder is named (date-named versions of two documents can be told apart), and the tooltip
    # holds both full paths.
    assert entries[0].text().startswith(f"{old.parent.parent.name}/{old.parent.name}: terms-2020.md")
    assert str(old) in entries[0].toolTip() and str(new) in entries[0].toolTip()
    settings.reset()  # recent pairs survive a new settings object (a restart)
    assert settings.recent_pairs()[0] == (str(old), str(new))


def test_open_pair_dialogs(qtbot, window, pair, monkeypatch):
    old, new = pair
    answers = iter([str(old), str(new)])
    captions = []
    monkeypatch.setattr(dialogs, "get_open_path", lambda parent, caption, d: captions.append(caption) or next(answers))
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        window.acts.open_pair.trigger()
    assert "Old" in captions[0] and "New" in captions[1]
    assert window.comparison.old.path == str(old)


def test_save_report_writes_file(qtbot, nec, tmp_path, monkeypatch, errors):
    pytest.importorskip("policydiff.core.report")
    suggested = []
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    target.write_text("old content", encoding="utf-8")  # the dialog already confirmed overwriting

    def fake(parent, caption, name):
        suggested.append(name)
        return str(target)

    monkeypatch.setattr(dialogs, "get_report_path", lambda *args: (fake(*args[:3]), "standard"))
    with qtbot.waitSignal(nec.report_saved, timeout=WAIT_MS):
        nec.acts.save_report.trigger()
    assert os.path.basename(suggested[0]) == "nec-2002-vs-nec-2024.html"
    html = target.read_text(encoding="utf-8")
    assert "<html" in html.lower() and "NEC Group Introduction" in html
    assert not errors


def test_save_report_error_names_file_and_keeps_comparison(nec, tmp_path, monkeypatch, errors):
    pytest.importorskip("policydiff.core.report")
    before = nec.comparison
    target = tmp_path / "no-such-folder" / "report.html"
    monkeypatch.setattr(dialogs, "get_report_path", lambda *args: (str(target), "standard"))
    nec.acts.save_report.trigger()
    assert len(errors) == 1
    assert "report.html" in errors[0][1]
    assert nec.comparison is before


def test_one_file_waits_for_the_other_side(qtbot, window, pair):
    """`policydiff FILE` or "Open With" on one file: say what is missing, then compare."""
    old, new = pair
    window.open_side("old", str(old))
    assert window.comparison is None
    assert "will be the old version" in window.view.browser.toPlainText()
    assert "now open the new one" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        window.open_side("new", str(new))
    assert (window.comparison.old.path, window.comparison.new.path) == (str(old), str(new))


def test_save_report_refuses_an_input_a_folder_and_a_device(qtbot, window, pair, open_pair, monkeypatch, errors, tmp_path):
    import hashlib

    old, new = pair
    open_pair(window, old, new)
    before = window.comparison
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in pair]
    link = tmp_path / "link.html"
    link.symlink_to(new)
    targets = {str(old): "is one of the input files", str(link): "is one of the input files",
               str(tmp_path): "is a folder", os.devnull: "character device"}
    for target, problem in targets.items():
        monkeypatch.setattr(dialogs, "get_report_path", lambda *args, t=target: (t, "standard"))
        window.acts.save_report.trigger()
        title, text = errors[-1]
        assert title == "Cannot save report" and problem in text, text
    assert len(errors) == len(targets)
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in pair] == digests
    assert window.comparison is before


def test_an_unexpected_failure_names_the_files_and_keeps_the_comparison(qtbot, window, pair, open_pair, monkeypatch, errors, tmp_path):
    import policydiff.core.compare as compare_module

    old, new = pair
    open_pair(window, old, new)
    before = window.comparison
    other = tmp_path / "other.md"
    other.write_text("# Other\n\nText.\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise ValueError("something nobody foresaw")

    monkeypatch.setattr(compare_module, "compare", broken)
    with qtbot.waitSignal(window.load_failed, timeout=WAIT_MS):
        window.open_pair(str(old), str(other))
    title, text = errors[-1]
    assert "terms-2020.md" in text and "other.md" in text and "something nobody foresaw" in text
    assert "previous comparison is still shown" in text
    assert window.comparison is before and window.view.comparison is before


def test_a_result_the_view_cannot_show_keeps_the_previous_comparison(qtbot, window, pair, open_pair, monkeypatch, errors, tmp_path):
    old, new = pair
    open_pair(window, old, new)
    before = window.comparison
    other = tmp_path / "other.md"
    other.write_text("# Other\n\nText.\n", encoding="utf-8")
    real_show = window.view.show_comparison

    def picky(comparison, **kwargs):
        if comparison.new.name == "other.md":
            raise RuntimeError("cannot draw this")
        return real_show(comparison, **kwargs)

    monkeypatch.setattr(window.view, "show_comparison", picky)
    with qtbot.waitSignal(window.load_failed, timeout=WAIT_MS):
        window.open_pair(str(old), str(other))
    assert "other.md" in errors[-1][1] and "cannot draw this" in errors[-1][1]
    assert window.comparison is before
