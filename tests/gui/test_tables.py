"""A policy's own tables are shown as tables, cell by cell, in the window (both layouts)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtGui import QTextTable  # noqa: E402

from gui_helpers import WAIT_MS  # noqa: E402

PAIR = Path(__file__).resolve().parents[1] / "core" / "labelled" / "pairs" / "wechat-privacy-2022-to-2026"


def artifacts(tmp_path: Path) -> Path:
    """Where screenshots go: ``POLICYDIFF_ARTIFACTS`` when set (CI keeps them), else the test's folder."""
    folder = Path(os.environ.get("POLICYDIFF_ARTIFACTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def data_tables(document) -> list[QTextTable]:
    """The tables of the policy's own (the side-by-side layout's two-column tables left out)."""
    found: list[QTextTable] = []

    def walk(frame) -> None:
        for child in frame.childFrames():
            if isinstance(child, QTextTable) and child.format().border() > 0:
                found.append(child)
            walk(child)

    walk(document.rootFrame())
    return found


def cell_text(table: QTextTable, row: int, col: int) -> str:
    cell = table.cellAt(row, col)
    cursor = cell.firstCursorPosition()
    cursor.setPosition(cell.lastCursorPosition().position(), cursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def test_a_pipe_table_is_a_table_in_both_layouts(qtbot, window, open_pair, tmp_path):
    open_pair(window, PAIR / "old.md", PAIR / "new.md")
    views = window.view.rendering.views
    index = next(v.index for v in views if v.title.startswith("4. HOW DO WE USE"))
    for layout in ("side-by-side", "inline"):
        if window.view.rendering.layout != layout:
            with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
                window.set_layout(layout)
        window.view.go_to_pair(index)
        tables = data_tables(window.view.browser.document())
        assert tables, "no table of the policy's own in the view"
        first = tables[0]
        assert first.columns() == 3
        assert [cell_text(first, 0, c) for c in range(3)] == ["Information", "Purpose of Processing", "Retention Period"]
        text = window.view.browser.document().toPlainText()
        assert "Information | Purpose of Processing" not in text
        # Every row of a table is a row of cells: no cell separator left in a cell's text (a
        # redline keeps a deleted one, struck, inside the new version's cell).
        for table in tables if layout == "side-by-side" else ():
            for r in range(table.rows()):
                for c in range(table.columns()):
                    assert " | " not in cell_text(table, r, c)
                    assert "<br>" not in cell_text(table, r, c)
        # A cell's <br> is a line break within the cell (U+2028), not a word.
        assert any("\u2028" in cell_text(t, r, c) for t in tables for r in range(t.rows()) for c in range(t.columns()))
        browser = window.view.browser
        rect = browser.cursorRect(first.cellAt(0, 0).firstCursorPosition())
        bar = browser.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - 60)
        shot = window.grab()
        assert not shot.isNull()
        path = artifacts(tmp_path) / f"table-{layout}.png"
        assert shot.save(str(path))
        assert path.stat().st_size > 10_000


def test_table_rows_that_pair_stand_level_and_show_their_changes_per_cell(window, open_pair):
    open_pair(window, PAIR / "old.md", PAIR / "new.md")
    view = next(v for v in window.view.rendering.views if v.title.startswith("4. HOW DO WE USE"))
    paired = [(o[0], n[0]) for o, n in view.rows if len(o) == 1 and len(n) == 1 and o[0].cells and n[0].cells]
    assert len(paired) >= 3  # the header, "Chat data", "Access tokens" at least
    changed = 0
    for old, new in paired:
        assert len(old.cells) == len(new.cells) == 3
        assert all(f.kind in ("=", "-", "-p", "~") for cell in old.cells for f in cell)
        assert all(f.kind in ("=", "+", "+p", "~") for cell in new.cells for f in cell)
        changed += any(f.kind in ("-", "+") for cell in (*old.cells, *new.cells) for f in cell)
    assert changed


PAGES = Path(__file__).resolve().parents[1] / "core" / "fixtures" / "pages"


def test_a_saved_pages_tables_in_list_items_are_tables_and_a_glossary_has_no_header(qtbot, window, open_pair,
                                                                                   tmp_path):
    """A table inside a list item of a saved page is a table of cells under its header row, in both
    layouts; a glossary (``<dl>``) is a table whose first term is a row like the others."""
    window.resize(1400, 950)
    open_pair(window, PAGES / "tables-old.html", PAGES / "tables-new.html")
    views = window.view.rendering.views
    for layout in ("side-by-side", "inline"):
        if window.view.rendering.layout != layout:
            with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
                window.set_layout(layout)
        window.view.go_to_pair(next(v.index for v in views if v.title == "What we collect"))
        tables = data_tables(window.view.browser.document())
        headed = {tuple(cell_text(t, 0, c) for c in range(t.columns())): t.format().headerRowCount() for t in tables}
        assert headed.get(("Category", "Examples")) == 1
        assert headed.get(("Device signal", "Why we read it")) == 1
        assert "Device signal | Why" not in window.view.browser.document().toPlainText()
        shot = window.grab()
        assert shot.save(str(artifacts(tmp_path) / f"list-table-{layout}.png"))
        window.view.go_to_pair(next(v.index for v in views if v.title == "Definitions"))
        tables = data_tables(window.view.browser.document())
        glossary = [t for t in tables if any(cell_text(t, r, 0) == "Personal data" for r in range(t.rows()))]
        assert glossary
        for table in glossary:
            assert table.format().headerRowCount() == 0
            first = next(r for r in range(table.rows()) if cell_text(table, r, 0) == "Personal data")
            fmt = table.cellAt(first, 0).firstCursorPosition().charFormat()
            assert fmt.fontWeight() < 600  # not drawn as a header cell
        browser = window.view.browser
        rect = browser.cursorRect(glossary[0].cellAt(0, 0).firstCursorPosition())
        bar = browser.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - 60)
        shot = window.grab()
        assert shot.save(str(artifacts(tmp_path) / f"glossary-{layout}.png"))
