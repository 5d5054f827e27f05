"""Actions and key bindings: one place, no collisions, the conventions of diff tools."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QAction, QKeySequence  # noqa: E402

from policydiff.gui.actions import all_actions  # noqa: E402


def test_no_two_actions_share_a_shortcut(window):
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for seq in action.shortcuts():
            key = seq.toString(QKeySequence.SequenceFormat.PortableText)
            assert key not in seen, f"{key} is bound to both {seen[key]!r} and {action.text()!r}"
            seen[key] = action.text()
    assert len(seen) >= 15


def test_expected_bindings(window):
    a = window.acts
    expected = {
        a.open_pair: "Ctrl+O", a.save_report: "Ctrl+S", a.quit: "Ctrl+Q", a.reload: "F5",
        a.find: "Ctrl+F", a.find_next: "F3", a.find_previous: "Shift+F3",
        a.next_section: "Alt+Down", a.prev_section: "Alt+Up", a.first_section: "Alt+Home",
        a.last_section: "Alt+End", a.next_change: "F8", a.prev_change: "F7",
        a.layout_side: "Ctrl+1", a.layout_inline: "Ctrl+2",
    }
    for action, key in expected.items():
        keys = [s.toString(QKeySequence.SequenceFormat.PortableText) for s in action.shortcuts()]
        assert key in keys, (action.text(), keys)


def test_every_action_is_attached_to_the_window(window):
    attached = set(window.actions())
    for action in all_actions(window.acts):
        assert action in attached, action.text()


def test_navigation_disabled_without_comparison(window):
    a = window.acts
    for action in (a.next_section, a.prev_section, a.next_change, a.prev_change, a.save_report, a.swap):
        assert not action.isEnabled()
