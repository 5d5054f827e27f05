"""A saved web page (HTML) to markdown lines, each with the HTML source line it came from.

Policies are often kept as the web page itself. Only what a reader sees becomes text: scripts,
styles and other non-rendered elements are skipped entirely (never turned into words), headings
become ``#`` headings, bold stays ``**`` (so bold pseudo-headings are recognised), list items become
``- `` items, table rows become lines. Everything else is left to structure recovery.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "object", "iframe"})
_BLOCKS = frozenset(
    """address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption
    figure footer form header hr html legend main nav ol p pre section summary table tbody thead tfoot
    tr ul li h1 h2 h3 h4 h5 h6 br""".split()
)
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "area", "base", "col", "source"})
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+\-.!|~=&])")


def looks_like_html(text: str) -> bool:
    """A whole HTML page, or a fragment made mostly of block tags."""
    head = text.lstrip()[:1000].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in text[:5000].lower():
        return True
    tags = len(re.findall(r"</?(?:p|div|h[1-6]|li|ul|ol|table|tr|td|body|section|article|br)\b", text, re.I))
    return tags >= 5 and tags * 40 >= len(text.split("\n"))


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self._parts: list[str] = []
        self._line_no = 1
        self._prefix = ""
        self._skip_depth = 0
        self._title: list[str] = []
        self._in_title = False
        self._ordered: list[int | None] = []  # one per open list: next number, or None for bullets
        self._in_pre = False
        self._line_has_text = False  # any visible text in _parts yet (kept, not recomputed: linear time)

    # -- structure --------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
            return
        if self._skip_depth or tag in _SKIPPED:
            if tag not in _VOID:
                self._skip_depth += 1
            return
        if tag in _BLOCKS:
            self._flush()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._prefix = "#" * int(tag[1]) + " "
        elif tag == "ul":
            self._ordered.append(None)
        elif tag == "ol":
            self._ordered.append(1)
        elif tag == "li":
            indent = "  " * max(len(self._ordered) - 1, 0)
            if self._ordered and self._ordered[-1] is not None:
                number = self._ordered[-1]
                self._ordered[-1] = number + 1
                self._prefix = f"{indent}{number}. "
            else:
                self._prefix = f"{indent}- "
        elif tag in ("b", "strong"):
            self._parts.append("**")
        elif tag == "pre":
            self._in_pre = True
        elif tag in ("td", "th") and self._parts:
            self._parts.append("  ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            return
        if self._skip_depth:
            if tag in _SKIPPED or tag not in _VOID:
                self._skip_depth -= 1
            return
        if tag in ("b", "strong"):
            self._parts.append("**")
        elif tag in ("ul", "ol") and self._ordered:
            self._ordered.pop()
        elif tag == "pre":
            self._in_pre = False
        if tag in _BLOCKS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr") and not self._skip_depth:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
            return
        if self._skip_depth:
            return
        if not self._line_has_text:  # first text of this line
            self._line_no = self.getpos()[0]
            self._line_has_text = bool(data.strip())
        text = data if self._in_pre else re.sub(r"\s+", " ", data)
        self._parts.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text))

    # -- output -----------------------------------------------------------------------------
    def _flush(self) -> None:
        text = "".join(self._parts).strip()
        text = re.sub(r"\*\*\s*\*\*", "", text).strip()  # empty bold runs
        self._parts = []
        self._line_has_text = False
        if text:
            self.lines.append((self._line_no, self._prefix + text))
            self.lines.append((self._line_no, ""))
        self._prefix = ""

    def finish(self) -> tuple[str, list[int], str | None]:
        self.close()
        self._flush()
        title = re.sub(r"\s+", " ", "".join(self._title)).strip() or None
        return "\n".join(line for _, line in self.lines), [n for n, _ in self.lines], title


_COMMENT_CLOSE = re.compile(r"--\s*>")  # what html.parser accepts as the end of a comment
_MARKED_SECTION_CLOSE = re.compile(r"]\s*]\s*>")
_OPENER = re.compile(r"<(?:!--|!\[)?")


def _last_start(pattern: re.Pattern[str], text: str) -> int:
    start = -1
    for match in pattern.finditer(text):
        start = match.start()
    return start


def defuse_unterminated(text: str) -> str:
    """Escape the ``<`` of constructs that are never closed, so that parsing stays linear.

    ``html.parser`` looks for the end of an open comment, tag or ``<![`` section up to the end of the
    input, and at the end of the input does so again at every following ``<``: a page full of
    unclosed ``<!--`` or ``<a `` (hostile or just broken) then takes quadratic time. Such openers are
    shown as text instead (never dropped). Newlines are not touched, so line numbers stay valid.
    """
    last_gt = text.rfind(">")
    # A "<!--" at i is searched for its end from i + 4, a "<![" from i + 3, a tag's ">" from i + 1.
    open_comments = _last_start(_COMMENT_CLOSE, text) - 3 if "<!--" in text else len(text)
    open_sections = _last_start(_MARKED_SECTION_CLOSE, text) - 2 if "<![" in text else len(text)

    def escape(match: re.Match[str]) -> str:
        start, opener = match.start(), match.group()
        unclosed = (
            start > last_gt
            or (opener == "<!--" and start >= max(open_comments, 0))
            or (opener == "<![" and start >= max(open_sections, 0))
        )
        return "&lt;" + opener[1:] if unclosed else opener

    return _OPENER.sub(escape, text)


def html_to_markdown(text: str) -> tuple[str, list[int], str | None]:
    """Markdown text, the HTML source line of each of its lines, and the page's ``<title>``."""
    converter = _Converter()
    converter.feed(defuse_unterminated(text))
    return converter.finish()
