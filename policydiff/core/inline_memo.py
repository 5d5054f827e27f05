"""Remember markdown-it's inline parses while many versions of one document are read.

Two consecutive versions of a policy share nearly all their paragraphs (the Open Terms Archive
Facebook privacy policy: a median of 3 of 1,700 lines differ from one version to the next), and
markdown-it's inline rules (links, emphasis, entities, raw HTML) are about 60 % of the time it takes
to read one. An inline token's children depend on nothing but its content, the document's link
reference definitions and the parser: :func:`remembered_inline` swaps the parsers' core ``inline``
rule for one that looks its content up first. The result is the same tokens (a test compares whole
Documents read with and without it); only the work differs.

The children a hit returns are shared between the documents that hold that content: the reader
only reads tokens. What is remembered is the children as the later core rules leave them: the
core ``text_join`` rule merges adjacent text tokens *in place* (the first one's content grows), so a
list remembered before it would be joined again on its next use ("[1]" read as "[1][1]"); the memo
joins a new list itself, and ``text_join`` then finds nothing left to join. A parser whose core
rules change children in other ways (``linkify``, the typographer's ``replacements`` and
``smartquotes``) is refused.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from functools import partial
from typing import Callable, Iterator, Sequence

import markdown_it.rules_block.table  # noqa: F401 - its row splitter is replaced below
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.text_join import _join_text_tokens
from markdown_it.token import Token

_SAFE_CORE_RULES = frozenset({"normalize", "block", "inline", "text_join"})

MAX_ENTRIES = 20_000
"""Inline contents remembered at most (all forgotten past it): about 2 MB of keys and a few tens of
MB of tokens; one version of a long policy holds ~1,000 inline tokens, the next adds a handful."""


MAX_REPEATED_SOURCE = 100_000
"""Characters at most of a whole source whose tokens are remembered when it is parsed again."""


class InlineMemo:
    """Inline content -> its children tokens, for one or more parsers; and the tokens of a whole
    source parsed a second time (a layout table the reader parses on its own, unchanged from the
    version before)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.entries: dict[tuple[int, str, str], list[Token]] = {}
        self.seen_sources: set[tuple[int, int]] = set()
        self.sources: dict[tuple[int, str], list[Token]] = {}
        self.hits = 0
        self.misses = 0

    def parse(self, md: MarkdownIt, own_parse: Callable[..., list[Token]], src: str,
              env: object = None) -> list[Token]:
        """``md.parse``: a source of at most :data:`MAX_REPEATED_SOURCE` characters parsed a
        second time (with no environment to fill) gets the tokens of its first parse again."""
        if env is not None or len(src) > MAX_REPEATED_SOURCE:
            return own_parse(src, env)
        key = (id(md), src)
        tokens = self.sources.get(key)
        if tokens is not None:
            return tokens
        tokens = own_parse(src, env)
        seen = (id(md), hash(src))
        if seen in self.seen_sources:
            if len(self.sources) >= 256:
                self.sources.clear()
            self.sources[key] = tokens
        else:
            if len(self.seen_sources) >= self.max_entries:
                self.seen_sources.clear()
            self.seen_sources.add(seen)
        return tokens

    def rule(self, state: StateCore) -> None:
        """markdown-it's core ``inline`` rule, remembering each content's children."""
        references = state.env.get("references") if isinstance(state.env, dict) else None
        context = repr(sorted(references.items())) if references else ""
        parser = id(state.md)
        entries = self.entries
        for token in state.tokens:
            if token.type != "inline":
                continue
            key = (parser, context, token.content)
            children = entries.get(key)
            if children is None:
                self.misses += 1
                children = []
                state.md.inline.parse(token.content, state.md, state.env, children)
                if "text_join" in state.md.core.ruler.get_active_rules():
                    for child in children:  # (an image's alt text is a token tree of its own)
                        if child.children:
                            child.children = _join_text_tokens(child.children)
                    children = _join_text_tokens(children)
                if len(entries) >= self.max_entries:
                    entries.clear()
                entries[key] = children
            else:
                self.hits += 1
            token.children = children


_TABLE_RULE = sys.modules.get("markdown_it.rules_block.table")
_OWN_SPLIT: Callable[[str], list[str]] | None = getattr(_TABLE_RULE, "escapedSplit", None)


def split_cells(row: str) -> list[str]:
    """markdown-it's ``escapedSplit`` (a table row cut at its pipes, ``\\|`` kept as a pipe), at C
    speed when the row holds no backslash: it then cuts at every pipe. Its own loop reads a row a
    character at a time: a tenth of the time it takes to read a long policy with tables."""
    if "\\" not in row or _OWN_SPLIT is None:
        return row.split("|")
    return _OWN_SPLIT(row)


@contextmanager
def remembered_inline(parsers: Sequence[MarkdownIt], memo: InlineMemo | None = None) -> Iterator[InlineMemo]:
    """Within the block, ``parsers`` remember their inline parses in ``memo`` (a new one by default);
    their own rule is back afterwards. Not for parsers that other threads use meanwhile. Table
    rows are cut by :func:`split_cells` meanwhile (the same cells)."""
    memo = memo or InlineMemo()
    saved = []
    split = _TABLE_RULE is not None and _OWN_SPLIT is not None and _TABLE_RULE.escapedSplit is _OWN_SPLIT
    if split:
        _TABLE_RULE.escapedSplit = split_cells  # type: ignore[union-attr]
    for md in parsers:
        unsafe = set(md.core.ruler.get_active_rules()) - _SAFE_CORE_RULES
        if unsafe:
            raise ValueError(f"a parser with the core rules {sorted(unsafe)} cannot share its inline tokens")
        rules = md.core.ruler.__rules__
        at = next(k for k, r in enumerate(rules) if r.name == "inline")
        saved.append((md, at, rules[at].fn, md.__dict__.get("parse")))
        rules[at].fn = memo.rule
        md.core.ruler.__cache__ = None
        md.parse = partial(memo.parse, md, md.parse)  # type: ignore[method-assign]
    try:
        yield memo
    finally:
        if split:
            _TABLE_RULE.escapedSplit = _OWN_SPLIT  # type: ignore[union-attr]
        for md, at, fn, parse in reversed(saved):
            md.core.ruler.__rules__[at].fn = fn
            md.core.ruler.__cache__ = None
            if parse is None:
                del md.parse  # the class's own again
            else:
                md.parse = parse
