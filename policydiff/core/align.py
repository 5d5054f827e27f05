"""Pair the sections of two versions of a policy by what they say, where the text went.

Features. Each section is a TF-IDF vector over stemmed words of its own text (Snowball stemmer
from PyStemmer, a few privacy-policy synonyms mapped to one concept); titles (numbering stripped)
get a vector of their own; and each section has a set of word-bigram shingles, weighted by how
rare they are, for the asymmetric *containment*: how much of A's text is found in B.

Candidates. Only pairs that share a word are ever scored: an inverted index over the new sections
(pure Python up to ``PY_PAIRS`` section pairs), sparse matrix products up to ``SMALL`` pairs, and
beyond that the best few partners of each section by body cosine, title cosine and containment,
read from the entries of sparse products done a block of rows at a time (NumPy and SciPy, imported
only for such sizes). Memory stays linear in the number of sections: there is no old x new matrix,
nor a dense row of one, beyond ``SMALL``. Each measure of a pair is computed once and kept.

Repetition is not ambiguity. Copies of one text in a version (the same title terms, bodies alike:
a page repeating its terms for a second company, a document of renumbered copies) pair in order
with the other version's copies, the k-th with the k-th (counted from the start or from the end):
the other copies are no candidates. When both versions hold copies, a copy counts once in how
rare a word is, so the likeness of two sections does not depend on how many times they repeat.

Pairing, in this order (each step reads the same from either side, so swapping the versions
mirrors the result):

1. the user's overrides;
2. the one-to-one core: every candidate pair scored by one logistic function of a few features
   (title and body likeness, containment, place in reading order, numbering, depth, neighbours,
   parents) whose weights are fitted from labelled version pairs and history-chained gold
   (``pairing``, ``benchmarks/fit_pairing.py``), and the pairs chosen together by the one-to-one
   assignment of greatest total log-odds over the abstain threshold;
3. a parent with no text of its own takes its pairing from its children;
4. a section still unpaired whose text is mostly contained in a section of the other version joins
   it: several old sections in one new section are a *merge*, one old section in several new ones
   a *split*;
5. an unpaired subsection joins its parent's counterpart when it resembles it, and an unpaired
   section whose text was rewritten joins the paired section at its depth that it clearly resembles
   most, unless it resembles several alike or a little of everything (a summary of the whole).

No automatic step makes two sections each other's counterpart when their titles disagree on a
distinctive word (each names a place, law or product that the other section never mentions): the
same template written for another jurisdiction is another section. Joining a section that already
has a counterpart (a merge or split) is judged on the text alone, and the joiner must bring text of
its own: text of that section its counterparts do not hold already (``FRESH_SHARE``).
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from policydiff.core import pairing
from policydiff.core.model import Document, Overrides, Section

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse  # type: ignore[import-untyped]


GAP_THRESHOLD = 0.08
"""Minimum similarity for a pair that also keeps the reading order between confident pairs."""
TITLE_SUPPORT = 0.3
"""Title similarity that supports a weak pair."""
TITLE_WEIGHT = 0.4
"""Share of the title in the similarity (the body carries the rest)."""
ORDER_BONUS = 0.06
"""Bonus for sections at the same relative position: breaks ties between look-alike sections."""
LEVEL_FACTOR = 0.65
"""Similarity kept across outline levels: a section prefers its counterpart at the same depth (a
general section over a jurisdiction-specific subsection that repeats its words), yet can still
pair across levels when the content moved there."""
POSITION_BODY = 0.1
"""Body similarity enough for them to pair without a like title."""
JOIN_BODY = 0.3
"""Body similarity at which an unpaired section joins the section it resembles most (a merge or
split with rewritten text)."""
JOIN_MARGIN = 1.2
"""How much more it must resemble that section than the next one."""
SUMMARY_SHARE = 0.6
"""Share of its best likeness at which a section's likeness to another counts as wide."""
SUMMARY_SECTIONS = 3
"""A section wide of this many others sums up the whole (a summary), and joins none of them."""
CHILD_BODY = 0.2
"""Body similarity at which an unpaired subsection joins its paired parent's counterpart."""
JOIN_GATED = frozenset({"child", "resembles"})
"""The steps that join a section to a pair by likeness alone (not by containment or structure):
their joins must also pass ``JOIN_PROBABILITY``."""
JOIN_PROBABILITY = 0.05
"""The fitted score's probability a join by likeness needs. Measured leave-one-platform-out
(labelled pairs / chained gold): no gate 676/754, 1905/2004; 0.05 675, 1932; 0.1 674, 1932; 0.3
670, 1933; the two steps left out 668, 1934: most joins the gate stops the gold reads as a section
given a stray second partner."""
FRESH_GATED = frozenset({"contained", "child", "resembles"})
"""The steps whose joins to a standing pair must bring text of their own (``FRESH_SHARE``): all
that join by text (a text-less parent joins through its children and is not gated). Leave one
platform out (labelled / gold): no gate 666/754, 1939/2004; containment joins only 666, 1946; the
three 668, 1951 (the same with a heading's joins to its own subsections' group let through, which
keeps a merged parent with its title twin, ``_holds_any``, and with resemblance read over words,
``FRESH_BY_WORDS``); containment and resemblance 668, 1949; containment and subsections 666, 1948."""
FRESH_BY_WORDS = frozenset({"resembles"})
"""The steps whose fresh share is read over words (TF-IDF weights), not word bigrams: a section
joining by resemblance was rewritten on the way, so few of its bigrams are found anywhere."""
DISTINCTIVE_USES = 3
"""A title word used by at most this many sections (of both versions together) is distinctive."""
SAME_TEXT = 0.95
"""Body similarity at which two sections hold the same text, whatever their titles say."""
CONTAINED = 0.5
"""Share of a section's (rarity-weighted) word bigrams found in another for it to be contained."""
CONTAINED_SPREAD = 0.6
"""Share found in its best few hosts together, for a section cut into pieces pasted elsewhere."""
FRESH_SHARE = 0.15
"""Share of its text a section joining a group (a merge or split) must share with the group's one
section on the other side *and* with none of that section's partners: the text it brings that the
pairs already made do not hold. A section whose words in the host are all held by the host's
partner repeats their text (boilerplate, a summary); it is no piece of a merge or split. Measured on
the containment joins (all weights; labelled pairs / chained gold): the labelled real merges and
splits bring at least 0.27, the joins the gold or labels call wrong bunch at 0 to 0.03. Leave one
platform out (``benchmarks/fit_pairing.py``), 0.15 and 0.25 score alike (labelled / gold: 666,
1946 with the containment step gated alone)."""
HEAD_SHARE = 0.15
"""Share of its content terms (title and opening text) one document head must find in the other's
for the two heads to be compared as one unit; below it, both ways, the opening was replaced, and the
old head is reported removed and the new one added. A head with no words at all is always compared
(there is nothing to call removed). Measured on the history-chained gold and the labelled pairs:
the heads of every gold span and labelled pair share at least 0.33 one way, but for the two spans
whose old head (a bare title) the gold calls removed, which share nothing. Two more heads the gold
calls removed keep over half their terms (a retitled page whose opening text stayed) and stay
compared."""
MIN_SHINGLES = 8
"""A section with fewer distinct bigrams is too short to judge containment."""
COPY_BODY = 0.85
"""Body similarity at which two sections of one version, under the same title, are copies of one
text (a page that repeats its terms for a second company, a document of renumbered copies)."""
COPY_LEADERS = 8
"""Distinct texts compared per title when grouping copies (bounds the work on a title used often)."""
USE_CONCEPTS = True
"""Map privacy-policy synonyms to one concept (measured with and without: benchmarks/)."""
PY_PAIRS = 5_000
"""Up to this many old x new section pairs, candidates are scored in pure Python (no NumPy import)."""
SMALL = 200_000
"""Up to this many old x new section pairs, every pair sharing a word is scored exactly."""
TOP_K = 6
"""For larger documents, candidates kept per section (by body and by title similarity)."""
PRODUCT_ENTRIES = 4_000_000
"""For larger documents, rows of one side multiplied at once by the other side: at most this many
section pairs, so that even a product in which every pair shares a word stays a bounded block."""

