"""The change table's rows: one per version pair, with ``--sections`` one per section group, and
with ``--changes`` one per classified change.

Every number comes from the engine's one :class:`~policydiff.core.model.Comparison`, read the way
``--json`` reads it: the section columns count ``--json``'s ``pairs`` by ``kind`` (each entry in
exactly one kind, so they add up to the number of entries), the word columns are ``--json``'s
``stats``. One schema for every row and format, so a CSV has one header and a Parquet file one type
per column.
"""

from __future__ import annotations

from typing import Any

from policydiff.core.changes import CLASSES
from policydiff.core.changes import counts as change_counts
from policydiff.core.model import Comparison, Kind, SectionPair
from policydiff.core.serialize import pair_kind

KINDS = tuple(kind.value for kind in Kind)
"""unchanged, changed, renamed, moved, merged, split, added, removed."""

COLUMNS: tuple[tuple[str, str], ...] = (
    ("row", "str"),            # "pair", "section" or "change"
    ("document", "str"),
    ("from_id", "str"),
    ("from_date", "date"),     # ISO 8601 text in CSV and JSON Lines; a UTC timestamp in Parquet
    ("to_id", "str"),
    ("to_date", "date"),
    ("identical", "bool"),     # pair rows: the same words in the same order (under the ignore options)
    *((f"sections_{kind}", "int") for kind in KINDS),  # pair rows
    ("passages_moved", "int"),  # pair rows
    *((f"changes_{cls}", "int") for cls in CLASSES),  # pair rows: changes by class (--json's ``changes``)
    ("words_inserted", "int"),
    ("words_deleted", "int"),
    ("words_ignored", "int"),
    ("section", "int"),        # section rows: the group's place in the comparison (0 = document head)
    ("status", "str"),         # section rows: the group's kind
    ("old_title", "str"),      # section rows: titles of the group's old sections, one per line
    ("new_title", "str"),
    ("moved", "bool"),         # section rows: the group changed its place
    ("error", "str"),          # why the pair could not be compared (its other columns are empty)
    ("change_class", "str"),   # change rows: substantive, editorial or cosmetic
    ("signals", "str"),        # change rows: "modal: may → will", one per line
    ("old_text", "str"),       # change rows: the old sentence(s), '' when inserted
    ("new_text", "str"),
)
NAMES = tuple(name for name, _ in COLUMNS)
TYPES = dict(COLUMNS)


def _base(row: str, old: Any, new: Any) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(NAMES)
    out.update(row=row, document=new.document, from_id=old.id, from_date=old.date, to_id=new.id,
               to_date=new.date)
    return out


def pair_row(old: Any, new: Any, comparison: Comparison) -> dict[str, Any]:
    """The pair's totals (``old``/``new`` are :class:`~policydiff.batch.sources.Version`)."""
    row = _base("pair", old, new)
    counts = dict.fromkeys(KINDS, 0)
    for pair in comparison.pairs:
        counts[pair_kind(pair).value] += 1
    words = comparison.stats.words
    row.update({f"sections_{kind}": n for kind, n in counts.items()})
    row.update(identical=comparison.identical, passages_moved=comparison.stats.passages_moved,
               words_inserted=words.words_inserted, words_deleted=words.words_deleted,
               words_ignored=words.words_ignored)
    row.update({f"changes_{cls}": n for cls, n in change_counts(comparison.changes).items()})
    return row


def change_rows(old: Any, new: Any, comparison: Comparison) -> list[dict[str, Any]]:
    """One row per classified change (``--json``'s ``changes``); ``section`` is its pair's index."""
    rows = []
    for change in comparison.changes:
        row = _base("change", old, new)
        row.update(section=change.pair, change_class=change.change_class,
                   signals="\n".join(map(str, change.signals)), old_text=change.old, new_text=change.new)
        rows.append(row)
    return rows


def error_row(old: Any, new: Any, error: str) -> dict[str, Any]:
    row = _base("pair", old, new)
    row["error"] = " ".join(error.split()) or "failed"
    return row


def _title(pair_section: Any) -> str:
    return pair_section.title or "Preamble"


def section_rows(old: Any, new: Any, comparison: Comparison) -> list[dict[str, Any]]:
    """One row per section group: a merge (old A and B into new N, two ``--json`` entries) or a
    split is one row with all its titles; any other entry is a row of its own."""
    groups: list[list[SectionPair]] = []
    seen: dict[tuple[str, tuple[int, ...]], int] = {}
    for pair in comparison.pairs:
        kind = pair_kind(pair)
        key: tuple[str, tuple[int, ...]] | None = None
        if kind is Kind.MERGED and pair.new_index is not None:
            key = ("merged", (pair.new_index,))
        elif kind is Kind.SPLIT and pair.old_index is not None:
            key = ("split", (pair.old_index,))
        if key is not None and key in seen:
            groups[seen[key]].append(pair)
            continue
        if key is not None:
            seen[key] = len(groups)
        groups.append([pair])
    rows = []
    for number, group in enumerate(groups):
        row = _base("section", old, new)
        olds = list(dict.fromkeys(id(p.old) for p in group if p.old is not None))
        news = list(dict.fromkeys(id(p.new) for p in group if p.new is not None))
        by_id = {id(s): s for p in group for s in (p.old, p.new) if s is not None}
        row.update(
            section=number,
            status=pair_kind(group[0]).value,
            old_title="\n".join(_title(by_id[i]) for i in olds) if olds else None,
            new_title="\n".join(_title(by_id[i]) for i in news) if news else None,
            moved=any(p.moved for p in group),
            words_inserted=sum(p.stats.words_inserted for p in group),
            words_deleted=sum(p.stats.words_deleted for p in group),
            words_ignored=sum(p.stats.words_ignored for p in group),
        )
        rows.append(row)
    return rows
