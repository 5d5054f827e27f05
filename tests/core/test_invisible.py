"""Invisible and direction-changing characters: found, named, shown, and never a silent 'no change'."""

from __future__ import annotations

import pytest

from policydiff.core import invisible
from policydiff.core.compare import compare
from policydiff.core.model import Op, Options
from policydiff.core.serialize import comparison_json
from policydiff.core.structure import parse_document

OLD = "# Terms\n\n## Data\n\nWe keep your name for 30 days.\n\n## Contact\n\nWrite to us.\n"


@pytest.mark.parametrize(
    "char, short, description",
    [
        ("\u202e", "RLO", "right-to-left override (U+202E)"),
        ("\u202a", "LRE", "left-to-right embedding (U+202A)"),
        ("\u2066", "LRI", "left-to-right isolate (U+2066)"),
        ("\u2069", "PDI", "pop directional isolate (U+2069)"),
        ("\u200b", "ZWSP", "zero-width space (U+200B)"),
        ("\u200f", "RLM", "right-to-left mark (U+200F)"),
        ("\u2060", "WJ", "word joiner (U+2060)"),
        ("\ufeff", "BOM", "zero-width no-break space (byte order mark) (U+FEFF)"),
        ("\u061c", "ALM", "Arabic letter mark (U+061C)"),
        ("\u00ad", "SHY", "soft hyphen (U+00AD)"),
        ("\U000e0041", "TAG", "invisible tag character for \u201cA\u201d (U+E0041)"),
    ],
)
def test_every_kind_is_found_and_named(char, short, description):
    assert invisible.is_invisible(char)
    assert invisible.short_name(char) == short
    assert invisible.describe(char) == description
    assert invisible.marker(char) == f"\u27e8{short}\u27e9"
    assert invisible.find(f"a{char}b") == [(1, char)]


def test_every_bidi_control_of_the_brief_is_covered():
    for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0x200B, 0x2010), 0x2060, 0xFEFF, 0x061C]:
        assert invisible.is_invisible(chr(code)), hex(code)
    for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        assert invisible.is_bidi_control(chr(code)), hex(code)


def test_ordinary_text_is_left_alone():
    text = "Privacy — café, naïve, 個人情報, שלום, مرحبا, emoji 😀, nbsp\u00a0, tab\t."
    assert invisible.find(text) == []
    assert invisible.segments(text) == [invisible.Segment(text)]
    assert invisible.visible_text(text) == text


def test_segments_split_plain_text_and_markers():
    segments = invisible.segments("pay \u202e30 days\u202c now")
    assert [(s.text, s.marked) for s in segments] == [
        ("pay ", False), ("\u27e8RLO\u27e9", True), ("30 days", False), ("\u27e8PDF\u27e9", True), (" now", False),
    ]
    assert segments[1].char == "\u202e" and segments[1].title == "right-to-left override (U+202E)"
    assert "".join(s.char or s.text for s in segments) == "pay \u202e30 days\u202c now"  # lossless
    assert invisible.segments("\u200b\u200b") == [invisible.Segment("\u27e8ZWSP\u27e9", "\u200b", "zero-width space (U+200B)")] * 2
    assert invisible.segments("") == []


def test_soft_hyphens_can_be_left_in_plain_text():
    assert invisible.segments("Daten\u00adschutz", soft_hyphens=False) == [invisible.Segment("Daten\u00adschutz")]
    assert [s.text for s in invisible.segments("Daten\u00adschutz")] == ["Daten", "\u27e8SHY\u27e9", "schutz"]
    assert invisible.visible_text("a\u202eb\u00adc", soft_hyphens=False) == "a\u27e8RLO\u27e9b\u00adc"


def test_only_invisible():
    assert invisible.only_invisible("\u202e")
    assert invisible.only_invisible(" \u200b\n")
    assert not invisible.only_invisible("a\u202e")
    assert not invisible.only_invisible("   ")
    assert not invisible.only_invisible("")


def test_changes_are_counted_and_named():
    ops = [Op("=", "a ", "a "), Op("+", "", "\u202e"), Op("-", "x\u200b", ""), Op("+", "", "b\u202e"),
           Op("~", "\u200b", "")]
    found = invisible.invisible_changes(ops)
    assert (found.inserted, found.deleted) == (2, 1)
    assert found.names == ("right-to-left override (U+202E)", "zero-width space (U+200B)")
    assert found.summary() == "2 invisible characters inserted, 1 deleted"
    assert found.short() == "+2 \u22121 invisible"
    assert not invisible.invisible_changes([Op("+", "", "words")])
    assert invisible.InvisibleChanges(1, 0).summary() == "1 invisible character inserted"
    assert invisible.InvisibleChanges(0, 3).summary() == "3 invisible characters deleted"


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\ufeff", "\u00ad", "\u061c", "\u2060"])
@pytest.mark.parametrize("options", [Options(), Options(ignore_case=True, ignore_whitespace=True,
                                                         ignore_typography=True, ignore_numbering=True)])
def test_an_inserted_invisible_character_is_a_difference(char, options):
    new = OLD.replace("for 30", f"for {char}30")
    comparison = compare(parse_document(OLD), parse_document(new), options=options)
    # A soft hyphen is typography: --ignore-typography sets it aside in the verdict (still shown).
    assert comparison.identical == (char == "\u00ad" and options.ignore_typography)
    changed = [p for p in comparison.pairs if p.status.value != "unchanged"]
    assert len(changed) == 1
    found = invisible.invisible_changes(changed[0].body_diff.ops)
    assert found.inserted == 1 and not found.deleted
    ops = [op for p in comparison_json(comparison)["pairs"] for op in p["ops"]]
    assert ["+", char] in ops  # --json carries it as an insertion


def test_a_deleted_invisible_character_is_a_difference():
    old = OLD.replace("name", "na\u200bme")
    comparison = compare(parse_document(old), parse_document(OLD))
    assert not comparison.identical
    found = sum((invisible.invisible_changes(p.body_diff.ops) for p in comparison.pairs), invisible.InvisibleChanges())
    assert found.deleted == 1