_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_STOPWORDS = frozenset(
    """a an the and or nor but of to in on at by for with from as is are was were be been being this that
    these those it its we our us you your they their them he she his her which who whom whose what when
    where why how do does did not no may might can could will would shall should must any all some such
    than then there here if so also other into about over under only own same each more most very""".split()
)
# Privacy-policy vocabulary that versions swap for one another (children / minors, changes /
# amendments, personal information / personal data ...): mapped to one concept each.
_CONCEPTS = {
    "child": "child", "children": "child", "minor": "child", "minors": "child", "kid": "child",
    "kids": "child", "parental": "child", "age": "child",
    "change": "change", "changes": "change", "amend": "change", "amendment": "change",
    "amendments": "change", "modify": "change", "modification": "change", "revise": "change",
    "revision": "change", "update": "change", "updates": "change",
    "protect": "secure", "protecting": "secure", "protection": "secure", "security": "secure",
    "secure": "secure", "safeguard": "secure", "safeguards": "secure",
    "share": "share", "sharing": "share", "disclose": "share", "disclosure": "share",
    "disclosing": "share",
    "information": "data", "data": "data", "info": "data",
    "site": "website", "sites": "website", "website": "website", "websites": "website", "web": "website",
    "cookie": "cookie", "cookies": "cookie", "beacon": "cookie", "beacons": "cookie",
    "contact": "contact", "contacting": "contact", "inquiries": "contact", "inquiry": "contact",
    "purpose": "use", "purposes": "use", "use": "use", "uses": "use", "using": "use",
    "collect": "collect", "collection": "collect", "collecting": "collect", "gather": "collect",
    "retain": "retain", "retention": "retain", "keep": "retain",
    "statement": "policy", "statements": "policy", "notice": "policy", "notices": "policy",
    "policy": "policy", "policies": "policy",
    "affiliate": "affiliate", "affiliates": "affiliate", "affiliated": "affiliate",
    "subsidiary": "affiliate", "subsidiaries": "affiliate",
}
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly")


@lru_cache(maxsize=1)
def _stemmer() -> Callable[[str], str]:
    try:
        import Stemmer  # type: ignore[import-not-found]  # PyStemmer: the Snowball stemmers in C
    except ImportError:  # pragma: no cover - a declared dependency; the crude stemmer still works
        return _suffix_stem
    stem: Callable[[str], str] = Stemmer.Stemmer("english").stemWord
    return stem


def _suffix_stem(word: str) -> str:
    if len(word) > 4:
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)]
    return word


class _Terms(dict[str, "str | None"]):
    """Lower-case word -> its normalised term (None for a stop word or a number), filled on demand."""

    def __missing__(self, word: str) -> str | None:
        bare = word.removesuffix("'s")
        if bare in _STOPWORDS or bare.isdigit():
            term = None
        else:
            term = (_CONCEPTS.get(bare) if USE_CONCEPTS else None) or _stemmer()(bare)
        if len(self) > 200_000:
            self.clear()
        self[word] = term
        return term


_TERM_CACHE = _Terms()


@lru_cache(maxsize=2_048)
def terms(text: str) -> tuple[str, ...]:
    """Normalised content terms of a text: concepts, then Snowball stems; stop words dropped.
    Kept for recent texts: in a history, each version is compared with the one before and after."""
    words = _WORD_RE.findall(text.lower().replace("\u2019", "'"))
    return tuple(t for t in map(_TERM_CACHE.__getitem__, words) if t is not None)


# ----------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True, slots=True)
class Match:
    """One pairing of an old and a new section; a section may be in several (merge, split)."""

    old_index: int
    new_index: int
    score: float
    manual: bool = False
    how: str = "score"
    """Which step made it: ``score`` (the fitted score's one-to-one assignment), ``parent`` (a heading without text, paired through its children), ``contained`` (its text is
    found in the other section), ``child``, ``resembles``, ``user``, ``document head``."""
    why: str = ""
    """Why, for a reader: the step and the measures it read (``reason``)."""


@dataclass(frozen=True, slots=True)
class Alignment:
    """The pairing of two documents' sections (indices into ``Document.flat()``)."""

    matches: tuple[Match, ...]
    removed: tuple[int, ...]
    added: tuple[int, ...]
    why_removed: tuple[str, ...] = ()
    """Why each removed section has no partner (same order as ``removed``)."""
    why_added: tuple[str, ...] = ()
    """Why each added section has no partner (same order as ``added``)."""


# ----------------------------------------------------------------------------------------------
# Features


def _content_indices(flat: Sequence[Section]) -> list[int]:
    """Sections that take part: all but the preamble, which always pairs with the other preamble."""
    return list(range(1, len(flat)))


def _depths(document: Document) -> list[int]:
    """How deep each section sits (by ``flat()`` index), for comparing places across versions: its
    outline level, except that a numbered section does not count unnumbered headings above it. A
    version that wraps its numbered sections in chapters ("Chapter 1 General Rules") moves them one
    level down in the outline, not in the text's own hierarchy."""
    depths: list[int] = []

    def visit(section: Section, depth: int, wrappers: int) -> None:
        numbered = section.number is not None
        depths.append(depth - wrappers if numbered else depth)
        for child in section.children:
            visit(child, depth + 1, wrappers + (section.level > 0 and not numbered))

    depths.append(0)  # the preamble
    for top in document.sections:
        visit(top, 1, 0)
    return depths


def _policy_text(document: Document) -> list[str]:
    """Each section's body (by ``flat()`` index) without the lines set aside as metadata: a table
    of contents or a date stamp is compared, but says nothing about what a section is about."""
    flat = document.flat()
    bodies = [s.body for s in flat]
    starts = [s.line for s in flat]
    asides: dict[int, list[str]] = {}
    for aside in sorted(document.omitted, key=lambda o: o.line):
        k = bisect.bisect_right(starts, aside.line) - 1
        if k >= 0 and aside.text:
            asides.setdefault(k, []).append(aside.text)
    for k, texts in asides.items():
        bodies[k] = _without(bodies[k], texts)
    return bodies


def _without(body: str, texts: Sequence[str]) -> str:
    """``body`` without one occurrence of each of ``texts``, taken in order, each found after the one
    before (they are lines of the body in source order): one pass over the body however many lines
    are set aside, where cutting them one by one copies the body once per line."""
    kept: list[str] = []
    at = 0
    for text in texts:
        found = body.find(text, at)
        if found < 0:
            continue
        kept.append(body[at:found])
        at = found + len(text)
    kept.append(body[at:])
    return "".join(kept)


