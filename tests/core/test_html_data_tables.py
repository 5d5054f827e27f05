"""A saved web page's data tables and glossaries are tables: their header cells, first-column labels
and defined terms are never sections, their words all stand in the compared text, and a layout table
(one holding paragraphs, headings or lists) is still read as the page's own blocks."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core.structure import parse_document
from policydiff.core.webpage import html_to_markdown

WORD = re.compile(r"[^\W_]+")

PAGE = """<html><head><title>Example Privacy Policy</title></head><body>
<h1>Example Privacy Policy</h1>
<p>This policy explains how we handle personal data about you when you use our services.</p>
<h2>Cookies we use</h2>
<table>
<tr><th>Cookie</th><th>Purpose</th><th>Duration</th></tr>
<tr><td>Session</td><td>Keeps you signed in<br>while you browse our site.</td><td>Session</td></tr>
<tr><td>Analytics</td><td>Counts visits so that we can improve the pages people use most.</td><td>2 years</td></tr>
</table>
<h2>Glossary</h2>
<dl>
<dt>Personal data</dt><dd>Any information about an identified or identifiable person.</dd>
<dt>Processor</dt><dd>A company that handles data on our behalf.</dd><dd>It acts only on our instructions.</dd>
</dl>
<h2>Your rights</h2>
<table><tr><td><h3>Access</h3><p>You may ask for a copy of your data at any time.</p></td></tr></table>
</body></html>
"""


def visible_words(page: str) -> Counter[str]:
    text = re.sub(r"<title>.*?</title>", " ", page)
    return Counter(WORD.findall(re.sub(r"<[^>]+>", " ", text)))


def test_data_table_and_glossary_cells_are_no_sections() -> None:
    document = parse_document(PAGE, name="policy.html")
    assert [s.title for s in document.flat()[1:]] == ["Cookies we use", "Glossary", "Your rights", "Access"]


def compared_words(page: str, name: str) -> Counter[str]:
    """The words of every section's title and body: each word of the page once."""
    found: Counter[str] = Counter()
    for section in parse_document(page, name=name).flat():
        found += Counter(WORD.findall(section.title)) + Counter(WORD.findall(section.body))
    return found


def test_every_word_of_the_tables_is_compared() -> None:
    assert compared_words(PAGE, "policy.html") == visible_words(PAGE)


def test_a_data_table_is_a_pipe_table_and_a_line_break_in_a_cell_is_no_row() -> None:
    markdown, lines, _ = html_to_markdown(PAGE)
    rows = markdown.split("\n")
    assert "| Cookie | Purpose | Duration |" in rows
    assert rows[rows.index("| Cookie | Purpose | Duration |") + 1] == "| --- | --- | --- |"
    assert "| Session | Keeps you signed in<br>while you browse our site\\. | Session |" in rows
    assert "| Processor | A company that handles data on our behalf\\. | It acts only on our instructions\\. |" in rows
    assert len(lines) == len(rows)


def test_a_layout_table_keeps_its_headings() -> None:
    markdown, _, _ = html_to_markdown(PAGE)
    assert "### Access" in markdown.split("\n")


_word = st.text(alphabet="abcdefghij", min_size=1, max_size=6)
_cell = st.lists(_word, max_size=3).map(" ".join)
_cell_html = st.tuples(st.sampled_from(["td", "th"]), _cell, st.booleans()).map(
    lambda c: f"<{c[0]}>{c[1].replace(' ', '<br>', 1) if c[2] else c[1]}</{c[0]}>"
)
_table = st.lists(st.lists(_cell_html, max_size=4), min_size=1, max_size=4).map(
    lambda rows: "<table>" + "".join("<tr>" + "".join(row) + "</tr>" for row in rows) + "</table>"
)
_glossary = st.lists(st.tuples(st.sampled_from(["dt", "dd"]), _cell), min_size=1, max_size=6).map(
    lambda parts: "<dl>" + "".join(f"<{tag}>{text}</{tag}>" for tag, text in parts) + "</dl>"
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_table, _glossary, _cell.map(lambda t: f"<p>{t}</p>")), min_size=1, max_size=4))
def test_generated_tables_and_glossaries_lose_no_word(blocks: list[str]) -> None:
    page = "<html><head><title>T</title></head><body><h1>Policy</h1>" + "".join(blocks) + "</body></html>"
    assert compared_words(page, "page.html") == visible_words(page)


