"""The text scanning of the change classification gives what its plain definitions give: sentences,
words, digits and apostrophes are found by faster means, and must be found the same."""

from __future__ import annotations

import re
from itertools import accumulate, islice
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core import changes

ROOT = Path(__file__).resolve().parents[2]

# The plain definitions, as the classification first wrote them.
SENTENCE_END = re.compile(r"(?<=[.!?;])([\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[^\W_a-z])|\s*\n\s*")
WORD_SPLIT = re.compile(r"([^\W_]+(?:['\u2019][^\W_]+)*)")


def plain_sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        end = m.start() if m.start(1) < 0 else m.end(1)
        piece = text[start:end]
        if piece.strip():
            spans.append((start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())))
        start = m.end()
    piece = text[start:]
    if piece.strip():
        spans.append((start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())))
    return spans


# Characters where sentences and words begin and end: stops, closing and opening quotes and
# brackets, white space of several kinds (line breaks among them), letters of both cases and
# beyond ASCII, digits of two scripts, apostrophes, underscores.
TRICKY = st.lists(
    st.sampled_from(list("aBzéÉß.!?;:,\"')](['\u201c\u201d\u2018\u2019 \t\n\r\u00a0\u2028\u3000") +
                    ["ab", "Cd", "1", "\u0663", "_", "-", "x.", " \n ", ".\n", "May"]),
    max_size=60,
).map("".join)


@given(TRICKY)
@settings(max_examples=600, deadline=None)
def test_sentence_spans_are_those_of_the_plain_pattern(text: str) -> None:
    assert changes.sentence_spans(text) == plain_sentence_spans(text)


@given(TRICKY)
@settings(max_examples=400, deadline=None)
def test_words_digits_and_apostrophes_are_found_as_plainly_defined(text: str) -> None:
    lower = text.lower()
    parts = changes._word_parts(lower)
    assert parts == WORD_SPLIT.split(lower)
    ascii_lower = lower.encode("ascii", "replace").decode()  # the ASCII path
    assert changes._word_parts(ascii_lower) == WORD_SPLIT.split(ascii_lower)
    assert changes._has_digit(text) == (re.search(r"\d", text) is not None)
    words = parts[1::2]
    offsets = list(islice(accumulate(map(len, parts)), 0, len(parts) - 1, 2))
    words[::3] = [""] * len(words[::3])  # words read as part of a date are blanked out first
    assert changes._with_apostrophe(lower, words, offsets) == [
        k for k, word in enumerate(words) if re.search("['\u2019]", word)
    ]


# ASCII with the characters past ASCII that never belong to a word (bullets, curly double quotes,
# dashes, no-break space...), and a few that do or may (a closing single quote joins words).
GAP_ONLY_TEXTS = st.lists(
    st.sampled_from(list("ab1 .,'-\n") + list(changes._GAP_ONLY) + ["\u2019", "\u00e9", "\u0301", "\u212a", "\u0663", "Word"]),
    max_size=40,
).map("".join)


@given(GAP_ONLY_TEXTS)
@settings(max_examples=600, deadline=None)
def test_words_beside_bullets_quotes_and_dashes_are_those_of_the_plain_pattern(text: str) -> None:
    lower = text.lower()
    assert changes._word_parts(lower) == WORD_SPLIT.split(lower)
    has_digit = re.search(r"\d", text) is not None
    assert changes._has_digit(text) == changes._has_digit(text, changes._ascii_but_gaps(lower)) == has_digit


@given(st.text(max_size=40) | TRICKY | GAP_ONLY_TEXTS)
@settings(max_examples=600, deadline=None)
def test_letters_and_digits_are_those_the_pattern_keeps(text: str) -> None:
    # What the cosmetic test compares (every letter and digit, in order) is read by translation.
    assert changes._letters_and_digits(text) == re.sub(r"[\W_]+", "", text)


@given(TRICKY | st.lists(st.sampled_from(["1.", "(b)", "iv)", "2.3", " ", "\n", "\r", "\u2028", "a", "Word"]),
                         max_size=12).map("".join))
