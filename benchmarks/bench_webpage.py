"""Reading saved web pages: the standard (WHATWG) parser against the hand-written reader it replaced.

    python benchmarks/bench_webpage.py [--runs 5] [--old COMMIT] [--no-html5lib]

The corpora hold no saved pages, so pages are made: every markdown/plain-text policy of the repo's
corpus (and of ``shared/corpus-ota`` beside the repository, when there) rendered to HTML by
markdown-it-py and wrapped in the chrome of a real page: a head with metadata, styles, scripts and
a JSON blob, a ``<noscript>`` notice, a header and nav of links, an inline SVG icon, hidden
dialogs, a cookie banner with ``display:none``, a footer. Each page is read in process by:

* the old reader (``html.parser`` based), loaded from the commit ``--old`` of this repository;
* the new reader (Lexbor through selectolax, :func:`policydiff.core.webpage.html_to_markdown`);
* for reference, a bare parse (tree only, no reading) by selectolax, lxml and html5lib.

Two kinds of chrome: "clean" (every element closed, nothing hidden: what the old reader handled)
and "real" (as saved pages are: a ``<noscript>`` whose ``<p>`` is not closed, an SVG icon whose
``<g>`` is not, a ``<template>`` row without end tags, hidden elements, no ``</head>``).

It prints medians of per-page times and their ratios, and compares what the two readers read: the
word sequences of their markdown, page by page. Where they differ it says which words only one of
them read, most common first.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Callable

from markdown_it import MarkdownIt

from policydiff.core import webpage

ROOT = Path(__file__).resolve().parents[1]
OLD_COMMIT = "b7af3d6"
"""The last commit with the ``html.parser`` reader."""

CHROME_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/site.css"><link rel="preload" href="/fonts/a.woff2" as="font">
<style>body{{font-family:sans-serif}} .nav a{{margin:0 1em}} .hidden{{display:none}} @media print{{nav{{display:none}}}}</style>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());
if (a < b && c > d) {{ document.write("<p>tracking pixel</p>") }}</script>
<script type="application/json" id="__DATA__">{blob}</script>
<noscript><img src="/pixel.gif" alt=""></noscript>
{chrome}
<main id="content">
"""
CLEAN = """</head>
<body class="legal">
<noscript><div class="banner"><p>Please enable JavaScript to use this site.</p></div></noscript>
<header><a href="/"><svg class="logo" viewBox="0 0 10 10"><title>Company logo</title><g><path d="M0 0h10v10z"/></g></svg>Home</a>
<nav class="nav"><a href="/products">Products</a> <a href="/support">Support</a> <a href="/legal">Legal</a></nav></header>
<template id="row"><tr><td class="name"></td><td class="value"></td></tr></template>
"""
HIDDEN_ASIDE = '<aside class="share" hidden><a href="https://social.example/share">Share this page</a></aside>'
REAL = """<body class="legal">
<noscript><div class="banner"><p>Please enable JavaScript to use this site.</div></noscript>
<header><a href="/"><svg class="logo" viewBox="0 0 10 10"><title>Company logo</title><g><path d="M0 0h10v10z"></svg>Home</a>
<nav class="nav"><a href="/products">Products</a> <a href="/support">Support</a> <a href="/legal">Legal</a></nav></header>
<div id="cookie-banner" style="display: none"><p>We use cookies. <button>Accept</button> <button>Reject</button></p></div>
<dialog hidden><p>Sign in to continue</p><form><input type="email" name="e"><button>Go</button></form></dialog>
<template id="row"><tr><td class="name"><td class="value"></template>
"""
CHROME_FOOT = """</main>
{aside}
<footer><p>&copy; Company. All rights reserved. <a href="/privacy">Privacy</a> | <a href="/terms">Terms</a></p>
<p>Address line, City &amp; Country</footer>
<script src="/static/app.js" defer></script>
<script>document.querySelectorAll('a').forEach(function (a) {{ a.rel = 'noopener' }})</script>
</body></html>
"""


def corpus_files() -> list[Path]:
    files = sorted((ROOT / "corpus").glob("*.md")) + sorted((ROOT / "corpus").glob("*.txt"))
    files += sorted((ROOT / "corpus" / "extra").glob("*.md"))
    ota = ROOT.parent / "shared" / "corpus-ota"  # beside the repository, when present
    files += sorted(ota.glob("*/*/*.md"))
    return files


