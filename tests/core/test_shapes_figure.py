"""``may_hold_figure`` (a quick screen the date finder and every block's features rely on) says yes
exactly when a text holds an ASCII digit or any non-ASCII character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from policydiff.core.shapes import may_hold_figure


@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=127), st.sampled_from("é٣\u2028\u00a0")), max_size=40))
def test_may_hold_figure_is_a_digit_or_a_non_ascii_character(text: str) -> None:
    assert may_hold_figure(text) == (not text.isascii() or any(c in "0123456789" for c in text))


def test_examples() -> None:
    assert may_hold_figure("Effective May 1, 2024") and may_hold_figure("٣ مايو")
    assert not may_hold_figure("Information we collect") and not may_hold_figure("")
