"""The verdict is lossless: for random documents (plain text, markdown, HTML; titles, short opening
lines, nested lists, tables, repeated lines) and random edits, the comparison says "no differences"
exactly when the words are the same, every word of each input is in the JSON on its side, and
compare() never raises. The documents are built from word lists, so their words are known."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core.compare import compare
from policydiff.core.serialize import comparison_json
from policydiff.core.structure import parse_document
from policydiff.core.worddiff import tokenize

# Letters only: a word of the construction is exactly one word token of the engine.
_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=7)
_words = st.lists(_word, min_size=1, max_size=9)
_KINDS = ["title", "heading", "setext", "bold", "para", "short", "bullet", "ordered", "nested", "table",
          "quote", "deep"]
_block = st.tuples(st.sampled_from(_KINDS), _words)


def render(blocks: list[tuple[str, list[str]]], form: str) -> str:
    """A document in the given form (``markdown``, ``plain`` or ``html``) made of these blocks."""
    out: list[str] = []
    for kind, words in blocks:
        text = " ".join(words)
        if form == "html":
            tag = {"title": "h1", "heading": "h2", "setext": "h3"}.get(kind, "p")
            if kind in ("bullet", "ordered", "nested"):
                out.append(f"<ul><li>{text}</li></ul>")
            elif kind == "table":
                out.append(f"<table><tr><td>{words[0]}</td><td>{' '.join(words[1:]) or words[0]}</td></tr></table>")
            elif kind == "bold":
                out.append(f"<p><b>{text}</b></p>")
            else:
                out.append(f"<{tag}>{text}</{tag}>")
        elif form == "plain":
            out.append(f"- {text}" if kind in ("bullet", "nested") else text)
        else:
            out.append({
                "title": f"# {text}",
                "heading": f"## {text}",
                "setext": f"{text}\n{'-' * len(text)}",
                "bold": f"**{text}**",
                "para": text,
                "short": text,
                "bullet": f"- {text}",
                "ordered": f"1. {text}",
                "nested": "".join(f"{'  ' * d}- {w}\n" for d, w in enumerate(words)).rstrip("\n"),
                "table": f"| {words[0]} | x |\n|---|---|\n| {' '.join(words[1:]) or words[0]} | y |",
                "quote": f"> {text}",
                "deep": ">" * 25 + f" {text}",
            }[kind])
    body = "\n\n".join(out)
    if form == "html":
        return "<!DOCTYPE html><html><body>\n" + body.replace("\n\n", "\n") + "\n</body></html>"
    return body + "\n"


def construction_words(blocks: list[tuple[str, list[str]]], form: str) -> list[str]:
    words = [w for _, ws in blocks for w in ws]
    if form == "markdown":  # the table's filler cells are words too
        words = []
        for kind, ws in blocks:
            if kind == "table":
                words += [ws[0], "x"] + (ws[1:] or ws[:1]) + ["y"]
            elif kind == "ordered":
                words += ["1."] + ws  # the list number is a word of the text
            else:
                words += ws
    if form == "html":
        words = []
        for kind, ws in blocks:
            words += [ws[0]] + (ws[1:] or ws[:1]) if kind == "table" else ws
    return words


def engine_words(text: str) -> list[str]:
    return [t for t in tokenize(text) if any(c.isalnum() for c in t)]


_edit = st.sampled_from(["none", "word", "drop", "swap", "add", "markup", "repeat"])


def edited(blocks: list[tuple[str, list[str]]], edit: str, data: st.DataObject) -> list[tuple[str, list[str]]]:
    out = list(blocks)
    if not out or edit == "none":
        return out
    k = data.draw(st.integers(0, len(out) - 1))
    kind, words = out[k]
    if edit == "word":
        w = data.draw(st.integers(0, len(words) - 1))
        out[k] = (kind, words[:w] + [data.draw(_word)] + words[w + 1 :])
    elif edit == "drop":
        del out[k]
    elif edit == "swap" and len(out) > 1:
        out[k], out[-1] = out[-1], out[k]
    elif edit == "add":
        out.insert(k, data.draw(_block))
    elif edit == "markup":  # same words, other markup
        out[k] = (data.draw(st.sampled_from(["para", "bold", "heading", "bullet"])), words)
    elif edit == "repeat":
        out.insert(k, out[k])
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_block, max_size=12), _edit, st.sampled_from(["markdown", "plain", "html"]), st.data())
def test_no_differences_exactly_when_the_words_are_the_same(blocks, edit, form, data) -> None:
    other = edited(blocks, edit, data)
    old_text, new_text = render(blocks, form), render(other, form)
    comparison = compare(parse_document(old_text), parse_document(new_text))  # (c) never raises
    same = engine_words(old_text_visible := _visible(old_text, form)) == engine_words(_visible(new_text, form))
    assert comparison.identical == same, (old_text_visible, edit)
    # the construction agrees with the engine's own reading of the words
    assert engine_words(_visible(old_text, form)) == construction_words(blocks, form)

    # (b) every word of each input is in the JSON, on its side, once
    data_json = comparison_json(comparison)
    for side, text in (("old", old_text), ("new", new_text)):
        assert Counter(json_words(data_json, side)) == Counter(engine_words(_visible(text, form)))


def _visible(text: str, form: str) -> str:
    """What a reader sees: markup characters are not words, and here no word hides in markup."""
    if form == "html":
        import re

        return re.sub(r"<[^>]+>", " ", text)
    return text.replace("|---|---|", " ")


def json_words(data: dict, side: str) -> list[str]:
    """Words of one side in a comparison's JSON: each section's title once, and its body from the
    ops of its entries (a section shared by a merge or split has its body spread over them)."""
    found: list[str] = []
    titled: set[tuple[int, int]] = set()
    for pair in data["pairs"]:
        ref = pair[side]
        if ref is None:
            continue
        if (ref["level"], ref["line"]) not in titled:
            titled.add((ref["level"], ref["line"]))
            found += _side_words(pair["title_ops"], side)
        found += _side_words(pair["ops"], side)
    return found


def _side_words(ops: list[list[str]], side: str) -> list[str]:
    keep = "-" if side == "old" else "+"
    words: list[str] = []
    for op in ops:
        if op[0] == "~":
            words += engine_words(op[1] if side == "old" else op[2])
        elif op[0] in ("=", keep):
            words += engine_words(op[1])
    return words


def test_the_issue_counterexamples(tmp_path: Path) -> None:
    cases = [
        ("We do not sell your data.\nWe do not share your data.\n", "We sell your data.\nWe share your data with anyone.\n"),
        ("# Privacy Policy\n\nWe care.\n", "# Cookie Policy\n\nWe care.\n"),
        ("", "A line.\n"),
        ("".join("  " * d + f"- level{d}\n" for d in range(15)),
         "".join("  " * d + f"- level{d}\n" for d in range(14)) + "  " * 14 + "- changed\n"),
        (">" * 30 + " deep quote words\n", ">" * 30 + " deep quote text\n"),
        ("Same line.\n" * 2000, "Same line.\n" * 1999 + "Other line.\n"),
    ]
    for k, (a, b) in enumerate(cases):
        old, new = tmp_path / f"old{k}.md", tmp_path / f"new{k}.md"
        old.write_text(a, encoding="utf-8")
        new.write_text(b, encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "policydiff", str(old), str(new), "--json"],
                                capture_output=True, text=True)
        if not a:  # an empty file is refused or compared, never "the same"
            assert result.returncode in (1, 2), result.stderr
            continue
        assert result.returncode == 1, (k, result.stderr)
        assert json.loads(result.stdout)["pairs"]
        same = subprocess.run([sys.executable, "-m", "policydiff", str(old), str(old), "--json"],
                              capture_output=True, text=True)
        assert same.returncode == 0, (k, same.stderr)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_letters_and_digits_are_the_word_characters_of_any_text(text: str) -> None:
    """The verdict's shortcut keeps exactly the characters words are made of (``str.isalnum``),
    whatever the script, punctuation or lone surrogate."""
    from policydiff.core.compare import _letters_and_digits

    assert _letters_and_digits(text) == "".join(c for c in text if c.isalnum())


def test_same_letters_in_other_words_still_differ() -> None:
    """Equal letters and digits do not make equal words: the tokens are still compared."""
    old = parse_document("# T\n\nWe share data.\n", name="old.md")
    new = parse_document("# T\n\nWe sh are data.\n", name="new.md")
    assert not compare(old, new).identical
