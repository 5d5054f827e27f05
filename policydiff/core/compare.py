"""compare(old, new) -> Comparison: alignment plus a word diff inside every pair.

The single place where a comparison is computed; the CLI, the report and the window only read it.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from policydiff.core import collector
from policydiff.core.align import Alignment, Similarity, align, moved_pairs, similarity_matrix
from policydiff.core.groups import components, group_diffs
from policydiff.core.model import (
    Comparison,
    ComparisonStats,
    DiffStats,
    Document,
    Kind,
    Options,
    Overrides,
    Section,
    SectionPair,
    Status,
    WordDiff,
)
from policydiff.core.moves import find_moved_passages
from policydiff.core.worddiff import diff_words, shared_tokens, word_keys

_ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
_OTHER_NOT_ALNUM = re.compile(r"[^\w\x00-\x7f]+")
"""Characters past ASCII that are neither letters nor digits (``\\w`` is ``str.isalnum`` and ``_``)."""


def _letters_and_digits(text: str) -> str:
    """The letters and digits of ``text`` in order: ASCII punctuation and spaces deleted from the
    UTF-8 bytes at C speed (bytes past ASCII are never touched), then the rare others."""
    data = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_NOT_ALNUM)
    kept = data.decode("utf-8", "surrogatepass")
    return kept if kept.isascii() else _OTHER_NOT_ALNUM.sub("", kept)

# (old index, new index, old group, new group) -> (title diff, body diff)
_DiffCache = dict[tuple[object, ...], tuple[WordDiff, WordDiff]]

MAX_REMEMBERED_UNCHANGED = 50_000
"""Texts whose diff against themselves :func:`remembered_unchanged` keeps at most (all forgotten past it)."""

_UNCHANGED: ContextVar[dict[str, WordDiff] | None] = ContextVar("policydiff_unchanged_diffs", default=None)


@contextmanager
def remembered_unchanged() -> Iterator[None]:
    """Within this block, the word diff of a text against itself (a section whose title or text
    did not change) is made once per distinct text, for every comparison: the consecutive versions
    of a history share nearly all their sections, and counting the words of each again is most of
    what such a diff costs. Exact: that diff reads nothing but the text (not the options; see
    ``diff_words``), and a ``WordDiff`` is immutable."""
    if _UNCHANGED.get() is not None:
        yield
        return
    token = _UNCHANGED.set({})
    try:
        yield
    finally:
        _UNCHANGED.reset(token)


def _diff_words(old: str, new: str, options: Options) -> WordDiff:
    """``diff_words``, a text against itself remembered within :func:`remembered_unchanged`."""
    remembered = _UNCHANGED.get() if old == new else None
    if remembered is None:
        return diff_words(old, new, options)
    found = remembered.get(old)
    if found is None:
        if len(remembered) >= MAX_REMEMBERED_UNCHANGED:
            remembered.clear()
        found = remembered[old] = diff_words(old, new, options)
    return found


def compare(
    old: Document,
    new: Document,
    *,
    options: Options = Options(),
    overrides: Overrides = Overrides(),
) -> Comparison:
    """Align the two documents' sections and diff the words inside each pair."""
    with collector.less_often():
        similarity = similarity_matrix(old, new)
        return _build(old, new, similarity, options, overrides, cache={})


def with_overrides(comparison: Comparison, overrides: Overrides) -> Comparison:
    """The same comparison realigned with the user's corrections; pairs that did not change keep
    their word diffs, so only what the correction affects is recomputed."""
    similarity = comparison.similarity
    if not isinstance(similarity, Similarity):
        similarity = similarity_matrix(comparison.old, comparison.new)
    cache: _DiffCache = {
        (p.old_index, p.new_index, p.old_group, p.new_group): (p.title_diff, p.body_diff) for p in comparison.pairs
    }
    return _build(comparison.old, comparison.new, similarity, comparison.options, overrides, cache)


def similarity_of(comparison: Comparison, old_index: int, new_index: int) -> float:
    """How alike two sections are (0..1), as the alignment judged them: helps a user re-pair."""
    similarity = comparison.similarity
    return similarity.get(old_index, new_index) if isinstance(similarity, Similarity) else 0.0


def with_options(comparison: Comparison, options: Options) -> Comparison:
    """The same alignment, diffed again under other options."""
    similarity = comparison.similarity
    if not isinstance(similarity, Similarity):
        similarity = similarity_matrix(comparison.old, comparison.new)
    return _build(comparison.old, comparison.new, similarity, options, comparison.overrides, cache={})