@settings(max_examples=600, deadline=None)
def test_a_line_label_is_found_where_the_pattern_finds_it(text: str) -> None:
    from policydiff.core.worddiff import _LINE_LABEL

    assert changes._line_label(text) == (_LINE_LABEL.search(text) is not None)


def real_texts() -> list[Path]:
    found = sorted((ROOT / "corpus").glob("*.md")) + sorted((ROOT / "corpus").glob("*.txt"))
    found += sorted((ROOT / "corpus" / "extra").glob("*.md"))
    return found


@pytest.mark.parametrize("path", real_texts(), ids=lambda p: p.name)
def test_real_documents_split_into_the_same_sentences(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    spans = changes.sentence_spans(text)
    assert spans == plain_sentence_spans(text)
    assert len(spans) > 10


# List numbers blanked out before numbers are read: the plain patterns, tried at every offset.
LINE_START_LABEL = re.compile(
    r"^[ \t]*(?:\(?(?:\d+(?:\.\d+)*|[a-zA-Z]|[ivxlcdm]+)[.)]|\d+(?:\.\d+)+)(?:\s|(?=[^\W\d_])|(?=[\"'\u201c\u2018(\[]))",
    re.IGNORECASE | re.MULTILINE)
INLINE_LABEL = re.compile(r"\(\d{1,2}\)|(?<![\w.,])\d{1,2}[.)](?=\s+[a-z])|(?<=:\s)\d{1,2}[.)](?=\s|\Z)")
LABELS = st.lists(
    st.sampled_from(["1.", "12)", "(3)", "(b)", "iv.", "2.3", "100.", " ", "  ", "\t", "\n", "\n\n", ": ", ":",
                     "a", "Word", "x", ",", ".", "\"", "(", "\u0663", "\r"]),
    max_size=16,
).map("".join)


@given(LABELS | TRICKY)
@settings(max_examples=800, deadline=None)
def test_list_numbers_are_blanked_where_the_plain_patterns_find_them(text: str) -> None:
    assert changes._blank_line_labels(text) == LINE_START_LABEL.sub(lambda m: " " * len(m.group()), text)
    assert [m.span() for m in changes._INLINE_LABEL.finditer(text)] == [m.span() for m in INLINE_LABEL.finditer(text)]


def plain_lexicon_hits(text: str) -> list[tuple[int, str, str, str]]:
    """The lexicon terms of a text without digits or apostrophes, by their plain definition: every
    word stemmed; a number word before a unit is a number; then from left to right, at each word
    no earlier entry took, the longest entry that matches there (an entry written ``=word`` is that
    word as written, and comes first among entries as long)."""
    lex = changes.lexicons()
    lower = text.lower()
    words = [m.group() for m in WORD_SPLIT.finditer(lower)]
    offsets = [m.start() for m in WORD_SPLIT.finditer(lower)]
    stemmed = [changes._stem()(w) for w in words]
    hits: list[tuple[int, str, str, str]] = []
    for i, stem in enumerate(stemmed):
        unit = changes._unit(lex, words[i + 1 : i + 4]) if stem in lex.number_words else ()
        if unit:
            hits.append((offsets[i], "number", lex.number_words[stem] + " " + " ".join(unit),
                         " ".join(words[i : i + 1 + len(unit)])))
    taken = 0
    for i, stem in enumerate(stemmed):
        if i < taken:
            continue
        entries = lex.phrases.get("=" + words[i], []) + lex.phrases.get(stem, [])
        for phrase, kinds, joined in sorted(entries, key=lambda entry: -len(entry[0])):
            if phrase == ("=" + words[i],) or tuple(stemmed[i : i + len(phrase)]) == phrase:
                shown = " ".join(words[i : i + len(phrase)])
                hits.extend((offsets[i], kind, joined, shown) for kind in kinds)
                taken = i + len(phrase)
                break
    return sorted(hits, key=lambda hit: hit[0])


def lexicon_words() -> list[str]:
    lex = changes.lexicons()
    found = {word for name in changes.LEXICON_FILES for entry in changes.read_lexicon(name)
             for word in WORD_SPLIT.findall(entry.lstrip("=").lower())}
    found |= {word for entry in changes.read_lexicon("units") for word in WORD_SPLIT.findall(entry.lower())}
    found |= {"one", "thirty", "twelve", "half"} | set(lex.exact_words)
    return sorted(word for word in found if word.isalpha())


def lexicon_entries() -> list[str]:
    return sorted({entry.lstrip("=") for name in changes.LEXICON_FILES for entry in changes.read_lexicon(name)
                   if not re.search(r"[\d']", entry)})


# Whole entries (which overlap and nest: "third party", "party"), their words alone, number words
# and units, and filler.
WORDS_OF_ENTRIES = st.lists(
    st.sampled_from(lexicon_entries()) | st.sampled_from(lexicon_words())
    | st.sampled_from(["the", "of", "Data", "Third", "Not", "we", "sell", "."]),
    max_size=30,
).map(" ".join)


@given(WORDS_OF_ENTRIES)
@settings(max_examples=500, deadline=None)
def test_lexicon_terms_are_the_longest_entries_from_left_to_right(text: str) -> None:
    assert changes.text_hits(text).hits == plain_lexicon_hits(text)


@given(TRICKY | GAP_ONLY_TEXTS | st.text(alphabet="ab1' \n.-_\u2022\u201c", max_size=30))
@settings(max_examples=800, deadline=None)
def test_words_and_their_offsets_are_those_of_the_plain_pattern(text: str) -> None:
    lower = text.lower()
    expected = ([m.group() for m in WORD_SPLIT.finditer(lower)], [m.start() for m in WORD_SPLIT.finditer(lower)])
    assert changes._words_and_offsets(lower, changes._ascii_but_gaps(lower)) == expected


@given(TRICKY, st.integers(0, 30), st.integers(0, 30), st.integers(0, 70), st.integers(0, 70))
@settings(max_examples=600, deadline=None)
def test_an_edit_holds_whole_sentences_as_checking_each_tells(text: str, first: int, end: int, a: int, b: int) -> None:
    spans = changes.sentence_spans(text)
    found = (min(first, len(spans)), min(max(first, end), len(spans)))
    assert changes._whole(spans, found, a, b) == all(a <= s and e <= b for s, e in spans[found[0] : found[1]])


LAST_WORD = re.compile(r"([^\W\d_]+)[^\w]*\Z")
"""The word before a number (a cross-reference's ``section``), as first written."""


@given(TRICKY, st.integers(0, 70), st.integers(0, 70))
@settings(max_examples=600, deadline=None)
def test_the_word_before_a_number_is_the_one_the_plain_pattern_finds(text: str, start: int, end: int) -> None:
    start, end = min(start, len(text)), min(max(start, end), len(text))
    found = LAST_WORD.search(text, start, end)
    assert changes._last_word(text, start, end) == (found.group(1) if found else None)


@pytest.mark.parametrize("path", real_texts(), ids=lambda p: p.name)
def test_a_sentence_inserted_or_deleted_whole_has_the_signals_of_its_terms_against_none(path: Path) -> None:
    """The shortcut for a sentence inserted or deleted whole gives what comparing its counted
    terms with an empty side gives, read from the whole text's terms as a rewrite reads them."""
    text = path.read_text(encoding="utf-8")
    found = changes.text_hits(text)
    with_signals = 0
    for start, end in changes.sentence_spans(text):
        terms = changes.terms_between(found, start, end)
        for lost_all in (True, False):
            old, new = (terms, changes._NO_TERMS) if lost_all else (changes._NO_TERMS, terms)
            expected = changes.signals_between(old, new) if terms.terms else ()
            assert changes.whole_sentence_signals(found, start, end, lost_all) == expected
        with_signals += bool(terms.terms)
    assert with_signals > 0
