"""One pairing score and one assignment: the one-to-one core of the alignment.

Every candidate pair of sections (they share a word; see ``align.Similarity``) is described by a
few features (``FEATURES``) and scored by one logistic function of them, whose weights are fitted
from labelled version pairs by ``benchmarks/fit_pairing.py`` and shipped in
``pairing_weights.json`` (read here with the standard library: no fitting library at run time).

The pairs are then chosen together, not one at a time: the one-to-one assignment of greatest
total log-odds over the threshold (a pair below it is never made: both sections abstain), solved
exactly per connected group of candidates (a Hungarian algorithm in pure Python for small groups,
SciPy's sparse bipartite matching for large ones). Repeated sections (a page holding a text twice,
a document of renumbered copies) are no ambiguity for it: the reading order and the neighbours'
likeness are features, so each copy takes the partner in its own run.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import operator
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence, cast

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from policydiff.core.align import Similarity

FEATURES: tuple[str, ...] = (
    "body",
    "body_best",
    "title",
    "title_unrepeated",
    "title_over_body",
    "title_best",
    "title_same",
    "contained_most",
    "contained_least",
    "lives_elsewhere",
    "number_same",
    "number_differs",
    "level_same",
    "textless",
    "textless_title",
    "neighbours",
    "parents",
    "repeated",
)
"""What the score reads of a candidate pair, each 0..1:

- ``body``: cosine of the bodies' TF-IDF vectors (stemmed words); ``title``: the better of the
  titles' word cosine and the Dice coefficient of their character trigrams (numbering stripped;
  inflections, "What do you collect?" against "Information we collect"), and ``title_unrepeated``
  the same when neither title is ``repeated`` (see below); ``title_over_body``: how much more
  that title likeness is than the bodies' (a section rewritten under its old title); ``title_same``: the same
  bare title, which no other section of either version carries; ``body_best``, ``title_best``: the likeness over the best likeness either section
  has with any of its candidates (1: each is the other's best);
- ``contained_most``, ``contained_least``: containment, the share of one text's rarity-weighted
  word bigrams found in the other, the greater and the lesser of the two directions (not old in
  new and new in old: the score must read the same when the versions are swapped); ``lives_elsewhere``: how much more of either text another candidate
  holds (text that moved elsewhere);
- (no feature reads the relative place alone: fitted, its weight came out negative, and copies of
  one text then paired crosswise; the place counts through the neighbours, parents and the run);
- ``number_same`` / ``number_differs``: both numbered, alike or not; ``level_same``: the same
  depth; ``textless``: either has no text of its own, and ``textless_title`` its title likeness
  then (a heading over subsections pairs by its title);
- ``neighbours``: the likeness of the sections just before and just after each (a section between
  two paired neighbours, renamed and rewritten, is still in its place);
- ``parents``: the likeness of their parents (1 for two top-level sections; for one top-level
  section and one within a section, the likeness of the document's title and that section's title,
  as ``title_chars`` reads it: a page holding two companies' terms, each under its heading, against
  a version holding one, titled as one of them);
- ``repeated``: either version holds either title more than once (a page repeating its terms for
  a second company): the title and text then say less about which copy is the counterpart.
"""

RUN_FEATURES: tuple[str, ...] = (
    "in_run", "keeps_run_order", "repeated_in_run", "neighbours_paired", "parents_paired", "parent_unpaired",
    "leftover_best",
)
"""Read in a second stage, after a first score of every candidate: ``in_run``, whether the pair is
in the run (the heaviest chain of pairs, weighted by their first score's gain, that keeps the
reading order on both sides); ``keeps_run_order``, whether it keeps the reading order against
every pair of that run (it falls between its run neighbours on both sides); ``repeated_in_run``:
in the run, and ``repeated`` (which copy is the counterpart: the one among its neighbours);
``neighbours_paired``: the sections just before and just after each are paired with each other
by the first stage's assignment (half for one side); ``parents_paired``: their parents are (or
both are top-level, or one is top-level and the other's parent holds that document in its
version: ``_document_wrappers``); ``parent_unpaired``: their parents are not paired with each other, and
a section's parent is left unpaired by the first stage's assignment (half for each side): a section
within a part the other version lacks altogether (a regional supplement, a new chapter) is a less
likely counterpart of a section outside it; ``leftover_best``: the bodies' likeness when both
sections are left unpaired by the first stage's assignment and each is the other's best by body
(``body_best`` 1): a section moved, renamed and half rewritten, with no other partner left."""

RUN_FOLLOWS = 0.1
"""The extra weight in the run of a pair that directly follows the previous pair on both sides: of
two copies of a text alike in part, the run goes through the copy whose sections follow on."""
RUN_TIE = 1e-6
"""The weight of the relative place in the run, against the likeness: it only breaks ties."""

WEIGHTS_FILE = "pairing_weights.json"


@dataclass(frozen=True)
class Stage:
    """Logistic weights over named features and the abstain threshold (a probability)."""

    names: tuple[str, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float = 0.5

    def logit(self, features: Sequence[float]) -> float:
        total: float = sum(map(operator.mul, self.weights, features))
        return self.intercept + total

    def logits(self, table: np.ndarray) -> np.ndarray:
        """``logit`` of each row of ``table``, the products added in the same order (the same
        floating-point results)."""
        total = self.weights[0] * table[:, 0]
        for k in range(1, len(self.weights)):
            total = total + self.weights[k] * table[:, k]
        found: np.ndarray = self.intercept + total
        return found

    @property
    def cut(self) -> float:
        """The threshold as log-odds: a pair's gain is its log-odds above it."""
        t = min(max(self.threshold, 1e-6), 1 - 1e-6)
        return math.log(t / (1 - t))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(self.names),
            "weights": [round(w, 6) for w in self.weights],
            "intercept": round(self.intercept, 6),
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, object], names: tuple[str, ...]) -> Stage:
        listed, weights = data["features"], data["weights"]
        assert isinstance(listed, list) and isinstance(weights, list)
        by_name = dict(zip(listed, weights))
        missing = [f for f in names if f not in by_name]
        if missing:
            raise ValueError(f"{WEIGHTS_FILE}: no weight for {', '.join(missing)}")
        intercept, threshold = data["intercept"], data.get("threshold", 0.5)
        assert isinstance(intercept, (int, float)) and isinstance(threshold, (int, float))
        return cls(names, tuple(float(by_name[f]) for f in names), float(intercept), float(threshold))


