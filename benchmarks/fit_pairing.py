"""Fit the pairing score's weights from labelled version pairs, and measure them leave-one-platform-out.

Run:  .venv/bin/python benchmarks/fit_pairing.py [--write] [--cache FILE] [-v]

Every candidate pair of sections the engine considers (``align.Similarity``) becomes one row of
``pairing.FEATURES``, labelled 1 when the labelled pairs (tests/core/labelled/pairs/, see
``eval_alignment.py``) pair the two sections and 0 otherwise (a candidate whose old section's
heading the structure recovery missed is left out). A logistic regression (scikit-learn, a
development dependency only: the engine reads the weights from a JSON file) is fitted on them.

Leave one platform out: for each platform (the folder name's first word: "tumblr", "sony" ...),
the weights are fitted on every other platform's pairs, and that platform's pairs are scored with
the engine using those weights, as ``eval_alignment.py`` scores them (one point per labelled old
section whose predicted set of new sections is the labelled set, one per labelled added section
left unpaired).
``--write`` fits on every pair and writes ``policydiff/core/pairing_weights.json``.

The history-chained gold (``benchmarks/eval_chained.py`` and ``benchmarks/gold/chained.json``,
built from the versions bundle) joins the data when it is at hand (in benchmarks/, or in the
folder the environment variable ``PAIRING_GOLD`` names): its spans are fitted on like labelled
pairs (platform: the gold's, lower-cased), and each platform's spans are scored with the weights
fitted without that platform, as ``eval_chained.py`` scores them (by kind: same title, renamed,
removed). ``--no-gold`` leaves it out. The two stages (``pairing.PairingModel``) are fitted one
after the other: the second reads the run and the assignment the first one makes.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import eval_alignment  # noqa: E402

from policydiff.core import align, pairing  # noqa: E402
from policydiff.core.load import load_document  # noqa: E402

THRESHOLD = 0.5
"""The abstain threshold (a probability). Measured leave-one-platform-out with the gold in the fit
(labelled pairs / chained gold): 0.4 672/754, 1932/2004; 0.5 675, 1932; 0.6 672, 1933 (0.3 did no
better on the labelled pairs alone). Again with ``parent_unpaired`` and ``leftover_best``: 0.4 685, 1970
(removed 125/141; NEC 10/11), 0.5 689, 1973 (removed 128/141; NEC 9/11)."""
WEIGHTS = ROOT / "policydiff" / "core" / pairing.WEIGHTS_FILE
C = 1.0
"""Inverse regularisation strength of the logistic regression (scikit-learn's default; 0.1, 10 and
100 were measured and did no better)."""


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


BALANCE = "source"
"""How the fit weighs its rows: ``pair``, each version pair (or gold span) alike, however many
candidates it has; ``source``, that within each source (labelled pairs, gold spans), and the two
sources alike in total (134 gold spans of mostly easy same-title decisions would otherwise outvote
29 labelled pairs of hard ones); ``none``, every row alike."""


def _stage(
    names: tuple[str, ...], x: list[tuple[float, ...]], y: list[int], weight: list[float]
) -> pairing.Stage:
    from sklearn.linear_model import LogisticRegression

    regression = LogisticRegression(C=C, max_iter=5_000)
    regression.fit(x, y, sample_weight=weight)
    return pairing.Stage(names, tuple(float(w) for w in regression.coef_[0]), float(regression.intercept_[0]), 0.5)


def chained_gold() -> object | None:
    """``eval_chained`` (the history-chained gold's loader and scorer), when it is at hand: in
    benchmarks/, or in the folder ``PAIRING_GOLD`` names. Imported after the engine, so that the
    engine scored is this checkout's."""
    import os

    extra = os.environ.get("PAIRING_GOLD")
    if extra:
        sys.path.append(extra)
    try:
        import eval_chained
    except ImportError:
        return None
    return eval_chained


def collect_gold(ec: object) -> list[LabelledPair]:
    """One ``LabelledPair`` per gold span: candidates labelled by the gold decisions (an old
    section the gold says nothing of is left unlabelled)."""
    out = []
    for span in ec.load_gold():  # type: ignore[attr-defined]
        old, new = ec.documents(span)  # type: ignore[attr-defined]
        wanted: dict[int, set[int]] = {}
        for d in ec.resolve(span, old, new):  # type: ignore[attr-defined]
            if d.recovered and d.old_index is not None:
                wanted[d.old_index] = {d.new_index} if d.new_index is not None else set()
        sim = align.similarity_matrix(old, new)
        reader = pairing.FeatureReader(sim)
        rows, ys, pairs = [], [], []
        for i, j in pairing.candidate_pairs(sim):
            rows.append(tuple(reader.features(i, j)))
            ys.append(1 if j in wanted.get(i, ()) else 0 if i in wanted else -1)
            pairs.append((i, j))
        out.append(LabelledPair(f"gold {span.name}", span.platform.lower(), True, Path(span.document),  # type: ignore[attr-defined]
                                rows, ys, pairs, pairing.outline_of(sim)))
        out[-1].span = span  # type: ignore[attr-defined]
    return out


def row_weights(pairs: list[LabelledPair], labelled: list[tuple[LabelledPair, int]]) -> list[float]:
    """The sample weight of each labelled row (see ``BALANCE``), scaled to a mean of 1."""
    # Each version pair weighs alike, however many candidates it has (a long policy's thousands
    # of candidate pairs would otherwise outvote a short one's few).
    per_pair = {p.slug: sum(1 for y in p.labels if y >= 0) for p in pairs}
    pairs_in_source: dict[bool, int] = {}
    for p in pairs:
        if per_pair[p.slug]:
            pairs_in_source[is_gold(p)] = pairs_in_source.get(is_gold(p), 0) + 1
    weight = []
    for p, _ in labelled:
        if BALANCE == "none":
            weight.append(1.0)
        elif BALANCE == "pair":
            weight.append(1.0 / per_pair[p.slug])
        else:
            weight.append(1.0 / per_pair[p.slug] / pairs_in_source[is_gold(p)])
    scale = len(weight) / sum(weight)
    return [w * scale for w in weight]


def is_gold(p: LabelledPair) -> bool:
    return hasattr(p, "span")


def fit(pairs: list[LabelledPair], note: str = "") -> pairing.PairingModel:
    """Both stages: the first on ``FEATURES``; the second on those and the run the first makes."""
    labelled = [(p, k) for p in pairs for k, y in enumerate(p.labels) if y >= 0]
    weight = row_weights(pairs, labelled)
    first = _stage(pairing.FEATURES, [p.rows[k] for p, k in labelled], [p.labels[k] for p, k in labelled], weight)
    extended: dict[str, list[tuple[float, ...]]] = {}
    for p in pairs:
        more = pairing.run_features(p.outline, p.pairs, p.rows, first)
        extended[p.slug] = [row + extra for row, extra in zip(p.rows, more)]
    second = _stage(
        pairing.FEATURES + pairing.RUN_FEATURES,
        [extended[p.slug][k] for p, k in labelled],
        [p.labels[k] for p, k in labelled],
        weight,
    )
    second = pairing.Stage(second.names, second.weights, second.intercept, THRESHOLD)
    return pairing.PairingModel(first, second, note)


def score(pairs: list[LabelledPair]) -> list[eval_alignment.PairResult]:
    return [eval_alignment.evaluate_pair(p.directory, p.held_out) for p in pairs]


def leave_one_platform_out(
    pairs: list[LabelledPair], gold: list[LabelledPair], ec: object, verbose: bool
) -> tuple[list[eval_alignment.PairResult], object]:
    """Each platform scored with weights fitted on every other platform (labelled pairs and gold)."""
    results = []
    gold_results = []
    everything = pairs + gold
    for platform in sorted({p.platform for p in everything}):
        pairing.use_model(fit([p for p in everything if p.platform != platform]))
        try:
            found = score([p for p in pairs if p.platform == platform])
            spans = [p.span for p in gold if p.platform == platform]  # type: ignore[attr-defined]
            if spans:
                gold_results.append(ec.score(ec.engine_pairing, spans))  # type: ignore[attr-defined]
        finally:
            pairing.use_model(None)
        for r in found:
            print(f"  {r.slug:45} {r.points:3}/{r.total:<3} {r.accuracy:6.1%}")
            if verbose:
                for error in r.errors:
                    print(f"      {error}")
        if spans:
            print(f"  gold {platform:40} {gold_results[-1].overall}")  # type: ignore[attr-defined]
            if verbose:
                for m in gold_results[-1].misses:  # type: ignore[attr-defined]
                    if m.kind != "same_title":
                        tag = "" if m.recovered else " [heading not recovered]"
                        print(f"      {m.span}: {m.kind} {m.old!r} -> wanted {m.wanted!r}, got {m.got}{tag}")
        results += found
    return results, gold_results


def nec_points() -> tuple[int, int]:
    """The NEC 2002 -> 2024 showcase pair's old sections paired as ``tests/core/test_compare.py``
    expects (NEC is in no fit: it is scored with the weights in use)."""
    sys.path.insert(0, str(ROOT / "tests" / "core"))
    from test_compare import NEC_PAIRS, paired_titles

    from policydiff.core.compare import compare

    corpus = ROOT / "corpus"
    found = paired_titles(compare(load_document(corpus / "nec-2002.md"), load_document(corpus / "nec-2024.txt")))
    return sum(found.get(old) == new for old, new in NEC_PAIRS.items()), len(NEC_PAIRS)


def total(results: list[eval_alignment.PairResult]) -> tuple[int, int]:
    return sum(r.points for r in results), sum(r.total for r in results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="fit on every pair and write the weights file")
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--no-gold", action="store_true", help="fit and measure on the labelled pairs only")
    parser.add_argument("--cache", help="keep the candidates' features in this file between runs "
                        "(delete it when the features or the engine's candidates change)")
    parser.add_argument("--balance", choices=("source", "pair", "none"), default="source")
    args = parser.parse_args()
    global BALANCE
    BALANCE = args.balance
    ec = None if args.no_gold else chained_gold()
    cache = Path(args.cache) if args.cache else None
    if cache is not None and cache.exists():
        pairs, gold = pickle.loads(cache.read_bytes())
    else:
        pairs = collect()
        gold = collect_gold(ec) if ec is not None else []
        if cache is not None:
            cache.write_bytes(pickle.dumps((pairs, gold)))
    if gold:
        print(f"history-chained gold: {len(gold)} spans of {len({g.platform for g in gold})} platforms")
    n_rows = sum(sum(1 for y in p.labels if y >= 0) for p in pairs + gold)
    print(f"{len(pairs)} labelled pairs, {len({p.platform for p in pairs})} platforms, {n_rows} candidate pairs "
          f"({sum(y == 1 for p in pairs for y in p.labels)} labelled as paired)")
    print("leave one platform out (fitted on the others):")
    lopo, gold_results = leave_one_platform_out(pairs, gold, ec, args.verbose)
    points, count = total(lopo)
    print(f"fitted score, leave-one-platform-out, labelled pairs: {points}/{count} = {points / count:.1%}")
    if gold_results:
        right = sum(r.overall.points for r in gold_results)  # type: ignore[attr-defined]
        decisions = sum(r.overall.total for r in gold_results)  # type: ignore[attr-defined]
        print(f"fitted score, leave-one-platform-out, chained gold: {right}/{decisions} = {right / decisions:.1%}")
        for kind in ("same_title", "renamed", "removed"):
            right = sum(r.by_kind[kind].points for r in gold_results if kind in r.by_kind)  # type: ignore[attr-defined]
            decisions = sum(r.by_kind[kind].total for r in gold_results if kind in r.by_kind)  # type: ignore[attr-defined]
            if decisions:
                print(f"  {kind:12} {right}/{decisions} = {right / decisions:.1%}")
    pairing.use_model(fit(pairs + gold))
    try:
        nec, of = nec_points()
    finally:
        pairing.use_model(None)
    print(f"NEC 2002 -> 2024 (in no fit; weights fitted on every other pair): {nec}/{of}")
    if args.write:
        model = fit(pairs + gold, f"benchmarks/fit_pairing.py: logistic regression (C={C}) on {n_rows} "
                                  f"candidate pairs of {len(pairs)} labelled version pairs and {len(gold)} gold spans")
        WEIGHTS.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS.relative_to(ROOT)}")
        for stage in (model.first, model.second):
            print("  " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(stage.names, stage.weights))
                  + f", intercept {stage.intercept:+.2f}")


if __name__ == "__main__":
    main()
