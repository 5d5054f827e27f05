"""The window shows invisible and bidi characters as titled codes, never as (re)ordering controls."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402

from policydiff.core.invisible import find  # noqa: E402
from policydiff.gui.diff_view import INLINE, SIDE  # noqa: E402

WAIT_MS = 30_000
OLD = "# Terms\n\n## Data\n\nWe keep your name for 30 days.\n\n## \u202eTcatnoc\u202c\n\nWrite to us. Daten\u00adschutz.\n"
NEW = "# Terms\n\n## Data\n\nWe keep your name for \u202e30 days.\n\n## \u202eTcatnoc\u202c\n\nWrite to us. Daten\u00adschutz.\n"


@pytest.fixture
def shown(qtbot, window, tmp_path, open_pair):
    old, new = tmp_path / "old.md", tmp_path / "n\u202eew.md"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    open_pair(window, old, new)
    return window


def _marker_formats(window, marker: str) -> list:
    doc = window.view.browser.document()
    formats = []
    cursor = doc.find(marker)
    while not cursor.isNull():
        probe = QTextCursor(doc)
        probe.setPosition(cursor.selectionEnd())  # the format of the character before this position
        formats.append(probe.charFormat())
        cursor = doc.find(marker, cursor)
    return formats


@pytest.mark.parametrize("layout", [SIDE, INLINE])
def test_markers_replace_the_characters_and_carry_a_tooltip(qtbot, shown, layout):
    if shown.view.layout_name != layout:
        with qtbot.waitSignal(shown.view.rendered, timeout=WAIT_MS):
            shown.view.show_comparison(shown.comparison, layout=layout)
    text = shown.view.browser.document().toPlainText()
    assert [ch for _, ch in find(text) if ch != "\u00ad"] == []  # nothing left to reorder the text
    assert "for \u27e8RLO\u27e930 days." in text
    assert "\u27e8RLO\u27e9Tcatnoc\u27e8PDF\u27e9" in text  # the heading, unchanged on both sides
    assert "Daten\u00adschutz" in text  # an unchanged soft hyphen is left alone
    formats = _marker_formats(shown, "\u27e8RLO\u27e9")
    assert formats and all(f.toolTip() == "right-to-left override (U+202E)" for f in formats)
    inserted = [f for f in formats if f.fontUnderline()]  # the inserted one keeps the insertion's look
    assert len(inserted) == 1


def test_the_change_is_counted_not_silent(qtbot, shown):
    pair = next(p for p in shown.comparison.pairs if p.new is not None and p.new.title == "Data")
    assert pair.status.value == "changed"
    model = shown.outline.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Data")
    from policydiff.gui.outline import AMOUNT_ROLE

    assert model.index(row, 0).data(AMOUNT_ROLE) == "+1 invisible"
    assert "right-to-left override (U+202E)" in model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "1 invisible character inserted" in shown.view.browser.document().toPlainText()
    assert "1 invisible character inserted" in shown.header.summary.text()
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "\u27e8RLO\u27e9Tcatnoc\u27e8PDF\u27e9" in titles


def test_names_in_the_header_and_window_title_are_not_reordered(shown):
    assert "\u202e" not in shown.windowTitle() and "n\u27e8RLO\u27e9ew.md" in shown.windowTitle()
    assert shown.header.new_name.text() == "n\u27e8RLO\u27e9ew.md"