def _build(
    old: Document,
    new: Document,
    similarity: Similarity,
    options: Options,
    overrides: Overrides,
    cache: _DiffCache,
) -> Comparison:
    # Each text is tokenized once, for its diffs and the verdict.
    with shared_tokens(), collector.less_often():
        alignment = align(old, new, overrides, similarity=similarity)
        pairs = _pairs(old, new, alignment, options, overrides, cache)
        moved_passages = find_moved_passages(pairs, options)
        stats = _stats(pairs)
        stats = ComparisonStats(
            **{f: getattr(stats, f) for f in ("sections_unchanged", "sections_changed", "sections_added",
                                              "sections_removed", "sections_moved", "words")},
            sections_merged=sum(1 for p in pairs if p.kind is Kind.MERGED),
            sections_split=sum(1 for p in pairs if p.kind is Kind.SPLIT),
            passages_moved=len(moved_passages),
        )
        return Comparison(
            old=old,
            new=new,
            pairs=pairs,
            stats=stats,
            same_words=have_same_words(old, new, options),
            options=options,
            overrides=overrides,
            similarity=similarity,
            moved_passages=moved_passages,
        )


def _pairs(
    old: Document,
    new: Document,
    alignment: Alignment,
    options: Options,
    overrides: Overrides,
    cache: _DiffCache,
) -> tuple[SectionPair, ...]:
    old_flat, new_flat = old.flat(), new.flat()
    moved = moved_pairs(alignment.matches)

    def diffs(i: int | None, j: int | None) -> tuple[WordDiff, WordDiff]:
        cached = cache.get((i, j, (), ()))
        if cached is None:
            a: Section | None = old_flat[i] if i is not None else None
            b: Section | None = new_flat[j] if j is not None else None
            cached = (  # whole titles: a renumbering changes words that cross-references use
                _diff_words(a.title if a else "", b.title if b else "", options),
                _diff_words(a.body if a else "", b.body if b else "", options),
            )
            cache[(i, j, (), ())] = cached
        return cached

    def group(olds: tuple[int, ...], news: tuple[int, ...]) -> dict[tuple[int, int], tuple[WordDiff, WordDiff]]:
        """Diffs of a merge or split: one unit, cut back into one entry per pair."""
        merge = len(news) == 1
        keys = [(i, news[0]) for i in olds] if merge else [(olds[0], j) for j in news]
        cached = [cache.get((i, j, olds if merge else (), () if merge else news)) for i, j in keys]
        if all(c is not None for c in cached):
            return dict(zip(keys, cached))  # type: ignore[arg-type]
        many = [old_flat[i].body for i in olds] if merge else [new_flat[j].body for j in news]
        one = new_flat[news[0]].body if merge else old_flat[olds[0]].body
        bodies = group_diffs(many, one, options, many_is_old=merge)
        out = {}
        for (i, j), body in zip(keys, bodies):
            title = diff_words(old_flat[i].title, new_flat[j].title, options)
            out[(i, j)] = (title, body)
            cache[(i, j, olds if merge else (), () if merge else news)] = (title, body)
        return out

    by_edge = {(m.old_index, m.new_index): m for m in alignment.matches}
    ordered: list[SectionPair] = []
    for olds, news in components(by_edge):
        if len(olds) == 1 and len(news) == 1:
            entries = {(olds[0], news[0]): diffs(olds[0], news[0])}
            old_group: tuple[int, ...] = ()
            new_group: tuple[int, ...] = ()
            kind = None
        else:
            entries = group(olds, news)
            old_group, new_group = (olds, ()) if len(news) == 1 else ((), news)
            kind = Kind.MERGED if len(news) == 1 else Kind.SPLIT
        for (i, j), (title_diff, body_diff) in entries.items():
            match = by_edge[(i, j)]
            changed = _has_change(title_diff, options) or _has_change(body_diff, options)
            pair = SectionPair(
                old=old_flat[i],
                new=new_flat[j],
                old_index=i,
                new_index=j,
                status=Status.CHANGED if changed else Status.UNCHANGED,
                moved=(i, j) in moved,
                score=min(match.score, 1.0),
                title_diff=title_diff,
                body_diff=body_diff,
                manual=match.manual,
                old_group=old_group,
                new_group=new_group,
                why=match.why,
            )
            ordered.append(_with_kind(pair, kind))
    why_added = dict(zip(alignment.added, alignment.why_added))
    why_removed = dict(zip(alignment.removed, alignment.why_removed))
    for j in alignment.added:
        title_diff, body_diff = diffs(None, j)
        manual = j in overrides.unpaired_new
        added = _unpaired(None, new_flat[j], None, j, Status.ADDED, title_diff, body_diff, manual)
        ordered.append(dataclasses.replace(added, why=why_added.get(j, "")))
    ordered.sort(key=lambda p: (p.new_index if p.new_index is not None else -1, p.old_index or 0))
    # Each removed section lands after the last entry holding an earlier old section (removed
    # ones included, in ascending order): found by bisection, not by scanning per section.
    by_old = sorted((p.old_index, k) for k, p in enumerate(ordered) if p.old_index is not None)
    last_before = list(itertools.accumulate((k for _, k in by_old), max, initial=-1))
    slots: dict[int, list[SectionPair]] = {}
    for i in alignment.removed:
        title_diff, body_diff = diffs(i, None)
        manual = i in overrides.unpaired_old
        pair = _unpaired(old_flat[i], None, i, None, Status.REMOVED, title_diff, body_diff, manual)
        pair = dataclasses.replace(pair, why=why_removed.get(i, ""))
        at = last_before[bisect.bisect_left(by_old, (i, -1))] + 1
        slots.setdefault(at, []).append(pair)
    placed: list[SectionPair] = []
    for k in range(len(ordered) + 1):
        placed.extend(sorted(slots.get(k, ()), key=lambda p: p.old_index or 0))
        if k < len(ordered):
            placed.append(ordered[k])
    return tuple(placed)


