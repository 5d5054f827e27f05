"""Cost of classifying the changes (substantive / editorial / cosmetic) against the comparison
itself, on the NEC showcase pair, in one process: medians of alternating runs, in CPU time of the process (steady under other load).

    python benchmarks/bench_changes.py [--runs N]

The target is that classification adds at most 15 % to the comparison. The NEC pair is a
near-total rewrite, every sentence a change: the worst case. ``--small-edit`` measures the common
case instead, NEC 2024 against itself with one modal verb swapped.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from policydiff.core.changes import classify, counts
from policydiff.core.compare import compare
from policydiff.core.load import load_document

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--small-edit", action="store_true", help="NEW = OLD with one 'may' made 'will'")
    parser.add_argument("old", nargs="?", default=str(ROOT / "corpus" / "nec-2002.md"))
    parser.add_argument("new", nargs="?", default=str(ROOT / "corpus" / "nec-2024.txt"))
    args = parser.parse_args()
    old, new = load_document(args.old), load_document(args.new)
    if args.small_edit:
        from policydiff.core.structure import parse_document

        text = Path(args.new).read_text(encoding="utf-8")
        old = parse_document(text, name=Path(args.new).name)
        new = parse_document(text.replace(" may ", " will ", 1), name=Path(args.new).name)
    comparison = compare(old, new)
    classify(comparison)  # warm: lexicons read, regular expressions compiled, stems cached
    compare_times, classify_times = [], []
    for _ in range(args.runs):
        start = time.process_time()
        comparison = compare(old, new)
        middle = time.process_time()
        changes = classify(comparison)
        end = time.process_time()
        compare_times.append(middle - start)
        classify_times.append(end - middle)
    a, b = statistics.median(compare_times), statistics.median(classify_times)
    print(f"{old.name} -> {new.name}{' (one edit)' if args.small_edit else ''}: {len(changes)} changes {counts(changes)}")
    print(f"compare   median {a * 1000:8.1f} ms")
    print(f"classify  median {b * 1000:8.1f} ms   (+{100 * b / a:.1f} % of the comparison; target <= 15 %)")
    ratios = sorted(c / p for p, c in zip(compare_times, classify_times))
    print(f"per-run ratio median {100 * statistics.median(ratios):.1f} %, min {100 * ratios[0]:.1f} %")


if __name__ == "__main__":
    main()
