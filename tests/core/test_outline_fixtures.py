"""Outline fixtures: one small snippet per shape the structure recovery knows (declared headings,
bold and numbered pseudo-headings, list-item sections, tables of contents, labels, date stamps,
layout tables, plain text), and the hand-labelled real documents with their precision and recall."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from policydiff.core.load import load_document
from policydiff.core.model import Document
from policydiff.core.structure import parse_document
from test_outline_rules import ON_PROBATION  # the one list of rules seen in one source only

HERE = Path(__file__).parent
LABELLED = HERE / "labelled" / "outlines"


def read_fixtures(path: Path) -> list[tuple[str, str, str]]:
    """(name, input, expected) for every case of a fixture file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[tuple[str, str, str]] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and lines[i + 1] == "." and lines[i].strip():
            name, parts, i = lines[i], [], i + 2
            current: list[str] = []
            while len(parts) < 2:
                if lines[i] == ".":
                    parts.append("\n".join(current))
                    current = []
                else:
                    current.append(lines[i])
                i += 1
            cases.append((name, parts[0] + "\n", parts[1]))
        else:
            i += 1
    return cases


def outline_text(document: Document) -> str:
    rows = [f"title: {document.title or '-'}"]
    rows += ["  " * (s.level - 1) + s.title for top in document.sections for s in top.walk()]
    return "\n".join(rows)


CASES = read_fixtures(HERE / "fixtures" / "outline_shapes.txt")


def test_every_fixture_case_was_read() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize(("name", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_outline_shape(name: str, source: str, expected: str) -> None:
    assert outline_text(parse_document(source)) == expected


RULE_FIXTURES = sorted((HERE / "fixtures" / "rules").glob("*.txt"))
RULE_CASES = [(path.stem, *case) for path in RULE_FIXTURES for case in read_fixtures(path)]


def test_every_outline_rule_has_a_fixture_file() -> None:
    from policydiff.core.outline.engine import RULE_NAMES

    assert sorted(path.stem for path in RULE_FIXTURES) == sorted(RULE_NAMES)


@pytest.mark.parametrize(("rule", "name", "source", "expected"), RULE_CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in RULE_CASES])
def test_rule_fixture(rule: str, name: str, source: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each rule's fixture gives its outline, and the first case of a rule's file is one the rule
    decides."""
    from policydiff.core.outline import engine

    fired: set[str] = set()
    judge = engine._judge

    def recording(state: object, i: int, chain: list[tuple[str, engine.Rule]]) -> engine.Verdict | None:
        verdict = judge(state, i, chain)
        if verdict is not None:
            fired.add(verdict.rule)
        return verdict

    monkeypatch.setattr(engine, "_judge", recording)
    assert outline_text(parse_document(source, name="fixture.md")) == expected
    first = next(case for case in RULE_CASES if case[0] == rule)
    if first[1] == name:
        assert rule in fired


def norm(text: str) -> str:
    return " ".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def _reported_only() -> set[str]:
    """The held-out documents of other types and the fresh held-out ones: labelled to measure the engine where it was not tuned,
    so their figures are reported (benchmarks/eval_outlines.py), never a gate. A fresh round's document whose misses were
    read is given a floor in ``outline_floors.json``, and the floor gates it."""
    readme = (LABELLED / "README.md").read_text(encoding="utf-8")
    found: set[str] = set()
    for heading in ("**held-out, other document types**", "**fresh held-out**", "**fresh held-out, second round**",
                    "**fresh held-out, fourth round**", "**fresh held-out, fifth round**",
                    "**fresh held-out, sixth round**"):
        listed = readme.split(heading, 1)[1].split("\n\n", 1)[0]
        found |= set(re.findall(r"`([a-z0-9-]+)`", listed))
    return found


REPORTED_ONLY = _reported_only()


FLOORS = json.loads((HERE / "fixtures" / "outline_floors.json").read_text(encoding="utf-8"))
"""Per labelled document: the precision and recall it must keep, each one heading below what the
engine reached when the floor was set (so a change that generalises is never blocked by one lost
decision, and a document that gets worse by more fails on its own)."""


KNOWN_WRONG_SECTIONS = {
    "line-community-guidelines-2025-06-30": {
        "impersonation and false rumors are prohibited":
            "the one deck line of six words: too short to read as prose, so its title above is taken for "
            "no heading and the deck for one; no rule seen right on a second platform tells them apart",
    },
}
"""Per tuned document: lines its label says are never headings that the engine still makes sections,
each with why. The test fails when one of them is fixed (take it off the list)."""


@pytest.mark.parametrize("label_path", sorted(LABELLED.glob("*.json")), ids=lambda p: p.stem)
def test_labelled_document_keeps_its_floor(label_path: Path) -> None:
    """Headings a person labelled in real documents (Open Terms Archive and older web extracts),
    matched by normalised text as multisets."""
    if label_path.stem in REPORTED_ONLY and label_path.stem not in FLOORS:
        pytest.skip("held out: its figures are reported (benchmarks/eval_outlines.py), never a gate")
    if label_path.stem not in FLOORS:
        pytest.skip("labelled after the floors were set: add its floor to fixtures/outline_floors.json")
    floor = FLOORS[label_path.stem]
    label = json.loads(label_path.read_text(encoding="utf-8"))
    document = load_document(label_path.with_suffix(".md"))
    got = Counter(norm(s.title) for top in document.sections for s in top.walk())
    want = Counter(norm(h["title"]) for h in label["headings"])
    hits = sum((got & want).values())
    precision = hits / sum(got.values()) if got else 0.0
    recall = hits / sum(want.values()) if want else 1.0
    assert precision >= floor["precision"] and recall >= floor["recall"], (
        precision, recall, sorted((want - got).elements()), sorted((got - want).elements()))
    # The lines a reader would never call headings are never sections, except where the markup
    # declares them headings: the rule "declared headings are headings, always" wins there
    # (a "Last Updated: ..." written as `####`, a "Table of contents" heading).
    source = label_path.with_suffix(".md").read_text(encoding="utf-8")
    never = {norm(t) for t in label["not_headings"]} - set(want) - declared_headings(source)
    known = set(KNOWN_WRONG_SECTIONS.get(label_path.stem, {}))
    assert not set(got) & (never - known)
    assert known <= set(got), f"fixed, take off KNOWN_WRONG_SECTIONS: {sorted(known - set(got))}"


def declared_headings(text: str) -> set[str]:
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return {norm(tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"}



PROBATION_CASES = [next(case for case in RULE_CASES if case[0] == rule) for rule in ON_PROBATION]


@pytest.mark.parametrize(("rule", "name", "source", "expected"), PROBATION_CASES, ids=list(ON_PROBATION))
def test_a_rule_on_probation_switched_off_changes_its_first_case(rule: str, name: str, source: str,
                                                                  expected: str) -> None:
    """A rule on probation is a rule of its own, not a branch hidden in another: ``--disable-rule``
    takes its decision away, and the outline of the case it decides changes."""
    assert outline_text(parse_document(source, name="fixture.md")) == expected
    off = outline_text(parse_document(source, name="fixture.md", disabled_rules=frozenset({rule})))
    assert off != expected
