"""HTML is read as a browser reads it, and only a file that starts like a web page is one.

Three ways the hand-written reader said "no differences" while words had changed: a page without
the optional ``</head>`` lost its body; an unclosed child inside an element whose content is not
shown (``<noscript><p>``, ``<svg><g>``, ``<template><div>``) lost everything after it; a text that
mentions tags ("use <p> or <br>") was read as a page and lost what followed the mention. And raw
HTML inside markdown was compared as words (tags, comments, scripts, addresses, ``<br>`` as "br").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core.compare import compare
from policydiff.core.structure import parse_document
from policydiff.core.webpage import html_to_markdown, is_web_page, looks_like_html
from policydiff.core.worddiff import tokenize


def words(text: str) -> list[str]:
    return [t for t in tokenize(text) if any(c.isalnum() for c in t)]


def reading_words(text: str, name: str) -> list[str]:
    return words(parse_document(text, name=name).reading)


def cli_status(tmp_path: Path, old: str, new: str, suffix: str) -> int:
    old_path, new_path = tmp_path / f"old{suffix}", tmp_path / f"new{suffix}"
    old_path.write_text(old, encoding="utf-8")
    new_path.write_text(new, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "policydiff", str(old_path), str(new_path), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    json.loads(done.stdout)
    return done.returncode


# -- the cases, through the command line -----------------------------------------------

HEADLESS = "<html><head><title>Policy</title>\n<body>\n<h1>Privacy</h1>\n<p>We keep your {} for a year.</p>\n</body></html>\n"
SKIPPED_CHILD = [
    "<html><body><noscript><p>Enable scripts</noscript>\n<p>We keep your {} for a year.</p></body></html>",
    "<html><body><svg><g><path d='M0 0'/></svg>\n<p>We keep your {} for a year.</p></body></html>",
    "<html><body><template><div>row</template>\n<p>We keep your {} for a year.</p></body></html>",
    "<!DOCTYPE html><html><head><noscript><link rel=stylesheet href=x></noscript></head>"
    "<body><p>We keep your {} for a year.</p></body></html>",
]
MENTIONS = (
    "Formatting\n\nUse <p> or <br> for breaks; never a <script> tag in a comment.\n\n"
    "We keep your {} for a year.\n\nThe </head> end tag is optional.\n"
)


@pytest.mark.parametrize("page", [HEADLESS, *SKIPPED_CHILD], ids=["no-head-end", "noscript", "svg", "template", "head-noscript"])
def test_a_changed_word_after_an_optional_or_unclosed_tag_is_a_difference(tmp_path: Path, page: str) -> None:
    assert cli_status(tmp_path, page.format("data"), page.format("photos"), ".html") == 1
    assert cli_status(tmp_path, page.format("data"), page.format("data"), ".html") == 0
    assert "photos" in reading_words(page.format("photos"), "x.html")


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_text_that_mentions_tags_is_not_a_web_page(tmp_path: Path, suffix: str) -> None:
    text = MENTIONS.format("data")
    assert not looks_like_html(text) and not is_web_page(text, "notes" + suffix)
    assert cli_status(tmp_path, text, MENTIONS.format("photos"), suffix) == 1
    seen = reading_words(text, "notes" + suffix)
    for word in ("Use", "or", "for", "breaks", "never", "a", "script", "tag", "keep", "data", "end", "optional"):
        assert word in seen, word


@pytest.mark.parametrize(
    "start, page",
    [
        ("<!DOCTYPE html><p>x", True),
        ("\ufeff  <!-- saved 2024 -->\n<html lang=en>", True),
        ('<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">', True),
        ("<head><title>x</title>", True),
        ("<BODY>", True),
        ("<htmlish> text", False),
        ("Use <html> and <body> tags.", False),
        ("# Notes\n\n<html>", False),
        ("<!-- never closed <html>", False),
        ("<p>a paragraph</p>", False),
    ],
)
def test_a_web_page_is_known_by_how_it_starts(start: str, page: bool) -> None:
    assert looks_like_html(start) is page
    assert is_web_page(start, "x.md") is page
    assert is_web_page(start, "x.html") is ("<" in start)  # the name says so


def test_what_a_browser_does_not_show_is_not_read() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style>"
        "<script>var hidden = 'scriptword'</script><noscript>noscriptword</noscript>\n<body>"
        "<p>one <span hidden>hiddenword</span> two <span style='color: red; DISPLAY:none !important'>styleword</span>"
        "<span hidden=until-found>three</span></p><!-- commentword -->"
        "<template><p>templateword</p></template><iframe>frameword</iframe>"
        "<svg><title>tipword</title><text>four</text></svg><math><mi>five</mi></math>"
        "<p><a href='https://addressword.example/'>six</a> <img alt=altword src=x></p>"
    )
    markdown, lines, title = html_to_markdown(page)
    assert words(markdown) == ["one", "two", "three", "four", "five", "six"]
    assert title == "T" and len(lines) == markdown.count("\n") + 1


def test_headings_lists_and_tables_survive_omitted_end_tags() -> None:
    page = (
        "<html><head><title>T</title>\n<body>\n<h1>Policy\n<h2>1. Data</h2>\n<p>We collect\n"
        "<ul><li>names<li>addresses</ul>\n<ol start=3><li>third<li>fourth</ol>\n"
        "<table><tr><td>a<td>b<tr><td>c<td>d</table>\n<h2>2. Rights</h2><p>You may ask."
    )
    markdown, _, _ = html_to_markdown(page)
    assert "# Policy" in markdown.split("\n") and "## 1\\. Data" in markdown.split("\n")
    assert "- names" in markdown and "- addresses" in markdown and "3. third" in markdown and "4. fourth" in markdown
    doc = parse_document(page, name="p.html")
    titles = [s.title for s in doc.flat()]
    assert "1. Data" in titles and "2. Rights" in titles


def test_deep_nesting_and_unclosed_constructs_are_read_without_recursion() -> None:
    page = "<html><body>" + "<div>" * 50_000 + "deep words" + "<p>a" * 5_000 + "<!-- open comment"
    assert words(html_to_markdown(page)[0])[:2] == ["deep", "words"]


# -- generated pages: optional end tags omitted, unclosed children in skipped elements ----------

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=7)
_words = st.lists(_word, min_size=1, max_size=8)
_hidden_words = st.lists(_word.map(lambda w: "zz" + w), min_size=1, max_size=4).map(" ".join)
"""Words in what is not shown: they never count, so old and new may differ there freely."""

_UNSEEN = [
    "<script>var x = '{w}'; if (a < b) {{ document.write('<p>{w}') }}</script>",
    "<style>/* {w} */ p {{ color: red }}</style>",
    "<noscript><p>{w}</noscript>",
    "<noscript><div><p>{w}</noscript>",
    "<svg><g><desc>{w}</desc></svg>",
    "<template><div>{w}</template>",
    "<template><table><tr><td>{w}</template>",
    "<!-- {w} -->",
    "<div hidden><p>{w}</div>",
    "<p style='display:none'>{w}</p>",
    "<iframe>{w}<p>x</iframe>",
    "<math><annotation-xml></math>",
]


@st.composite
def _page(draw: st.DrawFn, blocks: list[tuple[str, list[str]]]) -> str:
    """A page of these visible blocks, with chosen end tags omitted and unseen chrome between."""
    def end(tag: str) -> str:
        return f"</{tag}>" if draw(st.booleans()) else ""

    def unseen() -> str:
        if not draw(st.integers(0, 3)) == 0:
            return ""
        return draw(st.sampled_from(_UNSEEN)).format(w=draw(_hidden_words))

    head = draw(st.sampled_from(["<!DOCTYPE html>", "", "<!-- saved -->\n<!doctype html>"]))
    head += "<html>" if draw(st.booleans()) else ""
    head += "<head><meta charset=utf-8>" + unseen() + end("head")
    head += "<body>" if draw(st.booleans()) else ""
    body = []
    for kind, ws in blocks:
        text = " ".join(ws)
        if kind == "p":
            body.append(f"<p>{text}{end('p')}")
        elif kind == "h":
            body.append(f"<h2>{text}</h2>")
        elif kind == "li":
            body.append("<ul>" + "".join(f"<li>{w}{end('li')}" for w in ws) + "</ul>")
        elif kind == "td":
            body.append("<table><tr>" + "".join(f"<td>{w}{end('td')}" for w in ws) + end("tr") + "</table>")
        elif kind == "nav":
            body.append(f"<nav><a href='/{ws[0]}'>{text}</a></nav>")
        body.append(unseen())
    return head + "\n" + "\n".join(body) + end("body") + end("html")


_blocks = st.lists(st.tuples(st.sampled_from(["p", "h", "li", "td", "nav"]), _words), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_blocks, st.data())
def test_generated_pages_compare_exactly_their_visible_words(blocks, data) -> None:
    visible = [w for _, ws in blocks for w in ws]
    old_page, same_page = data.draw(_page(blocks)), data.draw(_page(blocks))
    assert reading_words(old_page, "old.html") == visible
    old = parse_document(old_page, name="old.html")
    # the same visible words, other omitted end tags and other unseen chrome: no differences
    assert compare(old, parse_document(same_page, name="new.html")).identical
    # one visible word changed: a difference
    k = data.draw(st.integers(0, len(blocks) - 1))
    kind, ws = blocks[k]
    i = data.draw(st.integers(0, len(ws) - 1))
    changed = blocks[:k] + [(kind, ws[:i] + [ws[i] + "x"] + ws[i + 1 :])] + blocks[k + 1 :]
    new = parse_document(data.draw(_page(changed)), name="new.html")
    assert not compare(old, new).identical


def test_generated_pages_through_the_command_line(tmp_path: Path) -> None:
    blocks = [("p", ["We", "keep"]), ("li", ["names", "emails"]), ("td", ["a", "b"])]
    draws = iter([True, False] * 200)
    pages = []
    for variant in range(2):
        parts = ["<html><head><title>T</title>"]
        for kind, ws in blocks:
            parts.append(_UNSEEN[(variant * 3 + len(parts)) % len(_UNSEEN)].format(w="zzword"))
            tag = {"p": "p", "li": "li", "td": "td"}[kind]
            parts.append("".join(f"<{tag}>{w}" + (f"</{tag}>" if next(draws) else "") for w in ws))
        pages.append("\n".join(parts))
    assert cli_status(tmp_path, pages[0], pages[1], ".html") == 0
    assert cli_status(tmp_path, pages[0], pages[1].replace("emails", "phones"), ".html") == 1


# -- generated texts that mention tags: every word is compared ---------------------------------

_MENTIONED = ["<p>", "<br>", "<script>", "</head>", "<style>", "</body>", "<noscript>", "<template>",
              "<a>", "<!--", "<b>", "</p>", "<div hidden>", "<head>", "<svg>", "<title>"]
"""Tags a text mentions: openers, and end tags of none that hides (an end tag closing a hiding
opener would make it real markup)."""
_sentence = st.lists(st.one_of(_word, _word, _word, st.sampled_from(_MENTIONED)), min_size=1, max_size=10)


def _prose(paragraphs: list[list[str]], form: str) -> str:
    body = "\n\n".join(" ".join(p) for p in paragraphs)
    return f"# Notes\n\nSee **this** first.\n\n{body}\n" if form == "markdown" else f"Notes\n\n{body}\n"


def _prose_words(paragraphs: list[list[str]]) -> list[str]:
    return [w for p in paragraphs for w in p if not w.startswith("<")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_sentence, min_size=1, max_size=6), st.sampled_from(["markdown", "plain"]), st.data())
def test_texts_that_mention_tags_compare_every_word(paragraphs, form, data) -> None:
    text = _prose(paragraphs, form)
    name = "notes.md" if form == "markdown" else "notes.txt"
    assert not is_web_page(text, name)
    seen = Counter(reading_words(text, name))
    assert not Counter(_prose_words(paragraphs)) - seen  # every word of the prose is read
    prose = [(p, i) for p, ws in enumerate(paragraphs) for i, w in enumerate(ws) if not w.startswith("<")]
    if not prose:
        return
    p, i = data.draw(st.sampled_from(prose))
    changed = [list(ws) for ws in paragraphs]
    changed[p][i] += "x"
    old, new = parse_document(text, name=name), parse_document(_prose(changed, form), name=name)
    assert not compare(old, new).identical
    assert compare(old, parse_document(text, name=name)).identical


@pytest.mark.parametrize("block", ["<p> <svg> A <p>", "<div> <template> A <div>", "<p> <span hidden> A <p>"])
def test_a_mention_the_parser_would_end_at_a_later_tag_shows_its_words(block: str) -> None:
    """A hiding element that a later tag ends (foreign content broken out of, an implied end) was
    opened in prose, not markup: its words are read, and a change to them is one."""
    text = f"# Notes\n\n{block}\n"
    assert "A" in reading_words(text, "notes.md")
    old, new = parse_document(text, name="notes.md"), parse_document(text.replace(" A ", " Ax "), name="notes.md")
    assert not compare(old, new).identical


# -- raw HTML inside markdown: what a reader of the rendered text sees -------------------------

RAW = """# Privacy Policy

