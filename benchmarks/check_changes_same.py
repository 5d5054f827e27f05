"""The ``changes`` of ``--json`` on many real pairs, written to a file or checked against one: proof
that a change to how changes are computed (speed, not meaning) gives the same output.

    python benchmarks/check_changes_same.py --write before.json    # on the old code
    python benchmarks/check_changes_same.py --check before.json    # on the new code

The pairs: the NEC showcase pair (a near-total rewrite), NEC 2024 against itself with one modal
verb swapped, the older web extracts of ``corpus/extra`` (each company's two versions), and from
the shared Open Terms Archive corpus each document's first against its latest version and every
step of the documents kept with their whole history. Pairs whose files are absent are skipped
(and named), so the check runs beside a bare clone too.

    python benchmarks/check_changes_same.py --scan-against old_changes.py

compares the text scanning itself (signal terms and sentences) with another version of
``policydiff/core/changes.py``, on every real text (corpus, its extras, the Open Terms Archive
versions), each of its sentences, and random cuts of it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

from policydiff.core import changes
from policydiff.core.compare import compare
from policydiff.core.load import load_document
from policydiff.core.serialize import change_json
from policydiff.core.structure import parse_document

ROOT = Path(__file__).resolve().parent.parent
OTA = ROOT.parent / "shared" / "corpus-ota"


def pairs(ota: Path) -> Iterator[tuple[str, Path, Path]]:
    corpus = ROOT / "corpus"
    yield "nec", corpus / "nec-2002.md", corpus / "nec-2024.txt"
    by_company: dict[str, list[Path]] = defaultdict(list)
    for path in sorted((corpus / "extra").glob("*.md")):
        by_company[path.name.split("-", 1)[0]].append(path)
    for company, paths in sorted(by_company.items()):
        if len(paths) >= 2:
            yield f"extra/{company}", paths[0], paths[-1]
    for document in sorted(p for p in ota.glob("*/*") if p.is_dir()):
        versions = sorted(document.glob("*.md"))
        name = f"ota/{document.parent.name}/{document.name}"
        if len(versions) >= 2:
            yield f"{name}: first -> latest", versions[0], versions[-1]
        if len(versions) > 2:
            for old, new in zip(versions, versions[1:]):
                yield f"{name}: {old.stem} -> {new.stem}", old, new


def changes_of(old_path: Path, new_path: Path) -> list[dict[str, Any]]:
    return [change_json(c) for c in compare(load_document(str(old_path)), load_document(str(new_path))).changes]


def small_edit() -> list[dict[str, Any]]:
    path = ROOT / "corpus" / "nec-2024.txt"
    text = path.read_text(encoding="utf-8")
    old = parse_document(text, name=path.name)
    new = parse_document(text.replace(" may ", " will ", 1), name=path.name)
    return [change_json(c) for c in compare(old, new).changes]


def scan_against(path: Path, ota: Path) -> int:
    spec = importlib.util.spec_from_file_location("changes_against", path)
    assert spec is not None and spec.loader is not None
    other = importlib.util.module_from_spec(spec)
    sys.modules["changes_against"] = other  # dataclasses look their module up
    spec.loader.exec_module(other)
    files = [*sorted((ROOT / "corpus").rglob("*.md")), *sorted((ROOT / "corpus").rglob("*.txt")),
             *sorted(ota.rglob("*.md"))]
    rng = random.Random(22)
    texts = differ = 0
    for file in files:
        text = file.read_text(encoding="utf-8")
        pieces = [text, *(text[s:e] for s, e in other.sentence_spans(text))]
        for _ in range(50):
            at = rng.randrange(len(text) + 1)
            pieces.append(text[at : at + rng.randrange(400)])
        for piece in pieces:
            texts += 1
            if changes.text_hits(piece).hits != other.text_hits(piece).hits or (
                changes.sentence_spans(piece) != other.sentence_spans(piece)
            ):
                differ += 1
                print(f"DIFFERENT in {file.relative_to(file.parents[2])}: {piece[:200]!r}")
    print(f"{len(files)} files, {texts} texts (whole, sentences, random cuts): {differ} differ")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--write", type=Path, help="write every pair's changes to this JSON file")
    what.add_argument("--check", type=Path, help="compare every pair's changes with this JSON file")
    what.add_argument("--scan-against", type=Path, help="compare the text scanning with this changes.py")
    parser.add_argument("--ota", type=Path, default=OTA, help="the Open Terms Archive corpus folder")
    args = parser.parse_args()
    if args.scan_against:
        sys.exit(scan_against(args.scan_against, args.ota))
    found: dict[str, list[dict[str, Any]]] = {"nec: one edit": small_edit()}
    for name, old, new in pairs(args.ota):
        if not (old.exists() and new.exists()):
            print(f"skipped (absent): {name}", file=sys.stderr)
            continue
        found[name] = changes_of(old, new)
    total = sum(map(len, found.values()))
    if args.write:
        args.write.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{len(found)} pairs, {total} changes written to {args.write}")
        return
    expected = json.loads(args.check.read_text(encoding="utf-8"))
    differ = [name for name in expected.keys() | found.keys() if expected.get(name) != found.get(name)]
    for name in sorted(differ):
        old_list, new_list = expected.get(name, []), found.get(name, [])
        first = next((k for k, (a, b) in enumerate(zip(old_list, new_list)) if a != b), min(len(old_list), len(new_list)))
        print(f"DIFFERENT {name}: {len(old_list)} -> {len(new_list)} changes, first difference at change {first}")
        for side, items in (("before", old_list), ("after ", new_list)):
            if first < len(items):
                print(f"  {side}: {json.dumps(items[first], ensure_ascii=False)[:400]}")
    print(f"{len(found)} pairs, {total} changes: {len(differ)} pairs differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
