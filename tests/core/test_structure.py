"""Structure recovery: every seed's outline as a careful reader sees it, the corpus-extra shapes,
and the word-accounting invariant."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from policydiff.core import shapes
from policydiff.core.load import load_document
from policydiff.core.model import Document, Section
from policydiff.core.plaintext import plain_to_markdown
from policydiff.core.serialize import document_outline
from policydiff.core.structure import _MD, _PLAIN_MD, parse_document

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
EXPECTED = Path(__file__).parent / "expected"
SEEDS = ["nec-2002.md", "nec-2024.txt", "panasonic-2018.md", "qnap-2008.md", "fujitsu-2018.txt"]
EXTRA = sorted((CORPUS / "extra").glob("*.md"))


def titles(doc: Document) -> list[str]:
    return [s.title for top in doc.sections for s in top.walk()]


def all_sections(doc: Document) -> list[Section]:
    return [s for top in doc.sections for s in top.walk()]


@pytest.mark.parametrize("name", SEEDS)
def test_seed_outline_matches_reading(name: str) -> None:
    outline = document_outline(load_document(CORPUS / name))
    outline["path"] = name
    outline.pop("omitted"), outline.pop("decisions")  # pinned by their own tests
    expected = json.loads((EXPECTED / f"{Path(name).stem}.outline.json").read_text(encoding="utf-8"))
    assert outline == expected


def test_nec_2002_markdown_headings_without_space_after_number() -> None:
    doc = load_document(CORPUS / "nec-2002.md")
    assert doc.title == "Privacy | NEC"
    assert doc.date == "March 1, 2002"
    assert doc.archived == "2011-05-26"
    assert doc.source and doc.source.startswith("https://web.archive.org/")
    first = doc.sections[0]
    assert (first.title, first.number, first.level, first.line) == ("1.Site covered by this statement", "1", 1, 9)
    use = doc.sections[2]
    assert [c.title for c in use.children] == [
        "Browsing", "Technical support", "Online surveys and polling", "Promotional activities",
        "Newsletters and promotional e-mails", "Contact information",
    ]
    assert all(c.level == 2 for c in use.children)
    assert "This site is maintained by NEC Corporation" in doc.preamble.body
    # Set aside as metadata, yet still compared where it stands: nothing is dropped.
    assert "Top of this page" in {o.text for o in doc.omitted if o.reason == "navigation"}
    assert "Top of this page" in " ".join(s.body for s in doc.flat())
    assert any(o.reason == "provenance" and "extracted and transformed" in o.text for o in doc.omitted)
    assert "extracted and transformed" in doc.preamble.body


def test_nec_2024_plain_numbered_headings_nest_by_depth() -> None:
    doc = load_document(CORPUS / "nec-2024.txt")
    assert doc.date == "September 2024"
    top = [s.title for s in doc.sections]
    assert top[1:3] == ["1. NEC Group Introduction", "2. Data Controller"]
    assert top[-1] == "Amendments to the Global Privacy Notice"
    six = next(s for s in doc.sections if s.number == "6")
    assert [c.title for c in six.children] == ["6.1 International Data Transfers"]
    twelve = next(s for s in doc.sections if s.number == "12")
    assert [c.number for c in twelve.children] == [f"12.{k}" for k in range(1, 11)]
    assert "12.7 Submit Requests." in [c.title for c in twelve.children]
    assert "12.10 California's \"Shine the Light\" Law" in [c.title for c in twelve.children]
    for body_line in ("President", "NEC Corporation", "Established : July 3, 2000", "Address 7-1, Shiba"):
        assert not any(t.startswith(body_line) for t in titles(doc)), body_line
    bodies = "\n".join(s.body for s in doc.flat())
    assert "Established : July 3, 2000" in bodies and "\nPresident\n" in bodies
    assert "• Contact Data: This includes" in bodies  # "- " bullets stay list items in the body
    assert {o.text for o in doc.omitted if o.reason == "navigation"} >= {
        "Global Site", "Displaying present location in the site."
    }


def test_bold_only_lines_are_headings_but_bold_lead_ins_are_not() -> None:
    doc = load_document(CORPUS / "panasonic-2018.md")
    assert titles(doc)[0] == "A. Personal Information you provide directly about yourself"
    assert "When you communicate with Panasonic" not in titles(doc)
    assert "1. When you communicate with Panasonic" in doc.sections[0].body


def test_table_debris_disappears_but_its_text_stays() -> None:
    doc = load_document(CORPUS / "qnap-2008.md")
    assert "1. What This Privacy Policy Covers" in titles(doc)
    four = next(s for s in doc.sections if s.number == "4")
    assert [c.title for c in four.children][:2] == ["(1) Your Choices of Cookies", "(2) How We Use Cookies"]
    text = "\n".join(s.body for s in doc.flat())
    assert "|" not in text and "---" not in text
    assert not re.search(r"^\s*•\s*$", text, re.M)
    assert "with your prior consent;" in text
    # Layout-table cells are read as text: the headings inside them are found (above).


def test_unnumbered_plain_headings_and_lead_ins() -> None:
    doc = load_document(CORPUS / "fujitsu-2018.txt")
    found = titles(doc)
    for heading in ("What personal information do we collect from you?", "Sensitive Information", "Contact us"):
        assert heading in found
    for body in ("to operate, administer and improve this website", "Sometimes, however:",
                 "Personal information that you give us:"):
        assert body not in found
        assert any(body in s.body for s in doc.flat())
    assert doc.date == "21.5. 2018"


@pytest.mark.parametrize("path", EXTRA, ids=lambda p: p.name)
def test_corpus_extra_outlines_are_clean(path: Path) -> None:
    doc = load_document(path)
    assert doc.title, "every page states a title"
    for section in all_sections(doc):
        title = section.title
        assert title.strip() and "|" not in title and not re.fullmatch(r"[-•*\s]+", title), title
        assert not title.endswith((":", ",", ";")), f"lead-in taken for a heading: {title!r}"
        assert len(title.split()) <= 16, title
    assert doc.archived and re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.archived)


@pytest.mark.parametrize("stem", ["hitachi", "nikon", "qnap-2010"])
def test_corpus_extra_numbered_headings_found(stem: str) -> None:
    path = next(p for p in EXTRA if p.name.startswith(stem))
    numbers = [s.number for s in load_document(path).sections if s.number]
    assert len(numbers) >= 5 and numbers == sorted(numbers, key=lambda n: int(n.split(".")[0]))


def test_dell_plain_headings_without_markup() -> None:
    doc = load_document(CORPUS / "extra" / "dell-2010-12-31.md")
    assert "Information We Collect" in titles(doc)
    assert "How We Use Personal Information" in titles(doc)
    assert not any(t.startswith("We may ask you") for t in titles(doc))


# --- the invariant: nothing lost between sections ------------------------------------------

WORD = re.compile(r"[^\W_]+")


def words(text: str) -> Counter[str]:
    return Counter(WORD.findall(text))


def visible(text: str) -> str:
    """Link targets are markup, not text: the reader sees the link text, which is kept."""
    return re.sub(r"\]\([^)]*\)", "", text).replace("**", "")


def accounted_words(doc: Document) -> Counter[str]:
    """The words of every compared unit: the title and metadata lines are in them, not beside them."""
    found: Counter[str] = Counter()
    for section in doc.flat():
        found += words(section.title) + words(section.body)
    return found


@pytest.mark.parametrize("name", SEEDS + [f"extra/{p.name}" for p in EXTRA])
def test_every_word_of_the_corpus_is_accounted_for(name: str) -> None:
    path = CORPUS / name
    text = path.read_text(encoding="utf-8")
    doc = load_document(path)
    assert accounted_words(doc) == words(visible(text))
    assert words(doc.reading) == accounted_words(doc)  # the verdict reads the same words


_word = st.text(alphabet=st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=8)
_sentence = st.lists(_word, min_size=1, max_size=14).map(" ".join).map(lambda s: s + st_punct(s))


def st_punct(s: str) -> str:
    return "." if len(s) % 3 else ""


_line = st.one_of(
    _sentence,
    st.builds(lambda n, s: f"{n}. {s}", st.integers(1, 30), _sentence),
    st.builds(lambda a, b, s: f"{a}.{b} {s}", st.integers(1, 12), st.integers(1, 12), _sentence),
    st.builds(lambda s: f"- {s}", _sentence),
    st.builds(lambda s: f"• {s}", _sentence),
    st.builds(lambda s: f"{s}:", _sentence),
    st.just(""),
    st.just("-"),
    st.just("|  |  |"),
    st.just("---|---"),
    st.sampled_from(["Top of this page", "Global Site", "Contact us", "Sensitive Information"]),
)
_markdown_line = st.one_of(
    _line,
    st.builds(lambda h, s: f"{'#' * h} {s}", st.integers(1, 4), _sentence),
    st.builds(lambda s: f"**{s}**", _sentence),
    st.builds(lambda s: f"  1. **{s}**  ", _sentence),
    st.builds(lambda s: f"{s}  ", _sentence),
    st.builds(lambda s: f"| {s} |", _sentence),
    st.builds(lambda s: f"1\\. {s}", _sentence),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line, max_size=40))
def test_plain_text_words_all_accounted_for(lines: list[str]) -> None:
    text = "\n".join(lines)
    doc = parse_document(text)
    assert accounted_words(doc) == words(text) == words(doc.reading)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_markdown_line, max_size=40))
def test_markdown_words_all_accounted_for(lines: list[str]) -> None:
    text = "\n".join(lines)
    doc = parse_document(text)
    assert accounted_words(doc) == words(text) == words(doc.reading)


def _token_shapes(markdown: str, parser: MarkdownIt) -> list[tuple[object, ...]]:
    return [
        (t.type, t.map, t.level, t.markup, t.info, t.content, [(c.type, c.markup, c.content) for c in t.children or []])
        for t in parser.parse(markdown)
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_markdown_line, st.text(max_size=60)), max_size=40))
def test_plain_text_parser_reads_converted_text_as_the_full_parser_does(lines: list[str]) -> None:
    """Converted plain text escapes what would open other blocks: the parser that skips their rules
    gives the same tokens."""
    markdown = plain_to_markdown("\n".join(lines).replace("\r", "\n"))[0]  # as loaded: no carriage return
    assert _token_shapes(markdown, _PLAIN_MD) == _token_shapes(markdown, _MD)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(shapes._DATE_RE, fullmatch=True))
def test_every_date_has_the_figures_the_quick_test_looks_for(date: str) -> None:
    """Lines without them are never tried against the (slow) date pattern: a new date form must keep
    a four-digit year or figures split by "." or "/", or the quick test must change with it."""
    assert shapes._DATE_FIGURES_RE.search(date)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_any_text_parses_into_a_document(text: str) -> None:
    doc = parse_document(text)
    for section in all_sections(doc):
        assert section.level >= 1 and section.line >= 1


def test_table_of_contents_entries_are_not_headings() -> None:
    doc = load_document(CORPUS / "extra" / "sony-2014-04-18.md")
    toc = doc.sections[0]
    assert toc.title == "TABLE OF CONTENTS" and toc.children == ()
    assert "1. Collection of Information" in toc.body
    assert titles(doc).count("Collection of Information") == 1
