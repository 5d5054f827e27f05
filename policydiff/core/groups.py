"""Merged and split groups of sections, diffed as one unit and cut back into one entry per pair.

A merge of old A and B into new N diffs A's and B's texts, in reading order, against N's text;
the ops are then cut where A ends and B begins, so the entry A -> N holds all of A against the
part of N it became, and B -> N the rest. A split is the mirror image. Each entry stays lossless
on the side that was cut whole (``old`` for a merge, ``new`` for a split), and the entries of a
group together rebuild the other side.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from policydiff.core.model import DiffStats, Op, OpKind, Options, WordDiff
from policydiff.core.worddiff import count_words, diff_words, tokenize

JOINER = "\n"
"""Put between the texts of a group's sections for the one diff (dropped again when cutting)."""


def components(edges: Iterable[tuple[int, int]]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Connected groups of (old, new) edges: (old indices, new indices), each sorted."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        a, b = find(("o", i)), find(("n", j))
        if a != b:
            parent[a] = b
    groups: dict[tuple[str, int], tuple[set[int], set[int]]] = {}
    for node in list(parent):
        olds, news = groups.setdefault(find(node), (set(), set()))
        (olds if node[0] == "o" else news).add(node[1])
    return [(tuple(sorted(o)), tuple(sorted(n))) for o, n in groups.values()]


def group_diffs(
    many: Sequence[str], one: str, options: Options, many_is_old: bool
) -> list[WordDiff]:
    """The diff of the ``many`` texts (joined, in order) against ``one``, cut into one diff per text.

    ``many_is_old``: a merge (the many texts are old sections) or a split (they are new ones).
    """
    joined = JOINER.join(many)
    whole = diff_words(joined, one, options) if many_is_old else diff_words(one, joined, options)
    bounds: list[tuple[int, int]] = []
    at = 0
    for text in many:
        bounds.append((at, at + len(text)))
        at += len(text) + len(JOINER)
    return [_diff_of(ops) for ops in _cut(whole.ops, bounds, many_is_old)]


def _cut(ops: Sequence[Op], bounds: list[tuple[int, int]], cut_old: bool) -> list[list[Op]]:
    """Cut the ops where the cut side (old or new) crosses ``bounds``; text between bounds (the
    joiners) is dropped from the cut side. Runs only on the other side go to the current part."""
    parts: list[list[Op]] = [[] for _ in bounds]
    pos = 0
    current = 0

    def part_at(offset: int) -> int | None:
        """The part an offset of the cut side falls in (None: in a joiner)."""
        nonlocal current
        while current + 1 < len(bounds) and offset >= bounds[current + 1][0]:
            current += 1
        start, end = bounds[current]
        return current if start <= offset < end else None

    def emit(k: int, kind: OpKind, old: str, new: str) -> None:
        if not old and not new:
            return
        if kind == "~" and old == new:
            kind = "="
        elif kind in "=~" and not (old and new):
            kind = "-" if old else "+"
        target = parts[k]
        if target and target[-1].kind == kind:
            last = target.pop()
            target.append(Op(kind, last.old + old, last.new + new))
        else:
            target.append(Op(kind, old, new))

    for op in ops:
        cut_text = op.old if cut_old else op.new
        other = op.new if cut_old else op.old
        if not cut_text:
            # Only on the other side: belongs where the cut side stands (after a part's end, to it).
            part_at(pos)
            emit(current, op.kind, *( ("", other) if cut_old else (other, "") ))
            continue
        if op.kind == "~":
            pieces = _split_tilde(cut_text, other, pos, part_at)
        else:
            pieces = []
            start = 0
            while start < len(cut_text):
                k = part_at(pos + start)
                if k is None:  # inside a joiner: up to the next part
                    nxt = bounds[current + 1][0] if current + 1 < len(bounds) else pos + len(cut_text)
                    end = min(len(cut_text), nxt - pos)
                    if op.kind == "=":
                        pieces.append((current, "", cut_text[start:end]))  # other side keeps it
                    start = end
                    continue
                end = min(len(cut_text), bounds[k][1] - pos)
                piece = cut_text[start:end]
                pieces.append((k, piece, piece if op.kind == "=" else ""))
                start = end
        for k, cut_piece, other_piece in pieces:
            kind: OpKind = op.kind
            old, new = (cut_piece, other_piece) if cut_old else (other_piece, cut_piece)
            if op.kind == "=" and cut_piece != other_piece:
                kind = "+" if cut_old else "-"
            emit(k, kind, old, new)
        pos += len(cut_text)
    return parts


def _split_tilde(cut_text: str, other: str, pos: int, part_at) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    """Cut a "~" run (equal under the ignore options, token for token) on the cut side; each
    token of the other side goes with the part where its counterpart starts."""
    cut_tokens, other_tokens = tokenize(cut_text), tokenize(other)
    if len(cut_tokens) != len(other_tokens):  # not token for token after all: by the start
        k = part_at(pos)
        return [(k if k is not None else 0, cut_text, other)]
    out: list[tuple[int, str, str]] = []
    offset = pos
    for ct, ot in zip(cut_tokens, other_tokens):
        owner = part_at(offset)
        for n, ch in enumerate(ct):
            k = part_at(offset + n)
            if k is not None:
                out.append((k, ch, ""))
        target = owner if owner is not None else (part_at(offset + len(ct) - 1) or 0)
        out.append((target, "", ot))
        offset += len(ct)
    # Collapse character pieces per part, keeping order.
    merged: list[tuple[int, str, str]] = []
    for k, c, o in out:
        if merged and merged[-1][0] == k:
            merged[-1] = (k, merged[-1][1] + c, merged[-1][2] + o)
        else:
            merged.append((k, c, o))
    return merged


def _diff_of(ops: list[Op]) -> WordDiff:
    counts = {"=": 0, "-": 0, "+": 0, "~": 0}
    for op in ops:
        counts[op.kind] += count_words(op.new if op.kind == "+" else op.old)
    stats = DiffStats(
        words_inserted=counts["+"],
        words_deleted=counts["-"],
        words_unchanged=counts["="],
        words_ignored=counts["~"],
    )
    return WordDiff(tuple(ops), stats)
