"""Repetition is not ambiguity: a document made of several renumbered copies of a real policy, each
copy shuffled and lightly edited its own way, pairs every section with a section of its own copy,
and each copy as it pairs on its own. Counts, never times."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from policydiff.core import align
from policydiff.core.load import load_document
from policydiff.core.model import Document
from policydiff.core.structure import parse_document

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import copy_lines  # noqa: E402

COPIES = 10


def _copies(path: Path, copies: list[int], seed: int, edit: bool) -> str:
    """The policy's sections written once per copy (``copy.n Title (part copy)``), shuffled and with
    a few words edited per copy when ``edit``; the same seed gives each copy the same text whether
    it is written with the others or alone."""
    document = load_document(path)
    sections = [s for top in document.sections for s in top.walk()]
    out = [f"# {document.title}", "", document.preamble.body, ""]
    for copy in copies:
        out += copy_lines(sections, copy, random.Random(seed * 1_000 + copy), edit)
    return "\n".join(out)


def _pairs_by_copy(old: Document, new: Document) -> dict[tuple[int, int], set[tuple[str, str]]]:
    """(old copy, new copy) -> the (old title, new title) pairs between them (titles without marks)."""

    def mark(document: Document, index: int) -> tuple[int, str]:
        section = document.flat()[index]
        assert section.number is not None
        return int(section.number.split(".")[0]), section.bare_title.rsplit(" (part ", 1)[0]

    found: dict[tuple[int, int], set[tuple[str, str]]] = {}
    for match in align.align(old, new).matches:
        if match.old_index and match.new_index:
            (copy_old, title_old), (copy_new, title_new) = mark(old, match.old_index), mark(new, match.new_index)
            found.setdefault((copy_old, copy_new), set()).add((title_old, title_new))
    return found


def test_every_copy_pairs_within_itself_as_it_does_alone() -> None:
    every = list(range(1, COPIES + 1))
    old = parse_document(_copies(CORPUS / "nec-2002.md", every, seed=1, edit=False), name="old.md")
    new = parse_document(_copies(CORPUS / "nec-2024.txt", every, seed=2, edit=True), name="new.md")
    together = _pairs_by_copy(old, new)
    assert together, "the copies pair at all"
    assert all(a == b for a, b in together), f"pairs across copies: {sorted(k for k in together if k[0] != k[1])}"
    alone_pairs = made = 0
    for copy in every:
        alone = _pairs_by_copy(
            parse_document(_copies(CORPUS / "nec-2002.md", [copy], seed=1, edit=False), name="old.md"),
            parse_document(_copies(CORPUS / "nec-2024.txt", [copy], seed=2, edit=True), name="new.md"),
        ).get((copy, copy), set())
        alone_pairs += len(alone)
        made += len(alone & together.get((copy, copy), set()))
    # Each copy is shuffled its own way and the copies sit at other places in the whole document
    # than alone, so a pair that rests on place may differ; nearly all are the same.
    assert made >= 0.9 * alone_pairs


def test_copies_are_counted_in_order_from_either_end() -> None:
    """Three copies of a text against two: the first pairs with the first, the last with the last;
    the middle copy may be either (a copy added, or removed, in the middle)."""
    section = "## Terms of use\n\nYou may use the service under these terms and conditions of use only.\n\n"
    other = "## Contact\n\nWrite to our office about anything in these terms.\n\n"
    old = parse_document("# T\n\n" + section + other + section + other + section, name="old.md")
    new = parse_document("# T\n\n" + section + other + section, name="new.md")
    features = align._Features.of(old, new)
    n_old = len(features.old_ids)
    old_copies = [r for r in range(n_old) if features.copy_rank[r] >= 0 and "Terms" in features.flat_old[features.old_ids[r]].title]
    new_copies = [r for r in range(n_old, len(features.body)) if features.copy_rank[r] >= 0]
    assert len(old_copies) == 3 and len(new_copies) == 2
    apart = {(a, b) for a in old_copies for b in new_copies if features.copies_apart(a, b)}
    first_old, middle_old, last_old = old_copies
    first_new, last_new = new_copies
    assert apart == {(first_old, last_new), (last_old, first_new)}
    assert (middle_old, first_new) not in apart and (middle_old, last_new) not in apart
