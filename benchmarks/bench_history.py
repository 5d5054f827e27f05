"""Version histories, timed (medians): listing, the window painted, stepping, --history --json, since-when.

    python benchmarks/bench_history.py "CLONE/Facebook/Privacy Policy.md"              # the longest history of the
    python benchmarks/bench_history.py FILE --json-steps 0                             # Open Terms Archive bundle;
    python benchmarks/bench_history.py FILE --backends                                 # 0: every step (slow)
    python benchmarks/bench_history.py FILE --only balance                             # the workers' share

``--json-steps N`` (default 40) times ``history_json`` on the last N+1 versions and reports the
rate with the whole history's extrapolation, clearly marked; ``--json-steps 0`` runs
``policydiff --history FILE --json`` over every version. ``--backends`` compares the git command with
pygit2 and dulwich (when installed) at listing a file's versions and reading all of them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policydiff.core.history import History, history_json, open_history, workers_available  # noqa: E402


def median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_listing(path: str) -> None:
    t = median(lambda: open_history([path]), 5)
    print(f"listing the versions: {t:.3f} s (target <= 2 s)")


def bench_since(path: str) -> None:
    import resource

    history = open_history([path])
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    index = history.since_index()
    first = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    here, workers = ((a.ru_utime + a.ru_stime) - (b.ru_utime + b.ru_stime) for a, b in zip(after, before))
    print(f"since-when: {index.parsed} texts parsed; CPU {here:.1f} s here + {workers:.1f} s in the workers "
          f"(load {os.getloadavg()[0]:.1f})")
    again = median(lambda: history.since_index(), 5)
    latest = history.document(len(history) - 1)
    paras = [p for s in latest.flat() for p in s.body.split("\n") if p.strip()]
    started = time.perf_counter()
    found = [index.since(p) for p in paras]
    lookup = time.perf_counter() - started
    dated = sum(1 for f in found if f is not None)
    print(f"since-when over {len(history)} versions: first {first:.2f} s (target <= 30 s), then {again * 1000:.3f} ms; "
          f"dating the latest version's {len(paras)} paragraphs: {lookup * 1000:.0f} ms, {dated} dated")


def bench_window(path: str) -> None:
    env = dict(os.environ, POLICYDIFF_EXIT_AFTER_PAINT="1", QT_QPA_PLATFORM="offscreen")
    times = []
    for _ in range(3):
        started = time.time()
        done = subprocess.run([sys.executable, "-m", "policydiff", "--history", path], env=env, capture_output=True,
                              text=True, cwd=ROOT)
        line = [ln for ln in done.stderr.splitlines() if "painted at" in ln]
        if not line:
            print("window: no paint reported:", done.stderr.strip()[-300:])
            return
        times.append(float(line[0].rsplit(" ", 1)[1]) - started)
    print(f"window: launch to the latest change painted: {statistics.median(times):.2f} s (target <= 2 s)")


def bench_stepping(path: str, steps: int = 3) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer

    from policydiff.gui.app import make_application
    from policydiff.gui.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    window.resize(1400, 950)
    window.show()

    def wait(signal, timeout: int = 300_000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    def settle() -> None:  # the reader pauses: the neighbours are compared meanwhile
        while window.history is None or window.history.since is None or any(
                not f.done() for f in window.history._prefetching):
            app.processEvents()
            time.sleep(0.02)

    history = open_history([path])
    window.open_history(history)
    wait(window.view.painted)
    warm, cold = [], []
    for _ in range(steps):
        settle()
        started = time.perf_counter()
        window.history.acts.prev_step.trigger()
        wait(window.view.painted)
        warm.append(time.perf_counter() - started)
    # Cold: jump far away (nothing prefetched there), then time that jump.
    for k in range(steps):
        settle()
        target = 10 + 7 * k
        started = time.perf_counter()
        window.history.show_pair(target - 1, target)
        wait(window.view.painted)
        cold.append(time.perf_counter() - started)
    window.history.shutdown()
    print(f"stepping to the next pair, painted: {statistics.median(warm):.3f} s after a pause (prefetched; "
          f"target <= 0.3 s); {statistics.median(cold):.2f} s to a pair not prefetched")


def _run_json(path: str, root: Path) -> tuple[float, float, bytes]:
    """``policydiff --history FILE --json`` from the checkout at ``root``: (wall s, CPU s of every
    process it ran, its output)."""
    import resource

    env = dict(os.environ, PYTHONPATH=str(root))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "policydiff", "--history", path, "--json"], capture_output=True,
                          cwd=root, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{root}: exit {done.returncode}: {done.stderr.decode()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def bench_json(path: str, steps: int, baseline: str | None = None, runs: int = 1) -> None:
    if steps <= 0:
        # Alternating runs of this checkout and the baseline's (another checkout, e.g. from
        # `git archive`), medians: the machine is shared, so the ratio is the figure to trust.
        mine: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        outputs: set[bytes] = set()
        for _ in range(runs):
            wall, cpu, out = _run_json(path, ROOT)
            mine.append((wall, cpu))
            outputs.add(out)
            print(f"  this checkout: wall {wall:.1f} s, CPU {cpu:.1f} s (all processes); load {os.getloadavg()[0]:.1f}",
                  flush=True)
            if baseline:
                wall, cpu, out = _run_json(path, Path(baseline))
                theirs.append((wall, cpu))
                outputs.add(out)
                print(f"  baseline:      wall {wall:.1f} s, CPU {cpu:.1f} s (all processes); load "
                      f"{os.getloadavg()[0]:.1f}", flush=True)
        if baseline:
            print(f"outputs byte-identical to the baseline's: {'yes' if len(outputs) == 1 else 'NO'}")
        wall, cpu = statistics.median(w for w, _ in mine), statistics.median(c for _, c in mine)
        print(f"--history --json over every version: median wall {wall:.1f} s, CPU {cpu:.1f} s on "
              f"{workers_available()} cores (target <= 15 s wall on 2 cores)")
        if theirs:
            base_wall, base_cpu = statistics.median(w for w, _ in theirs), statistics.median(c for _, c in theirs)
            print(f"baseline: median wall {base_wall:.1f} s, CPU {base_cpu:.1f} s; this / baseline: wall "
                  f"{wall / base_wall:.2f}, CPU {cpu / base_cpu:.2f}")
        return
    full = open_history([path])
    part = History(full.path, full.name, full.versions[-(steps + 1):], repo=full.repo)
    started = time.perf_counter()
    history_json(part)
    took = time.perf_counter() - started
    per_step = took / steps
    print(f"--history --json, last {steps} steps: {took:.1f} s ({per_step:.2f} s a step on "
          f"{os.cpu_count()} cores); the whole history ({len(full) - 1} steps) extrapolated: "
          f"~{per_step * (len(full) - 1):.0f} s (target <= 15 s)")


_TIMINGS = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_history_runs.{os.getpid()}.txt"


def _timed_run(run):  # a worker's run, its CPU written down (module level: the pool pickles it by name)
    import resource

    from policydiff.core import history as H

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.time()
    result = H._untimed_keyed_chunk_job(run)
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(_TIMINGS, "a") as out:
        out.write(f"{run.ids[0]} {len(run.ids)} {os.getpid()} {started:.3f} {time.time():.3f} {cpu:.3f}\n")
    return result


def bench_balance(path: str) -> None:
    """``--history --json``'s work in the pool: each run's CPU and which worker did it, the
    parent's CPU, and the busiest worker against the mean (1.00: evenly shared)."""
    import resource

    from policydiff.core import history as H

    H._untimed_keyed_chunk_job = H._keyed_chunk_job
    H._keyed_chunk_job = _timed_run  # the pool forks after this: its workers run the timed job
    _TIMINGS.write_text("")
    started = time.time()
    history_json(open_history([path]))
    wall = time.time() - started
    here = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    per_worker: dict[str, float] = {}
    for line in _TIMINGS.read_text().splitlines():
        first, versions, pid, begun, ended, cpu = line.split()
        per_worker[pid] = per_worker.get(pid, 0.0) + float(cpu)
        print(f"  run from {first} ({versions} versions): worker {pid}, {float(begun) - started:.1f}–"
              f"{float(ended) - started:.1f} s, CPU {float(cpu):.2f} s")
    _TIMINGS.unlink()
    parent = here.ru_utime + here.ru_stime
    workers = children.ru_utime + children.ru_stime
    busiest = max(per_worker.values())
    mean = sum(per_worker.values()) / len(per_worker)
    print(f"balance: wall {wall:.1f} s at load {os.getloadavg()[0]:.1f}; CPU {parent:.1f} s here + {workers:.1f} s in "
          f"the workers and git; runs per worker {', '.join(f'{v:.1f}' for v in per_worker.values())} s: busiest / "
          f"mean {busiest / mean:.2f}; overlap (CPU / wall) {(parent + workers) / wall:.2f}")