**1. Data we collect**<br>We collect your name;<br>- your e-mail address;<br><br>and your {word}.

<!-- internal note: {note} -->

<script>
track("{note}");
</script>

<style>.x {{ content: "{note}" }}</style>

<div class="box" data-id="{note}">
<p>Contact <a href="mailto:{note}@example.com">our office</a>.</p>
</div>

Visible <span hidden>{note}</span> text <span style="display: none">{note}</span> and <sup>1</sup> note.
"""


def test_raw_html_in_markdown_is_read_as_a_reader_sees_it(tmp_path: Path) -> None:
    doc = parse_document(RAW.format(word="address", note="secret"), name="p.md")
    seen = words(doc.reading)
    assert "br" not in seen and "secret" not in seen and "track" not in seen and "content" not in seen
    assert "href" not in seen and "mailto" not in seen and "class" not in seen
    assert seen[-8:] == ["Contact", "our", "office", "Visible", "text", "and", "1", "note"]
    assert "We collect your name;" in doc.reading and "and your address." in doc.reading  # <br> breaks lines
    old = RAW.format(word="address", note="secret")
    assert cli_status(tmp_path, old, RAW.format(word="address", note="other"), ".md") == 0
    assert cli_status(tmp_path, old, RAW.format(word="phone", note="secret"), ".md") == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("**a** never a <script> tag here", "never a <script> tag here"),
        ("**a** an HTML <a> anchor tag", "an HTML <a> anchor tag"),
        ("**a**\n\n<Data Protection Officer>  \nLINE Corporation", "<Data Protection Officer>"),
        ("**a**\n\n<div hidden>\n\nshown\n\n</div>", "shown"),
        ("**a**\n\n<script> at the start of a line\n\nstill read", "still read"),
        ("**a**\n\n<!-- a comment never closed\n\nstill read", "still read"),
    ],
)
def test_mentions_and_labels_in_angle_brackets_stay_words(text: str, expected: str) -> None:
    reading = parse_document(text, name="x.md").reading
    assert re.sub(r"\s+", " ", expected) in re.sub(r"\s+", " ", reading)


def test_nesting_past_the_cap_keeps_every_word_and_line() -> None:
    from policydiff.core.webpage import MAX_DEPTH, _limit_nesting

    levels = 3 * MAX_DEPTH
    page = "<html><body>\n" + "".join(f"<div>w{i}\n" for i in range(levels)) + "</div>" * levels
    limited = _limit_nesting(page)
    assert limited.count("\n") == page.count("\n") and limited.count("<div>") == MAX_DEPTH
    assert limited.count("<br>") == levels - MAX_DEPTH  # a block past the cap still starts a line
    markdown, lines, _ = html_to_markdown(page)
    assert words(markdown) == [f"w{i}" for i in range(levels)]
    assert lines[::2] == list(range(2, levels + 2))
    shallow = "<html><body>" + "<div><p>a</p><script>'<div>'</script><!-- <div> --></div>" * 5000
    assert _limit_nesting(shallow) is shallow  # a real page's depth: untouched


def test_collapsed_sections_of_an_accordion_are_read() -> None:
    """A hidden element that a control on the page opens (``aria-controls``) is text a reader sees
    on a click: a change in it must not pass as no difference."""
    page = ("<!DOCTYPE html><html><body><h2><button aria-controls='s1' aria-expanded='false'>1. Data</button></h2>"
            "<div id='s1' hidden><p>We keep your {}.</div><div id='ad' hidden>Subscribe now</div>")
    assert words(html_to_markdown(page.format("data"))[0]) == ["1", "Data", "We", "keep", "your", "data"]
    old, new = parse_document(page.format("data"), name="a.html"), parse_document(page.format("photos"), name="b.html")
    assert not compare(old, new).identical
