"""Documents and comparisons as plain JSON-ready dicts (the CLI's ``--outline`` and ``--json``)."""

from __future__ import annotations

from typing import Any

from policydiff.core.changes import Change, counts
from policydiff.core.model import Comparison, Document, Kind, MovedPassage, Op, Section, SectionPair


def section_ref(section: Section) -> dict[str, Any]:
    """The identifying fields of a section, without its body or children."""
    return {"title": section.title, "number": section.number, "level": section.level, "line": section.line}


def section_outline(section: Section) -> dict[str, Any]:
    return {**section_ref(section), "children": [section_outline(child) for child in section.children]}


def document_outline(document: Document) -> dict[str, Any]:
    return {
        "path": document.path if document.path is not None else document.name,
        "title": document.title,
        "date": document.date,
        "source": document.source,
        "archived": document.archived,
        "sections": [section_outline(section) for section in document.sections],
        # Set aside as metadata, yet compared where they stand: listed so nothing seems dropped.
        "omitted": [{"line": o.line, "text": o.text, "reason": o.reason} for o in document.omitted],
        # Why each heading is one, and why each heading-like line is not.
        "decisions": [
            {"line": d.line, "text": d.text, "heading": d.heading, "rule": d.rule, "evidence": d.evidence}
            for d in document.decisions
        ],
    }


def explain_lines(document: Document) -> list[str]:
    """The structure decisions as text, in source order: ``12  heading  numbered title line  1. Scope``."""
    rows = [(d.line, "heading" if d.heading else "text", f"{d.rule}: {d.evidence}" if d.evidence else d.rule, d.text)
            for d in document.decisions]
    rows += [(o.line, "set aside", o.reason, o.text) for o in document.omitted]
    lines = [f"{document.path or document.name}: title {document.title!r}"]
    for line, verdict, rule, text in sorted(rows, key=lambda r: r[0]):
        shown = text if len(text) <= 70 else text[:69] + "\u2026"
        lines.append(f"{line:>6}  {verdict:<9}  {rule:<72}  {shown}")
    return lines


def ops_json(ops: tuple[Op, ...]) -> list[list[str]]:
    return [[op.kind, op.old, op.new] if op.kind == "~" else [op.kind, op.text] for op in ops]


def pair_kind(pair: SectionPair) -> Kind:
    """The pair's one-word kind (derived from its status for pairs made without one)."""
    if pair.kind is not None:
        return pair.kind
    if pair.old is None:
        return Kind.ADDED
    if pair.new is None:
        return Kind.REMOVED
    return Kind.MOVED if pair.moved else Kind.RENAMED if pair.renamed else Kind(pair.status.value)


def pair_json(pair: SectionPair) -> dict[str, Any]:
    ops = ops_json(pair.body_diff.ops)
    data: dict[str, Any] = {
        "old": section_ref(pair.old) if pair.old is not None else None,
        "new": section_ref(pair.new) if pair.new is not None else None,
        "status": pair.status.value,
        "kind": pair_kind(pair).value,
        "moved": pair.moved,
        "score": round(pair.score, 4),
        "why": pair.why,
        "words_inserted": pair.stats.words_inserted,
        "words_deleted": pair.stats.words_deleted,
        "ops": ops,
    }
    # Always present, so that every word of both titles is in the JSON (a renumbering too).
    data["title_ops"] = ops_json(pair.title_diff.ops)
    if pair.body_diff.coarse:
        data["coarse"] = pair.body_diff.coarse
    if pair.manual:
        data["manual"] = True
    return data


def moved_passage_json(comparison: Comparison, passage: MovedPassage) -> dict[str, Any]:
    return {
        "old": section_ref(comparison.old.flat()[passage.old_index]),
        "new": section_ref(comparison.new.flat()[passage.new_index]),
        "old_pair": passage.old_pair,
        "new_pair": passage.new_pair,
        "text": passage.old_text,
        "new_text": passage.new_text,
        "words_inserted": passage.diff.stats.words_inserted,
        "words_deleted": passage.diff.stats.words_deleted,
        "ops": ops_json(passage.diff.ops),
    }


def change_json(change: Change) -> dict[str, Any]:
    """One classified change: the pair it is in, its class, the signals that decided it, and the
    old and new sentence(s); ``where`` (body, title, moved), and for a cosmetic change what changed."""
    data: dict[str, Any] = {
        "pair": change.pair,
        "class": change.change_class,
        "signals": [{"kind": s.kind, "old": s.old, "new": s.new} for s in change.signals],
        "old": change.old,
        "new": change.new,
        "where": change.where,
    }
    if change.cosmetic is not None:
        data["cosmetic"] = change.cosmetic
    if change.moved is not None:
        data["moved_passage"] = change.moved
    return data


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    stats = comparison.stats
    return {
        "old": document_outline(comparison.old),
        "new": document_outline(comparison.new),
        "pairs": [pair_json(pair) for pair in comparison.pairs],
        "moved_passages": [moved_passage_json(comparison, p) for p in comparison.moved_passages],
        "changes": [change_json(change) for change in comparison.changes],
        "stats": {
            "sections_unchanged": stats.sections_unchanged,
            "sections_changed": stats.sections_changed,
            "sections_added": stats.sections_added,
            "sections_removed": stats.sections_removed,
            "sections_moved": stats.sections_moved,
            "sections_merged": stats.sections_merged,
            "sections_split": stats.sections_split,
            "passages_moved": stats.passages_moved,
            "words_inserted": stats.words.words_inserted,
            "words_deleted": stats.words.words_deleted,
            "words_ignored": stats.words.words_ignored,
            **{f"changes_{cls}": n for cls, n in counts(comparison.changes).items()},
        },
    }
