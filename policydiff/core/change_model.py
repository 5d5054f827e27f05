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
from itertools import repeat
from operator import mul
from typing import Iterable, Protocol


class _SignalLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def old(self) -> str: ...

    @property
    def new(self) -> str: ...


_WORD = re.compile(r"[^\W_]+")
_BULLET = re.compile(r"^\s*(?:[-*+\u2022\u25aa\u25cf\u25e6]|\d+[.)]|\(?[a-z][.)])\s")
_MARKUP_CHARS = " \t\r\n#*_>|`"
_DIGITS_ONLY = re.compile(r"^[\d\s,.%/-]+$")
_STAMP = re.compile(r"\b(?:updated|effective|modified|revised|last|version|dated?)\b")
"""Words of a date stamp (``Last updated: ...``, ``Effective ...``)."""
_CHANGELOG = re.compile(r"^[\s\u2022*-]*(?:updated|added|removed|clarified|changed|revised|expanded|amended|"
                        r"moved|deleted|introduced|updates?)\b", re.IGNORECASE)
"""A line of a change log (``Updated 8.2 to mention ...``): it describes changes, it enacts none."""
_CONTACT = re.compile(r"\b(?:contact(?:ing)? (?:us|our|the)|(?:e-?mail|call|write to|reach|visit|message) us|"
                      r"by (?:e-?mail|phone|telephone|post|mail)|(?:web|contact|online|request) form|portal|"
                      r"help cent(?:er|re)|postal address|mailing address)\b")
"""Ways to reach the company: changing them is editorial (labels README), a party is not."""
# Plain substrings that each match of the patterns above holds: a cheap test before the pattern.
_STAMP_WORDS = ("updated", "effective", "modified", "revised", "last", "version", "date")
_CONTACT_WORDS = ("contact", " us", "by ", " form", "portal", "help cent", " address")


_SIX_WORDS = re.compile(r"[\W_]*+(?:[^\W_]++[\W_]++){5}[^\W_]")
"""Matches a text of six words or more (``_WORD`` runs) and stops at the sixth: ``short`` is
``len(_words(text)) <= 5``, without splitting the whole sentence."""


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _closed(text: str) -> bool:
    """The line ends as a sentence does (a full stop, a colon...), markup and closing quotes aside."""
    return text.strip().strip(_MARKUP_CHARS).rstrip("'\"\u201d\u2019)]*_")[-1:] in (".", "!", "?", ":", ";")


def _has_link(text: str) -> bool:
    return "](" in text or "http://" in text or "https://" in text or "www." in text


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
        for kind in kinds:
            features[f"edit:{kind}"] = 1.0  # a term added to or taken from a sentence that stays
        for s in found:
            if s.old and s.new:
                features["swapped"] = 1.0  # a term replaced by another of its kind (may -> will)
    features["kinds"] = float(len(kinds))
    features["terms"] = math.log1p(sum(len([t for t in (s.old + ", " + s.new).split(", ") if t]) for s in found))
    text = new if new.strip() else old
    words = _words(text)
    features["words"] = math.log1p(len(words))
    features["short"] = float(len(words) <= 5)
    features["unclosed"] = float(not _closed(text))  # a heading, a list label, a fragment
    features["bullet"] = float(bool(_BULLET.match(text)))
    features["link"] = float(_has_link(old) or _has_link(new))
    if not one_sided:
        # How much of the sentence changed: a signal in a light edit is aimed, one in a rewrite may
        # be a sentence recast with the same force.
        a, b = set(_words(old.lower())), set(_words(new.lower()))
        features["changed_share"] = 1.0 - len(a & b) / len(a | b) if a | b else 0.0
    lower = text.lower()
    if any(map(lower.__contains__, _STAMP_WORDS)) and _STAMP.search(lower):
        features["date_stamp" if "date" in kinds else "stamp_word"] = 1.0
    if _CHANGELOG.match(text.strip().strip(_MARKUP_CHARS)):
        features["changelog"] = 1.0
    if any(map(lower.__contains__, _CONTACT_WORDS)) and _CONTACT.search(lower):
        features["contact"] = 1.0
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
    if kinds == _NUMBER_ONLY and _address(found, old + "\n" + new):  # else no address: both texts not joined
        features["address"] = 1.0
    return features


_NUMBER_ONLY = frozenset(("number",))
"""The kinds of a change that may be a street address or a postcode (:func:`_address`)."""
_STREET_NUMBER = re.compile(r"(?<![\w.,])(\d{1,5})(?:,)?\s+(?:[A-Z][\w'\u2019-]*|[A-Z0-9]{2,4}\b)")
"""A number before a capitalised word (``77 Shaftesbury Avenue``, ``Floor 2``, ``TX 75034``... read
from both sides): a street number or a postcode, not an amount."""


