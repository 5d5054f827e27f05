"""Load + structure recovery of the NEC pair and of scaled-up copies, in process (medians).

    python benchmarks/bench_structure.py

Targets (structure issue): the NEC pair in ≤ 15 ms; linear in size (a ×100 document ≤ ×120 the
time of ×1). Also times markdown-it-py's own parse of the same text, the floor any token-based
recovery pays; and, for the scaled copies, the time outside CPython's garbage collector too: its
full passes walk every live object (on a ×100 text, hundreds of thousands of markdown-it-py tokens,
mostly while they are being made) and are what grows faster than the text.
"""

from __future__ import annotations

import gc
import statistics
import time
from pathlib import Path
from typing import Callable

from markdown_it import MarkdownIt

from policydiff.core.load import load_document, load_text
from policydiff.core.structure import parse_document

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PAIR = [CORPUS / "nec-2002.md", CORPUS / "nec-2024.txt"]
LONG = Path(__file__).resolve().parents[2] / "shared" / "corpus-ota" / "Facebook" / "Privacy Policy" / "2026-08-22.md"
"""A long markdown policy (about 270 KB), beside the repository when present."""


class CollectorClock:
    """CPU time spent in garbage collections since the last ``reset``."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._started = 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.spent += time.process_time() - self._started

    def reset(self) -> None:
        self.spent = 0.0


COLLECTOR = CollectorClock()


def median_time(fn: Callable[[], object], runs: int) -> float:
    """Median CPU time of this process (steadier than wall time on a shared machine)."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def median_time_and_collector(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median CPU time, and the median CPU time outside the garbage collector, of the runs."""
    times, outside = [], []
    for _ in range(runs):
        COLLECTOR.reset()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
        outside.append(times[-1] - COLLECTOR.spent)
    return statistics.median(times), statistics.median(outside)


def engine_share(path: Path, runs: int) -> None:
    """Structure recovery's time on top of markdown-it-py's own parse of the same markdown, as a
    share of that parse (target <= 0.5): the two timed alternately, run by run, so that a busy
    machine slows both alike."""
    text = load_text(path).text
    from policydiff.core import structure

    md = structure._MD  # the parser structure recovery uses (links not normalised)
    parse_times, whole_times = [], []
    for _ in range(runs):
        start = time.process_time()
        md.parse(text)
        parse_times.append(time.process_time() - start)
        start = time.process_time()
        parse_document(text, name=path.name)
        whole_times.append(time.process_time() - start)
    parse, whole = statistics.median(parse_times), statistics.median(whole_times)
    print(f"  {path.name} ({len(text) // 1000} KB): parse {parse * 1000:.1f} ms, with structure {whole * 1000:.1f} ms;"
          f" structure's share on top of the parse {(whole - parse) / parse:.2f}x (target <= 0.5)")


def main() -> None:
    load_document(PAIR[0])  # warm imports and lazily built regular expressions
    pair = median_time(lambda: [load_document(p) for p in PAIR], 21)
    print(f"NEC pair, load + structure: {pair * 1000:.1f} ms (target <= 15 ms)")
    md = MarkdownIt("commonmark").enable("table")
    texts = [load_text(p).text for p in PAIR]
    floor = median_time(lambda: [md.parse(t) for t in texts], 21)
    print(f"  markdown-it-py parse alone: {floor * 1000:.1f} ms")
    engine_share(PAIR[0], 41)
    engine_share(PAIR[1], 41)  # plain text: read into paragraphs, then the same engine (the parse: of the raw text)
    if LONG.exists():
        engine_share(LONG, 11)
    base = base_outside = 0.0
    for times in (1, 10, 100):
        docs = [t if times == 1 else "\n\n".join([t] * times) for t in texts]
        runs = 9 if times < 100 else 5
        took, outside = median_time_and_collector(
            lambda: [parse_document(d, name=p.name) for d, p in zip(docs, PAIR)], runs
        )
        base, base_outside = base or took, base_outside or outside
        print(f"  x{times:<3} structure: {took * 1000:8.1f} ms  ({took / base:6.1f}x the x1 time;"
              f" outside the garbage collector {outside * 1000:6.1f} ms, {outside / base_outside:6.1f}x)")


if __name__ == "__main__":
    main()
