"""Fit the pairing score's weights from labelled version pairs, and measure them leave-one-platform-out.

Run:  .venv/bin/python benchmarks/fit_pairing.py [--write] [--compare-rules] [-v]

Every candidate pair of sections the engine considers (``align.Similarity``) becomes one row of
``pairing.FEATURES``, labelled 1 when the labelled pairs (tests/core/labelled/pairs/, see
``eval_alignment.py``) pair the two sections and 0 otherwise (a candidate whose old section's
heading the structure recovery missed is left out). A logistic regression (scikit-learn, a
development dependency only: the engine reads the weights from a JSON file) is fitted on them.

Leave one platform out: for each platform (the folder name's first word: "tumblr", "sony" ...),
the weights are fitted on every other platform's pairs, and that platform's pairs are scored with
the engine using those weights, as ``eval_alignment.py`` scores them (one point per labelled old
section whose predicted set of new sections is the labelled set, one per labelled added section
left unpaired). ``--compare-rules`` also scores the former rule-based core on the same labels.
``--write`` fits on every pair and writes ``policydiff/core/pairing_weights.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import eval_alignment  # noqa: E402

from policydiff.core import align, pairing  # noqa: E402
from policydiff.core.load import load_document  # noqa: E402

THRESHOLD = float(__import__("os").environ.get("THRESHOLD", "0.5"))
WEIGHTS = ROOT / "policydiff" / "core" / pairing.WEIGHTS_FILE
C = float(__import__("os").environ.get("FIT_C", "1.0"))
"""Inverse regularisation strength of the logistic regression (scikit-learn's default)."""


@dataclass
class LabelledPair:
    slug: str
    platform: str
    held_out: bool
    directory: Path
    rows: list[tuple[float, ...]]
    labels: list[int]
    pairs: list[tuple[int, int]]
    outline: pairing.Outline


def platform_of(slug: str) -> str:
    return slug.split("-")[0]


def candidate_rows(directory: Path) -> tuple[list[tuple[float, ...]], list[int], list[tuple[int, int]], object]:
    """The features of every candidate pair of one labelled version pair, and its label."""
    old, new = load_document(directory / "old.md"), load_document(directory / "new.md")
    labels = json.loads((directory / "pairs.json").read_text(encoding="utf-8"))
    old_index, new_index = eval_alignment.HeadingIndex(old), eval_alignment.HeadingIndex(new)
    wanted: dict[int, set[int]] = {}
    for entry in labels["pairs"]:
        i = old_index.find(entry["old"])
        if i is None:
            continue
        wanted[i] = {j for j in (new_index.find(label) for label in entry["new"]) if j is not None}
    sim = align.similarity_matrix(old, new)
    reader = pairing.FeatureReader(sim)
    rows, ys, pairs = [], [], []
    for i, j in pairing.candidate_pairs(sim):
        rows.append(tuple(reader.features(i, j)))
        ys.append(1 if j in wanted.get(i, ()) else 0 if i in wanted else -1)  # -1: not labelled
        pairs.append((i, j))
    return rows, ys, pairs, sim


def collect(directory: Path = eval_alignment.LABELLED) -> list[LabelledPair]:
    held = eval_alignment.held_out_slugs(directory)
    out = []
    for d in sorted((directory / "pairs").iterdir()):
        if not (d / "pairs.json").exists():
            continue
        rows, ys, pairs, sim = candidate_rows(d)
        out.append(LabelledPair(d.name, platform_of(d.name), d.name in held, d, rows, ys, pairs,
                                pairing.outline_of(sim)))  # type: ignore[arg-type]
    return out


PLAUSIBLE = float(__import__("os").environ.get("PLAUSIBLE", "0"))


def plausible(row: tuple[float, ...]) -> bool:
    by_name = dict(zip(pairing.FEATURES, row))
    return max(by_name["body_best"], by_name["title_best"]) >= PLAUSIBLE


def _stage(names: tuple[str, ...], x: list[tuple[float, ...]], y: list[int]) -> pairing.Stage:
    from sklearn.linear_model import LogisticRegression

    regression = LogisticRegression(C=C, max_iter=5_000)
    regression.fit(x, y)
    return pairing.Stage(names, tuple(float(w) for w in regression.coef_[0]), float(regression.intercept_[0]), 0.5)


def fit(pairs: list[LabelledPair], note: str = "") -> pairing.PairingModel:
    """Both stages: the first on ``FEATURES``; the second on those and the run the first makes."""
    labelled = [(p, k) for p in pairs for k, y in enumerate(p.labels) if y >= 0 and plausible(p.rows[k])]
    first = _stage(pairing.FEATURES, [p.rows[k] for p, k in labelled], [p.labels[k] for p, k in labelled])
    extended: dict[str, list[tuple[float, ...]]] = {}
    for p in pairs:
        more = pairing.run_features(p.outline, p.pairs, p.rows, first)
        extended[p.slug] = [row + extra for row, extra in zip(p.rows, more)]
    second = _stage(
        pairing.FEATURES + pairing.RUN_FEATURES,
        [extended[p.slug][k] for p, k in labelled],
        [p.labels[k] for p, k in labelled],
    )
    second = pairing.Stage(second.names, second.weights, second.intercept, THRESHOLD)
    return pairing.PairingModel(first, second, note)


def score(pairs: list[LabelledPair]) -> list[eval_alignment.PairResult]:
    return [eval_alignment.evaluate_pair(p.directory, p.held_out) for p in pairs]


def leave_one_platform_out(pairs: list[LabelledPair], verbose: bool) -> list[eval_alignment.PairResult]:
    results = []
    for platform in sorted({p.platform for p in pairs}):
        held = [p for p in pairs if p.platform == platform]
        pairing.use_model(fit([p for p in pairs if p.platform != platform]))
        try:
            found = score(held)
        finally:
            pairing.use_model(None)
        for r in found:
            print(f"  {r.slug:45} {r.points:3}/{r.total:<3} {r.accuracy:6.1%}")
            if verbose:
                for error in r.errors:
                    print(f"      {error}")
        results += found
    return results


def total(results: list[eval_alignment.PairResult]) -> tuple[int, int]:
    return sum(r.points for r in results), sum(r.total for r in results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="fit on every pair and write the weights file")
    parser.add_argument("--compare-rules", action="store_true", help="also score the former rule-based core")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    align.PAIRING = "fitted"
    pairs = collect()
    n_rows = sum(sum(1 for y in p.labels if y >= 0) for p in pairs)
    print(f"{len(pairs)} labelled pairs, {len({p.platform for p in pairs})} platforms, {n_rows} candidate pairs "
          f"({sum(y == 1 for p in pairs for y in p.labels)} labelled as paired)")
    print("leave one platform out (fitted on the others):")
    lopo = leave_one_platform_out(pairs, args.verbose)
    points, count = total(lopo)
    print(f"fitted score, leave-one-platform-out: {points}/{count} = {points / count:.1%}")
    if args.compare_rules:
        saved = align.PAIRING
        align.PAIRING = "rules"
        try:
            points, count = total(score(pairs))
        finally:
            align.PAIRING = saved
        print(f"former rule-based core, same labels: {points}/{count} = {points / count:.1%}")
    if args.write:
        model = fit(pairs, f"benchmarks/fit_pairing.py: logistic regression (C={C}) on {n_rows} candidate "
                           f"pairs of {len(pairs)} labelled version pairs")
        WEIGHTS.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS.relative_to(ROOT)}")
        for stage in (model.first, model.second):
            print("  " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(stage.names, stage.weights))
                  + f", intercept {stage.intercept:+.2f}")


if __name__ == "__main__":
    main()
