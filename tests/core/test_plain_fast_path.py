"""Reading plain text without markdown-it for its simple lines gives exactly the Document that
markdown-it's reading of the same markdown gives (``structure._plain_pieces``)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core import structure
from policydiff.core.model import Document
from policydiff.core.structure import looks_like_markdown, parse_document

SHARED = Path(__file__).resolve().parents[3] / "shared"

_WORDS = ["data", "We", "may", "share", "1.", "2.1", "(a)", "Privacy", "Policy", "Contact", "us", "#", "-",
          "\u2022", "*", "|", "---", "you", ":", ";", ",", ".", "!", "&", "<b>", "[x]", "`", "_", "~", "\\",
          "Home", ">", "\u00a0", "\t", "=", "+", "12)", "Effective", "date:", "2024-01-02", "the", "and", "of"]

_LINE = st.lists(st.sampled_from(_WORDS), max_size=14).map(" ".join)
# Heading-shaped lines over prose, so that the plain-line rules declare headings of every rank.
_HEADING = st.tuples(st.sampled_from(["", "1. ", "2. ", "2.1 ", "3.2.1 ", "(a) "]),
                     st.lists(st.sampled_from(_WORDS[:12] + ["Your", "Rights", "#", "Data #", "&", "-"]),
                              min_size=1, max_size=4).map(" ".join)).map("".join)
_PROSE = st.lists(st.sampled_from(["we", "collect", "your", "data", "and", "share", "it", "with", "#", "*"]),
                  min_size=8, max_size=20).map(lambda words: " ".join(words) + ".")
_TEXT = st.lists(st.one_of(_LINE, _HEADING, _PROSE, st.just(""),
                           st.sampled_from(["   ", "\u2022", "| a | b |", "-----"])),
                 max_size=30).map("\n".join)


def _by_markdown_it(lines: Sequence[str]) -> list[structure.Block | tuple[int, int, list[structure.Token]]]:
    return [(0, len(lines), structure._PLAIN_MD.parse("\n".join(lines)))]


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Document, Document]:
    fast = parse_document(text, name="a.txt")
    with monkeypatch.context() as patch:
        patch.setattr(structure, "_plain_pieces", _by_markdown_it)
        slow = parse_document(text, name="a.txt")
    return fast, slow


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT)
def test_fast_plain_reading_is_markdown_its(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both(text, monkeypatch)
    assert fast == slow
    assert (fast.sections, fast.title, fast.preamble, fast.omitted, fast.decisions, fast.reading) == (
        slow.sections, slow.title, slow.preamble, slow.omitted, slow.decisions, slow.reading)


def test_fast_plain_reading_on_real_plain_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[2]
    paths = sorted((root / "corpus").rglob("*.txt")) + sorted(SHARED.rglob("*.txt"))
    plain = [p for p in paths if not looks_like_markdown(p.read_text(encoding="utf-8", errors="replace"))]
    assert plain, "no plain text to read"
    for path in plain:
        fast, slow = _both(path.read_text(encoding="utf-8", errors="replace"), monkeypatch)
        assert fast == slow, path
        assert len(fast.reading) > 0


def test_simple_lines_skip_markdown_it() -> None:
    markdown = "\n## Data we keep\n\nWe keep your data.\n\nHome  \n\nA \\*marked\\* line\n"
    pieces = structure._plain_pieces(markdown.split("\n"))
    assert [(p.kind, p.text, p.line, p.level) for p in pieces if isinstance(p, structure.Block)] == [
        ("heading", "Data we keep", 1, 2), ("line", "We keep your data.", 3, 0), ("line", "Home", 5, 0)]
    assert [p[:2] for p in pieces if not isinstance(p, structure.Block)] == [(6, 9)]