@dataclass(frozen=True)
class PairingModel:
    """The two fitted stages: ``first`` over ``FEATURES``, ``second`` over those and ``RUN_FEATURES``."""

    first: Stage
    second: Stage
    fitted_on: str = ""
    """How the weights were fitted (the script, the data)."""

    def to_json(self) -> dict[str, object]:
        return {"fitted_on": self.fitted_on, "first": self.first.to_json(), "second": self.second.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PairingModel:
        first, second = data["first"], data["second"]
        assert isinstance(first, dict) and isinstance(second, dict)
        return cls(
            Stage.from_json(first, FEATURES),
            Stage.from_json(second, FEATURES + RUN_FEATURES),
            str(data.get("fitted_on", "")),
        )


@lru_cache(maxsize=1)
def shipped_model() -> PairingModel:
    """The weights fitted by ``benchmarks/fit_pairing.py``, shipped with the package."""
    text = resources.files("policydiff.core").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    return PairingModel.from_json(json.loads(text))


_model_in_use: PairingModel | None = None


def model() -> PairingModel:
    """The model the engine scores with (the shipped one unless ``use_model`` set another)."""
    return _model_in_use if _model_in_use is not None else shipped_model()


def use_model(replacement: PairingModel | None) -> None:
    """Score with other weights (leave-one-platform-out fitting); None: the shipped ones again."""
    global _model_in_use
    _model_in_use = replacement


# ----------------------------------------------------------------------------------------------
# Features

_NON_WORD = re.compile(r"[^\w]+")


def _title_key(title: str) -> str:
    return " ".join(_NON_WORD.sub(" ", title.casefold()).split())


def _trigrams(key: str) -> frozenset[str]:
    padded = f"  {key} "
    return frozenset(padded[k : k + 3] for k in range(len(padded) - 2)) if key else frozenset()


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    """The likeness of two titles' character trigrams (Dice's coefficient; 0 when either has none)."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _number_key(number: str | None) -> str | None:
    return None if number is None else _title_key(number).replace(" ", ".")


class FeatureReader:
    """Computes ``FEATURES`` for candidate pairs of one ``Similarity`` (cached per section)."""

    def __init__(self, sim: Similarity) -> None:
        from policydiff.core.align import _parents

        self.sim = sim
        f = sim.features
        self.flat_old, self.flat_new = f.flat_old, f.flat_new
        self.key_old = [_title_key(s.bare_title) for s in f.flat_old]
        self.key_new = [_title_key(s.bare_title) for s in f.flat_new]
        self.uses: dict[str, tuple[int, int]] = {}
        """Bare title -> how many sections of each version carry it."""
        for k in self.key_old[1:]:
            self.uses[k] = (self.uses.get(k, (0, 0))[0] + 1, 0)
        for k in self.key_new[1:]:
            was = self.uses.get(k, (0, 0))
            self.uses[k] = (was[0], was[1] + 1)
        self.grams_old = [_trigrams(k) for k in self.key_old]
        self.grams_new = [_trigrams(k) for k in self.key_new]
        self.number_old = [_number_key(s.number) for s in f.flat_old]
        self.number_new = [_number_key(s.number) for s in f.flat_new]
        self.parent_old = _parents(f.flat_old)
        self.parent_new = _parents(f.flat_new)
        self.rank_old = {i: k for k, i in enumerate(sim.old_ids)}
        self.rank_new = {j: k for k, j in enumerate(sim.new_ids)}
        self._best_old: dict[int, tuple[float, float]] = {}
        self._best_new: dict[int, tuple[float, float]] = {}
        self._elsewhere_old: dict[int, list[tuple[float, int]]] = {}
        self._elsewhere_new: dict[int, list[tuple[float, int]]] = {}

    def title_chars(self, i: int, j: int) -> float:
        return _dice(self.grams_old[i], self.grams_new[j])

    def likeness(self, i: int, j: int) -> float:
        """The raw likeness the neighbour and parent features read: the better of body and title."""
        return max(self.sim.body(i, j), self.sim.title(i, j))

    def _best(self, p: int, old_side: bool) -> tuple[float, float]:
        """The best body and title likeness of section ``p`` over its candidates."""
        cache = self._best_old if old_side else self._best_new
        found = cache.get(p)
        if found is None:
            sim = self.sim
            others = (sim.candidates_old if old_side else sim.candidates_new).get(p, ())
            body = title = 0.0
            for q in others:
                i, j = (p, q) if old_side else (q, p)
                body = max(body, sim.body(i, j))
                title = max(title, sim.title(i, j), self.title_chars(i, j))
            found = cache[p] = (body, title)
        return found

    def _hosts(self, p: int, old_side: bool) -> list[tuple[float, int]]:
        """The two candidates holding most of section ``p``'s text, best first."""
        cache = self._elsewhere_old if old_side else self._elsewhere_new
        found = cache.get(p)
        if found is None:
            sim = self.sim
            others = (sim.candidates_old if old_side else sim.candidates_new).get(p, ())
            shares = [
                (sim.old_in_new(p, q) if old_side else sim.new_in_old(q, p), q) for q in others
            ]
            shares.sort(key=lambda x: (-x[0], x[1]))
            found = cache[p] = shares[:2]
        return found

    def _elsewhere(self, p: int, q: int, old_side: bool) -> float:
        for share, host in self._hosts(p, old_side):
            if host != q:
                return share
        return 0.0

    def _neighbour(self, i: int, j: int, step: int) -> float:
        ro, rn = self.rank_old.get(i), self.rank_new.get(j)
        if ro is None or rn is None:
            return 0.0
        ro, rn = ro + step, rn + step
        old_ids, new_ids = self.sim.old_ids, self.sim.new_ids
        at_start_or_end_old = not 0 <= ro < len(old_ids)
        at_start_or_end_new = not 0 <= rn < len(new_ids)
        if at_start_or_end_old or at_start_or_end_new:
            return 1.0 if at_start_or_end_old and at_start_or_end_new else 0.0
        return self.likeness(old_ids[ro], new_ids[rn])

    def features(self, i: int, j: int) -> list[float]:
        sim, f = self.sim, self.sim.features
        a, b = sim._row[i], sim._col[j]
        body, title = sim.body(i, j), sim.title(i, j)
        chars = self.title_chars(i, j)
        key = self.key_old[i]
        same = 1.0 if key and key == self.key_new[j] and self.uses[key] == (1, 1) else 0.0
        old_in_new, new_in_old = sim.old_in_new(i, j), sim.new_in_old(i, j)
        elsewhere = max(self._elsewhere(i, j, True) - old_in_new, self._elsewhere(j, i, False) - new_in_old, 0.0)
        best_body_old, best_title_old = self._best(i, True)
        best_body_new, best_title_new = self._best(j, False)
        best_body = max(best_body_old, best_body_new)
        best_title = max(best_title_old, best_title_new)
        body_best = body / best_body if best_body > 0 else 0.0
        title_best = max(title, chars) / best_title if best_title > 0 else 0.0
        n_old, n_new = self.number_old[i], self.number_new[j]
        parent_i, parent_j = self.parent_old.get(i, 0), self.parent_new.get(j, 0)
        parents = 1.0 if parent_i == 0 and parent_j == 0 else (
            self.title_chars(parent_i, parent_j) if parent_i == 0 or parent_j == 0
            else self.likeness(parent_i, parent_j)
        )
        textless = 1.0 if not f.body[a] or not f.body[b] else 0.0
        repeated = 1.0 if max(self.uses[key] + self.uses[self.key_new[j]]) > 1 else 0.0
        return [
            body,
            body_best,
            max(title, chars),
            max(title, chars) * (1.0 - repeated),
            max(max(title, chars) * (1.0 - repeated) - body, 0.0),
            title_best,
            same,
            max(old_in_new, new_in_old),
            min(old_in_new, new_in_old),
            elsewhere,
            1.0 if n_old is not None and n_old == n_new else 0.0,
            1.0 if n_old is not None and n_new is not None and n_old != n_new else 0.0,
            1.0 if f.level[a] == f.level[b] else 0.0,
            textless,
            textless * max(title, chars),
            0.5 * (self._neighbour(i, j, -1) + self._neighbour(i, j, 1)),
            parents,
            repeated,
        ]


VECTOR_PAIRS = 2_000
"""From this many candidate pairs on, the features are computed over all of them at once with
NumPy (``_feature_array``); with fewer, ``FeatureReader`` pair by pair costs less than importing
NumPy (about 60 ms, more than the NEC pair's whole comparison; a two-version policy has a few
hundred candidates)."""
LOADED_VECTOR_PAIRS = 200
"""The same once NumPy is imported anyway (the window, the batch, a large comparison before):
from a few hundred candidates on, the arrays are already quicker (the NEC pair's 448: 15 ms
against 26)."""


def _at_once(count: int) -> bool:
    """Whether to compute the features of ``count`` candidate pairs as arrays."""
    return count >= VECTOR_PAIRS or (count >= LOADED_VECTOR_PAIRS and "numpy" in sys.modules)


def _measures(sim: Similarity, pairs: Sequence[tuple[int, int]]) -> tuple[list[float], list[float], list[float], list[float]]:
    """Body cosine, title cosine, old-in-new and new-in-old of each (old, new) pair, each looked
    up once: straight from ``Similarity``'s caches when they hold every pair (the sparse search
    fills them for its candidates), else through its per-pair accessors."""
    row, col = sim._row, sim._col
    if sim._dense is None:
        keys = [(row.get(i, -1), col.get(j, -1)) for i, j in pairs]  # -1: never cached
        backwards = [(b, a) for a, b in keys]
        found = (
            list(map(sim._body.get, keys)),
            list(map(sim._title.get, keys)),
            list(map(sim._contained.get, keys)),
            list(map(sim._contained.get, backwards)),
        )
        if not any(None in values for values in found):
            return cast("tuple[list[float], list[float], list[float], list[float]]", found)
    body, title, old_in_new, new_in_old = [], [], [], []
    body_of, title_of, contained_of = sim._body_rows, sim._title_rows, sim._contained_rows
    for i, j in pairs:
        a, b = row.get(i), col.get(j)
        if a is None or b is None:
            body.append(0.0)
            title.append(0.0)
            old_in_new.append(0.0)
            new_in_old.append(0.0)
            continue
        body.append(body_of(a, b))
        title.append(title_of(a, b))
        old_in_new.append(contained_of(a, b))
        new_in_old.append(contained_of(b, a))
    return body, title, old_in_new, new_in_old


def _likenesses(sim: Similarity, olds: np.ndarray, news: np.ndarray) -> np.ndarray:
    """The better of body and title cosine of each (old, new) pair of flat indices, candidate or
    not, as ``Similarity.body`` and ``Similarity.title`` give them. When those would compute many
    pairs' cosines one by one (the top-K search keeps only the candidates'), the products of the
    pairs' rows of sparse vector matrices, a batch at a time, give them (to rounding)."""
    import numpy as np

    # Looked up (dense), 0 for a pair sharing no word (complete), or few enough to compute one by
    # one without importing SciPy for them.
    if sim._dense is not None or sim._complete or len(olds) < VECTOR_PAIRS:
        pairs = zip(olds.tolist(), news.tolist())
        return np.fromiter((max(sim.body(i, j), sim.title(i, j)) for i, j in pairs), dtype=np.float64,
                           count=len(olds))
    from scipy import sparse  # type: ignore[import-untyped]

    f = sim.features
    row_of = np.full(len(f.flat_old), -1, dtype=np.int64)
    col_of = np.full(len(f.flat_new), -1, dtype=np.int64)
    row_of[np.asarray(sim.old_ids, dtype=np.int64)] = np.arange(len(sim.old_ids))
    col_of[np.asarray(sim.new_ids, dtype=np.int64)] = len(sim.old_ids) + np.arange(len(sim.new_ids))
    a, b = row_of[olds], col_of[news]
    known = (a >= 0) & (b >= 0)  # a section outside the compared ones: 0
    a, b = a[known], b[known]

    def matrix(vectors: Sequence[dict[str, float]]) -> sparse.csr_matrix:
        vocabulary: dict[str, int] = {}
        lengths = np.fromiter(map(len, vectors), dtype=np.int64, count=len(vectors))
        size = int(lengths.sum())
        columns = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for v in vectors for t in v),
                              dtype=np.int64, count=size)
        values = np.fromiter((w for v in vectors for w in v.values()), dtype=np.float64, count=size)
        pointers = np.concatenate([[0], np.cumsum(lengths)])
        return sparse.csr_matrix((values, columns, pointers), shape=(len(vectors), max(len(vocabulary), 1)))

    best = np.zeros(len(a))
    step = 10_000  # pairs per batch: each gathers both sections' rows
    for vectors in (f.body, f.title):
        m = matrix(vectors)
        for at in range(0, len(a), step):
            rows, cols = a[at : at + step], b[at : at + step]
            cosine = np.asarray(m[rows].multiply(m[cols]).sum(axis=1)).ravel()
            best[at : at + step] = np.maximum(best[at : at + step], cosine)
    out = np.zeros(len(olds))
    out[known] = best
    return out


