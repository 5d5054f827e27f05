"""Check the hand-labelled changes against their own source texts (never against the engine).

    python benchmarks/check_change_labels.py [--repo CLONE] [--list OLD_REF NEW_REF PATH]
    python benchmarks/check_change_labels.py --list-files OLD_FILE NEW_FILE

Without --repo it checks the shape of every `tests/core/labelled/changes/*.json` and
`tests/core/labelled/changes-extra/*.json` (whose versions are files of this repository, checked
against their sources as --repo checks the others): the keys, the
classes, that a substantive change has at least one signal and other changes none, that signal
kinds are known and that a signal's old/new words occur in the change's old/new sentence.

With --repo (a clone of the pga-dev bundle: `git clone ../shared/datasets/pga-dev.bundle CLONE`)
it also reads both versions of each pair and checks that every labelled sentence occurs in its
version and that the labels cover exactly the changed sentences that `changed_sentences` lists
for the pair, so that no change of a labelled pair was left out.

--list prints the changed sentences of one version pair, numbered: the listing the labels were
made from (--list-files: of two files). It uses only difflib (sentences, then words) and never runs policydiff.
Exit status 1 on any problem.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "core" / "labelled" / "changes"
EXTRA = ROOT / "tests" / "core" / "labelled" / "changes-extra"
"""Labels of the older web extracts of companies' policies (``corpus/extra``): their versions are
files of this repository, named by their path, not bundle commits."""
CLASSES = {"substantive", "editorial", "cosmetic"}
KINDS = {"number", "date", "modal", "negation", "party", "data", "right", "purpose", "law", "scope"}
ABBREVIATIONS = {"e.g.", "i.e.", "z.b.", "etc.", "inc.", "u.s.", "no.", "st.", "co.", "ltd.",
                 "mr.", "ms.", "dr.", "vs.", "art.", "para.", "sec.", "u.k.", "p.o."}
BOUNDARY = re.compile(r'(?<=[.!?])\s+(?=[A-Z"“(*\[_0-9])')
LIST_MARKER = re.compile(r"[-*+]?\s*(\d+|[a-z]|[ivx]+)\.?", re.IGNORECASE)
Change = tuple[str, str, bool]


def split_line(line: str) -> list[str]:
    """Sentences of one line; not after a list marker, an abbreviation or an initial."""
    parts, start = [], 0
    for match in BOUNDARY.finditer(line):
        before = line[start:match.start()]
        words = before.split()
        last = words[-1].lower().lstrip("(*_") if words else ""
        if (LIST_MARKER.fullmatch(before.strip()) or last in ABBREVIATIONS
                or re.fullmatch(r"\(?[a-z]\.", last)):
            continue
        parts.append(line[start:match.start()])
        start = match.end()
    parts.append(line[start:])
    return [part.strip() for part in parts if part.strip()]


def sentences(text: str) -> list[str]:
    return [s for line in text.split("\n") if line.strip() for s in split_line(line.strip())]


def word_ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split()).ratio()


def changed_sentences(old_text: str, new_text: str) -> list[Change]:
    """(old, new, moved) for every changed sentence: paired when their words mostly agree."""
    old, new = sentences(old_text), sentences(new_text)
    pairs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        inserted, used = new[j1:j2], set()
        for sentence in old[i1:i2]:
            scores = [(word_ratio(sentence, other), k) for k, other in enumerate(inserted) if k not in used]
            best = max(scores, key=lambda score: (score[0], -score[1]), default=(0.0, -1))
            if best[0] >= 0.5:
                used.add(best[1])
                pairs.append((sentence, inserted[best[1]]))
            else:
                pairs.append((sentence, ""))
        pairs.extend(("", other) for k, other in enumerate(inserted) if k not in used)
    # Second pass: a deletion and an insertion in different blocks that are one edited sentence.
    deleted = [k for k, (o, n) in enumerate(pairs) if not n]
    inserted_at = [k for k, (o, n) in enumerate(pairs) if not o]
    dropped: set[int] = set()
    for k in deleted:
        scores = [(word_ratio(pairs[k][0], pairs[m][1]), m) for m in inserted_at if m not in dropped]
        best = max(scores, key=lambda score: (score[0], -score[1]), default=(0.0, -1))
        if best[0] >= 0.6 and pairs[k][0] != pairs[best[1]][1]:
            pairs[k] = (pairs[k][0], pairs[best[1]][1])
            dropped.add(best[1])
    pairs = [pair for k, pair in enumerate(pairs) if k not in dropped]
    moved = {o for o, n in pairs if not n} & {n for o, n in pairs if not o}
    result: list[Change] = []
    for o, n in pairs:
        if not o and n in moved:
            continue
        result.append((o, o, True) if not n and o in moved else (o, n, False))
    return result


def show(repo: Path | None, ref: str) -> str:
    """The text of a labelled version: a file of this repository, or ``commit:path`` in the bundle."""
    if (ROOT / ref).is_file():
        return (ROOT / ref).read_text(encoding="utf-8")
    assert repo is not None, f"{ref} is read from the bundle: give --repo"
    commit, path = ref.split(":", 1)
    return subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{path}"], capture_output=True,
                          text=True, check=True).stdout


def shape_problems(label: dict) -> list[str]:
    found = []
    if set(label) != {"old", "new", "platform", "document", "changes"}:
        found.append(f"keys are {sorted(label)}")
    for number, change in enumerate(label["changes"]):
        where = f"change {number}"
        if not set(change) <= {"old", "new", "class", "signals", "notes", "moved"}:
            found.append(f"{where}: keys are {sorted(change)}")
        if change["class"] not in CLASSES:
            found.append(f"{where}: class {change['class']!r}")
        if (change["class"] == "substantive") != bool(change["signals"]):
            found.append(f"{where}: {change['class']} with {len(change['signals'])} signals")
        if not change["old"] and not change["new"]:
            found.append(f"{where}: both sentences empty")
        for signal in change["signals"]:
            if signal["kind"] not in KINDS:
                found.append(f"{where}: signal kind {signal['kind']!r}")
            for side in ("old", "new"):
                if signal[side] and signal[side] not in change[side]:
                    found.append(f"{where}: signal {side} words not in the {side} sentence: {signal[side]!r}")
    return found


def source_problems(label: dict, repo: Path | None) -> list[str]:
    old_text, new_text = show(repo, label["old"]), show(repo, label["new"])
    listed = [(o, n) for o, n, _ in changed_sentences(old_text, new_text)]
    labelled = [(c["old"], c["new"]) for c in label["changes"]]
    found = [f"sentence not in old version: {c['old'][:60]!r}" for c in label["changes"] if c["old"] not in old_text]
    found += [f"sentence not in new version: {c['new'][:60]!r}" for c in label["changes"] if c["new"] not in new_text]
    if listed != labelled:
        found.append(f"labels cover {len(labelled)} changes, the listing has {len(listed)}")
    return found


def main(argv: list[str]) -> int:
    repo = Path(argv[argv.index("--repo") + 1]) if "--repo" in argv else None
    if "--list-files" in argv:
        at = argv.index("--list-files")
        old_file, new_file = argv[at + 1:at + 3]
        for number, (o, n, moved) in enumerate(changed_sentences(Path(old_file).read_text(encoding="utf-8"),
                                                                 Path(new_file).read_text(encoding="utf-8"))):
            print(f"#{number}{' moved' if moved else ''}\n  O: {o}\n  N: {n}")
        return 0
    if "--list" in argv:
        at = argv.index("--list")
        old_ref, new_ref, path = argv[at + 1:at + 4]
        assert repo is not None, "--list needs --repo"
        for number, (o, n, moved) in enumerate(changed_sentences(show(repo, f"{old_ref}:{path}"),
                                                                 show(repo, f"{new_ref}:{path}"))):
            print(f"#{number}{' moved' if moved else ''}\n  O: {o}\n  N: {n}")
        return 0
    bad = 0
    files = sorted(LABELLED.glob("*.json")) + sorted(EXTRA.glob("*.json"))
    for file in files:
        label = json.loads(file.read_text(encoding="utf-8"))
        in_repository = (ROOT / label["old"]).is_file() and (ROOT / label["new"]).is_file()
        found = shape_problems(label) + (source_problems(label, repo) if repo or in_repository else [])
        for problem in found:
            print(f"{file.name}: {problem}")
        bad += bool(found)
    print(f"{len(files) - bad} label files fine, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
