"""compare(old, new) -> Comparison: alignment plus a word diff inside every pair.

The single place where a comparison is computed; the CLI, the report and the window only read it.
"""

from __future__ import annotations

from policydiff.core.align import Alignment, Similarity, align, moved_pairs, similarity_matrix
from policydiff.core.model import (
    Comparison,
    ComparisonStats,
    DiffStats,
    Document,
    Options,
    Overrides,
    Section,
    SectionPair,
    Status,
    WordDiff,
)
from policydiff.core.worddiff import diff_words, word_keys

_DiffCache = dict[tuple[int | None, int | None], tuple[WordDiff, WordDiff]]


def compare(
    old: Document,
    new: Document,
    *,
    options: Options = Options(),
    overrides: Overrides = Overrides(),
) -> Comparison:
    """Align the two documents' sections and diff the words inside each pair."""
    similarity = similarity_matrix(old, new)
    return _build(old, new, similarity, options, overrides, cache={})


def with_overrides(comparison: Comparison, overrides: Overrides) -> Comparison:
    """The same comparison realigned with the user's corrections; pairs that did not change keep
    their word diffs, so only what the correction affects is recomputed."""
    similarity = comparison.similarity
    if not isinstance(similarity, Similarity):
        similarity = similarity_matrix(comparison.old, comparison.new)
    cache: _DiffCache = {(p.old_index, p.new_index): (p.title_diff, p.body_diff) for p in comparison.pairs}
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
    alignment = align(old, new, overrides, similarity=similarity)
    pairs = _pairs(old, new, alignment, options, overrides, cache)
    return Comparison(
        old=old,
        new=new,
        pairs=pairs,
        stats=_stats(pairs),
        same_words=_words(old, options) == _words(new, options),
        options=options,
        overrides=overrides,
        similarity=similarity,
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
        cached = cache.get((i, j))
        if cached is None:
            a: Section | None = old_flat[i] if i is not None else None
            b: Section | None = new_flat[j] if j is not None else None
            cached = (  # whole titles: a renumbering changes words that cross-references use
                diff_words(a.title if a else "", b.title if b else "", options),
                diff_words(a.body if a else "", b.body if b else "", options),
            )
            cache[(i, j)] = cached
        return cached

    ordered: list[SectionPair] = []
    for match in alignment.matches:
        title_diff, body_diff = diffs(match.old_index, match.new_index)
        changed = _has_change(title_diff, options) or _has_change(body_diff, options)
        ordered.append(
            SectionPair(
                old=old_flat[match.old_index],
                new=new_flat[match.new_index],
                old_index=match.old_index,
                new_index=match.new_index,
                status=Status.CHANGED if changed else Status.UNCHANGED,
                moved=(match.old_index, match.new_index) in moved,
                score=match.score,
                title_diff=title_diff,
                body_diff=body_diff,
                manual=match.manual,
            )
        )
    for j in alignment.added:
        title_diff, body_diff = diffs(None, j)
        manual = j in overrides.unpaired_new
        ordered.append(_unpaired(None, new_flat[j], None, j, Status.ADDED, title_diff, body_diff, manual))
    ordered.sort(key=lambda p: p.new_index if p.new_index is not None else -1)
    for i in alignment.removed:  # ascending: each lands after the nearest earlier old section
        title_diff, body_diff = diffs(i, None)
        manual = i in overrides.unpaired_old
        pair = _unpaired(old_flat[i], None, i, None, Status.REMOVED, title_diff, body_diff, manual)
        at = 0
        for k, other in enumerate(ordered):
            if other.old_index is not None and other.old_index < i:
                at = k + 1
        ordered.insert(at, pair)
    return tuple(ordered)


def _words(document: Document, options: Options) -> list[str]:
    """Every word of a document in reading order: titles, preamble, metadata lines and bodies."""
    return [key for unit in document.flat() for text in (unit.title, unit.body) for key in word_keys(text, options)]


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
    return SectionPair(
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

