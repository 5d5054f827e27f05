"""GUI benchmarks: start-up time and the longest event-loop stall while comparing a large pair.

    .venv/bin/python benchmarks/bench_gui.py            # both, offscreen
    .venv/bin/python benchmarks/bench_gui.py --runs 7   # more start-up runs

Start-up: from launching ``python -m policydiff`` (no arguments: the NEC showcase) to the first
comparison painted, read from the app's documented hook (``POLICYDIFF_EXIT_AFTER_PAINT``: print the
time of the first paint to stderr and quit). Median of the runs; target <= 1.5 s.

Stall: the NEC pair repeated 10 times (sections renamed per copy) is opened in a window while a
QTimer ticking every 5 ms records the longest gap between ticks, from the request until the view has
been painted and has finished laying out. Target < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def startup(runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as config:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POLICYDIFF_EXIT_AFTER_PAINT="1", XDG_CONFIG_HOME=config)
        for _ in range(runs):
            t0 = time.time()
            proc = subprocess.run([sys.executable, "-m", "policydiff"], env=env, capture_output=True, text=True, timeout=120)
            found = re.search(r"first comparison painted at ([0-9.]+)", proc.stderr)
            if proc.returncode != 0 or not found:
                raise SystemExit(f"start-up run failed ({proc.returncode}):\n{proc.stderr}")
            times.append(float(found.group(1)) - t0)
    return times


def _repeat(text: str, copies: int, markdown: bool) -> str:
    out = []
    heading = re.compile(r"^(#{1,6} .+|\d+(\.\d+)*\.? ?[A-Z].{0,80})$")
    for k in range(1, copies + 1):
        for line in text.splitlines():
            if heading.match(line) and (markdown == line.startswith("#") or not markdown):
                line = f"{line} (part {k})"
            out.append(line)
        out.append("")
    return "\n".join(out)


def write_large_pair(folder: Path, copies: int = 10) -> tuple[Path, Path]:
    from policydiff.core.corpus import showcase_pair

    old, new = showcase_pair()
    big_old, big_new = folder / f"nec-2002-x{copies}.md", folder / f"nec-2024-x{copies}.txt"
    big_old.write_text(_repeat(old.read_text(encoding="utf-8"), copies, True), encoding="utf-8")
    big_new.write_text(_repeat(new.read_text(encoding="utf-8"), copies, False), encoding="utf-8")
    return big_old, big_new


def stall(copies: int = 10) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from policydiff.gui import settings
    from policydiff.gui.app import make_application
    from policydiff.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(folder / "settings"))
        settings.reset()
        old, new = write_large_pair(folder, copies)
        make_application()
        window = MainWindow()
        window.resize(1400, 900)
        window.show()
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(tick)
        marks: dict[str, float] = {}
        loop = QEventLoop()
        window.comparison_shown.connect(lambda _c: marks.setdefault("shown", time.perf_counter()))
        window.view.painted.connect(lambda: (marks.setdefault("painted", time.perf_counter()), QTimer.singleShot(1500, loop.quit)))
        window.load_failed.connect(lambda msg: (print(msg), loop.quit()))
        QTimer.singleShot(8000 * 10, loop.quit)
        timer.start()
        last[0] = start = time.perf_counter()
        window.open_pair(old, new)
        loop.exec()
        timer.stop()
        c = window.comparison
        result = {
            "pairs": float(len(c.pairs)) if c else 0.0,
            "characters": float(window.view.browser.document().characterCount()),
            "shown_s": marks.get("shown", float("nan")) - start,
            "max_stall_ms": max(gaps) * 1000 if gaps else float("nan"),
            "p99_gap_ms": sorted(gaps)[int(len(gaps) * 0.99)] * 1000 if gaps else float("nan"),
        }
        # scrolling through the whole document: the longest single scroll step
        bar = window.view.browser.verticalScrollBar()
        worst = 0.0
        for k in range(41):
            t = time.perf_counter()
            bar.setValue(bar.maximum() * k // 40)
            window.view.browser.viewport().repaint()
            worst = max(worst, time.perf_counter() - t)
        result["worst_scroll_step_ms"] = worst * 1000
        window.close()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    times = startup(args.runs)
    print(f"start-up to first comparison painted: median {statistics.median(times):.3f} s "
          f"(runs: {', '.join(f'{t:.3f}' for t in times)}; target <= 1.5 s)")
    r = stall(args.copies)
    print(f"x{args.copies} NEC pair: {int(r['pairs'])} pairs, {int(r['characters']):,} characters in the view, "
          f"on screen after {r['shown_s']:.2f} s")
    print(f"longest event-loop stall while comparing and rendering: {r['max_stall_ms']:.0f} ms "
          f"(99th percentile gap {r['p99_gap_ms']:.0f} ms; target < 100 ms)")
    print(f"longest scroll step (jump + repaint) across the document: {r['worst_scroll_step_ms']:.0f} ms")


if __name__ == "__main__":
    main()
