"""Median timings of ``diff_words``, pure-Python vs accelerated back end.

Run: ``.venv/bin/python benchmarks/bench_worddiff.py [runs]`` (default 5 runs per case).
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


def median_time(old: str, new: str, accelerate: bool, runs: int) -> tuple[float, str | None]:
    times: list[float] = []
    coarse: str | None = None
    for _ in range(runs):
        start = time.perf_counter()
        result = diff_words(old, new, accelerate=accelerate)
        times.append(time.perf_counter() - start)
        coarse = result.coarse
    return statistics.median(times), coarse


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    cases = {
        "nec-2002.md vs nec-2024.txt (whole)": (
            (CORPUS / "nec-2002.md").read_text(encoding="utf-8"),
            (CORPUS / "nec-2024.txt").read_text(encoding="utf-8"),
        ),
        "two unrelated 40 KB texts": (unrelated_text(1), unrelated_text(2)),
    }
    paths = [False, True] if ACCELERATED else [False]
    print(f"median of {runs} runs")
    for name, (old, new) in cases.items():
        for accelerate in paths:
            seconds, coarse = median_time(old, new, accelerate, runs)
            label = "accelerated" if accelerate else "pure"
            print(f"{name:40s} {label:12s} {seconds:7.3f} s  coarse: {coarse or '-'}")


if __name__ == "__main__":
    main()
