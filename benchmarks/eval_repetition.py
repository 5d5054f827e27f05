"""Repetition is not ambiguity: on the scaled NEC documents of ``bench_engine.py`` (the sections of
NEC 2002 repeated N times against those of NEC 2024 repeated N times, each copy renumbered,
shuffled and lightly edited), every section that pairs should pair with a section of its own copy,
and each copy should pair as the single pair does.

Run:  .venv/bin/python benchmarks/eval_repetition.py [--factors 1 10 100] [--engine rules fitted]

For each factor and engine: the old sections paired, how many of those pairs stay in their own copy
(the copy is read from the heading number the benchmark writes, ``copy.n``: an evaluation label,
never read by the engine), and how many copies pair exactly as that copy alone does (the old copy's
text against the new copy's text, compared on their own: the same old titles with the same new
titles; each copy is shuffled and edited its own way, so each has its own pairs).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import NEC_NEW, NEC_OLD, scaled_copy  # noqa: E402

from policydiff.core import align  # noqa: E402
from policydiff.core.model import Document  # noqa: E402
from policydiff.core.structure import parse_document  # noqa: E402


def copy_and_title(document: Document, index: int) -> tuple[int, str]:
    """The copy a section of a scaled document belongs to, and its title without the copy's marks."""
    section = document.flat()[index]
    copy = int(section.number.split(".")[0]) if section.number else 0
    title = section.bare_title.rsplit(" (part ", 1)[0]
    return copy, title


def scaled_texts(factor: int) -> tuple[str, str]:
    return scaled_copy(NEC_OLD, factor, seed=1, edit=False), scaled_copy(NEC_NEW, factor, seed=2, edit=True)


def scaled(factor: int) -> tuple[Document, Document]:
    old_text, new_text = scaled_texts(factor)
    return parse_document(old_text, name="old.md"), parse_document(new_text, name="new.md")


def one_copy(text: str, copy: int) -> Document:
    """The document head and the sections of one copy of a scaled document, on their own."""
    head, *sections = re.split(r"(?m)^(?=## \d)", text)
    mine = [s for s in sections if s.startswith(f"## {copy}.")]
    return parse_document(head + "".join(mine), name=f"copy{copy}.md")


def pairs_by_copy(old: Document, new: Document) -> tuple[int, int, dict[int, set[tuple[str, str]]]]:
    """(pairs of content sections, of which in their own copy, copy -> {(old title, new title)})."""
    alignment = align.align(old, new)
    total = own = 0
    per_copy: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for match in alignment.matches:
        if match.old_index == 0 or match.new_index == 0:
            continue
        (copy_old, title_old), (copy_new, title_new) = copy_and_title(old, match.old_index), copy_and_title(
            new, match.new_index
        )
        total += 1
        if copy_old == copy_new:
            own += 1
            per_copy[copy_old].add((title_old, title_new))
    return total, own, per_copy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    args = parser.parse_args()
    engine = "fitted"
    for factor in args.factors:
        old_text, new_text = scaled_texts(factor)
        old, new = parse_document(old_text, name="old.md"), parse_document(new_text, name="new.md")
        start = time.process_time()
        total, own, per_copy = pairs_by_copy(old, new)
        cpu = time.process_time() - start
        as_alone = same_pairs = alone_pairs = 0
        for copy in range(1, factor + 1):
            alone = pairs_by_copy(one_copy(old_text, copy), one_copy(new_text, copy))[2].get(copy, set())
            as_alone += per_copy.get(copy, set()) == alone
            same_pairs += len(per_copy.get(copy, set()) & alone)
            alone_pairs += len(alone)
        n_old = len(old.flat()) - 1
        print(
            f"{engine:6} x{factor:<3}: {total} pairs for {n_old} old sections; {own} in their own copy, "
            f"{total - own} across copies; {as_alone}/{factor} copies pair as the copy alone does "
            f"({same_pairs} of its {alone_pairs} pairs made); align {cpu:.2f} s CPU",
            flush=True,
        )


if __name__ == "__main__":
    main()
