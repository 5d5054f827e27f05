"""The features computed over all candidate pairs at once (``pairing._feature_table``, NumPy) equal
those of the per-pair reference (``pairing.FeatureReader``), on real version pairs of several
sources and on a generated document large enough for the sparse top-K candidate search; and the
engine's pairs are the same whichever way the features are computed."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from policydiff.core import align, pairing
from policydiff.core.compare import compare
from policydiff.core.load import load_document
from policydiff.core.model import Document

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "core" / "labelled" / "pairs"
EXTRA = ROOT / "corpus" / "extra"


def _labelled(count: int) -> list[tuple[Path, Path]]:
    folders = sorted(d for d in LABELLED.iterdir() if (d / "old.md").exists())
    return [(d / "old.md", d / "new.md") for d in random.Random(23).sample(folders, min(count, len(folders)))]


def _extra_pairs() -> list[tuple[Path, Path]]:
    by_company: dict[str, list[Path]] = {}
    for path in sorted(EXTRA.glob("*.md")):
        by_company.setdefault(path.name.rsplit("-", 3)[0], []).append(path)
    return [(paths[0], paths[-1]) for paths in by_company.values() if len(paths) > 1][:4]


PAIRS = [(ROOT / "corpus" / "nec-2002.md", ROOT / "corpus" / "nec-2024.txt"), *_extra_pairs(), *_labelled(8)]


def _many_sections(count: int, folder: Path) -> tuple[Document, Document]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_engine import many_sections  # type: ignore[import-not-found]

    old, new = many_sections(count, seed=7)
    (folder / "old.md").write_text(old, encoding="utf-8")
    (folder / "new.md").write_text(new, encoding="utf-8")
    return load_document(folder / "old.md"), load_document(folder / "new.md")


def _compute_at_once(monkeypatch: pytest.MonkeyPatch, at_once: bool) -> None:
    """Features as arrays (True) or pair by pair (False), whatever the number of candidates."""
    threshold = 0 if at_once else 1 << 60
    monkeypatch.setattr(pairing, "VECTOR_PAIRS", threshold)
    monkeypatch.setattr(pairing, "LOADED_VECTOR_PAIRS", threshold)


def _assert_same_rows(old: Document, new: Document) -> int:
    reference_sim = align.similarity_matrix(old, new)
    reader = pairing.FeatureReader(reference_sim)
    pairs = pairing.candidate_pairs(reference_sim)
    expected = [reader.features(i, j) for i, j in pairs]
    table_sim = align.similarity_matrix(old, new)  # fresh: no value cached by the reference
    assert pairing.candidate_pairs(table_sim) == pairs
    got = pairing._feature_table(table_sim, pairs)
    assert len(got) == len(expected)
    for (i, j), row, want in zip(pairs, got, expected):
        assert row == pytest.approx(want, abs=1e-9, rel=0), (i, j)
    return len(pairs)


@pytest.mark.parametrize("old_path,new_path", PAIRS, ids=lambda p: p.parent.name + "/" + p.name)
def test_the_feature_table_equals_the_per_pair_features(old_path: Path, new_path: Path) -> None:
    _assert_same_rows(load_document(old_path), load_document(new_path))


def test_the_feature_table_equals_the_per_pair_features_with_the_top_k_search(tmp_path: Path) -> None:
    old, new = _many_sections(1_200, tmp_path)  # 1,440,000 section pairs: beyond ``align.SMALL``
    assert len(old.flat()) * len(new.flat()) > align.SMALL
    assert _assert_same_rows(old, new) >= pairing.VECTOR_PAIRS


@pytest.mark.parametrize("old_path,new_path", PAIRS[:3], ids=lambda p: p.name)
def test_the_pairs_are_the_same_whichever_way_the_features_are_computed(
    old_path: Path, new_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pairs_with(at_once: bool) -> list[tuple[int | None, int | None]]:
        _compute_at_once(monkeypatch, at_once)
        comparison = compare(load_document(old_path), load_document(new_path))
        return [(p.old_index, p.new_index) for p in comparison.pairs]

    assert pairs_with(True) == pairs_with(False)


@pytest.mark.parametrize("old_path,new_path", PAIRS[:2] + PAIRS[-2:], ids=lambda p: p.parent.name + "/" + p.name)
def test_both_stages_score_the_same_whichever_way_the_features_are_computed(
    old_path: Path, new_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = load_document(old_path), load_document(new_path)

    def scored_with(at_once: bool) -> list[pairing.Scored]:
        _compute_at_once(monkeypatch, at_once)
        return pairing.score_candidates(align.similarity_matrix(old, new))

    per_pair, at_once = scored_with(False), scored_with(True)
    assert [(s.old_index, s.new_index) for s in at_once] == [(s.old_index, s.new_index) for s in per_pair]
    for got, want in zip(at_once, per_pair):
        assert got.features == pytest.approx(want.features, abs=1e-9, rel=0)
        assert got.gain == pytest.approx(want.gain, abs=1e-9, rel=0)
        assert got.probability == pytest.approx(want.probability, abs=1e-9, rel=0)


def test_both_stages_score_the_same_either_way_with_the_top_k_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = _many_sections(1_200, tmp_path)

    def scored_with(at_once: bool) -> list[pairing.Scored]:
        _compute_at_once(monkeypatch, at_once)
        return pairing.score_candidates(align.similarity_matrix(old, new))

    per_pair, at_once = scored_with(False), scored_with(True)
    assert [(s.old_index, s.new_index) for s in at_once] == [(s.old_index, s.new_index) for s in per_pair]
    run_part = slice(len(pairing.FEATURES), None)
    assert [s.features[run_part] for s in at_once] == [s.features[run_part] for s in per_pair]
    assert any(s.features[run_part] != (0.0,) * len(pairing.RUN_FEATURES) for s in at_once)
    for got, want in zip(at_once, per_pair):
        assert got.features == pytest.approx(want.features, abs=1e-9, rel=0)
        assert got.gain == pytest.approx(want.gain, abs=1e-9, rel=0)
