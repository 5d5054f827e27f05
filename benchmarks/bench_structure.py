"""Load + structure recovery of the NEC pair and of scaled-up copies, in process (medians).

    python benchmarks/bench_structure.py
    python benchmarks/bench_structure.py --against OTHER_CHECKOUT [--rounds 8]

``--against`` compares structure's share on top of the parse (NEC 2002, the plain NEC 2024, the
long policy) with another checkout's code (its root folder, e.g. an export of ``main``): processes
of the two alternate, round by round, so that a busy machine slows both alike; each process gives
the medians of its runs, and the medians of those are printed, with the ratio of the two codes'
structure times (each process's against its own parse).

Targets (issue 20): structure's share on top of the parse ≤ 0.5×; the NEC pair in ≤ 20 ms; linear
in size (a ×100 document ≤ ×120 the time of ×1). Also times markdown-it-py's own parse of the same
text, the floor any token-based recovery pays; and, for the scaled copies, the time outside
CPython's garbage collector too: its full passes walk every live object (on a ×100 text, hundreds
of thousands of markdown-it-py tokens, mostly while they are being made) and are what grows faster
than the text.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
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


def share_times(path: Path, runs: int) -> tuple[float, float]:
    """Medians of markdown-it-py's parse of the document and of its whole structure recovery, timed
    alternately, run by run, so that a busy machine slows both alike."""
    text = load_text(path).text
    from policydiff.core import structure

    md = structure._MD  # the parser structure recovery uses (links not normalised)
    parse_document(text, name=path.name)  # (lazily built expressions, caches)
    parse_times, whole_times = [], []
    for _ in range(runs):
        start = time.process_time()
        md.parse(text)
        parse_times.append(time.process_time() - start)
        start = time.process_time()
        parse_document(text, name=path.name)
        whole_times.append(time.process_time() - start)
    return statistics.median(parse_times), statistics.median(whole_times)


def engine_share(path: Path, runs: int) -> None:
    """Structure recovery's time on top of markdown-it-py's own parse of the same markdown, as a
    share of that parse (target <= 0.5)."""
    parse, whole = share_times(path, runs)
    print(f"  {path.name}: parse {parse * 1000:.1f} ms, with structure {whole * 1000:.1f} ms;"
          f" structure's share on top of the parse {(whole - parse) / parse:.2f}x (target <= 0.5)")


SHARE_DOCUMENTS = [(PAIR[0], 41), (PAIR[1], 21), (LONG, 5)]
"""The documents ``--against`` times, each with its runs per process."""


def against(other: Path, rounds: int) -> None:
    """Structure's share on top of the parse, this checkout's code against another's, in alternating
    processes (this script run with each checkout first on the import path)."""
    here = Path(__file__).resolve().parents[1]
    documents = [(path, runs) for path, runs in SHARE_DOCUMENTS if path.exists()]
    results: dict[str, list[dict[str, tuple[float, float]]]] = {"this": [], "other": []}
    for round_ in range(rounds):
        order = [("this", here), ("other", other.resolve())]
        for name, root in order if round_ % 2 == 0 else order[::-1]:
            command = [sys.executable, __file__, "--times", *[f"{path}:{runs}" for path, runs in documents]]
            environment = dict(os.environ, PYTHONPATH=str(root))
            done = subprocess.run(command, env=environment, cwd=root, capture_output=True, text=True, check=True)
            results[name].append(json.loads(done.stdout))
    print(f"Structure's share on top of the parse: this checkout against {other} ({rounds} processes each,"
          " medians of their medians; CPU time)")
    for path, _ in documents:
        row = []
        shares = {}
        for name in ("this", "other"):
            parses = [result[path.name][0] for result in results[name]]
            wholes = [result[path.name][1] for result in results[name]]
            shares[name] = statistics.median((w - p) / p for p, w in zip(parses, wholes))
            row.append(f"{name}: parse {statistics.median(parses) * 1000:.2f} ms,"
                       f" whole {statistics.median(wholes) * 1000:.2f} ms, share {shares[name]:.2f}x")
        # (each process's structure time against its own parse: a busier round slows both alike)
        ratio = shares["this"] / shares["other"]
        print(f"  {path.name}: " + "; ".join(row) + f"; structure's time this/other {ratio:.2f}")


def main() -> None:
    load_document(PAIR[0])  # warm imports and lazily built regular expressions
    pair = median_time(lambda: [load_document(p) for p in PAIR], 21)
    print(f"NEC pair, load + structure: {pair * 1000:.1f} ms (target <= 20 ms)")
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
    if "--times" in sys.argv:  # one process of --against: the medians of each document, as JSON
        specs = [spec.rsplit(":", 1) for spec in sys.argv[sys.argv.index("--times") + 1 :]]
        print(json.dumps({Path(path).name: share_times(Path(path), int(runs)) for path, runs in specs}))
    elif "--against" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 8
        against(Path(sys.argv[sys.argv.index("--against") + 1]), rounds)
    else:
        main()
