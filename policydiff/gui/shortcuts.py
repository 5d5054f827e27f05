"""Help > Keyboard Shortcuts: the list is generated from the window's own actions, so it cannot
drift from the keys that work."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


def _name(action: QAction) -> str:
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _keys(action: QAction) -> str:
    return ", ".join(seq.toString(QKeySequence.SequenceFormat.NativeText) for seq in action.shortcuts())


def _walk(menu: QMenu, prefix: str, rows: list[tuple[str, str, str]], seen: set[int]) -> None:
    for action in menu.actions():
        if action.isSeparator():
            continue
        if action.menu() is not None:
            _walk(action.menu(), f"{prefix} \u203a {_name(action)}", rows, seen)  # type: ignore[arg-type]
            continue
        if action.shortcuts() and id(action) not in seen:
            seen.add(id(action))
            rows.append((prefix, _name(action), _keys(action)))


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, action, keys) of every action that has a shortcut: by menu in the menu bar's order,
    then any other action of the window."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()
    for top in window.menuBar().actions():
        if top.menu() is not None:
            _walk(top.menu(), _name(top), rows, seen)  # type: ignore[arg-type]
    for action in window.actions():
        if action.shortcuts() and action.text() and id(action) not in seen:
            seen.add(id(action))
            rows.append(("Other", _name(action), _keys(action)))
    return rows


def shortcut_table(window: QMainWindow) -> str:
    """The shortcuts as aligned plain text, one menu after another."""
    rows = shortcut_rows(window)
    width = max((len(name) for _menu, name, _keys in rows), default=0) + 2
    lines: list[str] = []
    menu = None
    for where, name, keys in rows:
        if where != menu:
            if lines:
                lines.append("")
            lines.append(where)
            menu = where
        lines.append(f"  {name.ljust(width)}{keys}")
    return "\n".join(lines) + "\n"
