"""Pairing accuracy on hand-labelled version pairs (tests/core/labelled/pairs/<slug>/).

Run:  .venv/bin/python benchmarks/eval_alignment.py [--no-concepts] [--verbose] [DIR]

Each pair directory holds ``old.md``, ``new.md`` and ``pairs.json``: one entry per old section in
reading order, ``{"old": "heading", "new": ["heading", ...]}`` (``[]`` = removed), plus
``"added": [...]``. A heading that repeats is written "Text #2". Sections are matched by
normalised heading text (lowercase, alphanumeric words only), with or without their numbering.

Accuracy counts one point per labelled old section whose predicted set of new sections equals the
labelled set, and one per labelled added section predicted as added; a labelled heading the
structure recovery does not find counts as wrong (and is listed with ``--verbose``). The
labellers' README marks some pairs as held out: the report keeps them apart, and nothing in the
engine may be tuned on them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policydiff.core.compare import compare  # noqa: E402
from policydiff.core.load import load_document  # noqa: E402
from policydiff.core.model import Comparison, Document  # noqa: E402
from policydiff.core.sections import split_number, strip_number  # noqa: E402

LABELLED = ROOT / "tests" / "core" / "labelled"
_WORD = re.compile(r"[^\W_]+")
_OCCURRENCE = re.compile(r"\s+#(\d+)\s*$")


def normalise(heading: str) -> str:
    return " ".join(_WORD.findall(heading.lower()))


def split_occurrence(label: str) -> tuple[str, int]:
    m = _OCCURRENCE.search(label)
    return (label[: m.start()], int(m.group(1))) if m else (label, 1)


class HeadingIndex:
    """Finds a labelled heading among a document's recovered sections (flat indices)."""

    def __init__(self, document: Document) -> None:
        self.full: dict[str, list[int]] = {}
        self.bare: dict[str, list[int]] = {}
        self.numbers: dict[int, str | None] = {}
        for i, section in enumerate(document.flat()):
            if i == 0 or not section.title:
                continue
            self.full.setdefault(normalise(section.title), []).append(i)
            self.bare.setdefault(normalise(strip_number(section.title)), []).append(i)
            self.numbers[i] = split_number(section.title)[0]

    def find(self, label: str) -> int | None:
        text, n = split_occurrence(label)
        found = self.full.get(normalise(text))
        if found and len(found) >= n:
            return found[n - 1]
        # Numbering written differently ("1." against "1"), or a label without its number: the
        # bare heading, unless both carry numbers that differ.
        number, bare = split_number(text)
        found = [
            i for i in self.bare.get(normalise(bare), [])
            if number is None or self.numbers[i] is None or normalise(self.numbers[i]) == normalise(number)
        ]
        return found[n - 1] if len(found) >= n else None


@dataclass
class PairResult:
    slug: str
    held_out: bool
    points: int = 0
    total: int = 0
    missing_headings: list[str] = field(default_factory=list)
    unrecovered: list[str] = field(default_factory=list)
    """Labelled entries (old section or added section) with a heading the structure missed."""
    errors: list[str] = field(default_factory=list)
    kinds: dict[str, list[int]] = field(default_factory=dict)
    """Points and total per kind of labelled decision (``label_kind``)."""

    @property
    def accuracy(self) -> float:
        return self.points / self.total if self.total else 1.0


def held_out_slugs(directory: Path) -> set[str]:
    """Slugs the labellers' README marks as held out (a line naming the slug and 'held-out')."""
    readme = directory / "pairs" / "README.md"
    if not readme.exists():
        readme = directory / "README.md"
    if not readme.exists():
        return set()
    slugs = {p.name for p in (directory / "pairs").iterdir() if p.is_dir()}
    text = readme.read_text(encoding="utf-8")
    held: set[str] = set()
    # Either a line per pair ("slug ... held-out"), or a "Held-out" heading followed by a list.
    in_section = False
    for line in text.splitlines():
        lower = line.lower()
        if line.lstrip().startswith("#"):
            in_section = "held" in lower and "out" in lower
            continue
        named = {s for s in slugs if s in line}
        if named and (in_section or re.search(r"held[- ]?out", lower)):
            held |= named
    return held


def _count_kind(result: PairResult, kind: str, right: bool) -> None:
    tally = result.kinds.setdefault(kind, [0, 0])
    tally[0] += int(right)
    tally[1] += 1


def label_kind(entry: dict[str, object] | None) -> str:
    """The kind of a labelled decision, read from the label alone: same title, renamed, split (two or
    more partners), removed, or added (``None``: an entry of ``added``). Titles compare normalised,
    without numbering or occurrence marks."""
    if entry is None:
        return "added"
    partners = entry["new"]
    assert isinstance(partners, list)
    if not partners:
        return "removed"
    if len(partners) > 1:
        return "split"
    def bare(label: object) -> str:
        return normalise(strip_number(split_occurrence(str(label))[0]))
    return "same title" if bare(entry["old"]) == bare(partners[0]) else "renamed"


