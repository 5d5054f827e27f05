"""The compare engine: alignment on real version pairs, word diff bookkeeping, overrides, CLI JSON."""

from __future__ import annotations

import bisect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core.compare import compare, with_options, with_overrides
from policydiff.core.load import load_document
from policydiff.core.model import Comparison, Options, Overrides, SectionPair, Status
from policydiff.core.structure import parse_document

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
EXTRA = CORPUS / "extra"


def load_pair(old: str, new: str) -> Comparison:
    return compare(load_document(CORPUS / old), load_document(CORPUS / new))


@pytest.fixture(scope="module")
def nec() -> Comparison:
    return load_pair("nec-2002.md", "nec-2024.txt")


def paired_titles(comparison: Comparison) -> dict[str, str | None]:
    return {
        p.old.bare_title: (p.new.bare_title if p.new else None)
        for p in comparison.pairs
        if p.old is not None and p.old.level > 0
    }


NEC_PAIRS = {
    "Site covered by this statement": "NEC Group Introduction",
    "Information": "How do We Process Your Personal Data",
    "Use of your information": "Purposes for Processing Your Personal Data",
    "Sharing your Personal Information": "Sharing Your Personal Data",
    "Use of cookies and web beacons": "Cookies",
    "Children's privacy": "Minor's Privacy",
    "Protecting your Personal Information": "Data Security",
    "Links to other web sites": "Links to other Websites or Services",
    "Changes to this statement": "Amendments to the Global Privacy Notice",
    "Contact us": "Contact US",
    "Applicable laws": None,
}
"""The NEC 2002 -> 2024 showcase pair's old top-level sections and their counterparts (None:
removed). benchmarks/fit_pairing.py scores the fitted weights on it (never in their fit)."""


NEC_PAIRS_FOUND = 9
"""How many of ``NEC_PAIRS`` the fitted pairing makes (a floor): it leaves "Use of your information"
unpaired, and "Protecting your Personal Information" too (the global "Data Security" scores 0.45,
over the United States notice's subsection "Security", 0.39, but under the threshold)."""


def test_nec_pairing_keeps_its_floor(nec: Comparison) -> None:
    pairs = paired_titles(nec)
    assert sum(pairs.get(old) == new for old, new in NEC_PAIRS.items()) >= NEC_PAIRS_FOUND, pairs


@pytest.mark.xfail(strict=True, reason="the fitted pairing makes 9 of the 11 (see NEC_PAIRS_FOUND)")
def test_nec_pairing_is_what_a_privacy_lawyer_would_make(nec: Comparison) -> None:
    pairs = paired_titles(nec)
    assert {k: pairs[k] for k in NEC_PAIRS} == NEC_PAIRS


def test_nec_pairs_come_in_new_reading_order_with_removed_in_place(nec: Comparison) -> None:
    new_indices = [p.new_index for p in nec.pairs if p.new_index is not None]
    assert new_indices == sorted(new_indices)
    titles = [p.display_title for p in nec.pairs]
    laws = titles.index("10.Applicable laws")
    assert nec.pairs[laws].status is Status.REMOVED
    # the cookies section went from 5th place to the end: it, or the sections it passed, are
    # shown moved, the fewest that can be (all but a longest chain keeping the reading order)
    cookies = next(p for p in nec.pairs if p.new and p.new.bare_title == "Cookies")
    assert cookies.status is Status.CHANGED
    paired = sorted((p.old_index, p.new_index) for p in nec.pairs if p.old_index is not None and p.new_index is not None)
    chain: list[int] = []
    for _, new_index in paired:
        at = bisect.bisect_left(chain, new_index)
        chain[at : at + 1] = [new_index]
    assert nec.stats.sections_moved == sum(p.moved for p in nec.pairs) == len(paired) - len(chain) >= 1
    assert nec.stats.sections_removed + nec.stats.sections_added + nec.stats.sections_changed > 20


