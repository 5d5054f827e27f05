"""A large pair (5 MB, thousands of tables in the view) stays up while the view lays it out ahead:
a block inside a table is never asked where it is (the table's row positions may not be filled in
yet: the window crashed a few seconds after painting), and a document replaced or resized while
its slices run is picked up afresh."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtGui import QTextCursor, QTextDocument, QTextTableFormat  # noqa: E402

from policydiff.gui.diff_view import _outer_block_at  # noqa: E402

from gui_helpers import open_and_wait, write  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _copies(count: int, changed: int | None) -> str:
    text = (CORPUS / "nec-2024.txt").read_text(encoding="utf-8")
    parts = [text] * count
    if changed is not None:
        at = text.index(" personal ") + 1
        parts[changed] = text[:at] + "private" + text[at + len("personal") :]
    return "\n".join(parts)


def test_blocks_laid_out_ahead_stand_outside_every_table(qapp):
    document = QTextDocument()
    cursor = QTextCursor(document)
    cursor.insertText("before")
    table = cursor.insertTable(3, 2, QTextTableFormat())
    table.cellAt(1, 1).firstCursorPosition().insertText("inside")
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertText("after")
    inside = table.cellAt(1, 1).firstCursorPosition().position()
    assert _outer_block_at(document, 0).text() == "before"
    assert _outer_block_at(document, inside).text() == "after"  # the block after the table
    assert _outer_block_at(document, table.firstPosition()).text() == "after"
    end = document.lastBlock()
    assert not _outer_block_at(document, end.position() + end.length()).isValid()


def test_a_five_megabyte_pair_stays_up_while_laid_out(qtbot, window, tmp_path):
    old = write(tmp_path / "old.txt", _copies(64, None))
    new = write(tmp_path / "new.txt", _copies(64, 32))
    assert old.stat().st_size + new.stat().st_size > 5_000_000
    with qtbot.waitSignal(window.view.painted, timeout=240_000):
        window.open_pair(str(old), str(new))
    view = window.view
    document = view.browser.document()
    assert window.comparison.stats.words.words_inserted == 1
    assert document.characterCount() > 1_000_000
    # While the slices run: the window resized (everything laid out again), a step to the next change.
    qtbot.wait(2_000)
    window.resize(900, 700)
    window.acts.next_change.trigger()
    qtbot.wait(28_000)  # the process would be gone here if a slice read a table not laid out yet
    assert view.browser.document() is document
    qtbot.waitUntil(lambda: view._laid_out >= document.characterCount() - 1, timeout=240_000)
    # Another pair replaces the document under the slices: they go on with the new one.
    small_old = write(tmp_path / "small-old.txt", _copies(2, None))
    small_new = write(tmp_path / "small-new.txt", _copies(2, 1))
    open_and_wait(qtbot, window, small_old, small_new)
    qtbot.waitUntil(lambda: view._laid_out >= view.browser.document().characterCount() - 1, timeout=60_000)
