"""``bare_title_key``'s shortcut for titles of plain words gives the key the pattern gives."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

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
