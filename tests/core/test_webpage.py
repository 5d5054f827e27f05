"""Saved web pages: only what a reader sees becomes text, with its HTML line numbers."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core.compare import compare
from policydiff.core.load import load_document
from policydiff.core.structure import parse_document
from policydiff.core.webpage import looks_like_html

PAGE = """<!DOCTYPE html>
<html><head><title>Acme Privacy Policy</title>
<script>var secret = "never shown"; document.write("<p>injected</p>")</script>
<style>p { color: red }</style></head>
<body>
<nav><a href="/">Home</a> &gt; Privacy</nav>
<h1>Acme Privacy Policy</h1>
<p>Last updated: March 3, 2021</p>
<p>We respect your privacy &amp; protect your data.</p>
<h2>1. Information we collect</h2>
<p>We collect your <b>name</b> and e-mail address when you register.</p>
<ul><li>Contact data; and</li><li>Usage data.</li></ul>
<p><strong>Cookies</strong></p>
<p>We use cookies to remember your preferences and settings on our site.</p>
<h2>2. Your rights</h2>
<ol><li>Access</li><li>Erasure of <em>your</em> data</li></ol>
<img src="https://tracker.example/pixel.gif" onerror="alert(1)">
</body></html>
"""


def test_a_saved_web_page_becomes_a_section_outline(tmp_path: Path) -> None:
    path = tmp_path / "acme.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "Acme Privacy Policy" and doc.date == "March 3, 2021"
    outline = [(s.title, s.level, s.line) for top in doc.sections for s in top.walk()]
    assert outline == [("1. Information we collect", 1, 10), ("Cookies", 2, 13), ("2. Your rights", 1, 15)]
    text = "\n".join(s.body for s in doc.flat())
    assert "never shown" not in text and "injected" not in text and "color" not in text
    assert "• Contact data; and\n• Usage data." in text
    assert "1. Access\n2. Erasure of your data" in text
    assert "We respect your privacy & protect your data." in doc.preamble.body
    assert [(o.text, o.reason) for o in doc.omitted] == [
        ("Home > Privacy", "navigation"), ("Last updated: March 3, 2021", "date stamp")]
    assert "Home > Privacy" in doc.preamble.body  # set aside, still compared


def test_a_web_page_compares_with_its_markdown_version() -> None:
    html = parse_document(PAGE, name="acme.html")
    markdown = parse_document(
        "Home > Privacy\n\n# Acme Privacy Policy\n\nLast updated: March 3, 2021\n\nWe respect your privacy & protect your data.\n\n"
        "## 1. Information we collect\n\nWe collect your **name** and e-mail address when you register.\n\n"
        "- Contact data; and\n- Usage data.\n\n**Cookies**\n\n"
        "We use cookies to remember your preferences and settings on our site.\n\n"
        "## 2. Your rights\n\n1. Access\n2. Erasure of *your* data\n"
    )
    assert compare(markdown, html).identical


def test_markdown_and_plain_text_are_not_mistaken_for_html() -> None:
    root = Path(__file__).resolve().parents[2] / "corpus"
    for path in [*root.glob("*.*"), *(root / "extra").glob("*.md")]:
        assert not looks_like_html(path.read_text(encoding="utf-8")), path.name


_word = st.text(alphabet=st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=8)
_words = st.lists(_word, min_size=1, max_size=10).map(" ".join)
_block = st.one_of(
    _words.map(lambda w: f"<p>{w}</p>"),
    st.builds(lambda n, w: f"<h{n}>{w}</h{n}>", st.integers(1, 4), _words),
    st.lists(_words, min_size=1, max_size=4).map(lambda ws: "<ul>" + "".join(f"<li>{w}</li>" for w in ws) + "</ul>"),
    _words.map(lambda w: f"<p><b>{w}</b></p>"),
    _words.map(lambda w: f"<div>{w}<br>{w}</div>"),
    _words.map(lambda w: f"<table><tr><td>{w}</td><td>{w}</td></tr></table>"),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_block, min_size=1, max_size=20))
def test_every_visible_word_of_a_page_is_accounted_for(blocks: list[str]) -> None:
    page = "<!DOCTYPE html><html><body>\n" + "\n".join(blocks) + "\n</body></html>"
    doc = parse_document(page)
    found: Counter[str] = Counter()
    for section in doc.flat():
        found += Counter(re.findall(r"[^\W_]+", section.title + " " + section.body))
    visible = re.sub(r"<[^>]+>", " ", page)
    assert found == Counter(re.findall(r"[^\W_]+", visible))


# -- hostile pages: text with "<", and constructs that are never closed --------------------------

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

import pytest  # noqa: E402


def _parse_in_thread(text: str, name: str, timeout: float = 60.0):
    """Parse in a daemon thread; a hang fails the test instead of blocking the run forever."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["document"] = parse_document(text, name=name)
        except BaseException as exc:  # pragma: no cover - reported below
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"parse_document did not return for {name}"
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["document"]


@pytest.mark.parametrize(
    "body, expected",
    [
        ("<p>a &lt; b</p>", "a < b"),
        ("<p>fish &amp; chips</p>", "fish & chips"),
        ("<p>if a < b and c > d</p>", "if a < b and c > d"),
        ("<h1>Terms</h1><p>x &lt;p&gt;not a tag&lt;/p&gt; &amp;amp; y</p>", "x <p>not a tag</p> &amp; y"),
    ],
)
def test_text_with_angle_brackets_and_entities_is_converted_once(body: str, expected: str) -> None:
    document = _parse_in_thread(body, "x.html")
    words = " ".join([document.title or ""] + [s.title + " " + s.body for s in document.flat()])
    assert expected in words


def test_outline_of_a_page_with_escaped_text_returns(tmp_path: Path) -> None:
    path = tmp_path / "x.html"
    path.write_text("<p>a &lt; b</p>\n<p>c &amp; d &lt;&lt; e</p>\n<p>f < g</p>\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "policydiff", str(path), "--outline"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["path"] == str(path)


@pytest.mark.parametrize(
    "tail",
    ["<!--" * 3000, "<a " * 3000, "<![CDATA[>" * 3000, "</" * 3000, "<?" * 3000, "a < b " * 3000],
)
def test_unclosed_constructs_do_not_stall_the_converter(tail: str) -> None:
    _parse_in_thread("<h1>Policy</h1><p>We keep your data.</p>" + tail, "x.html")
