"""A long section is set as several tables and laid out ahead in short slices: Qt lays one table
out in one go, and a whole policy in one table (a plain text with no headings, a long merge) held
the window still for a fifth of a second."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random  # noqa: E402

from PySide6.QtGui import QTextTable  # noqa: E402

from policydiff.core.present import Frag, Para  # noqa: E402
from policydiff.gui.diff_view import TABLE_CHARS, _short_rows, _tables  # noqa: E402

from gui_helpers import write  # noqa: E402


def _paras(rng: random.Random, count: int, kind: str) -> tuple[Para, ...]:
    return tuple(Para((Frag(kind, f"Paragraph {k} " + "word " * rng.randint(20, 400)),)) for k in range(count))  # type: ignore[arg-type]


def test_long_rows_are_cut_into_short_ones_keeping_each_side_in_order():
    rng = random.Random(3)
    rows = [(_paras(rng, 3, "-"), _paras(rng, 2, "+")), (_paras(rng, 90, "-"), _paras(rng, 40, "+"))]
    cut = _short_rows(rows)
    assert len(cut) > len(rows)
    for side in (0, 1):
        assert [p for row in cut for p in row[side]] == [p for row in rows for p in row[side]]
    # every cut row is short, unless one paragraph alone is long
    assert all(sum(len(p.text) for p in row[0] + row[1]) <= 2 * TABLE_CHARS or len(row[0]) + len(row[1]) <= 2
               for row in cut)


def test_rows_are_grouped_into_tables_of_bounded_size():
    rng = random.Random(4)
    rows = _short_rows([(_paras(rng, 60, "-"), _paras(rng, 60, "+"))])
    tables = _tables(rows)
    assert [row for table in tables for row in table] == rows
    assert len(tables) > 1
    for table in tables:
        size = sum(len(p.text) for row in table for p in row[0] + row[1])
        assert size <= TABLE_CHARS or len(table) == 1
    assert _tables([]) == [[]]


def test_a_long_section_is_several_tables_read_as_one_and_laid_out_ahead(qtbot, window, tmp_path, open_pair):
    rng = random.Random(5)
    words = [f"word{k}" for k in range(400)]
    paragraphs = [" ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) + "." for _ in range(300)]
    old = write(tmp_path / "old.md", "# Terms\n\n## Everything\n\n" + "\n\n".join(paragraphs) + "\n")
    rewritten = [" ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) + "." for _ in range(300)]
    new = write(tmp_path / "new.md", "# Terms\n\n## Everything\n\n" + "\n\n".join(rewritten) + "\n")
    open_pair(window, old, new)
    document = window.view.browser.document()
    # One table for the preamble pair, several for the long one (one each before).
    assert sum(isinstance(frame, QTextTable) for frame in document.rootFrame().childFrames()) > 4
    text = document.toPlainText()
    # Both versions' paragraphs are all there, each side in its order.
    for side in (paragraphs, rewritten):
        positions = [text.find(p[:60]) for p in side[::25]]
        assert all(p >= 0 for p in positions) and positions == sorted(positions)
    # The view lays the document out ahead of Qt, in slices, until the end.
    qtbot.waitUntil(lambda: window.view._laid_out >= document.characterCount() - 1, timeout=10_000)