_UNIT_NUMBER = re.compile(r"(?:[A-Z]{2}|[Ff]loor|[Ss]uite|[Uu]nit)\s+(\d{1,6})\b")
"""A number after a state code, a floor, a suite or a unit (``TX 75034``, ``Floor 2``)."""


def _address(found: list[_SignalLike], text: str) -> bool:
    """Every signal is a bare number that, in the line, begins a street address or a postcode."""
    if not found or any(s.kind != "number" for s in found):
        return False
    values = [t for s in found for t in (s.old + ", " + s.new).split(", ") if t]
    if not values or not all(t.isdigit() for t in values):
        return False
    near = {m.group(1) for m in _STREET_NUMBER.finditer(text)}
    if all(t in near for t in values):
        return True  # the postcodes and floors need not be looked for
    near |= set(_UNIT_NUMBER.findall(text))
    return all(t in near for t in values)


@lru_cache(maxsize=1)
def weights() -> dict[str, float]:
    """The fitted weights (feature name -> weight; ``bias``; ``threshold`` on the probability)."""
    text = resources.files("policydiff.core").joinpath("change_weights.json").read_text("utf-8")
    data = json.loads(text)
    return {str(k): float(v) for k, v in data["weights"].items()} | {"threshold": float(data["threshold"])}


def probability(features: dict[str, float], fitted: dict[str, float] | None = None) -> float:
    """The model's probability that a change with these features is substantive."""
    w = weights() if fitted is None else fitted
    # The same products summed in the same order as a loop would, with no Python frame per feature.
    z = w.get("bias", 0.0) + sum(map(mul, features.values(), map(w.get, features, repeat(0.0))))
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


_SHAPES = ("short", "unclosed", "link", "contact", "changelog", "values_only", "modal_only", "address")
"""Shapes of a sentence inserted or deleted whole that the model weighs (else the signal decides)."""
_EDITED_SHAPES = ("unclosed", "where:title", "address")
"""Shapes of a line edited in place that the model weighs (else the signal decides)."""


def decided_by_model(old: str, new: str, features: dict[str, float] | None = None) -> bool:
    """Whether the model weighs this change. A sentence of prose edited in place that gained or
    lost a signal term is substantive without it: the edit is aimed at that term (four in five such
    changes are substantive in the labels, and the injected edits are of that shape); a heading or
    a short line edited in place is weighed (a date stamp is substantive, a title is not). So is a
    whole sentence of prose inserted or deleted with a signal of meaning (a party, a right, a legal
    term...). The model weighs the shapes in which whole lines come and go without enacting
    anything: headings and list labels, change-log lines, date lines, addresses, contact lines,
    pointers, and sentences whose only signal is a modal verb or a value."""
    if features is None:
        return not (old.strip() and new.strip())
    if old.strip() and new.strip():
        # A heading, a date stamp, an address line: edited in place, but no sentence of prose.
        if features.get("unclosed") and _list_clause(new):
            return bool(features.get("where:title") or features.get("address"))
        return any(features.get(shape) for shape in _EDITED_SHAPES)
    return any(features.get(shape) for shape in _SHAPES)


def _list_clause(text: str) -> bool:
    """A list item of six words or more that ends with no stop: a clause of a list (``* to send
    documents to shareholders, as required by the laws and regulations``), prose, not a label."""
    return _BULLET.match(text) is not None and _SIX_WORDS.match(text) is not None


_VALUE_KINDS = frozenset(("number", "date"))
_MODAL_ONLY = frozenset(("modal",))


def _prose(found: list[_SignalLike], old: str, new: str, where: str) -> bool:
    """What :func:`decided_by_model` says is not the model's to weigh, read without computing every
    feature (most changes are such sentences of prose)."""
    if where == "title":
        return False
    new_words = new.strip()
    if new_words and old.strip():
        return (_closed(new) or _list_clause(new)) and not (
            all(s.kind == "number" for s in found) and _address(found, old + "\n" + new))
    text = new if new_words else old
    kinds = {s.kind for s in found}
    if kinds <= _VALUE_KINDS or kinds == _MODAL_ONLY or not _closed(text) or _has_link(old) or _has_link(new):
        return False
    if _SIX_WORDS.match(text) is None or _CHANGELOG.match(text.strip().strip(_MARKUP_CHARS)):
        return False  # five words or fewer: "short"
    lower = text.lower()
    return not (any(map(lower.__contains__, _CONTACT_WORDS)) and _CONTACT.search(lower))


record: dict[tuple[str, str, str], tuple[dict[str, float], bool]] | None = None
"""When a dict (the fitting script sets one), every change the model could weigh is recorded in
it: (old, new, where) -> (its features, whether the model decides it). None otherwise."""


