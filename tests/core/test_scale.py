"""Inputs that grow: results that do not change with size, and work that grows with the input (never
with its square). Timings live in benchmarks/bench_scale.py; these tests count, they never time."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core import align
from policydiff.core.compare import compare
from policydiff.core.model import Document, OmittedLine, Section
from policydiff.core.shapes import plain
from policydiff.core.structure import parse_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _short_lines(count: int) -> str:
    words = "data user service share information account policy law".split()
    return "".join(f"{words[k % len(words)]} {k} {words[(k * 7) % len(words)]}\n" for k in range(count))


def test_every_line_set_aside_is_listed_once() -> None:
    # (Capitalised: a line starting in lower case carries on the sentence above it, one paragraph.)
    document = parse_document(_short_lines(3_000).title(), name="lines.txt")
    lines = [o.line for o in document.omitted]
    assert len(lines) > 2_000  # a run of short lines at the top of a page is its navigation
    assert len(lines) == len(set(lines))


def _copies(path: Path, count: int, changed: int | None) -> Document:
    text = path.read_text(encoding="utf-8")
    parts = [text] * count
    if changed is not None:
        at = text.index(" personal ") + 1
        parts[changed] = text[:at] + "private" + text[at + len("personal") :]
    return parse_document("\n".join(parts), name=path.name)


@pytest.mark.parametrize("count", [4, 9])
def test_one_word_changed_in_many_copies_counts_one_and_one(count: int, monkeypatch) -> None:
    """Copies of one text all score alike: the few partners kept per section on long documents
    (here made short ones) must still hold the copy in the same place, or copies pair crosswise
    and whole copies count as inserted and deleted."""
    monkeypatch.setattr(align, "PY_PAIRS", 0)
    monkeypatch.setattr(align, "SMALL", 0)  # the best-partners way, as on documents 30 times as long
    old = _copies(CORPUS / "qnap-2008.md", count, None)
    new = _copies(CORPUS / "qnap-2008.md", count, count // 2)
    assert len(old.flat()) * len(new.flat()) > align.TOP_K**2
    words = compare(old, new).stats.words
    assert (words.words_inserted, words.words_deleted) == (1, 1)
    unchanged = compare(old, old).stats.words
    assert (unchanged.words_inserted, unchanged.words_deleted) == (0, 0)


def test_among_equal_measures_the_partner_nearest_in_place_is_kept_first() -> None:
    np = pytest.importorskip("numpy")
    sparse = pytest.importorskip("scipy.sparse")
    product = sparse.csr_matrix(np.array([[0.5, 0.9, 0.9, 0.9, 0.9, 0.0], [0.0, 0.2, 0.0, 0.0, 0.0, 0.1]]))
    places = np.linspace(0.0, 1.0, 6)
    rows, cols = align._best_per_row(product, np.array([0.65, 0.0]), places, 3)
    # Equal measures by distance (0.05, 0.15, 0.25, then 0.45 not kept); a short row keeps all it has.
    assert list(zip(rows.tolist(), cols.tolist())) == [(0, 3), (0, 4), (0, 2), (1, 1), (1, 5)]
    rows, cols = align._best_per_row(product, np.array([0.65, 0.0]), places, 5)
    assert list(zip(rows.tolist(), cols.tolist()))[:5] == [(0, 3), (0, 4), (0, 2), (0, 1), (0, 0)]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_best_partners_per_row_are_those_of_sorting_each_row(data: st.DataObject) -> None:
    """The best ``k`` entries of each row, read through bounds from a sample of the row and from
    ties cut by place, are those of sorting the whole row by measure, then nearness in place, then
    the entry's order in the row: rows longer than the sample, measures few and often tied, zeros."""
    np = pytest.importorskip("numpy")
    sparse = pytest.importorskip("scipy.sparse")
    n_rows = data.draw(st.integers(1, 4))
    n_cols = data.draw(st.integers(1, 150))
    k = data.draw(st.integers(1, 7))
    levels = data.draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.7, 1.0]), min_size=1, max_size=4))
    indptr, cols, values = [0], [], []
    for _ in range(n_rows):
        # Columns in the drawn order: a sparse product leaves a row's entries unsorted.
        cols += data.draw(st.lists(st.integers(0, n_cols - 1), unique=True, max_size=n_cols))
        values += [data.draw(st.sampled_from(levels)) for _ in range(len(cols) - indptr[-1])]
        indptr.append(len(cols))
    product = sparse.csr_matrix((np.asarray(values, dtype=float), np.asarray(cols, dtype=np.int32),
                                 np.asarray(indptr, dtype=np.int32)), shape=(n_rows, n_cols))
    assert product.indices.tolist() == cols
    rows_place = np.asarray(data.draw(st.lists(st.sampled_from([0.0, 0.3, 0.5, 1.0]), min_size=n_rows, max_size=n_rows)))
    cols_place = np.linspace(0.0, 1.0, n_cols)
    got_rows, got_cols = align._best_per_row(product, rows_place, cols_place, k)
    expected = []
    for row in range(n_rows):
        start, end = product.indptr[row], product.indptr[row + 1]
        entries = [(-product.data[e], abs(rows_place[row] - cols_place[product.indices[e]]), e)
                   for e in range(start, end) if product.data[e] > 0]
        expected += [(row, int(product.indices[e])) for _, _, e in sorted(entries)[:k]]
    assert list(zip(got_rows.tolist(), got_cols.tolist())) == expected


