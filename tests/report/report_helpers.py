"""Helpers for the report tests: comparisons built by hand from the model dataclasses, HTML parsing."""

from __future__ import annotations

import difflib
import re
from datetime import datetime, timezone
from pathlib import Path


from policydiff.core.model import (
    Comparison,
    ComparisonStats,
    DiffStats,
    Document,
    Op,
    Options,
    Section,
    SectionPair,
    Status,
    WordDiff,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
FIXED_TIME = datetime(2024, 10, 1, 12, 30, tzinfo=timezone.utc)

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def word_diff(old: str, new: str) -> WordDiff:
    """A simple word diff (difflib on words, spaces and punctuation), good enough for fixtures."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    ops: list[Op] = []
    ins = dele = same = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        o, n = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            ops.append(Op("=", o, n))
            same += _words(o)
        else:
            if o:
                ops.append(Op("-", o, ""))
                dele += _words(o)
            if n:
                ops.append(Op("+", "", n))
                ins += _words(n)
    return WordDiff(tuple(ops), DiffStats(ins, dele, same, 0))


def section(title: str, body: str, *, number: str | None = None, level: int = 1, line: int = 1,
            children: tuple[Section, ...] = ()) -> Section:
    return Section(title=title, number=number, level=level, line=line, body=body, children=children)


def document(name: str, sections: tuple[Section, ...], *, preamble: str = "", **meta) -> Document:
    return Document(
        name=name,
        path=None,
        title=meta.pop("title", None),
        date=meta.pop("date", None),
        source=meta.pop("source", None),
        archived=meta.pop("archived", None),
        preamble=section("", preamble, level=0),
        sections=sections,
        **meta,
    )


def _bare(title: str) -> str:
    return re.sub(r"^\s*(\d+(\.\d+)*\.?|[A-Z]\.)\s*", "", title)


def pair(old_doc: Document, new_doc: Document, old: Section | None, new: Section | None, *,
         moved: bool = False, body_diff: WordDiff | None = None, manual: bool = False,
         score: float | None = None) -> SectionPair:
    old_index = old_doc.index_of(old) if old is not None else None
    new_index = new_doc.index_of(new) if new is not None else None
    if old is not None and new is not None:
        title_diff = word_diff(old.title, new.title)  # whole titles, numbers included, as the engine does
        body = body_diff or word_diff(old.body, new.body)
        changed = any(op.kind in "-+" for op in title_diff.ops + body.ops)
        status = Status.CHANGED if changed else Status.UNCHANGED
    elif new is not None:
        title_diff = WordDiff((Op("+", "", new.title),), DiffStats(words_inserted=_words(new.title)))
        body = body_diff or WordDiff((Op("+", "", new.body),), DiffStats(words_inserted=_words(new.body)))
        status = Status.ADDED
    else:
        assert old is not None
        title_diff = WordDiff((Op("-", old.title, ""),), DiffStats(words_deleted=_words(old.title)))
        body = body_diff or WordDiff((Op("-", old.body, ""),), DiffStats(words_deleted=_words(old.body)))
        status = Status.REMOVED
    if score is None:
        score = 0.0 if old is None or new is None else 0.9
    return SectionPair(old, new, old_index, new_index, status, moved, score, title_diff, body, manual)


def comparison(old_doc: Document, new_doc: Document, pairs: list[SectionPair],
               options: Options = Options()) -> Comparison:
    words = DiffStats()
    for p in pairs:
        words = words + p.stats
    stats = ComparisonStats(
        sections_unchanged=sum(p.status is Status.UNCHANGED for p in pairs),
        sections_changed=sum(p.status is Status.CHANGED for p in pairs),
        sections_added=sum(p.status is Status.ADDED for p in pairs),
        sections_removed=sum(p.status is Status.REMOVED for p in pairs),
        sections_moved=sum(p.moved for p in pairs),
        words=words,
    )
    same = all(p.status is Status.UNCHANGED and not p.moved for p in pairs)
    return Comparison(old_doc, new_doc, tuple(pairs), stats, options, same_words=same)


def build_sample() -> Comparison:
    """Every kind of pair: preamble, unchanged, changed, renamed, moved, added, removed, coarse,
    an ignored (~) difference and a paragraph-break change."""
    o_intro = section("1. Scope", "This statement applies to this site.\nOther sites differ.", number="1", line=5)
    o_use = section("2. Use of information", "We use data to run the site.\nWe never sell it.",
                    number="2", line=9)
    o_cookies = section("3. Cookies", "Cookies are small files.", number="3", line=13)
    o_gone = section("4. Newsletters", "We send newsletters if you agree.", number="4", line=16)
    o_same = section("4. Contact", "Write to us at the address below.", number="4", line=19)
    o_long = section("6. Sharing", "We share with partners.", number="6", line=22)
    old_doc = document("acme-2019.md", (o_intro, o_use, o_cookies, o_gone, o_same, o_long),
                       preamble="Acme Privacy Statement.", title="Acme Privacy", date="March 1, 2019",
                       source="https://example.com/privacy", archived="2019-03-02", sha256="ab" * 32)

    n_cookies = section("1. Cookies", "Cookies are small text files.", number="1", line=4)
    n_intro = section("2. Scope of this notice", "This notice applies to this site.\nOther sites differ.",
                      number="2", line=7)
    n_use = section("3. Use of information", "We use data to run the site. We never sell it.\nWe may share it.",
                    number="3", line=10)
    n_same = section("4. Contact", "Write to us at the address below.", number="4", line=14)
    n_new = section("5. Your rights", "You may ask for a copy of your data.\nYou may object.", number="5", line=17)
    n_long = section("6. Sharing", "We share with partners and affiliates.", number="6", line=20)
    new_doc = document("acme-2024.txt", (n_cookies, n_intro, n_use, n_same, n_new, n_long),
                       preamble="Acme Privacy Notice.", title="Acme Privacy Notice", date="June 5, 2024",
                       sha256="cd" * 32, encoding="cp1252")

    ign = WordDiff((Op("=", "Write to us at the ", "Write to us at the "), Op("~", "address", "Address"),
                    Op("=", " below.", " below.")), DiffStats(0, 0, 6, 1))
    coarse = WordDiff((Op("-", o_long.body, ""), Op("+", "", n_long.body)), DiffStats(6, 4, 0, 0),
                      coarse="The texts differ too much for a word-by-word diff; shown as replaced.")
    pairs = [
        pair(old_doc, new_doc, old_doc.preamble, new_doc.preamble),
        pair(old_doc, new_doc, o_cookies, n_cookies, moved=True),
        pair(old_doc, new_doc, o_intro, n_intro),
        pair(old_doc, new_doc, o_use, n_use),
        pair(old_doc, new_doc, o_gone, None),
        pair(old_doc, new_doc, o_same, n_same, body_diff=ign),
        pair(old_doc, new_doc, None, n_new),
        pair(old_doc, new_doc, o_long, n_long, body_diff=coarse, manual=True, score=1.0),
    ]
    return comparison(old_doc, new_doc, pairs, Options(ignore_case=True))


# ---- parsing helpers --------------------------------------------------------------------------

def parse(html: str):
    """Parse with html5lib in strict mode (raises on any parse error); returns the root element."""
    import html5lib

    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(html)


def text_of(element) -> str:
    return "".join(element.itertext())


def by_id(root, ident: str):
    for el in root.iter():
        if el.get("id") == ident:
            return el
    return None


def has_class(element, name: str) -> bool:
    return name in (element.get("class") or "").split()
