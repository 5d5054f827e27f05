"""A rule's ``requires`` declaration only saves calls: documents read with the engine skipping rules
on blocks that lack the features they require are the same as read with every rule called on
every block (real documents of several sources, and generated markdown shaped to hit the rules
that declare features: empty headings, date stamps, labels ending in a colon)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core.load import load_document
from policydiff.core.model import Document
from policydiff.core.outline import engine
from policydiff.core.outline.block import COLON, EMPTY, FIGURE, text_features
from policydiff.core.structure import parse_document

ROOT = Path(__file__).resolve().parents[2]


def _declaring_rules() -> list[engine.Rule]:
    return [rule for chain in engine.CHAINS.values() for rule in chain if getattr(rule, "requires", 0)]


@contextmanager
def every_rule_on_every_block() -> Iterator[None]:
    """The engine with the declarations set aside: each rule is called wherever its chain runs."""
    saved = {rule: rule.requires for rule in _declaring_rules()}  # type: ignore[attr-defined]
    engine.rulers.cache_clear()
    try:
        for rule in saved:
            rule.requires = 0  # type: ignore[attr-defined]
        yield
    finally:
        for rule, features in saved.items():
            rule.requires = features  # type: ignore[attr-defined]
        engine.rulers.cache_clear()


def _outline(document: Document) -> tuple[object, ...]:
    return (document.title, document.date, document.flat(), document.decisions, document.omitted, document.reading)


def test_rules_declare_features_and_the_chains_leave_them_out_only_where_they_are_missing() -> None:
    declared = {rule.__name__: rule.requires for rule in _declaring_rules()}  # type: ignore[attr-defined]
    assert declared  # (the test below would compare an engine with itself)
    chains = engine.rulers()
    for features in (0, EMPTY, FIGURE, COLON, FIGURE | COLON):
        names = [name for name, _ in chains["line"][features]] + [name for name, _ in chains["heading"][features]]
        for name, required in declared.items():
            assert (name in names) == (required & ~features == 0), (name, features)


def test_text_features() -> None:
    assert text_features("") == EMPTY
    assert text_features("Last updated: May 1, 2024") == FIGURE
    assert text_features("Cookies we use:") == COLON
    assert text_features("Section 4:") == FIGURE | COLON
    assert text_features("Mis à jour le ٣ mai") & FIGURE  # another script's digits may be there
    assert text_features("Who we are") == 0


def _documents() -> list[Path]:
    places = [ROOT / "corpus", ROOT / "tests" / "core" / "labelled"]
    return sorted(p for place in places if place.is_dir() for p in place.rglob("*")
                  if p.suffix in (".md", ".txt", ".html") and p.name != "README.md")


def test_real_documents_read_the_same_with_every_rule_on_every_block() -> None:
    paths = _documents()
    assert len(paths) > 10
    skipping = [_outline(load_document(path)) for path in paths]
    with every_rule_on_every_block():
        calling = [_outline(load_document(path)) for path in paths]
    for path, fast, full in zip(paths, skipping, calling):
        assert fast == full, path.name


_line = st.one_of(
    st.sampled_from([
        "#", "##", "## ", "Last updated: May 1, 2024", "Effective 2019-05-25", "**Effective: 1 March 2020**",
        "Session cookies:", "Persistent cookies:", "For example:", "Online:", "Mail:", "## Cookies", "Cookies",
        "1. Introduction", "2. Your data", "We use cookies to remember you and to measure how the site is used.",
        "These are the terms of the service, which apply to everyone who uses it.", "- an item", "- [Cookies](#c)",
        "**Your rights**", "Contact us", "(a note)", "---", "",
    ]),
    st.text(alphabet="ab :1#*-.\u0663", min_size=0, max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line, min_size=1, max_size=24), st.sampled_from(["\n", "\n\n"]))
def test_generated_markdown_reads_the_same_with_every_rule_on_every_block(lines: list[str], joint: str) -> None:
    text = joint.join(lines)
    fast = _outline(parse_document(text))
    with every_rule_on_every_block():
        full = _outline(parse_document(text))
    assert fast == full
