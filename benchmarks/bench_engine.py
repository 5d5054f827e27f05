"""Time the engine (load, structure, align, word diff) against `git diff --no-index --word-diff`.

Run:  .venv/bin/python benchmarks/bench_engine.py [--runs N] [--skip-100]

Prints medians of several runs, measured in the same run as the peer, and ratios; these machines
are noisy, so compare ratios rather than absolute times across runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policydiff.core import worddiff  # noqa: E402
from policydiff.core.compare import compare  # noqa: E402
from policydiff.core.load import load_document  # noqa: E402
from policydiff.core.model import Section  # noqa: E402

NEC_OLD = ROOT / "corpus" / "nec-2002.md"
NEC_NEW = ROOT / "corpus" / "nec-2024.txt"


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pipeline(old: Path, new: Path) -> None:
    compare(load_document(old), load_document(new))


def git_word_diff(old: Path, new: Path) -> None:
    subprocess.run(["git", "diff", "--no-index", "--word-diff", str(old), str(new)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def scaled_copy(path: Path, times: int, seed: int, edit: bool) -> str:
    """The document's sections repeated ``times`` times: renamed per copy, shuffled, lightly edited."""
    doc = load_document(path)
    sections: list[Section] = [s for top in doc.sections for s in top.walk()]
    rng = random.Random(seed)
    out = [f"# {doc.title} (scaled x{times})", "", doc.preamble.body, ""]
    for copy in range(1, times + 1):
        out += copy_lines(sections, copy, rng, edit)
    return "\n".join(out)


