"""Recover a policy's structure: plain text or messy web-extracted markdown to markdown with real
headings, plus the document's metadata (title, date, provenance).

The rules look at the shape of a line and at its neighbours, never at particular wordings:

* a heading stands alone (its own paragraph or line), is short, does not end like a sentence or a
  lead-in (``,;:``), and is followed by prose;
* numbered headings (``1.``, ``6.1``, ``1\\.``, ``(1)``) must continue the numbering they are in and
  nest by their depth;
* a paragraph that is entirely bold is a heading; a bold lead-in inside a paragraph is not;
* table debris (``|``, ``---|---``), lone bullet glyphs and web navigation carry no content: they are
  recorded as omitted lines, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from policydiff.core.model import Document, OmittedLine, Section
from policydiff.core.sections import build_sections, split_number
from policydiff.core.webpage import html_to_markdown, looks_like_html

_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_PROVENANCE_RE = re.compile(r"^>\s*\*?.*\b(?:extracted|archived|retrieved|snapshot)\b", re.IGNORECASE)
_ARCHIVED_RE = re.compile(r"archived on (\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_LINK_URL_RE = re.compile(r"\]\((https?://[^)\s]+)\)")
_DEBRIS_RE = re.compile(r"^[\s|:\-\u2022\u00b7*]*$")  # only table rules, pipes, bullets
_BULLET_GLYPH_RE = re.compile(r"^\s*[\u2022\u00b7\u25aa\u25cf\-\*]\s*$")
_LEADING_PIPES_RE = re.compile(r"^\s*(?:\|\s*)+")
_TRAILING_PIPES_RE = re.compile(r"(?:\s*\|)+\s*$")
_LIST_ITEM_RE = re.compile(r"^\s*(?:[*+\-\u2022]|\d{1,3}[.)])\s+")
_INDENTED_LIST_RE = re.compile(r"^\s{2,}(?:[*+\-\u2022]|\d{1,3}[.)])\s")
_BOLD_LINE_RE = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*$")
_NAVIGATION_RE = re.compile(
    r"^(?:(?:back|return|go) to (?:the )?top(?: of (?:the |this )?page)?|(?:page )?top of (?:the |this )?page"
    r"|page top|to top|displaying (?:the )?present location in (?:the|this) site|you are here"
    r"|skip to (?:main )?content|skip navigation|print(?: this page)?|share this page|breadcrumbs?)\W*$",
    re.IGNORECASE,
)
_BREADCRUMB_RE = re.compile(r"^[^>]{1,60}(?:\s+(?:>|\u203a|\u00bb)\s+[^>]{1,60})+$")
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 1, 2002
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}"  # 31 December 2019
    rf"|{_MONTHS},?\s+\d{{4}}"  # September 2024
    r"|\d{4}-\d{1,2}-\d{1,2}"  # 2018-05-25
    r"|\d{1,2}\s*[./]\s*\d{1,2}\s*[./]\s*\d{2,4})"  # 21.5. 2018, 05/25/2018
)
_DATE_CUES = (  # strongest first: a "last updated" line beats an "established" line
    r"last\s+(?:updated?|modified|revised|changed|amended|reviewed)",
    r"effective(?:\s+date)?|effective\s+as\s+of",
    r"(?:revised|updated|modified)(?:\s+on)?",
)
_SENTENCE_END = ".!?"
_TRAILING_FUNCTION_WORDS = frozenset(
    "a an the of to and or nor for with when by in on at as that which if your our their its is are from "
    "such than whether where".split()
)


@dataclass
class _Line:
    """What the recovery decided about one source line."""

    text: str
    """The line after debris was stripped (pipes, escapes left for markdown)."""
    kind: str = "content"
    """``content``, ``blank``, ``heading``, ``omitted``, ``title``."""
    rank: int = 0
    """Markdown heading rank for headings (1..6)."""
    reason: str = ""
    """Why an omitted line carries no content."""
    bullet: bool = False
    """The line is a list item whose bullet glyph stood on the line before."""
    standalone: bool = True
    """The line is a paragraph (or hard-broken line) of its own, not part of a wrapped sentence."""
    markup: bool = False
    """A heading whose text is markdown as written (an ATX heading), not plain text to escape."""


def parse_document(
    text: str, *, name: str = "<text>", path: str | None = None, sha256: str = "", encoding: str = "utf-8"
) -> Document:
    """Recover the structure of a policy text (markdown, plain text or a saved web page)."""
    if looks_like_html(text) or (name.lower().endswith((".html", ".htm")) and "<" in text):
        markdown, html_lines, page_title = html_to_markdown(text)
        # Converted exactly once: the markdown may itself look like HTML (an escaped "<" in the text).
        document = _parse_markdown(markdown, name=name, path=path, sha256=sha256, encoding=encoding)
        return _renumber_lines(document, html_lines, page_title)
    return _parse_markdown(text, name=name, path=path, sha256=sha256, encoding=encoding)


def _parse_markdown(
    text: str, *, name: str, path: str | None, sha256: str, encoding: str
) -> Document:
    """Recover the structure of markdown or plain text; never treats it as HTML."""
    raw = text.split("\n")
    lines = [_Line(line) for line in raw]
    markdown_mode = _looks_like_markdown(raw)
    source, archived = _take_provenance(lines)
    _mark_debris(lines)
    _mark_standalone(lines, markdown_mode)
    title = _take_title(lines, markdown_mode)
    _mark_headings(lines, markdown_mode)
    markdown, source_lines = _emit_markdown(lines, markdown_mode)
    preamble, sections = build_sections(markdown, source_lines)
    omitted = tuple(
        OmittedLine(i + 1, raw[i], line.reason) for i, line in enumerate(lines) if line.kind == "omitted"
    )
    return Document(
        name=name,
        path=path,
        title=title,
        date=find_date(raw),
        source=source,
        archived=archived,
        preamble=preamble,
        sections=sections,
        omitted=omitted,
        sha256=sha256,
        encoding=encoding,
    )


def _renumber_lines(document: Document, source_lines: Sequence[int], page_title: str | None) -> Document:
    """Point every line number of a document parsed from converted HTML back at the HTML file."""

    def source(line: int) -> int:
        return source_lines[line - 1] if 0 < line <= len(source_lines) else line

    def section(s: Section) -> Section:
        return replace(s, line=source(s.line), children=tuple(section(c) for c in s.children))

    return replace(
        document,
        title=document.title or page_title,
        preamble=section(document.preamble),
        sections=tuple(section(s) for s in document.sections),
        omitted=tuple(
            replace(o, line=source(o.line), text=re.sub(r"\\(.)", r"\1", o.text)) for o in document.omitted
        ),
    )


def find_date(lines: Sequence[str]) -> str | None:
    """The date a policy states for itself, as written (``March 1, 2002``)."""
    for cue in _DATE_CUES:
        pattern = re.compile(rf"\b(?:{cue})\b\s*(?:on|as of|:|-|\u2013)?\s*:?\s*({_DATE})", re.IGNORECASE)
        for line in lines:
            match = pattern.search(line)
            if match:
                return re.sub(r"\s+", " ", match.group(1)).strip()
    return None


def _looks_like_markdown(raw: Sequence[str]) -> bool:
    """Markdown if the text uses markdown's own block or inline syntax somewhere."""
    for line in raw:
        if _ATX_RE.match(line) and line.lstrip().startswith("#"):
            return True
        if line.startswith(">") or "**" in line or "](" in line or _INDENTED_LIST_RE.match(line):
            return True
        if "\\." in line or line.rstrip("\n").endswith("  ") and line.strip():
            return True
    return False