def assert_lossless(comparison: Comparison) -> None:
    """Every entry rebuilds its sections' texts; the entries of a merge (split) together rebuild
    the new (old) section they share, each holding its own old (new) section whole."""
    shared: dict[tuple[str, int], str] = {}
    for pair in comparison.pairs:
        old_text = "".join(op.old for op in pair.body_diff.ops)
        new_text = "".join(op.new for op in pair.body_diff.ops)
        if pair.old_group:  # merge: this old section whole, a part of the new one
            assert old_text == pair.old.body
            shared[("new", pair.new_index)] = shared.get(("new", pair.new_index), "") + new_text
        elif pair.new_group:  # split
            assert new_text == pair.new.body
            shared[("old", pair.old_index)] = shared.get(("old", pair.old_index), "") + old_text
        else:
            assert old_text == (pair.old.body if pair.old else "")
            assert new_text == (pair.new.body if pair.new else "")
        assert "".join(op.old for op in pair.title_diff.ops) == (pair.old.title if pair.old else "")
        assert "".join(op.new for op in pair.title_diff.ops) == (pair.new.title if pair.new else "")
    for (side, index), text in shared.items():
        flat = comparison.new.flat() if side == "new" else comparison.old.flat()
        assert text == flat[index].body


def test_every_pair_is_lossless(nec: Comparison) -> None:
    assert_lossless(nec)


def test_every_section_appears_at_least_once(nec: Comparison) -> None:
    olds = {p.old_index for p in nec.pairs if p.old_index is not None}
    news = {p.new_index for p in nec.pairs if p.new_index is not None}
    assert olds == set(range(len(nec.old.flat())))
    assert news == set(range(len(nec.new.flat())))
    assert nec.pairs[0].old_index == nec.pairs[0].new_index == 0  # the heads share words (HEAD_SHARE): they pair


def test_control_pair_differs_only_in_its_title_and_provenance() -> None:
    comparison = compare(
        load_document(EXTRA / "fujitsu-2006-06-17.md"), load_document(EXTRA / "fujitsu-2010-06-11.md")
    )
    # The page title gained a word and the archive note its date: words differ, so not identical,
    # and the document head (title, provenance) is where the reader sees it.
    assert not comparison.identical
    head = comparison.pairs[0]
    assert head.old is not None and head.old.level == 0 and head.status is Status.CHANGED
    assert words_of(head, "-") == ["2006-06-17"] and words_of(head, "+") == ["2010-06-11"]
    assert all(p.status is Status.UNCHANGED for p in comparison.pairs[1:])


def changed(comparison: Comparison) -> list[SectionPair]:
    return [p for p in comparison.pairs if p.status is not Status.UNCHANGED]


def words_of(pair: SectionPair, kind: str) -> list[str]:
    return " ".join(op.old if kind == "-" else op.new for op in pair.body_diff.ops if op.kind == kind).split()


def test_hitachi_small_edits_found_exactly() -> None:
    comparison = compare(
        load_document(EXTRA / "hitachi-2012-05-07.md"), load_document(EXTRA / "hitachi-2017-12-11.md")
    )
    edited = changed(comparison)
    assert [p.display_title for p in edited][1:] == ["9. Contact Information"]
    assert edited[0].old is not None and edited[0].old.level == 0  # the document head
    preamble = edited[0]
    # The semantic cleanup folds the lone kept word "President" into the surrounding change.
    assert words_of(preamble, "-") == [
        "2012-05-07", "Hiroaki", "Nakanishi", "President", "and", "Representative", "Executive", "Officer"
    ]
    assert words_of(preamble, "+") == ["2017-12-11", "Toshiaki", "Higashihara", "President", "&", "CEO"]
    contact = edited[1]
    assert "1-6-6Marunouchi" in words_of(contact, "-") and "Soto-Kanda" in words_of(contact, "+")
    assert "Management" in words_of(contact, "+")
    assert all(p.status is Status.UNCHANGED for p in comparison.pairs if p not in edited)


def test_nikon_small_edits_found_exactly() -> None:
    comparison = compare(
        load_document(EXTRA / "nikon-2011-12-10.md"), load_document(EXTRA / "nikon-2018-05-15.md")
    )
    by_title = {p.display_title: p for p in comparison.pairs}
    use = by_title["2. Personal Information Use"]
    assert words_of(use, "-") == ["Commercial", "Code"]
    assert words_of(use, "+") == ["laws", "and", "regulations"]
    preamble = comparison.pairs[0]
    assert "Policy" in words_of(preamble, "-") and "Statement" in words_of(preamble, "+")


@pytest.mark.parametrize("company", ["dell", "ibm", "necdisplay", "panasonic", "sony", "hitachi", "nikon"])
def test_corpus_extra_pairs_compare_losslessly(company: str) -> None:
    old, new = sorted(EXTRA.glob(f"{company}-*.md"))
    comparison = compare(load_document(old), load_document(new))
    assert_lossless(comparison)
    for pair in comparison.pairs:
        assert 0.0 <= pair.score <= 1.0
    # successive versions keep most sections recognisably paired (Panasonic's two pages are
    # different documents: a copyright and pricing page against a club's privacy statement)
    paired = sum(1 for p in comparison.pairs if p.old is not None and p.new is not None)
    if company != "panasonic":
        assert paired >= 0.6 * len(comparison.pairs)


