"""Check that the pairing's features computed as arrays (``pairing._feature_array``) are those of
the per-pair reference (``pairing.FeatureReader``), and that the comparison's pairs are the same
either way, on every version pair at hand: the NEC pair and the older web extracts in corpus/, the
labelled pairs (tests/core/labelled/pairs/), and generated documents of many short sections.

Run:  .venv/bin/python benchmarks/check_pairing_features.py [--sections 1000 10000]

Prints, per version pair, the candidates, the greatest feature difference and whether the pairs
are identical; exits 1 if a difference exceeds 1e-9 or a pair differs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from policydiff.core import align, pairing  # noqa: E402
from policydiff.core.compare import compare  # noqa: E402
from policydiff.core.load import load_document  # noqa: E402

TOLERANCE = 1e-9


def version_pairs() -> list[tuple[str, Path, Path]]:
    out = [("nec", ROOT / "corpus" / "nec-2002.md", ROOT / "corpus" / "nec-2024.txt")]
    by_company: dict[str, list[Path]] = {}
    for path in sorted((ROOT / "corpus" / "extra").glob("*.md")):
        by_company.setdefault(path.name.rsplit("-", 3)[0], []).append(path)
    for company, paths in by_company.items():
        out += [(f"extra {company} {a.stem}..{b.stem}", a, b) for a, b in zip(paths, paths[1:])]
    for folder in sorted((ROOT / "tests" / "core" / "labelled" / "pairs").iterdir()):
        if (folder / "old.md").exists():
            out.append((f"labelled {folder.name}", folder / "old.md", folder / "new.md"))
    return out


def at_once(enabled: bool) -> None:
    pairing.VECTOR_PAIRS = pairing.LOADED_VECTOR_PAIRS = 0 if enabled else 1 << 60


def check(name: str, old_path: Path, new_path: Path) -> bool:
    old, new = load_document(old_path), load_document(new_path)
    reference = align.similarity_matrix(old, new)
    pairs = pairing.candidate_pairs(reference)
    reader = pairing.FeatureReader(reference)
    expected = [reader.features(i, j) for i, j in pairs]
    got = pairing._feature_table(align.similarity_matrix(old, new), pairs)
    worst = max((abs(a - b) for row, want in zip(got, expected) for a, b in zip(row, want)), default=0.0)
    results = []
    for enabled in (False, True):
        at_once(enabled)
        results.append([(p.old_index, p.new_index) for p in compare(old, new).pairs])
    same = results[0] == results[1] and len(got) == len(expected)
    good = same and worst <= TOLERANCE
    print(f"{'ok ' if good else 'BAD'} {name}: {len(pairs):,} candidates, greatest feature difference "
          f"{worst:.1e}, pairs identical: {same}", flush=True)
    return good


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", type=int, nargs="*", default=[1_000])
    args = parser.parse_args()
    from bench_engine import many_sections

    good = all([check(name, a, b) for name, a, b in version_pairs()])
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sections:
            old_text, new_text = many_sections(size, seed=3)
            old, new = Path(folder, "old.md"), Path(folder, "new.md")
            old.write_text(old_text, encoding="utf-8")
            new.write_text(new_text, encoding="utf-8")
            good = check(f"{size:,} sections per side", old, new) and good
    print("all identical" if good else "DIFFERENCES")
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