def make_page(path: Path, renderer: MarkdownIt, chrome: str = CLEAN) -> str:
    text = path.read_text(encoding="utf-8")
    body = renderer.render(text)
    blob = '{"props":{"page":"' + path.stem + '","items":[' + ",".join(f'"{i}"' for i in range(200)) + "]}}"
    aside = HIDDEN_ASIDE if chrome == REAL else ""
    return CHROME_HEAD.format(title=path.stem, blob=blob, chrome=chrome) + body + CHROME_FOOT.format(aside=aside)


def old_reader(commit: str) -> ModuleType:
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:policydiff/core/webpage.py"],
                            capture_output=True, text=True, check=True).stdout
    spec = importlib.util.spec_from_loader("old_webpage", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, "old_webpage.py", "exec"), module.__dict__)
    return module


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


WORD_RE = re.compile(r"[^\W_]+")


def words(markdown: str) -> list[str]:
    return WORD_RE.findall(markdown.replace("\\", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--old", default=OLD_COMMIT)
    parser.add_argument("--no-html5lib", action="store_true")
    args = parser.parse_args()

    renderer = MarkdownIt("commonmark").enable("table")
    pages = [(path, make_page(path, renderer)) for path in corpus_files()]
    real_pages = [(path, make_page(path, renderer, REAL)) for path in corpus_files()]
    old = old_reader(args.old)
    from selectolax.lexbor import LexborHTMLParser

    parsers: dict[str, Callable[[str], object]] = {
        "old reader (html.parser)": old.html_to_markdown,
        "new reader (selectolax)": webpage.html_to_markdown,
        "parse only: selectolax": lambda page: LexborHTMLParser(page, scripting=True),
    }
    try:
        import lxml.html

        parsers["parse only: lxml (libxml2, not WHATWG)"] = lxml.html.document_fromstring
    except ImportError:
        pass
    if not args.no_html5lib:
        import html5lib

        parsers["parse only: html5lib"] = html5lib.parse

    total = sum(len(page) for _, page in pages)
    print(f"{len(pages)} pages, {total / 1e6:.2f} MB, median page {statistics.median(len(p) for _, p in pages) / 1e3:.0f} kB; "
          f"median of {args.runs} runs per page")
    per_page: dict[str, list[float]] = {name: [] for name in parsers}
    for _, page in pages:
        for name, fn in parsers.items():
            per_page[name].append(median_ms(lambda: fn(page), args.runs))
    base = per_page["old reader (html.parser)"]
    print(f"{'reader':42} {'median ms':>10} {'total ms':>10} {'median ratio to old':>20}")
    for name, times in per_page.items():
        ratio = statistics.median(t / b for t, b in zip(times, base))
        print(f"{name:42} {statistics.median(times):10.2f} {sum(times):10.1f} {ratio:20.2f}")
    largest = max(range(len(pages)), key=lambda i: len(pages[i][1]))
    print(f"largest page ({pages[largest][0].name}, {len(pages[largest][1]) / 1e3:.0f} kB): "
          + ", ".join(f"{name.split(' (')[0].replace('parse only: ', '')} {times[largest]:.1f} ms"
                      for name, times in per_page.items()))

    for label, kind in (("clean", pages), ("real", real_pages)):
        agree(label, kind, old.html_to_markdown, webpage.html_to_markdown, show_words=label == "clean")


def agree(label: str, pages: list[tuple[Path, str]], old: Callable[[str], tuple[str, list[int], str | None]],
          new: Callable[[str], tuple[str, list[int], str | None]], show_words: bool = False) -> None:
    same = 0
    only_old: Counter[str] = Counter()
    only_new: Counter[str] = Counter()
    for _, page in pages:
        a, b = words(old(page)[0]), words(new(page)[0])
        if a == b:
            same += 1
        only_old.update(Counter(a) - Counter(b))
        only_new.update(Counter(b) - Counter(a))
    print(f"{label} chrome: same words in the same order {same}/{len(pages)} pages; "
          f"words only the old reader read: {sum(only_old.values())} {only_old.most_common(8)}; "
          f"only the new: {sum(only_new.values())} {only_new.most_common(8)}")
    if show_words:
        print("  words only the new reader read, digits aside:", sorted(w for w in only_new if not w.isdigit())[:40])


if __name__ == "__main__":
    sys.exit(main())
