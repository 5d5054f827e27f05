"""The window shows present.py's presentation: badges, quieter statuses, stepping, find, tooltips,
colours; and the window and the report get the same rows."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from gui_helpers import write  # noqa: E402
from policydiff.core import present  # noqa: E402
from policydiff.gui import dialogs  # noqa: E402
from policydiff.gui.outline import AMOUNT_ROLE, BADGE_ROLE, CHANGED_ROLE  # noqa: E402

WAIT_MS = 30_000

OLD = """# Acme Privacy

## 1. Alpha

We keep data safe.

## 2. Beta

We sell nothing to anyone.

## 3. Gamma

We use cookies, sometimes.

## 4. Delta

Contact us by post.

## 5. Epsilon

First paragraph.

Second paragraph.

## 6. A section with a rather long title that an outline cannot show whole at its default size

Text.
"""

NEW = OLD.replace("nothing to anyone", "data to partners").replace("cookies, sometimes", "cookies sometimes") \
    .replace("First paragraph.\n\nSecond paragraph.", "First paragraph. Second paragraph.")


@pytest.fixture
def mini(tmp_path, window, open_pair):
    old = write(tmp_path / "old.md", OLD)
    new = write(tmp_path / "new.md", NEW)
    open_pair(window, old, new)
    return window


def _rows(w, role):
    model = w.outline.model
    return [model.index(r, 0).data(role) for r in range(model.rowCount())]


def test_quieter_status_says_what_changed_and_stepping_skips_it(mini):
    badges = _rows(mini, BADGE_ROLE)
    amounts = _rows(mini, AMOUNT_ROLE)
    titles = _rows(mini, Qt.ItemDataRole.DisplayRole)
    beta, gamma, eps = (titles.index(t) for t in ("2. Beta", "3. Gamma", "5. Epsilon"))
    assert badges[beta] == "CHANGED" and amounts[beta] == "+3 \u22123"
    assert badges[gamma] == "PUNCTUATION" and amounts[gamma] == "punctuation only"
    assert badges[eps] == "PARAGRAPHS" and amounts[eps] == "paragraph breaks"
    assert "+0" not in " ".join(amounts)
    # Alt+Down stops at what a reader must see (words, punctuation), never at a paragraph join alone
    assert _rows(mini, CHANGED_ROLE)[eps] is False
    a = mini.acts
    visited = []
    while a.next_section.isEnabled():
        a.next_section.trigger()
        visited.append(mini.view.current)
    assert visited == [beta, gamma]
    # but the join is shown: a struck pilcrow, and F8 can land on it
    text = mini.view.browser.document().toPlainText()
    assert present.PILCROW in text
    mini.view.go_to_pair(eps)
    a.next_change.trigger()
    assert mini.view.browser.textCursor().selectedText() == present.PILCROW
    assert "paragraph break removed" in mini.statusBar().currentMessage()


def test_f8_highlights_the_change_the_status_bar_names(mini):
    a = mini.acts
    a.next_change.trigger()
    message = mini.statusBar().currentMessage()
    selected = mini.view.browser.textCursor().selectedText()
    assert message.startswith("Change 1 of ")
    assert "data to partners" in message and selected == "data to partners"  # side by side: the new side


def test_inline_highlight_spans_deletion_and_insertion(qtbot, mini):
    with qtbot.waitSignal(mini.view.rendered, timeout=WAIT_MS):
        mini.set_layout("inline")
    mini.acts.next_change.trigger()
    selected = mini.view.browser.textCursor().selectedText()
    assert selected == "nothing to anyonedata to partners"
    assert "\u2039nothing to anyone\u203a" in mini.statusBar().currentMessage()


def test_find_says_n_of_m_and_the_outline_follows(mini):
    view = mini.view
    mini.show_find()
    view.find_bar.edit.setText("paragraph")
    view.find_next()
    hits = view.find_bar.message.text()
    assert hits.startswith("1 of ")
    total = int(hits.split(" of ")[1].split()[0])
    assert total >= 2
    view.find_next()
    assert view.find_bar.message.text().startswith("2 of ")
    eps = _rows(mini, Qt.ItemDataRole.DisplayRole).index("5. Epsilon")
    assert view.current == eps and mini.outline.current_pair() == eps


def test_outline_tooltips_and_middle_elision(mini):
    titles = _rows(mini, Qt.ItemDataRole.DisplayRole)
    row = next(i for i, t in enumerate(titles) if t.startswith("6. "))
    tip = mini.outline.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "rather long title that an outline cannot show whole at its default size" in tip
    assert titles[0] == "Document"
    assert "Acme Privacy" in mini.outline.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    # the delegate elides in the middle: the start and the end of a long title stay readable
    from PySide6.QtGui import QFontMetrics
    fm = QFontMetrics(mini.outline.view.font())
    elided = fm.elidedText(titles[row], Qt.TextElideMode.ElideMiddle, 200)
    assert elided.startswith("6. ") and elided.endswith("size")


def test_window_and_report_get_the_same_rows(qtbot, mini):
    from policydiff.core.report import render_report

    c = mini.comparison
    for layout in ("side-by-side", "inline"):
        if mini.view.layout_name != layout:
            with qtbot.waitSignal(mini.view.rendered, timeout=WAIT_MS):
                mini.set_layout(layout)
        assert mini.view.rendering.views == present.present(c, layout)
        html = render_report(c, layout=layout)
        for view in mini.view.rendering.views:
            for badge in view.badges:
                assert f'class="badge b-{badge.key}"' in html


def test_summary_shows_ignored_words_and_moves(qtbot, mini):
    assert "0 moved" in mini.header.summary.text()
    with qtbot.waitSignal(mini.comparison_shown, timeout=WAIT_MS):
        mini.acts.ignore_case.trigger()
    assert "ignored" in mini.header.summary.text()


def test_colour_blind_palette_option(qtbot, mini):
    before = mini.view.rendering.document
    with qtbot.waitSignal(mini.view.rendered, timeout=WAIT_MS):
        mini.acts.colorblind.trigger()
    assert mini.view.style_name == "colorblind"
    colors = present.palette("colorblind")
    doc = mini.view.rendering.document
    assert doc is not before
    found = set()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.fontStrikeOut() or fmt.fontUnderline():
                found.add(fmt.foreground().color().name())
            it += 1
        block = block.next()
    assert colors.ins_fg in found and colors.del_fg in found


def test_report_save_offers_the_styles(qtbot, mini, tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    offered = []

    def fake(parent, caption, suggested, style):
        offered.append(style)
        return str(target), "blackline"

    monkeypatch.setattr(dialogs, "get_report_path", fake)
    with qtbot.waitSignal(mini.report_saved, timeout=WAIT_MS):
        mini.acts.save_report.trigger()
    assert offered == ["standard"]
    html = target.read_text(encoding="utf-8")
    assert "style-blackline" in html and "--ins-line: double" in html
