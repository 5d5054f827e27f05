"""The whole ``--json`` of many version pairs, written to a file or checked against one: proof that
a change made for speed leaves every pair, word diff, count and reason as it was.

    python benchmarks/check_json_same.py --write before.json    # on the old code
    python benchmarks/check_json_same.py --check before.json    # on the new code

The pairs: the NEC showcase pair, the older web extracts of ``corpus/extra`` (each company's
consecutive versions), the labelled pairs of ``tests/core/labelled/pairs`` and generated documents
of many short sections (``bench_engine.many_sections``; ``--sections`` sizes). Each pair's JSON is
compared as text (``json.dumps`` with sorted keys, the checkout's and the temporary folder's
paths replaced by placeholders); ``--check`` names every pair that differs and
exits 1 if any does.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import many_sections  # noqa: E402
from check_pairing_features import version_pairs as real_version_pairs  # noqa: E402
from policydiff.core.compare import compare  # noqa: E402
from policydiff.core.load import load_document  # noqa: E402
from policydiff.core.serialize import comparison_json  # noqa: E402


def version_pairs(folder: Path, sizes: list[int]) -> list[tuple[str, Path, Path]]:
    out = real_version_pairs()
    for size in sizes:
        old_text, new_text = many_sections(size, seed=3)
        old, new = folder / f"sections-{size}-old.md", folder / f"sections-{size}-new.md"
        old.write_text(old_text, encoding="utf-8")
        new.write_text(new_text, encoding="utf-8")
        out.append((f"sections {size}", old, new))
    return out


def snapshot(sizes: list[int]) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        result = {}
        for name, old_path, new_path in version_pairs(Path(folder), sizes):
            comparison = compare(load_document(old_path), load_document(new_path))
            data = comparison_json(comparison)
            text = json.dumps(data, ensure_ascii=False, sort_keys=True)
            # File paths name the checkout and the temporary folder, not the comparison.
            result[name] = text.replace(str(ROOT), "ROOT").replace(folder, "FOLDER")
            print(f"  {name}: {len(result[name]):,} characters", flush=True)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path)
    mode.add_argument("--check", type=Path)
    parser.add_argument("--sections", type=int, nargs="*", default=[300, 3000])
    args = parser.parse_args()
    got = snapshot(args.sections)
    if args.write:
        args.write.write_text(json.dumps(got, ensure_ascii=False), encoding="utf-8")
        print(f"{len(got)} pairs written")
        return
    want = json.loads(args.check.read_text(encoding="utf-8"))
    differing = [name for name in sorted(set(want) | set(got)) if want.get(name) != got.get(name)]
    for name in differing:
        print(f"DIFFERS: {name}")
    print(f"{len(want) - len(differing)} of {len(want)} pairs identical")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
