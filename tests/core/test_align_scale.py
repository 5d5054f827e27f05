"""The alignment of long documents (best partners per section, from sparse matrix products) scores
the same pairs as the way used for short ones, whichever version is longer."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core import align
from policydiff.core.structure import parse_document

_VOCABULARY = [
    f"{a}{b}" for a in ("data", "user", "cook", "part", "right", "secur", "law", "child", "ad", "consent")
    for b in ("er", "ing", "ion", "al", "ity", "ed", "ence", "ment")
]


def _document(seed: int, count: int) -> str:
    rng = random.Random(seed)
    titles = rng.sample(_VOCABULARY, count)
    return "# Policy\n\n" + "\n\n".join(
        f"## {t.title()}\n\n" + " ".join(rng.choice(_VOCABULARY) for _ in range(rng.randint(14, 30))) + "."
        for t in titles
    ) + "\n"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(3, 9), st.integers(3, 9))
def test_best_partners_of_long_documents_are_the_pairs_sharing_words(seed: int, n_old: int, n_new: int) -> None:
    """The long-document way (best partners from both sides, a block of rows at a time) keeps every
    pair sharing a word when it may keep that many, so it scores exactly the pairs the small-document
    way scores: whichever side is longer."""
    old = parse_document(_document(seed, n_old), name="old.md")
    new = parse_document(_document(seed + 1, n_new), name="new.md")
    saved = align.PY_PAIRS, align.SMALL, align.TOP_K
    try:
        align.PY_PAIRS, align.SMALL, align.TOP_K = 0, 200_000, 6
        exact = align.similarity_matrix(old, new)
        align.SMALL, align.TOP_K = 0, 100
        best = align.similarity_matrix(old, new)
    finally:
        align.PY_PAIRS, align.SMALL, align.TOP_K = saved
    assert best.scores == exact.scores
    assert best.candidates_old == exact.candidates_old
