"""The window on the NEC showcase pair: outline, navigation, layouts, options, find."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402

from policydiff.core.model import Status  # noqa: E402
from policydiff.gui import settings  # noqa: E402
from policydiff.gui.diff_view import is_changed  # noqa: E402
from policydiff.gui.outline import BADGE_ROLE  # noqa: E402

WAIT_MS = 30_000


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _row_titles(w) -> list[str]:
    model = w.outline.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_showcase_outline_lists_every_pair(nec):
    c = nec.comparison
    assert c.old.name == "nec-2002.md" and c.new.name == "nec-2024.txt"
    titles = _row_titles(nec)
    assert titles == ["Document"] + [(p.new or p.old).title for p in c.pairs[1:]]
    # the renamed pair shows its new title, the rename in the tooltip, and a text badge, not colour alone
    row = next(i for i, p in enumerate(c.pairs) if p.old is not None and "Site covered" in p.old.title)
    assert "NEC Group Introduction" in titles[row]
    tip = nec.outline.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "1.Site covered by this statement \u2192 1. NEC Group Introduction" in tip
    assert "Renamed from \u201c1.Site covered by this statement\u201d" in tip
    assert nec.outline.model.index(row, 0).data(BADGE_ROLE) == "RENAMED"
    badges = [nec.outline.model.index(r, 0).data(BADGE_ROLE) for r in range(len(titles))]
    assert {"ADDED", "REMOVED", "RENAMED", "MOVED"} <= set(badges)
    # "3 moved" in the summary line can be found in the outline: three MOVED badges
    assert f"{c.stats.sections_moved} moved" in nec.header.summary.text()
    assert badges.count("MOVED") == c.stats.sections_moved == 3
    # the header names both documents and sums up the comparison
    assert nec.header.old_name.text() == "nec-2002.md"
    assert nec.header.new_name.text() == "nec-2024.txt"
    assert "March 1, 2002" in nec.header.old_meta.text()
    assert f"{sum(1 for b in badges if b == 'RENAMED')} renamed" in nec.header.summary.text()
    assert f"{c.stats.words.words_inserted:,} words inserted" in nec.header.summary.text()
    # the document heads (title, metadata, opening text) pair first, shown as "Document" with the
    # titles in the tooltip
    assert titles[0] == "Document"
    assert "Privacy | NEC \u2192 Global Privacy Notice" in nec.outline.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_next_changed_section_steps_in_order_and_stops(nec):
    a = nec.acts
    assert a.next_section.shortcut() == QKeySequence("Alt+Down")
    changed = [i for i, p in enumerate(nec.comparison.pairs) if is_changed(p, nec.comparison)]
    expected = [i for i in changed if i > nec.view.current]
    visited = []
    while a.next_section.isEnabled():
        a.next_section.trigger()
        visited.append(nec.view.current)
        assert nec.outline.current_pair() == nec.view.current  # the outline follows
    assert visited == expected
    assert not a.next_section.isEnabled()
    assert "Last changed section" in nec.statusBar().currentMessage()
    a.prev_section.trigger()
    assert nec.view.current == expected[-2]
    a.first_section.trigger()
    assert nec.view.current == changed[0]
    assert not a.first_section.isEnabled()
    a.last_section.trigger()
    assert nec.view.current == changed[-1]
    assert not a.last_section.isEnabled() and not a.next_section.isEnabled()


def test_f8_moves_through_single_changes(nec):
    a = nec.acts
    assert a.next_change.shortcut() == QKeySequence("F8")
    changes = nec.view.rendering.changes
    assert len(changes) > 10
    seen = []
    for _ in range(5):
        a.next_change.trigger()
        seen.append(nec.view.change_index)
        selected = nec.view.browser.textCursor().selectedText()
        assert selected.strip()
        assert nec.view.current == changes[nec.view.change_index][0]
    assert seen == [0, 1, 2, 3, 4]
    a.prev_change.trigger()
    assert nec.view.change_index == 3
    nec.view.go_to_change(len(changes) - 2)
    a.next_change.trigger()
    assert nec.view.change_index == len(changes) - 1
    assert not a.next_change.isEnabled()
    assert "last" in nec.statusBar().currentMessage()


def test_layout_switch_is_remembered(qtbot, nec):
    assert nec.view.layout_name == "side-by-side"
    nec.acts.next_section.trigger()
    nec.acts.next_section.trigger()
    place = nec.view.current
    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        nec.acts.layout_inline.trigger()
    assert nec.view.layout_name == "inline"
    assert nec.view.current == place  # the same pair stays in view
    assert nec.acts.layout_inline.isChecked() and not nec.acts.layout_side.isChecked()
    assert settings.layout() == "inline"
    from policydiff.gui.main_window import MainWindow

    again = MainWindow()
    qtbot.addWidget(again)
    assert again.acts.layout_inline.isChecked()
    assert again.view.layout_name == "inline"
    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        nec.acts.layout_side.trigger()
    assert settings.store().value("view/layout") is None  # the default is not stored


def test_ignore_case_recomputes_and_keeps_position(qtbot, window, tmp_path, open_pair):
    old = write(tmp_path / "old.md", "# Policy\n\n## Intro\n\nThe Data we keep.\n\n## Rights\n\nYou may ask.\n\n## End\n\nBye now.\n")
    new = write(tmp_path / "new.md", "# Policy\n\n## Intro\n\nthe data we keep.\n\n## Rights\n\nYou may ask us.\n\n## End\n\nBye now.\n")
    open_pair(window, old, new)
    before = window.comparison.stats.words.words_inserted
    assert before >= 3
    rights = next(i for i, p in enumerate(window.comparison.pairs) if p.new and "Rights" in p.new.title)
    window.view.go_to_pair(rights)
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        window.acts.ignore_case.trigger()
    c = window.comparison
    assert c.options.ignore_case
    assert c.stats.words.words_inserted < before
    intro = next(p for p in c.pairs if p.new and "Intro" in p.new.title)
    assert intro.status is Status.UNCHANGED
    assert window.view.current == rights
    assert settings.options().ignore_case
    assert "ignoring case" in window.header.summary.text()


def test_other_ignore_options_recompute(qtbot, nec):
    for name in ("ignore_whitespace", "ignore_typography", "ignore_numbering"):
        with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
            getattr(nec.acts, name).trigger()
        assert getattr(nec.comparison.options, name)


def test_outline_click_and_changed_only_filter(qtbot, nec):
    pairs = nec.comparison.pairs
    target = len(pairs) - 3
    proxy = nec.outline.proxy
    nec.outline.view.clicked.emit(proxy.index(target, 0))
    assert nec.view.current == target
    nec.acts.changed_only.trigger()
    assert proxy.rowCount() == sum(1 for p in pairs if is_changed(p, nec.comparison))
    assert settings.value("view/changed_only") is True
    # scrolling moves the current pair
    bar = nec.view.browser.verticalScrollBar()
    bar.setValue(0)
    assert nec.view.current == 0
    y = nec.view.pair_y(5)
    bar.setValue(y + 2)
    assert nec.view.current == 5
    assert nec.outline.current_pair() in (5, *(i for i in range(5)))


def test_find_bar(qtbot, nec):
    nec.acts.find.trigger()
    assert nec.view.find_bar.isVisible()
    nec.view.find_bar.edit.setText("Shine the Light")
    nec.acts.find_next.trigger()
    assert nec.view.browser.textCursor().selectedText() == "Shine the Light"
    nec.view.find_bar.edit.setText("no such words anywhere")
    nec.acts.find_next.trigger()
    assert nec.view.find_bar.message.text() == "Not found"


def test_swap_sides(qtbot, nec):
    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        nec.acts.swap.trigger()
    assert nec.comparison.old.name == "nec-2024.txt"
    assert nec.comparison.new.name == "nec-2002.md"


def test_busy_indicator_while_comparing(qtbot, window):
    from policydiff.core.corpus import showcase_pair

    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        window.open_showcase()
        assert window.busy.isVisible()
    assert not window.busy.isVisible()
    assert "NEC" in window.statusBar().currentMessage()
    assert showcase_pair()[0].name == window.comparison.old.name