def _take_provenance(lines: list[_Line]) -> tuple[str | None, str | None]:
    """A leading note saying where the text was taken from becomes metadata, not content."""
    for line in lines:
        if not line.text.strip():
            continue
        if _PROVENANCE_RE.match(line.text):
            line.kind, line.reason = "omitted", "provenance"
            archived = _ARCHIVED_RE.search(line.text)
            url = _LINK_URL_RE.search(line.text)
            return (url.group(1) if url else None), (archived.group(1) if archived else None)
        break
    return None, None


def _mark_debris(lines: list[_Line]) -> None:
    """Drop table rules, empty cells and lone bullet glyphs; strip cell pipes from text lines."""
    pending_bullet = False
    for line in lines:
        if line.kind != "content":
            continue
        stripped = line.text.strip()
        if not stripped:
            line.kind = "blank"
            continue
        if _BULLET_GLYPH_RE.match(line.text):
            line.kind, line.reason = "omitted", "bullet glyph (joined to the next line)"
            pending_bullet = True
            continue
        if _DEBRIS_RE.match(line.text) and not re.fullmatch(r"\s*(?:\*\s*){3,}", line.text):
            line.kind, line.reason = "omitted", "table debris"
            continue
        if "|" in line.text:
            cleaned = _TRAILING_PIPES_RE.sub("", _LEADING_PIPES_RE.sub("", line.text))
            hard_break = line.text.endswith("  ")
            line.text = cleaned.strip() + ("  " if hard_break else "")
        if _NAVIGATION_RE.match(stripped) or _is_breadcrumb(stripped):
            line.kind, line.reason = "omitted", "navigation"
            continue
        if pending_bullet:
            line.bullet, pending_bullet = True, False


