"""Whether a change whose sentences differ in some signal is *substantive*: a small logistic model
over what the signals and the sentences look like, fitted on hand-labelled changes.

A signal alone over-calls: a postal code is a number, a change-log line names the section it
updated, a heading names a right. The model weighs the kinds of the signals with the shape of the
change (a sentence inserted or deleted whole or edited, how long it is, whether it is a heading or
a line of a date stamp, whether its numbers carry a unit). Its weights are fitted by
``benchmarks/fit_changes.py`` (leave-one-platform-out figures there) and shipped as
``change_weights.json``, read here with the standard library only.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources
from typing import Iterable, Protocol


class _SignalLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def old(self) -> str: ...

    @property
    def new(self) -> str: ...


_WORD = re.compile(r"[^\W_]+")
_LINK = re.compile(r"\]\([^)]*\)|https?://|www\.")
_BULLET = re.compile(r"^\s*(?:[-*+\u2022\u25aa\u25cf\u25e6]|\d+[.)]|\(?[a-z][.)])\s")
_MARKUP = re.compile(r"^[\s#*_>|`]+|[\s*_|`]+$")
_DIGITS_ONLY = re.compile(r"^[\d\s,.%/-]+$")
_CLOSED = re.compile(r"[.!?:;]['\"\u201d\u2019)\]*_]*$")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def change_features(signals: Iterable[_SignalLike], old: str, new: str, where: str = "body") -> dict[str, float]:
    """What the model reads of one change with signals: named features, 0 when absent."""
    found = list(signals)
    features: dict[str, float] = {}
    kinds = {s.kind for s in found}
    for kind in kinds:
        features[f"kind:{kind}"] = 1.0
    one_sided = not (old.strip() and new.strip())
    features["one_sided"] = float(one_sided)
    if not one_sided:
        for s in found:
            if s.old and s.new:
                features["swapped"] = 1.0  # a term replaced by another of its kind (may -> will)
    features["kinds"] = float(len(kinds))
    features["terms"] = math.log1p(sum(len([t for t in (s.old + ", " + s.new).split(", ") if t]) for s in found))
    text = new if new.strip() else old
    words = _words(text)
    features["words"] = math.log1p(len(words))
    features["short"] = float(len(words) <= 5)
    plain = _MARKUP.sub("", text.strip())
    features["unclosed"] = float(not _CLOSED.search(plain))  # a heading, a list label, a fragment
    features["bullet"] = float(bool(_BULLET.match(text)))
    features["link"] = float(bool(_LINK.search(old) or _LINK.search(new)))
    if where != "body":
        features[f"where:{where}"] = 1.0
    if kinds <= {"number", "date"}:
        # Only numbers or dates: a date stamp, an address, a citation, unless they carry a unit.
        features["values_only"] = 1.0
        shown = [t for s in found for t in (s.old + ", " + s.new).split(", ") if t]
        if shown and all(_DIGITS_ONLY.match(t) for t in shown):
            features["bare_numbers"] = 1.0
        value_words = sum(len(_words(t)) for t in shown)
        if words and value_words >= 0.5 * len(words):
            features["mostly_values"] = 1.0
    if kinds == {"modal"}:
        features["modal_only"] = 1.0
    return features


@lru_cache(maxsize=1)
def weights() -> dict[str, float]:
    """The fitted weights (feature name -> weight; ``bias``; ``threshold`` on the probability)."""
    text = resources.files("policydiff.core").joinpath("change_weights.json").read_text("utf-8")
    data = json.loads(text)
    return {str(k): float(v) for k, v in data["weights"].items()} | {"threshold": float(data["threshold"])}


def probability(features: dict[str, float], fitted: dict[str, float] | None = None) -> float:
    """The model's probability that a change with these features is substantive."""
    w = weights() if fitted is None else fitted
    z = w.get("bias", 0.0) + sum(value * w.get(name, 0.0) for name, value in features.items())
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def substantive(signals: Iterable[_SignalLike], old: str, new: str, where: str = "body") -> bool:
    """A change with these signals is substantive (no signal: never)."""
    found = list(signals)
    if not found:
        return False
    w = weights()
    return probability(change_features(found, old, new, where), w) >= w["threshold"]
