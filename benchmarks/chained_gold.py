"""History-chained gold: who-is-who between far-apart versions, chained from near-certain steps.

Run:  .venv/bin/python benchmarks/chained_gold.py [--bundle PATH] [--out benchmarks/gold/chained.json]

In an Open Terms Archive history (``../shared/datasets/pga-dev.bundle``, one commit per recorded
change, ``<Platform>/<Document>.md``) consecutive versions differ little, so which section became
which between them is near certain. This script links sections step by step and chains the
confident links from a first to a last version; the chain is the gold for the far-apart pair.

Sections are the markdown's *declared* headings only (ATX ``#`` and setext underlines, as
markdown-it-py's CommonMark parser reads them), independent of policydiff's structure recovery:
a section is a heading plus the text up to the next heading of any level (its subsections' text is
not its own, as in policydiff's ``Section.body``). Its words are the text of the inline tokens
(link targets and markup left out), lowercased; its shingles the set of word 3-grams (a text of
one or two words is one shingle; an empty text none). A title is compared by its words with a
leading numbering (``2.``, ``(b)``, ``IV.``) stripped.

One step (version k to k+1) links a section to a section of the next version when

* **same title**: the title is equal and unique on both sides and the bodies are alike (shingle
  Jaccard >= 0.5; two empty bodies are alike), or
* **containment**: exactly one new section contains >= 0.8 of its shingles and, the reverse,
  exactly one old section (this one) contains >= 0.8 of that new section's shingles (a rename or
  a title shared by several sections).

A section of the span's first version left unlinked stays *pending*: later versions may link it
again (a glitchy capture that lost part of the page, then got it back). At the span's end

* a chain that reaches a section of the last version is a pair, labelled ``same_title`` when the
  two ends' titles are equal, else ``renamed``; a renamed chain is left out as ambiguous when
  the last version still has a section titled as the first one;
* a heading with no words (an anchor or image only) is no decision;
* a pending section is ``removed`` only when its title is gone, no title of the last version
  (declared, or any line of at most 20 words) resembles it (Jaccard >= 0.5 of their words cut to five letters, or character
  ratio >= 0.75, or one's words all among the other's) and no section of the last
  version holds >= 0.15 of its shingles (as first seen or as last seen); otherwise it is left out.

Spans per document: first -> last, first -> middle, middle -> last (middle: the middle one of the
usable versions). A version is usable as a span end when it declares at least 3 headings, has
between half and twice the median word count of the document's versions (a capture that lost the
page, or caught a larger page around it, is not a fair end) and is written in the language of the
latest usable version (its commonest words are that version's); every version still takes part in
the chaining.

The gold file is small: version ids (commit) and headings (title, 1-based line, level), never the
texts; :class:`Bundle` reads the texts back from the bundle. Format: ``benchmarks/gold/README.md``.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BUNDLE = ROOT.parent / "shared" / "datasets" / "pga-dev.bundle"
GOLD_DIR = ROOT / "benchmarks" / "gold"
DEFAULT_OUT = GOLD_DIR / "chained.json"

TITLE_BODY_JACCARD = 0.5
"""Same-title link: the bodies' shingle Jaccard at least this."""
CONTAINMENT = 0.8
"""Containment link: the share of a section's shingles the other holds, both ways."""
REMOVED_OVERLAP = 0.15
"""Removed only if no section of the last version holds this share of the section's shingles."""
TITLE_RESEMBLES_WORDS = 0.5
"""Two titles resemble each other at this word Jaccard (words cut to five letters) ..."""
TITLE_RESEMBLES_CHARS = 0.75
"""... or this character ratio (difflib)."""
MIN_END_HEADINGS = 3
"""A span end declares at least this many headings."""
MIN_END_WORDS_SHARE = 0.5
MAX_END_WORDS_SHARE = 2.0
"""A span end has between these shares of the median word count of the document's versions (a
capture that lost most of the page, or caught a larger page around it, is not a fair end)."""
LANGUAGE_TOP = 20
LANGUAGE_POOL = 100
LANGUAGE_SHARE = 0.5
"""A span end is written in the language of the document's latest usable version: at least this
share of its ``LANGUAGE_TOP`` commonest words are among that version's ``LANGUAGE_POOL`` commonest
(a translation shares almost none; word identity cannot say who is who across languages)."""

