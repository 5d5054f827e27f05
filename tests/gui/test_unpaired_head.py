"""A document head whose opening was replaced (``align.HEAD_SHARE``) is shown unpaired: the old head
removed and the new one added, both in the outline with their reason, both readable in the view."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from policydiff.gui.outline import BADGE_ROLE  # noqa: E402

BODY = (
    "## Cookies we use\n\nWe use cookies to keep you signed in and to remember your settings.\n\n"
    "## Your choices\n\nYou can block cookies in your browser settings at any time.\n"
)


def test_a_replaced_opening_is_shown_removed_and_added(qtbot, window, tmp_path, open_pair) -> None:  # type: ignore[no-untyped-def]
    old = tmp_path / "old.md"
    new = tmp_path / "new.md"
    old.write_text("# Cookie Policy\n\n" + BODY, encoding="utf-8")
    new.write_text("# Your voice. Your audience.\n\nJoin millions of creators building real reach today.\n\n" + BODY,
                   encoding="utf-8")
    open_pair(window, old, new)
    comparison = window.comparison
    model = window.outline.model
    rows = {(p.old_index, p.new_index): r for r, p in enumerate(comparison.pairs) if 0 in (p.old_index, p.new_index)}
    assert set(rows) == {(0, None), (None, 0)}
    assert model.rowCount() == len(comparison.pairs)
    assert model.index(rows[(0, None)], 0).data(BADGE_ROLE) == "REMOVED"
    assert model.index(rows[(None, 0)], 0).data(BADGE_ROLE) == "ADDED"
    for r in rows.values():
        assert "opening was replaced" in model.index(r, 0).data(Qt.ItemDataRole.ToolTipRole)
    text = window.view.browser.toPlainText()
    assert "Cookie Policy" in text and "Join millions of creators" in text
    window.view.go_to_pair(rows[(0, None)])
    shot = window.grab()
    folder = Path(os.environ.get("POLICYDIFF_ARTIFACTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    assert shot.save(str(folder / "unpaired-head.png"))
