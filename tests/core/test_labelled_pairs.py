"""Pairing accuracy on the hand-labelled version pairs (tests/core/labelled/pairs/, see its README).

The harness is ``benchmarks/eval_alignment.py``: one point per labelled old section whose predicted
set of new sections is the labelled set, one per labelled added section left unpaired.

Each pair the engine may be tuned on has a floor: its score when the floor was set. A change to the
pairing may move points between pairs only by raising floors, never by lowering one (raise a floor
when a pair gains points). The held-out pairs are reported, not gated: a gate on them would make
them tuned pairs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import eval_alignment  # noqa: E402

FLOORS = {
    "bluesky-privacy-2025-06-to-2025-08": 33,  # of 37
    "bluesky-terms-2024-03-to-2025-10": 18,  # of 23
    "dell-privacy-2010-to-2011": 11,  # of 11
    "facebook-law-enforcement-2022-to-2025": 17,  # of 19
    "facebook-terms-2022-to-2026": 18,  # of 20
    "hitachi-privacy-2012-to-2017": 11,  # of 12
    "ibm-privacy-2018-to-2019": 15,  # of 15
    "instagram-privacy-2024-08-to-2025-09": 30,  # of 35
    "instagram-terms-2022-to-2026": 16,  # of 21
    "line-privacy-2022-to-2026": 49,  # of 58
    "line-terms-2023-09-to-2023-10": 33,  # of 38
    "nikon-privacy-2011-to-2018": 9,  # of 9
    "panasonic-privacy-2009-to-2014": 6,  # of 7
    "parler-community-guidelines-2022-to-2026": 10,  # of 12
    "parler-privacy-2022-to-2026": 24,  # of 25
    "quora-terms-2022-to-2025": 9,  # of 13
    "snapchat-community-guidelines-2022-07-to-2026-06": 7,  # of 10
    "snapchat-cookies-2022-07-to-2025-10": 7,  # of 9
    "snapchat-privacy-2022-07-to-2026-08": 16,  # of 18
    "snapchat-terms-2022-to-2026": 55,  # of 56
    "tiktok-ip-policy-2022-to-2025": 14,  # of 19
    "tumblr-terms-2022-07-to-2026-06": 44,  # of 44
    "tumblr-terms-2024-01-17-to-2024-01-24": 43,  # of 43
    "twitch-terms-2022-to-2026": 41,  # of 43
}
"""Points each tuned pair scores at least (its score when set: 477 of 528 in all, 481 since). Set again when the
fitted score became the pairing: three pairs dropped (Bluesky privacy 34 -> 33, LINE privacy 51 -> 49,
LINE terms 31 -> 29; the rules had been written reading their failures),
two rose (Panasonic 5 -> 6, Twitch terms 39 -> 41). Snapchat terms 53 -> 55 when joins to a merge or
split had to bring text of their own (``align.FRESH_SHARE``). LINE terms 29 -> 33 with the weights
fitted once the document's title counted as the parent of its top-level sections and a textless
heading joined the one section all its paired subsections went to (481 of 528 then). Five pairs of other document
types (trackers, community guidelines, law-enforcement, intellectual-property policies) were added at their first
run's score, labelled and measured before any of their misses was read: 55 of 69."""


@pytest.fixture(scope="module")
def results() -> dict[str, eval_alignment.PairResult]:
    found = eval_alignment.evaluate()
    if not found:
        pytest.skip("no labelled pairs in tests/core/labelled/pairs")
    return {r.slug: r for r in found}


def test_the_harness_finds_the_labelled_pairs_and_the_held_out_split(results) -> None:
    assert len(results) >= 12
    assert 0 < sum(r.held_out for r in results.values()) < len(results)


def test_every_tuned_pair_has_a_floor_and_no_held_out_pair_has_one(results) -> None:
    tuned = {slug for slug, r in results.items() if not r.held_out}
    assert set(FLOORS) == tuned


@pytest.mark.parametrize("slug", sorted(FLOORS))
def test_pairing_keeps_its_floor_on_each_tuned_pair(results, slug: str) -> None:
    result = results.get(slug)
    if result is None:
        pytest.fail(f"labelled pair {slug} is missing")
    assert result.points >= FLOORS[slug], "\n".join(
        [f"{slug}: {result.points}/{result.total}, floor {FLOORS[slug]}"] + result.errors
    )


def test_held_out_pairs_are_reported(results, record_property, capsys) -> None:
    held = [r for r in results.values() if r.held_out]
    points, total = sum(r.points for r in held), sum(r.total for r in held)
    record_property("held_out_accuracy", f"{points}/{total}")
    for r in held:
        record_property(f"held_out[{r.slug}]", f"{r.points}/{r.total}")
    with capsys.disabled():
        print(f"\nheld-out labelled pairs (reported, not gated): {points}/{total} = {points / total:.1%}; "
              + ", ".join(f"{r.slug} {r.points}/{r.total}" for r in held))
    assert total > 0
