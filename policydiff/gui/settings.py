"""Preferences and window state, kept in QSettings created lazily (tests redirect it).

Preferences live apart from window state (group ``window``); a value equal to its default is not
stored, so changing a default later reaches users who never touched it.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSettings

from policydiff.core.model import Options
from policydiff.core.present import OPTIONS, options_from

ORGANIZATION = "policydiff"
APPLICATION = "policydiff"
MAX_RECENT = 10

LAYOUT_SIDE = "side-by-side"
LAYOUT_INLINE = "inline"

DEFAULTS: dict[str, Any] = {
    "view/layout": LAYOUT_SIDE,
    "view/changed_only": False,
    "view/text_size": 11.0,
    "view/style": "standard",
    "report/style": "standard",
    **{f"options/{spec.attr}": False for spec in OPTIONS},
    "files/recent": "[]",
    "files/last_dir": "",
}

_settings: QSettings | None = None


def store() -> QSettings:
    """The application's QSettings, created on first use."""
    global _settings
    if _settings is None:
        _settings = QSettings(ORGANIZATION, APPLICATION)
    return _settings


def reset() -> None:
    """Forget the QSettings object (tests call this after redirecting QSettings' path)."""
    global _settings
    if _settings is not None:
        _settings.sync()
    _settings = None


def value(key: str) -> Any:
    default = DEFAULTS[key]
    raw = store().value(key, default)
    if isinstance(default, bool):
        if isinstance(raw, str):
            return raw.lower() in ("true", "1", "yes")
        return bool(raw)
    return type(default)(raw) if raw is not None else default


def set_value(key: str, new: Any) -> None:
    if new == DEFAULTS[key]:
        store().remove(key)
    else:
        store().setValue(key, new)


def layout() -> str:
    found = value("view/layout")
    return found if found in (LAYOUT_SIDE, LAYOUT_INLINE) else LAYOUT_SIDE


def set_layout(name: str) -> None:
    set_value("view/layout", name)


def options() -> Options:
    return options_from({spec.attr: bool(value(f"options/{spec.attr}")) for spec in OPTIONS})


def set_options(opts: Options) -> None:
    for spec in OPTIONS:
        set_value(f"options/{spec.attr}", bool(getattr(opts, spec.attr)))


def recent_pairs() -> list[tuple[str, str]]:
    try:
        data = json.loads(value("files/recent"))
        return [(str(a), str(b)) for a, b in data][:MAX_RECENT]
    except (ValueError, TypeError):
        return []


def add_recent_pair(old: str, new: str) -> None:
    pairs = [p for p in recent_pairs() if p != (old, new)]
    pairs.insert(0, (old, new))
    set_value("files/recent", json.dumps(pairs[:MAX_RECENT]))


def clear_recent_pairs() -> None:
    set_value("files/recent", "[]")


def window_state() -> tuple[Any, Any]:
    s = store()
    return s.value("window/geometry"), s.value("window/state")


def save_window_state(geometry: Any, state: Any) -> None:
    s = store()
    s.setValue("window/geometry", geometry)
    s.setValue("window/state", state)
