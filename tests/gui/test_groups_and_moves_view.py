"""A merged group and a moved passage as a reader sees them: in the outline, the diff view and the
report (the same words in both, from the presentation layer)."""

from __future__ import annotations

import sys
from pathlib import Path

from gui_helpers import WAIT_MS, write
from policydiff.core.report import render_report
from policydiff.gui.outline import BADGE_ROLE

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from test_align_properties import _cut_and_paste, _render, _sections  # noqa: E402


def _badges(w) -> list[str]:
    model = w.outline.model
    return [model.index(r, 0).data(BADGE_ROLE) for r in range(model.rowCount())]


def _view_text(qtbot, w) -> str:
    qtbot.waitUntil(lambda: not w.view.building, timeout=WAIT_MS)
    return w.view.browser.toPlainText().replace("\u00a0", " ")


def test_a_merged_group_shows_in_the_outline_the_view_and_the_report(qtbot, window, open_pair, tmp_path):
    old_text, new_text, title = _cut_and_paste(7, 5, 1, [2])
    old, new = write(tmp_path / "old.md", old_text), write(tmp_path / "new.md", new_text)
    open_pair(window, old, new)
    assert _badges(window).count("MERGED") == 2
    text = _view_text(qtbot, window)
    assert "merged into" in text.lower() and f"\u201c{title}\u201d" in text
    html = render_report(window.comparison)
    assert html.lower().count("merged into") == 2 and f"\u201c{title}\u201d" in html


def test_a_moved_passage_is_linked_at_both_ends_in_the_view_and_the_report(qtbot, window, open_pair, tmp_path):
    sections = _sections(11, 5)
    moved = sections[0][1][0]
    new = [(t, list(ps)) for t, ps in sections]
    new[0][1].pop(0)
    new[3][1].append(moved.replace(moved.split()[3], "amended", 1))
    old_path = write(tmp_path / "old.md", _render(sections))
    new_path = write(tmp_path / "new.md", _render(new))
    open_pair(window, old_path, new_path)
    text = _view_text(qtbot, window)
    assert f"a passage moved to \u201c{sections[3][0]}\u201d".lower() in text.lower()
    assert f"a passage moved from \u201c{sections[0][0]}\u201d".lower() in text.lower()
    html = render_report(window.comparison).lower()
    assert "a passage moved to" in html and "a passage moved from" in html


def test_the_outline_counts_substantive_changes_and_can_show_only_their_sections(qtbot, nec) -> None:
    from PySide6.QtCore import Qt

    from policydiff.core.changes import substantive_counts
    from policydiff.gui.outline import SUBSTANTIVE_ROLE

    model = nec.outline.model
    counts = substantive_counts(nec.comparison)
    assert counts
    for row in range(model.rowCount()):
        assert model.index(row, 0).data(SUBSTANTIVE_ROLE) == counts.get(row, 0)
    row = max(counts, key=counts.__getitem__)
    tip = model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert f"{counts[row]} substantive changes" in tip and "\u2192" in tip
    proxy = nec.outline.proxy
    proxy.set_substantive_only(True)
    assert proxy.rowCount() == len(counts) < model.rowCount()
    proxy.set_substantive_only(False)
    assert proxy.rowCount() == model.rowCount()


def test_a_substantive_change_carries_its_signals_as_tooltip(qtbot, window, open_pair, tmp_path) -> None:
    from PySide6.QtGui import QTextCursor

    text = "# Policy\n\n## Sharing\n\nWe may share your data with our affiliates.\n\n## Contact\n\nWrite to us.\n"
    old = write(tmp_path / "old.md", text)
    new = write(tmp_path / "new.md", text.replace("We may share", "We will share").replace("Write to", "Write"))
    open_pair(window, old, new)
    qtbot.waitUntil(lambda: not window.view.building, timeout=WAIT_MS)
    rendering = window.view.rendering
    assert rendering.substantive.count(True) == 1 and len(rendering.changes) == 2
    k = rendering.substantive.index(True)
    _, start, end = rendering.changes[k]
    cursor = QTextCursor(rendering.document)
    cursor.setPosition(start + 1)
    assert cursor.charFormat().toolTip() == "modal: may \u2192 will"


def test_f8_can_step_through_substantive_changes_only(qtbot, window, open_pair, tmp_path) -> None:
    text = ("# Policy\n\n## Sharing\n\nWe share your data with our affiliates. Write to us any time.\n\n"
            "## Retention\n\nWe keep it for 30 days. This is our practice.\n")
    edited = (text.replace("Write to us", "Write us").replace("30 days", "2 years")
              .replace("This is our practice", "This is how we work"))
    open_pair(window, write(tmp_path / "old.md", text), write(tmp_path / "new.md", edited))
    qtbot.waitUntil(lambda: not window.view.building, timeout=WAIT_MS)
    assert len(window.view.rendering.changes) == 3
    window.acts.substantive_only.trigger()
    assert window.acts.substantive_only.isChecked()
    stops = []
    while (k := window.view.next_change_index()) is not None:
        window.next_change()
        stops.append(k)
    assert stops == [window.view.rendering.substantive.index(True)]
    assert window.outline.proxy.rowCount() == 1
    window.acts.substantive_only.trigger()
    assert window.outline.proxy.rowCount() == window.outline.model.rowCount()