def evaluate_pair(directory: Path, held_out: bool, comparison: Comparison | None = None) -> PairResult:
    labels = json.loads((directory / "pairs.json").read_text(encoding="utf-8"))
    if comparison is None:
        comparison = compare(load_document(directory / "old.md"), load_document(directory / "new.md"))
    old_index, new_index = HeadingIndex(comparison.old), HeadingIndex(comparison.new)
    predicted: dict[int, set[int]] = {}
    paired_new: set[int] = set()
    for pair in comparison.pairs:
        if pair.old_index is not None:
            predicted.setdefault(pair.old_index, set())
            if pair.new_index is not None:
                predicted[pair.old_index].add(pair.new_index)
        if pair.old_index is not None and pair.new_index is not None:
            paired_new.add(pair.new_index)
    result = PairResult(directory.name, held_out)
    old_flat, new_flat = comparison.old.flat(), comparison.new.flat()
    for entry in labels["pairs"]:
        result.total += 1
        before = result.points
        try:
            i = old_index.find(entry["old"])
            wanted = [new_index.find(label) for label in entry["new"]]
            missing = [entry["old"]] if i is None else []
            missing += [label for label, j in zip(entry["new"], wanted) if j is None]
            if missing:
                result.missing_headings += missing
                result.unrecovered.append(entry["old"])
                result.errors.append(f"{entry['old']!r}: heading not recovered: {missing}")
                continue
            got = predicted.get(i, set())
            if got == set(wanted):
                result.points += 1
            else:
                def names(js: set[int]) -> list[str]:
                    return [new_flat[j].title for j in sorted(js)]
                result.errors.append(
                    f"{old_flat[i].title!r}: predicted {names(got)}, labelled {names(set(wanted))}"  # type: ignore[arg-type]
                )
        finally:
            _count_kind(result, label_kind(entry), result.points > before)
    for label in labels.get("added", []):
        result.total += 1
        j = new_index.find(label)
        _count_kind(result, "added", j is not None and j not in paired_new)
        if j is None:
            result.missing_headings.append(label)
            result.unrecovered.append(label)
            result.errors.append(f"added {label!r}: heading not recovered")
        elif j in paired_new:
            partners = [p.old.title for p in comparison.pairs if p.new_index == j and p.old is not None]
            result.errors.append(f"added {new_flat[j].title!r}: predicted paired with {partners}")
        else:
            result.points += 1
    return result


def evaluate(directory: Path = LABELLED, only: str | None = None) -> list[PairResult]:
    held = held_out_slugs(directory)
    pairs_dir = directory / "pairs"
    return [
        evaluate_pair(d, d.name in held)
        for d in sorted(pairs_dir.iterdir())
        if (d / "pairs.json").exists() and (d / "old.md").exists() and (d / "new.md").exists()
        and (only is None or only in d.name)
    ]


def summary(results: list[PairResult]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for name, group in (
        ("tuned", [r for r in results if not r.held_out]),
        ("held-out", [r for r in results if r.held_out]),
        ("overall", results),
    ):
        out[name] = (sum(r.points for r in group), sum(r.total for r in group))
        # The same without the labelled sections whose headings the structure recovery missed:
        # what the alignment itself gets right.
        out[name + " (recovered headings)"] = (
            sum(r.points for r in group),
            sum(r.total - len(r.unrecovered) for r in group),
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", nargs="?", type=Path, default=LABELLED)
    parser.add_argument("--no-concepts", action="store_true", help="align without the concept map")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every wrong section")
    parser.add_argument("--only", metavar="TEXT", help="only the pairs whose folder name contains TEXT")
    parser.add_argument("--kinds", action="store_true",
                        help="points per kind of labelled decision (same title, renamed, split, removed, added)")
    args = parser.parse_args()
    if args.no_concepts:
        from policydiff.core import align

        align.USE_CONCEPTS = False
    results = evaluate(args.directory, args.only)
    for r in results:
        tag = "held-out" if r.held_out else "tuned"
        recovered = r.total - len(r.unrecovered)
        print(f"{r.slug:45} {tag:8} {r.points:3}/{r.total:<3} {r.accuracy:6.1%}"
              f"   of recovered {r.points:3}/{recovered:<3} {r.points / recovered if recovered else 1.0:6.1%}")
        if args.verbose:
            for error in r.errors:
                print(f"      {error}")
        if args.kinds:
            print("      " + "  ".join(f"{kind} {p}/{n}" for kind, (p, n) in sorted(r.kinds.items())))
    for name, (points, total) in summary(results).items():
        print(f"{name:30} {points}/{total} = {points / total if total else 1.0:.1%}")
    if args.kinds:
        for kind in ("same title", "renamed", "split", "removed", "added"):
            p, n = (sum(r.kinds.get(kind, [0, 0])[k] for r in results) for k in (0, 1))
            print(f"kind {kind:25} {p}/{n} = {p / n if n else 1.0:.1%}")


if __name__ == "__main__":
    main()
