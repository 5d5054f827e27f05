"""Apply the labels' convention "a declared heading is a section" to every hand-labelled outline.

    python benchmarks/label_declared_headings.py [--check]

The issue that defines the outline says a heading token is a heading wherever it stands, and heading
recall (``shared/tools/heading_recall.py``) counts every heading markdown-it-py finds as a section
title (or the document's title). The labels were first written by a reader's judgement, which left
out some declared headings (a date stamp written as ``##``, a ``### On this page`` label, a
"Table of contents" heading, a page's "Was it helpful?"). This script makes the labels and the
issue agree, the same way on every document, without running the engine: each heading the markup
declares (read as the recall tool reads it: CommonMark with tables, its visible text, empty ones
skipped) whose text is neither the label's title nor among its headings is inserted at its place in reading order, at the level of the labelled
heading that follows it (level 1 at the end), and recorded in the label's ``declared_only`` list. Texts are compared as the
recall tool compares them, as a set: a text declared twice is satisfied by one section of that text
(a navigation sidebar recorded as headings repeats the headings below; the reader judges repeats),
so the reader's convention stays measurable (``eval_outlines.py`` reports both). A not-heading
equal to an inserted heading is dropped from ``not_headings`` (the two lists never contradict).

``--check`` changes nothing and exits 1 when a label misses a declared heading.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from markdown_it import MarkdownIt

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "core" / "labelled" / "outlines"
LINK_TARGET = re.compile(r"\]\([^)]*\)")


def norm(text: str) -> str:
    """Lower-case words of letters and digits, as the recall tool and eval_outlines.py compare."""
    return " ".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def squeezed(text: str) -> str:
    """Letters and digits only, as check_outline_labels.py finds a label's text in its source."""
    return "".join(c.lower() for c in text if c.isalnum())


def declared_headings(text: str) -> list[tuple[int, str, str]]:
    """(first source line, visible text, normalised text) of each non-empty declared heading that
    the convention makes a section: not the document's first block (the title's place: a web
    extract's browser title bar, or the name the label's title gives), not a layout table's cell
    that a broken table left over a ``---`` row (the issue: a table's cells are never sections)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    first = next((k for k, t in enumerate(tokens) if t.level == 0 and t.nesting >= 0
                  and t.type != "blockquote_open" and not _inside_quote(tokens, k)), None)
    found = []
    for k, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None or k == first:
            continue
        inline = tokens[k + 1]
        if inline.content.lstrip().startswith("|"):
            continue
        visible = " ".join(c.content for c in (inline.children or [])
                           if c.type in ("text", "code_inline", "softbreak")).strip()
        if norm(visible):
            found.append((token.map[0], " ".join(visible.split()), norm(visible)))
    return found


def _inside_quote(tokens: list, k: int) -> bool:
    """Whether token k stands inside a block quote (a web extract's provenance note comes first)."""
    depth = 0
    for token in tokens[:k]:
        depth += token.type == "blockquote_open"
        depth -= token.type == "blockquote_close"
    return depth > 0


def missing(label: dict, text: str) -> list[tuple[int, str, str]]:
    """The declared headings the label leaves out, in reading order."""
    have = {norm(h["title"]) for h in label["headings"]}
    if label["title"]:
        have.add(norm(label["title"]))  # (the recall tool counts the document's title too)
    left = []
    for line, visible, key in declared_headings(text):
        if key not in have:
            left.append((line, visible, key))
            have.add(key)
    return left


def apply(slug: str) -> list[str]:
    path = LABELLED / f"{slug}.json"
    label = json.loads(path.read_text(encoding="utf-8"))
    text = (LABELLED / f"{slug}.md").read_text(encoding="utf-8")
    left = missing(label, text)
    if not left:
        return []
    lines = [squeezed(LINK_TARGET.sub("]", line)) for line in text.splitlines()]
    # The source line of each labelled heading, found in reading order: the first line from the
    # previous heading's on that starts with its text (a contents entry above it comes first only
    # when the heading itself does), else the first that holds it (a line of a hard-broken paragraph).
    positions, at = [], 0
    for heading in label["headings"]:
        wanted = squeezed(heading["title"])
        found = next((n for n in range(at, len(lines)) if lines[n].startswith(wanted)), None)
        if found is None:
            found = next((n for n in range(at, len(lines)) if wanted in lines[n]), at)
        positions.append(found)
        at = found
    headings = list(label["headings"])
    added: list[str] = []
    for line, visible, _ in left:
        k = next((j for j, p in enumerate(positions) if p > line), len(headings))
        level = headings[k]["level"] if k < len(headings) else 1
        headings.insert(k, {"title": visible, "level": level})
        positions.insert(k, line)
        added.append(visible)
    label["headings"] = headings
    label["declared_only"] = sorted(set(label.get("declared_only", [])) | set(added))
    keys = {norm(a) for a in added}
    label["not_headings"] = [t for t in label["not_headings"] if norm(t) not in keys]
    label["notes"] += (" Labels' convention (a declared heading is a section; applied by"
                       " benchmarks/label_declared_headings.py): " + "; ".join(f"“{a}”" for a in added)
                       + " listed as heading(s) since the markup declares them; the reader's judgement"
                         " above stays measurable through `declared_only`.")
    written = json.dumps(label, indent=2, ensure_ascii=False) + "\n"
    if '{"title": ' in path.read_text(encoding="utf-8"):  # (a label written one heading a line stays so)
        written = re.sub(r'\{\n\s+"title": (.*),\n\s+"level": (\d+)\n\s+\}', r'{"title": \1, "level": \2}', written)
    path.write_text(written, encoding="utf-8")
    return added


def main() -> int:
    check = "--check" in sys.argv
    failed = 0
    for path in sorted(LABELLED.glob("*.json")):
        slug = path.stem
        if check:
            left = missing(json.loads(path.read_text(encoding="utf-8")), (LABELLED / f"{slug}.md").read_text(encoding="utf-8"))
            if left:
                failed += 1
                print(f"{slug}: declared, not labelled: {[visible for _, visible, _ in left]}")
        else:
            added = apply(slug)
            if added:
                print(f"{slug}: added {added}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
