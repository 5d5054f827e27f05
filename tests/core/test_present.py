"""present.py: one presentation for the window and the report (Qt-free)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from policydiff.core import present
from policydiff.core.model import (
    Comparison, DiffStats, Op, Options, SectionPair, Status, WordDiff,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from report_helpers import build_sample, comparison, document, pair, section  # noqa: E402


def _one(old_body: str, new_body: str, ops: tuple[Op, ...], stats: DiffStats, *, old_title: str = "1. A",
         new_title: str = "1. A", old_level: int = 1, new_level: int = 1,
         title_ops: tuple[Op, ...] | None = None, title_stats: DiffStats = DiffStats()) -> Comparison:
    o = section(old_title, old_body, level=old_level)
    n = section(new_title, new_body, level=new_level)
    od, nd = document("a.md", (o,)), document("b.md", (n,))
    if title_ops is None:
        title_ops = (Op("=", old_title, new_title),) if old_title == new_title else (
            Op("-", old_title, ""), Op("+", "", new_title))
    status = Status.CHANGED if any(op.kind in "-+" for op in ops + title_ops) else Status.UNCHANGED
    p = SectionPair(o, n, 1, 1, status, False, 0.9, WordDiff(title_ops, title_stats), WordDiff(ops, stats))
    head = pair(od, nd, od.preamble, nd.preamble)
    return comparison(od, nd, [head, p])


def test_minor_changes_say_what_changed_and_stepping_skips_what_is_not_there():
    ws = _one("a  b", "a b", (Op("=", "a", "a"), Op("-", "  ", ""), Op("+", "", " "), Op("=", "b", "b")), DiffStats(0, 0, 2))
    v = present.present(ws)[1]
    assert v.status == "minor" and v.badges[0].label == "Spacing" and v.amount == "white space"
    assert not v.stop and v.change_text != "+0 \u22120 words"
    punct = _one("a, b", "a b", (Op("=", "a", "a"), Op("-", ",", ""), Op("=", " b", " b")), DiffStats(0, 0, 2))
    v = present.present(punct)[1]
    assert v.badges[0].label == "Punctuation" and v.minor == "punctuation only" and v.stop
    joined = _one("a.\nb.", "a. b.", (Op("=", "a.", "a."), Op("-", "\n", ""), Op("+", "", " "), Op("=", "b.", "b.")),
                  DiffStats(0, 0, 2))
    v = present.present(joined)[1]
    assert v.badges[0].label == "Paragraphs" and not v.stop
    ignored = _one("Data", "data", (Op("~", "Data", "data"),), DiffStats(0, 0, 0, 1))
    v = present.present(ignored)[1]
    assert v.badges[0].label == "Ignored" and v.minor == "ignored differences: 1" and not v.stop
    level = _one("x", "x", (Op("=", "x", "x"),), DiffStats(0, 0, 1), new_level=2)
    v = present.present(level)[1]
    assert v.minor == "heading level" and not v.stop
    renumbered = _one("x", "x", (Op("=", "x", "x"),), DiffStats(0, 0, 1), old_title="11. A", new_title="13. A",
                      title_ops=(Op("-", "11", ""), Op("+", "", "13"), Op("=", ". A", ". A")),
                      title_stats=DiffStats(1, 1, 1))
    v = present.present(renumbered)[1]
    assert v.minor == "numbering" and v.badges[0].label == "Numbering" and v.stop


def test_a_paragraph_join_is_one_paragraph_with_a_struck_pilcrow_in_both_layouts():
    ops = (Op("=", "One.", "One."), Op("-", "\n", ""), Op("+", "", " "), Op("=", "Two.", "Two."))
    c = _one("One.\nTwo.", "One. Two.", ops, DiffStats(0, 0, 2))
    inline = present.present(c, "inline")[1]
    assert len(inline.paras) == 1
    assert [f.kind for f in inline.paras[0].frags] == ["=", "-p", "=", "="]
    assert inline.paras[0].text == "One. Two."  # no space invented, none lost
    side = present.present(c)[1]
    (old, new), = side.rows
    assert [p.text for p in old] == ["One.", "Two."] and [p.text for p in new] == ["One. Two."]
    assert old[0].frags[-1].kind == "-p" and old[0].frags[-1].text == present.PILCROW


def test_deleted_markers_and_blank_lines_leave_no_blank_red_line():
    ops = (Op("=", "A.", "A."), Op("-", "\n  \n", ""), Op("+", "", "\n"), Op("=", "B.", "B."))
    c = _one("A.\n  \nB.", "A.\nB.", ops, DiffStats(0, 0, 2))
    for layout in ("inline", "side-by-side"):
        v = present.present(c, layout)[1]  # type: ignore[arg-type]
        paras = list(v.paras) + [p for row in v.rows for side in row for p in side]
        assert all(p.text.strip() or any(f.kind in ("-p", "+p") for f in p.frags) for p in paras)


def test_inline_renumbered_heading_keeps_both_numbers():
    o = section("11. Contact", "x")
    n = section("13. Contact", "x")
    od, nd = document("a.md", (o,)), document("b.md", (n,))
    title = WordDiff((Op("-", "11", ""), Op("+", "", "13"), Op("=", ". Contact", ". Contact")), DiffStats(1, 1, 1))
    p = SectionPair(o, n, 1, 1, Status.CHANGED, False, 0.9, title, WordDiff((Op("=", "x", "x"),), DiffStats(0, 0, 1)))
    c = comparison(od, nd, [pair(od, nd, od.preamble, nd.preamble), p])
    v = present.present(c, "inline")[1]
    frags = [(f.kind, f.text) for para in v.title_paras for f in para.frags]
    assert frags[:2] == [("-", "11"), ("+", "13")]


def test_document_head_is_named_document_and_its_metadata_lines_are_dim():
    from policydiff.core.compare import compare
    from policydiff.core.corpus import showcase_pair
    from policydiff.core.load import load_document

    old, new = showcase_pair()
    c = compare(load_document(old), load_document(new))
    for layout in ("inline", "side-by-side"):
        head = present.present(c, layout)[0]  # type: ignore[arg-type]
        assert head.head and head.title == "Document" and head.badges[0].key == "document"
        paras = list(head.paras) + [p for row in head.rows for side in row for p in side]
        dim = [p.text for p in paras if p.dim]
        assert "Last Update: March 1, 2002" in dim
        assert not any(p.dim for p in paras if p.text.startswith("This site is maintained"))
    assert c.pairs[0].old_index == 0 and c.pairs[0].new_index == 0


def test_moved_pairs_are_marked_by_a_symbol_and_counted_as_badges():
    sample = build_sample()
    views = present.present(sample)
    moved = [v for v in views if v.moved]
    assert moved and all(any(b.key == "moved" for b in v.badges) for v in moved)
    assert all(v.moved_note and v.moved_note.startswith(present.MOVE_MARK) for v in moved)
    found = {c.key: c.value for c in present.counts(sample, views)}
    assert found["moved"] == sample.stats.sections_moved
    assert f"{sample.stats.sections_moved} moved" in present.summary_line(sample, views)


def test_ignore_options_are_defined_once():
    assert [spec.attr for spec in present.OPTIONS] == [
        name for name in Options.__dataclass_fields__ if name.startswith("ignore_")]
    assert [spec.cli for spec in present.OPTIONS] == [
        "--ignore-case", "--ignore-whitespace", "--ignore-typography", "--ignore-numbering"]
    assert present.options_from({"ignore_case": True}) == Options(ignore_case=True)
    assert present.ignored_labels(Options(ignore_numbering=True), short=True) == ["numbering"]


@pytest.mark.parametrize("style", list(present.STYLES))
@pytest.mark.parametrize("dark", [False, True])
def test_palettes_have_enough_contrast(style, dark):
    """WCAG 1.4.3: every text colour on its own background and on the page, at least 4.5:1."""
    pal = present.palette(style, dark)
    pairs = [
        ("fg", pal.fg, pal.bg), ("muted", pal.muted, pal.bg), ("dim", pal.dim, pal.bg),
        ("del", pal.del_fg, pal.del_bg), ("del on page", pal.del_fg, pal.bg),
        ("ins", pal.ins_fg, pal.ins_bg), ("ins on page", pal.ins_fg, pal.bg),
        ("ign", pal.ign, pal.bg), ("invisible", pal.invis_fg, pal.invis_bg),
        ("muted on band", pal.muted, pal.band),
    ]
    pairs += [(f"badge {key}", fg, bg) for key, (fg, bg) in pal.badges.items()]
    low = [(name, round(present.contrast_ratio(a, b), 2)) for name, a, b in pairs if present.contrast_ratio(a, b) < 4.5]
    assert not low
    assert set(pal.badges) == set(present.BADGE_KEYS)


def test_colorblind_and_blackline_styles():
    cb = present.palette("colorblind")
    # blue / orange: insertions bluish, deletions orange-ish (hue, not red vs green)
    ins = tuple(int(cb.ins_fg[k:k + 2], 16) for k in (1, 3, 5))
    dele = tuple(int(cb.del_fg[k:k + 2], 16) for k in (1, 3, 5))
    assert ins[2] > ins[0] and dele[0] > dele[2] and dele[1] > dele[2]
    assert present.palette("blackline").double_underline and not present.palette("standard").double_underline
    with pytest.raises(ValueError):
        present.palette("neon")
    assert present.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)


def test_a_removed_list_bullet_is_a_named_mark_not_a_stray_dot() -> None:
    from policydiff.core.compare import compare
    from policydiff.core.present import present
    from policydiff.core.structure import parse_document

    old = parse_document("# P\n\n## S\n\n- Alpha beta gamma.\n- Delta epsilon.\n")
    new = parse_document("# P\n\n## S\n\nAlpha beta gamma.\n\nDelta epsilon.\n")
    comparison = compare(old, new)
    side = present(comparison)[1]
    marks = [f for old_paras, _ in side.rows for p in old_paras for f in p.frags if f.tip == "list bullet removed"]
    assert [m.text.strip() for m in marks] == ["\u2022", "\u2022"] and all(m.kind == "-p" for m in marks)
    inline = present(comparison, "inline")[1]
    assert len([f for p in inline.paras for f in p.frags if f.tip == "list bullet removed"]) == 2


def test_a_first_row_heads_its_table_only_when_no_cell_of_it_is_a_sentence():
    """A glossary's first term and definition are a row, not a header; a column labelled with an
    abbreviation ("No.") or a question still heads its table."""
    from policydiff.core.compare import compare
    from policydiff.core.structure import parse_document

    def first_rows(table: str) -> list[tuple[bool, str]]:
        old = parse_document("# P\n\n## Terms\n\nAs used here:\n\n" + table, name="old.md")
        new = parse_document("# P\n\n## Terms\n\nAs used in these terms:\n\n" + table, name="new.md")
        view = next(v for v in present.present(compare(old, new)) if v.title == "Terms")
        return [(p.header, p.text) for _, side in view.rows for p in side if p.cells][:1]

    glossary = "| Personal data | Any information about an identified person. |\n| --- | --- |\n| Processor | A company that acts for us. |\n"
    assert first_rows(glossary) == [(False, "Personal data | Any information about an identified person.")]
    numbered = "| No. | Why do we ask? |\n| --- | --- |\n| 1 | To reach you when something changes. |\n"
    assert first_rows(numbered) == [(True, "No. | Why do we ask?")]
