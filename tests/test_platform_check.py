"""Start-up on a desktop without Qt's X11 libraries: one line naming the packages, exit status 2.

No Qt here: the check runs before any Qt module is imported, so these tests do not need it either.
"""

from __future__ import annotations

import importlib.util
import struct
import sys
import types
from pathlib import Path

import pytest

from policydiff.__main__ import main
from policydiff.gui import platform_check
from policydiff.gui.platform_check import WINDOW_LIBRARIES, missing_libraries, uses_xcb, window_start_problem

X11 = {"DISPLAY": ":0"}
EXPECTED = (
    "policydiff: cannot open the window: missing libxcb-icccm.so.4, libxcb-keysyms.so.1 (needed by Qt's "
    "xcb platform plugin); install with: sudo apt install libxcb-icccm4 libxcb-keysyms1"
)


def fake_loader(*absent: str):
    """A probe that finds every library except ``absent``, failing the way the real loader does."""

    def load(soname: str) -> None:
        if soname in absent:
            raise OSError(f"{soname}: cannot open shared object file: No such file or directory")

    return load


def test_missing_libraries_are_named_with_the_command_that_installs_them(monkeypatch) -> None:
    monkeypatch.setattr(platform_check, "_load", fake_loader("libxcb-keysyms.so.1", "libxcb-icccm.so.4"))
    assert window_start_problem(X11, "linux") == EXPECTED


def test_nothing_missing_no_message(monkeypatch) -> None:
    monkeypatch.setattr(platform_check, "_load", fake_loader())
    assert window_start_problem(X11, "linux") is None


def test_the_window_is_not_started_and_the_exit_status_is_2(monkeypatch, capsys) -> None:
    monkeypatch.setattr(platform_check, "_load", fake_loader("libxcb-icccm.so.4", "libxcb-keysyms.so.1"))
    monkeypatch.setenv("DISPLAY", ":0")
    for name in ("QT_QPA_PLATFORM", "XDG_SESSION_TYPE", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(platform_check, "sys", types.SimpleNamespace(platform="linux"))  # this module's view only
    started = []
    fake_app = types.ModuleType("policydiff.gui.app")
    fake_app.run = lambda old, new: started.append((old, new)) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "policydiff.gui.app", fake_app)

    assert main([]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", EXPECTED + "\n")  # one line, and no Qt abort dump
    assert started == []


def test_a_missing_dependency_is_reported_once_under_its_own_name(monkeypatch) -> None:
    # libxcb-image0 is installed but libxcb-util1 is not: loading either fails naming libxcb-util.
    def load(soname: str) -> None:
        if soname in ("libxcb-image.so.0", "libxcb-util.so.1"):
            raise OSError("libxcb-util.so.1: cannot open shared object file: No such file or directory")

    assert missing_libraries(load) == ["libxcb-util.so.1"]


def test_the_real_loader_names_what_it_cannot_find(monkeypatch) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the probe only runs on Linux")
    monkeypatch.setattr(platform_check, "WINDOW_LIBRARIES", {"libpolicydiff-absent.so.7": "policydiff-absent7"})
    assert missing_libraries() == ["libpolicydiff-absent.so.7"]
    assert "sudo apt install policydiff-absent7" in platform_check.install_message(missing_libraries())


@pytest.mark.parametrize(
    "environ, platform, expected",
    [
        ({"DISPLAY": ":0"}, "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb:nograb"}, "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
        ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", False),  # no display: Qt's own message says so
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "darwin", False),
        ({"DISPLAY": ":0"}, "win32", False),
    ],
)
def test_the_check_runs_only_where_qt_will_use_xcb(environ, platform, expected) -> None:
    assert uses_xcb(environ, platform) is expected


def test_no_check_no_probe_elsewhere(monkeypatch) -> None:
    def load(soname: str) -> None:
        raise AssertionError("probed although Qt will not use xcb")

    monkeypatch.setattr(platform_check, "_load", load)
    assert window_start_problem({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux") is None


# --------------------------------------------------------------------------------------------
# The table covers what the installed PySide6 really links against


def elf_needed(path: Path) -> list[str]:
    """The DT_NEEDED sonames of a 64-bit little-endian ELF shared object."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, f"{path}: not ELF64 LE"
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    needed: list[str] = []
    for _name, kind, _flags, _addr, offset, size, link, *_ in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, 16):
            tag, value = struct.unpack_from("<qQ", data, pos)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strtab + value)
                needed.append(data[strtab + value:end].decode())
    return needed


RUNTIME = ("libc.so", "libm.so", "libstdc++.so", "libgcc_s.so", "ld-linux", "libdl.so", "libpthread.so",
           "librt.so", "libz.so")
"""Always there: the C/C++ runtime and zlib (Debian: essential or required)."""


def test_the_table_lists_every_system_library_of_the_xcb_plugin() -> None:
    spec = importlib.util.find_spec("PySide6")
    if not sys.platform.startswith("linux") or spec is None or not spec.submodule_search_locations:
        pytest.skip("PySide6's Linux wheel is not installed")
    qt = Path(list(spec.submodule_search_locations)[0]) / "Qt"
    objects = [qt / "plugins" / "platforms" / "libqxcb.so"] + [
        qt / "lib" / name for name in ("libQt6XcbQpa.so.6", "libQt6Gui.so.6", "libQt6Widgets.so.6")]
    if not all(path.exists() for path in objects) or sys.byteorder != "little":
        pytest.skip("not the layout of PySide6's x86-64/aarch64 Linux wheel")
    bundled = {path.name for path in (qt / "lib").iterdir()}
    system = {name for path in objects for name in elf_needed(path)
              if name not in bundled and not name.startswith(RUNTIME)}
    assert system, "no NEEDED entries read: the check would pass vacuously"
    assert system - set(WINDOW_LIBRARIES) == set(), "libraries the window needs but the start-up check ignores"


def test_the_readme_apt_line_installs_every_package_of_the_table() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    lines = [line.split() for line in readme.splitlines() if line.strip().startswith("sudo apt install")]
    assert len(lines) == 1, lines
    assert lines[0][3:] == list(dict.fromkeys(WINDOW_LIBRARIES.values()))
