"""Shortcuts taken for speed (a title of plain words as its own key, a title with no number) give
what the patterns give."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core.numbering import NUMBER_RE, split_number
from policydiff.core.shapes import _NON_WORD_RE, bare_title_key, title_key


def key_by_pattern(bare: str) -> str:
    return " ".join(_NON_WORD_RE.split(bare.lower())).strip()


@settings(max_examples=500)
@given(st.lists(st.sampled_from(list("aZ9 _-'.\t\u00a0\u2028\u0130\u00df\u00e9\u0661\u01c5")) | st.characters(),
                max_size=20).map("".join))
def test_key_of_any_text_is_the_patterns(text: str) -> None:
    assert bare_title_key(text) == key_by_pattern(text)


def test_key_of_every_character_is_the_patterns() -> None:
    # (Lower-casing may turn a letter into two characters, one of them not a letter: ``İ``.)
    for code in range(0, sys.maxunicode + 1, 7):
        char = chr(code)
        for text in (char, f"a {char}", f"{char} b"):
            assert bare_title_key(text) == key_by_pattern(text), repr(text)


def test_title_key_strips_markup_numbering_case_and_punctuation() -> None:
    assert title_key("**6.1 International  Data-Transfers**") == "international data transfers"
    assert title_key("Children's privacy") == "children s privacy"


def number_by_pattern(title: str) -> tuple[str | None, str]:
    match = NUMBER_RE.match(title)
    if not match or match.end() >= len(title):
        return None, title.strip()
    dotted, paren, letter, roman = match.group("dotted", "paren", "letter", "roman")
    return dotted or (f"({paren})" if paren else None) or letter or roman, title[match.end():].strip()


def test_split_number_shortcut_is_the_patterns_reading() -> None:
    # (A title starting with a letter other than a roman numeral's skips the pattern.)
    starts = [chr(code) for code in range(0x80)] + ["\u00a0", "\u0661", "\u00e9", "\u2003"]
    for first in starts:
        for second in starts:
            for rest in ("", " x", ". y", "Site", ") a", "1 b"):
                title = first + second + rest
                assert split_number(title) == number_by_pattern(title), repr(title)


@settings(max_examples=500)
@given(st.text(max_size=12))
def test_split_number_of_any_text_is_the_patterns(title: str) -> None:
    assert split_number(title) == number_by_pattern(title)
