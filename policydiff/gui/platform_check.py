"""Before Qt starts: can its X11 (xcb) platform plugin load? If not, say which packages to install.

On a fresh Debian desktop Qt's xcb plugin fails for want of small X libraries (``libxcb-icccm4``,
``libxcb-keysyms1``...) and Qt aborts with a message that does not name them (it even names one
that is installed). ``window_start_problem()`` tries to load each system library the window
needs, before any Qt module is imported, and returns one line naming what is missing and the
``apt install`` command, or None. It imports no Qt and caches nothing; loading libraries that Qt
loads a moment later anyway costs a few milliseconds, which Qt then does not spend.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

WINDOW_LIBRARIES: dict[str, str] = {
    # Qt's xcb platform plugin (libqxcb.so and libQt6XcbQpa.so.6) ...
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    # ... and what it shares with QtGui and QtWidgets.
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}
"""Every system library (soname) the window needs on X11, with its Debian/Ubuntu package.

From the ELF ``NEEDED`` entries of PySide6's ``libqxcb.so``, ``libQt6XcbQpa.so.6``,
``libQt6Gui.so.6`` and ``libQt6Widgets.so.6``, less the C/C++ runtime and Qt's own bundled
libraries; ``tests/test_platform_check.py`` checks the list against the installed wheel."""

INSTALL_COMMAND = "sudo apt install"


def _load(soname: str) -> None:
    """Load ``soname`` as the dynamic loader would for Qt; OSError when it (or a dependency) is missing."""
    ctypes.CDLL(soname)


def uses_xcb(environ: Mapping[str, str], platform: str) -> bool:
    """Whether Qt will try the xcb platform plugin first (Linux, an X display, no other platform asked for)."""
    if not platform.startswith("linux"):
        return False
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if requested:  # e.g. "xcb", "xcb:option", "wayland;xcb": the first one is tried first
        return requested.split(";")[0].split(":")[0].strip() == "xcb" and bool(environ.get("DISPLAY"))
    if environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY"):
        return False  # Qt picks its Wayland plugin in a Wayland session
    return bool(environ.get("DISPLAY"))


def missing_libraries(load: Callable[[str], None] | None = None) -> list[str]:
    """The sonames of ``WINDOW_LIBRARIES`` that cannot be loaded, in table order.

    When a library is present but one of its own dependencies is missing, the loader names that
    dependency; it is reported instead when it is in the table."""
    load = load or _load
    missing: list[str] = []
    for soname in WINDOW_LIBRARIES:
        try:
            load(soname)
        except OSError as error:
            culprit = str(error).split(":", 1)[0].strip()
            name = culprit if culprit in WINDOW_LIBRARIES else soname
            if name not in missing:
                missing.append(name)
    return missing


def install_message(missing: list[str]) -> str:
    """One line: the missing libraries and the command that installs their packages."""
    packages = list(dict.fromkeys(WINDOW_LIBRARIES[soname] for soname in missing))
    return (
        f"policydiff: cannot open the window: missing {', '.join(missing)} (needed by Qt's xcb platform "
        f"plugin); install with: {INSTALL_COMMAND} {' '.join(packages)}"
    )


def window_start_problem(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """The one-line message to print instead of starting Qt, or None when the window can start."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not uses_xcb(environ, platform):
        return None
    missing = missing_libraries()
    return install_message(missing) if missing else None
