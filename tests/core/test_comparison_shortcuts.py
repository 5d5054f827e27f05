"""Two shortcuts of a comparison that must change nothing: the word diffs of unchanged texts
remembered from one comparison to the next (``compare.remembered_unchanged``, as a history's
workers keep them) and each candidate's score made only when read (``pairing.ScoredTable``).
Real documents (two labelled policies joined: about a hundred sections, so the pairing takes its
array path) with a few blocks edited, moved or repeated on each side."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core import align, pairing
from policydiff.core.compare import compare, remembered_unchanged
from policydiff.core.serialize import comparison_json
from policydiff.core.structure import parse_document

PAIRS = Path(__file__).parent / "labelled" / "pairs"
BLOCKS = (
    (PAIRS / "line-privacy-2022-to-2026" / "old.md").read_text(encoding="utf-8")
    + "\n\n"
    + (PAIRS / "tumblr-terms-2022-07-to-2026-06" / "old.md").read_text(encoding="utf-8")
).split("\n\n")


@st.composite
def versions(draw: st.DrawFn) -> str:
    """The joined document with up to four blocks edited (a word added), moved or repeated."""
    blocks = list(BLOCKS)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["edit", "move", "repeat"]))
        at = draw(st.integers(0, len(blocks) - 1))
        to = draw(st.integers(0, len(blocks) - 1))
        if kind == "edit":
            blocks[at] += " amended"
        elif kind == "move":
            blocks.insert(to, blocks.pop(at))
        else:
            blocks.insert(to, blocks[at])
    return "\n\n".join(blocks)


def eager_scores(sim: align.Similarity) -> list[pairing.Scored]:
    """Every candidate's ``Scored`` made at once, as the pairing made them before ``ScoredTable``."""
    first, second = pairing.model().first, pairing.model().second
    pairs = pairing.candidate_pairs(sim)
    table = pairing._feature_array(sim, pairs)
    rows = list(map(tuple, table.tolist()))
    gains = (first.logits(table) - first.cut).tolist()
    extra = pairing.run_features(pairing.outline_of(sim), pairs, rows, first, gains)
    both = np.hstack([table, np.asarray(extra, dtype=np.float64).reshape(len(pairs), len(pairing.RUN_FEATURES))])
    return [pairing.Scored(i, j, x + more, pairing._sigmoid(logit), logit - second.cut)
            for (i, j), x, more, logit in zip(pairs, rows, extra, second.logits(both).tolist())]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(versions(), versions())
def test_remembered_unchanged_diffs_and_lazy_scores_change_nothing(old_text: str, new_text: str) -> None:
    old, new = parse_document(old_text, name="old"), parse_document(new_text, name="new")
    fresh = compare(old, new)
    with remembered_unchanged():
        compare(old, old)  # every text of the old version remembered, as a step before would leave it
        remembered = compare(old, new)
    assert comparison_json(remembered) == comparison_json(fresh)
    assert [(p.old_index, p.new_index, p.kind, p.title_diff, p.body_diff) for p in remembered.pairs] == [
        (p.old_index, p.new_index, p.kind, p.title_diff, p.body_diff) for p in fresh.pairs]

    sim = align.similarity_matrix(old, new)
    table = pairing.scored_table(sim)
    assert len(table) >= pairing.LOADED_VECTOR_PAIRS  # the array path, where the scores are made late
    eager = eager_scores(sim)
    assert table.positive() == [(s.old_index, s.new_index, s.gain) for s in eager if s.gain > 0]
    assert [table[(s.old_index, s.new_index)] for s in eager] == eager