def _feature_table(sim: Similarity, pairs: Sequence[tuple[int, int]]) -> list[tuple[float, ...]]:
    """``FEATURES`` of every (old, new) pair, one tuple per pair (see ``_feature_array``)."""
    return list(map(tuple, _feature_array(sim, pairs).tolist()))


def _feature_array(sim: Similarity, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    """``FEATURES`` of every (old, new) pair at once, a row per pair, as ``FeatureReader.features``
    computes them one by one (the same values: each measure is looked up once, and the
    per-section bests, the hosts of a section's text and the keys are arrays indexed by the pairs)."""
    import numpy as np

    from policydiff.core.align import _parents

    f = sim.features
    count = len(pairs)
    if not count:
        return np.zeros((0, len(FEATURES)))
    i_arr = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=count)
    j_arr = np.fromiter((j for _, j in pairs), dtype=np.int64, count=count)
    n_old_flat, n_new_flat = len(f.flat_old), len(f.flat_new)
    body_l, title_l, in_new_l, in_old_l = _measures(sim, pairs)
    body, title = np.asarray(body_l), np.asarray(title_l)
    old_in_new, new_in_old = np.asarray(in_new_l), np.asarray(in_old_l)

    key_old = [_title_key(s.bare_title) for s in f.flat_old]
    key_new = [_title_key(s.bare_title) for s in f.flat_new]
    grams_old = [_trigrams(k) for k in key_old]
    grams_new = [_trigrams(k) for k in key_new]
    chars = np.fromiter((_dice(grams_old[i], grams_new[j]) for i, j in pairs), dtype=np.float64, count=count)
    title_max = np.maximum(title, chars)

    # Title keys as numbers; uses (old, new) per key as in ``FeatureReader.uses`` (the preamble,
    # flat index 0, not counted).
    key_id: dict[str, int] = {}
    kid_old = np.fromiter((key_id.setdefault(k, len(key_id)) for k in key_old), dtype=np.int64, count=n_old_flat)
    kid_new = np.fromiter((key_id.setdefault(k, len(key_id)) for k in key_new), dtype=np.int64, count=n_new_flat)
    uses_old = np.bincount(kid_old[1:], minlength=len(key_id))
    uses_new = np.bincount(kid_new[1:], minlength=len(key_id))
    nonempty = np.fromiter((bool(k) for k in key_id), dtype=bool, count=len(key_id))
    once_each = (uses_old == 1) & (uses_new == 1)
    many = np.maximum(uses_old, uses_new) > 1
    ko, kn = kid_old[i_arr], kid_new[j_arr]
    same = ((ko == kn) & nonempty[ko] & once_each[ko]).astype(np.float64)
    repeated = (many[ko] | many[kn]).astype(np.float64)

    # Each section's best body and title likeness over its candidates.
    best_body_old = np.zeros(n_old_flat)
    best_title_old = np.zeros(n_old_flat)
    best_body_new = np.zeros(n_new_flat)
    best_title_new = np.zeros(n_new_flat)
    np.maximum.at(best_body_old, i_arr, body)
    np.maximum.at(best_title_old, i_arr, title_max)
    np.maximum.at(best_body_new, j_arr, body)
    np.maximum.at(best_title_new, j_arr, title_max)
    best_body = np.maximum(best_body_old[i_arr], best_body_new[j_arr])
    best_title = np.maximum(best_title_old[i_arr], best_title_new[j_arr])
    with np.errstate(divide="ignore", invalid="ignore"):
        body_best = np.where(best_body > 0, body / np.where(best_body > 0, best_body, 1.0), 0.0)
        title_best = np.where(best_title > 0, title_max / np.where(best_title > 0, best_title, 1.0), 0.0)

    def elsewhere_share(section: np.ndarray, other: np.ndarray, share: np.ndarray) -> np.ndarray:
        # The candidates holding most of a section's text, best first (ties: the lower index):
        # for a pair, the best share among the section's other candidates.
        order = np.lexsort((other, -share, section))
        s_sorted, o_sorted, v_sorted = section[order], other[order], share[order]
        starts = np.flatnonzero(np.r_[True, s_sorted[1:] != s_sorted[:-1]])
        lengths = np.diff(np.r_[starts, count])
        top_host = np.full(max(n_old_flat, n_new_flat), -1, dtype=np.int64)
        top_share = np.zeros(max(n_old_flat, n_new_flat))
        second_share = np.zeros(max(n_old_flat, n_new_flat))
        heads = s_sorted[starts]
        top_host[heads] = o_sorted[starts]
        top_share[heads] = v_sorted[starts]
        has_second = lengths > 1
        second_share[heads[has_second]] = v_sorted[starts[has_second] + 1]
        found: np.ndarray = np.where(top_host[section] != other, top_share[section], second_share[section])
        return found

    elsewhere = np.maximum(
        np.maximum(elsewhere_share(i_arr, j_arr, old_in_new) - old_in_new,
                   elsewhere_share(j_arr, i_arr, new_in_old) - new_in_old),
        0.0,
    )

    number_ids: dict[str | None, int] = {None: 0}
    num_old = np.fromiter((number_ids.setdefault(_number_key(s.number), len(number_ids)) for s in f.flat_old),
                          dtype=np.int64, count=n_old_flat)
    num_new = np.fromiter((number_ids.setdefault(_number_key(s.number), len(number_ids)) for s in f.flat_new),
                          dtype=np.int64, count=n_new_flat)
    no, nn = num_old[i_arr], num_new[j_arr]
    number_same = ((no != 0) & (no == nn)).astype(np.float64)
    number_differs = ((no != 0) & (nn != 0) & (no != nn)).astype(np.float64)

    # Rows of the shared feature arrays (-1: a section outside the compared ones).
    row_old = np.full(n_old_flat, -1, dtype=np.int64)
    row_new = np.full(n_new_flat, -1, dtype=np.int64)
    for i, r in sim._row.items():
        row_old[i] = r
    for j, c in sim._col.items():
        row_new[j] = c
    level = np.asarray(f.level, dtype=np.int64)
    has_body = np.fromiter((bool(v) for v in f.body), dtype=bool, count=len(f.body))
    a_rows, b_rows = row_old[i_arr], row_new[j_arr]
    level_same = (level[a_rows] == level[b_rows]).astype(np.float64)
    textless = (~has_body[a_rows] | ~has_body[b_rows]).astype(np.float64)

    # Likeness (the better of body and title) of the neighbours' and parents' pairs: from the
    # arrays when they are candidates, else looked up once per distinct pair.
    likeness_of_pair = np.maximum(body, title)
    width = max(n_new_flat, 1)
    codes = i_arr * width + j_arr  # ascending: the pairs are sorted

    def likeness(olds: np.ndarray, news: np.ndarray) -> np.ndarray:
        wanted = olds * width + news
        at = np.minimum(np.searchsorted(codes, wanted), count - 1)
        known = codes[at] == wanted
        out = np.where(known, likeness_of_pair[at], 0.0)
        missing = np.unique(wanted[~known])
        if len(missing):
            values = _likenesses(sim, missing // width, missing % width)
            out[~known] = values[np.searchsorted(missing, wanted[~known])]
        return out

    old_ids = np.asarray(sim.old_ids, dtype=np.int64)
    new_ids = np.asarray(sim.new_ids, dtype=np.int64)
    rank_old = np.full(n_old_flat, -1, dtype=np.int64)
    rank_new = np.full(n_new_flat, -1, dtype=np.int64)
    rank_old[old_ids] = np.arange(len(old_ids))
    rank_new[new_ids] = np.arange(len(new_ids))
    ro, rn = rank_old[i_arr], rank_new[j_arr]
    ranked = (ro >= 0) & (rn >= 0)
    neighbours = np.zeros(count)
    for step in (-1, 1):
        a, b = ro + step, rn + step
        off_old = (a < 0) | (a >= len(old_ids))
        off_new = (b < 0) | (b >= len(new_ids))
        inside = ranked & ~off_old & ~off_new
        value = np.where(ranked & off_old & off_new, 1.0, 0.0)
        if inside.any():
            value[inside] = likeness(old_ids[a[inside]], new_ids[b[inside]])
        neighbours += value
    neighbours *= 0.5

    parent_old_map, parent_new_map = _parents(f.flat_old), _parents(f.flat_new)
    parent_old = np.zeros(n_old_flat, dtype=np.int64)
    parent_new = np.zeros(n_new_flat, dtype=np.int64)
    for i, p in parent_old_map.items():
        parent_old[i] = p
    for j, p in parent_new_map.items():
        parent_new[j] = p
    pi, pj = parent_old[i_arr], parent_new[j_arr]
    parents = np.where((pi == 0) & (pj == 0), 1.0, 0.0)
    both = (pi != 0) & (pj != 0)
    if both.any():
        parents[both] = likeness(pi[both], pj[both])
    # One top-level, the other within a section: the document's title against that section's
    # (a page holding several documents, each under its own heading).
    one = (pi == 0) != (pj == 0)
    if one.any():
        parents[one] = np.fromiter(
            (_dice(grams_old[x], grams_new[y]) for x, y in zip(pi[one].tolist(), pj[one].tolist())),
            dtype=np.float64, count=int(one.sum()),
        )

    title_unrepeated = title_max * (1.0 - repeated)
    table = np.column_stack([
        body,
        body_best,
        title_max,
        title_unrepeated,
        np.maximum(title_unrepeated - body, 0.0),
        title_best,
        same,
        np.maximum(old_in_new, new_in_old),
        np.minimum(old_in_new, new_in_old),
        elsewhere,
        number_same,
        number_differs,
        level_same,
        textless,
        textless * title_max,
        neighbours,
        parents,
        repeated,
    ])
    return table


def candidate_pairs(sim: Similarity) -> list[tuple[int, int]]:
    """Every candidate (old, new) pair of flat indices, in a fixed order."""
    return sorted((i, j) for i, news in sim.candidates_old.items() for j in news)


# ----------------------------------------------------------------------------------------------
# Assignment


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate pair with its features, probability and gain (log-odds over the threshold)."""

    old_index: int
    new_index: int
    features: tuple[float, ...]
    """``FEATURES`` then ``RUN_FEATURES``."""
    probability: float
    gain: float


def _sigmoid(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(logit, 60.0), -60.0)))


def base_features(sim: Similarity) -> list[tuple[int, int, tuple[float, ...]]]:
    """(old, new, ``FEATURES``) of every candidate pair."""
    pairs = candidate_pairs(sim)
    if _at_once(len(pairs)):
        return [(i, j, x) for (i, j), x in zip(pairs, _feature_table(sim, pairs))]
    reader = FeatureReader(sim)
    return [(i, j, tuple(reader.features(i, j))) for i, j in pairs]


@dataclass(frozen=True)
class Outline:
    """What the second stage needs of the two outlines: the sections in reading order and each
    section's parent (flat indices; 0, the preamble, for a top-level section)."""

    old_ids: Sequence[int]
    new_ids: Sequence[int]
    parent_old: dict[int, int]
    parent_new: dict[int, int]


def run_features(
    outline: Outline, pairs: Sequence[tuple[int, int]], first: Sequence[Sequence[float]], stage: Stage,
    gains: Sequence[float] | None = None,
) -> list[tuple[float, ...]]:
    """``RUN_FEATURES`` of each (old, new) candidate pair, given their ``FEATURES`` and the first
    stage: the run weighs the pairs the first stage would make by the likeness of their texts; the
    neighbours and parents are paired when the first stage's assignment pairs them. ``gains``:
    the first stage's gains of the pairs, when already computed."""
    if gains is None:
        gains = [stage.logit(x) - stage.cut for x in first]
    body, repeated, body_best = FEATURES.index("body"), FEATURES.index("repeated"), FEATURES.index("body_best")
    rank_old = {i: k for k, i in enumerate(outline.old_ids)}
    rank_new = {j: k for k, j in enumerate(outline.new_ids)}
    ranked = [(rank_old[i], rank_new[j]) for i, j in pairs]
    n_old, n_new = len(outline.old_ids), len(outline.new_ids)
    place = [1.0 - abs(a / max(n_old, 1) - b / max(n_new, 1)) for a, b in ranked]
    # Among copies of one text (equal likeness), the run goes through the copy nearest in relative
    # place: a tie broken by the order of the candidates would not read the same with the versions
    # swapped.
    run = sorted(heaviest_chain([
        (a, b, x[body] + RUN_TIE * near) for (a, b), g, x, near in zip(ranked, gains, first, place) if g > 0 and x[body] > 0
    ], RUN_FOLLOWS))
    in_run = set(run)
    olds = [a for a, _ in run]
    prefix_max = list(itertools.accumulate((b for _, b in run), max, initial=-1))
    suffix_min = list(itertools.accumulate((b for _, b in reversed(run)), min, initial=1 << 60))[::-1]
    # The first stage's assignment (which the neighbours and parents read) takes, of copies tied
    # in score, the one in the run: reading order, not the order of the candidates, breaks the tie.
    assigned = set(assign([(i, j, g + RUN_TIE * ((a, b) in in_run)) for (i, j), g, (a, b) in zip(pairs, gains, ranked)]))
    assigned_ranks = {(rank_old[i], rank_new[j]) for i, j in assigned}
    wrappers = _document_wrappers(outline, assigned)
    if _at_once(len(pairs)):
        return _run_table(outline, pairs, ranked, first, run, assigned, assigned_ranks, wrappers)
    n_old, n_new = len(outline.old_ids), len(outline.new_ids)

    def paired(a: int, b: int) -> float:
        if not (0 <= a < n_old and 0 <= b < n_new):  # both past an end: as good as paired
            return 1.0 if not (0 <= a < n_old) and not (0 <= b < n_new) else 0.0
        return 1.0 if (a, b) in assigned_ranks else 0.0

    paired_olds, paired_news = {i for i, _ in assigned}, {j for _, j in assigned}
    out: list[tuple[float, ...]] = []
    for (i, j), (a, b), x in zip(pairs, ranked, first):
        parent_i, parent_j = outline.parent_old.get(i, 0), outline.parent_new.get(j, 0)
        parents = 1.0 if (parent_i, parent_j) in assigned or (parent_i, parent_j) in wrappers else 0.0
        parent_unpaired = 0.0 if parents else 0.5 * (
            (parent_i != 0 and parent_i not in paired_olds) + (parent_j != 0 and parent_j not in paired_news)
        )
        neighbours = 0.5 * (paired(a - 1, b - 1) + paired(a + 1, b + 1))
        if (a, b) in in_run:
            keeps, inside = 1.0, 1.0
        else:
            lo, hi = bisect.bisect_left(olds, a), bisect.bisect_right(olds, a)
            keeps, inside = (1.0 if lo == hi and prefix_max[lo] < b < suffix_min[hi] else 0.0), 0.0
        leftover = x[body] if x[body_best] >= 1.0 and i not in paired_olds and j not in paired_news else 0.0
        out.append((inside, keeps, inside * x[repeated], neighbours, parents, parent_unpaired, leftover))
    return out


def _document_wrappers(outline: Outline, assigned: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (old parent, new parent) pairs that count as paired for ``parents_paired`` besides the
    assigned ones: the two documents themselves, (0, 0), and a document against the section that
    holds it in the other version, (0, p) or (p, 0): the section under which more than half of
    the assigned partners of the document's top-level sections sit (a page holding two companies'
    terms, each under its heading, against a version holding one of them)."""
    found = {(0, 0)}
    for old_side in (True, False):
        mine, theirs = (outline.parent_old, outline.parent_new) if old_side else (outline.parent_new, outline.parent_old)
        votes: dict[int, int] = {}
        for i, j in assigned:
            own, other = (i, j) if old_side else (j, i)
            if mine.get(own, 0) == 0:
                holder = theirs.get(other, 0)
                votes[holder] = votes.get(holder, 0) + 1
        if votes:
            holder, count = min(votes.items(), key=lambda x: (-x[1], x[0]))
            if holder and 2 * count > sum(votes.values()):
                found.add((0, holder) if old_side else (holder, 0))
    return found


def _run_table(
    outline: Outline, pairs: Sequence[tuple[int, int]], ranked: Sequence[tuple[int, int]],
    first: Sequence[Sequence[float]], run: Sequence[tuple[int, int]], assigned: set[tuple[int, int]],
    assigned_ranks: set[tuple[int, int]], wrappers: set[tuple[int, int]],
) -> list[tuple[float, ...]]:
    """``run_features``' last step over all pairs at once (the same 0, 0.5 and 1 values): which
    pairs are in the run, keep its order, have their neighbours and parents paired."""
    import numpy as np

    n_old, n_new = len(outline.old_ids), len(outline.new_ids)
    count = len(pairs)
    a = np.fromiter((x for x, _ in ranked), dtype=np.int64, count=count)
    b = np.fromiter((y for _, y in ranked), dtype=np.int64, count=count)
    width = n_new + 2  # ranks from -1 to n_new

    def codes(items: Iterable[tuple[int, int]], size: int) -> np.ndarray:
        flat = np.fromiter(itertools.chain.from_iterable(items), dtype=np.int64, count=2 * size)
        found: np.ndarray = np.sort((flat[0::2] + 1) * width + flat[1::2] + 1)
        return found

    def member(known: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        if not len(known):
            return np.zeros(len(wanted), dtype=bool)
        at = np.minimum(np.searchsorted(known, wanted), len(known) - 1)
        found: np.ndarray = known[at] == wanted
        return found

    paired_ranks = codes(assigned_ranks, len(assigned_ranks))

    def paired(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        in_old, in_new = (x >= 0) & (x < n_old), (y >= 0) & (y < n_new)
        # both past an end: as good as paired
        return np.where(in_old & in_new, member(paired_ranks, (x + 1) * width + y + 1), ~in_old & ~in_new)

    neighbours = 0.5 * (paired(a - 1, b - 1).astype(np.float64) + paired(a + 1, b + 1).astype(np.float64))

    parent_i = np.fromiter((outline.parent_old.get(i, 0) for i, _ in pairs), dtype=np.int64, count=count)
    parent_j = np.fromiter((outline.parent_new.get(j, 0) for _, j in pairs), dtype=np.int64, count=count)
    flat_width = int(max(parent_j.max(initial=0), max((j for _, j in assigned), default=0))) + 1
    assigned_codes = np.sort(np.fromiter((i * flat_width + j for i, j in assigned), dtype=np.int64,
                                         count=len(assigned)))
    parents = member(assigned_codes, parent_i * flat_width + parent_j)
    for wrapper_old, wrapper_new in wrappers:
        parents |= (parent_i == wrapper_old) & (parent_j == wrapper_new)
    # Sections the first stage's assignment pairs, and whether each pair's sections or parents are among them.
    assigned_old = np.fromiter((i for i, _ in assigned), dtype=np.int64, count=len(assigned))
    assigned_new = np.fromiter((j for _, j in assigned), dtype=np.int64, count=len(assigned))
    unpaired_old = (parent_i != 0) & ~np.isin(parent_i, assigned_old)
    unpaired_new = (parent_j != 0) & ~np.isin(parent_j, assigned_new)
    parent_unpaired = np.where(parents, 0.0, 0.5 * (unpaired_old.astype(np.float64) + unpaired_new.astype(np.float64)))
    alone = ~np.isin(np.fromiter((i for i, _ in pairs), dtype=np.int64, count=count), assigned_old)
    alone &= ~np.isin(np.fromiter((j for _, j in pairs), dtype=np.int64, count=count), assigned_new)
    body, body_best = FEATURES.index("body"), FEATURES.index("body_best")
    body_column = np.fromiter((x[body] for x in first), dtype=np.float64, count=count)
    best_column = np.fromiter((x[body_best] for x in first), dtype=np.float64, count=count)
    leftover = np.where(alone & (best_column >= 1.0), body_column, 0.0)

    inside = member(codes(run, len(run)), (a + 1) * width + b + 1)
    olds = np.fromiter((x for x, _ in run), dtype=np.int64, count=len(run))
    prefix_max = np.fromiter(itertools.accumulate((y for _, y in run), max, initial=-1), dtype=np.int64,
                             count=len(run) + 1)
    suffix_min = np.fromiter(itertools.accumulate((y for _, y in reversed(run)), min, initial=1 << 60),
                             dtype=np.int64, count=len(run) + 1)[::-1]
    lo, hi = np.searchsorted(olds, a, side="left"), np.searchsorted(olds, a, side="right")
    keeps = inside | ((lo == hi) & (prefix_max[lo] < b) & (b < suffix_min[hi]))
    repeated = FEATURES.index("repeated")
    inside_f = inside.astype(np.float64)
    repeated_in_run = inside_f * np.fromiter((x[repeated] for x in first), dtype=np.float64, count=count)
    table = np.column_stack([inside_f, keeps.astype(np.float64), repeated_in_run, neighbours,
                             parents.astype(np.float64), parent_unpaired, leftover])
    return list(map(tuple, table.tolist()))


def heaviest_chain(pairs: Sequence[tuple[int, int, float]], follows: float = 0.0) -> set[tuple[int, int]]:
    """The (a, b) pairs of the chain of greatest total weight that increases strictly in both a
    and b (a weighted longest increasing subsequence, O(n log n) with a Fenwick tree of maxima);
    a pair that directly follows its predecessor on both sides, (a - 1, b - 1), weighs ``follows``
    more."""
    items = sorted(pairs, key=lambda x: (x[0], -x[1]))
    bs = sorted({b for _, b, _ in items})
    at = {b: k + 1 for k, b in enumerate(bs)}
    size = len(bs)
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)
    value: list[float] = []
    previous: list[int] = []
    index: dict[tuple[int, int], int] = {}
    # Same a: processed by descending b, so no two pairs of one row (or column) chain.
    for k, (a, b, w) in enumerate(items):
        found, q = (0.0, -1), at[b] - 1
        while q > 0:
            if tree[q] > found:
                found = tree[q]
            q -= q & -q
        before = index.get((a - 1, b - 1))
        if follows and before is not None and value[before] + follows > found[0]:
            found = (value[before] + follows, before)
        index[(a, b)] = k
        value.append(found[0] + w)
        previous.append(found[1])
        q = at[b]
        while q <= size:
            if (value[k], k) > tree[q]:
                tree[q] = (value[k], k)
            q += q & -q
    chain: set[tuple[int, int]] = set()
    k = max(range(len(items)), key=value.__getitem__, default=-1)
    while k >= 0:
        chain.add((items[k][0], items[k][1]))
        k = previous[k]
    return chain


def outline_of(sim: Similarity) -> Outline:
    from policydiff.core.align import _parents

    f = sim.features
    return Outline(sim.old_ids, sim.new_ids, _parents(f.flat_old), _parents(f.flat_new))


def score_candidates(sim: Similarity, pairing: PairingModel | None = None) -> list[Scored]:
    """Every candidate pair scored by both stages (the second reads the run of the first)."""
    return list(scored_table(sim, pairing).values())


class ScoredTable(Mapping[tuple[int, int], Scored]):
    """Every candidate pair's :class:`Scored`, (old, new) -> its scores, in the candidates' order;
    each built when first read. Between two long versions there are thousands of candidates (15,000
    between two 270-section privacy policies) and a comparison reads the ``Scored`` of a few hundred
    (the pairs made, the candidates of the sections left unpaired): building every one cost more
    than computing all their scores. The values are those made at once: the same features, logits
    and gains, only later."""

    def __init__(self, pairs: Sequence[tuple[int, int]], gains: Sequence[float],
                 make: Callable[[int], Scored]) -> None:
        self._pairs = pairs
        self.gains = gains
        """The second stage's gain of each pair, in the candidates' order."""
        self._make = make
        self._at: dict[tuple[int, int], int] | None = None
        self._made: dict[int, Scored] = {}

    def __getitem__(self, pair: tuple[int, int]) -> Scored:
        if self._at is None:
            self._at = {p: k for k, p in enumerate(self._pairs)}
        k = self._at[pair]
        found = self._made.get(k)
        if found is None:
            found = self._made[k] = self._make(k)
        return found

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def positive(self) -> list[tuple[int, int, float]]:
        """(old, new, gain) of the pairs of positive gain, in the candidates' order."""
        return [(i, j, g) for (i, j), g in zip(self._pairs, self.gains) if g > 0]


def scored_table(sim: Similarity, pairing: PairingModel | None = None) -> ScoredTable:
    """Every candidate pair scored by both stages (the second reads the run of the first), each
    pair's :class:`Scored` made when read (:class:`ScoredTable`)."""
    pairing = pairing or model()
    first, second = pairing.first, pairing.second
    pairs = candidate_pairs(sim)
    if _at_once(len(pairs)):
        import numpy as np

        table = _feature_array(sim, pairs)
        rows = table.tolist()
        gains = (first.logits(table) - first.cut).tolist()
        extra = run_features(outline_of(sim), pairs, rows, first, gains)
        both = np.hstack([table, np.asarray(extra, dtype=np.float64).reshape(len(pairs), len(RUN_FEATURES))])
        cut = second.cut
        logits = second.logits(both).tolist()

        def made(k: int) -> Scored:
            i, j = pairs[k]
            return Scored(i, j, tuple(rows[k]) + extra[k], _sigmoid(logits[k]), logits[k] - cut)

        return ScoredTable(pairs, [logit - cut for logit in logits], made)
    base = base_features(sim)
    extra = run_features(outline_of(sim), [(i, j) for i, j, _ in base], [x for _, _, x in base], first)
    out = []
    for (i, j, x), more in zip(base, extra):
        features = x + more
        logit = second.logit(features)
        out.append(Scored(i, j, features, _sigmoid(logit), logit - second.cut))
    return ScoredTable([(s.old_index, s.new_index) for s in out], [s.gain for s in out], out.__getitem__)


GROUPS_AT_ONCE = 20_000
"""From this many edges on, ``_groups`` finds the groups with SciPy (imported by then: the
candidate search of a comparison this long uses it)."""
SMALL_GROUP = 3_600
"""Groups of candidates up to this many old x new sections are assigned in pure Python."""


def assign(edges: Sequence[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """The one-to-one choice among (old, new, gain) edges of greatest total gain; only edges of
    positive gain are ever chosen (the others abstain). Solved exactly per connected group."""
    positive = [(i, j, g) for i, j, g in edges if g > 0]
    chosen: list[tuple[int, int]] = []
    for group in _groups(positive):
        olds = sorted({i for i, _, _ in group})
        news = sorted({j for _, j, _ in group})
        if len(group) == 1:
            chosen.append(group[0][:2])
        elif len(olds) * len(news) <= SMALL_GROUP:
            chosen += _hungarian(group, olds, news)
        else:
            chosen += _sparse_matching(group, olds, news)
    return sorted(chosen)


def _groups(edges: Sequence[tuple[int, int, float]]) -> list[list[tuple[int, int, float]]]:
    """The edges by connected group of sections, each group's edges in their given order. Many
    edges (a long comparison, SciPy loaded already): SciPy's connected components, one C pass
    where the union-find below takes a Python call per edge end."""
    if len(edges) >= GROUPS_AT_ONCE:
        import importlib

        import numpy as np

        # Through importlib: SciPy has no type stubs, and _sparse_matching's imports say so already.
        sparse = importlib.import_module("scipy.sparse")
        connected_components = importlib.import_module("scipy.sparse.csgraph").connected_components

        count = len(edges)
        old_at = np.unique(np.fromiter((e[0] for e in edges), dtype=np.int64, count=count), return_inverse=True)[1]
        new_at = np.unique(np.fromiter((e[1] for e in edges), dtype=np.int64, count=count), return_inverse=True)[1]
        olds = int(old_at.max()) + 1
        size = olds + int(new_at.max()) + 1
        graph = sparse.coo_matrix((np.ones(count), (old_at.ravel(), olds + new_at.ravel())), shape=(size, size))
        label = connected_components(graph, directed=False)[1][old_at.ravel()]
        order = np.argsort(label, kind="stable")
        starts = np.flatnonzero(np.r_[True, label[order][1:] != label[order][:-1]])
        bounds = np.r_[starts, count].tolist()
        ordered = [edges[k] for k in order.tolist()]
        return [ordered[a:b] for a, b in zip(bounds, bounds[1:])]
    parent: dict[tuple[bool, int], tuple[bool, int]] = {}

    def find(x: tuple[bool, int]) -> tuple[bool, int]:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for i, j, _ in edges:
        a, b = find((True, i)), find((False, j))
        if a != b:
            parent[a] = b
    groups: dict[tuple[bool, int], list[tuple[int, int, float]]] = {}
    for edge in edges:
        groups.setdefault(find((True, edge[0])), []).append(edge)
    return list(groups.values())


def _hungarian(
    group: Sequence[tuple[int, int, float]], olds: list[int], news: list[int]
) -> list[tuple[int, int]]:
    """Maximum-gain assignment of a small group (Kuhn-Munkres with potentials, O(n^2 m))."""
    transpose = len(olds) > len(news)
    rows, cols = (news, olds) if transpose else (olds, news)
    row_at = {x: k + 1 for k, x in enumerate(rows)}
    col_at = {x: k + 1 for k, x in enumerate(cols)}
    n, m = len(rows), len(cols)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i, j, g in group:
        r, c = (row_at[j], col_at[i]) if transpose else (row_at[i], col_at[j])
        cost[r][c] = -g
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    match, way = [0] * (m + 1), [0] * (m + 1)
    for r in range(1, n + 1):
        match[0] = r
        c0 = 0
        least = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[c0] = True
            r0, delta, c1 = match[c0], inf, 0
            row = cost[r0]
            for c in range(1, m + 1):
                if not used[c]:
                    reduced = row[c] - u[r0] - v[c]
                    if reduced < least[c]:
                        least[c], way[c] = reduced, c0
                    if least[c] < delta:
                        delta, c1 = least[c], c
            for c in range(m + 1):
                if used[c]:
                    u[match[c]] += delta
                    v[c] -= delta
                else:
                    least[c] -= delta
            c0 = c1
            if match[c0] == 0:
                break
        while c0:
            c1 = way[c0]
            match[c0] = match[c1]
            c0 = c1
    out = []
    for c in range(1, m + 1):
        r = match[c]
        if r and cost[r][c] < 0:
            a, b = rows[r - 1], cols[c - 1]
            out.append((b, a) if transpose else (a, b))
    return out


def _sparse_matching(
    group: Sequence[tuple[int, int, float]], olds: list[int], news: list[int]
) -> list[tuple[int, int]]:
    """Maximum-gain assignment of a large group: SciPy's sparse minimum-weight full matching over
    the candidates plus one abstaining partner per section (so a full matching always exists)."""
    import numpy as np
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching  # type: ignore[import-untyped]

    n, m = len(olds), len(news)
    old_at = {x: k for k, x in enumerate(olds)}
    new_at = {x: k for k, x in enumerate(news)}
    r = np.fromiter((old_at[i] for i, _, _ in group), dtype=np.int64, count=len(group))
    c = np.fromiter((new_at[j] for _, j, _ in group), dtype=np.int64, count=len(group))
    g = np.fromiter((x for _, _, x in group), dtype=np.float64, count=len(group))
    # Rows: old sections, then one stand-in per new section; columns: new sections, then one
    # stand-in per old section. A pair costs top - gain, a section left alone (with its stand-in)
    # costs top / 2 + 1 each side, and the stand-ins of a chosen pair meet at cost 2: every full
    # matching then costs a constant minus the gain of its chosen pairs. All costs are positive.
    top = float(g.max()) + 2.0
    half = top / 2 + 1.0
    rows = np.concatenate([r, np.arange(n), n + np.arange(m), n + c])
    cols = np.concatenate([c, m + np.arange(n), np.arange(m), m + r])
    vals = np.concatenate([top - g, np.full(n, half), np.full(m, half), np.full(len(group), 2.0)])
    graph = csr_matrix((vals, (rows, cols)), shape=(n + m, m + n))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    return [
        (olds[row], news[col])
        for row, col in zip(matched_rows.tolist(), matched_cols.tolist())
        if row < n and col < m
    ]
