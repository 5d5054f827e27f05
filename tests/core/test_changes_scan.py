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
