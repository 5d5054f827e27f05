"""Time `policydiff batch` on the PGA version history: pairs per second with 1 and 2 workers.

Run:  .venv/bin/python benchmarks/bench_batch.py [--bundle PATH] [--fraction F] [--runs N] [--full]

The bundle (default: ``../shared/datasets/pga-dev.bundle`` beside the work tree, or $PGA_BUNDLE) is
cloned into a temporary folder. A sample keeps every document and its chains of consecutive pairs:
of each document, a contiguous run of ``fraction`` of its pairs from a seeded random start, so the
mix of long and short documents and the parse-once-per-chain saving are those of the full run.
Each configuration runs ``--runs`` times, alternating, on a fresh LocalCluster (worker processes,
one thread each); the rate is pairs over the time from first task to last row (cluster start-up,
about 1 s, is printed apart). Each run also prints pairs per worker CPU second: the per-core rate
whatever else the shared machine was doing (wall-clock rates swing with other users' load).
``--full`` then runs every pair with 2 workers once. Memory is each worker process's peak
resident size.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policydiff.batch.run import run_batch  # noqa: E402
from policydiff.batch.sources import consecutive_pairs, discover  # noqa: E402


def default_bundle() -> Path:
    if os.environ.get("PGA_BUNDLE"):
        return Path(os.environ["PGA_BUNDLE"])
    for base in (ROOT, *ROOT.parents):
        candidate = base / "shared" / "datasets" / "pga-dev.bundle"
        if candidate.exists():
            return candidate
    return ROOT.parent / "shared" / "datasets" / "pga-dev.bundle"


def sample(repo: Path, fraction: float, seed: int = 1) -> set[tuple[str, str, str]]:
    rng = random.Random(seed)
    by_doc: dict[str, list[tuple[str, str, str]]] = {}
    for pair in consecutive_pairs(discover([str(repo)])):
        by_doc.setdefault(pair.new.document, []).append(pair.key)
    keys: set[tuple[str, str, str]] = set()
    for document in sorted(by_doc):
        pairs = by_doc[document]
        n = max(1, round(len(pairs) * fraction))
        start = rng.randrange(0, len(pairs) - n + 1)
        keys.update(pairs[start:start + n])
    return keys


def one_run(repo: Path, out: Path, workers: int, keys: set[tuple[str, str, str]] | None) -> tuple[float, int, int, float]:
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        client.wait_for_workers(workers)
        ready = time.perf_counter() - started
        summary = run_batch([str(repo)], str(out), client=client, force=True, progress=False,
                            select=None if keys is None else (lambda p: p.key in keys))
    print(f"  {workers} worker{'s' if workers > 1 else ''}: {summary.pairs} pairs in {summary.seconds:.1f} s, "
          f"{summary.pairs / summary.cpu_seconds if summary.cpu_seconds else 0:.2f} pairs per worker CPU second",
          flush=True)
    return summary.rate, summary.pairs, max(summary.memory.values() or [0]), ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", type=Path, default=default_bundle())
    parser.add_argument("--fraction", type=float, default=0.1, help="share of each document's pairs (default 0.1)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="then every pair with 2 workers, once")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to time (default: 1 2)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="policydiff-bench-batch-") as tmp:
        repo = Path(tmp) / "pga"
        subprocess.run(["git", "clone", "-q", str(args.bundle), str(repo)], check=True)
        total = sum(1 for _ in consecutive_pairs(discover([str(repo)])))
        keys = sample(repo, args.fraction)
        print(f"{total} consecutive pairs in the bundle; sample: {len(keys)} pairs "
              f"({args.fraction:.0%} of each document's, in chains)", flush=True)
        # Alternating configurations: the load other users put on the machine hits them alike.
        runs: dict[int, list[tuple[float, int, int, float]]] = {w: [] for w in args.workers}
        for _ in range(args.runs):
            for workers in args.workers:
                runs[workers].append(one_run(repo, Path(tmp) / "out.csv", workers, keys))
        rates: dict[int, float] = {}
        for workers, results in runs.items():
            rate = statistics.median(r[0] for r in results)
            rates[workers] = rate
            memory = max(r[2] for r in results) / 2**20
            print(f"{workers} worker{'s' if workers > 1 else ' '}: {rate:.2f} pairs/s (median of {args.runs}: "
                  f"{', '.join(f'{r[0]:.2f}' for r in results)}), peak {memory:.0f} MB per worker, "
                  f"cluster start {statistics.median(r[3] for r in results):.1f} s", flush=True)
        if 1 in rates and 2 in rates:
            print(f"speed-up 1 -> 2 workers: {rates[2] / rates[1]:.2f}x", flush=True)
        best = max(rates)
        print(f"the whole bundle at the {best}-worker rate: {total / rates[best] / 60:.1f} min", flush=True)
        if args.full:
            rate, pairs, peak, ready = one_run(repo, Path(tmp) / "full.csv", 2, None)
            print(f"full run, 2 workers: {pairs} pairs in {pairs / rate / 60:.1f} min ({rate:.2f} pairs/s), "
                  f"peak {peak / 2**20:.0f} MB per worker", flush=True)


if __name__ == "__main__":
    main()
