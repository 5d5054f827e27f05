"""No import cycles in the window or between the model and the section builder: every import is
counted, also those made only for type hints (``TYPE_CHECKING``) and those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path, package: str) -> set[str]:
    """Modules of the package that ``path`` imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(package):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith(package))
    return found


def _graph(folder: str) -> dict[str, set[str]]:
    modules = {f"policydiff.{folder}.{p.stem}": p for p in (ROOT / "policydiff" / folder).glob("*.py")
               if p.stem != "__init__"}
    return {name: {m for m in _imports(path, "policydiff") if m in modules and m != name}
            for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_harness_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_window_modules_import_one_another_without_a_cycle() -> None:
    graph = _graph("gui")
    assert "policydiff.gui.main_window" in graph and graph["policydiff.gui.actions"]
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_model_does_not_import_the_section_builder() -> None:
    graph = _graph("core")
    assert "policydiff.core.sections" not in graph["policydiff.core.model"]
    assert _cycle({k: v for k, v in graph.items() if k in ("policydiff.core.model", "policydiff.core.sections",
                                                         "policydiff.core.numbering")}) is None
