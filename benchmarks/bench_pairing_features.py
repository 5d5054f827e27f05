"""Time the pairing's features against another checkout of policydiff (e.g. the commit before
they were computed as arrays), in the same run: alternating fresh processes, CPU medians.

Run:  .venv/bin/python benchmarks/bench_pairing_features.py --baseline DIR
                       [--sizes 1000 2000 5000 10000] [--runs 3] [--nec-runs 5]

DIR is a checkout of the other version (``git worktree add DIR COMMIT``, or ``git archive COMMIT |
tar -x -C DIR``). For each size (``bench_engine.many_sections``, as ``bench_sections.py``): CPU
seconds of the whole comparison and of its parts (loading, the candidate search,
``pairing.score_candidates``: the features and both stages' scores, the word diffs), and the
process's peak memory (VmHWM); then the growth exponent of each
version's whole comparison over the sizes. Last, the NEC pair in process: the median CPU time
of one comparison, repeated in one process after a first, warm-up one (median over processes).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import NEC_NEW, NEC_OLD  # noqa: E402
from bench_sections import PEAK_MB, TIMED, exponent, write_sections  # noqa: E402

_SECTIONS = """
import json, sys, time
sys.path.insert(0, {root!r})
from policydiff.core import compare as comparing, pairing
from policydiff.core.load import load_document
{peak_mb}spent = {{"features": 0.0, "search": 0.0, "diffs": 0.0}}
{timed}pairing.score_candidates = timed("features", pairing.score_candidates)
comparing.similarity_matrix = timed("search", comparing.similarity_matrix)
comparing.diff_words = timed("diffs", comparing.diff_words)
cpu = time.process_time()
old, new = load_document({old!r}), load_document({new!r})
loaded = time.process_time()
comparison = comparing.compare(old, new)
done = time.process_time()
print(json.dumps({{"cpu": done - cpu, "load": loaded - cpu, **spent, "peak_mb": peak_mb(),
    "pairs": [[p.old_index, p.new_index] for p in comparison.pairs]}}))
"""
"""One comparison of generated sections in a fresh process: CPU seconds of the whole (``cpu``)
and of its parts: loading both files (``load``), the candidate search (``search``), the pairing's
features and scores (``features``: ``pairing.score_candidates``), the word diffs of one-to-one
pairs (``diffs``); the peak memory and the pairs made."""

_NEC = """
import json, statistics, sys, time
sys.path.insert(0, {root!r})
from policydiff.core.compare import compare
from policydiff.core.load import load_document
def once():
    start = time.process_time()
    compare(load_document({old!r}), load_document({new!r}))
    return time.process_time() - start
once()
print(json.dumps({{"cpu": statistics.median(once() for _ in range({repeat}))}}))
"""


def run(code: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def median(results: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(r[key]) for r in results)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 2_000, 5_000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nec-runs", type=int, default=5)
    args = parser.parse_args()
    roots = {"baseline": str(args.baseline.resolve()), "this": str(ROOT)}
    whole: dict[str, list[float]] = {name: [] for name in roots}
    print(f"sections per side: CPU s whole (load / search / score_candidates / word diffs), peak MB; "
          f"medians of {args.runs} alternating runs")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            old, new = write_sections(folder, size)
            results: dict[str, list[dict[str, object]]] = {name: [] for name in roots}
            for k in range(args.runs):
                order = list(roots) if k % 2 == 0 else list(reversed(roots))
                for name in order:
                    results[name].append(run(_SECTIONS.format(root=roots[name], old=str(old), new=str(new), peak_mb=PEAK_MB, timed=TIMED)))
            same = results["baseline"][0]["pairs"] == results["this"][0]["pairs"]
            line = [f"  {size:>6,}"]
            for name in roots:
                cpu = median(results[name], "cpu")
                parts = " / ".join(f"{median(results[name], part):.2f}" for part in ("load", "search", "features", "diffs"))
                peak = max(float(r["peak_mb"]) for r in results[name])  # type: ignore[arg-type]
                whole[name].append(cpu)
                line.append(f"{name} {cpu:6.2f} s ({parts}) {peak:5.0f} MB")
            ratio = whole["this"][-1] / whole["baseline"][-1]
            print("  ".join(line) + f"  ratio {ratio:.2f}  pairs identical: {same}", flush=True)
    if len(args.sizes) > 1:
        print("  growth exponent (CPU): " + ", ".join(
            f"{name} {exponent([float(s) for s in args.sizes], whole[name]):.2f}" for name in roots))
    nec: dict[str, list[dict[str, object]]] = {name: [] for name in roots}
    for k in range(args.nec_runs):
        for name in (list(roots) if k % 2 == 0 else list(reversed(roots))):
            nec[name].append(run(_NEC.format(root=roots[name], old=str(NEC_OLD), new=str(NEC_NEW), repeat=9, peak_mb=PEAK_MB)))
    base, this = median(nec["baseline"], "cpu"), median(nec["this"], "cpu")
    print(f"NEC pair in process: baseline {base * 1000:.1f} ms, this {this * 1000:.1f} ms, "
          f"ratio {this / base:.2f} (medians of {args.nec_runs} processes x 9 comparisons)")


if __name__ == "__main__":
    main()
