"""Web pages and markdown with raw HTML, read by the engine and written into a report: whatever a
page holds (scripts, handlers, escaped tags in its text, SVG, templates), the report stays inert and
shows the page's visible text literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_helpers import parse, text_of
from test_report_injection import assert_inert

from policydiff.core.compare import compare
from policydiff.core.load import load_document
from policydiff.core.report import render_report

PAGE = """<!DOCTYPE html><html><head><title>{title}</title>
<script>alert('head')</script><style>body{{background:url(//evil.example/x)}}</style>
<base href="//evil.example/">
<body onload="alert('body')">
<h1>Privacy &lt;script&gt;alert(1)&lt;/script&gt; Policy</h1>
<noscript><p>Enable <img src=x onerror=alert(2)></noscript>
<svg onload="alert(3)"><g><script>alert(4)</script><text>drawn {word}</text></svg>
<template><script>alert(5)</script></template>
<p>We keep your {word}. Text &lt;img src=x onerror=alert(6)&gt; and &lt;/textarea&gt;&lt;script&gt;alert(7)&lt;/script&gt;
<p><a href="javascript:alert(8)">a link</a> <iframe srcdoc="<script>alert(9)</script>"></iframe>
<div hidden><script>alert(10)</script>secret</div>
<p>Templates stay as written: {{{{ 7*7 }}}} and ${{7*7}} #{{7*7}}
"""

MARKDOWN = """# Terms &lt;script&gt;

We keep your {word}.<br><img src=x onerror=alert(11)> <script>alert(12)</script>

<iframe src="//evil.example"></iframe>

<svg onload=alert(13)><text>drawn</text></svg>

Never write a <script> tag: `<script>alert(14)</script>` is shown as code.

Templates stay as written: {{{{ 7\\*7 }}}} and ${{7\\*7}} #{{7\\*7}}
"""


@pytest.mark.parametrize("kind", ["page", "markdown"])
def test_a_hostile_page_makes_an_inert_report(tmp_path: Path, kind: str) -> None:
    template, suffix = (PAGE, ".html") if kind == "page" else (MARKDOWN, ".md")
    old_path, new_path = tmp_path / f"old{suffix}", tmp_path / f"new{suffix}"
    old_path.write_text(template.format(word="data", title="<script>alert('t')</script>"), encoding="utf-8")
    new_path.write_text(template.format(word="photos", title="</title><script>alert('t')</script>"), encoding="utf-8")
    comparison = compare(load_document(old_path), load_document(new_path))
    assert not comparison.identical
    html = render_report(comparison)
    assert_inert(html)
    text = text_of(parse(html))
    assert "photos" in text and "data" in text
    if kind == "page":
        assert "<script>alert(1)</script>" in text  # escaped in the page: text a reader sees
        assert "<img src=x onerror=alert(6)>" in text
        assert "secret" not in text and "alert(4)" not in text and "alert(10)" not in text
    else:
        assert "alert(12)" not in text and "<script>alert(14)</script>" in text and "drawn" in text
        assert "Never write a <script> tag" in text  # a mention, not markup
