"""Raw HTML written inside markdown, read as a reader of the rendered page sees it.

Markdown lets a text carry HTML: a block (``html_block``) or a tag within a paragraph
(``html_inline``). Its tags, attributes (link addresses), comments and the content of scripts,
styles and hidden elements are not words a reader sees; ``<br>`` is a line break. The HTML is read by
the same standard parser as a saved page (:func:`policydiff.core.webpage.visible_lines`), the
paragraph's markdown text around inline tags escaped into it.

A tag that hides what follows it must also end where it starts (in the same paragraph, or the same
HTML block): a markdown text that merely mentions a tag in its prose ("never put a <script> tag in a
comment") would otherwise hide the rest of its paragraph, or, for an HTML block, of the whole text.
Such a fragment is read as the text it is written as, every word of it compared. So is a "tag" that
names no HTML element (``<Data Protection Officer>``, ``<EU Representative>``): angle brackets
around a label, which a text converted from a web page often keeps, not markup.
"""

from __future__ import annotations

import html
import re
from typing import Callable, Sequence

from markdown_it.token import Token

from policydiff.core.webpage import visible_lines

_END_MARK = "\ue000policydiff-end-of-fragment\ue001"
"""Text put after a fragment: not seen when something in the fragment hides through to its end (an
open comment, script, template, SVG drawing, hidden element...)."""
_HTML_ELEMENTS = frozenset(
    """a abbr acronym address area article aside audio b base basefont bdi bdo bgsound big blink
    blockquote body br button canvas caption center cite code col colgroup data datalist dd del
    details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame
    frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe image img input ins isindex kbd
    keygen label legend li link listing main map mark marquee math menu menuitem meta meter multicol
    nav nextid nobr noembed noframes noscript object ol optgroup option output p param picture
    plaintext pre progress q rb rp rt rtc ruby s samp script search section select slot small source
    spacer span strike strong style sub summary sup svg table tbody td template textarea tfoot th
    thead time title tr track tt u ul var video wbr xmp
    """
    # SVG and MathML, written inside <svg> and <math>
    """circle clippath defs desc ellipse feblend fecolormatrix fegaussianblur filter foreignobject g
    line lineargradient marker mask metadata path pattern polygon polyline radialgradient rect stop
    switch symbol text textpath tspan use view
    maction math menclose merror mfrac mi mmultiscripts mn mo mover mpadded mphantom mroot mrow ms
    mspace msqrt mstyle msub msubsup msup mtable mtd mtext mtr munder munderover semantics annotation
    """.split()
)
"""Every element name the HTML Standard defines or still parses (obsolete ones included), and those
of SVG and MathML (compared in lower case)."""
_VOID_ELEMENTS = frozenset(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param source track wbr".split()
)
"""Elements that have no end tag."""
_BARE_ATTRIBUTES = frozenset(
    """allowfullscreen async autofocus autoplay checked controls default defer disabled download
    formnovalidate hidden inert ismap itemscope loop multiple muted nomodule novalidate open
    playsinline readonly required reversed selected""".split()
)
"""Attributes written without a value in real markup (boolean attributes)."""
# A complete tag as CommonMark defines one: a name, attributes (with or without a value), an end.
_TAG_RE = re.compile(
    r"""<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"""
)
_ATTRIBUTE_RE = re.compile(r"""([A-Za-z_:][A-Za-z0-9_.:-]*)(\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def _is_markup(match: re.Match[str]) -> bool:
    """A tag of an HTML element (or a custom element, named with a hyphen) whose bare attributes are
    boolean ones: ``<Data Protection Officer>`` names the ``data`` element but is a label."""
    name = match.group(2).lower()
    if name not in _HTML_ELEMENTS and "-" not in name:
        return False
    return all(
        value or attribute.lower() in _BARE_ATTRIBUTES or attribute.lower().startswith(("data-", "aria-"))
        for attribute, value in _ATTRIBUTE_RE.findall(match.group(3))
    )


def _escape_non_elements(fragment: str) -> str:
    """A tag that is no HTML element's (see :func:`_is_markup`) as the text it is written as."""
    if "<" not in fragment:
        return fragment
    return _TAG_RE.sub(lambda match: match.group() if _is_markup(match) else "&lt;" + match.group()[1:], fragment)


_HIDING_ELEMENTS = frozenset("head math noembed noframes noscript object script style svg template title".split())
"""Elements whose content a reader does not see as text (scripting on, as in a browser)."""


def _hides_without_end(fragment: str) -> bool:
    """Whether the fragment opens a hiding element (or one with ``hidden``) without its own end tag:
    the parser may end it for us at a later tag (``<svg> A <p>`` ends the drawing at ``<p>``), and
    what it hid on the way is a mention's words, not markup's content."""
    open_count: dict[str, int] = {}
    for match in _TAG_RE.finditer(fragment):
        if not _is_markup(match):
            continue
        name = match.group(2).lower()
        hides = name in _HIDING_ELEMENTS or re.search(r"(?i)(?:^|\s)hidden\b", match.group(3)) is not None
        if match.group(1):
            if open_count.get(name, 0) > 0:
                open_count[name] -= 1
        elif hides and name not in _VOID_ELEMENTS and not match.group().endswith("/>"):
            open_count[name] = open_count.get(name, 0) + 1
    return any(open_count.values())


def fragment_lines(fragment: str) -> list[str] | None:
    """The lines a reader sees of an HTML fragment, or None to read it as the text it is written as:
    when it holds no markup, or when something it opens (a comment, a script, a hidden element)
    would hide everything after it, or is ended only by a later tag."""
    if "<!--" not in fragment and not any(_is_markup(match) for match in _TAG_RE.finditer(fragment)):
        return None  # no markup: text as written
    if _hides_without_end(fragment):
        return None
    lines = visible_lines(_escape_non_elements(fragment) + " " + _END_MARK)
    if not lines or not lines[-1].endswith(_END_MARK):
        return None
    last = lines.pop()[: -len(_END_MARK)].rstrip()
    return lines + [last] if last else lines


def block_lines(content: str) -> list[str]:
    """The lines of an ``html_block`` as a reader sees them."""
    lines = fragment_lines(content)
    if lines is None:
        return [line.strip() for line in content.split("\n") if line.strip()]
    return lines


def _unbalanced(children: Sequence[Token]) -> set[int]:
    """Indices of the ``html_inline`` tags of a paragraph that are mentions, not markup: a start tag
    (of an element with content) whose end tag is not in the paragraph, an end tag whose start tag
    is not, a tag of no HTML element. "Use <p> for a paragraph" shows its words."""
    mentions: set[int] = set()
    open_tags: list[tuple[str, int]] = []
    for index, child in enumerate(children):
        if child.type != "html_inline":
            continue
        match = _TAG_RE.fullmatch(child.content.strip())
        if match is None:
            continue  # a comment, declaration or processing instruction: complete by its syntax
        if not _is_markup(match):
            mentions.add(index)
            continue
        name = match.group(2).lower()
        if match.group(1):  # an end tag
            if any(tag == name for tag, _ in open_tags):
                while open_tags.pop()[0] != name:
                    pass
            else:
                mentions.add(index)
        elif name not in _VOID_ELEMENTS and not child.content.rstrip().endswith("/>"):
            open_tags.append((name, index))
    mentions.update(index for _, index in open_tags)
    return mentions


def inline_text(children: Sequence[Token], render: Callable[[Sequence[Token]], str]) -> str:
    """The text of a paragraph's inline tokens holding ``html_inline`` tags, as a reader sees it:
    lines joined by ``\\n``. ``render`` renders the same tokens without the HTML (the fallback, and
    an image's description)."""
    pieces: list[str] = []
    mentions = _unbalanced(children)
    for index, child in enumerate(children):
        kind = child.type
        if kind in ("text", "code_inline") or index in mentions:
            pieces.append(html.escape(child.content, quote=False))
        elif kind == "html_inline":
            pieces.append(child.content)
        elif kind == "softbreak":
            pieces.append("\n")
        elif kind == "hardbreak":
            pieces.append("<br>")
        elif kind == "image":
            pieces.append(html.escape(render(child.children or []), quote=False))
    lines = fragment_lines("".join(pieces))
    if lines is None:
        return render(children)
    return "\n".join(lines)
