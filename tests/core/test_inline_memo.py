"""Remembered inline parses give the very same documents as parsing afresh."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from policydiff.core.inline_memo import remembered_inline
from policydiff.core.structure import MARKDOWN_PARSERS, parse_document

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FILES = sorted((ROOT / "corpus").glob("*.*")) + sorted((Path(__file__).parent / "fixtures" / "history").rglob("*.md"))
OTA = sorted((SHARED / "corpus-ota").rglob("*.md"))[:12]

# What the memo must not get wrong: escapes (markdown-it joins their text tokens in place), the
# same paragraph twice, reference links whose definitions change between versions, images' alt text.
TRICKY = [
    "# T\n\nSee \\[1\\] and *this* \\[2\\].\n\nSee \\[1\\] and *this* \\[2\\].\n\n- See \\[1\\] and *this* \\[2\\].\n",
    "# T\n\nOur [partners][p] and ![a \\[logo\\]](x.png).\n\n[p]: https://example.org/a\n",
    "# T\n\nOur [partners][p] and ![a \\[logo\\]](x.png).\n\n[q]: https://example.org/b\n",
    "| a | b |\n|---|---|\n| \\[1\\] x | y |\n\n| a | b |\n|---|---|\n| \\[1\\] x | y |\n",
]


@pytest.mark.parametrize("texts", [
    pytest.param([p.read_text(encoding="utf-8", errors="replace") for p in FILES], id="corpus-and-fixtures"),
    pytest.param([p.read_text(encoding="utf-8", errors="replace") for p in OTA], id="open-terms-archive"),
    pytest.param(TRICKY, id="tricky"),
])
def test_documents_are_the_same_with_the_memo(texts):
    if not texts:
        pytest.skip("no files")
    fresh = [parse_document(t, name=str(k)) for k, t in enumerate(texts)]
    with remembered_inline(MARKDOWN_PARSERS) as memo:
        first = [parse_document(t, name=str(k)) for k, t in enumerate(texts)]
        again = [parse_document(t, name=str(k)) for k, t in enumerate(texts)]  # every inline content a hit
    assert memo.hits > 0
    assert first == fresh
    assert again == fresh
    assert [d.reading for d in again] == [d.reading for d in fresh]


def test_the_parsers_are_given_back():
    md = MARKDOWN_PARSERS[0]
    before = md.parse("a *b* \\[c\\]\n")
    with remembered_inline(MARKDOWN_PARSERS):
        with remembered_inline(MARKDOWN_PARSERS):
            pass
        assert "parse" in md.__dict__  # the outer memo still in place
    assert "parse" not in md.__dict__
    assert [t.as_dict() for t in md.parse("a *b* \\[c\\]\n")] == [t.as_dict() for t in before]


def test_a_parser_that_rewrites_children_is_refused():
    with pytest.raises(ValueError, match="typographer|replacements|smartquotes|linkify"):
        with remembered_inline([MarkdownIt("commonmark", {"typographer": True}).enable(["replacements"])]):
            pass


@given(st.text(alphabet="ab|\\ `", max_size=40))
def test_table_rows_are_cut_into_the_same_cells(row):
    import sys

    from policydiff.core.inline_memo import split_cells

    own = sys.modules["markdown_it.rules_block.table"].escapedSplit
    assert split_cells(row) == own(row)


def test_tables_read_alike_with_the_quick_row_splitter():
    import sys

    from policydiff.core.inline_memo import split_cells

    table = sys.modules["markdown_it.rules_block.table"]
    text = ("| Name | What \\| why |\n|---|:-:|\n| a \\\\| b | `c|d` |\n| **e** | [f](https://x.org/?a=1|2) |\n\n"
            "Not | a table\n---\n")
    own = table.escapedSplit
    md = MarkdownIt("commonmark").enable("table")
    before = md.parse(text)
    with remembered_inline([md]):
        assert table.escapedSplit is split_cells
        during = md.parse(text)
    assert table.escapedSplit is own
    assert [t.as_dict() for t in during] == [t.as_dict() for t in before]
