"""The unit the outline rules judge: one top-level block of the token stream, and the token helpers
the rules share (list items, inline runs, the next worded block)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence, TypeVar

from markdown_it.token import Token

from policydiff.core.outline.thresholds import DEFAULT
from policydiff.core.sections import render_inline, split_number
from policydiff.core.shapes import bare_title_key, is_date_stamp, may_hold_figure, plain

MAX_BOLD_WORDS = DEFAULT.max_title_words
"""(The helpers shared with the reader take the default threshold.)"""

# What a block's text may hold, as bits: a rule that can give a verdict only on blocks with some of
# them says so (``requires``), and the engine does not call it on other blocks (nor work out what it
# would need first). Each bit is a necessary condition, cheap to test, never a judgement.
EMPTY = 1
"""The text has no characters (an empty declared heading)."""
FIGURE = 2
"""The text may hold a figure: an ASCII digit, or any non-ASCII character (other scripts' digits)."""
COLON = 4
"""The text ends with a colon."""


def text_features(text: str) -> int:
    """The bits (``EMPTY``, ``FIGURE``, ``COLON``) that hold of ``text``."""
    if not text:
        return EMPTY
    features = FIGURE if may_hold_figure(text) else 0
    return features | COLON if text[-1] == ":" else features


Rule = TypeVar("Rule", bound=Callable[..., object])


def requires(features: int) -> Callable[[Rule], Rule]:
    """Declare that a rule gives no verdict on a block lacking any of ``features``: the engine skips
    it there (its verdicts stay the same, only fewer calls are made)."""

    def declare(rule: Rule) -> Rule:
        rule.requires = features  # type: ignore[attr-defined]
        return rule

    return declare


@dataclass(slots=True)
class Block:
    """One top-level unit of the token stream: a declared heading, one line of a paragraph, a list,
    or another block (table, quote, code, HTML), with what the rules decide about it."""

    kind: str
    """``heading`` (declared), ``line`` (a hard line of a top-level paragraph), ``list``, ``other``."""
    text: str
    """Plain text: the line or heading; for lists and other blocks, their rendered lines."""
    line: int
    """0-based markdown line."""
    level: int = 0
    """Declared heading level."""
    setext: bool = False
    detached: bool = False
    """A setext heading whose underline a blank line cut off (read as a rule by the parser)."""
    emphasis: bool = False
    """The whole line is bold or italic."""
    link_only: bool = False
    """The whole line is one or more links."""
    in_table: bool = False
    """The block is the text of a table's cells (a table laid out as a page)."""
    paragraph_start: bool = True
    """The line starts its paragraph (a later hard line of a paragraph continues it)."""
    wrapped: bool = False
    """The line runs over several source lines (soft line breaks: a sentence wrapped)."""
    tokens: Sequence[Token] = ()
    """The block's tokens (lists and other blocks)."""
    rank: int = 0
    """Heading rank once decided; 0 for text."""
    rule: str = ""
    """The rule that made this a heading, or that says why a heading-like line is not one."""
    evidence: str = ""
    """The rule's reason, in a few words."""
    metadata: str = ""
    """Why the block is set aside as metadata (still compared where it stands)."""
    items: Sequence[Block] = ()
    """For a list whose items are sections: one heading block per item, then its text."""
    known_key: str | None = field(default=None, repr=False, compare=False)
    """(``key``, once worked out.)"""
    known_date_stamp: bool | None = field(default=None, repr=False, compare=False)
    """(``date_stamp``, once worked out.)"""
    known_split: tuple[str | None, str] | None = field(default=None, repr=False, compare=False)
    """(``split``, once worked out.)"""
    known_features: int = field(default=-1, repr=False, compare=False)
    """(``features``, once worked out.)"""

    @property
    def features(self) -> int:
        """The bits of ``text_features`` that hold of the text, worked out once (the engine reads
        them of every block it judges, the reader of every block to find the date)."""
        if self.known_features < 0:
            self.known_features = text_features(self.text)
        return self.known_features

    @property
    def key(self) -> str:
        """The text's title key (``shapes.title_key``), worked out once: several rules compare a
        block's title with others' (contents entries, repeated labels), each of them per block."""
        if self.known_key is None:
            # (Most texts have no markup for ``plain`` to take off: their number is then the one
            # ``split`` finds, worked out once for both.)
            text = self.text
            bare = plain(text)
            self.known_key = bare_title_key(self.split[1] if bare == text else split_number(bare)[1])
        return self.known_key

    @property
    def split(self) -> tuple[str | None, str]:
        """The text's number and the words after it (``sections.split_number``), worked out once:
        the engine reads it of every line it judges and of every heading it ranks, and the section
        tree of every heading."""
        if self.known_split is None:
            self.known_split = split_number(self.text)
        return self.known_split

    @property
    def date_stamp(self) -> bool:
        """The text only dates the document (``shapes.is_date_stamp``), worked out once: the engine
        asks it of every declared heading before the rules do."""
        if self.known_date_stamp is None:
            self.known_date_stamp = is_date_stamp(self.text)
        return self.known_date_stamp


def block_end(tokens: Sequence[Token], start: int) -> int:
    """Index after the block that opens at ``start`` (a leaf block ends at once)."""
    if tokens[start].nesting == 0:
        return start + 1
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j + 1
    return len(tokens)


def emphasised(children: Sequence[Token]) -> bool:
    """Every visible character of the line is inside bold or italic markup."""
    depth, seen = 0, False
    for child in children:
        if child.type in ("strong_open", "em_open"):
            depth += 1
        elif child.type in ("strong_close", "em_close"):
            depth -= 1
        elif child.type in ("text", "code_inline") and child.content.strip():
            if depth <= 0 and child.content.strip(" :.\u00a0"):
                return False
            seen = seen or depth > 0
    return seen


def inline_children(tokens: Sequence[Token]) -> list[Token]:
    return [child for t in tokens if t.type == "inline" for child in (t.children or [])]


def list_items(tokens: Sequence[Token]) -> list[list[Token]]:
    """The top-level items of a list, each as its tokens (the item's own open/close excluded)."""
    items: list[list[Token]] = []
    depth = 0
    for token in tokens:
        if token.type == "list_item_open" and depth == 1:
            items.append([])
        elif items and depth >= 2 and not (token.type == "list_item_close" and depth == 2):
            items[-1].append(token)
        depth += token.nesting
    return items


def item_openers(tokens: Sequence[Token]) -> list[Token]:
    """The opening tokens of a list's own items (not of the lists nested in them)."""
    return [t for t in tokens if t.type == "list_item_open" and t.level == tokens[0].level + 1]


def title_lead(children: Sequence[Token]) -> tuple[list[Token] | None, str, bool]:
    """An item's first line as (title, text after it, whether the title stands on a line of its
    own): the whole line when it has no break, or a bold run that opens it followed by its text,
    run in (``**5. Appeals.** You can ...``) or on the next line (``**Marketing**`` then a break)."""
    children = [c for c in children if not (c.type == "text" and not c.content)]
    if children and children[0].type == "strong_open":
        close = next((k for k, c in enumerate(children) if c.type == "strong_close"), len(children))
        title = children[: close + 1]
        if close + 1 < len(children) and not any(c.type in ("softbreak", "hardbreak") for c in title):
            lead = render_inline(children[close + 1 :]).strip()
            if len(lead.split()) > 3:  # real text follows, not a stray period
                then = next((c for c in children[close + 1 :] if c.type != "text" or c.content.strip()), None)
                return list(title), lead, then is not None and then.type in ("softbreak", "hardbreak")
    breaks = [k for k, c in enumerate(children) if c.type in ("softbreak", "hardbreak")]
    if breaks:
        # A plain first line ended by a hard break (``Who can use Facebook`` then ``<br>``) over
        # its text; a soft break is a wrapped line, not a title of its own.
        first, text = children[: breaks[0]], render_inline(children[breaks[0] + 1 :]).strip()
        if first and children[breaks[0]].type == "hardbreak" and len(text.split()) > 3:
            return list(first), text, True
        return None, "", False
    return list(children), "", True


def next_block(blocks: Sequence[Block], i: int) -> Block | None:
    """The next block with a word in it (debris between a heading and its text does not count)."""
    k = next_index(blocks, i)
    return None if k is None else blocks[k]


def next_index(blocks: Sequence[Block], i: int) -> int | None:
    for k in range(i + 1, len(blocks)):  # by index: slicing would copy the rest each time
        if _WORD_RE.search(blocks[k].text):
            return k
    return None


_WORD_RE = re.compile(r"[^\W_]")
"""A letter or a digit (``str.isalnum``'s characters: a word character but the underscore), found in C."""


def has_word(text: str) -> bool:
    """The text holds a letter or a digit (debris, rules and glyphs do not)."""
    return _WORD_RE.search(text) is not None


def carries_on(text: str) -> bool:
    """The text starts in lower case: the sentence of the line above goes on (a line cut by a
    page's width), where a heading's text starts a sentence of its own."""
    return text[:1].isalpha() and text[:1].islower()


def short_line(text: str) -> bool:
    return len(text) <= 100 and 0 < len(text.split()) <= 12 and text[-1] not in ",;:"


def is_code(block: Block) -> bool:
    return block.kind == "other" and bool(block.tokens) and block.tokens[0].type == "code_block"
