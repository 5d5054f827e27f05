"""Pairing accuracy on the history-chained gold (benchmarks/gold/chained.json, see its README).

Run:  .venv/bin/python benchmarks/eval_chained.py [--platform X | --leave-one-out] [--verbose]

Every gold span names a document of the versions bundle and two versions of it; both texts are read
from the bundle, parsed by policydiff and paired by a pairing function (by default policydiff's own
engine: ``policydiff.core.compare.compare``). Each gold decision is one point:

* ``same_title`` / ``renamed``: the old section is paired with exactly the gold new section;
* ``removed``: the old section is paired with nothing.

A gold heading is found among policydiff's sections by its source line (a first heading that
policydiff reads as the document's title stands for the preamble, which holds its text); a
declared heading policydiff does not recover as a section counts wrong, and the share of such
points is reported apart ("unrecovered").

Reuse (the fitting script imports this)::

    import eval_chained as ec
    spans = ec.load_gold(exclude_platform="TikTok")          # fit on these ...
    for span in spans:
        old, new = ec.documents(span)                        # policydiff Documents, cached
        for d in ec.resolve(span, old, new):                 # gold decisions as flat indices
            ...                                              # d.old_index, d.new_index, d.kind
    result = ec.score(my_pairing, ec.load_gold(platform="TikTok"))   # ... score the held-out one
    print(result.table())
    by_platform = ec.leave_one_platform_out(fit)   # fit(training_spans) -> pairing function
    print(ec.pooled(by_platform).table())

``my_pairing(old: Document, new: Document)`` returns the paired ``(old_index, new_index)`` flat
indices (``Document.flat()``); a section in no pair is unpaired.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from chained_gold import DEFAULT_BUNDLE, DEFAULT_OUT, KINDS, Bundle, declared_sections  # noqa: E402
from policydiff.core.compare import compare  # noqa: E402
from policydiff.core.model import Document  # noqa: E402
from policydiff.core.structure import parse_document  # noqa: E402

DEFAULT_GOLD = DEFAULT_OUT
PairingFn = Callable[[Document, Document], Iterable[tuple[int, int]]]
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class GoldHeading:
    title: str
    line: int
    """1-based source line of the heading's text."""
    level: int


@dataclass(frozen=True)
class GoldDecision:
    kind: str
    """``same_title``, ``renamed`` or ``removed``."""
    old: GoldHeading
    new: GoldHeading | None
    """None for ``removed``."""


@dataclass(frozen=True)
class GoldSpan:
    platform: str
    document: str
    """Path in the bundle, ``<Platform>/<Document>.md``."""
    span: str
    """``first-last``, ``first-middle`` or ``middle-last``."""
    old_commit: str
    new_commit: str
    decisions: tuple[GoldDecision, ...]

    @property
    def name(self) -> str:
        return f"{self.document} {self.span}"


@dataclass(frozen=True)
class ResolvedDecision:
    kind: str
    old_index: int | None
    """Flat index of the old section in policydiff's Document, None if not recovered."""
    new_index: int | None
    """Flat index of the gold new section; None for ``removed`` or when not recovered."""
    recovered: bool
    """Every heading the decision names was found among policydiff's sections."""
    gold: GoldDecision


def _heading(data: dict[str, object]) -> GoldHeading:
    return GoldHeading(str(data["title"]), int(data["line"]), int(data["level"]))  # type: ignore[call-overload]


def load_gold(path: Path = DEFAULT_GOLD, *, platform: str | None = None,
              exclude_platform: str | None = None) -> list[GoldSpan]:
    """The gold spans, optionally only one platform's or all but one platform's."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    spans = []
    for s in data["spans"]:
        if platform is not None and s["platform"] != platform:
            continue
        if exclude_platform is not None and s["platform"] == exclude_platform:
            continue
        decisions = tuple(
            GoldDecision(d["kind"], _heading(d["old"]), _heading(d["new"]) if d["new"] else None)
            for d in s["decisions"]
        )
        spans.append(GoldSpan(s["platform"], s["document"], s["span"], s["old"]["commit"], s["new"]["commit"],
                              decisions))
    return spans


def platforms(spans: Sequence[GoldSpan]) -> list[str]:
    return sorted({s.platform for s in spans})


# ---------------------------------------------------------------------------------------------
# Texts and documents


_bundle: Bundle | None = None
_documents: dict[tuple[str, str], Document] = {}


def bundle(path: Path = DEFAULT_BUNDLE) -> Bundle:
    """The versions bundle, cloned once per process (and kept in the temp dir between runs)."""
    global _bundle
    if _bundle is None:
        _bundle = Bundle(path)
    return _bundle


def texts(span: GoldSpan) -> tuple[str, str]:
    b = bundle()
    return b.text(span.old_commit, span.document), b.text(span.new_commit, span.document)


def document(commit: str, path: str) -> Document:
    key = (commit, path)
    if key not in _documents:
        _documents[key] = parse_document(bundle().text(commit, path), name=Path(path).name)
    return _documents[key]


def documents(span: GoldSpan) -> tuple[Document, Document]:
    """policydiff's parse of the span's two versions (cached: spans share versions)."""
    return document(span.old_commit, span.document), document(span.new_commit, span.document)


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def find_section(doc: Document, heading: GoldHeading, first_heading_line: int | None) -> int | None:
    """Flat index of the gold heading among policydiff's sections: by source line; the first
    declared heading read as the document's title stands for the preamble (index 0)."""
    for i, s in enumerate(doc.flat()):
        if i and s.line == heading.line:
            return i
    if heading.line == first_heading_line and doc.title is not None and _key(doc.title) == _key(heading.title):
        return 0
    return None


