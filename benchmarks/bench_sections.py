"""Time the comparison of two versions with many short sections (``bench_engine.many_sections``:
a few percent renamed, edited, moved, added and removed) as the number of sections grows, against
`git diff --no-index --word-diff` on the same files in the same run.

Run:  .venv/bin/python benchmarks/bench_sections.py [--sizes 1000 2000 5000 10000] [--runs 3]
                                                    [--profile N]

Each measurement runs in a fresh process: CPU seconds of the whole comparison (load, structure,
candidate search, pairing, word diff) and of its parts, and the process's own peak memory (VmHWM).
git runs alternately with policydiff, and its CPU seconds are those of the child process. Medians
of ``--runs`` runs per size; the growth exponent is the least-squares slope of log CPU time over
log size (1 is linear). ``--profile N`` prints the cProfile of one comparison of N sections instead.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import many_sections  # noqa: E402

PEAK_MB = '''
def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")
'''
"""Source of ``peak_mb()`` for a measuring child process: its peak resident memory (VmHWM), in MB."""

TIMED = '''
def timed(name, function):
    def run(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start
    return run
'''
"""Source of ``timed(name, function)`` for a measuring child process: ``function`` wrapped to add its
CPU time to ``spent[name]`` (a dict the child defines)."""

_MEASURE = """
import json, sys, time
sys.path.insert(0, {root!r})
from policydiff.core import align, compare as comparing
from policydiff.core.load import load_document
{peak_mb}spent = {{"align": 0.0, "search": 0.0}}
{timed}comparing.align = timed("align", comparing.align)
comparing.similarity_matrix = timed("search", comparing.similarity_matrix)
cpu = time.process_time()
old, new = load_document({old!r}), load_document({new!r})
loaded = time.process_time()
comparison = comparing.compare(old, new)
done = time.process_time()
similarity = comparison.similarity
print(json.dumps({{
    "cpu": done - cpu, "load": loaded - cpu, **spent, "peak_mb": peak_mb(),
    "candidates": sum(map(len, similarity.candidates_old.values())),
    "pairs": sum(1 for p in comparison.pairs if p.old is not None and p.new is not None),
}}))
"""
"""One comparison, whole (``cpu``) and its parts: loading both files (``load``), the candidate
search (``search``), the pairing (``align``); the rest is mostly the word diffs."""


def measure(old: Path, new: Path) -> dict[str, float]:
    code = _MEASURE.format(root=str(ROOT), old=str(old), new=str(new), peak_mb=PEAK_MB, timed=TIMED)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


def git_cpu(old: Path, new: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["git", "diff", "--no-index", "--word-diff", str(old), str(new)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def write_sections(folder: str, size: int) -> tuple[Path, Path]:
    """Two versions of ``size`` short sections each (``many_sections``), written into ``folder``."""
    old_text, new_text = many_sections(size, seed=3)
    old, new = Path(folder, "old.md"), Path(folder, "new.md")
    old.write_text(old_text, encoding="utf-8")
    new.write_text(new_text, encoding="utf-8")
    return old, new


def exponent(sizes: list[float], times: list[float]) -> float:
    """Least-squares slope of log(time) over log(size)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(max(t, 1e-6)) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def profile(count: int) -> None:
    import cProfile
    import pstats

    sys.path.insert(0, str(ROOT))
    from policydiff.core.compare import compare
    from policydiff.core.structure import parse_document

    old_text, new_text = many_sections(count, seed=3)
    old, new = parse_document(old_text, name="old.md"), parse_document(new_text, name="new.md")
    profiler = cProfile.Profile()
    profiler.enable()
    compare(old, new)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 2_000, 5_000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    if args.profile:
        profile(args.profile)
        return
    print(f"sections per side, CPU s (load / search / align / the rest), peak MB, "
          f"git CPU s, ratio; medians of {args.runs}")
    cpus: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            old, new = write_sections(folder, size)
            ours, peers = [], []
            for _ in range(args.runs):  # alternately, so both see the same load
                ours.append(measure(old, new))
                peers.append(git_cpu(old, new))
            total = statistics.median(r["cpu"] for r in ours)
            parts = {k: statistics.median(r[k] for r in ours) for k in ("load", "search", "align")}
            rest = total - sum(parts.values())
            peer = statistics.median(peers)
            peak = max(r["peak_mb"] for r in ours)
            print(f"  {size:>6,}  {total:6.2f} s ({parts['load']:.2f} / {parts['search']:.2f} / {parts['align']:.2f}"
                  f" / {rest:.2f})  peak {peak:5.0f} MB  git {peer:.3f} s  ratio {total / max(peer, 1e-3):5.0f}x  "
                  f"candidates {ours[-1]['candidates']:,}", flush=True)
            cpus.append(total)
    if len(cpus) > 1:
        print(f"  growth exponent (CPU): {exponent(args.sizes, cpus):.2f}")


if __name__ == "__main__":
    main()
