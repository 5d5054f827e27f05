"""Structure and content of the HTML report (hand-built comparisons; the NEC pair when the engine runs)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

import policydiff
from policydiff.core.model import Status
from policydiff.core.report import default_report_name, render_report

from policydiff.core.present import MOVE_MARK, counts, present
from report_helpers import FIXED_TIME, by_id, document, has_class, parse, section, text_of


def summary_of(root):
    return [s for s in root.iter("section") if has_class(s, "summary")][0]


def pair_sections(root):
    return [el for el in root.iter("section") if re.fullmatch(r"pair-\d+", el.get("id") or "")]


def toc_links(root):
    nav = next(root.iter("nav"))
    return [a.get("href") for a in nav.iter("a")]


def check_structure(comparison, html):
    root = parse(html)
    n = len(comparison.pairs)
    # every pair in the body, in order, and in the table of contents
    assert [s.get("id") for s in pair_sections(root)] == [f"pair-{i}" for i in range(1, n + 1)]
    assert toc_links(root) == [f"#pair-{i}" for i in range(1, n + 1)]
    nav_text = text_of(next(root.iter("nav")))
    views = present(comparison)
    for v in views:
        assert v.title in nav_text
    # the counts: the same as present.py gives the window
    st = comparison.stats
    for count in counts(comparison, views):
        assert text_of(by_id(root, count.ident)).strip() == str(count.value), count.key
    assert text_of(by_id(root, "count-moved")).strip() == str(st.sections_moved)
    assert text_of(by_id(root, "words-inserted")).strip() == str(st.words.words_inserted)
    assert text_of(by_id(root, "words-deleted")).strip() == str(st.words.words_deleted)
    # badges: the pair's badges in the TOC, by text; a moved pair always says Moved
    rows = list(next(root.iter("nav")).iter("tr"))[1:]
    assert len(rows) == n
    for row, v, p in zip(rows, views, comparison.pairs):
        badges = [text_of(b).replace(MOVE_MARK, "").strip() for b in row.iter("span") if has_class(b, "badge")]
        assert badges == [b.label for b in v.badges]
        assert ("Moved" in badges) == p.moved
    # self-contained
    assert root.find(".//script") is None
    assert root.find(".//link") is None
    for el in root.iter():
        assert el.get("src") is None
        href = el.get("href")
        if href is not None:
            assert href.startswith("#") or re.match(r"https?://", href), href
    return root


# ---- the hand-built sample ---------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["side-by-side", "inline"])
@pytest.mark.parametrize("changed_only", [False, True])
def test_structure_sample(sample, layout, changed_only):
    html = render_report(sample, layout=layout, changed_only=changed_only, generated_at=FIXED_TIME)
    check_structure(sample, html)


def test_head_and_metadata(sample):
    html = render_report(sample, generated_at=FIXED_TIME)
    root = parse(html)
    head = root.find("head")
    metas = head.findall("meta")
    assert metas[0].get("charset").lower() == "utf-8"
    csp = [m.get("content") for m in metas if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(csp) == 1
    policy = csp[0]
    assert "default-src 'none'" in policy and "script-src 'none'" in policy
    assert "style-src 'unsafe-inline'" in policy and "img-src data:" in policy
    header = text_of(root.find(".//header"))
    for expected in ("acme-2019.md", "acme-2024.txt", "Acme Privacy Notice", "March 1, 2019", "June 5, 2024",
                     "https://example.com/privacy", "2019-03-02", "ab" * 32, "cd" * 32, "cp1252",
                     "2024-10-01 12:30 UTC", f"policydiff {policydiff.__version__}"):
        assert expected in header, expected
    # the source is an http(s) link, with rel
    links = [a for a in root.find(".//header").iter("a")]
    assert [a.get("href") for a in links] == ["https://example.com/privacy"]
    assert links[0].get("rel") == "noreferrer noopener"
    assert root.find(".//time").get("datetime") == "2024-10-01T12:30:00+00:00"


def test_summary_and_legend(sample):
    root = parse(render_report(sample, generated_at=FIXED_TIME))
    summary = text_of(summary_of(root))
    assert "struck through: text in the March 1, 2019 version that is not in the June 5, 2024 version" in summary
    assert "underlined: text that is only in the new (June 5, 2024) version" in summary
    assert text_of(by_id(root, "words-ignored")) == "1"
    assert "Differences in letter case were ignored" in summary
    assert "1 pairing was corrected by hand" in summary


def test_legend_falls_back_to_names(sample):
    old = replace(sample.old, date=None)
    new = replace(sample.new, date=None)
    root = parse(render_report(replace(sample, old=old, new=new)))
    summary = text_of(summary_of(root))
    assert "text in the acme-2019.md version that is not in the acme-2024.txt version" in summary


def test_nothing_ignored_says_so(sample):
    from policydiff.core.model import Options

    root = parse(render_report(replace(sample, options=Options())))
    assert "Nothing was ignored" in text_of(summary_of(root))


def test_side_by_side_cells(sample):
    root = parse(render_report(sample, generated_at=FIXED_TIME))
    p3 = by_id(root, "pair-3")  # renamed: "1. Scope" -> "2. Scope of this notice"
    cells = [d for d in p3.iter("div") if has_class(d, "cell")]
    old_cells = [c for c in cells if has_class(c, "old")]
    new_cells = [c for c in cells if has_class(c, "new")]
    assert len(old_cells) == len(new_cells)
    heading_old, heading_new = old_cells[0], new_cells[0]
    assert "Scope" in text_of(heading_old) and "1. " in text_of(heading_old)
    assert [text_of(i) for i in heading_new.iter("ins")] == ["2", " of this notice"]
    # the renumbering (1. -> 2.) shows both numbers: cross-references use them
    assert [text_of(d) for d in heading_old.iter("del")] == ["1"]
    # body rows are aligned at shared paragraph breaks: one row per paragraph here
    assert [text_of(c) for c in old_cells[1:]] == ["This statement applies to this site.", "Other sites differ."]
    assert [text_of(c) for c in new_cells[1:]] == ["This notice applies to this site.", "Other sites differ."]
    assert [text_of(d) for d in p3.iter("del")] == ["1", "statement"]
    assert [text_of(i) for i in p3.iter("ins")] == ["2", " of this notice", "notice"]


def test_paragraphs_never_markdown():
    from report_helpers import comparison, pair

    body = "# not a heading\n* not a list\n**not bold** [not a link](http://x.example)"
    old_doc = document("a.md", (section("1. A", body),))
    new_doc = document("b.md", (section("1. A", body + "\nmore"),))
    c = comparison(old_doc, new_doc, [pair(old_doc, new_doc, old_doc.sections[0], new_doc.sections[0])])
    for layout in ("side-by-side", "inline"):
        root = parse(render_report(c, layout=layout))
        ps = [text_of(p) for p in by_id(root, "pair-1").iter("p") if not (p.get("class") or "")]
        assert "# not a heading" in ps and "* not a list" in ps
        assert "**not bold** [not a link](http://x.example)" in ps
        assert root.find(".//strong[@class='md']") is None
        assert all(a.get("href", "").startswith("#") for a in by_id(root, "pair-1").iter("a"))


def test_paragraph_break_change_is_visible(sample):
    root = parse(render_report(sample))
    p4 = by_id(root, "pair-4")  # "...site.\nWe never sell it." -> "...site. We never sell it.\nWe may share it."
    pilcrows = [d for d in p4.iter("del") if has_class(d, "pb")]
    assert len(pilcrows) == 1 and text_of(pilcrows[0]) == "\u00b6"
    assert "We may share it." in [text_of(i) for i in p4.iter("ins")]


def test_moved_added_removed_coarse_ignored(sample):
    for layout in ("side-by-side", "inline"):
        root = parse(render_report(sample, layout=layout))
        moved = text_of(by_id(root, "pair-2"))
        assert "Moved: was section 3 (\u201cCookies\u201d) in the old version." in moved
        removed = by_id(root, "pair-5")
        assert [text_of(d) for d in removed.iter("del")] == ["We send newsletters if you agree."]
        assert removed.find(".//ins") is None
        assert "not in the new version." in text_of(removed).lower()
        added = by_id(root, "pair-7")
        assert [text_of(i) for i in added.iter("ins")] == ["You may ask for a copy of your data.", "You may object."]
        assert added.find(".//del") is None
        assert "not in the old version." in text_of(added).lower()
        coarse = by_id(root, "pair-8")
        assert "The texts differ too much for a word-by-word diff; shown as replaced." in text_of(coarse)
        assert "Paired by hand" in text_of(coarse)
        ign = [s for s in by_id(root, "pair-6").iter("span") if has_class(s, "ign")]
        assert ign and text_of(ign[-1]) == "Address"
        assert "address" in ign[-1].get("title")


def test_inline_layout_is_a_redline(sample):
    root = parse(render_report(sample, layout="inline"))
    assert root.find(".//body").get("class") == "layout-inline style-standard"
    p3 = by_id(root, "pair-3")
    assert not [d for d in p3.iter("div") if has_class(d, "sbs")]
    body = [d for d in p3.iter("div") if has_class(d, "text")][0]
    text = [text_of(p) for p in body.iter("p")]
    assert text == ["This statementnotice applies to this site.", "Other sites differ."]
    heading = [d for d in p3.iter("div") if has_class(d, "title-diff")][0]
    # a renumbered heading keeps both numbers: the old struck through, the new inserted
    assert [text_of(d) for d in heading.iter("del")] == ["1"] and text_of(heading.find(".//ins")) == "2"


def test_changed_only_collapses_unchanged(sample):
    root = parse(render_report(sample, changed_only=True))
    folds = list(root.iter("details"))
    folded = [s.get("id") for d in folds if has_class(d, "fold") for s in d.iter("section")]
    unchanged = [f"pair-{i}" for i, p in enumerate(sample.pairs, 1) if p.status is Status.UNCHANGED]
    assert folded == unchanged and unchanged
    # what is folded is what stepping skips: nothing a reader must see
    assert folded == [v.anchor for v in present(sample) if not v.stop]
    assert all(d.get("open") is None for d in folds)
    # still present in full
    assert "Write to us at the" in text_of(by_id(root, unchanged[0]))
    # without the flag nothing is folded
    assert not [d for d in parse(render_report(sample)).iter("details") if has_class(d, "fold")]


def test_css_covers_phone_print_and_dark(sample):
    html = render_report(sample)
    style = parse(html).find(".//style").text
    assert "@media print" in style and "break-after: avoid" in style
    assert "break-before: page" not in style  # sections flow; a heading is never stranded
    assert "prefers-color-scheme: dark" in style
    assert re.search(r"@media screen and \(max-width: 8\d\dpx\)", style)
    assert "line-through" in style and "underline" in style


def test_generated_at_default_and_naive():
    from report_helpers import build_sample

    c = build_sample()
    root = parse(render_report(c))
    stamp = datetime.fromisoformat(root.find(".//time").get("datetime"))
    assert abs(stamp - datetime.now(timezone.utc)) < timedelta(minutes=5)
    root = parse(render_report(c, generated_at=datetime(2020, 1, 2, 3, 4)))
    assert text_of(root.find(".//time")) == "2020-01-02 03:04"
    tz = timezone(timedelta(hours=5, minutes=30))
    root = parse(render_report(c, generated_at=datetime(2020, 1, 2, 3, 4, tzinfo=tz)))
    assert text_of(root.find(".//time")) == "2020-01-02 03:04 (UTC+05:30)"


def test_bad_layout(sample):
    with pytest.raises(ValueError):
        render_report(sample, layout="sideways")  # type: ignore[arg-type]


def test_identical_documents():
    from report_helpers import comparison, pair

    doc = document("same.md", (section("1. A", "Same text.\nTwice."),), preamble="Intro.")
    c = comparison(doc, doc, [pair(doc, doc, doc.preamble, doc.preamble),
                              pair(doc, doc, doc.sections[0], doc.sections[0])])
    root = parse(render_report(c, changed_only=True))
    assert "The two versions have the same content" in text_of(root)
    # identical labels get told apart in the legend
    assert "text in the old (same.md) version that is not in the new (same.md) version" in text_of(root)


def test_empty_sections_and_missing_ops():
    """Engine output with empty bodies or empty op lists still renders every section's text."""
    from policydiff.core.model import DiffStats, WordDiff

    from report_helpers import comparison, pair

    old = document("o.md", (section("1. Empty", ""), section("2. Text", "Kept.")))
    new = document("n.md", (section("1. Empty", ""), section("2. Text", "Kept.")))
    no_ops = WordDiff((), DiffStats())
    c = comparison(old, new, [pair(old, new, old.preamble, new.preamble),
                              pair(old, new, old.sections[0], new.sections[0]),
                              pair(old, new, old.sections[1], new.sections[1], body_diff=no_ops)])
    for layout in ("side-by-side", "inline"):
        root = parse(render_report(c, layout=layout))
        assert "No text under this heading." in text_of(by_id(root, "pair-2"))
        assert "Kept." in text_of(by_id(root, "pair-3"))