def _is_breadcrumb(stripped: str) -> bool:
    stripped = _plain(stripped)
    if not _BREADCRUMB_RE.match(stripped):
        return False
    parts = re.split(r"\s+(?:>|\u203a|\u00bb)\s+", stripped)
    return all(len(_plain(p).split()) <= 5 for p in parts)


def _mark_standalone(lines: list[_Line], markdown_mode: bool) -> None:
    """Decide which lines start a paragraph of their own (candidates for headings)."""
    previous: _Line | None = None
    for line in lines:
        if line.kind != "content":
            if line.kind in ("blank", "omitted"):
                previous = None
            continue
        if previous is None:
            line.standalone = True
        elif markdown_mode:
            line.standalone = previous.text.endswith("  ") or previous.text.endswith("\\")
        else:
            tail = previous.text.rstrip()
            head = line.text.lstrip()
            continues = tail[-1:] not in _SENTENCE_END + ":;" and head[:1].islower()
            line.standalone = not continues
        previous = line


def _take_title(lines: list[_Line], markdown_mode: bool) -> str | None:
    """The first ``#`` heading before any content, or the title line of a plain page.

    A plain page starts with short lines (breadcrumbs, then the page title) before its first prose;
    the last of them that is not itself a heading of the text below is the title, the ones before it
    are navigation.
    """
    content = [i for i, line in enumerate(lines) if line.kind == "content"]
    if not content:
        return None
    first = lines[content[0]]
    match = _ATX_RE.match(first.text)
    if match and first.text.lstrip().startswith("#"):
        if len(match.group(1)) == 1:
            first.kind = "title"
            return _plain(match.group(2)) or None
        return None
    if markdown_mode and not _is_short_line(first.text):
        return None
    block: list[int] = []
    for i in content:
        if not _is_short_line(lines[i].text) or lines[i].bullet or _LIST_ITEM_RE.match(lines[i].text):
            break
        if _ATX_RE.match(lines[i].text) and lines[i].text.lstrip().startswith("#"):
            break
        if split_number(_plain(lines[i].text))[0] is not None:
            break
        block.append(i)
    if not block:
        return None
    # The last short line right before prose heads that prose: it is a section, not the title.
    if len(block) > 1 and _followed_by_prose(lines, block[-1]):
        block.pop()
    *navigation, title_index = block
    for i in navigation:
        lines[i].kind, lines[i].reason = "omitted", "navigation"
    lines[title_index].kind = "title"
    return _plain(lines[title_index].text)


def _is_short_line(text: str) -> bool:
    plain = _plain(text)
    return 0 < len(plain.split()) <= 10 and len(plain) <= 80 and plain[-1:] not in ",;:"


