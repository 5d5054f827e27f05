"""Precision and recall of the recovered outline on the hand-labelled documents.

    python benchmarks/eval_outlines.py [-v] [--raise-floors]

Headings are matched by normalised text (lower case, letters and digits only), as a multiset, so a
heading found twice where a reader sees it once costs precision. Prints tuned and held-out apart:
the held-out documents are never used to write rules, only to check them. Then one row per
platform or company (Facebook and Threads count as Meta): the outline engine fits no number from
these labels (its thresholds are set by hand, in ``core/outline/thresholds.py``), so a platform's
figures are its leave-one-platform-out figures as far as fitting goes; the column "held out" says
whether none of its documents had its failures read while rules were written (else it is not truly
held out). Each row is scored under the labels' convention (a declared heading is a section) and
under their first, a reader's judgement alone (the headings in a label's ``declared_only`` left out).

``--raise-floors`` rewrites ``tests/core/fixtures/outline_floors.json``: each document listed there
whose figures changed gets the floor of what the engine reaches now (one heading below it, a found heading replaced by a
wrong one: precision (hits - 1) / found, recall (hits - 1) / labelled), never lower than the floor it had; a floor that would
have to drop is printed and kept (the test then fails on it, as it should).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from policydiff.core.load import load_document

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "core" / "labelled" / "outlines"
FLOORS = LABELLED.parents[1] / "fixtures" / "outline_floors.json"
PLATFORM = {"facebook": "meta", "threads": "meta", "instagram": "meta", "snapchat": "snap", "necdisplay": "nec"}


def norm(text: str) -> str:
    return " ".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def held_out() -> set[str]:
    readme = (LABELLED / "README.md").read_text(encoding="utf-8")
    return {line.split("`")[1] for line in readme.splitlines() if "held-out" in line and "`" in line}


def listed(paragraph: str) -> set[str]:
    """The slugs of one paragraph of the labelled README (``**fresh held-out**``)."""
    readme = (LABELLED / "README.md").read_text(encoding="utf-8")
    if paragraph not in readme:
        return set()
    return set(re.findall(r"`([a-z0-9-]+)`", readme.split(paragraph, 1)[1].split("\n\n", 1)[0]))


def score(slug: str, reader: bool = False) -> tuple[int, int, int, list[str], list[str]]:
    """(true positives, found, labelled, missed, extra) for one labelled document; ``reader``: under
    the labels' first convention, a reader's judgement alone (the declared headings the labels list
    only because the markup declares them, ``declared_only``, left out)."""
    label = json.loads((LABELLED / f"{slug}.json").read_text(encoding="utf-8"))
    document = load_document(LABELLED / f"{slug}.md")
    found = Counter(norm(s.title) for top in document.sections for s in top.walk())
    wanted = Counter(norm(h["title"]) for h in label["headings"])
    if reader:
        wanted -= Counter(norm(title) for title in label.get("declared_only", []))
    hits = sum((found & wanted).values())
    return (hits, sum(found.values()), sum(wanted.values()),
            sorted((wanted - found).elements()), sorted((found - wanted).elements()))


def raise_floors() -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    for slug, floor in floors.items():
        hits, found, wanted, _, _ = score(slug)
        if floor["measured"] == f"{hits}/{found} found, {wanted} labelled":
            continue  # (unchanged: its floor stays as it was set)
        precision = int(1000 * max(hits - 1, 0) / found) / 1000 if found else 0.0
        recall = int(1000 * max(hits - 1, 0) / wanted) / 1000 if wanted else 1.0
        if precision < floor["precision"] or recall < floor["recall"]:
            print(f"{slug}: below its floor ({precision} / {recall} < {floor['precision']} / {floor['recall']}); kept")
            continue
        if (precision, recall) != (floor["precision"], floor["recall"]):
            print(f"{slug}: floor {floor['precision']} / {floor['recall']} -> {precision} / {recall}")
        floors[slug] = {"precision": precision, "recall": recall,
                        "measured": f"{hits}/{found} found, {wanted} labelled"}
    FLOORS.write_text(json.dumps(floors, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    if "--raise-floors" in sys.argv:
        raise_floors()
        return
    verbose = "-v" in sys.argv
    held = held_out()
    totals = {"tuned": [0, 0, 0], "held-out": [0, 0, 0]}
    for path in sorted(LABELLED.glob("*.json")):
        slug = path.stem
        hits, found, wanted, missed, extra = score(slug)
        group = "held-out" if slug in held else "tuned"
        for k, v in enumerate((hits, found, wanted)):
            totals[group][k] += v
        p = hits / found if found else 1.0
        r = hits / wanted if wanted else 1.0
        print(f"{group:8} {slug:42} P {p:.2f} R {r:.2f} ({hits}/{found} found, {wanted} labelled)")
        if verbose:
            for m in missed:
                print(f"           missed: {m}")
            for e in extra:
                print(f"           extra:  {e}")
    for group, (hits, found, wanted) in totals.items():
        print(f"{group}: precision {hits / max(found, 1):.3f} recall {hits / max(wanted, 1):.3f}")
    hits, found, wanted = (sum(t[k] for t in totals.values()) for k in range(3))
    print(f"all: precision {hits / max(found, 1):.3f} recall {hits / max(wanted, 1):.3f}")
    for paragraph in ("**fresh held-out**", "**fresh held-out, second round**", "**fresh held-out, third round**", "**fresh held-out, fourth round**", "**fresh held-out, fifth round**", "**fresh held-out, sixth round**"):
        fresh = listed(paragraph)  # labelled before the engine was first run on them
        if fresh:
            rows = [score(slug)[:3] for slug in sorted(fresh)]
            hits, found, wanted = (sum(r[k] for r in rows) for k in range(3))
            print(f"{paragraph.strip('*')} ({len(fresh)}): precision {hits}/{found} = {hits / max(found, 1):.3f} "
                  f"recall {hits}/{wanted} = {hits / max(wanted, 1):.3f}")
    print("\nper platform (leave-one-platform-out: no number is fitted on any platform's labels); P, R: the"
          " labels' convention, a declared heading is a section; reader P, R: the labels' first convention,"
          " a reader's judgement alone (declared date stamps, contents labels and page furniture not headings)")
    platforms: dict[str, list[int]] = {}
    read: dict[str, bool] = {}
    for path in sorted(LABELLED.glob("*.json")):
        platform = PLATFORM.get(path.stem.split("-")[0], path.stem.split("-")[0])
        row = platforms.setdefault(platform, [0] * 7)
        for k, value in enumerate(score(path.stem)[:3] + score(path.stem, reader=True)[:3:2]):
            row[k] += value
        row[5] += 1
        read[platform] = read.get(platform, False) or path.stem not in held
    totals = [0] * 7
    for platform, row in sorted(platforms.items()):
        hits, found, wanted, reader_hits, reader_wanted, docs, _ = row
        totals = [t + v for t, v in zip(totals, row)]
        print(f"  {platform:12} {docs:2} doc(s)  held out: {'no ' if read[platform] else 'yes'}  "
              f"P {hits / found if found else 1.0:.3f}  R {hits / wanted if wanted else 1.0:.3f}   "
              f"reader P {reader_hits / found if found else 1.0:.3f}  R {reader_hits / reader_wanted if reader_wanted else 1.0:.3f}")
    hits, found, wanted, reader_hits, reader_wanted, _, _ = totals
    print(f"  all: P {hits}/{found} = {hits / found:.3f}  R {hits}/{wanted} = {hits / wanted:.3f}   "
          f"reader P {reader_hits}/{found} = {reader_hits / found:.3f}  R {reader_hits}/{reader_wanted} = {reader_hits / reader_wanted:.3f}")

if __name__ == "__main__":
    main()