class _CountingText(str):
    """A text that counts the characters its ``find`` calls may look at."""

    scanned = 0

    def find(self, sub: str, start: int = 0, *args: int) -> int:  # type: ignore[override]
        found = str.find(self, sub, start, *args)
        _CountingText.scanned += (found + len(sub) if found >= 0 else len(self)) - start
        return found


def test_lines_set_aside_are_cut_from_a_section_in_one_pass() -> None:
    lines = [f"line {k} of the menu" for k in range(5_000)]
    body = _CountingText("\n".join(lines))
    _CountingText.scanned = 0
    kept = align._without(body, lines[::2])
    assert kept == "\n".join("" if k % 2 == 0 else line for k, line in enumerate(lines))
    assert _CountingText.scanned <= len(body)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "menu", "x y"]), min_size=1, max_size=12), st.data())
def test_cutting_lines_in_one_pass_cuts_the_same_as_one_by_one(lines: list[str], data: st.DataObject) -> None:
    """Lines of a body taken in order: cut together, or one by one (each first occurrence of what
    is left), the same text remains."""
    body = "\n".join(lines)
    picked = sorted(data.draw(st.sets(st.integers(0, len(lines) - 1))))
    one_by_one = body
    for k in picked:
        one_by_one = one_by_one.replace(lines[k], "", 1)
    together = align._without(body, [lines[k] for k in picked])
    assert sorted(together) == sorted(one_by_one)  # the same characters gone (perhaps another copy)
    assert len(together) == len(body) - sum(len(lines[k]) for k in picked)


def test_policy_text_leaves_out_each_line_set_aside_once() -> None:
    menu = [f"Menu item {k}" for k in range(2_000)]
    preamble = Section(title="", number=None, level=0, line=1, body="\n".join(menu + ["Real text here."]))
    document = Document(
        name="d", path=None, title=None, date=None, source=None, archived=None, preamble=preamble,
        sections=(), omitted=tuple(OmittedLine(k + 1, line, "navigation") for k, line in enumerate(menu)),
    )
    assert align._policy_text(document)[0].strip() == "Real text here."


def test_link_text_is_kept_and_a_run_of_brackets_is_left_as_written() -> None:
    assert plain("See [our terms](https://example.com/terms) here") == "See our terms here"
    assert plain("[a [b](u)") == "[a b"
    assert plain("[" * 5_000 + " word") == "[" * 5_000 + " word"


def test_a_run_of_brackets_is_compared_word_for_word() -> None:
    old = parse_document("Intro text\n\n" + "[" * 3_000 + " word\n", name="old.txt")
    new = parse_document("Intro text\n\n" + "[" * 3_000 + " ward\n", name="new.txt")
    words = compare(old, new).stats.words
    assert (words.words_inserted, words.words_deleted) == (1, 1)
