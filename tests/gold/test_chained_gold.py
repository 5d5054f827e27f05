"""The history-chained gold (benchmarks/chained_gold.py, benchmarks/gold/): its linking rules on
small histories, and the committed gold file against the versions bundle it names."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import chained_gold as cg  # noqa: E402

BUNDLE = cg.DEFAULT_BUNDLE
needs_bundle = pytest.mark.skipif(not BUNDLE.exists(), reason=f"versions bundle not found beside the repository ({BUNDLE})")

WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa "
    "quebec romeo sierra tango uniform victor whiskey xray yankee zulu"
).split()


def body(seed: int, n: int = 40) -> str:
    """A paragraph of ``n`` words no other seed shares a 3-gram with."""
    return " ".join(f"{WORDS[(seed * 7 + k) % len(WORDS)]}{seed}" for k in range(n))


def md(*sections: tuple[str, str]) -> str:
    return "\n\n".join(f"## {title}\n\n{text}" for title, text in sections) + "\n"


def chain(*texts: str) -> cg.SpanGold:
    return cg.chain_span([cg.declared_sections(t) for t in texts])


def kinds(gold: cg.SpanGold) -> dict[str, str]:
    return {d.old.title: d.kind + (f" {d.new.title}" if d.new else "") for d in gold.decisions}


def test_declared_sections_read_atx_and_setext_headings_without_link_targets() -> None:
    text = "Intro line\n\nFirst\n=====\n\nSee [our *terms*](https://example.org/terms?a=b) now.\n\n### 2. Second\n\nMore.\n"
    sections = cg.declared_sections(text)
    assert [(s.title, s.level, s.line) for s in sections] == [("First", 1, 3), ("2. Second", 3, 8)]
    assert sections[0].words == ("see", "our", "terms", "now")
    assert sections[1].key == "second"


def test_equal_unique_titles_with_alike_bodies_chain_as_same_title() -> None:
    v1 = md(("1. Scope", body(1)), ("2. Data", body(2)))
    v2 = md(("1. Scope", body(1) + " extra words here"), ("2. Data", body(2)))
    v3 = md(("Scope", body(1) + " extra words here"), ("Data", body(2)))
    assert kinds(chain(v1, v2, v3)) == {"1. Scope": "same_title Scope", "2. Data": "same_title Data"}


def test_a_new_title_over_the_same_text_is_a_rename() -> None:
    v1 = md(("What do we collect?", body(1)), ("Sharing", body(2)))
    v2 = md(("Information we collect", body(1)), ("Sharing", body(2)))
    assert kinds(chain(v1, v2)) == {"What do we collect?": "renamed Information we collect", "Sharing": "same_title Sharing"}


def test_a_section_missing_from_a_glitchy_version_is_linked_again_later() -> None:
    full = md(("Scope", body(1)), ("Data", body(2)), ("Contact", body(3)))
    glitch = md(("Scope", body(1)), ("Contact", body(3)))
    assert kinds(chain(full, glitch, full))["Data"] == "same_title Data"


def test_removed_only_when_title_and_text_are_gone() -> None:
    v1 = md(("Scope", body(1)), ("Cookies", body(2)), ("Contact", body(3)))
    gone = md(("Scope", body(1)), ("Contact", body(3)))
    assert kinds(chain(v1, gone))["Cookies"] == "removed"
    # The text moved into another section (not a 1:1 link, not gone): left out.
    moved = md(("Scope", body(1) + " " + body(2)), ("Contact", body(3)))
    assert "Cookies" not in kinds(chain(v1, moved))
    # A title that resembles the old one survives: left out.
    retitled = md(("Scope", body(1)), ("Cookie settings", body(9)), ("Contact", body(3)))
    assert "Cookies" not in kinds(chain(v1, retitled))


def test_a_chain_ending_elsewhere_while_a_same_titled_section_exists_is_left_out() -> None:
    v1 = md(("Scope", body(1)), ("Data", body(2)))
    v2 = md(("Overview", body(1)), ("Data", body(2)), ("Scope", body(7)))
    gold = chain(v1, v2)
    assert "Scope" not in kinds(gold) and gold.ambiguous == 1


def test_two_sections_sharing_a_title_link_by_their_text() -> None:
    v1 = md(("Highlights", body(1)), ("Highlights", body(2)))
    v2 = md(("Highlights", body(2)), ("Highlights", body(1)))
    gold = chain(v1, v2)
    assert [(d.old.line, d.new.line) for d in gold.decisions if d.new] == [(1, 5), (5, 1)]


def test_a_translated_version_is_not_a_span_end() -> None:
    english = [cg.declared_sections(md(("Scope", "we collect the data you give us and the data we see when you use it"),
                                       ("Data", "we use the data to run the service and to keep it safe for you"),
                                       ("Contact", "you can write to us at the address below if you have questions")))] * 2
    german = [cg.declared_sections(md(("Umfang", "wir erheben die Daten die Sie uns geben und die wir sehen wenn Sie"),
                                      ("Daten", "wir nutzen die Daten um den Dienst zu betreiben und ihn sicher zu halten"),
                                      ("Kontakt", "Sie können uns unter der unten stehenden Adresse schreiben wenn Sie")))]
    assert cg.usable_ends(german + english) == [1, 2]


@needs_bundle
def test_the_gold_file_names_real_headings_of_real_versions() -> None:
    import eval_chained as ec

    spans = ec.load_gold()
    counted = Counter(d.kind for s in spans for d in s.decisions)
    assert set(counted) == set(cg.KINDS) and sum(counted.values()) >= 1000
    assert len({s.platform for s in spans}) >= 10
    bundle = ec.bundle()
    # A few spans of different platforms, every heading read back at its line.
    sample = list({s.platform: s for s in spans}.values())[:4]
    for span in sample:
        old_text, new_text = ec.texts(span)
        old_lines = {s.line: s.title for s in cg.declared_sections(old_text)}
        new_lines = {s.line: s.title for s in cg.declared_sections(new_text)}
        for d in span.decisions:
            assert old_lines.get(d.old.line) == d.old.title
            if d.new is not None:
                assert new_lines.get(d.new.line) == d.new.title
    assert bundle.head() == __import__("json").loads(cg.DEFAULT_OUT.read_text(encoding="utf-8"))["bundle_head"]


def test_a_title_surviving_as_a_plain_line_or_inside_a_longer_title_is_not_removed() -> None:
    v1 = md(("Scope", body(1)), ("Q: How do I find a username?", body(2)), ("Fake Engagement", body(4)),
            ("Contact", body(3)))
    v2_text = md(("Scope", body(1)), ("Deceptive Behaviors and Fake Engagement", body(8)), ("Contact", body(3))) + (
        "\n**How do I find the username?**\n\n" + body(9) + "\n")
    v1_sections, v2_sections = cg.declared_sections(v1), cg.declared_sections(v2_text)
    assert kinds(cg.chain_span([v1_sections, v2_sections]))["Q: How do I find a username?"] == "removed"
    gold = cg.chain_span([v1_sections, v2_sections], cg.short_lines(v2_text))
    assert "Q: How do I find a username?" not in kinds(gold) and "Fake Engagement" not in kinds(gold)


def test_a_heading_without_words_is_no_decision() -> None:
    v1 = md(("Scope", body(1)), ("", body(2)))
    assert kinds(chain(v1, v1)) == {"Scope": "same_title Scope"}