def test_default_report_name(sample):
    assert default_report_name(sample) == "acme-2019-vs-acme-2024.html"
    odd = replace(sample, old=replace(sample.old, name="../../etc/pass wd?.md"),
                  new=replace(sample.new, name=""))
    name = default_report_name(odd)
    assert name == "pass-wd-vs-new.html"
    assert "/" not in name and "\\" not in name


# ---- the real NEC pair ---------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["side-by-side", "inline"])
@pytest.mark.parametrize("changed_only", [False, True])
def test_nec_structure(nec, layout, changed_only):
    html = render_report(nec, layout=layout, changed_only=changed_only)
    check_structure(nec, html)
    assert len(html.encode("utf-8")) <= 300_000


def test_nec_names_and_size(nec):
    assert default_report_name(nec) == "nec-2002-vs-nec-2024.html"
    html = render_report(nec)
    root = parse(html)
    header = text_of(root.find(".//header"))
    assert nec.old.sha256 in header and nec.new.sha256 in header
    assert len(html.encode("utf-8")) <= 300_000


def _side_text(cell_root, side):
    parts = []
    for cell in cell_root.iter("div"):
        if has_class(cell, "cell") and has_class(cell, side) and not has_class(cell, "title-diff") \
                and not has_class(cell, "absent"):
            parts.extend(text_of(p) for p in cell.iter("p"))
    return "".join(parts).replace("\u00b6", "")


