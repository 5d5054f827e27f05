"""Cost of classifying the changes (substantive / editorial / cosmetic) against the comparison
itself, on the NEC showcase pair, in one process: medians of alternating runs, in CPU time of the
process (steady under other load).

    python benchmarks/bench_changes.py [--runs N] [--small-edit] [--against OLD_CHANGES_PY]
                                       [--against-model OLD_CHANGE_MODEL_PY]

The target is that classification adds at most 15 % to the comparison. The NEC pair is a
near-total rewrite, every sentence a change: the worst case. ``--small-edit`` measures the common
case instead, NEC 2024 against itself with one modal verb swapped. ``--against`` also times
another version of ``policydiff/core/changes.py`` (``git show main:policydiff/core/changes.py >
old.py``) in the same runs, alternating with this one, each on a comparison of its own;
``--against-model OLD_CHANGE_MODEL_PY`` gives it its own ``change_model.py`` too (else it uses
this one's, and a change to the model shows on both sides).

``--breakdown`` says where the classification's time goes: each part's calls in one
classification are recorded, then replayed alone (CPU medians of the same number of runs); and the
whole classification is timed with the text scan replayed from a record (as if reading the texts
for signal terms cost nothing), then with the model's decisions replayed too: what is left when
those parts are free.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Callable

from policydiff.core import change_model, changes
from policydiff.core.changes import classify, counts
from policydiff.core.compare import compare
from policydiff.core.load import load_document

ROOT = Path(__file__).resolve().parent.parent


def load_module(path: Path, name: str = "changes_against") -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


PARTS = {
    "text scan (text_hits)": (changes, "text_hits"),
    "model decision (change_model.substantive)": (change_model, "substantive"),
    "sentences (sentence_spans)": (changes, "sentence_spans"),
    "cosmetic test (cosmetic_kind)": (changes, "cosmetic_kind"),
    "signals (signals_between)": (changes, "signals_between"),
    "signals of a whole sentence (whole_sentence_signals)": (changes, "whole_sentence_signals"),
    "terms of a span (terms_between)": (changes, "terms_between"),
    "moved sentences (_moved_sentences)": (changes, "_moved_sentences"),
    "context rule (context_signals)": (changes, "context_signals"),
    "period phrases (with_period_phrases)": (changes, "with_period_phrases"),
}
"""The parts of a classification timed by ``--breakdown``: module and function name. They do not
overlap but for the lead-in lines the context rule reads (their scan is counted in both)."""


def breakdown(old: object, new: object, runs: int) -> None:
    """Each part alone, on the calls one classification makes; then the whole with parts free."""
    originals = {name: getattr(module, attr) for name, (module, attr) in PARTS.items()}
    calls: dict[str, list[tuple[tuple[object, ...], dict[str, object]]]] = {name: [] for name in PARTS}
    results: dict[str, list[object]] = {name: [] for name in PARTS}

    def recording(name: str) -> Callable[..., object]:
        def record(*args: object, **kwargs: object) -> object:
            calls[name].append((args, kwargs))
            result = originals[name](*args, **kwargs)
            results[name].append(result)
            return result
        return record

    def replaying(name: str) -> Callable[..., object]:
        found = iter(results[name])
        return lambda *args, **kwargs: next(found)

    for name, (module, attr) in PARTS.items():
        setattr(module, attr, recording(name))
    classify(compare(old, new))  # type: ignore[arg-type]
    for name, (module, attr) in PARTS.items():
        setattr(module, attr, originals[name])
    whole: list[float] = []
    free: dict[str, list[float]] = {"text scan free": [], "text scan and model free": []}
    alone: dict[str, list[float]] = {name: [] for name in PARTS}
    for _ in range(runs):  # all timed in each run, so that a change of load touches them alike
        comparison = compare(old, new)  # type: ignore[arg-type]
        start = time.process_time()
        classify(comparison)
        whole.append(time.process_time() - start)
        for label, names in (("text scan free", list(PARTS)[:1]), ("text scan and model free", list(PARTS)[:2])):
            for name in names:
                module, attr = PARTS[name]
                setattr(module, attr, replaying(name))
            comparison = compare(old, new)  # type: ignore[arg-type]
            start = time.process_time()
            classify(comparison)
            free[label].append(time.process_time() - start)
            for name in names:
                module, attr = PARTS[name]
                setattr(module, attr, originals[name])
        for name, made in calls.items():
            start = time.process_time()
            for args, kwargs in made:
                originals[name](*args, **kwargs)
            alone[name].append(time.process_time() - start)
    total = statistics.median(whole)
    print(f"classification {total * 1000:.1f} ms; each part alone (its calls replayed):")
    for name, times in alone.items():
        part = statistics.median(times)
        print(f"  {name:52} {len(calls[name]):4} calls {part * 1000:6.2f} ms ({100 * part / total:4.1f} %)")
    print(f"  {'sum of the parts':52} {' ' * 10} {sum(map(statistics.median, alone.values())) * 1000:6.2f} ms")
    for label, times in free.items():
        print(f"classification with the {label}: {statistics.median(times) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--small-edit", action="store_true", help="NEW = OLD with one 'may' made 'will'")
    parser.add_argument("--against", type=Path, help="another changes.py to time in the same runs")
    parser.add_argument("--against-model", type=Path,
                        help="the change_model.py that --against is to use (else this one's)")
    parser.add_argument("--breakdown", action="store_true", help="where the classification's time goes")
    parser.add_argument("old", nargs="?", default=str(ROOT / "corpus" / "nec-2002.md"))
    parser.add_argument("new", nargs="?", default=str(ROOT / "corpus" / "nec-2024.txt"))
    args = parser.parse_args()
    old, new = load_document(args.old), load_document(args.new)
    if args.small_edit:
        from policydiff.core.structure import parse_document

        text = Path(args.new).read_text(encoding="utf-8")
        old = parse_document(text, name=Path(args.new).name)
        new = parse_document(text.replace(" may ", " will ", 1), name=Path(args.new).name)
    if args.breakdown:
        breakdown(old, new, args.runs)
        return
    classifiers: dict[str, Callable[..., object]] = {"classify": classify}
    if args.against:
        against = load_module(args.against)
        if args.against_model:
            against.change_model = load_module(args.against_model, "change_model_against")
        classifiers[f"against ({args.against.name})"] = against.classify
    for run in classifiers.values():
        run(compare(old, new))  # warm: lexicons read, regular expressions compiled, stems cached
    compare_times: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in classifiers}
    changes = classify(compare(old, new))
    for n in range(args.runs):
        start = time.process_time()
        comparison = compare(old, new)
        compare_times.append(time.process_time() - start)
        # The classifiers take turns at going first: the one that runs second, after another
        # comparison and classification, was measured 10-25 % slower on a loaded machine (the order, not the code).
        order = list(classifiers.items())
        for name, run in order if n % 2 == 0 else order[::-1]:
            fresh = compare(old, new) if name != "classify" else comparison  # nothing cached on it
            start = time.process_time()
            run(fresh)
            times[name].append(time.process_time() - start)
    a = statistics.median(compare_times)
    print(f"{old.name} -> {new.name}{' (one edit)' if args.small_edit else ''}: {len(changes)} changes {counts(changes)}")
    print(f"compare   median {a * 1000:8.1f} ms")
    for name, found in times.items():
        b = statistics.median(found)
        print(f"{name:9} median {b * 1000:8.1f} ms   (+{100 * b / a:.1f} % of the comparison; target <= 15 %)")
    ratios = sorted(c / p for p, c in zip(compare_times, times["classify"]))
    print(f"per-run ratio median {100 * statistics.median(ratios):.1f} %, min {100 * ratios[0]:.1f} %")
    if args.against:
        mine, theirs = times["classify"], next(v for k, v in times.items() if k != "classify")
        print(f"classify / against: {statistics.median(mine) / statistics.median(theirs):.2f} "
              f"(per run median {statistics.median(m / t for m, t in zip(mine, theirs)):.2f})")


if __name__ == "__main__":
    main()
