"""Structure recovery never fails: generated markdown and HTML, the CommonMark spec's examples, and
every version of every document in the Platform Governance Archive bundle all open as documents;
a declared heading is a heading wherever it stands (list items, block quotes)."""

from __future__ import annotations

import html
import os
import re
import subprocess
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core.model import Document
from policydiff.core.structure import parse_document

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"  # the project's shared data, beside the clone when present
SPEC = SHARED / "datasets" / "commonmark-spec.txt"
BUNDLE = SHARED / "datasets" / "pga-dev.bundle"
WORD = re.compile(r"[^\W_]+")


def titles(document: Document) -> list[str]:
    return [s.title for top in document.sections for s in top.walk()]


def accounted_words(document: Document) -> Counter[str]:
    found: Counter[str] = Counter()
    for section in document.flat():
        found += Counter(WORD.findall(section.title)) + Counter(WORD.findall(section.body))
    return found


def test_a_bold_run_cut_by_a_hard_break_is_text() -> None:
    """The second line's bold run opened on the line above: no title is glued onto its end."""
    document = parse_document("# Terms\n\n**Notice  \nread *all* of this**\n\nWe may change these terms.\n")
    assert document.title == "Terms"
    assert "read all of this" in "\n".join(s.body for s in document.flat())


def test_headings_inside_list_items_and_quotes_are_headings() -> None:
    document = parse_document(
        "# Guide\n\n- ## Safety\n  Keep your account safe at all times.\n- ## Privacy\n  We protect your data.\n\n"
        "> ## Quoted rules\n> Read them before you post anything here.\n"
    )
    assert titles(document) == ["Safety", "Privacy", "Quoted rules"]


def test_chapters_declared_inside_a_list_that_carries_on_from_its_contents() -> None:
    """A terms of service whose numbered chapters are headings inside the items of the ordered list
    that its table of contents starts: one section per chapter, the contents entries text."""
    source = (ROOT / "tests" / "core" / "fixtures" / "contents_list_with_chapters.md").read_text(encoding="utf-8")
    document = parse_document(source, name="terms.md")
    assert titles(document) == ["Table of Contents:", "4. Your Account", "5. Your Content", "6. Ending These Terms"]
    assert "1. Your Account" not in titles(document)
    assert accounted_words(document) == Counter(WORD.findall(re.sub(r"\]\([^)]*\)", "", source)))


# --- generated documents --------------------------------------------------------------------

_word = st.text(alphabet=st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=7)
_words = st.lists(_word, min_size=0, max_size=8).map(" ".join)
_inline = st.one_of(
    _words,
    _words.map(lambda s: f"**{s}**"),
    _words.map(lambda s: f"*{s}*"),
    st.tuples(_words, _words).map(lambda p: f"**{p[0]}  \n{p[1]}**"),  # bold across a hard break
    st.tuples(_words, _words).map(lambda p: f"_{p[0]}\n{p[1]}_"),  # italic across a soft break
    st.tuples(_words, _words, _words).map(lambda p: f"**{p[0]}  \n{p[1]} *{p[2]}* x**"),  # nested, cut
    _words.map(lambda s: f"**{s}"),  # unbalanced
    _words.map(lambda s: f"{s}**"),
    _words.map(lambda s: f"[{s}](#{s[:3]})"),
    _words.map(lambda s: f"[{s}]("),
    st.integers(1, 30).map(lambda n: f"{n}. "),
    st.sampled_from(["<b>", "</b>", "<br>", "`code", "\\.", "&amp;", "|"]),
)
_line = st.lists(_inline, min_size=0, max_size=4).map(" ".join)
_leaf = st.one_of(
    _line,
    st.tuples(st.integers(1, 6), _line).map(lambda p: "#" * p[0] + " " + p[1]),
    st.integers(1, 6).map(lambda n: "#" * n),  # an empty heading
    st.tuples(_line, st.sampled_from(["===", "---", "", "* * *"])).map(lambda p: f"{p[0]}\n{p[1]}"),
    st.lists(_line, min_size=1, max_size=3).map(
        lambda cells: "| " + " | ".join(cells) + " |\n|" + "---|" * len(cells) + "\n| " + " | ".join(cells) + " |"
    ),
    st.just(""),
)


