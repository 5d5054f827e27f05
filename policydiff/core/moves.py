"""Moved passages: a paragraph deleted in one place whose words, most of them in order, are
inserted in another place (another section, or elsewhere in the same one).

Candidates come from an index of word 3-grams over the inserted paragraphs, so the cost grows with
the amount of changed text, not with its square; each candidate is checked with a word diff, which
also becomes the passage's own diff (moved *and* edited).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from policydiff.core.model import MovedPassage, Options, SectionPair, WordDiff

MIN_WORDS = 8
"""A passage shorter than this is too common to say where it went."""
MIN_KEPT = 0.6
"""Share of the deleted passage's words that must be found, in order, in the insertion."""
MAX_CANDIDATES = 4
"""Insertions checked per deletion (those sharing the most 3-grams)."""
MAX_POSTING = 50
"""A 3-gram inserted in more paragraphs than this says nothing about where a passage went."""

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


@dataclass(slots=True)
class _Piece:
    pair: int
    region: int
    """Change region (a run of ops between equal text with words) within the pair's diff."""
    section: int
    text: str
    words: str
    """Its words, lower-cased, joined by spaces: one string, not one object per word (the pieces of
    a long rewrite hold hundreds of thousands of words at once)."""
    count: int
    """How many words."""


def _pieces(pairs: Sequence[SectionPair]) -> tuple[list[_Piece], list[_Piece]]:
    """Paragraphs (lines) of the deleted (``-``) and of the inserted (``+``) runs with enough
    words, read in one pass over the ops."""
    deleted: list[_Piece] = []
    inserted: list[_Piece] = []
    for k, pair in enumerate(pairs):
        region = 0
        for op in pair.body_diff.ops:
            if op.kind in "=~":
                if _WORD.search(op.old):
                    region += 1
                continue
            section = pair.old_index if op.kind == "-" else pair.new_index
            if section is None:
                continue
            out = deleted if op.kind == "-" else inserted
            for line in op.text.split("\n"):
                # Lower-casing ASCII keeps every character and its class: the line at once.
                words = _WORD.findall(line.lower()) if line.isascii() else [w.lower() for w in _WORD.findall(line)]
                if len(words) >= MIN_WORDS:
                    out.append(_Piece(k, region, section, line.strip(), " ".join(words), len(words)))
    return deleted, inserted


def _grams(piece: _Piece) -> set[tuple[str, str, str]]:
    words = piece.words.split(" ")
    return set(zip(words, words[1:], words[2:]))


def find_moved_passages(pairs: Sequence[SectionPair], options: Options) -> tuple[MovedPassage, ...]:
    """Deleted paragraphs found again among the insertions, best matches first, one to one."""
    from policydiff.core.worddiff import diff_words

    deleted, inserted = _pieces(pairs)
    if not deleted or not inserted:
        return ()
    deleted_grams = [_grams(piece) for piece in deleted]
    # Only 3-grams that some deleted paragraph has can vote: the rest are not indexed at all.
    wanted = set().union(*deleted_grams)
    index: dict[tuple[str, str, str], list[int]] = {}
    for n, piece in enumerate(inserted):
        for gram in _grams(piece) & wanted:
            index.setdefault(gram, []).append(n)
    found: list[tuple[float, int, int, WordDiff]] = []
    for d, piece in enumerate(deleted):
        votes: dict[int, int] = {}
        for gram in deleted_grams[d]:
            posting = index.get(gram)
            if posting and len(posting) <= MAX_POSTING:
                for n in posting:
                    votes[n] = votes.get(n, 0) + 1
        ranked = sorted(votes.items(), key=lambda x: (-x[1], x[0]))[:MAX_CANDIDATES]
        for n, shared in ranked:
            other = inserted[n]
            if other.pair == piece.pair and other.region == piece.region:
                continue  # replaced in place: an edit, not a move
            if shared < max(2, piece.count // 5):
                continue
            diff = diff_words(piece.text, other.text, options)
            kept = diff.stats.words_unchanged + diff.stats.words_ignored
            if kept >= MIN_KEPT * piece.count:
                found.append((kept / piece.count, d, n, diff))
    found.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_d: set[int] = set()
    used_n: set[int] = set()
    passages: list[MovedPassage] = []
    for _, d, n, diff in found:
        if d in used_d or n in used_n:
            continue
        used_d.add(d)
        used_n.add(n)
        a, b = deleted[d], inserted[n]
        passages.append(
            MovedPassage(
                old_pair=a.pair,
                new_pair=b.pair,
                old_index=a.section,
                new_index=b.section,
                old_text=a.text,
                new_text=b.text,
                diff=diff,
            )
        )
    passages.sort(key=lambda p: (p.old_pair, p.new_pair))
    return tuple(passages)
