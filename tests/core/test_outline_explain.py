"""``--outline --explain`` names a rule for every heading and for every heading-like line turned down:
over every hand-labelled outline and the corpus, each section's heading has a decision with a rule's
name, and each short paragraph line that is no heading (one a reader might take for a title) was
turned down by a named rule or set aside with a reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from policydiff.core import structure
from policydiff.core.load import load_document
from policydiff.core.outline import engine
from policydiff.core.outline.block import Block
from policydiff.core.outline.thresholds import DEFAULT
from policydiff.core.shapes import title_key

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted((ROOT / "tests" / "core" / "labelled" / "outlines").glob("*.md")) + sorted(
    p for p in (ROOT / "corpus").glob("*") if p.suffix in (".md", ".html")
)


def heading_like(block: Block) -> bool:
    """A paragraph line short enough to pass for a title, and no sentence."""
    words = len(block.text.split())
    sentence = block.text[-1:] in ".!" and words > DEFAULT.title_period_words
    return block.kind == "line" and words <= DEFAULT.max_title_words and not sentence and any(
        c.isalpha() for c in block.text
    )


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_heading_and_every_heading_like_line_names_its_rule(path: Path, monkeypatch: Any) -> None:
    seen: list[tuple[list[Block], int | None, bool]] = []
    classify = structure.classify

    def recording(blocks: list[Block], title: int | None, undeclared: bool, *args: Any, **kwargs: Any) -> Any:
        seen.append((blocks, title, undeclared))
        return classify(blocks, title, undeclared, *args, **kwargs)

    monkeypatch.setattr(structure, "classify", recording)
    document = load_document(path)
    assert seen, "the document did not pass through the outline engine"
    rules = set(engine.RULE_NAMES)
    for decision in document.decisions:
        assert decision.rule in rules, f"{path.name}:{decision.line} decided by no known rule: {decision}"
    headings = {title_key(d.text) for d in document.decisions if d.heading}
    for top in document.sections:
        for section in top.walk():
            assert title_key(section.title) in headings, f"{path.name}: section {section.title!r} has no decision"
    blocks, title, undeclared = seen[-1]
    if not undeclared:
        return  # (a text with no markup: its lines were judged by the plain-line rules, checked above)
    for k, block in enumerate(blocks):
        if k == title or not heading_like(block):
            continue
        assert block.rule or block.metadata, (
            f"{path.name}:{block.line + 1}: heading-like line {block.text!r} left without a named rule")


def test_explain_prints_the_rule_of_a_turned_down_label(tmp_path: Path) -> None:
    policy = tmp_path / "policy.md"
    policy.write_text("# Policy\n\n## Requests\n\nPlease note:\n\nRequests sent by post are answered later.\n",
                      encoding="utf-8")
    explained = subprocess.run([sys.executable, "-m", "policydiff", str(policy), "--outline", "--explain"],
                               capture_output=True, text=True, check=True).stdout
    line = next(row for row in explained.splitlines() if row.rstrip().endswith("Please note:"))
    assert " text " in line and "heading_shape:" in line, line