def resolve(span: GoldSpan, old: Document, new: Document) -> list[ResolvedDecision]:
    """The span's gold decisions as flat indices into policydiff's two Documents."""
    old_first = min((d.old.line for d in span.decisions), default=None)
    new_first = min((d.new.line for d in span.decisions if d.new is not None), default=None)
    out = []
    for d in span.decisions:
        i = find_section(old, d.old, old_first)
        j = find_section(new, d.new, new_first) if d.new is not None else None
        recovered = i is not None and (d.new is None or j is not None)
        out.append(ResolvedDecision(d.kind, i, j, recovered, d))
    return out


# ---------------------------------------------------------------------------------------------
# Scoring


def engine_pairing(old: Document, new: Document) -> list[tuple[int, int]]:
    """policydiff's own pairing (the engine as shipped)."""
    comparison = compare(old, new)
    return [(p.old_index, p.new_index) for p in comparison.pairs
            if p.old_index is not None and p.new_index is not None]


@dataclass
class Tally:
    points: int = 0
    total: int = 0
    unrecovered: int = 0

    def add(self, correct: bool, recovered: bool) -> None:
        self.total += 1
        self.points += correct
        self.unrecovered += not recovered

    @property
    def accuracy(self) -> float:
        return self.points / self.total if self.total else 1.0

    def __str__(self) -> str:
        if not self.total:
            return "      -      "
        return f"{self.accuracy:6.3f} ({self.points}/{self.total})"


@dataclass
class Miss:
    span: str
    kind: str
    old: str
    wanted: str | None
    got: list[str]
    recovered: bool


@dataclass
class Result:
    overall: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_platform: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_platform_kind: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_span: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[Miss] = field(default_factory=list)

    def table(self) -> str:
        head = f"{'':12} {'overall':>20}" + "".join(f" {k:>20}" for k in KINDS) + f" {'unrecovered':>12}"
        rows = [head]

        def row(name: str, tally: Tally, kinds: dict[str, Tally]) -> str:
            share = tally.unrecovered / tally.total if tally.total else 0.0
            return (f"{name:12} {str(tally):>20}" + "".join(f" {str(kinds.get(k, Tally())):>20}" for k in KINDS)
                    + f" {share:12.3f}")

        for platform in sorted(self.by_platform):
            kinds = {k: t for (p, k), t in self.by_platform_kind.items() if p == platform}
            rows.append(row(platform, self.by_platform[platform], kinds))
        rows.append(row("overall", self.overall, dict(self.by_kind)))
        recovered = Tally(self.overall.points, self.overall.total - self.overall.unrecovered)
        rows.append(f"of recovered headings: {recovered}; unrecovered {self.overall.unrecovered} "
                    f"of {self.overall.total} ({self.overall.unrecovered / max(1, self.overall.total):.1%})")
        return "\n".join(rows)

    def as_dict(self) -> dict[str, object]:
        def t(tally: Tally) -> dict[str, object]:
            return {"accuracy": round(tally.accuracy, 4), "points": tally.points, "total": tally.total,
                    "unrecovered": tally.unrecovered}
        return {
            "overall": t(self.overall),
            "by_kind": {k: t(v) for k, v in sorted(self.by_kind.items())},
            "by_platform": {p: t(v) for p, v in sorted(self.by_platform.items())},
        }


_declared_lines: dict[tuple[str, str], frozenset[int]] = {}


def gold_units(span: GoldSpan, new: Document) -> list[int]:
    """For each of the new version's sections (flat index), the section that starts its gold unit:
    the gold's section is a declared heading and the text up to the next declared heading, so a
    section policydiff recovers from an undeclared line (an italic ``_Amount_`` under a declared
    ``15. Limitations on liability``) is a piece of the declared section before it (the preamble,
    0, before the first). Pairing an old section with a unit's pieces pairs it with the unit."""
    key = (span.new_commit, span.document)
    if key not in _declared_lines:
        _declared_lines[key] = frozenset(s.line for s in declared_sections(bundle().text(*key)))
    return units_of(_declared_lines[key], new)


