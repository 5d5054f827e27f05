"""``--help`` says what each ignore option does in words that keep their meaning."""

from __future__ import annotations

from policydiff.__main__ import build_parser


def test_ignore_case_help_keeps_the_capital_it_is_about() -> None:
    text = " ".join(build_parser().format_help().split())
    assert "treat Data and data as the same word" in text
    assert "data and data" not in text
