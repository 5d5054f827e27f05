"""A saved web page (HTML) to markdown lines, each with the HTML source line it came from.

Policies are often kept as the web page itself. The page is parsed the way a browser parses it: by
the HTML Standard's (WHATWG) algorithm, with Lexbor through selectolax, with scripting on as in
any browser. So optional end tags (``</head>``, ``</p>``, ``</li>``), unclosed elements, stray end
tags and foreign content (SVG, MathML) build the same tree a browser builds, and no text is lost or
invented by a reader of its own. Only what a reader sees becomes text: scripts, styles, templates,
``<noscript>`` (a browser runs scripts), embedded frames and elements hidden by the ``hidden``
attribute or an inline ``display: none`` (unless a control on the page opens them: an accordion)
are skipped, as are attributes (link addresses, image sources) and comments. Headings become ``#`` headings, bold stays ``**`` (so bold pseudo-headings
are recognised), list items become ``- `` / ``1. `` items, table rows become lines. Everything else
is left to structure recovery.

The same reading serves HTML written inside markdown (:func:`visible_lines`): what a browser shows
of a markdown file's raw HTML is compared, not its tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

_NOT_RENDERED = frozenset(
    """head script style noscript template iframe object embed canvas video audio noembed noframes
    frameset title""".split()
)
"""Elements whose content a browser does not show (``object``, ``canvas``, ``video``, ``audio``:
their content is fallback for browsers that cannot play the element; ``title`` goes to the tab)."""
_BLOCKS = frozenset(
    """address article aside blockquote body caption center dd details dialog div dl dt fieldset
    figcaption figure footer form header hgroup hr html legend li listing main menu nav ol p pre
    plaintext search section summary table tbody thead tfoot tr ul xmp h1 h2 h3 h4 h5 h6 br
    textarea select option optgroup""".split()
)
_PREFORMATTED = frozenset({"pre", "listing", "xmp", "plaintext", "textarea"})
_TABLE_PARTS = frozenset({"table", "caption", "thead", "tbody", "tfoot", "tr", "br"})
_LAYOUT_SELECTOR = ", ".join(sorted(_BLOCKS - _TABLE_PARTS))
_GLOSSARY_SELECTOR = ", ".join(sorted(_BLOCKS - {"dt", "dd", "br", "dl"}))
"""A definition list holding nothing but its terms and definitions (no paragraph, list or table
inside) is a glossary: a two-column table of term and definition, so its terms are table cells,
never taken for headings."""
"""A table holding any of these (paragraphs, headings, lists, another table) lays a page out: its
cells are read as the page's own blocks. One holding none is a data table: a markdown pipe table,
so its header cells and first-column labels are table cells, never taken for headings."""
_HEADINGS = {f"h{level}": "#" * level + " " for level in range(1, 7)}
_FOREIGN = frozenset({"svg", "math"})
_FOREIGN_TEXT = frozenset({"math", "text", "foreignObject", "foreignobject"})
"""Where text in foreign content is drawn: all of MathML; in SVG only ``<text>`` (with its
``<tspan>``/``<textPath>``) and HTML inside ``<foreignObject>`` (``<title>`` and ``<desc>`` are
tooltips and descriptions)."""
_DISPLAY_NONE_RE = re.compile(r"(?:^|;)\s*display\s*:\s*none\s*(?:!\s*important\s*)?(?:;|$)", re.IGNORECASE)
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]<>#+\-.!|~=&]")
"""Every character that could make markdown of text: escaped."""
_BOLD_OPEN, _BOLD_CLOSE = "\x01", "\x02"
_CELL = "\x03"
_LINK_OPEN, _LINK_CLOSE = "\x04", "\x05"
"""Where a link (``<a href>``) opens and closes, until the line is escaped and the link is written
as a markdown link: a line that is only a link is then a link, not a title. Its target is ``#`` for
a link to a place in the page (a table of contents' entry), else empty: an address is no word of
the page, and the compared text never holds one."""
_CELL_BREAK = "\x06"
"""A line break (``<br>``) inside a data table's cell, until the row is written: it stays a ``<br>``
there, a line break within the cell as in a markdown source's pipe table (a line break is no word)."""
_CELL_BREAK_RE = re.compile(rf"\s*{_CELL_BREAK}\s*")
_CONTROL_MARKS = (_BOLD_OPEN, _BOLD_CLOSE, _CELL, _LINK_OPEN, _LINK_CLOSE, _CELL_BREAK)
"""Where a cell of a data table's row ends and the next begins, until the row is escaped and
written as a markdown pipe-table row."""
"""Where ``<b>``/``<strong>`` opens and closes, until the line is escaped and the marks are moved
inside the words they embolden (``** bold **`` is no bold in markdown)."""
_SPACE_AFTER_OPEN_RE = re.compile(r"\x01(\s+)")
_SPACE_BEFORE_CLOSE_RE = re.compile(r"(\s+)\x02")
_SPACES_RE = re.compile(r"\s+")
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+")
_LONG_WORD_RE = re.compile(r"[A-Za-z]{5,}")
"""Words rarer than "we" or "the": found where they stand, not in the text before."""
_WORD_RE = re.compile(r"[^\W_]+")
_PAGE_NAMES = (".html", ".htm", ".xhtml")
_PAGE_OPENERS = ("<!doctype html", "<html", "<head", "<body")


def looks_like_html(text: str) -> bool:
    """A web page by how it starts: after an optional byte order mark, blank space, comments and an
    XML declaration, a doctype or an ``<html>``, ``<head>`` or ``<body>`` tag. A tag mentioned in a
    text's words ("use ``<p>`` or ``<br>``") never makes it a page."""
    position = 0
    while True:
        while position < len(text) and (text[position].isspace() or text[position] == "\ufeff"):
            position += 1
        if text.startswith("<!--", position):
            end = text.find("-->", position + 4)
            if end < 0:
                return False
            position = end + 3
        elif text.startswith("<?xml", position):
            end = text.find("?>", position)
            if end < 0:
                return False
            position = end + 2
        else:
            break
    opener = text[position : position + 15].lower()
    for start in _PAGE_OPENERS:
        if opener.startswith(start):
            after = opener[len(start) : len(start) + 1]
            return after == "" or after.isspace() or after in ">/"
    return False


def is_web_page(text: str, name: str = "") -> bool:
    """Whether a file is read as a web page: one named ``.html``/``.htm`` that has any markup, or any
    file that starts like one (:func:`looks_like_html`)."""
    return (name.lower().endswith(_PAGE_NAMES) and "<" in text) or looks_like_html(text)


class _SourceLines:
    """The source line of each line of text, found by looking for a telling word of it in the page
    from where the previous line's last word was found (text comes in source order, bar the rare
    node the parser moves). The parser keeps no positions, and a word is all that is needed for a
    line number."""

    _WINDOW = 65_536
    """How far ahead a word is first looked for; further only within :attr:`_budget`."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._cursor = 0
        self._line = 1
        self._first_word = ""
        self._budget = 8 * len(source) + self._WINDOW
        """Characters that searches past the window may still scan: a page whose words are mostly
        not in its source as written (entities) stays linear."""

    def line_of(self, text: str) -> int:
        """The line of the start of ``text``, a text node's data as written (newlines kept)."""
        match = _telling_word(_LONG_WORD_RE.finditer(text, 0, 200)) or _ASCII_WORD_RE.search(text) or _WORD_RE.search(text)
        self._first_word = match.group() if match else ""
        if match is None or not self._advance(match.group()):
            return self._line
        return self._line - text.count("\n", 0, match.start())

    def skip_past(self, text: str) -> None:
        """Move past the end of ``text`` (a whole line's), so the next line's words are not found
        in it: past as many occurrences of its last word as the line holds after its first word."""
        words = _LONG_WORD_RE.findall(text) or _ASCII_WORD_RE.findall(text)
        if not words:
            return
        after_first = words[1:] if words[0] == self._first_word else words
        for _ in range(after_first.count(words[-1])):
            if not self._advance(words[-1]):
                return

    def _advance(self, word: str) -> bool:
        source, start = self._source, self._cursor
        found = self._find(word, start, min(len(source), start + self._WINDOW))
        if found < 0 and self._budget > 0:
            self._budget -= len(source) - start
            found = self._find(word, start, len(source))
        if found < 0:
            return False
        self._line += source.count("\n", start, found)
        self._cursor = found + len(word)
        return True

    def _find(self, word: str, start: int, end: int) -> int:
        """First whole-word occurrence of ``word`` in ``source[start:end]``, or -1."""
        source = self._source
        while True:
            found = source.find(word, start, end)
            if found < 0:
                return -1
            after = found + len(word)
            if (found == 0 or not source[found - 1].isalnum()) and (after >= len(source) or not source[after].isalnum()):
                return found
            start = found + 1


@dataclass
class _Table:
    """An open ``<table>`` or ``<dl>``."""

    piped: bool
    """A data table or a glossary: written as a markdown pipe table (else a layout table, whose cells
    are read as the page's own blocks)."""
    glossary: bool
    """A definition list (``<dl>``): its terms and definitions are the rows' cells."""
    width: int
    """Cells of its widest row: the header row is as wide (a pipe table drops cells past it)."""
    rows: int = 0
    """Rows written so far."""
    indent: str = ""
    """Spaces before each row: a table inside a list item stands at the item's text (markdown then
    reads it as the item's table, and the list goes on after it)."""


@dataclass
class _Reading:
    """The visible text of a parsed page as lines: markdown (escaped text, heading, list and bold
    marks) or plain text."""

    locate: _SourceLines | None
    markdown: bool
    lines: list[tuple[int, str]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    line_no: int = 1
    line_has_text: bool = False
    prefix: str = ""
    lists: list[int | None] = field(default_factory=list)
    """One per open list: the next number, or None for bullets."""
    items: list[int] = field(default_factory=list)
    """One per open list item: the column of its text (after its marker)."""
    item_line: int = -1
    """Index in ``lines`` of the last list item's marker line (its first line)."""
    preformatted: int = 0
    line_preformatted: bool = False
    foreign: int = 0
    """Open SVG or MathML elements."""
    foreign_text: int = 0
    """Open elements of foreign content whose text is drawn."""
    tables: list[_Table] = field(default_factory=list)
    """One per open table or glossary (``<dl>``), the innermost last."""
    row_cells: int = 0
    """Cells opened so far in the current row of a data table."""
    addresses: list[str] = field(default_factory=list)
    """The targets (``#`` or empty) of the links closed and not yet written, in the order they closed."""
    revealable: frozenset[str | None] = frozenset()
    """Ids of elements a control on the page shows and hides (``aria-controls``): the collapsed
    sections of an accordion are text a reader opens, hidden or not when the page was saved."""

    def read(self, top: LexborNode) -> None:
        """Walk the tree under ``top`` in document order without recursion (pages nest deeply)."""
        node = top.first_child
        depth = 1
        while node is not None:
            descend = self._enter(node)
            child = node.first_child if descend else None
            if child is not None:
                node, depth = child, depth + 1
                continue
            if descend:
                self._leave(node)
            while node is not None and node.next is None:
                node, depth = node.parent, depth - 1
                if depth == 0 or node is None:
                    return
                self._leave(node)
            node = node.next if node is not None else None
        self.flush()

    def _enter(self, node: LexborNode) -> bool:
        tag = node.tag
        if tag == "-text":
            self._text(node.text_content or "")
            return False
        if not node.is_element_node or tag is None:
            return False  # comments, doctype
        if tag in _NOT_RENDERED or (_hidden(node) and node.attributes.get("id") not in self.revealable):
            return False
        if self.foreign or tag in _FOREIGN:
            if not self.foreign:
                self.parts.append(" ")  # a drawing stands apart from the words around it
            self.foreign += 1
            if tag in _FOREIGN_TEXT:
                self.foreign_text += 1
            return True
        if tag == "br" and self.row_cells:  # a line break inside a data table's cell
            self.parts.append(_CELL_BREAK)
            return True
        glossary = bool(self.tables) and self.tables[-1].piped and self.tables[-1].glossary
        if glossary and tag == "dd":  # a definition: the next cell of its term's row
            if not self.row_cells:
                self.row_cells = 1  # (a definition with no term above it: an empty term cell)
            self.parts.append(_CELL)
            self.row_cells += 1
            return True
        if tag in _BLOCKS:
            self.flush()
        if tag == "table" and self.markdown:
            # (css_first matches the table itself too: a table inside it is counted instead)
            data = node.css_first(_LAYOUT_SELECTOR) is None and len(node.css("table")) == 1
            # (the header row must be as wide as the widest row: a pipe table drops cells past it)
            width = max((len(row.css("td, th")) for row in node.css("tr")), default=1) if data else 0
            self.tables.append(_Table(data, False, width))
        elif tag == "dl" and self.markdown:
            data = node.css_first(_GLOSSARY_SELECTOR) is None and len(node.css("dl")) == 1
            width, cells = 1, 1
            for child in node.iter() if data else ():
                cells = 1 if child.tag == "dt" else cells + (child.tag == "dd")
                width = max(width, cells + (child.tag == "dd" and cells == 1))
            self.tables.append(_Table(data, True, width))
        elif tag == "dt" and glossary:
            self.row_cells = 1
        if tag in _HEADINGS:
            self.prefix = _HEADINGS[tag] if self.markdown else ""
        elif tag == "ul":
            self.lists.append(None)
        elif tag == "ol":
            self.lists.append(_integer(node, "start", 1))
        elif tag == "li":
            self._item(node)
        elif tag in ("b", "strong") and self.markdown:
            self.parts.append(_BOLD_OPEN)
        elif tag == "a" and self.markdown and node.attributes.get("href") is not None:
            self.parts.append(_LINK_OPEN)
        elif tag in _PREFORMATTED:
            self.preformatted += 1
        elif tag in ("td", "th") and self.tables and self.tables[-1].piped:
            if self.row_cells:
                self.parts.append(_CELL)
            self.row_cells += 1
        elif tag in ("td", "th") and self.parts:
            self.parts.append("  " if self.markdown else " | ")
        return True

    def _leave(self, node: LexborNode) -> None:
        tag = node.tag or ""
        if self.foreign:
            self.foreign -= 1
            if tag in _FOREIGN_TEXT:
                self.foreign_text -= 1
            if not self.foreign:
                self.parts.append(" ")
            return
        if tag in ("b", "strong") and self.markdown:
            self.parts.append(_BOLD_CLOSE)
        elif tag == "a" and self.markdown and node.attributes.get("href") is not None:
            self.parts.append(_LINK_CLOSE)
            self.addresses.append("#" if (node.attributes.get("href") or "").startswith("#") else "")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "li" and self.items:
            self.items.pop()
        elif tag in _PREFORMATTED:
            self.preformatted -= 1
        if tag == "br" and self.row_cells:
            return
        if tag in ("dt", "dd") and self.tables and self.tables[-1].glossary and self.tables[-1].piped:
            return  # (the row goes on to the term's definitions; the next term or the list's end ends it)
        if tag in _BLOCKS:
            self.flush()
        if tag in ("table", "dl") and self.tables:
            if self.tables.pop().rows and self.markdown:
                self.lines.append((self.line_no, ""))  # the pipe table ends
            if tag in _HEADINGS or tag == "li":
                self.prefix = ""  # an empty heading or item marks nothing after it

    def _item(self, node: LexborNode) -> None:
        if not self.markdown:
            self.prefix = ""
            self.items.append(0)
            return
        # (a nested list stands at its parent item's text column: "1. " takes three, "- " two; a list
        # nested with no item around it, two spaces a level as before)
        indent = " " * self.items[-1] if self.items else "  " * max(len(self.lists) - 1, 0)
        number = self.lists[-1] if self.lists else None
        if number is None:
            self.prefix = f"{indent}- "
        else:
            number = _integer(node, "value", number)
            self.lists[-1] = number + 1
            self.prefix = f"{indent}{number}. "
        self.items.append(len(self.prefix))

    def _text(self, data: str) -> None:
        if self.foreign and not self.foreign_text:
            return
        if not self.line_has_text and not data.isspace():  # the first text of this line
            self.line_no = self.locate.line_of(data) if self.locate else self.line_no
            self.line_has_text = True
        if any(mark in data for mark in _CONTROL_MARKS):  # control characters in the text: not marks
            for mark in _CONTROL_MARKS:
                data = data.replace(mark, " ")
        self.parts.append(data)
        if self.preformatted:
            self.line_preformatted = True

    def flush(self) -> None:
        """End the line: blank space collapsed (kept in preformatted text: a line each, numbered
        from the first), markdown escaped."""
        text = "".join(self.parts)
        preformatted = self.line_preformatted
        self.parts, self.line_has_text, self.line_preformatted = [], False, False
        in_row, self.row_cells = self.row_cells, 0
        if in_row:
            self._row(text)
            return
        closes = text.count(_LINK_CLOSE)
        addresses, self.addresses = self.addresses[:closes], self.addresses[closes:]
        if preformatted:  # (code shows a link's text, never its syntax)
            text = text.replace(_LINK_OPEN, "").replace(_LINK_CLOSE, "")
        if not text or text.isspace():
            return
        if self.locate:
            self.locate.skip_past(text)
        rows = text.split("\n") if preformatted else [text]
        offset = 0
        for row in rows:
            row = " ".join(row.split())
            if self.markdown and row:
                row = _MARKDOWN_SPECIAL.sub(_backslash, row)
                if _BOLD_OPEN in row or _BOLD_CLOSE in row:
                    row = _bold(row)
                row = _links(row, addresses)
            if row:
                self._emit(self.line_no + offset, row)
                offset += 1 if preformatted else 0
            elif offset:
                offset += 1

    def _row(self, text: str) -> None:
        """Write a data table's row as a pipe-table row, its first with the delimiter row below it;
        rows follow one another with no blank line between them."""
        closes = text.count(_LINK_CLOSE)
        addresses, self.addresses = self.addresses[:closes], self.addresses[closes:]
        if self.locate and text.strip():
            self.locate.skip_past(text.replace(_CELL, " ").replace(_CELL_BREAK, " "))
        row = _MARKDOWN_SPECIAL.sub(_backslash, " ".join(text.split()))
        if _BOLD_OPEN in row or _BOLD_CLOSE in row:
            row = _bold(row)
        row = _links(row, addresses)
        table = self.tables[-1]
        if not table.rows:
            table.indent = self._item_indent()
            if self.lines and self.lines[-1][1]:
                self.lines.append((self.line_no, ""))  # a table starts a block of its own
        cell_texts = [cell.strip() for cell in row.split(_CELL)]
        if _CELL_BREAK in row:
            cell_texts = [_CELL_BREAK_RE.sub("<br>", cell).strip() for cell in cell_texts]
        width = max(table.width, len(cell_texts))
        if not table.rows:
            cell_texts += [""] * (width - len(cell_texts))
        # (a table that opens its list item stands on the item's marker line)
        self._mark_item()
        self.lines.append((self.line_no, (self.prefix or table.indent) + "| " + " | ".join(cell_texts) + " |"))
        self.prefix = ""
        if not table.rows:
            self.lines.append((self.line_no, table.indent + "| " + " | ".join(["---"] * width) + " |"))
        table.rows += 1

    def _item_indent(self) -> str:
        """The spaces that keep a table inside the list item it stands in: the item's text column
        when the item's marker is still to be written or its marker line is the last text written
        (a line written since at the margin has ended the list in markdown: the table then stands
        at the margin too; further in, it would be read as code)."""
        if not self.items or not self.markdown:
            return ""
        if self.prefix:
            return " " * len(self.prefix)
        written = len(self.lines)
        while written and not self.lines[written - 1][1]:
            written -= 1
        return " " * self.items[-1] if written and written - 1 == self.item_line else ""

    def _mark_item(self) -> None:
        """Note the line about to be written as a list item's marker line, when it is one."""
        if self.prefix and self.items and not self.prefix.startswith("#"):
            self.item_line = len(self.lines)

    def _emit(self, line_no: int, text: str) -> None:
        self._mark_item()
        self.lines.append((line_no, self.prefix + text))
        if self.markdown:
            self.lines.append((line_no, ""))
        self.prefix = ""


def _links(row: str, addresses: list[str]) -> str:
    """Link marks as markdown links (``[text](#)``, ``[text]()``), each close taking the next target;
    a mark whose partner is on another line (a link around a block) is dropped."""
    if _LINK_OPEN not in row and _LINK_CLOSE not in row:
        return row
    out: list[str] = []
    opened: list[int] = []
    for char in row:
        if char == _LINK_OPEN:
            opened.append(len(out))
            out.append("")
        elif char == _LINK_CLOSE:
            address = addresses.pop(0) if addresses else ""
            if opened:
                out[opened.pop()] = "["
                out.append(f"]({address})")
        else:
            out.append(char)
    return "".join(out)


def _bold(row: str) -> str:
    """Bold marks as ``**``, blank space moved outside them, empty bold runs dropped."""
    row = _SPACE_AFTER_OPEN_RE.sub("\\1\x01", row)
    row = _SPACE_BEFORE_CLOSE_RE.sub("\x02\\1", row)
    while _BOLD_OPEN + _BOLD_CLOSE in row:
        row = row.replace(_BOLD_OPEN + _BOLD_CLOSE, "")
    return " ".join(row.replace(_BOLD_OPEN, "**").replace(_BOLD_CLOSE, "**").split())


def _telling_word(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    return next(matches, None)



def _backslash(match: re.Match[str]) -> str:
    return "\\" + match.group()


def _controlled_ids(tree: LexborHTMLParser, source: str) -> frozenset[str | None]:
    """The ids named by ``aria-controls`` anywhere in the page."""
    if "aria-controls" not in source.lower():
        return frozenset()
    return frozenset(
        name for node in tree.css("[aria-controls]") for name in (node.attributes.get("aria-controls") or "").split()
    )


def _hidden(node: LexborNode) -> bool:
    """Hidden by the ``hidden`` attribute (but not ``hidden=until-found``, which find-in-page
    reveals) or by an inline ``display: none``."""
    attributes = node.attributes
    if not attributes:
        return False
    if "hidden" in attributes and (attributes["hidden"] or "").strip().lower() != "until-found":
        return True
    style = attributes.get("style") or ""
    return "none" in style.lower() and _DISPLAY_NONE_RE.search(style) is not None


def _integer(node: LexborNode, name: str, default: int) -> int:
    value = (node.attributes.get(name) or "").strip()
    match = re.match(r"[+-]?\d{1,9}", value)
    return int(match.group()) if match else default


def _parse(text: str) -> LexborHTMLParser:
    from selectolax.lexbor import LexborHTMLParser  # only for HTML: its import costs ~35 ms

    return LexborHTMLParser(_limit_nesting(text), scripting=True)


MAX_DEPTH = 1_000
"""Elements open at once, at most, before the page is parsed. The standard algorithm looks through
the open elements for many tags (is a ``<p>`` open, in which scope), so a page of 40,000 unclosed
``<div>`` takes 13 s to parse and twice as many four times as long. Browsers cap the depth too
(Blink at 512). Real pages nest a few dozen deep."""
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:[\s/][^>]*)?>|<!--")
"""A tag, roughly (an attribute value holding ``>`` ends it early: the depth is only estimated)."""
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"})
_NOT_NESTING = frozenset(
    """area base basefont bgsound br col embed frame hr img image input keygen link meta param source
    track wbr p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp rtc html
    head body""".split()
)
"""Elements that hold nothing, or that the next of their kind closes: they never pile up."""


def _limit_nesting(text: str) -> str:
    """The page with every start tag past :data:`MAX_DEPTH` open elements taken out (a block's
    replaced by a line break; text and source lines kept: what was inside it stands in the element
    around it, as in a browser past its cap), so parsing stays linear. Comments and raw text (scripts, styles) are passed over. A page
    nested less deeply, any real page, is returned as it is, unchanged."""
    if text.count("<") <= MAX_DEPTH:
        return text
    depth, skip_to, cuts = 0, 0, []
    for match in _TAG_RE.finditer(text):
        start = match.start()
        if start < skip_to:
            continue
        name = match.group(2)
        if name is None:  # a comment: passed over to its end
            end = text.find("-->", start + 4)
            if end < 0:
                break
            skip_to = end + 3
            continue
        name = name.lower()
        if match.group(1):  # an end tag
            if depth and name not in _NOT_NESTING:
                depth -= 1
        elif name in _RAW_TEXT:
            close = re.compile(rf"</{name}[\s/>]", re.IGNORECASE).search(text, match.end())
            if close is None:
                break
            skip_to = close.end()
        elif name in _NOT_NESTING or match.group().endswith("/>"):
            continue
        elif depth >= MAX_DEPTH:
            cuts.append((start, match.end(), "<br>" if name in _BLOCKS else ""))
        else:
            depth += 1
    if not cuts:
        return text
    pieces, last = [], 0
    for start, end, replacement in cuts:
        pieces += [text[last:start], replacement, "\n" * text.count("\n", start, end)]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _page_title(tree: LexborHTMLParser) -> str | None:
    """The text of the first ``<title>`` outside SVG, as a browser's tab shows it."""
    for node in tree.css("title"):
        ancestor = node.parent
        while ancestor is not None and ancestor.tag not in _FOREIGN:
            ancestor = ancestor.parent
        if ancestor is None:
            return _SPACES_RE.sub(" ", node.text(deep=True)).strip() or None
    return None


def html_to_markdown(text: str) -> tuple[str, list[int], str | None]:
    """Markdown text, the HTML source line of each of its lines, and the page's ``<title>``."""
    tree = _parse(text)
    reading = _Reading(_SourceLines(text), markdown=True, revealable=_controlled_ids(tree, text))
    if tree.root is not None:
        reading.read(tree.root)
    lines = reading.lines
    return "\n".join(line for _, line in lines), [n for n, _ in lines], _page_title(tree)


def visible_lines(fragment: str) -> list[str]:
    """The lines a browser shows of an HTML fragment (raw HTML in markdown): plain text, a line per
    block, ``<br>`` and row; comments, attributes and unseen elements give nothing."""
    tree = _parse(fragment)
    reading = _Reading(None, markdown=False, revealable=_controlled_ids(tree, fragment))
    if tree.root is not None:
        reading.read(tree.root)
    return [line for _, line in reading.lines]