def in_context(old: str, new: str, where: str) -> bool:
    """A change with no signal term of its own whose context gives it one (a list item under a
    lead-in that states a duty, a permission, a recipient or a kind of data; a duty or a permission
    widened or narrowed by a clause: :func:`policydiff.core.changes.context_signals`) is
    substantive, as a sentence of prose edited to gain or lose a term is: the edit is aimed at what
    the sentence binds (11 of the 16 such changes that match a label are substantive)."""
    if record is not None:
        record[old, new, where] = ({}, False)
    return True


_MARKERS_ONLY = re.compile(r"(?:[ \t]*(?:[-*+\u2022\u25aa\u25cf\u25e6]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})\\?[.)])[ \t]*\n?)+")
"""A text that is nothing but list markers (``1.``, ``•``, ``(a)``), one or more lines of them."""


def _marker_edit(old: str, new: str) -> bool:
    """One side of an edit in place is only a list marker: a bullet became a number (``• Security``
    -> ``1.``) and the words after the marker, a sentence of their own, did not change (else the
    edit would cover them too). The signals the other side's words give are not changes."""
    shortest = min(old.strip(), new.strip(), key=len)
    return 0 < len(shortest) <= 12 and _MARKERS_ONLY.fullmatch(shortest) is not None


def _values(signal: _SignalLike, old: str, new: str) -> list[tuple[str, str]]:
    """Each value a signal shows (``"30, 90"`` is two), with the side's text it was found in."""
    return [(v, text) for v, text in ((signal.old, old), (signal.new, new)) for v in v.split(", ") if v]


@lru_cache(maxsize=1)
def _recording() -> re.Pattern[str]:
    """A word of recording (``lexicons/recorded.txt``) and the ``on`` or ``at`` after it: a date
    that follows is when a copy was taken."""
    from policydiff.core.changes import read_lexicon  # (changes imports this module)

    words = "|".join(re.escape(entry.lower()) for entry in read_lexicon("recorded"))
    return re.compile(rf"\b(?:{words})\s+(?:(?:on|at)\s+)?", re.IGNORECASE)


def _recorded(signal: _SignalLike, old: str, new: str) -> bool:
    """A date signal each of whose dates follows a word of recording (``archived on 2010-12-31``,
    ``lexicons/recorded.txt``): when a copy was taken, not from when the text binds."""
    values = _values(signal, old, new)
    recording = _recording()
    return bool(values) and all(
        any(text.startswith(v, m.end()) for m in recording.finditer(text)) for v, text in values)


_PHONE = re.compile(r"(?<![\w.,])\+?[ ]?\(?\d{1,4}\)?(?:[ .-]{1,2}\(?\d{1,4}\)?){2,5}(?![\w,]|\.\d)")
"""A telephone number: three to six groups of digits joined by spaces, dots or hyphens (``+ 32 2 882
71 88``, ``1-800-555-1234``, ``03-3211-1111``)."""


def _phone(signal: _SignalLike, old: str, new: str) -> bool:
    """A number signal each of whose values is a group of digits of a telephone number in its
    side (a way to reach the company: editorial, labels README), at least seven digits in all."""
    values = _values(signal, old, new)
    if not values or not all(v.isdigit() for v, _ in values):
        return False
    for v, text in values:
        numbers = [m.group() for m in _PHONE.finditer(text) if sum(c.isdigit() for c in m.group()) >= 7]
        if not any(re.search(rf"(?<!\d){v}(?!\d)", number) for number in numbers):
            return False
    return True


def meaningful(found: list[_SignalLike], old: str, new: str) -> list[_SignalLike]:
    """The signals that may make the change substantive: none when the edit is a list marker's
    (:func:`_marker_edit`), no date a copy was taken on (:func:`_recorded`), no digits of a
    telephone number (:func:`_phone`)."""
    if old and new and (len(old) <= 64 or len(new) <= 64) and _marker_edit(old, new):
        return []
    for s in found:
        if s.kind in _VALUE_KINDS:
            break
    else:
        return found  # most changes: no value to read again
    return [s for s in found if not ((s.kind == "date" and _recorded(s, old, new))
                                     or (s.kind == "number" and _phone(s, old, new)))]


def substantive(signals: Iterable[_SignalLike], old: str, new: str, where: str = "body") -> bool:
    """A change with these signals is substantive (no signal: never)."""
    found = meaningful(list(signals), old, new)
    if not found:
        return False
    if record is None and _prose(found, old, new, where):
        return True
    features = change_features(found, old, new, where)
    weighed = decided_by_model(old, new, features)
    if record is not None:
        record[old, new, where] = (features, weighed)
    if not weighed:
        return True
    w = weights()
    return probability(features, w) >= w["threshold"]
