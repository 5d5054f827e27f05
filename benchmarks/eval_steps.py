"""Consecutive versions of a long history: does a step report sections removed or merged whose
text neither moved nor went?

Run:  .venv/bin/python benchmarks/eval_steps.py [--document "Facebook/Privacy Policy.md"] [--steps A:B] [-v]

For each step (version k to k+1 of one document of the versions bundle), the declared sections of
both versions are linked as the chained gold links consecutive versions (``chained_gold.link_step``:
equal unique title with alike bodies, or mutual containment of >= 0.8 of the shingles). A linked
section's text *really* stayed: it neither moved into another section nor went. policydiff compares
the two versions; a section it reports **removed** (paired with nothing) or **merged** (one of
several old sections in one new section) although the gold links it is a *spurious* report. A step
fails when it has more than ``HANDFUL`` spurious reports.

A merge is spurious for a linked section only when the text of its group did not move: a linked
old section merged, into its linked new section, with old sections whose headings the next version
no longer declares (the text under a dropped heading runs on in the section before it) is a true
merge, and is counted apart (``merged_dropped``). A merge with a section whose heading is still
declared in the next version, or whose heading policydiff found beyond the declared ones, stays
spurious.

Sections policydiff finds beyond the declared headings are counted in the totals but never as
spurious (the gold cannot say where their text went).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from chained_gold import DEFAULT_BUNDLE, Bundle, DeclaredSection, declared_sections, link_step  # noqa: E402
from policydiff.core.compare import compare  # noqa: E402
from policydiff.core.model import Comparison, Document, Kind  # noqa: E402
from policydiff.core.structure import parse_document  # noqa: E402

HANDFUL = 5
"""A step may report this many removed or merged sections whose text the gold says stayed."""
DEFAULT_DOCUMENT = "Facebook/Privacy Policy.md"


@dataclass
class Step:
    index: int
    """k: the step from version k to k+1 of the file's history."""
    old_commit: str
    new_commit: str
    removed: int = 0
    """Old sections policydiff reports removed."""
    merged: int = 0
    """Old sections policydiff reports as part of a merge."""
    spurious_removed: list[str] = field(default_factory=list)
    spurious_merged: list[str] = field(default_factory=list)
    merged_dropped: list[str] = field(default_factory=list)
    """Linked old sections merged, into their linked new section, with sections whose headings the
    next version dropped: the group's text moved, so no spurious report."""
    gold_linked: int = 0
    """Declared sections of version k the gold links to version k+1."""
    gold_unlinked: int = 0
    """Declared sections of version k the gold does not link (moved, split, merged or gone)."""

    @property
    def spurious(self) -> int:
        return len(self.spurious_removed) + len(self.spurious_merged)

    @property
    def fails(self) -> bool:
        return self.spurious > HANDFUL


def judge_step(index: int, old_commit: str, new_commit: str, old_text: str, new_text: str,
               comparison: Comparison | None = None,
               declared: tuple[list[DeclaredSection], list[DeclaredSection]] | None = None) -> Step:
    """One step judged: the gold's links between the declared sections of the two texts against
    policydiff's comparison of them (computed here unless given)."""
    old_declared, new_declared = declared or (declared_sections(old_text), declared_sections(new_text))
    links = link_step(old_declared, new_declared)
    step = Step(index, old_commit, new_commit, gold_linked=len(links),
                gold_unlinked=len(old_declared) - len(links))
    if comparison is None:
        comparison = compare(parse_document(old_text, name="old.md"), parse_document(new_text, name="new.md"))
    linked_lines = {old_declared[i].line for i in links}
    linked_to = {old_declared[i].line: new_declared[link.new].line for i, link in links.items()}
    new_keys = {s.key for s in new_declared}
    dropped_lines = {s.line for s in old_declared if s.key not in new_keys}
    old_flat = comparison.old.flat()
    new_flat = comparison.new.flat()
    paired: set[int] = set()
    merged: set[int] = set()
    moved_with_dropped: set[int] = set()
    for p in comparison.pairs:
        if p.old_index is None or p.new_index is None:
            continue
        paired.add(p.old_index)
        if p.kind is Kind.MERGED or len(p.old_group) > 1:
            merged.add(p.old_index)
            others = [old_flat[k].line for k in p.old_group if k != p.old_index]
            if (linked_to.get(old_flat[p.old_index].line) == new_flat[p.new_index].line
                    and others and all(line in dropped_lines for line in others)):
                moved_with_dropped.add(p.old_index)
    for i, section in enumerate(old_flat):
        if i == 0:
            continue
        title = section.title
        if i not in paired:
            step.removed += 1
            if section.line in linked_lines:
                step.spurious_removed.append(title)
        elif i in merged:
            step.merged += 1
            if i in moved_with_dropped:
                step.merged_dropped.append(title)
            elif section.line in linked_lines:
                step.spurious_merged.append(title)
    return step


