"""Pairing accuracy on the hand-labelled version pairs (tests/core/labelled/pairs/, see its README).

The harness is ``benchmarks/eval_alignment.py``: one point per labelled old section whose predicted
set of new sections is the labelled set, one per labelled added section left unpaired.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import eval_alignment  # noqa: E402

TARGET = 0.9
FLOOR_OVERALL = 0.88
"""What the engine reaches today over every labelled section (89 %): a regression guard below the target."""
FLOOR_RECOVERED = 0.9
"""Accuracy today on the sections whose headings the structure recovery finds (92 %): a regression floor."""


@pytest.fixture(scope="module")
def results() -> list[eval_alignment.PairResult]:
    found = eval_alignment.evaluate()
    if not found:
        pytest.skip("no labelled pairs in tests/core/labelled/pairs")
    return found


def test_the_harness_finds_the_labelled_pairs_and_the_held_out_split(results) -> None:
    assert len(results) >= 12
    assert 0 < sum(r.held_out for r in results) < len(results)


@pytest.mark.xfail(
    reason="89.9 % of 503 labelled sections (tuned 90 %, held-out 88 %): 16 labelled headings are "
    "not recovered (run-in titles, lettered clauses, long numbered titles) and the "
    "rest are mostly many-to-many regroupings a one-sided merge or split cannot express",
    strict=True,
)
def test_pairing_accuracy_reaches_the_target(results) -> None:
    points, total = eval_alignment.summary(results)["overall"]
    assert points / total >= TARGET


def test_pairing_accuracy_does_not_fall_back(results) -> None:
    points, total = eval_alignment.summary(results)["overall"]
    assert points / total >= FLOOR_OVERALL


def test_pairing_accuracy_on_recovered_headings(results) -> None:
    points, total = eval_alignment.summary(results)["overall (recovered headings)"]
    assert points / total >= FLOOR_RECOVERED