KINDS = ("same_title", "renamed", "removed")

# Block structure only: inline parsing (links, emphasis) would be three quarters of the time, and a
# section's words need no more than its inline text with link targets cut out (``_LINK_TARGET``).
_MD = MarkdownIt("commonmark", {"maxNesting": 10_000}).enable("table").disable("inline")
_WORD = re.compile(r"[^\W_]+")
_LINK_TARGET = re.compile(r"\]\(\s*<?[^()\s]*(?:\([^()\s]*\)[^()\s]*)*>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)|<(?:https?|mailto):[^>\s]*>")
_EMPHASIS = re.compile(r"[*`]+|(?<!\w)_+|_+(?!\w)")
"""Emphasis and code markers, left in a heading's text by the block-only parse."""
_NUMBERING = re.compile(
    r"^[^\w(]*(?:(?:section|article|part|chapter)\s+)?"
    r"\(?(?:\d+(?:[.\-]\d+)*|[a-z]|[ivxlc]+)\s*[.):]?\s+(?=\S)",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------------------------------
# Declared sections


@dataclass(frozen=True)
class DeclaredSection:
    """A declared heading and the text up to the next heading of any level."""

    title: str
    """The heading's text as a reader sees it (inline markup and link targets left out)."""
    level: int
    """1..6 as declared (``#`` count, or 1 for ``===`` and 2 for ``---`` underlines)."""
    line: int
    """1-based line of the heading's text in the source."""
    words: tuple[str, ...]
    """The body's words, lowercased."""

    @property
    def key(self) -> str:
        return title_key(self.title)

    @property
    def shingles(self) -> frozenset[tuple[str, ...]]:
        return shingles(self.words)


def title_key(title: str) -> str:
    """A title's words, lowercased, leading numbering stripped (``2. Using the Service`` ->
    ``using the service``); a title that is only a number keeps it."""
    stripped = _NUMBERING.sub("", title, count=1)
    words = _WORD.findall((stripped if _WORD.search(stripped) else title).lower())
    return " ".join(words)


def shingles(words: Sequence[str]) -> frozenset[tuple[str, ...]]:
    if len(words) < 3:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i:i + 3]) for i in range(len(words) - 2))


def _inline_text(token) -> str:  # type: ignore[no-untyped-def]
    """An inline token's text with link targets cut out (markup characters are not words)."""
    return _LINK_TARGET.sub("]", token.content).replace("\\", "")


def short_lines(text: str, most_words: int = 20) -> list[str]:
    """Every block of the text of at most ``most_words`` words (bold lines, list items, questions):
    where a title may survive without being declared a heading."""
    out = []
    for token in _MD.parse(text):
        if token.type == "inline":
            line = " ".join(_EMPHASIS.sub("", _inline_text(token)).split())
            if line and len(_WORD.findall(line)) <= most_words:
                out.append(line)
    return out


def declared_sections(text: str) -> list[DeclaredSection]:
    """The declared headings of a markdown text with their own body words, in reading order.

    Text before the first heading (the preamble) is not a section here."""
    tokens = _MD.parse(text)
    sections: list[DeclaredSection] = []
    title: str | None = None
    level = line = 0
    words: list[str] = []
    k = 0
    while k < len(tokens):
        token = tokens[k]
        if token.type == "heading_open":
            if title is not None:
                sections.append(DeclaredSection(title, level, line, tuple(words)))
            inline = tokens[k + 1]
            title = " ".join(_EMPHASIS.sub("", _inline_text(inline)).split())
            level = int(token.tag[1])
            line = (token.map[0] if token.map else 0) + 1
            words = []
            k += 3
            continue
        if token.type == "inline" and title is not None:
            words += _WORD.findall(_inline_text(token).lower())
        k += 1
    if title is not None:
        sections.append(DeclaredSection(title, level, line, tuple(words)))
    return sections


