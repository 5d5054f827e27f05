"""The report shows invisible and bidi characters as boxed codes and never lets them reorder text."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from report_helpers import FIXED_TIME, by_id, has_class, parse, text_of

from policydiff.core.compare import compare
from policydiff.core.invisible import find
from policydiff.core.model import Options
from policydiff.core.report import render_report
from policydiff.core.structure import parse_document

OLD = """# Terms

## Data retention

We keep your name for 30 days. Account 1234\u202e5678\u202c is yours. Daten\u00adschutz.

## Contact

Write to us &lt;script&gt;alert(1)&lt;/script&gt; &amp; wait.
"""
NEW = """# Terms

## Data retention

We keep your name for \u202e30 days\u202c. Account 1234\u202e5678\u202c is yours. Daten\u00adschutz.

## Contact

Write to us &lt;script&gt;alert(1)&lt;/script&gt; &amp; wait.
"""


def render(old: str = OLD, new: str = NEW, *, layout: str = "side-by-side", options: Options = Options(),
           old_name: str = "old.md", new_name: str = "new.md", **doc_changes) -> str:
    a = parse_document(old, name=old_name)
    b = parse_document(new, name=new_name)
    if doc_changes:
        b = replace(b, **doc_changes)
    return render_report(compare(a, b, options=options), layout=layout, generated_at=FIXED_TIME)


def markers(root) -> list:
    return [el for el in root.iter("span") if has_class(el, "invis")]


def no_raw_bidi(html: str) -> None:
    """No invisible character is left in the page (soft hyphens only outside changes)."""
    leftover = [ch for _, ch in find(html) if ch != "\u00ad"]
    assert leftover == [], [f"U+{ord(c):04X}" for c in leftover]


@pytest.mark.parametrize("layout", ["side-by-side", "inline"])
def test_inserted_override_is_a_titled_marker_inside_the_insertion(layout):
    html = render(layout=layout)
    no_raw_bidi(html)
    root = parse(html)
    inserted = [el for el in root.iter("ins") if any(has_class(s, "invis") for s in el.iter("span"))]
    assert [text_of(el) for el in inserted] == ["\u27e8RLO\u27e9", "\u27e8PDF\u27e9"]
    rlo = next(s for s in inserted[0].iter("span"))
    assert rlo.get("title") == "right-to-left override (U+202E)"
    # The unchanged override in "1234...5678" is marked too, outside any insertion.
    plain_markers = [m for m in markers(root) if m not in {s for el in inserted for s in el.iter("span")}]
    assert any(text_of(m) == "\u27e8RLO\u27e9" for m in plain_markers)
    # The text reads in its real order; the soft hyphen in unchanged text is left as it is.
    assert "30 days" in text_of(root) and "Daten\u00adschutz" in text_of(root)


def test_a_change_of_only_invisible_characters_is_counted_and_named():
    root = parse(render())
    summary = text_of(root.find(".//p[@class='verdict']"))
    assert "2 invisible characters inserted" in summary
    assert "0 words inserted" in summary
    note = by_id(root, "invisible-summary")
    assert note is not None
    assert "right-to-left override (U+202E)" in text_of(note) and "pop directional formatting (U+202C)" in text_of(note)
    pair = next(el for el in root.iter("section") if has_class(el, "pair") and "Data retention" in text_of(el))
    assert "+2 invisible" in text_of(pair)
    assert "no change" not in text_of(pair)
    toc = root.find(".//nav[@class='toc']")
    assert "+2 invisible" in text_of(toc)


def test_document_text_is_still_escaped_around_markers():
    html = render(NEW.replace("Write to us", "Write\u200b to us"), NEW)
    no_raw_bidi(html)
    root = parse(html)
    assert not any(True for _ in root.iter("script"))
    assert "<script>alert(1)</script> & wait." in text_of(root)
    deleted = [el for el in root.iter("del") if any(has_class(s, "invis") for s in el.iter("span"))]
    assert deleted and "\u27e8ZWSP\u27e9" in text_of(deleted[0])
    assert next(deleted[0].iter("span")).get("title") == "zero-width space (U+200B)"


def test_titles_names_and_attributes_get_plain_markers():
    html = render(old_name="inv\u202eexe.md", source="https://example.com/\u202epolicy")
    no_raw_bidi(html)
    root = parse(html)
    title = root.find(".//title")
    assert "inv\u27e8RLO\u27e9exe.md" in title.text  # <title> holds text only: the marker as text
    assert list(title) == []
    # A source URL hiding a bidi override is not made a link.
    assert not [a for a in root.iter("a") if (a.get("href") or "").startswith("https://example.com")]
    assert any(text_of(m) == "\u27e8RLO\u27e9" for m in markers(root.find(".//table[@class='docs']")))


def test_ignored_difference_titles_carry_markers_as_text():
    old = OLD.replace("We keep", "WE KE\u200bEP")
    new = OLD.replace("We keep", "we ke\u200bep")
    html = render(old, new, options=Options(ignore_case=True))
    no_raw_bidi(html)
    root = parse(html)
    titles = [el.get("title") for el in root.iter("span") if has_class(el, "ign")]
    assert titles and all("\u200b" not in t for t in titles)
    assert any("\u27e8ZWSP\u27e9" in t for t in titles if "ignored details" in t)


def test_text_blocks_and_marks_are_bidi_isolated():
    html = render()
    css = html[html.index("<style>"):html.index("</style>")]
    assert re.search(r"del, ins, \.ign \{ unicode-bidi: isolate; \}", css)
    assert re.search(r"\bp, td, th,[^{]*\{ unicode-bidi: plaintext; \}", css)
    assert re.search(r"\.invis \{[^}]*unicode-bidi: isolate;[^}]*\}", css)


def test_inserted_soft_hyphen_alone_is_marked():
    html = render(OLD, OLD.replace("We keep", "We ke\u00adep"))
    root = parse(html)
    inserted = [text_of(el) for el in root.iter("ins")]
    assert any("\u27e8SHY\u27e9" in t for t in inserted)
    assert "Daten\u00adschutz" in text_of(root)  # unchanged soft hyphens are left alone
