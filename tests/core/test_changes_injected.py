"""Known edits injected into real documents (the corpus and the labelled outlines of many
platforms): each substantive edit (a negation, a modal swapped, a number or duration changed, a
recipient or a kind of data added, an arbitration sentence added) must give a ``substantive``
change with the right signal kind, in at least 95 % of the injections; each cosmetic edit (quotes,
dashes, renumbering, spacing, bullets, reflow) must give no ``substantive`` change, in at least 98 %.

The sentences edited and the edits are drawn with a seeded generator, so a run is reproducible; the
rates are printed (``pytest -s``) and asserted as a whole, not per injection.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Callable

import pytest

from policydiff.core.compare import compare
from policydiff.core.structure import parse_document

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(
    [*ROOT.glob("corpus/*.md"), *ROOT.glob("corpus/*.txt"), *ROOT.glob("corpus/extra/*.md"),
     *(p for p in ROOT.glob("tests/core/labelled/outlines/*.md") if p.name != "README.md")]
)
PER_KIND = 36
"""Injections of each kind (spread over the documents)."""

# A sentence of running prose: starts with a capital, ends with a full stop, 8 to 60 words.
_SENTENCE = re.compile(r"(?<=[.!?]\s)[A-Z][^.!?\n]{40,400}\.(?=\s|$)|^[A-Z][^.!?\n]{40,400}\.(?=\s|$)", re.MULTILINE)
_MODAL = re.compile(r"\b(may|will|must|shall|can|should)\b")
_NEGATABLE = re.compile(r"\b(will|may|can|must|do|does|is|are)\b(?! not)")
_NOT = re.compile(r"\b(not|never) ")
_NUMBER = re.compile(r"\b(\d{1,4})\b(?![.,]\d)")
_DURATION = re.compile(r"\b(\d{1,3}|thirty|sixty|ninety|twelve|six|three|two)\s+(days?|months?|years?|weeks?)\b", re.I)

RECIPIENTS = ["advertisers", "data brokers", "law enforcement agencies", "our affiliates", "third parties",
              "marketing partners", "government authorities", "service providers", "business partners",
              "analytics providers", "researchers", "our advertising partners", "other companies in our group",
              "insurance companies", "public authorities", "our corporate family", "a successor entity",
              "payment processors", "cloud hosting providers", "courts and regulators", "the police"]
DATA = ["your precise location", "biometric data", "health information", "your contacts", "your browsing history",
        "voice recordings", "financial information", "device identifiers", "your photos", "the content of your messages",
        "your IP address", "your date of birth", "your search history", "your payment card details",
        "information about your sexual orientation", "your fingerprints", "your heart rate", "your keystrokes",
        "your email address", "your government ID", "your ethnicity"]
LAW = ["Any dispute arising from these terms will be resolved by binding arbitration.",
       "You waive any right to participate in a class action against us.",
       "These terms are governed by the laws of the State of California.",
       "All disputes shall be submitted to the exclusive jurisdiction of the courts of Ireland.",
       "Our liability to you is limited to the amount you paid us in the last twelve months.",
       "You agree to resolve any claim through individual arbitration rather than in court."]
OTHER_MODALS = {"may": ["will", "must"], "will": ["may", "can"], "must": ["may", "should"], "shall": ["may", "will"],
                "can": ["will", "must"], "should": ["must", "may"]}


def _sentences(text: str) -> list[re.Match[str]]:
    return list(_SENTENCE.finditer(text))


def _replace(text: str, m: re.Match[str], new: str) -> str:
    return text[: m.start()] + new + text[m.end() :]


def _negate(rng: random.Random, text: str, s: re.Match[str]) -> str | None:
    sentence = s.group()
    found = list(_NOT.finditer(sentence))
    if found and rng.random() < 0.5:
        m = rng.choice(found)
        return _replace(text, s, sentence[: m.start()] + sentence[m.end() :])
    found = list(_NEGATABLE.finditer(sentence))
    if not found:
        return None
    m = rng.choice(found)
    return _replace(text, s, sentence[: m.end()] + " not" + sentence[m.end() :])


def _modal(rng: random.Random, text: str, s: re.Match[str]) -> str | None:
    found = list(_MODAL.finditer(s.group()))
    if not found:
        return None
    m = rng.choice(found)
    other = rng.choice(OTHER_MODALS[m.group()])
    return _replace(text, s, s.group()[: m.start()] + other + s.group()[m.end() :])


def _number(rng: random.Random, text: str, s: re.Match[str]) -> str | None:
    sentence = s.group()
    durations = list(_DURATION.finditer(sentence))
    if durations:
        m = rng.choice(durations)
        unit = m.group(2).lower().rstrip("s")
        other = rng.choice([u for u in ("days", "months", "years", "weeks") if not u.startswith(unit)])
        return _replace(text, s, sentence[: m.start()] + f"{m.group(1)} {other}" + sentence[m.end() :])
    numbers = list(_NUMBER.finditer(sentence))
    if numbers:
        m = rng.choice(numbers)
        return _replace(text, s, sentence[: m.start()] + str(int(m.group()) * 3 + 7) + sentence[m.end() :])
    # No number in the sentence: a retention period appears in it.
    period = rng.choice(["for 30 days", "for up to 2 years", "for six months", "within 72 hours"])
    return _replace(text, s, sentence[:-1] + f" {period}.")


def _recipient(rng: random.Random, text: str, s: re.Match[str]) -> str | None:
    return _replace(text, s, s.group()[:-1] + f", and we share it with {rng.choice(RECIPIENTS)}.")


def _data(rng: random.Random, text: str, s: re.Match[str]) -> str | None:
    return _replace(text, s, s.group()[:-1] + f", including {rng.choice(DATA)}.")


def _law(rng: random.Random, text: str, s: re.Match[str]) -> str | None:
    return _replace(text, s, s.group() + " " + rng.choice(LAW))


SUBSTANTIVE: dict[str, tuple[str, Callable[[random.Random, str, re.Match[str]], str | None]]] = {
    "negate": ("negation", _negate),
    "modal": ("modal", _modal),
    "number": ("number", _number),
    "recipient": ("party", _recipient),
    "data": ("data", _data),
    "arbitration": ("law", _law),
}


def _quotes(rng: random.Random, text: str) -> str | None:
    """Straight quotes and apostrophes made curly (or back) in the prose sentences (not in markup)."""
    out, last = [], 0
    for s in _sentences(text):
        sentence = s.group()
        if "](" in sentence or "<" in sentence:
            continue
        if "'" in sentence or '"' in sentence:
            sentence = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", sentence).replace("'", "\u2019")
        else:
            sentence = sentence.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
        out += [text[last : s.start()], sentence]
        last = s.end()
    return "".join(out) + text[last:]


def _dashes(rng: random.Random, text: str) -> str | None:
    if " - " in text:
        return text.replace(" - ", " \u2013 ")
    if re.search(r"\w-\w", text):
        return re.sub(r"(?<=\w)-(?=\w)", "\u2011", text)
    if "\u2014" in text or "\u2013" in text:
        return text.replace("\u2014", "-").replace("\u2013", "-")
    return None


def _renumber(rng: random.Random, text: str) -> str | None:
    numbered = re.compile(r"^(#{1,6} +|\s*)(\d+)(\.|\))(?=\s|\w)", re.MULTILINE)
    if not numbered.search(text):
        return None
    return numbered.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1}{m.group(3)}", text)


def _spacing(rng: random.Random, text: str) -> str | None:
    sentences = _sentences(text)
    if not sentences:
        return None
    s = rng.choice(sentences)
    return _replace(text, s, s.group().replace(" ", "  ", 3))


def _bullets(rng: random.Random, text: str) -> str | None:
    if re.search(r"^\s*[-*] ", text, re.MULTILINE):
        return re.sub(r"^(\s*)[-*] ", lambda m: m.group(1) + "+ ", text, flags=re.MULTILINE)
    if re.search(r"^\s*\u2022", text, re.MULTILINE):
        return re.sub(r"^(\s*)\u2022", lambda m: m.group(1) + "-", text, flags=re.MULTILINE)
    return None


def _reflow(rng: random.Random, text: str) -> str | None:
    sentences = [s for s in _sentences(text) if s.group().count(" ") > 6]
    if not sentences:
        return None
    s = rng.choice(sentences)
    spaces = [m.start() for m in re.finditer(" ", s.group())]
    cut = spaces[len(spaces) // 2]
    return _replace(text, s, s.group()[:cut] + "\n" + s.group()[cut + 1 :])


COSMETIC: dict[str, Callable[[random.Random, str], str | None]] = {
    "quotes": _quotes, "dashes": _dashes, "renumbering": _renumber, "spacing": _spacing, "bullets": _bullets,
    "reflow": _reflow,
}


def _texts() -> list[tuple[str, str]]:
    return [(path.name, path.read_text(encoding="utf-8")) for path in DOCUMENTS]


def _classes(name: str, old: str, new: str) -> list[tuple[str, tuple[str, ...]]]:
    comparison = compare(parse_document(old, name=name), parse_document(new, name=name))
    return [(c.change_class, tuple(s.kind for s in c.signals)) for c in comparison.changes]


def run_substantive(seed: int = 22, per_kind: int = PER_KIND) -> dict[str, tuple[int, int, list[str]]]:
    """Per edit: (injections, found, failures described)."""
    rng = random.Random(seed)
    texts = _texts()
    out = {}
    for edit, (kind, inject) in SUBSTANTIVE.items():
        done = hit = 0
        failures = []
        attempts = 0
        while done < per_kind and attempts < per_kind * 20:
            attempts += 1
            name, text = rng.choice(texts)
            sentences = _sentences(text)
            if not sentences:
                continue
            s = rng.choice(sentences)
            new = inject(rng, text, s)
            if new is None or new == text:
                continue
            done += 1
            found = _classes(name, text, new)
            if any(cls == "substantive" and kind in kinds for cls, kinds in found):
                hit += 1
            else:
                failures.append(f"{name}: {s.group()[:80]!r} -> {found}")
        out[edit] = (done, hit, failures)
    return out


def run_cosmetic(seed: int = 22, per_kind: int = PER_KIND) -> dict[str, tuple[int, int, list[str]]]:
    """Per edit: (injections, clean: no substantive change, failures described)."""
    rng = random.Random(seed)
    texts = _texts()
    out = {}
    for edit, inject in COSMETIC.items():
        done = clean = 0
        failures = []
        order = list(range(len(texts)))
        rng.shuffle(order)
        for k in order:
            if done >= per_kind:
                break
            name, text = texts[k]
            new = inject(rng, text)
            if new is None or new == text:
                continue
            done += 1
            found = _classes(name, text, new)
            bad = [f for f in found if f[0] == "substantive"]
            if bad:
                failures.append(f"{name}: {bad[:3]}")
            else:
                clean += 1
        out[edit] = (done, clean, failures)
    return out


def _rate(results: dict[str, tuple[int, int, list[str]]]) -> float:
    done = sum(r[0] for r in results.values())
    return sum(r[1] for r in results.values()) / done


@pytest.mark.skipif(len(DOCUMENTS) < 10, reason="the corpus and the labelled outlines are part of the repository")
def test_injected_substantive_edits_are_found_with_their_signal() -> None:
    results = run_substantive()
    for edit, (done, hit, failures) in results.items():
        print(f"{edit:12} {hit}/{done}", *failures[:3], sep="\n  ")
    assert all(done >= PER_KIND // 2 for done, _, _ in results.values())
    assert _rate(results) >= 0.95


@pytest.mark.skipif(len(DOCUMENTS) < 10, reason="the corpus and the labelled outlines are part of the repository")
def test_injected_cosmetic_edits_are_never_substantive() -> None:
    results = run_cosmetic()
    for edit, (done, clean, failures) in results.items():
        print(f"{edit:12} {clean}/{done}", *failures[:3], sep="\n  ")
    assert all(done >= 4 for done, _, _ in results.values())
    assert _rate(results) >= 0.98


if __name__ == "__main__":  # the measure with every failure: python tests/core/test_changes_injected.py
    for title, results in (("substantive", run_substantive()), ("cosmetic", run_cosmetic())):
        print(f"== {title}: {_rate(results):.3f}")
        for edit, (done, ok, failures) in results.items():
            print(f"{edit:12} {ok}/{done}")
            for failure in failures:
                print("   ", failure[:400])
