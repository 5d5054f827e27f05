"""Time the engine (load both files, compare) on inputs that grow: many short lines, a long run of
nested ``[``, many copies of one policy with one word changed. Prints, for each size, the median
wall and CPU seconds, the peak memory, and the growth exponent (the slope of log time over log
size: 1 is linear, 2 quadratic).

Run:  .venv/bin/python benchmarks/bench_scale.py [--runs N] [--million] [--only lines|brackets|copies]

Each measurement runs in a fresh process (peak memory is its own). The targets: 200,000 short lines
compared in 20 s or less, 1,000,000 in 60 s or less (``--million``), time and memory linear. This
machine is shared: the CPU seconds say more than the wall seconds when it is busy.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "corpus" / "qnap-2008.md"

_MEASURE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from policydiff.core.compare import compare
from policydiff.core.load import load_document
def peak_mb():
    # VmHWM is this program's own peak; ru_maxrss also keeps the peak of the process it was forked from.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
wall, cpu = time.perf_counter(), time.process_time()
comparison = compare(load_document({old!r}), load_document({new!r}))
words = comparison.stats.words
print(json.dumps({{
    "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
    "peak_mb": peak_mb(),
    "inserted": words.words_inserted, "deleted": words.words_deleted,
    "omitted": len(comparison.old.omitted),
}}))
"""


def short_lines(count: int) -> tuple[str, str]:
    """``count`` short lines ("share 17 policy"); the new version adds one word to the middle line."""
    rng = random.Random(count)
    words = "data user service may share information account we you policy law right".split()
    lines = [f"{rng.choice(words)} {k} {rng.choice(words)}" for k in range(count)]
    old = "\n".join(lines) + "\n"
    lines[count // 2] += " changed"
    return old, "\n".join(lines) + "\n"


def nested_brackets(count: int) -> tuple[str, str]:
    """A line of ``count`` ``[`` before a word that the new version changes."""
    return f"Intro text\n\n{'[' * count} word\n", f"Intro text\n\n{'[' * count} ward\n"


def copies(count: int) -> tuple[str, str]:
    """``count`` copies of one policy one after another; the new version changes one word of the
    middle copy."""
    text = POLICY.read_text(encoding="utf-8")
    old = "\n".join([text] * count)
    middle = [text] * count
    at = text.index(" personal ") + 1
    middle[count // 2] = text[:at] + "private" + text[at + len("personal") :]
    return old, "\n".join(middle)


CASES: dict[str, tuple[Callable[[int], tuple[str, str]], list[int], str]] = {
    "lines": (short_lines, [25_000, 50_000, 100_000, 200_000], ".txt"),
    "brackets": (nested_brackets, [25_000, 50_000, 100_000], ".txt"),
    "copies": (copies, [15, 30, 60, 120], ".md"),
}


def measure(old: Path, new: Path) -> dict[str, float]:
    code = _MEASURE.format(root=str(ROOT), old=str(old), new=str(new))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


def exponent(sizes: list[float], times: list[float]) -> float:
    """Least-squares slope of log(time) over log(size)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(max(t, 1e-6)) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per size under 1 MB (median)")
    parser.add_argument("--million", action="store_true", help="also 1,000,000 short lines")
    parser.add_argument("--only", choices=sorted(CASES), action="append")
    args = parser.parse_args()
    if args.million:
        CASES["lines"][1].append(1_000_000)
    with tempfile.TemporaryDirectory() as folder:
        for name in args.only or list(CASES):
            make, sizes, suffix = CASES[name]
            print(f"\n{name}: size, MB (both files), median wall s, median CPU s, peak MB, words +/-")
            walls, cpus, measured = [], [], []
            for size in sizes:
                old_text, new_text = make(size)
                old, new = Path(folder, f"old{suffix}"), Path(folder, f"new{suffix}")
                old.write_text(old_text, encoding="utf-8")
                new.write_text(new_text, encoding="utf-8")
                megabytes = (len(old_text) + len(new_text)) / 1e6
                runs = args.runs if megabytes < 1 else 1
                results = [measure(old, new) for _ in range(runs)]
                wall = statistics.median(r["wall"] for r in results)
                cpu = statistics.median(r["cpu"] for r in results)
                last = results[-1]
                print(
                    f"  {size:>9,}  {megabytes:6.1f}  {wall:7.2f}  {cpu:7.2f}  {last['peak_mb']:7.0f}"
                    f"  +{last['inserted']:,} -{last['deleted']:,}",
                    flush=True,
                )
                walls.append(wall)
                cpus.append(cpu)
                measured.append(size)
            if len(measured) > 1:
                print(f"  growth exponent: wall {exponent(measured, walls):.2f}, CPU {exponent(measured, cpus):.2f}")


if __name__ == "__main__":
    main()