def test_a_paragraph_that_is_only_a_link_is_no_section_and_no_address_is_a_word() -> None:
    page = (
        "<html><body><h1>Policy</h1><h2>Contents</h2><ul><li><a href='#data'>Your data</a></li>"
        "<li><a href='#rights'>Your rights</a></li></ul><h2 id=data>Your data</h2>"
        "<p><a href='https://addressword.example/settings'>Cookie settings</a></p>"
        "<p>We keep your data safe for as long as you use the service.</p>"
        "<p><a href='https://addressword.example/more'>Read <b>more</b></a> about it here.</p>"
        "<h2 id=rights>Your rights</h2><p>Ask us anything you like about your data.</p></body></html>"
    )
    markdown, _, _ = html_to_markdown(page)
    assert "addressword" not in markdown and "- [Your data](#)" in markdown.split("\n")
    document = parse_document(page, name="policy.html")
    assert [s.title for s in document.flat()[1:]] == ["Contents", "Your data", "Your rights"]
    assert "Read more about it here." in document.reading


LISTED = """<html><head><title>Example Privacy Policy</title></head><body>
<h1>Example Privacy Policy</h1>
<h2>What we collect</h2>
<ol>
<li>Account data, as below:
<table><tr><th>Category</th><th>Examples</th></tr><tr><td>Identifiers</td><td>Name, email address</td></tr></table>
</li>
<li><table><tr><th>Device</th><th>Signal</th></tr><tr><td>Phone</td><td>Battery level</td></tr></table></li>
<li>Usage data, such as:
<ul><li>Pages:<table><tr><th>Page</th><th>Kept</th></tr><tr><td>Search</td><td>30 days</td></tr></table></li></ul>
</li>
<li>Nothing else.</li>
</ol>
<h2>Your rights</h2><p>You may ask for a copy of your data at any time.</p>
</body></html>
"""


def test_a_table_inside_a_list_item_stays_the_items_table() -> None:
    """A data table in a list item is written at the item's text column (on the marker line when it
    opens the item): markdown reads it as a table inside the item and the list goes on after it."""
    markdown, lines, _ = html_to_markdown(LISTED)
    rows = markdown.split("\n")
    assert "   | Category | Examples |" in rows and "   | --- | --- |" in rows
    assert "2. | Device | Signal |" in rows and "   | Phone | Battery level |" in rows
    assert "     | Page | Kept |" in rows  # under "   - Pages:", a nested item's text column
    assert len(lines) == len(rows)
    document = parse_document(LISTED, name="policy.html")
    assert [s.title for s in document.flat()[1:]] == ["What we collect", "Your rights"]
    body = document.flat()[1].body.split("\n")
    assert body == [
        "1. Account data, as below:", "Category | Examples", "Identifiers | Name, email address",
        "2.", "Device | Signal", "Phone | Battery level",
        "3. Usage data, such as:", "  \u2022 Pages:", "Page | Kept", "Search | 30 days",
        "4. Nothing else.",
    ]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.tuples(_cell, st.one_of(_table, _glossary), st.booleans()), min_size=1, max_size=3),
                min_size=1, max_size=3))
def test_generated_tables_inside_list_items_lose_no_word(lists: list[list[tuple[str, str, bool]]]) -> None:
    """(Bulleted lists: an ordered list's numbers are words of the text but not of the page's source.)"""
    page = "<html><head><title>T</title></head><body><h1>Policy</h1>" + "".join(
        "<ul>" + "".join(f"<li>{text}{table}</li>" if not nested else f"<li>{text}<ul><li>{table}</li></ul></li>"
                         for text, table, nested in items) + "</ul>" for items in lists
    ) + "</body></html>"
    assert compared_words(page, "page.html") == visible_words(page)
