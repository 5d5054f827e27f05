"""Stepping as a reader steps: F8 lands on a change's start on both sides; the outline's Up/Down
moves the comparison with it; a merged group stands once in the outline, its members under it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402

from gui_helpers import WAIT_MS, write  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from test_align_properties import _cut_and_paste  # noqa: E402


def _long(word: str, n: int) -> str:
    return " ".join(f"{word}{k}" for k in range(n)) + "."


def test_f8_on_a_long_change_lands_on_its_start_on_both_sides(qtbot, window, open_pair, tmp_path):
    intro = "This section says what we collect and why we collect it."
    old = write(tmp_path / "old.md", f"# Policy\n\n## Data\n\n{intro}\n\n{_long('olden', 700)}\n\nThe end.\n")
    new = write(tmp_path / "new.md", f"# Policy\n\n## Data\n\n{intro}\n\n{_long('newer', 700)}\n\nThe end.\n")
    window.resize(1000, 600)
    open_pair(window, old, new)
    qtbot.waitUntil(lambda: not window.view.building, timeout=WAIT_MS)
    view = window.view
    view.go_to_pair(1)
    window.acts.next_change.trigger()
    k = view.change_index
    assert k is not None
    _pair, start, end = view.rendering.changes[k]
    assert end - start > 2000  # a long change: longer than the viewport
    spans = view.highlighted_spans()
    assert len(spans) == 2, "both the deleted and the inserted text are marked"
    texts = []
    for span_start, span_end in spans:
        cursor = QTextCursor(view.rendering.document)
        cursor.setPosition(span_start)
        cursor.setPosition(span_end, QTextCursor.MoveMode.KeepAnchor)
        texts.append(cursor.selectedText())
    assert texts[0].startswith("olden0") and texts[1].startswith("newer0")
    # The caret, which the browser keeps in view, is at the change's start, and both starts are on screen.
    assert view.browser.textCursor().position() == start
    height = view.browser.viewport().height()
    for span_start, _span_end in spans:
        cursor = QTextCursor(view.rendering.document)
        cursor.setPosition(span_start)
        top = view.browser.cursorRect(cursor).top()
        assert 0 <= top < height * 0.7, (top, height)


def test_outline_up_down_moves_the_comparison(qtbot, nec):
    outline = nec.outline.view
    outline.setFocus()
    proxy = nec.outline.proxy
    outline.setCurrentIndex(proxy.index(2, 0))
    qtbot.waitUntil(lambda: nec.view.current == int(proxy.index(2, 0).data(Qt.ItemDataRole.UserRole + 2)),
                    timeout=WAIT_MS)
    y_before = nec.view.browser.verticalScrollBar().value()
    qtbot.keyClick(outline, Qt.Key.Key_Down)
    target = int(proxy.index(3, 0).data(Qt.ItemDataRole.UserRole + 2))
    assert nec.view.current == target  # no Enter needed
    assert nec.view.browser.verticalScrollBar().value() != y_before
    qtbot.keyClick(outline, Qt.Key.Key_Up)
    assert nec.view.current == int(proxy.index(2, 0).data(Qt.ItemDataRole.UserRole + 2))


def test_a_merged_group_stands_once_in_the_outline_with_its_members_under_it(window, open_pair, tmp_path):
    old_text, new_text, title = _cut_and_paste(7, 5, 1, [2])
    open_pair(window, write(tmp_path / "old.md", old_text), write(tmp_path / "new.md", new_text))
    c = window.comparison
    model = window.outline.model
    merged = [k for k, p in enumerate(c.pairs) if p.old_group and p.new is not None]
    assert len(merged) == 2
    shown = [model.index(k, 0).data(Qt.ItemDataRole.DisplayRole) for k in merged]
    new_title = c.pairs[merged[0]].new.title
    assert shown[0] == new_title  # the group's title, once
    member = c.pairs[merged[1]]
    assert shown[1] == f"\u21b3 {member.old.title}"  # a member: its old section's title
    levels = [model.index(k, 0).data(Qt.ItemDataRole.UserRole + 5) for k in merged]
    assert levels[1] == levels[0] + 1  # the member sits under the group
