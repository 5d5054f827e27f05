"""The report shows present.py's presentation: badges, quieter statuses, the document head, styles."""

from __future__ import annotations

import subprocess
import sys

import pytest

from policydiff.core import present
from policydiff.core.report import render_report
from report_helpers import CORPUS, FIXED_TIME, by_id, has_class, parse, text_of


@pytest.fixture(scope="module")
def nec():
    from policydiff.core.compare import compare
    from policydiff.core.load import load_document

    return compare(load_document(CORPUS / "nec-2002.md"), load_document(CORPUS / "nec-2024.txt"))


def _toc_badges(root):
    nav = next(root.iter("nav"))
    return [[text_of(b).replace(present.MOVE_MARK, "").strip() for b in row.iter("span") if has_class(b, "badge")]
            for row in list(nav.iter("tr"))[1:]]


def test_moves_are_findable_in_the_contents(nec):
    root = parse(render_report(nec, generated_at=FIXED_TIME))
    badges = _toc_badges(root)
    moved = sum("Moved" in row for row in badges)
    assert moved == nec.stats.sections_moved == 3
    assert text_of(by_id(root, "count-moved")) == "3"
    # a moved section is also marked by a symbol, not only by colour
    nav = text_of(next(root.iter("nav")))
    assert nav.count(present.MOVE_MARK) >= 3
    assert {"Renamed", "Added", "Removed"} <= {b for row in badges for b in row}


def test_document_head(nec):
    for layout in ("side-by-side", "inline"):
        root = parse(render_report(nec, layout=layout, generated_at=FIXED_TIME))
        head = by_id(root, "pair-1")
        assert text_of(by_id(root, "pair-1-h")) == "Document"
        dim = [text_of(p) for p in head.iter("p") if has_class(p, "dim")]
        assert "Last Update: March 1, 2002" in dim
        assert "Global Site" in dim
        assert not any(t.startswith("This site is maintained") for t in dim)
        assert "Privacy | NEC \u2192 Global Privacy Notice" in text_of(head) or "Global" in text_of(head)


def test_renumbered_headings_keep_both_numbers_inline(nec):
    root = parse(render_report(nec, layout="inline", generated_at=FIXED_TIME))
    row = next(i for i, p in enumerate(nec.pairs, 1) if p.old is not None and p.old.title.startswith("8.Links"))
    heading = [d for d in by_id(root, f"pair-{row}").iter("div") if has_class(d, "title-diff")][0]
    assert "8." in [text_of(d) for d in heading.iter("del")]
    assert any(text_of(i).startswith("9.") for i in heading.iter("ins"))


def test_quieter_status_in_the_report(tmp_path):
    from policydiff.core.compare import compare
    from policydiff.core.load import load_document

    old = tmp_path / "a.md"
    new = tmp_path / "b.md"
    old.write_text("# T\n\n## 1. A\n\nWe use cookies, sometimes.\n\n## 2. B\n\nOne.\n\nTwo.\n", encoding="utf-8")
    new.write_text("# T\n\n## 1. A\n\nWe use cookies sometimes.\n\n## 2. B\n\nOne. Two.\n", encoding="utf-8")
    c = compare(load_document(old), load_document(new))
    root = parse(render_report(c, generated_at=FIXED_TIME))
    badges = _toc_badges(root)
    assert ["Punctuation"] in badges and ["Paragraphs"] in badges
    html = render_report(c)
    assert "+0 \u22120" not in html
    assert 'class="pb"' in html  # the join is a visible pilcrow


@pytest.mark.parametrize("style", ["colorblind", "blackline"])
def test_styles(nec, style):
    html = render_report(nec, style=style, generated_at=FIXED_TIME)
    root = parse(html)
    pal = present.palette(style)
    css = next(root.iter("style")).text
    assert f"--del-fg: {pal.del_fg};" in css and f"--ins-fg: {pal.ins_fg};" in css
    assert ("--ins-line: double;" in css) == (style == "blackline")
    assert present.STYLES[style] in text_of(root)
    with pytest.raises(ValueError):
        render_report(nec, style="neon")


def test_cli_style(tmp_path):
    out = tmp_path / "r.html"
    done = subprocess.run([sys.executable, "-m", "policydiff", str(CORPUS / "nec-2002.md"), str(CORPUS / "nec-2024.txt"),
                           "--report", str(out), "--style", "blackline"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "style-blackline" in out.read_text(encoding="utf-8")


def test_colour_is_never_the_only_signal(nec):
    css = next(parse(render_report(nec)).iter("style")).text
    assert "line-through" in css and "underline" in css
    # print keeps the marks (struck, underlined, tinted) and lets sections flow
    print_css = css[css.index("@media print"):]
    assert "print-color-adjust: exact" in print_css and "break-before: page" not in print_css


def test_no_weak_match_note_on_a_section_whose_words_are_the_same():
    """A low pairing score says the pairing may be wrong; on a section with the same text under
    both versions it is not: no "weak match" note. A low score with rewritten text keeps it."""
    import dataclasses

    from policydiff.core.compare import compare
    from policydiff.core.structure import parse_document

    body = "We keep your data for as long as the law requires and no longer than that."
    old = parse_document(f"# P\n\n## Retention\n\n{body}\n\n## Contact\n\nWrite to us at the address below.\n", name="o")
    new = parse_document(f"# P\n\n## How long we keep data\n\n{body}\n\n## Contact\n\nCall us on weekdays only.\n",
                         name="n")
    c = compare(old, new)
    same = next(k for k, p in enumerate(c.pairs) if p.new is not None and p.new.title == "How long we keep data")
    rewritten = next(k for k, p in enumerate(c.pairs) if p.new is not None and p.new.title == "Contact")
    pairs = list(c.pairs)
    for k in (same, rewritten):
        pairs[k] = dataclasses.replace(pairs[k], score=0.42)
    low = dataclasses.replace(c, pairs=tuple(pairs))
    same_view = present.present_pair(low, same)
    assert same_view.match_note is None and not any("weak match" in n for n in same_view.notes)
    rewritten_view = present.present_pair(low, rewritten)
    assert rewritten_view.match_note is not None and "weak match (42%)" in rewritten_view.notes


def test_a_pairs_counts_read_as_words_whatever_the_last_number(nec):
    texts = [v.change_text for v in present.present(nec, layout="inline")]
    assert not any(t.endswith(" 1 word") and t.startswith("+") and "\u2212" in t for t in texts)
    from policydiff.core.structure import parse_document
    from policydiff.core.compare import compare

    c = compare(parse_document("# P\n\n## A\n\nWe keep data for a while.\n", name="o"),
                parse_document("# P\n\n## A\n\nWe keep your data for a year or two years.\n", name="n"))
    view = next(v for v in present.present(c) if v.title == "A")
    assert view.change_text.endswith(" words") and "\u22121" in view.change_text
