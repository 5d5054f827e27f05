"""Pair the sections of two versions of a policy by what they say, not only by their headings.

Each section is a TF-IDF vector over normalised word stems of its own text; titles (numbering
stripped) get a vector of their own. The similarity of two sections mixes body and title cosine,
with a small bonus for keeping the reading order. Pairs are taken best-first (a greedy maximum
matching, which on these score matrices agrees with the optimal assignment in practice and stays
fast on thousands of sections); below a threshold a section stays unpaired: removed or added.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Sequence

import numpy as np

from policydiff.core.model import Document, Overrides, Section

PAIR_THRESHOLD = 0.25
"""Minimum similarity for a confident pair, wherever the two sections stand."""
GAP_THRESHOLD = 0.08
"""Minimum similarity for a pair that also keeps the reading order between confident pairs."""
TITLE_WEIGHT = 0.4
"""Share of the title in the similarity (the body carries the rest)."""
ORDER_BONUS = 0.06
"""Bonus for sections at the same relative position: breaks ties between look-alike sections."""
LEVEL_FACTOR = 0.65
"""Similarity kept across outline levels: a section prefers its counterpart at the same depth (a
general section over a jurisdiction-specific subsection that repeats its words), yet can still
pair across levels when the content moved there."""

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


def terms(text: str) -> list[str]:
    """Normalised content terms of a text: concepts, then crude stems; stop words dropped."""
    out: list[str] = []
    for match in _WORD_RE.finditer(text.lower().replace("\u2019", "'")):
        word = match.group().removesuffix("'s")
        if word in _STOPWORDS or word.isdigit():
            continue
        out.append(_CONCEPTS.get(word) or _stem(word))
    return out


def _stem(word: str) -> str:
    if len(word) > 4:
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)]
    return word


@dataclass(frozen=True, slots=True)
class Match:
    """One automatic or forced pairing."""

    old_index: int
    new_index: int
    score: float
    manual: bool = False


@dataclass(frozen=True, slots=True)
class Alignment:
    """The pairing of two documents' sections (indices into ``Document.flat()``)."""

    matches: tuple[Match, ...]
    removed: tuple[int, ...]
    added: tuple[int, ...]


def _content_indices(flat: Sequence[Section]) -> list[int]:
    """Sections that take part: all but the preamble, which always pairs with the other preamble."""
    return list(range(1, len(flat)))


