"""Time render_report on the NEC comparison and on a x100 scaled one; print medians.

    .venv/bin/python benchmarks/bench_report.py [--scale 100] [--runs 15] [--big-runs 3]

The scaled pair is made by writing each NEC text ``scale`` times into one file (each copy under a
"Copy k" heading, every heading renamed "(part K)": no two sections share a title), then load_document + compare,
exactly as a user's files would go. Without a working compare() (the engine being written), a
crude in-order pairing with a difflib word diff stands in, and the output says so.
Target: the x100 report renders in <= 5 s.
"""

from __future__ import annotations

import argparse
import difflib
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policydiff.core.load import load_document  # noqa: E402
from policydiff.core.model import (  # noqa: E402
    Comparison,
    ComparisonStats,
    DiffStats,
    Document,
    Op,
    SectionPair,
    Status,
    WordDiff,
)
from policydiff.core.report import render_report  # noqa: E402

OLD = ROOT / "corpus" / "nec-2002.md"
NEW = ROOT / "corpus" / "nec-2024.txt"


def _letters(k: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA: a part label without digits (plain-text headings carry none)."""
    out = ""
    while k:
        k, r = divmod(k - 1, 26)
        out = chr(65 + r) + out
    return out


_ATX = re.compile(r"^ {0,3}#{1,6}\s")


def scaled_text(path: Path, scale: int) -> str:
    """The file's text ``scale`` times over, as one long document whose sections all have distinct
    titles: copy k opens with a section "Copy k" (numbered ``k.`` in plain text), every heading in
    it gets the suffix " (part K)", and plain-text numbering nests under the part (``6.1`` becomes
    ``k.6.1``) so that it keeps increasing, as the plain-text heading finder requires."""
    doc = load_document(path)
    markdown = path.suffix.lower() in (".md", ".markdown")
    headings = {s.line: s for s in doc.flat()[1:]}
    lines = path.read_text(encoding=doc.encoding).splitlines()
    copies = []
    for k in range(1, scale + 1):
        label = _letters(k)
        intro = f"This is part {label} of the scaled text, a copy of {path.name}."
        # "Copy k", not "Part K": a heading never ends on a function word, and "A" is one.
        copy = [f"## Copy {k}", "", intro, ""] if markdown else [f"{k}. Copy {k}", intro]
        for i, line in enumerate(lines, 1):
            section = headings.get(i)
            if markdown and _ATX.match(line):
                line = f"{line.rstrip()} (part {label})"
            elif section is not None:
                line = line.rstrip()
                number = section.number
                if number and re.fullmatch(r"\d+(\.\d+)*", number) and line.startswith(number):
                    line = f"{k}.{line}"
                line = f"{line} (part {label})"
            copy.append(line)
        copies.append("\n".join(copy))
    title = f"{doc.title or path.stem} (scaled x{scale})"
    head = f"# {title}" if markdown else title  # the title line, so that part A is a section too
    return "\n\n".join([head, *copies]) + "\n"


def _compare(old: Document, new: Document) -> tuple[Comparison, str]:
    try:
        from policydiff.core.compare import compare
    except ImportError as exc:
        return _crude_compare(old, new), f"crude stand-in (compare() unavailable: {exc})"
    return compare(old, new), "policydiff.core.compare.compare"


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def _wd(a: str, b: str) -> WordDiff:
    x, y = _TOKEN.findall(a), _TOKEN.findall(b)
    ops, ins, dele, same = [], 0, 0, 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes():
        o, n = "".join(x[i1:i2]), "".join(y[j1:j2])
        if tag == "equal":
            ops.append(Op("=", o, n))
            same += len(re.findall(r"\w+", o))
        else:
            if o:
                ops.append(Op("-", o, ""))
                dele += len(re.findall(r"\w+", o))
            if n:
                ops.append(Op("+", "", n))
                ins += len(re.findall(r"\w+", n))
    return WordDiff(tuple(ops), DiffStats(ins, dele, same, 0))


def _crude_compare(old: Document, new: Document) -> Comparison:
    of, nf = old.flat(), new.flat()
    pairs = []
    for i in range(max(len(of), len(nf))):
        o = of[i] if i < len(of) else None
        n = nf[i] if i < len(nf) else None
        if o is not None and n is not None:
            body, title = _wd(o.body, n.body), _wd(o.title, n.title)
            changed = any(op.kind != "=" for op in body.ops + title.ops)
            status = Status.CHANGED if changed else Status.UNCHANGED
        elif n is not None:
            body, title, status = _wd("", n.body), _wd("", n.title), Status.ADDED
        else:
            body, title, status = _wd(o.body, ""), _wd(o.title, ""), Status.REMOVED
        pairs.append(SectionPair(o, n, i if o else None, i if n else None, status, False,
                                 0.5, title, body))
    words = DiffStats()
    for p in pairs:
        words = words + p.stats
    stats = ComparisonStats(*(sum(p.status is s for p in pairs) for s in Status), 0, words)
    return Comparison(old, new, tuple(pairs), stats)


def _time(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--runs", type=int, default=15, help="renders of the NEC report")
    ap.add_argument("--big-runs", type=int, default=3, help="renders of the scaled report")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    nec, how = _compare(load_document(OLD), load_document(NEW))
    print(f"engine: {how}")
    print(f"NEC: {len(nec.pairs)} pairs, compare {time.perf_counter() - t:.2f} s")
    for layout in ("side-by-side", "inline"):
        html = render_report(nec, layout=layout)
        times = _time(lambda: render_report(nec, layout=layout), args.runs)
        print(f"  render {layout:12}: median {statistics.median(times) * 1000:7.1f} ms "
              f"(min {min(times) * 1000:.1f}, n={args.runs}), {len(html.encode()) / 1024:.1f} KB")

    with tempfile.TemporaryDirectory(prefix="policydiff-bench-") as tmp:
        old_path = Path(tmp) / f"nec-2002-x{args.scale}.md"
        new_path = Path(tmp) / f"nec-2024-x{args.scale}.txt"
        old_path.write_text(scaled_text(OLD, args.scale), encoding="utf-8")
        new_path.write_text(scaled_text(NEW, args.scale), encoding="utf-8")
        t = time.perf_counter()
        old, new = load_document(old_path), load_document(new_path)
        t_load = time.perf_counter() - t
        t = time.perf_counter()
        big, how = _compare(old, new)
        t_cmp = time.perf_counter() - t
    print(f"x{args.scale}: {len(old.flat()) - 1} / {len(new.flat()) - 1} sections, {len(big.pairs)} pairs; "
          f"load {t_load:.2f} s, compare {t_cmp:.2f} s ({how})")
    worst = 0.0
    for layout in ("side-by-side", "inline"):
        html = render_report(big, layout=layout)
        times = _time(lambda: render_report(big, layout=layout), args.big_runs)
        worst = max(worst, statistics.median(times))
        print(f"  render {layout:12}: median {statistics.median(times):6.2f} s "
              f"(min {min(times):.2f}, n={args.big_runs}), {len(html.encode()) / 1e6:.1f} MB")
    print(f"target x{args.scale} <= 5 s: {'met' if worst <= 5 else 'MISSED'} (worst median {worst:.2f} s)")
    return 0 if worst <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