def test_renumbering_is_a_change_unless_numbering_is_ignored() -> None:
    old = parse_document("# P\n\n## 6. Sharing\n\nWe share data with partners.\n\n## 7. Security\n\nWe protect it.\n")
    new = parse_document("# P\n\n## 9. Sharing\n\nWe share data with partners.\n\n## 10. Security\n\nWe protect it.\n")
    comparison = compare(old, new)
    # Cross-references use the numbers: both numbers are shown, yet the sections are not renamed.
    assert not comparison.identical
    assert all(not p.renamed for p in comparison.pairs)
    sharing = comparison.pairs[1]
    assert [(op.kind, op.text) for op in sharing.title_diff.ops][:2] == [("-", "6."), ("+", "9.")]
    ignoring = compare(old, new, options=Options(ignore_numbering=True))
    assert ignoring.identical and ignoring.stats.words.words_ignored == 2


def test_overrides_pair_and_unpair_recompute_only_what_changed(nec: Comparison) -> None:
    laws = nec.old.flat().index(next(s for s in nec.old.flat() if s.bare_title == "Applicable laws"))
    controller = nec.new.flat().index(next(s for s in nec.new.flat() if s.bare_title == "Data Controller"))
    forced = with_overrides(nec, Overrides(pairs=((laws, controller),)))
    pair = next(p for p in forced.pairs if p.old_index == laws)
    assert pair.new_index == controller and pair.manual and pair.score == 1.0
    # unchanged pairs keep their very diff objects (nothing recomputed)
    before = {(p.old_index, p.new_index): p.body_diff for p in nec.pairs}
    kept = [p for p in forced.pairs if (p.old_index, p.new_index) in before]
    assert kept and all(p.body_diff is before[(p.old_index, p.new_index)] for p in kept)

    cookies_old = next(p.old_index for p in nec.pairs if p.new and p.new.bare_title == "Cookies")
    unpaired = with_overrides(nec, Overrides(unpaired_old=(cookies_old,)))
    removed = next(p for p in unpaired.pairs if p.old_index == cookies_old)
    assert removed.status is Status.REMOVED and removed.manual
    assert with_overrides(unpaired, Overrides()).pairs == nec.pairs


def test_ignore_options_recompute_and_count(nec: Comparison) -> None:
    relaxed = with_options(nec, Options(ignore_case=True, ignore_typography=True))
    assert relaxed.stats.words.words_ignored > 0
    assert relaxed.stats.words.words_inserted <= nec.stats.words.words_inserted
    assert [(p.old_index, p.new_index) for p in relaxed.pairs] == [(p.old_index, p.new_index) for p in nec.pairs]


# --- properties -------------------------------------------------------------------------------

_word = st.sampled_from("data privacy cookies share sell minors consent notice rights security law".split())
_para = st.lists(_word, min_size=3, max_size=20).map(lambda ws: " ".join(ws).capitalize() + ".")
_section = st.tuples(st.lists(_word, min_size=1, max_size=4).map(" ".join), st.lists(_para, min_size=1, max_size=3))
_doc = st.lists(_section, min_size=1, max_size=8).map(
    lambda secs: "# Policy\n\n" + "\n\n".join(f"## {i + 1}. {t.title()}\n\n" + "\n\n".join(ps) for i, (t, ps) in enumerate(secs))
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_doc)
def test_a_document_compared_with_itself_is_unchanged(text: str) -> None:
    doc = parse_document(text)
    comparison = compare(doc, doc)
    assert comparison.identical
    assert all(p.old_index == p.new_index and not p.moved for p in comparison.pairs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_doc, _doc)
def test_swapping_old_and_new_swaps_insertions_and_deletions(a: str, b: str) -> None:
    forward = compare(parse_document(a), parse_document(b))
    backward = compare(parse_document(b), parse_document(a))
    assert forward.stats.words.words_inserted == backward.stats.words.words_deleted
    assert forward.stats.words.words_deleted == backward.stats.words.words_inserted
    assert forward.stats.sections_added == backward.stats.sections_removed