def _weights(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    """Unit-length TF-IDF weights (sublinear term frequency)."""
    vector = {t: (1.0 + math.log(c)) * idf[t] for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def _idf(documents: Iterable[Iterable[str]], n: int) -> dict[str, float]:
    df: Counter[str] = Counter()
    for items in documents:
        df.update(items)
    return {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _by_unit(items: Iterable[Iterable[str]], unit: Sequence[int]) -> Iterable[Iterable[str]]:
    """Each row's items, the rows of one unit (copies of one text) merged into one set."""
    if all(u == row for row, u in enumerate(unit)):
        return items
    merged: dict[int, set[str]] = {}
    for row, row_items in enumerate(items):
        merged.setdefault(unit[row], set()).update(row_items)
    return merged.values()


def _copies(
    rows: Iterable[int], title_terms: Sequence[tuple[str, ...]], bodies: Sequence[dict[str, float]]
) -> list[list[int]]:
    """Groups of two or more rows of one version (in reading order) that are copies of one text:
    the same title terms (numbering and numbers aside) and bodies alike at ``COPY_BODY`` or more
    (or both without text). Untitled sections are never copies: nothing says they are one section."""
    by_title: dict[tuple[str, ...], list[list[int]]] = {}
    for row in rows:
        key = tuple(sorted(set(title_terms[row])))
        if not key:
            continue
        groups = by_title.setdefault(key, [])
        body = bodies[row]
        for group in groups:
            leader = bodies[group[0]]
            if (not body and not leader) or (body and leader and _cosine(body, leader) >= COPY_BODY):
                group.append(row)
                break
        else:
            if len(groups) < COPY_LEADERS:
                groups.append([row])
    return [group for groups in by_title.values() for group in groups if len(group) > 1]


@dataclass
class _Features:
    """Per section (old sections first, then new): vectors, shingles, place in the outline."""

    flat_old: tuple[Section, ...]
    flat_new: tuple[Section, ...]
    old_ids: tuple[int, ...]
    new_ids: tuple[int, ...]
    body: list[dict[str, float]] = field(default_factory=list)
    title: list[dict[str, float]] = field(default_factory=list)
    shingles: list[dict[str, float]] = field(default_factory=list)
    """Distinct word bigrams with their rarity weight (idf)."""
    shingle_total: list[float] = field(default_factory=list)
    untitled: list[bool] = field(default_factory=list)
    level: list[int] = field(default_factory=list)
    words: list[set[str]] = field(default_factory=list)
    """Every term of the section (title and body)."""
    distinctive: list[set[str]] = field(default_factory=list)
    """Title terms that few sections use (``DISTINCTIVE_USES``)."""
    position: list[float] = field(default_factory=list)
    twins: dict[int, int] = field(default_factory=dict)
    """Row -> row of its exact twin on the other side (same title and text, unique on each side)."""
    copy_rank: list[int] = field(default_factory=list)
    """Row -> its place (0, 1, ...) among the copies of its text in its version, -1 when its
    version holds its text once (see ``_copies``)."""
    copy_count: list[int] = field(default_factory=list)
    """Row -> how many copies of its text its version holds (1: none but itself)."""

    @classmethod
    def of(cls, old: Document, new: Document) -> _Features:
        flat_old, flat_new = old.flat(), new.flat()
        old_ids, new_ids = _content_indices(flat_old), _content_indices(flat_new)
        sections = [flat_old[i] for i in old_ids] + [flat_new[j] for j in new_ids]
        n = len(sections)
        old_text, new_text = _policy_text(old), _policy_text(new)
        bodies = [old_text[i] for i in old_ids] + [new_text[j] for j in new_ids]
        body_terms = [terms(body) for body in bodies]
        title_terms = [terms(s.bare_title) for s in sections]
        body_counts = [Counter(t) for t in body_terms]
        title_counts = [Counter(t) for t in title_terms]
        grams: list[set[str]] = []
        one_copy: dict[str, str] = {}  # each distinct bigram held once, however many sections use it
        for t in body_terms:
            bigrams = [f"{a} {b}" for a, b in zip(t, t[1:])]
            grams.append(set(map(one_copy.setdefault, bigrams, bigrams)))
        features = cls(flat_old, flat_new, tuple(old_ids), tuple(new_ids))
        n_old, n_new = len(old_ids), len(new_ids)
        # Row -> the text it holds: copies of one text (``_copies``) count once in how rare a word
        # is, so that a document of copies weighs its words as one copy does.
        unit = list(range(n))
        # The copies are found by their bodies weighed with every row counted; only the body
        # weights are needed for that, the title and bigram weights once the units are known.
        body_idf = _idf((c.keys() for c in body_counts), n)
        features.body = [_weights(c, body_idf) for c in body_counts]
        features.copy_rank, features.copy_count = [-1] * n, [1] * n
        for side in (range(n_old), range(n_old, n)):
            for group in _copies(side, title_terms, features.body):
                for rank, row in enumerate(group):
                    features.copy_rank[row], features.copy_count[row] = rank, len(group)
                    unit[row] = group[0]
        if any(unit[r] != r for r in range(n_old)) and any(unit[r] != r for r in range(n_old, n)):
            body_idf = _idf(_by_unit((c.keys() for c in body_counts), unit), len(set(unit)))
            features.body = [_weights(c, body_idf) for c in body_counts]
        else:
            # Copies on one side only (a page that repeats a glossary entry inline) say nothing
            # of which copy is which: the words keep the weights they have.
            unit = list(range(n))
        units = len(set(unit))
        title_idf = _idf(_by_unit((c.keys() for c in title_counts), unit), units)
        gram_idf = _idf(_by_unit(grams, unit), units)
        features.title = [_weights(c, title_idf) for c in title_counts]
        features.shingles = [{g: gram_idf[g] for g in gs} for gs in grams]
        features.shingle_total = [sum(s.values()) for s in features.shingles]
        features.untitled = [not s.bare_title for s in sections]
        old_depths, new_depths = _depths(old), _depths(new)
        features.level = [old_depths[i] for i in old_ids] + [new_depths[j] for j in new_ids]
        # The distinctive words of each title: used by few sections of either version (a place,
        # a product, a law), where the words titles share ("privacy", "disclosures") are common.
        features.words = [set(b) | set(t) for b, t in zip(body_terms, title_terms)]
        used_by: Counter[str] = Counter(itertools.chain.from_iterable(_by_unit(features.words, unit)))
        features.distinctive = [{w for w in set(t) if used_by[w] <= DISTINCTIVE_USES} for t in title_terms]
        written: dict[tuple[str, str], list[int]] = {}
        for row, section in enumerate(sections):
            written.setdefault((section.title, section.body), []).append(row)
        for rows in written.values():
            if len(rows) == 2 and rows[0] < n_old <= rows[1]:
                features.twins[rows[0]], features.twins[rows[1]] = rows[1], rows[0]
        features.position = [k / max(n_old - 1, 1) for k in range(n_old)] + [
            k / max(n_new - 1, 1) for k in range(n_new)
        ]
        return features

    def copies_apart(self, a: int, b: int) -> bool:
        """Whether rows ``a`` (old) and ``b`` (new) are copies of a repeated text at different places
        among their copies: repetition is no ambiguity, the k-th copy of a text is the counterpart of
        the k-th copy, counted from the start or, when one version holds more copies (some added or
        removed), from the end."""
        rank_a, rank_b = self.copy_rank[a], self.copy_rank[b]
        if rank_a < 0 or rank_b < 0:
            return False
        return rank_b != rank_a and rank_b != rank_a + self.copy_count[b] - self.copy_count[a]

    def mix(self, body: float, title: float, a: int, b: int) -> float:
        """Body and title mixed, discounted across outline levels, with an order bonus."""
        s = body if self.untitled[a] and self.untitled[b] else (1 - TITLE_WEIGHT) * body + TITLE_WEIGHT * title
        if self.level[a] != self.level[b]:
            s *= LEVEL_FACTOR
        s *= 1 + ORDER_BONUS * (1 - abs(self.position[a] - self.position[b]))
        # Rounded so that float noise cannot reorder equal scores from either side.
        return round(min(max(s, 0.0), 1.0), 5)

    def contained(self, a: int, b: int) -> float:
        """Share of row ``a``'s text (rarity-weighted bigrams) found in row ``b``'s."""
        total = self.shingle_total[a]
        if len(self.shingles[a]) < MIN_SHINGLES or not total:
            return 0.0
        mine, other = self.shingles[a], self.shingles[b]
        # Over the shorter of the two; fsum, exact, gives the same share whichever way it runs.
        if len(other) < len(mine):
            found = math.fsum(mine[g] for g in other if g in mine)
        else:
            found = math.fsum(w for g, w in mine.items() if g in other)
        return round(found / total, 5)


class Similarity:
    """Similarity of old and new sections: exact scores of the candidate pairs, others on demand.

    Three ways to fill it, by size (old x new section pairs): up to ``PY_PAIRS``, pure Python over
    the pairs that share a word; up to ``SMALL``, the same pairs from sparse matrix products; beyond,
    the best ``TOP_K`` partners of every section by each measure. Body and title cosines and
    containment are kept per candidate pair, so no step computes one twice.
    """

    def __init__(self, features: _Features) -> None:
        self.features = features
        self.old_ids = features.old_ids
        self.new_ids = features.new_ids
        self.scores: dict[tuple[int, int], float] = {}
        """(old flat index, new flat index) -> similarity, for the candidate pairs at or above
        ``GAP_THRESHOLD`` (no step pairs on less)."""
        self.candidates_old: dict[int, list[int]] = {}
        """Old flat index -> new sections worth a look (sharing words), for the later steps."""
        self.candidates_new: dict[int, list[int]] = {}
        self._row = {i: r for r, i in enumerate(self.old_ids)}
        self._col = {j: len(self.old_ids) + c for c, j in enumerate(self.new_ids)}
        self._body: dict[tuple[int, int], float] = {}
        self._title: dict[tuple[int, int], float] = {}
        self._contained: dict[tuple[int, int], float] = {}
        """(row, row) -> share of the first's text found in the second (either direction)."""
        self._same_version: dict[tuple[int, int], float] = {}
        self._complete = False
        self._dense: list[list[list[float]]] | None = None
        """Body, title, old-in-new and new-in-old measures of every (old row, new row - n_old)."""
        """Whether every nonzero measure is in the dicts above (a missing pair shares no word)."""

    def _add_candidates(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Candidate (old row, new row) pairs, each once. A section with an exact twin on the other
        side (same title, same text, each the only one so written) has no other candidate: its pair
        is certain, and between near-identical versions that leaves few pairs to score."""
        n_old = len(self.old_ids)
        twin = self.features.twins
        for a, b in sorted(set(pairs)):
            if twin.get(a, b) != b or twin.get(b, a) != a or self.features.copies_apart(a, b):
                continue
            i, j = self.old_ids[a], self.new_ids[b - n_old]
            self.candidates_old.setdefault(i, []).append(j)
            self.candidates_new.setdefault(j, []).append(i)
            score = self._score(a, b)
            if score >= GAP_THRESHOLD:
                self.scores[(i, j)] = score

    def _score(self, a: int, b: int) -> float:
        return self.features.mix(self._body_rows(a, b), self._title_rows(a, b), a, b)

    def _body_rows(self, a: int, b: int) -> float:
        if self._dense is not None:
            return self._dense[0][a][b - len(self.old_ids)]
        value = self._body.get((a, b))
        if value is None:
            value = 0.0 if self._complete else _cosine(self.features.body[a], self.features.body[b])
            self._body[(a, b)] = value
        return value

    def _title_rows(self, a: int, b: int) -> float:
        if self._dense is not None:
            return self._dense[1][a][b - len(self.old_ids)]
        value = self._title.get((a, b))
        if value is None:
            value = 0.0 if self._complete else _cosine(self.features.title[a], self.features.title[b])
            self._title[(a, b)] = value
        return value

    def _contained_rows(self, a: int, b: int) -> float:
        if self._dense is not None:
            n_old = len(self.old_ids)
            if a < n_old:
                return self._dense[2][a][b - n_old]
            return self._dense[3][b][a - n_old]
        value = self._contained.get((a, b))
        if value is None:
            value = 0.0 if self._complete else self.features.contained(a, b)
            self._contained[(a, b)] = value
        return value

    def get(self, old_index: int, new_index: int) -> float:
        """Similarity of two sections by their ``Document.flat()`` indices (0 for an empty preamble)."""
        found = self.scores.get((old_index, new_index))
        if found is not None:
            return found
        a, b = self._row.get(old_index), self._col.get(new_index)
        return 0.0 if a is None or b is None else self._score(a, b)

    def title(self, old_index: int, new_index: int) -> float:
        a, b = self._row.get(old_index), self._col.get(new_index)
        return 0.0 if a is None or b is None else self._title_rows(a, b)

    def body(self, old_index: int, new_index: int) -> float:
        a, b = self._row.get(old_index), self._col.get(new_index)
        return 0.0 if a is None or b is None else self._body_rows(a, b)

    def old_in_new(self, old_index: int, new_index: int) -> float:
        """How much of the old section's text is found in the new one (0..1)."""
        a, b = self._row.get(old_index), self._col.get(new_index)
        return 0.0 if a is None or b is None else self._contained_rows(a, b)

    def new_in_old(self, old_index: int, new_index: int) -> float:
        """How much of the new section's text is found in the old one (0..1)."""
        a, b = self._row.get(old_index), self._col.get(new_index)
        return 0.0 if a is None or b is None else self._contained_rows(b, a)

    def different_subjects(self, old_index: int, new_index: int) -> bool:
        """Whether the titles disagree on a distinctive word: each names something (a place, a
        law, a product) that the other section never mentions ("Republic of Korea disclosures"
        against "Japan disclosures"). Same template wording perhaps, but about different things,
        which a reader does not compare."""
        a, b = self._row.get(old_index), self._col.get(new_index)
        if a is None or b is None:
            return False
        f = self.features
        if self.body(old_index, new_index) >= SAME_TEXT:  # the same text under a new title: renamed
            return False
        # A title word counts as the section's subject when its own text uses it too ("If you live
        # in Korea"); a label its text never repeats ("Impressum" over an address) names no subject.
        own_a = {w for w in f.distinctive[a] - f.words[b] if w in f.body[a]}
        own_b = {w for w in f.distinctive[b] - f.words[a] if w in f.body[b]}
        return bool(own_a) and bool(own_b)

    def same_depth(self, old_index: int, new_index: int) -> bool:
        """Whether the two sections sit at the same depth (unnumbered wrappers of numbered
        sections not counted, see ``_depths``)."""
        a, b = self._row.get(old_index), self._col.get(new_index)
        return a is not None and b is not None and self.features.level[a] == self.features.level[b]

    def same_version_body(self, index: int, other: int, old: bool) -> float:
        """Body similarity of two sections of the same version (0 when either has no text)."""
        rows = self._row if old else self._col
        a, b = rows.get(index), rows.get(other)
        if a is None or b is None:
            return 0.0
        key = (a, b) if a < b else (b, a)
        value = self._same_version.get(key)
        if value is None:
            value = self._same_version[key] = _cosine(self.features.body[a], self.features.body[b])
        return value

    def has_text(self, index: int, old: bool) -> bool:
        row = self._row.get(index) if old else self._col.get(index)
        return row is not None and bool(self.features.body[row])


def similarity_matrix(old: Document, new: Document) -> Similarity:
    """Candidate pairs (sections sharing words) with their similarity; see the module doc."""
    features = _Features.of(old, new)
    similarity = Similarity(features)
    n_old, n_new = len(features.old_ids), len(features.new_ids)
    if n_old * n_new <= PY_PAIRS:
        similarity._add_candidates(_candidates_exact(features))
    else:
        _matrix_candidates(similarity, exact=n_old * n_new <= SMALL)
    return similarity


def _candidates_exact(f: _Features) -> set[tuple[int, int]]:
    """Every (old row, new row) pair sharing a body or a title term (sharing a bigram, they share
    a body term too)."""
    n_old = len(f.old_ids)
    out: set[tuple[int, int]] = set()
    for vectors in (f.body, f.title):
        index: dict[str, list[int]] = {}
        for b in range(n_old, len(vectors)):
            for t in vectors[b]:
                index.setdefault(t, []).append(b)
        for a in range(n_old):
            for t in vectors[a]:
                posting = index.get(t)
                if posting:
                    out.update((a, b) for b in posting)
    return out


def _matrix_candidates(sim: Similarity, exact: bool) -> None:
    """Candidates and their measures from sparse matrix products (NumPy and SciPy, imported only
    for documents this large).

    ``exact``: every pair sharing a word, as the pure-Python way finds them. Otherwise the best
    ``TOP_K`` partners of every section, from either side, by body cosine, title cosine and
    containment, found a block of rows at a time (memory: one block x the other side)."""
    import numpy as np
    from scipy import sparse

    f = sim.features
    n_old, n = len(f.old_ids), len(f.body)
    n_new = n - n_old

    def matrix(vectors: Sequence[dict[str, float]]) -> sparse.csr_matrix:
        # Column numbers in order of first use, found in C loops (no Python loop per entry): each
        # term keeps the position of its first use, and ranking those numbers closes the gaps.
        lengths = np.fromiter(map(len, vectors), dtype=np.int64, count=n)
        size = int(lengths.sum())
        vocabulary: dict[str, int] = {}
        first_use = np.fromiter(
            map(vocabulary.setdefault, itertools.chain.from_iterable(vectors), itertools.count()),
            dtype=np.int64,
            count=size,
        )
        cols = np.unique(first_use, return_inverse=True)[1].reshape(-1)
        rows = np.repeat(np.arange(n), lengths)
        vals = np.fromiter(
            itertools.chain.from_iterable(v.values() for v in vectors), dtype=np.float64, count=size
        )
        return sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocabulary), 1)))

    body, title = matrix(f.body), matrix(f.title)
    # Containment of row a in row b: a's rarity-weighted bigrams found in b, over a's total
    # (0 for a section too short to judge).
    judged = np.asarray(
        [len(g) >= MIN_SHINGLES and t > 0 for g, t in zip(f.shingles, f.shingle_total)], dtype=bool
    )
    totals = np.where(judged, np.asarray(f.shingle_total, dtype=np.float64), np.inf)
    shingles = matrix(f.shingles)
    grams = (sparse.diags(1.0 / totals) @ shingles).tocsr()
    present = shingles
    present.data[:] = 1.0
    olds, news = slice(0, n_old), slice(n_old, n)
    rank, count = np.asarray(f.copy_rank), np.asarray(f.copy_count)
    repeats = bool((rank[olds] >= 0).any() and (rank[news] >= 0).any())

    if exact:
        measures = [
            (body[olds] @ body[news].T).toarray(),
            (title[olds] @ title[news].T).toarray(),
            np.round((grams[olds] @ present[news].T).toarray(), 5),
            np.round((present[olds] @ grams[news].T).toarray(), 5),
        ]
        rows, cols = np.nonzero((measures[0] > 0) | (measures[1] > 0))
        if repeats:
            together = ~_copies_apart(rank[rows], count[rows], rank[cols + n_old], count[cols + n_old])
            rows, cols = rows[together], cols[together]
        values = [m[rows, cols] for m in measures]
        sim._dense = [m.tolist() for m in measures]
    else:
        found: list[np.ndarray] = []
        place = np.asarray(f.position, dtype=np.float64)
        for left, right in ((body, body), (title, title), (grams, present)):
            for first, second, flip in ((olds, news, False), (news, olds, True)):
                second_t = right[second].T.tocsr()
                rows_first = left[first]
                width = second_t.shape[1]
                # Rows per product: at most ``PRODUCT_ENTRIES`` entries even if every pair shared a word.
                block = max(1, PRODUCT_ENTRIES // max(width, 1))
                place_first, place_second = place[first], place[second]
                for start in range(0, rows_first.shape[0], block):
                    product = rows_first[start : start + block] @ second_t
                    if repeats:  # the copies of a text at other places among its copies: no candidates
                        _drop_copies_apart(product, rank[first][start : start + block],
                                           count[first][start : start + block], rank[second], count[second])
                    r, c = _best_per_row(product, place_first[start : start + block], place_second, TOP_K)
                    r += start
                    found.append(c * n_new + r if flip else r * n_new + c)  # old * n_new + new
        if not found:
            return
        codes = np.unique(np.concatenate(found))
        rows, cols = codes // n_new, codes % n_new
        values = [np.zeros(len(codes)) for _ in range(4)]
        step = 10_000  # candidate pairs per batch: each gathers both sections' rows of every matrix
        for at in range(0, len(codes), step):
            a, b = rows[at : at + step], cols[at : at + step] + n_old
            values[0][at : at + step] = np.asarray(body[a].multiply(body[b]).sum(axis=1)).ravel()
            values[1][at : at + step] = np.asarray(title[a].multiply(title[b]).sum(axis=1)).ravel()
            values[2][at : at + step] = np.asarray(grams[a].multiply(present[b]).sum(axis=1)).ravel()
            values[3][at : at + step] = np.asarray(present[a].multiply(grams[b]).sum(axis=1)).ravel()
        values[2], values[3] = np.round(values[2], 5), np.round(values[3], 5)
        keys = list(zip(rows.tolist(), (cols + n_old).tolist()))
        sim._body.update(zip(keys, values[0].tolist()))
        sim._title.update(zip(keys, values[1].tolist()))
        sim._contained.update(zip(keys, values[2].tolist()))
        sim._contained.update(zip(((b, a) for a, b in keys), values[3].tolist()))

    # Scores of all candidates at once: as ``_Features.mix``, rounded the same way.
    untitled = np.asarray(f.untitled, dtype=bool)
    level = np.asarray(f.level)
    position = np.asarray(f.position)
    a, b = rows, cols + n_old
    body_v, title_v = values[0], values[1]
    score = np.where(
        untitled[a] & untitled[b], body_v, (1 - TITLE_WEIGHT) * body_v + TITLE_WEIGHT * title_v
    )
    score = np.where(level[a] != level[b], score * LEVEL_FACTOR, score)
    score = score * (1 + ORDER_BONUS * (1 - np.abs(position[a] - position[b])))
    score = np.round(np.clip(score, 0.0, 1.0), 5)
    old_ids, new_ids = np.asarray(f.old_ids), np.asarray(f.new_ids)
    i_all, j_all = old_ids[rows], new_ids[cols]  # in old, then new order (rows and columns ascend)
    sim.candidates_old.update(_grouped(i_all, j_all))
    by_new = np.lexsort((i_all, j_all))
    sim.candidates_new.update(_grouped(j_all[by_new], i_all[by_new]))
    good = score >= GAP_THRESHOLD
    sim.scores.update(zip(zip(old_ids[rows[good]].tolist(), new_ids[cols[good]].tolist()), score[good].tolist()))
    sim._complete = exact


def _grouped(keys: np.ndarray, values: np.ndarray) -> dict[int, list[int]]:
    """Key -> its values, in order, from two arrays sorted by key."""
    import numpy as np

    if not len(keys):
        return {}
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    bounds = np.r_[starts, len(keys)].tolist()
    key_list, value_list = keys.tolist(), values.tolist()
    return {key_list[s]: value_list[s:e] for s, e in zip(bounds, bounds[1:])}


def _drop_copies_apart(
    product: sparse.csr_matrix, rank_rows: np.ndarray, count_rows: np.ndarray, rank_cols: np.ndarray,
    count_cols: np.ndarray,
) -> None:
    """Zero the entries of ``product`` that pair copies of a text at different places among their
    copies (``_Features.copies_apart``), reading only the rows that are copies."""
    import numpy as np

    copied = np.flatnonzero(rank_rows >= 0)
    if not len(copied):
        return
    lengths = np.diff(product.indptr)[copied]
    every_row = len(copied) == len(rank_rows)
    if every_row:
        columns = product.indices
    else:
        entries = np.repeat(product.indptr[copied] - np.cumsum(lengths) + lengths, lengths)
        entries += np.arange(len(entries))  # the entries of those rows
        columns = product.indices[entries]
    # Places among the copies from the start and from the end (int32: half the memory read).
    from_start_b = rank_cols.astype(np.int32)[columns]
    from_end_b = (rank_cols - count_cols).astype(np.int32)[columns]
    apart = from_start_b != np.repeat(rank_rows[copied].astype(np.int32), lengths)
    apart &= from_end_b != np.repeat((rank_rows - count_rows)[copied].astype(np.int32), lengths)
    apart &= from_start_b >= 0
    if every_row:
        product.data[apart] = 0.0
    else:
        product.data[entries[apart]] = 0.0


def _copies_apart(rank_a: np.ndarray, count_a: np.ndarray, rank_b: np.ndarray, count_b: np.ndarray) -> np.ndarray:
    """``_Features.copies_apart`` of many pairs at once (either side first: it reads the same)."""
    apart: np.ndarray = (rank_a >= 0) & (rank_b >= 0) & (rank_b != rank_a) & (rank_b != rank_a + count_b - count_a)
    return apart


def _best_per_row(
    product: sparse.csr_matrix, rows_place: np.ndarray, cols_place: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each row's ``k`` best positive entries of a sparse product, read from its
    CSR arrays alone (no dense row: the work is in the entries, never in rows x columns).

    Best: the greatest measure, and among equal measures (copies of one text: a page that repeats
    its terms, a template used for every product) the partner nearest in relative place, then the
    entry that comes first in the row. Picked at random among the copies, a section's counterpart
    is often not among the few kept, and the copies pair crosswise (added and removed wholesale).

    Only a short list is sorted. Every entry of a row's best ``k`` is at or above the row's ``k``-th
    greatest measure counted with repeats; a lower bound of it, the same among the row's first
    ``_SAMPLE`` entries (a part of a row holds no more large values than the whole), picks the
    entries worth a look in one pass over the product, and the exact one is found among those.
    Where many entries tie at it (short titles that share one word), only the ones nearest in place
    that can still be among the best are kept. The long rows of a common word are read once."""
    import numpy as np

    data, indices, indptr = product.data, product.indices, product.indptr
    counts = np.diff(indptr)
    n_rows = len(counts)
    sampled = np.minimum(counts, _SAMPLE)
    sample_rows = np.repeat(np.arange(n_rows), sampled)
    sample_at = np.arange(len(sample_rows)) + np.repeat(indptr[:-1] - (np.cumsum(sampled) - sampled), sampled)
    bound = np.zeros(n_rows)
    bound_rows, bound_values = _kth_greatest(sample_rows, data[sample_at], k)
    bound[bound_rows] = bound_values
    worth = data >= np.repeat(bound, counts)
    worth &= data > 0
    above = np.flatnonzero(worth)
    above_rows = np.searchsorted(indptr, above, side="right") - 1
    threshold = np.zeros(n_rows)
    kept_rows, kept_values = _kth_greatest(above_rows, data[above], k)
    threshold[kept_rows] = kept_values
    kept = data[above] >= threshold[above_rows]
    keep, r = above[kept], above_rows[kept]
    tied = data[keep] == threshold[r]
    if tied.any():
        # Ties at the threshold: only the nearest in place fill the places the greater ones leave.
        # (2 - distance: positive, greatest for the nearest; rounding merges, never reorders.)
        places_left = k - np.bincount(r[~tied], minlength=n_rows)
        tied_rows = r[tied]
        nearness = 2.0 - np.abs(rows_place[tied_rows] - cols_place[indices[keep[tied]]])
        near_rows, near_limit = _kth_greatest(tied_rows, nearness, places_left[tied_rows])
        limit = np.zeros(n_rows)
        limit[near_rows] = near_limit
        near = np.ones(len(keep), dtype=bool)
        near[tied] = nearness >= limit[tied_rows]
        keep, r = keep[near], r[near]
    c, v = indices[keep], data[keep]
    distance = np.abs(rows_place[r] - cols_place[c])
    order = np.lexsort((distance, -v, r))
    r, c = r[order], c[order]
    # The first k of each row in that order.
    first_of_row = np.flatnonzero(np.r_[True, r[1:] != r[:-1]]) if len(r) else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(r)) - np.repeat(first_of_row, np.diff(np.r_[first_of_row, len(r)]))
    best = rank < k
    return r[best], c[best]


_SAMPLE = 64
"""Entries of a row read first for a lower bound of its ``k``-th greatest measure."""


def _kth_greatest(
    owners: np.ndarray, values: np.ndarray, wanted: int | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each distinct owner (``owners`` sorted): its ``k``-th greatest positive value counted
    with repeats, ``k`` being ``wanted`` or, given one per value, ``wanted`` at the owner's first
    value; 0 when it has fewer (then every positive value counts among its best). Rounds of
    segment maxima in C, one per distinct value, at most ``k``."""
    import numpy as np

    if not len(owners):
        return owners, values
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    lengths = np.diff(np.r_[starts, len(owners)])
    need = np.full(len(starts), wanted, dtype=np.int64) if isinstance(wanted, int) else wanted[starts].astype(np.int64)
    remaining = values.copy()
    kth = np.zeros(len(starts))
    for _ in range(int(need.max())):
        top = np.maximum.reduceat(remaining, starts)
        hit = remaining == np.repeat(top, lengths)
        hit &= remaining > 0
        count = np.add.reduceat(hit, starts)
        reached = (need > 0) & (count >= need)
        kth[reached] = top[reached]
        need -= count
        if not (need > 0).any():
            break
        remaining[hit] = 0.0
    return owners[starts], kth


# ----------------------------------------------------------------------------------------------
# Pairing


def align(
    old: Document,
    new: Document,
    overrides: Overrides = Overrides(),
    *,
    similarity: Similarity | None = None,
) -> Alignment:
    """Pair old and new sections (see the module doc for the steps)."""
    sim = similarity if similarity is not None else similarity_matrix(old, new)
    return _Aligner(sim, overrides).run()


class _Aligner:
    def __init__(self, sim: Similarity, overrides: Overrides) -> None:
        self.sim = sim
        self.overrides = overrides
        self.flat_old = sim.features.flat_old
        self.flat_new = sim.features.flat_new
        self.old_set = set(sim.old_ids)
        self.new_set = set(sim.new_ids)
        self.blocked_old = set(overrides.unpaired_old)
        self.blocked_new = set(overrides.unpaired_new)
        self.blocked_pairs = set(getattr(overrides, "unpaired_pairs", ()))
        self.matches: dict[tuple[int, int], Match] = {}
        self.partners_old: dict[int, set[int]] = {}
        self.partners_new: dict[int, set[int]] = {}
        self.manual_old: set[int] = set()
        self.manual_new: set[int] = set()
        self.scored: Mapping[tuple[int, int], pairing.Scored] = {}

    # --- bookkeeping

    def add(self, match: Match) -> None:
        i, j = match.old_index, match.new_index
        joins_by_text = match.how == "contained" and (i in self.partners_old or j in self.partners_new)
        if not match.manual and not joins_by_text and self.sim.different_subjects(i, j):
            # A counterpart, or a part of a merge or split, is about the same thing; only text
            # found whole in a group that stands already joins it, whatever the titles say.
            return
        self.matches[(match.old_index, match.new_index)] = match
        self.partners_old.setdefault(match.old_index, set()).add(match.new_index)
        self.partners_new.setdefault(match.new_index, set()).add(match.old_index)

    def free_old(self, i: int) -> bool:
        return i not in self.partners_old and i not in self.blocked_old

    def free_new(self, j: int) -> bool:
        return j not in self.partners_new and j not in self.blocked_new

    # --- steps

    def run(self) -> Alignment:
        self.manual()
        self.fitted_core()
        self.parents()
        self.containment()
        self.children()
        self.resemblance()
        matches = sorted(
            (dataclasses.replace(m, why=self.reason(m)) for m in self.matches.values()),
            key=lambda m: (m.new_index, m.old_index),
        )
        removed = tuple(i for i in (0, *self.sim.old_ids) if i not in self.partners_old)
        added = tuple(j for j in (0, *self.sim.new_ids) if j not in self.partners_new)
        return Alignment(
            matches=tuple(matches),
            removed=removed,
            added=added,
            why_removed=tuple(self.unpaired_reason(i, True) for i in removed),
            why_added=tuple(self.unpaired_reason(j, False) for j in added),
        )

    # --- reasons

    def _measures(self, i: int, j: int) -> str:
        sim = self.sim
        parts = [f"body {sim.body(i, j):.2f}", f"title {sim.title(i, j):.2f}"]
        old_in_new, new_in_old = sim.old_in_new(i, j), sim.new_in_old(i, j)
        if old_in_new or new_in_old:
            parts.append(f"old in new {old_in_new:.0%}, new in old {new_in_old:.0%}")
        return ", ".join(parts)

    def reason(self, match: Match) -> str:
        """Why a pair was made, in a short line: the step, its score and the measures it read."""
        i, j, how = match.old_index, match.new_index, match.how
        if how == "user":
            return "paired by hand"
        if how == "document head":
            return "the document heads (title, metadata, opening text) are always compared"
        if how == "score":
            scored = self.scored[(i, j)]
            stage = pairing.model().second
            contributions = sorted(
                ((w * x, name, x) for name, w, x in zip(stage.names, stage.weights, scored.features) if w * x > 0),
                reverse=True,
            )[:4]
            read = ", ".join(f"{name.replace('_', ' ')} {x:.2f}" for _, name, x in contributions)
            return (f"fitted score {scored.probability:.2f} (threshold {stage.threshold:.2f}): "
                    f"{self._measures(i, j)}; weighed most: {read}")
        measures = self._measures(i, j)
        text = {
            "parent": "a heading paired through its subsections' partners",
            "contained": "most of one's text is found in the other (a merge or split)",
            "child": "a subsection that joins its parent's counterpart",
            "resembles": "its text resembles this section most, and no other as much",
        }.get(how, how)
        return f"{text}: {measures}"

    def unpaired_reason(self, index: int, old_side: bool) -> str:
        """Why a section has no partner: set apart by hand, no candidate, or the best candidate too
        weak or vetoed."""
        if index in (self.blocked_old if old_side else self.blocked_new):
            return "unpaired by hand"
        if index == 0:
            if self._head_terms(not old_side) and not self.heads_related():
                return "the two document heads (title and opening text) share almost no words: the opening was replaced"
            return "the other version has no opening text" if old_side else "the old version has no opening text"
        candidates = (self.sim.candidates_old if old_side else self.sim.candidates_new).get(index, ())
        if not candidates:
            return "no section of the other version shares a word with it"
        other = self.flat_new if old_side else self.flat_old

        def strength(q: int) -> float:
            i, j = (index, q) if old_side else (q, index)
            scored = self.scored.get((i, j))
            return scored.probability if scored is not None else self.sim.get(i, j)

        best = max(candidates, key=lambda q: (strength(q), -q))
        i, j = (index, best) if old_side else (best, index)
        title = other[best].title or "Preamble"
        if self.sim.different_subjects(i, j):
            return f"not paired with \u201c{title}\u201d: their titles name different subjects (veto)"
        taken = (self.partners_new if old_side else self.partners_old).get(best)
        score = strength(best)
        if taken:
            return f"its best candidate \u201c{title}\u201d ({score:.2f}) went to a section more like it"
        return f"its best candidate \u201c{title}\u201d scored {score:.2f}, too little to pair"

    def manual(self) -> None:
        """The user's pairs, several per section allowed, as long as no group becomes many to many."""
        for i, j in self.overrides.pairs:
            if (i, j) in self.matches or self._many_to_many(i, j):
                continue
            self.add(Match(i, j, 1.0, manual=True, how="user"))
            self.manual_old.add(i)
            self.manual_new.add(j)
        unpaired = set(self.overrides.unpaired_old) | set(self.overrides.unpaired_new)
        if (0 not in self.partners_old and 0 not in self.partners_new and 0 not in unpaired
                and self.heads_related()):
            # The preambles hold each document's title, metadata and opening text: compared unless
            # the opening was replaced.
            self.add(Match(0, 0, 1.0, how="document head"))

    def _head_terms(self, old_side: bool) -> set[str]:
        head = (self.flat_old if old_side else self.flat_new)[0]
        return set(terms(f"{head.title}\n{head.body}"))

    def heads_related(self) -> bool:
        """Whether the two document heads share text (``HEAD_SHARE``), or one has none."""
        old, new = self._head_terms(True), self._head_terms(False)
        if not old or not new:
            return True
        shared = len(old & new)
        return max(shared / len(old), shared / len(new)) >= HEAD_SHARE

    def _many_to_many(self, i: int, j: int) -> bool:
        """Whether pairing i with j would make a group with several sections on both sides."""
        olds = self.partners_new.get(j, set()) | {i}
        news = self.partners_old.get(i, set()) | {j}
        if len(olds) > 1 and len(news) > 1:
            return True
        if len(olds) > 1:
            return any(self.partners_old.get(o, set()) - {j} for o in olds)
        if len(news) > 1:
            return any(self.partners_new.get(n, set()) - {i} for n in news)
        return False


    def _allowed(self, i: int, j: int) -> bool:
        return (i, j) not in self.blocked_pairs and self.free_old(i) and self.free_new(j)


    def fitted_core(self) -> None:
        """The one-to-one core by one fitted score and one global assignment (``pairing``)."""
        self.scored = pairing.scored_table(self.sim)
        edges = [
            (i, j, gain) for i, j, gain in self.scored.positive()
            if self._allowed(i, j) and not self.sim.different_subjects(i, j)
        ]
        for i, j in pairing.assign(edges):
            self.add(Match(i, j, round(self.scored[(i, j)].probability, 5), how="score"))




    def _bare(self, p: int, old_side: bool) -> str:
        return (self.flat_old if old_side else self.flat_new)[p].bare_title.casefold()






    def parents(self) -> None:
        """A heading with no text of its own pairs through its children: with the section that
        holds its children's partners, or else joins its first child's partner (a parent whose
        text is short joins it too when their titles agree)."""
        proposals: list[tuple[float, int, int, bool]] = []
        for old_side in (True, False):
            flat = self.flat_old if old_side else self.flat_new
            other = self.flat_new if old_side else self.flat_old
            ids = self.sim.old_ids if old_side else self.sim.new_ids
            parent_of_other = _parents(other)
            mine = self.partners_old if old_side else self.partners_new
            free_other = self.free_new if old_side else self.free_old
            free = self.free_old if old_side else self.free_new
            for p in ids:
                section = flat[p]
                if not free(p) or not section.children:
                    continue
                textless = not section.body.strip()
                descendants = range(p + 1, p + sum(1 for _ in section.walk()))
                partners = [q for d in descendants for q in sorted(mine.get(d, ()))]
                if not partners:
                    continue
                holders = Counter(parent_of_other.get(q) for q in partners)
                holder, votes = min(holders.items(), key=lambda x: (-x[1], x[0] or 0))
                first_child = p + 1
                target = None
                if textless and holder and votes * 2 > len(partners) and free_other(holder):
                    target = holder
                elif mine.get(first_child) and len(mine[first_child]) == 1:
                    q = next(iter(mine[first_child]))
                    title = self._title_like(p, q, old_side)
                    # ... when that partner is the counterpart of most of its paired children (a
                    # section cut into clauses under a new heading), not of one child among others.
                    kids = [c for c in _children_of(flat, p) if c in mine]
                    most = 2 * sum(q in mine[c] for c in kids) >= len(kids)
                    if most and (title > 0 if textless else title >= TITLE_SUPPORT):
                        target = q
                if target is None and textless and len(set(partners)) == 1:
                    # A heading whose paired subsections all went to one section, titled like it
                    # (its subsections folded into that section under a like title), joins it.
                    q = partners[0]
                    if self._title_like(p, q, old_side) >= TITLE_SUPPORT:
                        target = q
                if target is not None:
                    i, j = (p, target) if old_side else (target, p)
                    proposals.append((self.sim.title(i, j), i, j, old_side))
        self._accept(proposals, "parent")

    def _title_like(self, p: int, q: int, old_side: bool) -> float:
        return self.sim.title(p, q) if old_side else self.sim.title(q, p)

    def _free_with_candidates(self) -> Iterable[tuple[bool, int, list[int]]]:
        """Each unpaired section of either side (old first) with its candidate partners:
        (whether it is old, its index, the other side's candidates)."""
        for old_side in (True, False):
            ids = self.sim.old_ids if old_side else self.sim.new_ids
            free = self.free_old if old_side else self.free_new
            candidates = self.sim.candidates_old if old_side else self.sim.candidates_new
            for p in ids:
                if free(p):
                    yield old_side, p, candidates.get(p, [])

    def containment(self) -> None:
        """Unpaired sections whose text is mostly found in one section of the other version (or,
        cut into pieces, in a few together) join that section: merges and splits."""
        proposals: list[tuple[float, int, int, bool]] = []
        for old_side, p, candidates in self._free_with_candidates():
            found: list[tuple[float, int]] = []
            for q in candidates:
                c = self.sim.old_in_new(p, q) if old_side else self.sim.new_in_old(q, p)
                if c > 0:
                    found.append((c, q))
            if not found:
                continue
            found.sort(key=lambda x: (-x[0], x[1]))
            best, q = found[0]
            spread = sum(c for c, _ in found[:3])
            if best >= CONTAINED or (best >= 0.2 and spread >= CONTAINED_SPREAD):
                i, j = (p, q) if old_side else (q, p)
                proposals.append((best, i, j, old_side))
        self._accept(proposals, "contained")

    def children(self) -> None:
        """An unpaired subsection whose parent is paired joins the parent's counterpart when it
        resembles it (in its text, or in its title with a little of its text): subsections folded into their parent (merge), or a parent's text spread
        over new subsections (split)."""
        proposals: list[tuple[float, int, int, bool]] = []
        for old_side in (True, False):
            flat = self.flat_old if old_side else self.flat_new
            parent_of = _parents(flat)
            ids = self.sim.old_ids if old_side else self.sim.new_ids
            free = self.free_old if old_side else self.free_new
            mine = self.partners_old if old_side else self.partners_new
            for p in ids:
                if not free(p) or not self.sim.has_text(p, old_side):
                    continue
                parent = parent_of.get(p)
                while parent and parent not in mine:
                    parent = parent_of.get(parent)
                if not parent or len(mine[parent]) != 1:
                    continue
                q = next(iter(mine[parent]))
                i, j = (p, q) if old_side else (q, p)
                body = self.sim.body(i, j)
                contained = self.sim.old_in_new(i, j) if old_side else self.sim.new_in_old(i, j)
                titled = self.sim.title(i, j) >= TITLE_SUPPORT and body >= POSITION_BODY
                if body >= CHILD_BODY or contained >= 0.2 or titled:
                    proposals.append((body, i, j, old_side))
        self._accept(proposals, "child")

    def resemblance(self) -> None:
        """An unpaired section whose body closely resembles a section that is paired already
        joins it (a merge or split whose text was rewritten on the way)."""
        proposals: list[tuple[float, int, int, bool]] = []
        for old_side, p, candidates in self._free_with_candidates():
            ranked: list[tuple[float, int]] = []
            for q in candidates:
                i, j = (p, q) if old_side else (q, p)
                ranked.append((self.sim.body(i, j), -q))
            ranked.sort(reverse=True)
            if not ranked or ranked[0][0] < JOIN_BODY:
                continue
            runners_up = sum(1 for body, _ in ranked[1:] if body * JOIN_MARGIN >= ranked[0][0])
            wide = sum(1 for body, _ in ranked[1:] if body >= SUMMARY_SHARE * ranked[0][0])
            if runners_up or wide >= SUMMARY_SECTIONS:
                # It resembles several sections alike, at any level, or a little of everything
                # (a summary of the whole): none in particular.
                continue
            body, q = ranked[0][0], -ranked[0][1]
            i, j = (p, q) if old_side else (q, p)
            standing = self.partners_new if old_side else self.partners_old
            if self.sim.same_depth(i, j) and q in standing:  # it joins a standing pair at its depth
                proposals.append((body, i, j, old_side))
        self._accept(proposals, "resembles")

    def _repeats(self, p: int, r: int, old_side: bool, target: int) -> bool:
        """Whether section ``p`` repeats section ``r`` of its own version, the partner of
        ``target``: a page that repeats a section (the terms of two companies, one after the
        other) repeats it, and the other version's section is compared with one copy, not split
        between the two. A copy holds the same text, or carries the same title over text as like
        ``r``'s as like ``target``'s (the second company's wording of the same clause)."""
        own = self.sim.same_version_body(p, r, old_side)
        if own >= SAME_TEXT * 0.9:
            return True
        if not own or self._bare(p, old_side) != self._bare(r, old_side):
            return False
        return own >= (self.sim.body(p, target) if old_side else self.sim.body(target, p))

    def _holds_any(self, section: int, others: Iterable[int], old_side: bool) -> bool:
        """Whether any of ``others`` (of the same version) is a subsection of ``section``: a heading
        joining the group its own subsections are in belongs to it by structure, whatever its
        short introduction shares."""
        flat = self.flat_old if old_side else self.flat_new
        end = section + sum(1 for _ in flat[section].walk())
        return any(section < other < end for other in others)

    def _fresh_share(self, joiner: int, target: int, partners: Iterable[int], old_side: bool,
                     by_words: bool = False) -> float:
        """The share of ``joiner``'s text (rarity-weighted bigrams, or TF-IDF words ``by_words``)
        found in ``target``, on the other side, and in none of ``target``'s ``partners`` (on the
        joiner's side): what it adds to the group (``FRESH_SHARE``)."""
        sim = self.sim
        mine_rows, other_rows = (sim._row, sim._col) if old_side else (sim._col, sim._row)
        shingles = sim.features.shingles
        a, b = mine_rows.get(joiner), other_rows.get(target)
        if a is None or b is None:
            return 0.0
        units = sim.features.body if by_words else shingles
        mine, host = units[a], units[b]
        held = [units[r] for r in (mine_rows.get(p) for p in partners) if r is not None]
        total = math.fsum(mine.values())
        if not total:
            return 0.0
        fresh = math.fsum(w for g, w in mine.items() if g in host and not any(g in h for h in held))
        return fresh / total

    def _probability(self, i: int, j: int) -> float:
        """The fitted score's probability that i and j are counterparts (0 for no candidate)."""
        scored = self.scored.get((i, j))
        return scored.probability if scored is not None else 0.0

    def _accept(self, proposals: list[tuple[float, int, int, bool]], how: str) -> None:
        """Proposals (strength, old, new, whether the old section proposed), strongest first."""
        proposals.sort(key=lambda x: (-x[0], x[1] + x[2], abs(x[1] - x[2]), min(x[1], x[2])))
        for strength, i, j, old_side in proposals:
            if how in JOIN_GATED and self._probability(i, j) < JOIN_PROBABILITY:
                continue
            if not (self.free_old(i) if old_side else self.free_new(j)):
                continue
            if (i, j) in self.blocked_pairs or self._many_to_many(i, j):
                continue
            joiner, target = (i, j) if old_side else (j, i)
            partners = (self.partners_new if old_side else self.partners_old).get(target, set())
            if any(self._repeats(joiner, r, old_side, target) for r in partners):
                continue
            if how != "contained" and (i in self.manual_old or j in self.manual_new):
                continue  # the user's pairs get automatic partners only for text they contain
            if (partners and how in FRESH_GATED and not self._holds_any(joiner, partners, old_side)
                    and self._fresh_share(joiner, target, partners, old_side, how in FRESH_BY_WORDS) < FRESH_SHARE):
                continue  # what it shares with the group, the group's pairs hold already
            self.add(Match(i, j, max(self.sim.get(i, j), min(strength, 1.0)), how=how))


def _children_of(flat: Sequence[Section], p: int) -> list[int]:
    """Flat indices of the direct subsections of section ``p``."""
    out, k = [], p + 1
    for child in flat[p].children:
        out.append(k)
        k += sum(1 for _ in child.walk())
    return out


def _parents(flat: Sequence[Section]) -> dict[int, int]:
    """Flat index of each section's parent (0, the preamble, for top-level sections)."""
    parent: dict[int, int] = {}
    stack: list[tuple[int, int]] = []  # (level, index)
    for index, section in enumerate(flat):
        if index == 0:
            continue
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        parent[index] = stack[-1][1] if stack else 0
        stack.append((section.level, index))
    return parent


def moved_pairs(matches: Iterable[Match]) -> set[tuple[int, int]]:
    """Pairs outside the longest run that keeps the old order (read in new order): they moved."""
    ordered = sorted(matches, key=lambda m: (m.new_index, m.old_index))
    keep = _longest_increasing([m.old_index for m in ordered])
    return {(m.old_index, m.new_index) for k, m in enumerate(ordered) if k not in keep}


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Positions of one longest non-decreasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []
    tail_pos: list[int] = []
    previous = [-1] * len(values)
    for k, v in enumerate(values):
        at = bisect.bisect_right(tails, v)
        if at == len(tails):
            tails.append(v)
            tail_pos.append(k)
        else:
            tails[at] = v
            tail_pos[at] = k
        previous[k] = tail_pos[at - 1] if at > 0 else -1
    keep: set[int] = set()
    k = tail_pos[-1] if tail_pos else -1
    while k >= 0:
        keep.add(k)
        k = previous[k]
    return keep
