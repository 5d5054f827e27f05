"""Consecutive versions of long histories (benchmarks/eval_steps.py): no step reports more than a
handful of removed or merged sections whose text the chained gold links to the next version (text
that neither moved nor went).

Two sets of steps of the versions bundle: every step of two long histories (282 steps: a regression
gate; Facebook's 197-step community guidelines pass too, but take about 100 s), and the stretch of
Meta's 492-version privacy policy (steps 70 to 112) where captures drop and restore a hundred
headings at a time. There a linked section merged with sections whose headings the next version
dropped is a true merge (``eval_steps`` counts it apart); the merges the engine made of text that
stayed put went when joins to a group had to bring text of their own (``align.FRESH_SHARE``):
of the 35 merges counted spurious before (4 steps over the handful, 6 to 8 each), 25 were such true
merges, 6 went with the gate, 4 are left (one a step). About 25 s of CPU time (all of tests/gold: 31 s)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import chained_gold as cg  # noqa: E402
import eval_steps  # noqa: E402

needs_bundle = pytest.mark.skipif(
    not cg.DEFAULT_BUNDLE.exists(), reason=f"versions bundle not found beside the repository ({cg.DEFAULT_BUNDLE})"
)

LONG_HISTORIES = {
    "Facebook/Law Enforcement Guidelines.md": 107,
    "Threads/Terms of Service.md": 175,
}
"""Documents and their number of steps (every step of each history)."""
HARD_STRETCH = ("Facebook/Privacy Policy.md", 70, 112)


DROPPED_HEADING_OLD = """# Policy

## What we collect

We collect the name, email address and phone number you give us when you register an account.
We also collect the messages you send and the photos you upload to the service each day.
When you use the app we record the device you use, its settings, the network and your rough location.
We keep a log of the pages you visit, the features you try and the time you spend on each of them.

## Sensitive information

You may choose to tell us about your religious views, health or political opinions in your profile.

## How we share

We share information with service providers who process it on our behalf under contract with us.
"""
DROPPED_HEADING_NEW = DROPPED_HEADING_OLD.replace("## Sensitive information\n\n", "")


def test_a_section_merged_with_one_whose_heading_went_is_a_true_merge() -> None:
    """The judge itself: a heading the next version drops leaves its text in the section before;
    the merge policydiff reports there is counted apart, never as spurious (no bundle needed)."""
    step = eval_steps.judge_step(0, "a", "b", DROPPED_HEADING_OLD, DROPPED_HEADING_NEW)
    assert step.merged == 2
    assert step.merged_dropped == ["What we collect"]
    assert step.spurious_merged == [] and not step.fails


@pytest.fixture(scope="module")
def bundle():
    with cg.Bundle() as opened:
        yield opened


def failures(steps: list[eval_steps.Step]) -> str:
    return "\n".join(
        f"step {s.index} {s.old_commit[:8]}..{s.new_commit[:8]}: {len(s.spurious_removed)} removed "
        f"{s.spurious_removed[:4]}, {len(s.spurious_merged)} merged {s.spurious_merged[:4]}"
        for s in steps if s.fails
    )


@needs_bundle
@pytest.mark.parametrize("document", sorted(LONG_HISTORIES))
def test_every_step_of_a_long_history_reports_only_what_moved_or_went(bundle, document: str) -> None:
    steps = eval_steps.steps_of(bundle, document)
    assert len(steps) == LONG_HISTORIES[document]
    assert sum(s.gold_linked for s in steps) >= len(steps), "the gold links too little to judge"
    assert not any(s.fails for s in steps), failures(steps)


@needs_bundle
def test_the_privacy_policy_stretch_reports_only_what_moved_or_went(bundle) -> None:
    document, start, stop = HARD_STRETCH
    steps = eval_steps.steps_of(bundle, document, start, stop)
    assert len(steps) == stop - start
    assert sum(s.gold_linked for s in steps) >= 100 * len(steps)
    assert not any(s.fails for s in steps), failures(steps)
