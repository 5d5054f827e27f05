"""Plain text passes through the outline engine: its lines are only read into paragraphs, and the
engine's named rules decide its title, headings and navigation (named in the decisions, switched off
by ``disabled_rules``), as for markdown."""

from __future__ import annotations

from pathlib import Path

from policydiff.core.outline.engine import PLAIN_RULES, RULE_NAMES
from policydiff.core.plaintext import plain_to_markdown
from policydiff.core.structure import parse_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

TERMS = """Back to top

Terms of Use

1. Accounts

You must be at least 13 years old to open an account with us on the service.

2. Content

You keep the rights to everything you post on the service, and we may show it.

Changes to These Terms

We may change these terms, and we will tell you before the changes apply to you.
"""


def _outline(text: str, disabled: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    document = parse_document(text, name="terms.txt", disabled_rules=disabled)
    return [(s.level, s.title) for top in document.sections for s in top.walk()]


def test_the_reading_decides_no_heading() -> None:
    markdown, _, _ = plain_to_markdown(TERMS)
    assert "#" not in markdown


def test_headings_title_and_navigation_come_from_the_engine() -> None:
    document = parse_document(TERMS, name="terms.txt")
    assert document.title == "Terms of Use"
    assert _outline(TERMS) == [(1, "1. Accounts"), (1, "2. Content"), (1, "Changes to These Terms")]
    rules = {d.text: d.rule for d in document.decisions if d.heading}
    assert rules == {"1. Accounts": "numbered_title", "2. Content": "numbered_title",
                     "Changes to These Terms": "plain_title_over_prose"}
    assert all(d.rule in RULE_NAMES for d in document.decisions)
    assert [o.reason for o in document.omitted if o.text == "Back to top"] == ["navigation"]


def test_a_plain_rule_switched_off_changes_the_outline() -> None:
    assert _outline(TERMS, frozenset({"plain_title_over_prose"})) == [(1, "1. Accounts"), (1, "2. Content")]
    assert _outline(TERMS, frozenset({"numbered_title"})) == [(1, "Changes to These Terms")]


def test_a_sentence_wrapped_across_blank_lines_is_one_paragraph() -> None:
    """A PDF extract puts a blank line after every line: the sentence still reads as one paragraph,
    so its short first line is no title."""
    text = "Privacy Policy\n\nWe collect the data that\n\nyou give us when you register.\n\nData Retention\n\n" \
           "We keep the data you give us for as long as your account is open with us.\n"
    document = parse_document(text, name="policy.txt")
    assert [s.title for s in document.sections] == ["Data Retention"]
    assert "We collect the data that you give us when you register." in document.preamble.body


def test_every_plain_rule_is_named_in_the_chain() -> None:
    names = [rule.__name__ for rule in PLAIN_RULES]
    assert {"wrapped_paragraph", "plain_contents_entry", "plain_title_over_prose"} <= set(names)
    assert len(names) == len(set(names))


def test_the_plain_nec_policy_keeps_its_outline() -> None:
    document = parse_document((CORPUS / "nec-2024.txt").read_text(encoding="utf-8"), name="nec-2024.txt")
    titles = [s.title for top in document.sections for s in top.walk()]
    assert document.title == "Global Privacy Notice"
    assert titles[:3] == ["NEC Privacy Notice", "1. NEC Group Introduction", "2. Data Controller"]
    assert "12.10 California's \"Shine the Light\" Law" in titles
    assert sum(1 for t in titles if t[:1].isdigit()) == 25


def _wrapped_capitals_text() -> str:
    """A PDF extract: prose wrapped at the page's width, a blank line after every line, and a
    paragraph in capitals whose wrapped lines start with capitals too (and end in no function word:
    only the width says they go on)."""
    prose = ["You agree that the service is provided as it is and that we may change it whenever",
             "we need to, without notice to you or to anyone who uses it on your behalf, and that",
             "nothing we say about it elsewhere is a promise about what it does or how well it runs."] * 8
    capitals = ["TO THE MAXIMUM EXTENT PERMITTED BY LAW WE WILL NOT BE HELD LIABLE",
                "ARISING FROM YOUR ACCESS TO THE SERVICES OR THE CONTENT OBTAINED",
                "THROUGH THEM, INCLUDING UNAUTHORIZED ALTERATION OF YOUR CONTENT",
                "ACCESS, USE, OR ALTERATION OF YOUR CONTENT OR COMMUNICATIONS MADE",
                "THROUGH THE SERVICES. IN NO EVENT SHALL OUR AGGREGATE LIABILITY",
                "EXCEED TWO HUNDRED DOLLARS OR THE AMOUNT YOU PAID US FOR SERVICES."] * 2
    return "\n\n".join(["Agreement", *prose, "Limitation of Liability", *capitals, "Governing Law",
                         *prose]) + "\n"


def test_lines_wrapped_at_the_page_width_are_one_paragraph_also_in_capitals() -> None:
    """A line that runs to the page's width and stops mid-sentence goes on below, even when the
    next line starts with a capital (all of a paragraph in capitals does): no wrapped line of it is
    taken for a title."""
    text = _wrapped_capitals_text()
    document = parse_document(text, name="agreement.txt")
    assert _outline(text) == [(1, "Limitation of Liability"), (1, "Governing Law")]
    assert document.title == "Agreement"
    assert len([d for d in document.decisions if d.heading]) == 2


def test_lines_of_paragraphs_are_not_joined_by_width() -> None:
    """In a text whose lines are whole paragraphs, a long line without a full stop is no wrapped
    line: the short title below it stands alone."""
    paragraphs = [f"Paragraph {n} says what we do with your data and why we keep it for as long as we do"
                  + " and more" * (n * 3) + "." for n in range(25)]
    unended = paragraphs[-1].rstrip(".")  # as long as the longest paragraph, with no full stop
    text = "\n\n".join(["Policy", *paragraphs[:12], unended, "Retention", *paragraphs[12:]]) + "\n"
    markdown, _, _ = plain_to_markdown(text)
    assert "\n\nRetention\n" in markdown