def have_same_words(old: Document, new: Document, options: Options) -> bool:
    """Whether both documents have the same words in the same order (the verdict). No word spans
    a line break, so the lines both readings begin and end with are the same words already: only
    the lines between are tokenized (between two close versions, a few)."""
    if not (old.reading and new.reading):  # documents built by hand: their units in order
        return _unit_words(old, options) == _unit_words(new, options)
    a, b = old.reading.split("\n"), new.reading.split("\n")
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    text_a, text_b = "\n".join(a[start : len(a) - end]), "\n".join(b[start : len(b) - end])
    if not (options.ignore_case or options.ignore_numbering):
        # Words hold every letter and digit of a text, kept in their keys unless case or numbers
        # are ignored: other letters or digits, other words. A cheap test that settles most
        # comparisons without tokenizing both whole texts.
        if _letters_and_digits(text_a) != _letters_and_digits(text_b):
            return False
    # The numbering option reads a line's start, so the middles are judged as whole lines too.
    return word_keys(text_a, options) == word_keys(text_b, options)


def _unit_words(document: Document, options: Options) -> list[str]:
    return [key for unit in document.flat() for text in (unit.title, unit.body) for key in word_keys(text, options)]
def _with_kind(pair: SectionPair, kind: Kind | None) -> SectionPair:
    """The pair with its one-word kind: merged / split as given, else from what changed."""
    if kind is None:
        if pair.old is None:
            kind = Kind.ADDED
        elif pair.new is None:
            kind = Kind.REMOVED
        elif pair.moved:
            kind = Kind.MOVED
        elif pair.renamed:
            kind = Kind.RENAMED
        elif pair.status is Status.CHANGED:
            kind = Kind.CHANGED
        else:
            kind = Kind.UNCHANGED
    return dataclasses.replace(pair, kind=kind)


def _unpaired(
    old: Section | None,
    new: Section | None,
    old_index: int | None,
    new_index: int | None,
    status: Status,
    title_diff: WordDiff,
    body_diff: WordDiff,
    manual: bool,
) -> SectionPair:
    pair = SectionPair(
        old=old,
        new=new,
        old_index=old_index,
        new_index=new_index,
        status=status,
        moved=False,
        score=0.0,
        title_diff=title_diff,
        body_diff=body_diff,
        manual=manual,
    )
    return _with_kind(pair, None)


def _has_change(diff: WordDiff, options: Options) -> bool:
    """Any insertion or deletion; under ignore_whitespace, one that is more than white space."""
    return any(
        op.kind in "-+" and not (options.ignore_whitespace and not op.text.strip()) for op in diff.ops
    )


def _stats(pairs: tuple[SectionPair, ...]) -> ComparisonStats:
    def count(status: Status) -> int:
        return sum(1 for p in pairs if p.status is status)

    words = DiffStats()
    for pair in pairs:
        words = words + pair.stats
    return ComparisonStats(
        sections_unchanged=count(Status.UNCHANGED),
        sections_changed=count(Status.CHANGED),
        sections_added=count(Status.ADDED),
        sections_removed=count(Status.REMOVED),
        sections_moved=sum(1 for p in pairs if p.moved),
        words=words,
    )

