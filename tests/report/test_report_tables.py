"""A policy's own tables are tables in the report: cells, a header row, <br> a line break."""

from __future__ import annotations

import pytest

from policydiff.core.compare import compare
from policydiff.core.load import load_document
from policydiff.core.report import render_report

from report_helpers import FIXED_TIME, ROOT, has_class, parse, text_of

PAIR = ROOT / "tests" / "core" / "labelled" / "pairs" / "wechat-privacy-2022-to-2026"


@pytest.fixture(scope="module")
def wechat():
    return compare(load_document(str(PAIR / "old.md")), load_document(str(PAIR / "new.md")))


def _data_tables(root):
    return [t for t in root.iter("table") if has_class(t, "data")]


@pytest.mark.parametrize("layout", ["side-by-side", "inline"])
def test_pipe_tables_are_tables_with_header_cells(wechat, layout):
    html = render_report(wechat, layout=layout, generated_at=FIXED_TIME)
    root = parse(html)
    tables = _data_tables(root)
    assert tables
    headers = [[text_of(th) for th in t.iter("th")] for t in tables if list(t.iter("th"))]
    assert ["Information", "Purpose of Processing", "Retention Period"] in headers
    cells = [td for t in tables for td in t.iter("td")]
    assert len(cells) >= 30
    # The source's <br> is a line break inside its cell, never the text "<br>".
    assert any(list(td.iter("br")) for td in cells)
    assert not any("<br>" in text_of(td) for td in cells)
    assert "Information | Purpose of Processing" not in html
    if layout == "side-by-side":
        assert not any(" | " in text_of(td) for td in cells)


def test_rows_that_pair_show_their_changes_in_their_cells(wechat):
    root = parse(render_report(wechat, generated_at=FIXED_TIME))
    level = 0
    grids = [g for g in root.iter("div") if has_class(g, "sbs")]
    rows = [(kids[k], kids[k + 1]) for g in grids for kids in [list(g)] for k in range(len(kids) - 1)
            if has_class(kids[k], "old") and has_class(kids[k + 1], "new") and has_class(kids[k], "cell")]
    for old, new in rows:
        o, n = _data_tables(old), _data_tables(new)
        if not (o and n):
            continue
        o_cells, n_cells = list(o[0].iter("td")), list(n[0].iter("td"))
        if len(o_cells) == len(n_cells) >= 3:
            level += 1
            assert not any(list(td.iter("ins")) for td in o_cells)
            assert not any(list(td.iter("del")) for td in n_cells)
    assert level >= 5


def test_a_row_whose_diff_ran_across_a_cell_separator_is_compared_cell_by_cell():
    """A word moved from one cell to the next: the row's diff deletes and inserts the separator;
    the cells that stand level are then compared each with the cell opposite."""
    from policydiff.core import present
    from policydiff.core.structure import parse_document

    table = "# P\n\n## Data\n\nWhat we keep:\n\n| Kind | Use |\n| --- | --- |\n| Name | Billing and support |\n"
    old = parse_document(table + "| Email address and phone | Contact |\n", name="old.md")
    new = parse_document(table + "| Email address | Phone and contact |\n", name="new.md")
    view = next(v for v in present.present(compare(old, new)) if v.title == "Data")
    old_row, new_row = next((o[0], n[0]) for o, n in view.rows if o and o[0].cells and "Email" in o[0].text)
    old_cells = [[(f.kind, f.text) for f in cell] for cell in old_row.cells]
    new_cells = [[(f.kind, f.text) for f in cell] for cell in new_row.cells]
    assert old_cells == [[("=", "Email address"), ("-", " and phone")], [("-", "Contact")]]
    assert new_cells == [[("=", "Email address")], [("+", "Phone and contact")]]
    # Each cell change is a stop of its own, named.
    ids = {f.change for cell in (*old_row.cells, *new_row.cells) for f in cell if f.kind in "-+"}
    assert len(ids) == 2 and all(view.changes[i] for i in ids)
    html = render_report(compare(old, new), generated_at=FIXED_TIME)
    assert "<td>Email address<del> and phone</del></td><td><del>Contact</del></td>" in html


def test_a_line_break_inside_a_cell_stays_a_line_break_of_that_cell():
    """A cell's line break (a <br>, read as a hard break) keeps the row on one line of the section's
    text, as U+2028; the views break the cell there and the words are the same."""
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from policydiff.core import present
    from policydiff.core.sections import render_blocks
    from policydiff.core.worddiff import count_words

    tokens = MarkdownIt("commonmark").enable("table").parse("| A | B |\n| --- | --- |\n| one two | three |\n")
    cell = next(t for t in tokens if t.type == "inline" and t.content == "one two")
    text = cell.children[0]
    cell.children = [Token("text", "", 0, content="one"), Token("hardbreak", "br", 0),
                     Token("text", "", 0, content="two")]
    assert text.content == "one two"
    lines = render_blocks(tokens)
    assert lines == ["A | B", f"one{present.LINE_BREAK}two | three"]
    assert count_words(lines[1]) == 3
    para = present.Para((present.Frag("=", lines[1]),))
    rows = present._tabulate([present.Para((present.Frag("=", lines[0]),)), para], cut_deleted=True)
    assert rows[1].cells[0] == (present.Frag("=", f"one{present.LINE_BREAK}two"),)


PAGES = ROOT / "tests" / "core" / "fixtures" / "pages"


@pytest.fixture(scope="module")
def saved_pages():
    return compare(load_document(str(PAGES / "tables-old.html")), load_document(str(PAGES / "tables-new.html")))


@pytest.mark.parametrize("layout", ["side-by-side", "inline"])
def test_a_saved_pages_tables_in_list_items_are_tables_and_a_glossary_has_no_header(saved_pages, layout):
    """A saved page's data tables inside list items (one after the item's text, one opening its
    item) are tables with their header rows; a glossary (``<dl>``) is a table whose first term and
    definition are a row like the others, not a header; a cell's ``<br>`` is a line break."""
    root = parse(render_report(saved_pages, layout=layout, generated_at=FIXED_TIME))
    tables = _data_tables(root)
    headers = [[text_of(th) for th in t.iter("th")] for t in tables]
    assert ["Category", "Examples"] in headers and ["Device signal", "Why we read it"] in headers
    terms = {"Personal data", "Processor", "Controller"}
    assert terms <= {text_of(td) for t in tables for td in t.iter("td")}
    assert not terms & {text_of(th) for t in tables for th in t.iter("th")}
    assert not any(text_of(th).startswith("Any information") for t in tables for th in t.iter("th"))
    cells = [td for t in tables for td in t.iter("td")]
    assert any(list(td.iter("br")) and text_of(td).startswith("Your photo") for td in cells)
    assert not any(" | " in text_of(td) for td in cells) or layout == "inline"
    assert "| Device signal |" not in "".join(text_of(p) for p in root.iter("p"))
