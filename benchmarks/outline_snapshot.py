"""Snapshot the ``--outline`` JSON of every document here, and diff two snapshots.

    python benchmarks/outline_snapshot.py save SNAPSHOT.json   # outlines of the code as it is
    python benchmarks/outline_snapshot.py diff SNAPSHOT.json   # what changed since the snapshot
    python benchmarks/outline_snapshot.py diff SNAPSHOT.json --verdicts-only   # rule names aside

Documents: the corpus (seeds and extracts), the labelled outlines and pairs, and the shared seeds and
corpora beside the repository when present. A refactor of structure recovery saves a snapshot
before and diffs after: every changed title, section or decision is printed, so an outline never
gets worse unnoticed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from policydiff.core.load import load_document
from policydiff.core.serialize import document_outline

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PLACES = [ROOT / "corpus", ROOT / "tests" / "core" / "labelled", SHARED / "seeds", SHARED / "corpus-extra",
          SHARED / "corpus-ota"]


def documents() -> list[Path]:
    found: list[Path] = []
    for place in PLACES:
        if place.is_dir():
            found += sorted(p for p in place.rglob("*") if p.suffix in (".md", ".txt", ".html")
                            and p.name != "README.md")
    return found


def outlines() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in documents():
        name = str(path.relative_to(ROOT.parent))
        try:
            outline = document_outline(load_document(path))
        except Exception as error:  # noqa: BLE001 - a crash is an outline too, to be compared
            outline = {"error": f"{type(error).__name__}: {error}"}
        outline.pop("path", None)
        out[name] = outline
    return out


def flat(outline: dict[str, Any]) -> list[str]:
    rows = [f"title {outline.get('title')!r}"] if "error" not in outline else [f"ERROR {outline['error']}"]
    stack = [(s, 0) for s in reversed(outline.get("sections", []))]
    while stack:
        section, depth = stack.pop()
        rows.append(f"{'  ' * depth}{section['title']} @{section['line']}")
        stack += [(c, depth + 1) for c in reversed(section["children"])]
    return rows


def main() -> int:
    command, snapshot = sys.argv[1], Path(sys.argv[2])
    current = outlines()
    if command == "save":
        snapshot.write_text(json.dumps(current, ensure_ascii=False, indent=0), encoding="utf-8")
        print(f"{len(current)} outlines saved")
        return 0
    before = json.loads(snapshot.read_text(encoding="utf-8"))
    changed = 0
    for name in sorted(set(before) | set(current)):
        old, new = before.get(name), current.get(name)
        if "--verdicts-only" in sys.argv:  # rule names may change in a refactor; verdicts may not
            old, new = (None if o is None else {**o, "decisions": [[d["line"], d["text"], d["heading"]]
                                                                    for d in o.get("decisions", [])]}
                        for o in (old, new))
        if old == new:
            continue
        changed += 1
        print(f"== {name}")
        if old is None or new is None:
            print("   only in", "the snapshot" if new is None else "the current code")
            continue
        import difflib

        for line in difflib.unified_diff(flat(old), flat(new), lineterm="", n=0):
            if not line.startswith(("---", "+++", "@@")):
                print("  ", line)
        for key in ("omitted", "decisions", "date", "source", "archived"):
            if old.get(key) != new.get(key):
                gone = [json.dumps(x, ensure_ascii=False) for x in old.get(key) or [] if x not in (new.get(key) or [])]
                came = [json.dumps(x, ensure_ascii=False) for x in new.get(key) or [] if x not in (old.get(key) or [])]
                print(f"   {key}: {len(gone)} gone, {len(came)} new")
                for x in gone[:6]:
                    print("     -", x[:150])
                for x in came[:6]:
                    print("     +", x[:150])
    print(f"{changed} of {len(current)} outlines changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