# --- command line ------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policydiff", *args], capture_output=True, text=True, timeout=120)


def test_cli_json_on_the_nec_pair() -> None:
    result = run_cli(str(CORPUS / "nec-2002.md"), str(CORPUS / "nec-2024.txt"), "--json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["old"]["title"] == "Privacy | NEC" and data["new"]["date"] == "September 2024"
    statuses = {p["status"] for p in data["pairs"]}
    assert statuses <= {"unchanged", "changed", "added", "removed"}
    assert sum(p["words_inserted"] for p in data["pairs"]) == data["stats"]["words_inserted"]
    first = next(p for p in data["pairs"] if p["old"] and p["old"]["title"] == "1.Site covered by this statement")
    assert first["new"]["title"] == "1. NEC Group Introduction"
    assert all(op[0] in "=-+" for op in first["ops"])


def test_cli_exit_codes() -> None:
    same = run_cli(str(EXTRA / "fujitsu-2006-06-17.md"), str(EXTRA / "fujitsu-2006-06-17.md"), "--json")
    assert same.returncode == 0, same.stderr
    differ = run_cli(str(EXTRA / "fujitsu-2006-06-17.md"), str(EXTRA / "fujitsu-2010-06-11.md"), "--json")
    assert differ.returncode == 1, differ.stderr
    missing = run_cli(str(CORPUS / "nec-2002.md"), "/nonexistent/policy.md", "--json")
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.strip() == "policydiff: /nonexistent/policy.md: no such file"


def test_cli_outline() -> None:
    result = run_cli(str(CORPUS / "nec-2024.txt"), "--outline")
    assert result.returncode == 0
    outline = json.loads(result.stdout)
    assert set(outline) == {"path", "title", "date", "source", "archived", "sections", "omitted", "decisions"}
    assert {"line": 1, "text": "Global Site", "reason": "navigation"} in outline["omitted"]
    assert any(d["heading"] and d["text"] == "1. NEC Group Introduction" for d in outline["decisions"])
    assert outline["sections"][1]["title"] == "1. NEC Group Introduction"


def test_cli_report_is_written_once_and_never_overwritten_silently(tmp_path: Path) -> None:
    target = tmp_path / "nec.html"
    args = (str(CORPUS / "nec-2002.md"), str(CORPUS / "nec-2024.txt"), "--report", str(target))
    first = run_cli(*args, "--layout", "inline", "--changed-only")
    assert first.returncode == 1, first.stderr
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in html
    again = run_cli(*args)
    assert again.returncode == 2 and "file exists" in again.stderr
    assert target.read_text(encoding="utf-8") == html
    forced = run_cli(*args, "--force")
    assert forced.returncode == 1 and target.read_text(encoding="utf-8") != html  # other layout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nec.html"]  # no temp files left


def test_similarity_of_ranks_the_lawyers_pair_first(nec: Comparison) -> None:
    from policydiff.core.compare import similarity_of

    old_flat, new_flat = nec.old.flat(), nec.new.flat()
    children = old_flat.index(next(s for s in old_flat if s.bare_title == "Children's privacy"))
    ranked = sorted(range(len(new_flat)), key=lambda j: -similarity_of(nec, children, j))
    assert new_flat[ranked[0]].bare_title == "Minor's Privacy"
    assert 0.0 <= similarity_of(nec, children, ranked[-1]) <= similarity_of(nec, children, ranked[0]) <= 1.0


def test_comparing_leaves_the_garbage_collector_as_it_was() -> None:
    """Collections are rarer during a comparison only: the thresholds are restored afterwards."""
    import gc

    from policydiff.core.structure import parse_document

    before = gc.get_threshold()
    compare(parse_document("# A\n\nOne two.\n", name="a.md"), parse_document("# A\n\nOne three.\n", name="b.md"))
    assert gc.get_threshold() == before and gc.isenabled()


def test_the_collector_comes_back_when_the_last_of_several_threads_leaves() -> None:
    import gc
    import threading

    from policydiff.core import collector

    inside, leave = threading.Barrier(3), threading.Event()

    def work() -> None:
        with collector.paused(), collector.less_often():
            inside.wait()
            leave.wait()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait()
    assert not gc.isenabled() and gc.get_threshold()[0] >= collector.FIRST_GENERATION_THRESHOLD
    leave.set()
    for thread in threads:
        thread.join()
    assert gc.isenabled() and gc.get_threshold()[0] < collector.FIRST_GENERATION_THRESHOLD