def _contain(blocks: list[str], prefix: str) -> str:
    lines = "\n".join(blocks).split("\n")
    return "\n".join((prefix if k == 0 else " " * len(prefix) if prefix[0] != ">" else "> ") + line
                     for k, line in enumerate(lines))


_markdown = st.recursive(
    st.lists(_leaf, min_size=1, max_size=4).map("\n\n".join),
    lambda inner: st.one_of(
        st.lists(st.tuples(st.sampled_from(["- ", "* ", "1. ", "2) ", "10. "]), inner), min_size=1, max_size=4).map(
            lambda items: "\n".join(_contain([body], marker) for marker, body in items)
        ),
        inner.map(lambda body: _contain([body], "> ")),
        st.lists(inner, min_size=1, max_size=3).map("\n\n".join),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_markdown)
def test_generated_markdown_opens_and_keeps_every_word(text: str) -> None:
    document = parse_document(text, name="generated.md")
    assert Counter(WORD.findall(document.reading)) == accounted_words(document)
    for section in document.flat()[1:]:
        assert 1 <= section.level and section.line >= 1


_tag = st.sampled_from(["p", "div", "span", "b", "strong", "em", "i", "h1", "h2", "h3", "h6", "li", "td", "th"])
_html = st.recursive(
    _words.map(html.escape),
    lambda inner: st.one_of(
        st.tuples(_tag, st.lists(inner, max_size=3)).map(lambda p: f"<{p[0]}>{''.join(p[1])}</{p[0]}>"),
        st.tuples(st.sampled_from(["ul", "ol"]), st.lists(inner, max_size=3)).map(
            lambda p: f"<{p[0]}>" + "".join(f"<li>{x}</li>" for x in p[1]) + f"</{p[0]}>"
        ),
        st.lists(st.lists(inner, min_size=1, max_size=3), min_size=1, max_size=3).map(
            lambda rows: "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
            + "</table>"
        ),
        inner.map(lambda x: f"<blockquote>{x}</blockquote>"),
        st.tuples(_tag, inner).map(lambda p: f"<{p[0]}>{p[1]}"),  # never closed
        st.tuples(inner, st.sampled_from(["<br>", "</p>", "</li>", "<hr>", "</b>"])).map("".join),
    ),
    max_leaves=15,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_html)
def test_generated_html_opens(body: str) -> None:
    document = parse_document(f"<html><head><title>Policy</title></head><body>{body}</body></html>", name="page.html")
    assert Counter(WORD.findall(document.reading)) == accounted_words(document)


# --- the CommonMark spec's examples -----------------------------------------------------------


def _spec_examples() -> list[tuple[str, list[str]]]:
    text = SPEC.read_text(encoding="utf-8")
    found = re.findall(r"^`{32} example[^\n]*\n(.*?)^\.\n(.*?)^`{32}$", text, re.S | re.M)
    return [(md.replace("\u2192", "\t"), [_norm(h) for _, h in re.findall(r"<h([1-6])>(.*?)</h\1>", out, re.S)])
            for md, out in found]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip().lower()


@pytest.mark.skipif(not SPEC.exists(), reason="the CommonMark spec is not beside the repository")
def test_commonmark_examples_open_and_every_rendered_heading_is_found() -> None:
    examples = _spec_examples()
    assert len(examples) >= 600
    missed: list[tuple[int, str]] = []
    wanted = 0
    for number, (source, headings) in enumerate(examples, 1):
        document = parse_document(source, name=f"example-{number}.md")
        have = {_norm(document.title or "")} | {_norm(t) for t in titles(document)}
        wanted += len(headings)
        missed += [(number, h) for h in headings if h and h not in have]
    assert wanted >= 60 and not missed, missed


# --- every version of every document in the bundle --------------------------------------------


def _parse_blobs(texts: list[tuple[str, bytes]]) -> list[str]:
    failures = []
    for path, data in texts:
        try:
            parse_document(data.decode("utf-8", "replace"), name=path)
        except Exception as error:  # noqa: BLE001 - the failure is the finding
            failures.append(f"{path}: {type(error).__name__}: {error}")
    return failures


def _distinct_blobs(repo: Path) -> list[tuple[str, bytes]]:
    listing = subprocess.run(["git", "-C", str(repo), "rev-list", "--objects", "--all"],
                             capture_output=True, text=True, check=True).stdout
    paths: dict[str, str] = {}
    for line in listing.splitlines():
        sha, _, path = line.partition(" ")
        if path.endswith((".md", ".txt", ".html")):
            paths.setdefault(sha, path)
    batch = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch"], input="\n".join(paths).encode() + b"\n",
                           capture_output=True, check=True).stdout
    blobs: list[tuple[str, bytes]] = []
    at = 0
    for sha, path in paths.items():
        header_end = batch.index(b"\n", at)
        size = int(batch[at:header_end].split()[2])
        blobs.append((path, batch[header_end + 1 : header_end + 1 + size]))
        at = header_end + 1 + size + 1
    return blobs