# ---------------------------------------------------------------------------------------------
# Similarities


def jaccard(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def contained(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    """The share of ``a``'s shingles that ``b`` holds (0 for an empty ``a``)."""
    return len(a & b) / len(a) if a else 0.0


def titles_resemble(a: str, b: str) -> bool:
    ka, kb = title_key(a), title_key(b)
    if ka == kb:
        return True
    # Words compared by their first five letters: a crude stem, so "cookie" and "cookies" agree.
    wa, wb = {w[:5] for w in ka.split()}, {w[:5] for w in kb.split()}
    if wa and wb and (len(wa & wb) / len(wa | wb) >= TITLE_RESEMBLES_WORDS or wa <= wb or wb <= wa):
        return True
    return difflib.SequenceMatcher(None, ka, kb, autojunk=False).ratio() >= TITLE_RESEMBLES_CHARS


# ---------------------------------------------------------------------------------------------
# One step


@dataclass(frozen=True)
class Link:
    old: int
    new: int
    rule: str
    """``title`` or ``containment``."""


def link_step(old: Sequence[DeclaredSection], new: Sequence[DeclaredSection]) -> dict[int, Link]:
    """Confident links from ``old`` sections to ``new`` ones (indices into the two lists)."""
    links: dict[int, Link] = {}
    old_sh = [s.shingles for s in old]
    new_sh = [s.shingles for s in new]
    old_keys = Counter(s.key for s in old)
    new_keys = Counter(s.key for s in new)
    new_by_key = {s.key: j for j, s in enumerate(new) if new_keys[s.key] == 1}
    linked_new: set[int] = set()
    for i, s in enumerate(old):
        if old_keys[s.key] != 1:
            continue
        j = new_by_key.get(s.key)
        if j is not None and jaccard(old_sh[i], new_sh[j]) >= TITLE_BODY_JACCARD:
            links[i] = Link(i, j, "title")
            linked_new.add(j)
    # Containment among the rest (all sections count for uniqueness: a second section holding the
    # same text makes the link unsure even when that section is linked by its title).
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, sh in enumerate(new_sh):
        for g in sh:
            index[g].append(j)
    old_index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, sh in enumerate(old_sh):
        for g in sh:
            old_index[g].append(i)

    def holders(sh: frozenset[tuple[str, ...]], where: dict[tuple[str, ...], list[int]]) -> list[int]:
        counts: Counter[int] = Counter()
        for g in sh:
            counts.update(where.get(g, ()))
        return [j for j, c in counts.items() if c / len(sh) >= CONTAINMENT]

    for i, s in enumerate(old):
        if i in links or not old_sh[i]:
            continue
        found = holders(old_sh[i], index)
        if len(found) != 1:
            continue
        j = found[0]
        if j in linked_new or not new_sh[j]:
            continue
        back = holders(new_sh[j], old_index)
        if back == [i]:
            links[i] = Link(i, j, "containment")
            linked_new.add(j)
    return links


# ---------------------------------------------------------------------------------------------
# Chains over a span


@dataclass
class Decision:
    kind: str
    old: DeclaredSection
    new: DeclaredSection | None
    rules: Counter[str] = field(default_factory=Counter)
    """How many steps of the chain were linked by each rule."""


@dataclass
class SpanGold:
    decisions: list[Decision]
    ambiguous: int
    """Sections of the first version left out (chain broken and not surely removed, or ended
    elsewhere while a same-titled section exists)."""


def chain_span(versions: Sequence[Sequence[DeclaredSection]], last_lines: Sequence[str] = ()) -> SpanGold:
    """Chain confident step links from ``versions[0]`` to ``versions[-1]``; ``last_lines``: the
    last version's short lines (:func:`short_lines`), titles that may survive undeclared."""
    first = versions[0]
    # where[origin] = index in the current version, or None while pending
    where: dict[int, int | None] = {i: i for i in range(len(first))}
    last_seen: dict[int, DeclaredSection] = {i: s for i, s in enumerate(first)}
    rules: dict[int, Counter[str]] = {i: Counter() for i in range(len(first))}
    current = list(first)
    for nxt in versions[1:]:
        at = {k: o for o, k in where.items() if k is not None}
        pending = [o for o, k in where.items() if k is None]
        # One linking over the current sections and the pending ones together: a pending section
        # sharing a title with a current one makes that title not unique (conservative).
        candidates = list(current) + [last_seen[o] for o in pending]
        origin_of: list[int | None] = [at.get(k) for k in range(len(current))] + pending
        links = link_step(candidates, nxt)
        for o in where:
            where[o] = None
        for c, link in links.items():
            o = origin_of[c]
            if o is not None:
                where[o] = link.new
                last_seen[o] = nxt[link.new]
                rules[o][link.rule] += 1
        current = list(nxt)
    last = versions[-1]
    last_keys = Counter(s.key for s in last)
    last_sh = [s.shingles for s in last]
    decisions: list[Decision] = []
    ambiguous = 0
    for o, s in enumerate(first):
        k = where[o]
        if not s.key or (k is not None and not last[k].key):
            ambiguous += 1  # a heading with no words names no section a reader could find
            continue
        if k is not None:
            t = last[k]
            if t.key == s.key:
                decisions.append(Decision("same_title", s, t, rules[o]))
            elif last_keys[s.key]:
                ambiguous += 1
            else:
                decisions.append(Decision("renamed", s, t, rules[o]))
            continue
        seen = last_seen[o]
        gone = (
            not last_keys[s.key]
            and not last_keys[seen.key]
            and not any(titles_resemble(s.title, t) or titles_resemble(seen.title, t)
                        for t in [t.title for t in last] + list(last_lines))
            and not any(
                contained(s.shingles, sh) >= REMOVED_OVERLAP or contained(seen.shingles, sh) >= REMOVED_OVERLAP
                for sh in last_sh
            )
        )
        if gone:
            decisions.append(Decision("removed", s, None, rules[o]))
        else:
            ambiguous += 1
    return SpanGold(decisions, ambiguous)


# ---------------------------------------------------------------------------------------------
# The bundle


@dataclass(frozen=True)
class Version:
    commit: str
    date: str


class Bundle:
    """A clone of the versions bundle (made once per bundle content, in the temp dir) and a
    ``git cat-file --batch`` reader over it."""

    def __init__(self, bundle: Path = DEFAULT_BUNDLE, clone_dir: Path | None = None) -> None:
        bundle = Path(bundle)
        if not bundle.exists():
            raise FileNotFoundError(f"{bundle}: versions bundle not found")
        if clone_dir is None:
            digest = hashlib.sha256(f"{bundle.resolve()}:{bundle.stat().st_size}:{bundle.stat().st_mtime_ns}".encode())
            clone_dir = Path(tempfile.gettempdir()) / f"policydiff-gold-{digest.hexdigest()[:12]}"
        self.path = Path(clone_dir)
        if not (self.path / ".git").exists() and not (self.path / "HEAD").exists():
            partial = self.path.with_name(self.path.name + f".part{os.getpid()}")
            subprocess.run(["git", "clone", "-q", "--bare", str(bundle), str(partial)], check=True)
            try:
                partial.rename(self.path)
            except OSError:  # another process made it meanwhile
                subprocess.run(["rm", "-rf", str(partial)], check=True)
        self._cat: subprocess.Popen[bytes] | None = None

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.path, check=True, capture_output=True,
                              env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}).stdout.decode("utf-8")

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def documents(self) -> list[str]:
        return sorted(p for p in self.git("ls-tree", "-r", "--name-only", "HEAD").splitlines() if p.endswith(".md"))

    def versions(self, path: str) -> list[Version]:
        """Commits that recorded ``path``, oldest first."""
        out = self.git("log", "--reverse", "--format=%H %ad", "--date=short", "--", path)
        return [Version(*line.split()) for line in out.splitlines() if line.strip()]

    def text(self, commit: str, path: str) -> str:
        if self._cat is None:
            self._cat = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.path,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._cat.stdin is not None and self._cat.stdout is not None
        self._cat.stdin.write(f"{commit}:{path}\n".encode("utf-8"))
        self._cat.stdin.flush()
        header = self._cat.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            raise KeyError(f"{commit}:{path} not in the bundle")
        size = int(header[2])
        data = self._cat.stdout.read(size + 1)[:size]
        return data.decode("utf-8")

    def close(self) -> None:
        if self._cat is not None:
            if self._cat.stdin is not None:
                self._cat.stdin.close()
            self._cat.wait()
            self._cat = None

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def platform_of(path: str) -> str:
    return path.split("/", 1)[0]


