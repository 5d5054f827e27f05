"""Fit the model that decides which changes with a signal are substantive, and measure it
leave-one-platform-out.

    python benchmarks/fit_changes.py [--bundle-clone DIR] [--extra] [--write] [-v]

Every labelled version pair (``tests/core/labelled/changes``) is compared once with every change
that has a signal let through (the candidates); each labelled change is matched to an engine change
as ``eval_changes.py`` matches it. A candidate matched to some labelled change is one training row:
its features (:func:`policydiff.core.change_model.change_features`) and whether a labelled change it
answers is substantive. For each platform, the logistic model (scipy and scikit-learn, development
dependencies only; the weights of signal kinds bounded at 0) and its threshold are fitted on the other 12 platforms' rows, and that platform's
pairs are scored with them: recall over its labelled substantive changes, precision over its
matched engine changes called substantive, as ``eval_changes.py`` counts them. ``--write`` fits on
every platform and writes ``policydiff/core/change_weights.json``.

``--extra`` adds the labels of the second source family, the older company web extracts
(``tests/core/labelled/changes-extra``): each company is one more group left out in turn, and its rows
join the fitting of every other group (the bundle platforms' figures are then fitted on both
families). The summary gives the bundle platforms and the company extracts apart.

The threshold is the one that maximises, on the fitting platforms, the F1 of recall and precision
pooled over them among those that keep at least ``RECALL`` of the recall that calling every
candidate gets (ties to the lower threshold): a missed substantive change costs a reader more than
a false alarm.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import eval_changes  # noqa: E402
from eval_changes import MATCH, Sources  # noqa: E402

from policydiff.core import change_model  # noqa: E402

WEIGHTS = ROOT / "policydiff" / "core" / "change_weights.json"
EXTRA = ROOT / "tests" / "core" / "labelled" / "changes-extra"
C = 1.0
"""Inverse strength of the L2 penalty (as scikit-learn's ``C``)."""
RECALL = 0.95
"""Least share of the signals' pooled recall on the fitting platforms (every candidate called) that
the threshold keeps."""
MONOTONE = ("kinds", "terms")
"""Features whose weight may not be negative, besides every ``kind:``."""


@dataclass
class Candidate:
    features: dict[str, float]
    summary: str
    weighed: bool
    """Decided by the model (a sentence inserted or deleted whole); else substantive by rule."""


@dataclass
class PairRows:
    platform: str
    name: str
    candidates: dict[int, Candidate]
    """Engine change index -> its features, for changes with a signal."""
    labelled: list[tuple[bool, int]]
    """(labelled substantive, matched engine change or -1) per labelled change."""
    texts: list[str]
    """Each labelled change, shown (for the lists of misses)."""


def collect(labels_dir: Path, sources: Sources) -> list[PairRows]:
    """Every labelled pair compared with every change that has a signal let through."""
    original = change_model.weights
    change_model.weights = lambda: {"threshold": 0.0}  # type: ignore[assignment]
    change_model.record = {}  # the features each decision read, filled as each pair is compared
    try:
        out = []
        for pair in eval_changes.labelled_pairs(labels_dir, sources):
            recorded, change_model.record = change_model.record, {}
            candidates = {}
            for k, c in enumerate(pair.engine):
                if c.change_class != "substantive":
                    continue
                features, weighed = recorded.get((c.old, c.new, c.where), (None, False))
                if features is None:  # a moved passage: decided by its edits' signals
                    features = change_model.change_features(c.signals, c.old, c.new, c.where)
                    weighed = change_model.decided_by_model(c.old, c.new, features)
                candidates[k] = Candidate(features, f"{'; '.join(map(str, c.signals))} | {c.old!r:.90} -> {c.new!r:.90}",
                                          weighed)
            labelled, texts = [], []
            for change in pair.data["changes"]:
                best, best_k = pair.best_match(change)
                labelled.append((change["class"] == "substantive", best_k if best >= MATCH else -1))
                texts.append(f"{change.get('old', '')!r:.110} -> {change.get('new', '')!r:.110}")
            out.append(PairRows(pair.platform, pair.label_file.name, candidates, labelled, texts))
        return out
    finally:
        change_model.weights = original  # type: ignore[assignment]
        change_model.record = None


def rows(pairs: list[PairRows]) -> tuple[list[dict[str, float]], list[int]]:
    """Training rows: matched candidates the model weighs, target 1 when a labelled change they answer is substantive."""
    xs, ys = [], []
    for pair in pairs:
        answers: dict[int, bool] = defaultdict(bool)
        for substantive, k in pair.labelled:
            if k >= 0:
                answers[k] |= substantive
        for k, is_substantive in answers.items():
            if k in pair.candidates and pair.candidates[k].weighed:
                xs.append(pair.candidates[k].features)
                ys.append(int(is_substantive))
    return xs, ys


@dataclass
class Score:
    labelled_substantive: int = 0
    found: int = 0
    called: int = 0
    agreed: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.labelled_substantive if self.labelled_substantive else 1.0

    @property
    def precision(self) -> float:
        return self.agreed / self.called if self.called else 1.0


def score(pairs: list[PairRows], called: Callable[[dict[str, float]], bool], misses: list[str] | None = None,
          false: list[str] | None = None) -> Score:
    """Recall and precision of ``substantive`` as eval_changes.py counts them."""
    result = Score()
    for pair in pairs:
        decided = {k: called(c.features) if c.weighed else True for k, c in pair.candidates.items()}
        answers: dict[int, bool] = defaultdict(bool)
        for (substantive, k), text in zip(pair.labelled, pair.texts):
            result.labelled_substantive += substantive
            if k >= 0:
                answers[k] |= substantive
            if substantive:
                if k >= 0 and decided.get(k, False):
                    result.found += 1
                elif misses is not None:
                    why = "no signal" if k not in pair.candidates else pair.candidates[k].summary
                    misses.append(f"{pair.name}: {'unmatched' if k < 0 else why} || {text}")
        for k, is_substantive in answers.items():
            if decided.get(k, False):
                result.called += 1
                result.agreed += is_substantive
                if not is_substantive and false is not None:
                    false.append(f"{pair.name}: {pair.candidates[k].summary}")
    return result


def fit(pairs: list[PairRows]) -> dict[str, float]:
    """Weights (and the threshold) fitted on these pairs."""
    import numpy as np
    from scipy.optimize import minimize
    from sklearn.feature_extraction import DictVectorizer

    xs, ys = rows(pairs)
    vectorizer = DictVectorizer(sparse=False)
    matrix = vectorizer.fit_transform(xs)
    names = list(vectorizer.get_feature_names_out())
    target = np.asarray(ys, dtype=float)
    design = np.hstack([matrix, np.ones((len(ys), 1))])

    def loss(w: "np.ndarray") -> tuple[float, "np.ndarray"]:
        # L2-penalised logistic loss (the bias not penalised) and its gradient.
        z = design @ w
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))
        penalty = w.copy()
        penalty[-1] = 0.0
        value = float(np.sum(np.logaddexp(0.0, z) - target * z) + 0.5 / C * penalty @ penalty)
        return value, design.T @ (p - target) + penalty / C

    # A signal kind, or more terms or kinds, never counts against a change: the data say how much
    # each weighs, not that a kind of meaning lessens it (a noisy lexicon entry is fixed in the lexicon).
    bounds = [(0.0, None) if name.startswith(("kind:", "lead:")) or name in MONOTONE else (None, None) for name in names]
    result = minimize(loss, np.zeros(len(names) + 1), jac=True, method="L-BFGS-B", bounds=[*bounds, (None, None)])
    fitted = {"bias": float(result.x[-1])}
    fitted.update({name: float(w) for name, w in zip(names, result.x[:-1])})
    ceiling = score(pairs, lambda f: True).recall  # every candidate called: what the signals find
    best, best_threshold = -1.0, 0.5
    for step in range(5, 96):
        threshold = step / 100
        s = score(pairs, lambda f: change_model.probability(f, fitted) >= threshold)
        f1 = 2 * s.recall * s.precision / (s.recall + s.precision) if s.recall + s.precision else 0.0
        if s.recall >= RECALL * ceiling and f1 > best + 1e-9:
            best, best_threshold = f1, threshold
    fitted["threshold"] = best_threshold
    return fitted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="?", default=str(ROOT / "tests" / "core" / "labelled" / "changes"))
    parser.add_argument("--extra", action="store_true", help="also fit on, and leave out in turn, the company extracts")
    parser.add_argument("--shared", default=None)
    parser.add_argument("--bundle-clone", default=None)
    parser.add_argument("--write", action="store_true", help="fit on every platform and write the weights file")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and false alarms of read platforms")
    parser.add_argument("--show", nargs="*", default=[], type=str.lower,
                        help="with -v, list these held-out platforms' failures too: they are then read (add them to "
                             "FAILURES_READ in eval_changes.py)")
    args = parser.parse_args()
    shared = Path(args.shared) if args.shared else next(
        (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT.parent / "shared")
    sources = Sources(shared, Path(args.bundle_clone) if args.bundle_clone else None)
    pairs = collect(Path(args.labels), sources)
    extra: set[str] = set()
    if args.extra:
        extra_pairs = collect(EXTRA, sources)
        extra = {p.platform for p in extra_pairs}
        pairs += extra_pairs
    platforms = sorted({p.platform for p in pairs}, key=lambda p: (p in extra, p))
    read = {p.lower() for p in eval_changes.read_platforms()}
    print(f"{'platform':12} {'subst.':>6} {'recall':>7} {'precision':>9}  {'signal-only R/P':>15}  held out")
    worst = {True: 1.0, False: 1.0}
    pooled = {True: Score(), False: Score()}
    pooled_base = {True: Score(), False: Score()}
    pooled_extra, pooled_bundle = Score(), Score()
    for platform in platforms:
        held = [p for p in pairs if p.platform == platform]
        fitted = fit([p for p in pairs if p.platform != platform])
        misses: list[str] = []
        false: list[str] = []
        s = score(held, lambda f: change_model.probability(f, fitted) >= fitted["threshold"], misses, false)
        base = score(held, lambda f: True)
        is_read = platform.lower() in read
        for name in ("labelled_substantive", "found", "called", "agreed"):
            group = pooled_extra if platform in extra else pooled_bundle
            setattr(group, name, getattr(group, name) + getattr(s, name))
            if platform in extra:
                continue
            setattr(pooled[is_read], name, getattr(pooled[is_read], name) + getattr(s, name))
            setattr(pooled_base[is_read], name, getattr(pooled_base[is_read], name) + getattr(base, name))
        if platform not in extra:
            worst[is_read] = min(worst[is_read], s.recall, s.precision)
        print(f"{platform:12} {s.labelled_substantive:6} {s.recall:7.3f} {s.precision:9.3f}  "
              f"{base.recall:7.3f}/{base.precision:.3f}  {'no (read)' if is_read else 'yes'}")
        if args.verbose and (is_read or platform.lower() in args.show):
            for line in misses:
                print("   miss ", line)
            for line in false:
                print("   false", line)
    print(f"worst of P and R (bundle platforms): held out {worst[False]:.3f}, read {worst[True]:.3f}")
    for is_read, name in ((False, "held out"), (True, "read")):
        print(f"pooled {name}: recall {pooled[is_read].recall:.3f} precision {pooled[is_read].precision:.3f} "
              f"(signal-only {pooled_base[is_read].recall:.3f} / {pooled_base[is_read].precision:.3f})")
    print(f"pooled bundle platforms: recall {pooled_bundle.recall:.3f} precision {pooled_bundle.precision:.3f}")
    if extra:
        print(f"pooled company extracts (each left out): recall {pooled_extra.recall:.3f} "
              f"precision {pooled_extra.precision:.3f}")
    if args.write:
        fitted = fit(pairs)
        threshold = fitted.pop("threshold")
        WEIGHTS.write_text(json.dumps({
            "note": f"fitted by benchmarks/fit_changes.py{' --extra' if extra else ''} on every labelled platform"
                    f"{' and company extract' if extra else ''}; logistic weights over "
                    "policydiff.core.change_model.change_features; substantive when the probability >= threshold",
            "threshold": threshold,
            "weights": {k: round(v, 4) for k, v in sorted(fitted.items())},
        }, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS.relative_to(ROOT)} (threshold {threshold})")


if __name__ == "__main__":
    main()