def steps_of(bundle: Bundle, path: str, start: int = 0, stop: int | None = None) -> list[Step]:
    """Judge the steps ``start .. stop-1`` of a document's history (version k to k+1).

    A step whose two parsed section lists are those of the step before (a change of markup or
    links only) reuses that step's comparison."""
    versions = bundle.versions(path)
    stop = len(versions) - 1 if stop is None else min(stop, len(versions) - 1)
    out: list[Step] = []
    last_key: tuple[object, object] | None = None
    last: Comparison | None = None
    prev_text = bundle.text(versions[start].commit, path)
    prev_doc: Document = parse_document(prev_text, name="old.md")
    prev_declared = declared_sections(prev_text)
    for k in range(start, stop):
        text = bundle.text(versions[k + 1].commit, path)
        if text == prev_text:
            doc, declared = prev_doc, prev_declared
        else:
            doc, declared = parse_document(text, name="new.md"), declared_sections(text)
        key = (prev_doc.flat(), doc.flat())
        if key != last_key or last is None:
            last_key, last = key, compare(prev_doc, doc)
        out.append(judge_step(k, versions[k].commit, versions[k + 1].commit, prev_text, text, last,
                              (prev_declared, declared)))
        prev_text, prev_doc, prev_declared = text, doc, declared
    return out


def report(path: str, steps: Sequence[Step], verbose: bool = False) -> str:
    failing = [s for s in steps if s.fails]
    lines = [
        f"{path}: {len(steps)} steps; policydiff reports {sum(s.removed for s in steps)} removed and "
        f"{sum(s.merged for s in steps)} merged sections; spurious (gold-linked) "
        f"{sum(len(s.spurious_removed) for s in steps)} removed, {sum(len(s.spurious_merged) for s in steps)} merged "
        f"(and {sum(len(s.merged_dropped) for s in steps)} linked sections merged with sections whose headings went); "
        f"gold-unlinked declared sections {sum(s.gold_unlinked for s in steps)}; "
        f"steps with more than {HANDFUL} spurious: {len(failing)}"
    ]
    worst = sorted(steps, key=lambda s: -s.spurious)[:5]
    for s in worst if verbose else []:
        if s.spurious:
            lines.append(f"  step {s.index} ({s.old_commit[:8]}..{s.new_commit[:8]}): removed {s.removed} "
                         f"merged {s.merged}, spurious {len(s.spurious_removed)} removed + "
                         f"{len(s.spurious_merged)} merged, gold unlinked {s.gold_unlinked}: "
                         + "; ".join((s.spurious_removed + s.spurious_merged)[:6]))
    for s in failing:
        lines.append(f"  FAILS step {s.index} {s.old_commit[:8]}..{s.new_commit[:8]}: "
                     f"{len(s.spurious_removed)} removed + {len(s.spurious_merged)} merged spurious")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--document", action="append", help=f"a document of the bundle (default {DEFAULT_DOCUMENT}); "
                        "'all' for every document")
    parser.add_argument("--steps", default=":", help="A:B, the steps from version A to B (default all)")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    a, _, b = args.steps.partition(":")
    with Bundle(args.bundle) as bundle:
        documents = args.document or [DEFAULT_DOCUMENT]
        if documents == ["all"]:
            documents = bundle.documents()
        for path in documents:
            steps = steps_of(bundle, path, int(a or 0), int(b) if b else None)
            print(report(path, steps, args.verbose), flush=True)


if __name__ == "__main__":
    main()