def test_nec_every_word_is_shown(nec):
    """Side by side, each column holds exactly its section's body (paragraph breaks aside)."""
    root = parse(render_report(nec))
    for i, p in enumerate(nec.pairs, 1):
        el = by_id(root, f"pair-{i}")
        for side, sec in (("old", p.old), ("new", p.new)):
            shown = _side_text(el, side)
            expected = sec.body.replace("\n", "") if sec is not None else ""
            if not shown and not expected:
                continue
            assert shown == expected, (i, side, p.display_title)


def test_pilcrow_legend_only_when_needed(sample):
    assert "a paragraph break removed or added" in text_of(summary_of(parse(render_report(sample))))
    from report_helpers import comparison, pair

    doc = document("a.md", (section("1. A", "One.\nTwo."),))
    new = document("b.md", (section("1. A", "One.\nTwo and three."),))
    c = comparison(doc, new, [pair(doc, new, doc.sections[0], new.sections[0])])
    assert "paragraph break" not in text_of(summary_of(parse(render_report(c))))


def test_weak_pairing_is_flagged(sample):
    weak = replace(sample.pairs[2], score=0.2)
    c = replace(sample, pairs=(*sample.pairs[:2], weak, *sample.pairs[3:]))
    root = parse(render_report(c))
    assert "Paired automatically on weak evidence (match score 20%)" in text_of(by_id(root, "pair-3"))
    assert "weak evidence" not in text_of(by_id(root, "pair-2"))


def test_inline_rewritten_passage_shows_old_block_then_new_block():
    from policydiff.core.model import DiffStats, Op, WordDiff

    from report_helpers import comparison, pair

    old = document("a.md", (section("1. A", "Keep. Old one.\nOld two."),))
    new = document("b.md", (section("1. A", "Keep. New one.\nNew two."),))
    ops = (Op("=", "Keep. ", "Keep. "), Op("-", "Old one.\nOld two", ""), Op("+", "", "New one.\nNew two"),
           Op("=", ".", "."))
    body = WordDiff(ops, DiffStats(4, 4, 1, 0))
    c = comparison(old, new, [pair(old, new, old.sections[0], new.sections[0], body_diff=body)])
    root = parse(render_report(c, layout="inline"))
    text = [d for d in by_id(root, "pair-1").iter("div") if has_class(d, "text")][0]
    assert [text_of(p) for p in text.iter("p")] == ["Keep. Old one.", "Old two", "New one.", "New two."]
