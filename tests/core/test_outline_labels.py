"""The hand-labelled outlines keep their own conventions (checked against their source texts, never
against the engine): every labelled string occurs in its source in reading order, and every heading
the markup declares is labelled a heading (the labels' convention: a declared heading is a section)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import check_outline_labels  # noqa: E402
import label_declared_headings  # noqa: E402

LABELLED = ROOT / "tests" / "core" / "labelled" / "outlines"


@pytest.mark.parametrize("slug", sorted(p.stem for p in LABELLED.glob("*.json")))
def test_label_keeps_the_conventions(slug: str) -> None:
    readme = (LABELLED / "README.md").read_text(encoding="utf-8")
    assert check_outline_labels.problems(slug, readme) == []


def test_a_declared_heading_left_out_of_a_label_is_found() -> None:
    text = "Policy\n======\n\n## Last updated: May 1, 2024\n\nWords.\n\n## 1. Scope\n\nMore words.\n"
    label = {"title": "Policy", "headings": [{"title": "1. Scope", "level": 1}]}
    assert [visible for _, visible, _ in label_declared_headings.missing(label, text)] == ["Last updated: May 1, 2024"]
    label["headings"].insert(0, {"title": "Last updated: May 1, 2024", "level": 1})
    assert label_declared_headings.missing(label, text) == []


def test_a_broken_table_cell_over_a_rule_and_the_first_block_are_not_required() -> None:
    text = "# Site | Page title\n\nName of the policy\n\n|  **Contact us  \nLegal Department **  \n---  \n\n## Scope\n\nWords.\n"
    label = {"title": "Name of the policy", "headings": [{"title": "Scope", "level": 1}]}
    assert label_declared_headings.missing(label, text) == []
    # (without its table pipe the same setext heading is required; the browser title never is)
    required = label_declared_headings.missing(label, text.replace("|  **", "**"))
    assert [key for _, _, key in required] == ["contact us legal department"]