def bench_backends(path: str) -> None:
    repo = subprocess.run(["git", "-C", str(Path(path).parent), "rev-parse", "--show-toplevel"], capture_output=True,
                          text=True).stdout.strip()
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(repo))
    history = open_history([path])
    print(f"git command: list (with --follow) {median(lambda: open_history([path]), 5):.3f} s; "
          f"read all {len(history)} versions {median(lambda: list(history.texts()), 3):.2f} s")
    try:
        import pygit2
    except ImportError:
        print("pygit2: not installed")
    else:
        def pg_list() -> int:
            r = pygit2.Repository(repo)
            found = 0
            for c in r.walk(r.head.target, pygit2.enums.SortMode.TOPOLOGICAL):
                try:
                    oid = c.tree[rel].id
                except KeyError:
                    continue
                try:
                    parent = c.parents[0].tree[rel].id if c.parents else None
                except KeyError:
                    parent = None
                found += oid != parent
            return found

        def pg_read() -> None:
            r = pygit2.Repository(repo)
            for v in history.versions:
                r[r.revparse_single(v.commit).tree[v.path].id].data.decode("utf-8")

        print(f"pygit2 {pygit2.__version__}: list (no rename following) {median(pg_list, 5):.3f} s; "
              f"read all {median(pg_read, 3):.2f} s")
    try:
        import dulwich
        from dulwich.repo import Repo
    except ImportError:
        print("dulwich: not installed")
    else:
        def dw_list() -> int:
            return sum(1 for _ in Repo(repo).get_walker(paths=[rel.encode()], follow=True))

        print(f"dulwich {'.'.join(map(str, dulwich.__version__))}: list (--follow) {median(dw_list, 1):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="a file tracked by git (the bundle's longest history)")
    parser.add_argument("--json-steps", type=int, default=40)
    parser.add_argument("--backends", action="store_true")
    parser.add_argument("--baseline", help="another checkout to time --json against, alternating (with --json-steps 0)")
    parser.add_argument("--runs", type=int, default=1, help="runs of --json over every version (medians)")
    parser.add_argument("--only", choices=("listing", "since", "window", "stepping", "json", "balance"),
                        action="append")
    args = parser.parse_args()
    if args.backends:
        bench_backends(args.file)
        return
    parts = args.only or ["listing", "since", "window", "stepping", "json"]
    for part in parts:
        if part == "json":
            bench_json(args.file, args.json_steps, args.baseline, args.runs)
        else:
            globals()[f"bench_{part}"](args.file)


if __name__ == "__main__":
    main()
