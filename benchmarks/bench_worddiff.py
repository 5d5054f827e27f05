"""Median timings of ``diff_words``, pure-Python vs accelerated back end, against their targets.

Run: ``.venv/bin/python benchmarks/bench_worddiff.py [runs]`` (default 5 runs per case).

Wall time and CPU time of this process are both reported; a target is a bound on CPU time (our
work, not a busy machine's). The exit status is 1 when a case is over its target. These bounds
used to be test assertions; they live here because no test may depend on how fast the machine is.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from policydiff.core.worddiff import ACCELERATED, diff_words

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def unrelated_text(seed: int, size: int = 40_000) -> str:
    """Deterministic prose-like text of ``size`` characters from a seeded 2 000-word vocabulary."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 10))) for _ in range(2000)]
    words: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(vocab)
        if rng.random() < 0.06:
            word += rng.choice(".,;")
        if rng.random() < 0.01:
            word += "\n\n"
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:size]


UNRELATED = "two unrelated 40 KB texts"

CPU_TARGETS: dict[str, float] = {UNRELATED: 2.0}
"""Seconds of CPU time one ``diff_words`` call may take, per case, on either back end."""


def median_time(old: str, new: str, accelerate: bool, runs: int) -> tuple[float, float, str | None]:
    """Median wall seconds, median CPU seconds of this process, and the last result's ``coarse``."""
    wall: list[float] = []
    cpu: list[float] = []
    coarse: str | None = None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = diff_words(old, new, accelerate=accelerate)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        coarse = result.coarse
    return statistics.median(wall), statistics.median(cpu), coarse


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    cases = {
        "nec-2002.md vs nec-2024.txt (whole)": (
            (CORPUS / "nec-2002.md").read_text(encoding="utf-8"),
            (CORPUS / "nec-2024.txt").read_text(encoding="utf-8"),
        ),
        UNRELATED: (unrelated_text(1), unrelated_text(2)),
    }
    paths = [False, True] if ACCELERATED else [False]
    print(f"median of {runs} runs")
    over = 0
    for name, (old, new) in cases.items():
        for accelerate in paths:
            seconds, cpu, coarse = median_time(old, new, accelerate, runs)
            label = "accelerated" if accelerate else "pure"
            target = CPU_TARGETS.get(name)
            verdict = ""
            if target is not None:
                verdict = f"  target <= {target:g} s CPU: " + ("ok" if cpu <= target else "OVER")
                over += cpu > target
            print(f"{name:40s} {label:12s} {seconds:7.3f} s  cpu {cpu:7.3f} s  coarse: {coarse or '-'}{verdict}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