def _tfidf(texts: Sequence[list[str]]) -> np.ndarray:
    """Unit-length TF-IDF rows (sublinear term frequency) over the texts' shared vocabulary."""
    vocabulary: dict[str, int] = {}
    rows, cols, values = [], [], []
    for r, words in enumerate(texts):
        for term, count in Counter(words).items():
            rows.append(r)
            cols.append(vocabulary.setdefault(term, len(vocabulary)))
            values.append(1.0 + math.log(count))
    matrix = np.zeros((len(texts), max(len(vocabulary), 1)), dtype=np.float32)
    if values:
        matrix[rows, cols] = values
        df = np.count_nonzero(matrix, axis=0)
        matrix *= (np.log((1 + len(texts)) / (1 + df)) + 1.0).astype(np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


@dataclass(frozen=True)
class Similarity:
    """Similarity of every old section to every new one (rows: ``old_ids``, columns: ``new_ids``)."""

    old_ids: tuple[int, ...]
    new_ids: tuple[int, ...]
    scores: np.ndarray

    def get(self, old_index: int, new_index: int) -> float:
        """Similarity of two sections by their ``Document.flat()`` indices (0 for an empty preamble)."""
        row = self._rows.get(old_index)
        column = self._columns.get(new_index)
        return 0.0 if row is None or column is None else float(self.scores[row, column])

    @cached_property
    def _rows(self) -> dict[int, int]:
        return {index: row for row, index in enumerate(self.old_ids)}

    @cached_property
    def _columns(self) -> dict[int, int]:
        return {index: column for column, index in enumerate(self.new_ids)}


def similarity_matrix(old: Document, new: Document) -> Similarity:
    """Body and title cosine mixed, discounted across outline levels, with an order bonus."""
    old_flat, new_flat = old.flat(), new.flat()
    old_ids, new_ids = _content_indices(old_flat), _content_indices(new_flat)
    sections = [old_flat[i] for i in old_ids] + [new_flat[j] for j in new_ids]
    n_old = len(old_ids)
    bodies = _tfidf([terms(s.body) for s in sections])
    titles = _tfidf([terms(s.bare_title) for s in sections])
    body = bodies[:n_old] @ bodies[n_old:].T
    title = titles[:n_old] @ titles[n_old:].T
    scores = (1 - TITLE_WEIGHT) * body + TITLE_WEIGHT * title
    # Two untitled preambles: the body alone decides.
    untitled_old = np.array([not s.bare_title for s in sections[:n_old]])
    untitled_new = np.array([not s.bare_title for s in sections[n_old:]])
    both_untitled = np.outer(untitled_old, untitled_new)
    scores = np.where(both_untitled, body, scores)
    levels_old = np.array([s.level for s in sections[:n_old]])
    levels_new = np.array([s.level for s in sections[n_old:]])
    scores = np.where(levels_old[:, None] != levels_new[None, :], scores * LEVEL_FACTOR, scores)
    pos_old = np.arange(n_old) / max(n_old - 1, 1)
    pos_new = np.arange(len(new_ids)) / max(len(new_ids) - 1, 1)
    scores = scores * (1 + ORDER_BONUS * (1 - np.abs(pos_old[:, None] - pos_new[None, :])))
    # Rounded so that float noise (A @ B.T against B @ A.T) cannot reorder equal scores.
    scores = np.round(np.clip(scores, 0.0, 1.0), 5)
    return Similarity(tuple(old_ids), tuple(new_ids), scores.astype(np.float64))


def align(
    old: Document,
    new: Document,
    overrides: Overrides = Overrides(),
    *,
    similarity: Similarity | None = None,
) -> Alignment:
    """Pair old and new sections: the user's overrides first, then confident pairs anywhere
    (moves included), then weaker pairs that keep the reading order between confident ones."""
    sim = similarity if similarity is not None else similarity_matrix(old, new)
    matches: list[Match] = []
    used_old: set[int] = set(overrides.unpaired_old)
    used_new: set[int] = set(overrides.unpaired_new)
    for i, j in overrides.pairs:
        if i in used_old or j in used_new:
            continue
        matches.append(Match(i, j, 1.0, manual=True))
        used_old.add(i)
        used_new.add(j)
    if 0 not in used_old and 0 not in used_new:
        # The preambles hold each document's title, metadata and opening text: always compared.
        matches.append(Match(0, 0, 1.0))
        used_old.add(0)
        used_new.add(0)
    matches += _greedy(sim, used_old, used_new, PAIR_THRESHOLD, allowed=None)
    # Gap filling: an unpaired section may pair, at a lower threshold, with a section that keeps the
    # reading order against every confident pair (the order-aware half of the alignment). The test
    # "before all pairs that come before me in old, after all that come after" reads the same from
    # either side, so swapping the versions swaps the result.
    by_old = sorted(matches, key=lambda m: m.old_index)
    old_positions = [m.old_index for m in by_old]
    prefix_max = list(itertools.accumulate((m.new_index for m in by_old), max, initial=-1))
    suffix_min = list(itertools.accumulate((m.new_index for m in reversed(by_old)), min, initial=1 << 30))[::-1]
    allowed: dict[int, tuple[int, int]] = {}
    for i in sim.old_ids:
        if i not in used_old:
            at = bisect.bisect_left(old_positions, i)
            allowed[i] = (prefix_max[at], suffix_min[at])
    matches += _greedy(sim, used_old, used_new, GAP_THRESHOLD, allowed=allowed)
    paired_old = {m.old_index for m in matches}
    paired_new = {m.new_index for m in matches}
    return Alignment(
        matches=tuple(sorted(matches, key=lambda m: m.new_index)),
        removed=tuple(i for i in (0, *sim.old_ids) if i not in paired_old),
        added=tuple(j for j in (0, *sim.new_ids) if j not in paired_new),
    )


def _greedy(
    sim: Similarity,
    used_old: set[int],
    used_new: set[int],
    threshold: float,
    allowed: dict[int, tuple[int, int]] | None,
) -> list[Match]:
    """Best-first pairing of free sections scoring at least ``threshold`` (within ``allowed`` gaps)."""
    rows, cols = np.nonzero(sim.scores >= threshold)
    values = sim.scores[rows, cols]
    # Best first; ties broken by position in a way that does not depend on which side is "old",
    # so comparing B with A pairs the same sections as comparing A with B.
    i_pos = np.asarray(sim.old_ids)[rows]
    j_pos = np.asarray(sim.new_ids)[cols]
    order = np.lexsort((np.minimum(i_pos, j_pos), np.abs(i_pos - j_pos), i_pos + j_pos, -values))
    found: list[Match] = []
    for k in order:
        i, j = sim.old_ids[rows[k]], sim.new_ids[cols[k]]
        if i in used_old or j in used_new:
            continue
        if allowed is not None:
            gap = allowed.get(i)
            if gap is None or not gap[0] < j < gap[1]:
                continue
        found.append(Match(i, j, float(values[k])))
        used_old.add(i)
        used_new.add(j)
    return found


def moved_pairs(matches: Iterable[Match]) -> set[tuple[int, int]]:
    """Pairs outside the longest run that keeps the old order (read in new order): they moved."""
    ordered = sorted(matches, key=lambda m: m.new_index)
    keep = _longest_increasing([m.old_index for m in ordered])
    return {(m.old_index, m.new_index) for k, m in enumerate(ordered) if k not in keep}


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []
    tail_pos: list[int] = []
    previous = [-1] * len(values)
    for k, v in enumerate(values):
        at = bisect.bisect_left(tails, v)
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
