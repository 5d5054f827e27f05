"""Fixing the alignment from the outline: Pair with..., Unpair, Reset Alignment."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402

from policydiff.core.model import Status  # noqa: E402
from policydiff.gui.outline import BADGES_ROLE  # noqa: E402
from policydiff.gui import dialogs  # noqa: E402

WAIT_MS = 30_000


def _index(w, pred):
    return next(i for i, p in enumerate(w.comparison.pairs) if pred(p))


def test_pair_with_unpair_and_reset(qtbot, nec, monkeypatch):
    c0 = nec.comparison
    site = _index(nec, lambda p: p.old is not None and "Site covered" in p.old.title)
    site_old = c0.pairs[site].old_index
    auto_new = c0.pairs[site].new_index
    controller = next(j for j, s in enumerate(c0.new.flat()) if "Data Controller" in s.title)
    offered = {}

    def choose(parent, title, prompt, labels, current):
        offered.update(labels=labels, current=current, prompt=prompt)
        return controller

    monkeypatch.setattr(dialogs, "choose_section", choose)
    nec.outline.select_pair(site)
    assert nec.acts.pair_with.isEnabled() and nec.acts.unpair.isEnabled()
    assert not nec.acts.reset_alignment.isEnabled()
    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        nec.acts.pair_with.trigger()
    # the dialog listed the new version's sections and preselected the current partner
    assert len(offered["labels"]) == len(c0.new.flat())
    assert offered["current"] == auto_new
    assert "Site covered" in offered["prompt"]
    pair = next(p for p in nec.comparison.pairs if p.old_index == site_old)
    assert pair.new_index == controller and pair.manual
    assert nec.comparison.overrides.pairs == ((site_old, controller),)
    assert nec.view.comparison is nec.comparison  # the view shows the new alignment at once
    assert nec.comparison.pairs[nec.view.current].old_index == site_old  # and stays on that pair
    assert nec.acts.reset_alignment.isEnabled()

    # the dialog is sorted by likeness and says what each is alike to
    notes = [label[2] for label in offered["labels"]]
    scores = [int(n.split("%")[0]) for n in notes]
    assert scores == sorted(scores, reverse=True)
    assert all("alike to \u201c1.Site covered by this statement\u201d" in n for n in notes)

    # unpairing a hand-made pair forgets it: the automatic pairing comes back
    nec.outline.select_pair(next(i for i, p in enumerate(nec.comparison.pairs) if p.old_index == site_old))
    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        nec.acts.unpair.trigger()
    back = next(p for p in nec.comparison.pairs if p.old_index == site_old)
    assert back.new_index == auto_new and not back.manual and not nec.comparison.overrides

    # unpairing an automatic pair shows a removal and an addition, by hand
    nec.outline.select_pair(next(i for i, p in enumerate(nec.comparison.pairs) if p.old_index == site_old))
    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        nec.acts.unpair.trigger()
    removed = next(p for p in nec.comparison.pairs if p.old_index == site_old)
    assert removed.status is Status.REMOVED and removed.new is None and removed.manual
    added = next(p for p in nec.comparison.pairs if p.new_index == auto_new)
    assert added.status is Status.ADDED
    row = next(i for i, p in enumerate(nec.comparison.pairs) if p.old_index == site_old)
    assert "Unpaired by hand" in nec.outline.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)

    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        nec.acts.reset_alignment.trigger()
    assert not nec.comparison.overrides
    restored = next(p for p in nec.comparison.pairs if p.old_index == site_old)
    assert restored.new_index == auto_new and not restored.manual


def test_alignment_edits_undo_and_redo(qtbot, nec, monkeypatch):
    c0 = nec.comparison
    site = _index(nec, lambda p: p.old is not None and "Site covered" in p.old.title)
    site_old = c0.pairs[site].old_index
    controller = next(j for j, s in enumerate(c0.new.flat()) if "Data Controller" in s.title)
    monkeypatch.setattr(dialogs, "choose_section", lambda *args: controller)
    a = nec.acts
    assert a.undo_alignment.shortcut() == QKeySequence("Ctrl+Z")
    assert QKeySequence("Ctrl+Shift+Z") in a.redo_alignment.shortcuts()
    assert not a.undo_alignment.isEnabled() and not a.redo_alignment.isEnabled()
    nec.outline.select_pair(site)
    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        a.pair_with.trigger()
    assert nec.comparison.overrides.pairs == ((site_old, controller),)
    assert a.undo_alignment.isEnabled() and not a.redo_alignment.isEnabled()
    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        a.undo_alignment.trigger()
    assert not nec.comparison.overrides
    assert a.redo_alignment.isEnabled() and not a.undo_alignment.isEnabled()
    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        a.redo_alignment.trigger()
    assert nec.comparison.overrides.pairs == ((site_old, controller),)
    assert a.undo_alignment.isEnabled() and not a.redo_alignment.isEnabled()
    # the report and the window use the same words for a hand-made pair
    from policydiff.core.report import render_report

    row = next(i for i, p in enumerate(nec.comparison.pairs) if p.old_index == site_old)
    badges = [label for _key, label in nec.outline.model.index(row, 0).data(BADGES_ROLE)]
    assert "Paired by hand" in badges
    assert "Paired by hand" in render_report(nec.comparison)


def test_pair_an_added_section_with_an_old_one(qtbot, nec, monkeypatch):
    c0 = nec.comparison
    added = _index(nec, lambda p: p.status is Status.ADDED and p.new is not None and p.level >= 1)
    new_index = c0.pairs[added].new_index
    removed_old = next(p.old_index for p in c0.pairs if p.status is Status.REMOVED and p.old_index)
    monkeypatch.setattr(dialogs, "choose_section", lambda *args: removed_old)
    nec.outline.select_pair(added)
    assert not nec.acts.unpair.isEnabled()  # nothing to unpair on a one-sided row
    with qtbot.waitSignal(nec.comparison_shown, timeout=WAIT_MS):
        nec.acts.pair_with.trigger()
    pair = next(p for p in nec.comparison.pairs if p.new_index == new_index)
    assert pair.old_index == removed_old and pair.manual


def test_cancelled_pair_dialog_changes_nothing(nec, monkeypatch):
    monkeypatch.setattr(dialogs, "choose_section", lambda *args: None)
    before = nec.comparison
    nec.outline.select_pair(2)
    nec.acts.pair_with.trigger()
    assert nec.comparison is before and not nec.comparer.busy