def units_of(lines: frozenset[int], new: Document) -> list[int]:
    """``gold_units`` given the source lines of the declared headings."""
    units, current = [], 0
    for j, section in enumerate(new.flat()):
        if j and section.line in lines:
            current = j
        units.append(current)
    return units


def score_span(span: GoldSpan, pairs: Iterable[tuple[int, int]], old: Document, new: Document,
               result: Result) -> None:
    units = gold_units(span, new)
    predicted: dict[int, set[int]] = defaultdict(set)
    for i, j in pairs:
        predicted[i].add(units[j])
    new_flat = new.flat()
    for d in resolve(span, old, new):
        if not d.recovered:
            correct = False
        elif d.kind == "removed":
            correct = not predicted.get(d.old_index, set())  # type: ignore[arg-type]
        else:
            correct = predicted.get(d.old_index, set()) == {d.new_index}  # type: ignore[arg-type]
        for tally in (result.overall, result.by_kind[d.kind], result.by_platform[span.platform],
                      result.by_platform_kind[(span.platform, d.kind)], result.by_span[span.name]):
            tally.add(correct, d.recovered)
        if not correct:
            got = sorted(predicted.get(d.old_index, set())) if d.old_index is not None else []
            result.misses.append(Miss(
                span.name, d.kind, d.gold.old.title, d.gold.new.title if d.gold.new else None,
                [new_flat[j].title or "(preamble)" for j in got], d.recovered,
            ))


def score(pairing_fn: PairingFn = engine_pairing, spans: Sequence[GoldSpan] | None = None,
          progress: bool = False) -> Result:
    """Score a pairing function on gold spans (default: all of them)."""
    if spans is None:
        spans = load_gold()
    result = Result()
    for n, span in enumerate(spans):
        old, new = documents(span)
        score_span(span, pairing_fn(old, new), old, new, result)
        if progress:
            print(f"\r{n + 1}/{len(spans)} {span.name[:60]:60}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return result


def leave_one_platform_out(fit: Callable[[list[GoldSpan]], PairingFn],
                           spans: Sequence[GoldSpan] | None = None) -> dict[str, Result]:
    """For each platform: ``fit`` on the other platforms' spans, score on this one's.

    ``fit(training_spans)`` returns a pairing function; the current engine, fitted on nothing, is
    ``lambda spans: engine_pairing``."""
    if spans is None:
        spans = load_gold()
    results = {}
    for platform in platforms(spans):
        pairing = fit([s for s in spans if s.platform != platform])
        results[platform] = score(pairing, [s for s in spans if s.platform == platform])
    return results


def pooled(results: dict[str, Result]) -> Result:
    """The per-platform results of :func:`leave_one_platform_out` summed into one."""
    total = Result()
    for r in results.values():
        for name in ("points", "total", "unrecovered"):
            setattr(total.overall, name, getattr(total.overall, name) + getattr(r.overall, name))
        for table, other in ((total.by_kind, r.by_kind), (total.by_platform, r.by_platform),
                             (total.by_platform_kind, r.by_platform_kind), (total.by_span, r.by_span)):
            for key, tally in other.items():
                mine = table[key]  # type: ignore[index]
                mine.points += tally.points
                mine.total += tally.total
                mine.unrecovered += tally.unrecovered
        total.misses += r.misses
    return total


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--platform", help="score only this platform's spans (the held-out one)")
    parser.add_argument("--leave-one-out", action="store_true",
                        help="one table per held-out platform (the current engine is fitted on nothing, so "
                             "this is the per-platform table; a fitted pairing reuses the loop)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    spans = load_gold(args.gold, platform=args.platform)
    if not spans:
        sys.exit(f"no gold spans{' for ' + args.platform if args.platform else ''}")
    if args.leave_one_out:
        results = leave_one_platform_out(lambda training: engine_pairing, spans)
        for platform, r in results.items():
            print(f"held out {platform:10}: {r.overall}  "
                  + "  ".join(f"{k} {r.by_kind[k]}" for k in KINDS if k in r.by_kind), flush=True)
        result = pooled(results)
    else:
        result = score(engine_pairing, spans, progress=sys.stderr.isatty())
    if args.json:
        print(json.dumps(result.as_dict(), indent=1))
    else:
        print(result.table())
    if args.verbose:
        for m in result.misses:
            tag = "" if m.recovered else " [heading not recovered]"
            print(f"  {m.span}: {m.kind} {m.old!r} -> wanted {m.wanted!r}, got {m.got}{tag}")


if __name__ == "__main__":
    main()
