"""Check the hand-labelled outlines against their own source texts (never against the engine).

    python benchmarks/check_outline_labels.py [slug ...]

For each `tests/core/labelled/outlines/<slug>.json` (all of them when no slug is given) it checks
that the label has the documented shape; that the title, every heading and every not-heading occurs
in `<slug>.md` once markup is set aside (compared as lower-case letters and digits only, so `**`,
`#`, backslash escapes and link targets do not matter); that the headings occur in reading order;
that levels start at 1 and never skip one going deeper; that there are 4-16 not-headings and none
equals a heading; that every heading the markup declares is labelled a heading (or is the title),
as ``label_declared_headings.py`` applies the convention, and ``declared_only`` names headings only;
and that the document has a row in the README's table giving its number of
headings. Exit status 1 on any problem.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from label_declared_headings import missing  # noqa: E402  (the convention's one reading of the markup)

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "core" / "labelled" / "outlines"
LINK_TARGET = re.compile(r"\]\([^)]*\)")


def norm(text: str) -> str:
    return "".join(c.lower() for c in text if c.isalnum())


def problems(slug: str, readme: str) -> list[str]:
    found: list[str] = []
    label = json.loads((LABELLED / f"{slug}.json").read_text(encoding="utf-8"))
    source = norm(LINK_TARGET.sub("]", (LABELLED / f"{slug}.md").read_text(encoding="utf-8")))
    if not {"source", "title", "headings", "not_headings", "notes"} <= set(label) <= {
            "source", "title", "headings", "not_headings", "notes", "declared_only"}:
        found.append(f"keys are {sorted(label)}")
    if label["title"] is not None and norm(label["title"]) not in source:
        found.append(f"title not in source: {label['title']!r}")
    position, previous_level = 0, 0
    for heading in label["headings"]:
        title, level = heading["title"], heading["level"]
        if not isinstance(level, int) or level < 1 or level > previous_level + 1:
            found.append(f"level {level} after {previous_level}: {title!r}")
        previous_level = level
        at = source.find(norm(title), position)
        if at < 0:
            where = "not in source" if norm(title) not in source else "out of reading order"
            found.append(f"heading {where}: {title!r}")
        else:
            position = at + len(norm(title))
    not_headings = label["not_headings"]
    if not 4 <= len(not_headings) <= 16:
        found.append(f"{len(not_headings)} not_headings (want 4-16)")
    heading_texts = {norm(h["title"]) for h in label["headings"]}
    for text in not_headings:
        if norm(text) not in source:
            found.append(f"not-heading not in source: {text!r}")
        if norm(text) in heading_texts:
            found.append(f"not-heading equals a heading: {text!r}")
    heading_titles = [h["title"] for h in label["headings"]]
    for text in label.get("declared_only", []):
        if text not in heading_titles:
            found.append(f"declared_only names no heading: {text!r}")
    for _, visible, _ in missing(label, (LABELLED / f"{slug}.md").read_text(encoding="utf-8")):
        found.append(f"declared heading not labelled (the convention: a declared heading is a section): {visible!r}")
    rows = [line for line in readme.splitlines() if line.startswith(f"| `{slug}` |")]
    counted = rows[0].split("|")[-3].strip() if rows else None
    if counted is None:
        found.append("no row in README.md")
    elif counted != str(len(label["headings"])):
        found.append(f"README.md counts {counted} headings, the label has {len(label['headings'])}")
    return found


def main() -> int:
    readme = (LABELLED / "README.md").read_text(encoding="utf-8")
    slugs = sys.argv[1:] or sorted(p.stem for p in LABELLED.glob("*.json"))
    failed = 0
    for slug in slugs:
        found = problems(slug, readme)
        label = json.loads((LABELLED / f"{slug}.json").read_text(encoding="utf-8"))
        print(f"{'FAIL' if found else 'ok  '} {slug} ({len(label['headings'])} headings)")
        for problem in found:
            print(f"     {problem}")
        failed += bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