def copy_lines(sections: list[Section], copy: int, rng: random.Random, edit: bool) -> list[str]:
    """One copy of the sections, as lines: titled ``copy.n Title (part copy)`` and, when ``edit``,
    shuffled with ~4 % of the words edited (drawn from ``rng``)."""
    out: list[str] = []
    order = sections[:]
    if edit:
        rng.shuffle(order)
    for n, section in enumerate(order, 1):
        title = re.sub(r"^[\d.]+\s*", "", section.title)
        out += [f"## {copy}.{n} {title} (part {copy})", ""]
        body = section.body
        if edit:
            words = body.split(" ")
            for _ in range(max(1, len(words) // 25)):
                k = rng.randrange(len(words))
                words[k] = words[k].upper() if rng.random() < 0.5 else "amended"
            body = " ".join(words)
        out += [line + "\n" for line in body.split("\n")]
    return out


def many_sections(count: int, seed: int) -> tuple[str, str]:
    """Two versions with ``count`` short sections each (~50 bytes: a few words of NEC 2024 in a
    row, so sections share common words and phrases as real ones do); the new version renames,
    edits, drops, adds and moves a few percent of them."""
    words = re.findall(r"[A-Za-z][A-Za-z']+", NEC_NEW.read_text(encoding="utf-8"))
    rng = random.Random(seed)

    def passage(length: int) -> str:
        start = rng.randrange(len(words) - length)
        return " ".join(words[start : start + length])

    sections = [(passage(2).title(), passage(6) + ".") for _ in range(count)]
    new_sections = []
    for title, body in sections:
        roll = rng.random()
        if roll < 0.03:
            continue  # removed
        if roll < 0.06:
            new_sections.append((passage(2).title(), passage(6) + "."))  # added
        if rng.random() < 0.1:
            title = passage(2).title()
        if rng.random() < 0.2:
            body_words = body.split(" ")
            body_words[rng.randrange(len(body_words))] = rng.choice(words)
            body = " ".join(body_words)
        new_sections.append((title, body))
    for _ in range(count // 20):  # moves
        a, b = rng.randrange(len(new_sections)), rng.randrange(len(new_sections))
        new_sections.insert(b, new_sections.pop(a))

    def text(items: list[tuple[str, str]]) -> str:
        return "# Many sections\n\n" + "".join(f"## {n}. {t}\n\n{b}\n\n" for n, (t, b) in enumerate(items, 1))

    return text(sections), text(new_sections[:count])


def peak_memory_mb(old: Path, new: Path) -> float:
    code = (
        "import resource, sys; sys.path.insert(0, %r)\n"
        "from policydiff.core.compare import compare\n"
        "from policydiff.core.load import load_document\n"
        "compare(load_document(%r), load_document(%r))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    ) % (str(ROOT), str(old), str(new))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def unrelated_text(seed: int, size: int) -> str:
    rng = random.Random(seed)
    vocabulary = [f"w{rng.randrange(10**6):06d}" for _ in range(4000)]
    words, length = [], 0
    while length < size:
        word = rng.choice(vocabulary)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-100", action="store_true")
    parser.add_argument("--sections", type=int, default=0,
                        help="also time two versions with this many short sections each (e.g. 10000)")
    args = parser.parse_args()
    print(f"accelerator (fast-diff-match-patch) available: {worddiff.ACCELERATED}")

    ours = median_time(lambda: pipeline(NEC_OLD, NEC_NEW), args.runs)
    peer = median_time(lambda: git_word_diff(NEC_OLD, NEC_NEW), args.runs) if shutil.which("git") else float("nan")
    print(f"NEC pair, whole pipeline: {ours * 1000:.1f} ms median of {args.runs}; "
          f"git diff --word-diff {peer * 1000:.1f} ms; ratio {ours / peer:.2f}x")

    command = [sys.executable, "-m", "policydiff", str(NEC_OLD), str(NEC_NEW), "--json"]
    cli = median_time(lambda: subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=False), args.runs)
    cached = Path(importlib.util.cache_from_source(str(ROOT / "policydiff" / "core" / "compare.py"))).exists()
    print(f"NEC pair, `policydiff OLD NEW --json`, whole process: {cli * 1000:.0f} ms median of {args.runs} "
          f"(bytecode {'cached' if cached else 'not cached: compiled from source each run'})")

    with tempfile.TemporaryDirectory() as tmp:
        timings = {}
        factors = (1, 10) if args.skip_100 else (1, 10, 100)
        for factor in factors:
            old = Path(tmp, f"old-x{factor}.md")
            new = Path(tmp, f"new-x{factor}.md")
            old.write_text(scaled_copy(NEC_OLD, factor, seed=1, edit=False), encoding="utf-8")
            new.write_text(scaled_copy(NEC_NEW, factor, seed=2, edit=True), encoding="utf-8")
            runs = args.runs if factor < 100 else 3
            timings[factor] = median_time(lambda: pipeline(old, new), runs)
            peer = median_time(lambda: git_word_diff(old, new), runs)
            size_kb = (old.stat().st_size + new.stat().st_size) / 1024
            mem = peak_memory_mb(old, new)
            print(f"x{factor:<3} ({size_kb:7.0f} KB): {timings[factor]:7.3f} s median of {runs}; "
                  f"git {peer:6.3f} s; ratio {timings[factor] / peer:6.1f}x; peak RSS {mem:.0f} MB")
        for a, b in zip(factors, factors[1:]):
            print(f"growth x{a} -> x{b}: {timings[b] / timings[a]:.1f}x time for {b // a}x input")

    if args.sections:
        with tempfile.TemporaryDirectory() as tmp:
            old, new = Path(tmp, "old-many.md"), Path(tmp, "new-many.md")
            texts = many_sections(args.sections, seed=3)
            old.write_text(texts[0], encoding="utf-8")
            new.write_text(texts[1], encoding="utf-8")
            size_kb = (old.stat().st_size + new.stat().st_size) / 1024
            ours = median_time(lambda: pipeline(old, new), 3)
            peer = median_time(lambda: git_word_diff(old, new), 3)
            mem = peak_memory_mb(old, new)
            print(f"{args.sections} sections per side ({size_kb:.0f} KB): {ours:.2f} s median of 3; "
                  f"git {peer:.3f} s; ratio {ours / peer:.0f}x; peak RSS {mem:.0f} MB")

    a, b = unrelated_text(1, 40_000), unrelated_text(2, 40_000)
    for accelerate in ([True, False] if worddiff.ACCELERATED else [False]):
        start = time.perf_counter()
        result = worddiff.diff_words(a, b, accelerate=accelerate)
        elapsed = time.perf_counter() - start
        lossless = "".join(op.old for op in result.ops) == a and "".join(op.new for op in result.ops) == b
        print(f"worst case, two unrelated 40 KB sections ({'accelerated' if accelerate else 'pure'}): "
              f"{elapsed:.2f} s, lossless={lossless}, coarse={result.coarse!r}")


if __name__ == "__main__":
    main()