def _plain(text: str) -> str:
    """Text without markdown emphasis, escapes, link targets and pipes, for judging a line's shape."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\\(.)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _next_content(lines: Sequence[_Line], index: int) -> _Line | None:
    for line in lines[index + 1 :]:
        if line.kind in ("content", "heading"):
            return line
    return None


def _is_prose(text: str) -> bool:
    """A sentence or paragraph of running text, not another short label."""
    plain = _plain(text)
    words = plain.split()
    if not words:
        return False
    # Ends like a sentence, or is long; a mid-length line counts when it has no figures (an address does).
    if plain[-1] in _SENTENCE_END + ":;":
        return len(words) >= 4  # "Hitachi, Ltd." closes a signature block, not a sentence
    return len(words) >= 12 or (len(words) >= 7 and not re.search(r"\d", plain))


def _followed_by_prose(lines: Sequence[_Line], index: int) -> bool:
    """The next content is running text or a list, not another heading or short label."""
    following = _next_content(lines, index)
    if following is None or following.kind == "heading":
        return False
    plain = _plain(following.text)
    number, rest = split_number(plain)
    if number is not None and _dotted(number) and _is_heading_text(rest, allow_period=False):
        return False  # a numbered heading-shaped line: the candidate is a label above it
    if following.bullet or _LIST_ITEM_RE.match(following.text):
        # A lead-in sentence above a list is prose itself, not a heading.
        return not _is_prose(lines[index].text)
    return _is_prose(following.text)


@dataclass
class _Numbering:
    """The numbering context headings must continue."""

    top: list[int]
    """Numbers of depth-1 numbered headings seen so far."""
    current: tuple[int, ...] = ()
    """Full number of the last dotted heading (``(6, 1)`` for 6.1)."""


def _mark_headings(lines: list[_Line], markdown_mode: bool) -> None:
    """Find every heading and give it a markdown rank."""
    has_atx_sections = any(
        line.kind == "content" and line.text.lstrip().startswith("#") and _ATX_RE.match(line.text)
        for line in lines
    )
    # A line whose title stands again further down as a marked-up heading is a table-of-contents
    # entry pointing at it, not a heading itself.
    marked_titles: dict[str, int] = {}
    for index, line in enumerate(lines):
        if line.kind != "content":
            continue
        atx = _ATX_RE.match(line.text)
        if atx and line.text.lstrip().startswith("#"):
            marked_titles[_title_key(atx.group(2))] = index
        elif bold := _BOLD_LINE_RE.match(line.text):
            marked_titles[_title_key(bold.group(1))] = index
    top_rank = 2
    last_atx_rank = 1
    last_numbered_rank = 1
    numbering = _Numbering(top=[])
    for index, line in enumerate(lines):
        if line.kind != "content":
            continue
        match = _ATX_RE.match(line.text)
        if match and line.text.lstrip().startswith("#"):
            line.kind, line.rank, line.markup = "heading", len(match.group(1)), True
            line.text = match.group(2)
            last_atx_rank = line.rank
            last_numbered_rank = line.rank
            number = _dotted(split_number(_plain(line.text))[0])
            if number:
                numbering.current = number
                if len(number) == 1:
                    numbering.top.append(number[0])
            continue
        if not line.standalone or line.bullet or not _ends_paragraph(lines, index, markdown_mode):
            continue
        if markdown_mode and (_INDENTED_LIST_RE.match(line.text) or re.match(r"^\d{1,3}[.)]\s", line.text)):
            continue  # a markdown list item, never a heading
        base = last_atx_rank if has_atx_sections else top_rank - 1
        bold = _BOLD_LINE_RE.match(line.text)
        if bold:
            inner = _plain(bold.group(1))
            if _is_heading_text(inner, allow_period=len(inner.split()) <= 8) and _followed_by_prose(lines, index):
                line.kind, line.rank, line.text = "heading", min(base + 1, 6), inner
            continue
        plain = _plain(line.text)
        if marked_titles.get(_title_key(plain), -1) > index:
            continue
        number, rest = split_number(plain)
        if number is not None:
            rank = _numbered_rank(number, rest, numbering, base, last_numbered_rank)
            if rank and _followed_by_prose_or_child(lines, index):
                line.kind, line.rank, line.text = "heading", rank, plain
                if _dotted(number):
                    last_numbered_rank = rank
            continue
        if (
            _is_heading_text(plain, allow_period=False)
            and not re.search(r"\d", plain)
            and ":" not in plain
            and _followed_by_prose(lines, index)
        ):
            line.kind, line.rank, line.text = "heading", min(base + 1, 6), plain


def _title_key(text: str) -> str:
    """A title compared without markup, numbering, case or trailing punctuation."""
    return split_number(_plain(text))[1].lower().rstrip(".:")


def _ends_paragraph(lines: Sequence[_Line], index: int, markdown_mode: bool) -> bool:
    """The line is not continued by the next one (so it is a whole paragraph or hard-broken line)."""
    following = lines[index + 1] if index + 1 < len(lines) else None
    if following is None or following.kind != "content":
        return True
    if not markdown_mode or lines[index].text.endswith("  "):
        return following.standalone
    return bool(_LIST_ITEM_RE.match(following.text))


def _is_heading_text(plain: str, *, allow_period: bool) -> bool:
    words = plain.split()
    if not 1 <= len(words) <= 14 or len(plain) > 100:
        return False
    if re.search(r"@|://|\bwww\.", plain):  # an address or link on its own line is content
        return False
    first = plain.lstrip("\"'\u201c\u2018(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    last = plain[-1]
    if last in ",;:" or (last == "." and not allow_period):
        return False
    # A heading does not stop on a function word; a line that does is a wrapped sentence.
    # (Case-sensitive: "Part A" ends on a label, "the data of a" on a word.)
    return words[-1] not in _TRAILING_FUNCTION_WORDS


def _dotted(number: str | None) -> tuple[int, ...]:
    if number and re.fullmatch(r"\d+(?:\.\d+)*", number):
        return tuple(int(part) for part in number.split("."))
    return ()


def _numbered_rank(
    number: str, rest: str, numbering: _Numbering, base: int, last_numbered_rank: int
) -> int:
    """Rank for a numbered heading line, or 0 when the numbering or the shape says it is not one."""
    if not _is_heading_text(rest, allow_period=len(rest.split()) <= 6):
        return 0
    dotted = _dotted(number)
    if dotted:
        if len(dotted) == 1:
            previous = numbering.top[-1] if numbering.top else 0
            if not previous < dotted[0] <= previous + 3:
                return 0
            numbering.top.append(dotted[0])
        else:
            if dotted[:-1] != numbering.current[: len(dotted) - 1]:  # 6.1 only inside 6
                return 0
            if numbering.top and dotted[0] != numbering.top[-1]:
                return 0
        numbering.current = dotted
        return min(base + len(dotted), 6)
    # (1), (a), A., IV.: one level below the numbered heading they sit in
    return min(last_numbered_rank + 1, 6) if numbering.current or numbering.top else min(base + 1, 6)


def _followed_by_prose_or_child(lines: Sequence[_Line], index: int) -> bool:
    """A numbered heading heads prose or its own first subsection (``12.`` then ``12.1``), never a
    sibling: a run of numbered lines with nothing between them is a list or a table of contents."""
    following = _next_content(lines, index)
    if following is None:
        return False
    if _followed_by_prose(lines, index):
        return True
    number, _ = split_number(_plain(lines[index].text))
    child, rest = split_number(_plain(following.text))
    if child is None or not _is_heading_text(rest, allow_period=True):
        return False
    mine, theirs = _dotted(number), _dotted(child)
    if mine and theirs:
        return len(theirs) > len(mine) and theirs[: len(mine)] == mine
    return child.startswith("(") and not (number or "").startswith("(")


def _emit_markdown(lines: Sequence[_Line], markdown_mode: bool) -> tuple[str, list[int]]:
    """Markdown text plus, for each of its lines, the 1-based source line it came from."""
    out: list[str] = []
    source: list[int] = []

    def emit(text: str, line_no: int) -> None:
        out.append(text)
        source.append(line_no)

    for i, line in enumerate(lines):
        n = i + 1
        if line.kind in ("blank", "omitted", "title"):
            emit("", n)
        elif line.kind == "heading":
            emit("", n)
            emit("#" * line.rank + " " + (line.text if line.markup else _escape(line.text)), n)
            emit("", n)
        elif markdown_mode:
            text = line.text
            if line.bullet:
                emit("", n)
                text = "- " + text.lstrip()
            elif line.standalone and out and out[-1] and not text.startswith(" "):
                if not _LIST_ITEM_RE.match(text) and _is_setext_or_break_risk(text):
                    text = "\\" + text.lstrip()
            emit(text, n)
        else:
            if line.standalone:
                emit("", n)
            stripped = line.text.strip()
            if line.bullet:
                emit("- " + _escape(stripped), n)
            elif re.match(r"^[-\u2022*]\s+\S", stripped):
                emit("- " + _escape(stripped[1:].strip()), n)
            else:
                emit(_escape(stripped), n)
    return "\n".join(out) + "\n", source


def _is_setext_or_break_risk(text: str) -> bool:
    """A line that markdown would read as a heading underline or a rule under the previous line."""
    return bool(re.fullmatch(r"\s*(?:=+|-+|(?:\*\s*){3,}|(?:_\s*){3,})\s*", text))


_ESCAPE_RE = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~=])")


def _escape(text: str) -> str:
    """Plain text as markdown that renders back to exactly that text."""
    return _ESCAPE_RE.sub(r"\\\1", text)
