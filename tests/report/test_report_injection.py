"""Hostile document text never becomes live markup: it is shown, literally, as text."""

from __future__ import annotations

import re

import pytest
from report_helpers import comparison, document, pair, parse, section, text_of

from policydiff.core.model import DiffStats, Op, Options, WordDiff
from policydiff.core.report import default_report_name, render_report

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "javascript:alert(1)",
    "</textarea><script>alert(2)</script>",
    "\"><svg onload=alert(3)>",
    "'><iframe src=//evil.example></iframe>",
    "</style><script>alert(4)</script>",
    "</title><script>alert(5)</script>",
    "<!-- x --><base href=//evil.example/>",
    "<meta http-equiv=refresh content=\"0;url=//evil.example\">",
    "{{ 7*7 }}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "${7*7} #{7*7}",
    "&lt;script&gt; &amp; &#x3C;",
    "\u202eevil\u202c \x0b\x0c",
]
ALL = " ".join(PAYLOADS)
SAFE_HREF = re.compile(r"(#[\w-]*|https?://\S+)\Z", re.IGNORECASE)


def hostile_comparison(source: str) -> object:
    old_title = "1. <script>alert(1)</script> Scope"
    new_title = "1. \"><svg onload=alert(3)> Scope"
    o1 = section(old_title, ALL + "\n" + "<b>bold?</b>", number="1")
    n1 = section(new_title, "<img src=x onerror=alert(1)> " + ALL + "\nplain", number="1")
    o2 = section("2. </textarea><script>", "gone " + ALL, number="2")
    n3 = section("3. {{ 7*7 }}", "new " + ALL, number="3")
    old = document("<script>alert(1)</script>.md", (o1, o2), preamble=ALL,
                   title="<script>alert('title')</script>", date="<img src=x onerror=alert(1)>",
                   source=source, archived="<svg onload=alert(1)>", sha256="<script>",
                   encoding="<script>", omitted=())
    new = document("javascript:alert(1).txt", (n1, n3), preamble=ALL + " more",
                   title="{{ 7*7 }}", date="</textarea><script>", source="http://ok.example/?q=\"><script>",
                   sha256="\"><svg onload=alert(1)>")
    ign = WordDiff((Op("~", ALL, ALL.upper()),), DiffStats(0, 0, 0, 5))
    from dataclasses import replace

    p1 = pair(old, new, o1, n1)
    pairs = [
        pair(old, new, old.preamble, new.preamble),
        p1,
        replace(p1, body_diff=ign),  # the same pair again, with a hostile ~ op (title attribute)
        pair(old, new, o2, None),
        pair(old, new, None, n3),
    ]
    c = comparison(old, new, pairs, Options(ignore_case=True))
    # a hostile coarse reason and omitted lines too
    from policydiff.core.model import OmittedLine

    pairs[1] = replace(pairs[1], body_diff=replace(pairs[1].body_diff, coarse="<script>alert('coarse')</script>"))
    old = replace(old, omitted=(OmittedLine(1, "<script>alert('omitted')</script>", "<b>navigation</b>"),))
    return replace(c, old=old, pairs=tuple(pairs))


def assert_inert(html: str) -> None:
    root = parse(html)  # strict html5lib: a parse error would mean the markup was broken open
    for el in root.iter():
        assert el.tag not in {"script", "img", "svg", "iframe", "object", "embed", "base", "textarea",
                              "form", "input", "link", "b", "math"}, el.tag
        if el.tag == "meta":
            assert (el.get("http-equiv") or "").lower() in {"", "content-security-policy"}
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert name.lower() not in {"src", "srcdoc", "formaction", "action", "background", "style"} \
                or (name == "style" and re.fullmatch(r"grid-row: span \d+", value)), (el.tag, name, value)
            if name.lower() in {"href", "xlink:href"}:
                assert SAFE_HREF.match(value), value
    assert len(root.findall(".//style")) == 1
    low = html.lower()
    assert "<script" not in low and "javascript:alert(1)\"" not in low
    # No template evaluation of document text: the expressions stay as written. (Checking that
    # "49" is absent failed whenever the report's own time stamp read :49.)
    text = text_of(root)
    assert "{{ 7*7 }}" in text and "${7*7} #{7*7}" in text


@pytest.mark.parametrize("layout", ["side-by-side", "inline"])
@pytest.mark.parametrize("changed_only", [False, True])
@pytest.mark.parametrize("source", [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "https://ok.example/\"><script>alert(1)</script>",
    "https://ok.example/a b onmouseover=alert(1)",
    "http://ok.example/\u2028x",
])
def test_hostile_text_is_inert(layout, changed_only, source):
    c = hostile_comparison(source)
    html = render_report(c, layout=layout, changed_only=changed_only)
    assert_inert(html)
    root = parse(html)
    text = text_of(root)
    # shown literally, as text
    for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(3)>",
                    "</textarea><script>alert(2)</script>", "{{ 7*7 }}", "[click](javascript:alert(1))",
                    "&lt;script&gt; &amp; &#x3C;", "<script>alert('coarse')</script>"):
        assert payload in text, payload
    # the unsafe source URL is shown as text, never as a link
    hrefs = [a.get("href") for a in root.iter("a")]
    assert all(h.startswith("#") for h in hrefs if h != "http://ok.example/?q=\"><script>"), hrefs
    assert source.strip() in text or source in text
    # the title element holds the names as text
    assert "<script>alert(1)</script>.md" in root.find(".//title").text


def test_hostile_ignored_text_goes_into_a_quoted_title_attribute():
    html = render_report(hostile_comparison("https://ok.example/"))
    root = parse(html)
    titles = [el.get("title") for el in root.iter("span") if el.get("title") and "ignored details." in el.get("title")]
    assert titles and any("<script>alert(1)</script>".upper() in t or "<script>alert(1)</script>" in t for t in titles)


def test_safe_source_is_a_noreferrer_link():
    root = parse(render_report(hostile_comparison("https://ok.example/privacy?x=1&y=2")))
    links = [a for a in root.iter("a") if not a.get("href").startswith("#")]
    assert [a.get("href") for a in links] == ["https://ok.example/privacy?x=1&y=2"]
    assert links[0].get("rel") == "noreferrer noopener"


def test_report_name_from_hostile_names():
    name = default_report_name(hostile_comparison("x"))
    assert re.fullmatch(r"[\w.-]+\.html", name), name
    assert "/" not in name and "<" not in name
