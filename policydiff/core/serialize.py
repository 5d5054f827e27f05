"""Documents and comparisons as plain JSON-ready dicts (the CLI's ``--outline`` and ``--json``)."""

from __future__ import annotations

from typing import Any

from policydiff.core.model import Comparison, Document, Section, SectionPair


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
    }


def pair_json(pair: SectionPair) -> dict[str, Any]:
    ops: list[list[str]] = []
    for op in pair.body_diff.ops:
        ops.append([op.kind, op.old, op.new] if op.kind == "~" else [op.kind, op.text])
    data: dict[str, Any] = {
        "old": section_ref(pair.old) if pair.old is not None else None,
        "new": section_ref(pair.new) if pair.new is not None else None,
        "status": pair.status.value,
        "moved": pair.moved,
        "score": round(pair.score, 4),
        "words_inserted": pair.stats.words_inserted,
        "words_deleted": pair.stats.words_deleted,
        "ops": ops,
    }
    if pair.renamed:
        data["title_ops"] = [[op.kind, op.text] for op in pair.title_diff.ops]
    if pair.body_diff.coarse:
        data["coarse"] = pair.body_diff.coarse
    if pair.manual:
        data["manual"] = True
    return data


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    stats = comparison.stats
    return {
        "old": document_outline(comparison.old),
        "new": document_outline(comparison.new),
        "pairs": [pair_json(pair) for pair in comparison.pairs],
        "stats": {
            "sections_unchanged": stats.sections_unchanged,
            "sections_changed": stats.sections_changed,
            "sections_added": stats.sections_added,
            "sections_removed": stats.sections_removed,
            "sections_moved": stats.sections_moved,
            "words_inserted": stats.words.words_inserted,
            "words_deleted": stats.words.words_deleted,
            "words_ignored": stats.words.words_ignored,
        },
    }
