"""Cost of classifying the changes (substantive / editorial / cosmetic) against the comparison
itself, on the NEC showcase pair, in one process: medians of alternating runs, in CPU time of the
process (steady under other load).

    python benchmarks/bench_changes.py [--runs N] [--small-edit] [--against OLD_CHANGES_PY]
                                       [--against-model OLD_CHANGE_MODEL_PY]

The target is that classification adds at most 15 % to the comparison. The NEC pair is a
near-total rewrite, every sentence a change: the worst case. ``--small-edit`` measures the common
case instead, NEC 2024 against itself with one modal verb swapped. ``--against`` also times
another version of ``policydiff/core/changes.py`` (``git show main:policydiff/core/changes.py >
old.py``) in the same runs, alternating with this one, each on a comparison of its own;
``--against-model OLD_CHANGE_MODEL_PY`` gives it its own ``change_model.py`` too (else it uses
this one's, and a change to the model shows on both sides).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Callable

from policydiff.core.changes import classify, counts
from policydiff.core.compare import compare
from policydiff.core.load import load_document

ROOT = Path(__file__).resolve().parent.parent


def load_module(path: Path, name: str = "changes_against") -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--small-edit", action="store_true", help="NEW = OLD with one 'may' made 'will'")
    parser.add_argument("--against", type=Path, help="another changes.py to time in the same runs")
    parser.add_argument("--against-model", type=Path,
                        help="the change_model.py that --against is to use (else this one's)")
    parser.add_argument("old", nargs="?", default=str(ROOT / "corpus" / "nec-2002.md"))
    parser.add_argument("new", nargs="?", default=str(ROOT / "corpus" / "nec-2024.txt"))
    args = parser.parse_args()
    old, new = load_document(args.old), load_document(args.new)
    if args.small_edit:
        from policydiff.core.structure import parse_document

        text = Path(args.new).read_text(encoding="utf-8")
        old = parse_document(text, name=Path(args.new).name)
        new = parse_document(text.replace(" may ", " will ", 1), name=Path(args.new).name)
    classifiers: dict[str, Callable[..., object]] = {"classify": classify}
    if args.against:
        against = load_module(args.against)
        if args.against_model:
            against.change_model = load_module(args.against_model, "change_model_against")
        classifiers[f"against ({args.against.name})"] = against.classify
    for run in classifiers.values():
        run(compare(old, new))  # warm: lexicons read, regular expressions compiled, stems cached
    compare_times: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in classifiers}
    changes = classify(compare(old, new))
    for _ in range(args.runs):
        start = time.process_time()
        comparison = compare(old, new)
        compare_times.append(time.process_time() - start)
        for name, run in classifiers.items():
            fresh = compare(old, new) if name != "classify" else comparison  # nothing cached on it
            start = time.process_time()
            run(fresh)
            times[name].append(time.process_time() - start)
    a = statistics.median(compare_times)
    print(f"{old.name} -> {new.name}{' (one edit)' if args.small_edit else ''}: {len(changes)} changes {counts(changes)}")
    print(f"compare   median {a * 1000:8.1f} ms")
    for name, found in times.items():
        b = statistics.median(found)
        print(f"{name:9} median {b * 1000:8.1f} ms   (+{100 * b / a:.1f} % of the comparison; target <= 15 %)")
    ratios = sorted(c / p for p, c in zip(compare_times, times["classify"]))
    print(f"per-run ratio median {100 * statistics.median(ratios):.1f} %, min {100 * ratios[0]:.1f} %")
    if args.against:
        mine, theirs = times["classify"], next(v for k, v in times.items() if k != "classify")
        print(f"classify / against: {statistics.median(mine) / statistics.median(theirs):.2f} "
              f"(per run median {statistics.median(m / t for m, t in zip(mine, theirs)):.2f})")


if __name__ == "__main__":
    main()