# ---------------------------------------------------------------------------------------------
# Building the gold file


def _heading(s: DeclaredSection) -> dict[str, object]:
    return {"title": s.title, "line": s.line, "level": s.level}


def commonest(sections: Sequence[DeclaredSection], n: int) -> set[str]:
    counts: Counter[str] = Counter()
    for s in sections:
        counts.update(s.words)
    return {w for w, _ in counts.most_common(n)}


def usable_ends(parsed: Sequence[Sequence[DeclaredSection]]) -> list[int]:
    counts = [sum(len(s.words) for s in secs) for secs in parsed]
    median = statistics.median(counts) if counts else 0
    usable = [k for k, secs in enumerate(parsed)
              if len(secs) >= MIN_END_HEADINGS
              and MIN_END_WORDS_SHARE * median <= counts[k] <= MAX_END_WORDS_SHARE * median]
    if not usable:
        return []
    pool = commonest(parsed[usable[-1]], LANGUAGE_POOL)
    return [k for k in usable
            if len(commonest(parsed[k], LANGUAGE_TOP) & pool) >= LANGUAGE_SHARE * LANGUAGE_TOP]


def span_ends(usable: Sequence[int]) -> list[tuple[str, int, int]]:
    if len(usable) < 2:
        return []
    first, last = usable[0], usable[-1]
    ends = [("first-last", first, last)]
    if len(usable) >= 3:
        middle = usable[len(usable) // 2]
        ends += [("first-middle", first, middle), ("middle-last", middle, last)]
    return ends


def build_document(bundle: Bundle, path: str) -> tuple[list[dict[str, object]], dict[str, int]]:
    versions = bundle.versions(path)
    parsed = [declared_sections(bundle.text(v.commit, path)) for v in versions]
    usable = usable_ends(parsed)
    spans: list[dict[str, object]] = []
    info = {"versions": len(versions), "usable_ends": len(usable)}
    for name, a, b in span_ends(usable):
        gold = chain_span(parsed[a:b + 1], short_lines(bundle.text(versions[b].commit, path)))
        spans.append({
            "platform": platform_of(path),
            "document": path,
            "span": name,
            "old": {"commit": versions[a].commit, "date": versions[a].date, "index": a},
            "new": {"commit": versions[b].commit, "date": versions[b].date, "index": b},
            "steps": b - a,
            "old_headings": len(parsed[a]),
            "new_headings": len(parsed[b]),
            "ambiguous": gold.ambiguous,
            "decisions": [
                {
                    "kind": d.kind,
                    "old": _heading(d.old),
                    "new": _heading(d.new) if d.new is not None else None,
                    "rules": dict(sorted(d.rules.items())),
                }
                for d in gold.decisions
            ],
        })
    return spans, info


def _build_one(args: tuple[Path, str]) -> tuple[list[dict[str, object]], dict[str, int]]:
    with Bundle(args[0]) as bundle:
        return build_document(bundle, args[1])


def build(bundle_path: Path = DEFAULT_BUNDLE, only: str | None = None, verbose: bool = False,
          jobs: int = 2) -> dict[str, object]:
    from multiprocessing import Pool

    with Bundle(bundle_path) as bundle:
        spans: list[dict[str, object]] = []
        documents: dict[str, dict[str, int]] = {}
        paths = [p for p in bundle.documents() if not only or only in p]
        # Longest histories first, so that the pool's two halves end together.
        by_size = sorted(paths, key=lambda p: -len(bundle.versions(p)))
        with Pool(max(1, jobs)) as pool:
            built = dict(zip(by_size, pool.map(_build_one, [(bundle_path, p) for p in by_size], chunksize=1)))
        for path in paths:
            found, info = built[path]
            documents[path] = info
            spans += found
            if verbose:
                kinds = Counter(d["kind"] for s in found for d in s["decisions"])  # type: ignore[index, union-attr]
                print(f"{path:50} {info['versions']:4} versions, {len(found)} spans, {dict(kinds)}", file=sys.stderr)
        return {
            "format": "policydiff chained gold 1",
            "source": "Platform Governance Archive / Open Terms Archive, PGA v2 (ODC-By 1.0)",
            "bundle_head": bundle.head(),
            "method": {
                "title_body_jaccard": TITLE_BODY_JACCARD,
                "containment": CONTAINMENT,
                "removed_overlap": REMOVED_OVERLAP,
                "title_resembles_words": TITLE_RESEMBLES_WORDS,
                "title_resembles_chars": TITLE_RESEMBLES_CHARS,
                "min_end_headings": MIN_END_HEADINGS,
                "min_end_words_share": MIN_END_WORDS_SHARE,
                "max_end_words_share": MAX_END_WORDS_SHARE,
                "language_share": LANGUAGE_SHARE,
            },
            "documents": documents,
            "spans": spans,
        }


def dump(gold: dict[str, object]) -> str:
    """JSON with one line per span header and per decision: small, and diffs read well."""
    def compact(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    head = {k: v for k, v in gold.items() if k != "spans"}
    lines = ["{"] + [f" {compact(k)}: {compact(v)}," for k, v in head.items()] + [' "spans": [']
    spans = gold["spans"]
    assert isinstance(spans, list)
    for n, span in enumerate(spans):
        header = compact({k: v for k, v in span.items() if k != "decisions"})
        lines.append(f"  {header[:-1]}, \"decisions\": [")
        decisions = span["decisions"]
        lines += [f"   {compact(d)}{',' if m < len(decisions) - 1 else ''}" for m, d in enumerate(decisions)]
        lines.append("  ]}" + ("," if n < len(spans) - 1 else ""))
    lines += [" ]", "}"]
    return "\n".join(lines) + "\n"


def describe(gold: dict[str, object]) -> str:
    spans = gold["spans"]
    assert isinstance(spans, list)
    kinds: Counter[str] = Counter()
    by_platform: dict[str, Counter[str]] = defaultdict(Counter)
    ambiguous = 0
    for span in spans:
        ambiguous += span["ambiguous"]
        for d in span["decisions"]:
            kinds[d["kind"]] += 1
            by_platform[span["platform"]][d["kind"]] += 1
    lines = [f"{len(spans)} spans of {len({s['document'] for s in spans})} documents, "
             f"{len(by_platform)} platforms; {sum(kinds.values())} decisions "
             + ", ".join(f"{k} {kinds[k]}" for k in KINDS) + f"; {ambiguous} left out as ambiguous"]
    for platform in sorted(by_platform):
        c = by_platform[platform]
        lines.append(f"  {platform:10} " + "  ".join(f"{k} {c[k]:4}" for k in KINDS))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--only", metavar="TEXT", help="only documents whose path contains TEXT")
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args(argv)
    gold = build(args.bundle, args.only, args.verbose, args.jobs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump(gold), encoding="utf-8")
    print(describe(gold))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