@pytest.mark.skipif(not BUNDLE.exists(), reason="the PGA bundle is not beside the repository")
def test_every_version_in_the_bundle_opens(tmp_path: Path) -> None:
    """All 3,685 versions of every document type (distinct texts only, on every core)."""
    repo = tmp_path / "pga"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(repo)], check=True)
    blobs = _distinct_blobs(repo)
    assert len(blobs) > 3000
    workers = max(1, min(os.cpu_count() or 1, 4))
    chunks = [blobs[k::workers * 8] for k in range(workers * 8)]
    with ProcessPoolExecutor(workers) as pool:
        failures = [f for part in pool.map(_parse_blobs, chunks) for f in part]
    assert not failures, failures[:10]


# --- the engine: named rules, switched off by name, a failing rule skipped ---------------------

BOLD_SECTIONS = "# Policy\n\n**Your data**\n\nWe keep the data you give us for as long as you hold an account.\n"


def test_every_heading_is_named_by_a_rule_of_the_engine() -> None:
    from policydiff.core.load import load_document
    from policydiff.core.outline.engine import RULE_NAMES

    for name in ("nec-2002.md", "nec-2024.txt", "panasonic-2018.md", "qnap-2008.md", "fujitsu-2018.txt"):
        document = load_document(ROOT / "corpus" / name)
        made = {(d.line, d.text) for d in document.decisions if d.heading}
        assert all(d.rule in RULE_NAMES for d in document.decisions)
        for section in document.flat()[1:]:
            assert (section.line, section.title) in made, (name, section.title)


def test_a_rule_switched_off_decides_nothing() -> None:
    assert titles(parse_document(BOLD_SECTIONS)) == ["Your data"]
    document = parse_document(BOLD_SECTIONS, disabled_rules=frozenset({"bold_over_text"}))
    assert [(d.rule, d.heading) for d in document.decisions] == [("plain_over_prose", True)]  # the next rule
    document = parse_document(BOLD_SECTIONS, disabled_rules=frozenset({"bold_over_text", "plain_over_prose"}))
    assert titles(document) == []
    with pytest.raises(ValueError, match="no outline rule named"):
        parse_document(BOLD_SECTIONS, disabled_rules=frozenset({"no_such_rule"}))


def test_a_rule_that_raises_is_skipped_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from policydiff.core.outline import engine

    def exploding_rule(state: object, i: int) -> None:
        raise ValueError("boom")

    monkeypatch.setitem(engine.CHAINS, "line", (exploding_rule, *engine.CHAINS["line"]))
    engine.rulers.cache_clear()
    try:
        document = parse_document(BOLD_SECTIONS)
    finally:
        engine.rulers.cache_clear()
    assert titles(document) == ["Your data"]  # the other rules still decide
    failed = [d for d in document.decisions if d.rule == "exploding_rule"]
    assert failed and "ValueError: boom" in failed[0].evidence and not failed[0].heading


def test_the_command_line_switches_a_rule_off_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    import json
    import sys

    policy = tmp_path / "policy.md"
    policy.write_text(BOLD_SECTIONS, encoding="utf-8")
    command = [sys.executable, "-m", "policydiff", str(policy), "--outline"]
    off = subprocess.run(command + ["--disable-rule", "bold_over_text"], capture_output=True, text=True, check=True)
    assert [d["rule"] for d in json.loads(off.stdout)["decisions"]] == ["plain_over_prose"]
    explained = subprocess.run(command + ["--explain"], capture_output=True, text=True, check=True).stdout
    assert "bold_over_text" in explained
    unknown = subprocess.run(command + ["--disable-rule", "nope"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "no rule named nope" in unknown.stderr
