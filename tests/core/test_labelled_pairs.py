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
FLOOR_OVERALL = 0.81
"""What the engine reaches today over every labelled section (82 %): a regression guard below the target."""
FLOOR_RECOVERED = 0.87
"""Accuracy today on the sections whose headings the structure recovery finds (88 %): a regression floor."""


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
    reason="82 % of 633 labelled sections over 24 pairs (held-out 80 %, 90 % where the headings are "
    "recovered): Quora terms 2022's headings are not recovered, Snapchat terms 2026 holds two "
    "companies' terms and half its old sections pair with the other company's copy; the rest is "
    "run-in titles and many-to-many regroupings",
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
