"""The import contract: the engine (``policydiff.core``) and the headless command line never load Qt.

``policydiff --json/--outline/--report`` must run where PySide6 cannot load (a server, a CI box
without X libraries), and the engine must stay usable without a GUI toolkit. Two checks: a static
one over the source (every import statement in ``policydiff/core``), and a dynamic one in a fresh
interpreter (every core module imported, every headless CLI mode run, then ``sys.modules`` read).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "policydiff" / "core"
FORBIDDEN = ("PySide6", "shiboken6", "policydiff.gui")
"""Top-level packages (and their submodules) that no core module may import."""


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def _absolute(module: str | None, level: int, path: Path) -> str:
    """The absolute name a ``from`` import refers to (relative imports resolved against ``path``)."""
    if level == 0:
        return module or ""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])  # the module's package
    base = package[: len(package) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imported_names(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in ``path`` (or in ``source``, as if it were
    ``path``'s text), including ``import_module("…")`` and ``__import__("…")`` with a literal name."""
    text = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(text, filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, path)
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


CORE_FILES = sorted(CORE.rglob("*.py"))


def test_the_core_sources_are_found() -> None:
    assert len(CORE_FILES) >= 10, CORE_FILES  # the check below would pass vacuously otherwise


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_core_module_imports_qt_or_the_gui(path: Path) -> None:
    bad = [f"line {line}: {name}" for line, name in imported_names(path) if _forbidden(name)]
    assert not bad, f"{path.relative_to(ROOT)} imports the GUI toolkit or the window: {bad}"


def test_the_static_check_sees_every_spelling() -> None:
    """The checker itself: each of these would break the contract and must be caught."""
    as_path = CORE / "_example.py"  # never written: relative imports resolve against it
    spellings = [
        "import PySide6",
        "import PySide6.QtCore as qc",
        "from PySide6.QtGui import QColor",
        "from shiboken6 import isValid",
        "from policydiff.gui import settings",
        "from ..gui.app import run",
        "from .. import gui",
        "importlib.import_module('PySide6.QtWidgets')",
        "def f():\n    from PySide6 import QtCore",
    ]
    for source in spellings:
        names = [name for _, name in imported_names(as_path, source)]
        assert any(_forbidden(n) for n in names), (source, names)
    harmless = "from .model import Options\nimport json\nfrom policydiff import __version__\nimport PySide6ish\n"
    assert not any(_forbidden(n) for _, n in imported_names(as_path, harmless))


PROBE = r"""
import contextlib, importlib, io, json, os, pkgutil, sys

import policydiff.core
from policydiff.__main__ import main
from policydiff.core.corpus import showcase_pair

modules = sorted(m.name for m in pkgutil.walk_packages(policydiff.core.__path__, "policydiff.core."))
for name in modules:
    importlib.import_module(name)

old, new = (str(p) for p in showcase_pair())
report = os.path.join(sys.argv[1], "report.html")
codes = {}
for label, argv in {
    "json": [old, new, "--json"],
    "json-ignore": [old, new, "--json", "--ignore-case", "--ignore-typography", "--ignore-numbering", "--ignore-whitespace"],
    "outline": [old, "--outline"],
    "report": [old, new, "--report", report],
}.items():
    with contextlib.redirect_stdout(io.StringIO()):
        codes[label] = main(argv)

loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6") or m.startswith("policydiff.gui"))
print(json.dumps({"modules": modules, "codes": codes, "loaded": loaded}))
"""


def test_core_and_headless_cli_run_without_loading_qt(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["modules"]) >= 10, result["modules"]  # really imported every module
    assert result["codes"] == {"json": 1, "json-ignore": 1, "outline": 0, "report": 1}
    assert (tmp_path / "report.html").stat().st_size > 0
    assert result["loaded"] == [], f"Qt or the window was loaded: {result['loaded']}"
