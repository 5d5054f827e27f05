"""What matters in a change: each change of a comparison as ``substantive``, ``editorial`` or
``cosmetic``, with the signals that decided it.

A *change* is a run of word-level edits within one sentence (edits in the same sentence are one
change; a whole sentence inserted or deleted is a change of its own), a changed section title, or a
moved passage. It is

* ``cosmetic`` when no word changed but spacing, paragraph breaks, list bullets, punctuation,
  typography, case or numbering: the kinds the minor badges name, judged with the same comparison
  keys as the ignore options (:func:`policydiff.core.worddiff.word_keys`);
* ``substantive`` when a *signal* differs between the old and the new sentence: a number or a
  date, a modal verb (``may`` / ``will``), a negation, a party that receives data, a category of
  data, a user's right, a purpose, a legal term (arbitration, liability), or the scope (children,
  regions). A signal is read by counting lexicon terms in the whole old and new sentences, so a
  word moved within its sentence is no signal, and one added or removed is;
* ``editorial`` otherwise: wording changed, with no signal.

The lexicons are data files (``policydiff/core/lexicons/<kind>.txt``), stemmed with the Snowball
stemmer the alignment uses. :func:`classify` is computed once per comparison and cached on it
(:attr:`Comparison.changes <policydiff.core.model.Comparison.changes>`), so every view reads the
same result.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count, islice, repeat
from operator import add, itemgetter
from importlib import resources
from typing import Callable, Iterable, Literal, Sequence

from policydiff.core import change_model
from policydiff.core.model import Comparison, Document, Op, Options, stored_through_slots

ChangeClass = Literal["substantive", "editorial", "cosmetic"]
CLASSES: tuple[ChangeClass, ...] = ("substantive", "editorial", "cosmetic")

SIGNAL_KINDS = ("number", "date", "modal", "negation", "party", "data", "right", "purpose", "law", "scope")
"""Every kind of signal, in the order they are listed."""

_KIND_ORDER = {kind: n for n, kind in enumerate(SIGNAL_KINDS)}

LEXICON_KINDS = ("modal", "negation", "party", "data", "right", "purpose", "law", "scope")
"""The kinds read from a word lexicon (numbers and dates are read by their form)."""

LEXICON_FILES: dict[str, str] = {**{kind: kind for kind in LEXICON_KINDS}, "periods": "number"}
"""Word lexicon file -> the kind of signal its entries are (``periods``: durations and billing
periods said in words, ``for as long as``, ``monthly``, are numbers)."""


@stored_through_slots  # ~360 per classification of a rewrite (NEC): half the cost of the generated __init__
@dataclass(frozen=True, slots=True)
class Signal:
    """A kind of meaning that differs between the old and the new text, with the words that say so."""

    kind: str
    """One of :data:`SIGNAL_KINDS`."""
    old: str
    """The old words of that kind that the new text lacks (``may``; '' when only added)."""
    new: str
    """The new words of that kind that the old text lacks (``will``; '' when only removed)."""

    def __str__(self) -> str:
        """``modal: may → will``; an absent side is ``∅``."""
        nothing = "\u2205"
        return f"{self.kind}: {self.old or nothing} \u2192 {self.new or nothing}"


@stored_through_slots  # one per change: half the cost of the generated __init__
@dataclass(frozen=True, slots=True)
class Change:
    """One change of a comparison and how much it matters."""

    pair: int
    """Index in ``Comparison.pairs`` of the pair it is in (for a moved passage: where it went)."""
    where: Literal["body", "title", "moved"]
    """In the pair's body diff, its title diff, or a moved passage."""
    change_class: ChangeClass
    """``substantive``, ``editorial`` or ``cosmetic``."""
    signals: tuple[Signal, ...]
    """What made it substantive (empty otherwise)."""
    old: str
    """The old sentence(s) it changes ('' when a sentence was inserted)."""
    new: str
    """The new sentence(s) ('' when a sentence was deleted)."""
    ops: tuple[int, int] = (0, 0)
    """Its ops in the pair's diff (``title_diff`` or ``body_diff``): ``range(*ops)``."""
    cosmetic: str | None = None
    """For a cosmetic change, what changed (the minor badges' words: ``white space``,
    ``paragraph breaks``, ``list bullets``, ``punctuation only``, ``typography``, ``case``,
    ``numbering``)."""
    moved: int | None = None
    """For a moved passage, its index in ``Comparison.moved_passages``."""

    @property
    def tip(self) -> str:
        """The signals on one line each (``modal: may → will``), or the class."""
        return "\n".join(map(str, self.signals)) or (self.cosmetic or self.change_class)


# ------------------------------------------------------------------------------------------------
# Lexicons


@lru_cache(maxsize=1)
def _stem() -> Callable[[str], str]:
    from policydiff.core.align import _stemmer  # the one stemmer of the project

    return _stemmer()


_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_CONTRACTION = re.compile(r"\b(?:cannot|can't|won't|shan't)\b|n't\b")
_EXPANDED = {"cannot": "can not", "can't": "can not", "won't": "will not", "shan't": "shall not", "n't": " not"}


def _words(text: str) -> list[str]:
    """Lower-case words in order; ``don't`` is ``do`` + ``not``, ``cannot`` ``can`` + ``not``,
    ``data's`` is ``data``."""
    lower = text.lower()
    if "'" in lower or "\u2019" in lower or "cannot" in lower:
        lower = _CONTRACTION.sub(lambda m: _EXPANDED[m.group()], lower.replace("\u2019", "'"))
        return [w.removesuffix("'s") for w in _WORD.findall(lower)]
    return _WORD.findall(lower)


def read_lexicon(kind: str) -> list[str]:
    """The entries of ``lexicons/<kind>.txt`` as written (comments and blank lines dropped)."""
    text = resources.files("policydiff.core").joinpath("lexicons", f"{kind}.txt").read_text("utf-8")
    entries = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [entry for entry in entries if entry]


class _Stems(dict[str, str]):
    """Lower-case word -> its stem, filled on demand (a comparison reads the same words again)."""

    def __missing__(self, word: str) -> str:
        if len(self) > 200_000:
            self.clear()
        found = self[word] = _stem()(word)
        return found


_STEMS = _Stems()


_WordInfo = tuple[str, "bool | None", list[tuple[tuple[str, ...], tuple[str, ...], str]],
                  "tuple[tuple[str, ...], str] | None", "str | None"]
"""What the lexicons say of one word: its stem; whether an entry matched as written begins with
it (True), or only a longer entry may (False: when the next word's stem follows), or none
(None); the entries to try where one may begin, longest first; the kinds and key of the entry
that is the word by itself; its value as a number word."""


class _WordInfos(dict[str, "_WordInfo | None"]):
    """Lower-case word -> what the lexicons say of it (None: it begins no entry and is no number
    word), filled on demand."""

    def __missing__(self, word: str) -> _WordInfo | None:
        lex = lexicons()
        stem = _STEMS[word]
        exact = word in lex.exact_words
        options = lex.phrases.get(stem, [])
        if exact:  # the longest entry first, whichever way it is matched
            options = sorted(lex.phrases["=" + word] + options, key=lambda item: -len(item[0]))
        longer = stem in lex.longer_firsts
        one_word, number = lex.one_word.get(stem), lex.number_words.get(stem)
        found: _WordInfo | None = None
        if exact or longer or one_word is not None or number is not None:
            found = (stem, True if exact else (False if longer else None), options, one_word, number)
        if len(self) > 200_000:
            self.clear()
        self[word] = found
        return found


_WORD_INFO = _WordInfos()


def stems(phrase: str) -> tuple[str, ...]:
    """The phrase as the lexicons match it: its words, lower-cased and stemmed; a phrase written
    ``=word`` is its one word as written."""
    if phrase.startswith("="):
        return ("=" + phrase[1:].strip().lower(),)
    return tuple(map(_STEMS.__getitem__, _words(phrase)))


@dataclass(frozen=True, slots=True)
class _Lexicons:
    phrases: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], str]]]
    """First stem -> (phrase stems, its kinds, its key: the stems joined), longest phrase first."""
    number_words: dict[str, str]
    """Stem of a number word -> its value."""
    units: dict[str, tuple[str, ...]]
    """First stem of a unit -> unit phrases (stems)."""
    exact_words: frozenset[str]
    """Words that begin an entry matched as written (``=word``)."""
    month_words: frozenset[str]
    """The month names and their abbreviations, lower-case."""
    references: frozenset[str]
    """Stems of the words before a cross-reference's number (``section 3``)."""
    months: str
    """Regular-expression alternation of the month names."""
    one_word: dict[str, tuple[tuple[str, ...], str]]
    """First stem -> the kinds and key of the entry that is that one word, when there is one."""
    first_pairs: frozenset[tuple[str, str]]
    """The first two stems of each entry of two words or more: where a longer entry may begin."""
    longer_firsts: frozenset[str]
    """The first stems of those entries."""


_NUMBER_VALUES = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
    "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000", "dozen": "12",
    "twice": "2x", "half": "0.5",
}


@lru_cache(maxsize=1)
def lexicons() -> _Lexicons:
    """Every lexicon, read and stemmed once."""
    kinds_of: dict[tuple[str, ...], list[str]] = {}
    for name, kind in LEXICON_FILES.items():
        for entry in read_lexicon(name):
            key = stems(entry)
            if key and kind not in kinds_of.setdefault(key, []):
                kinds_of[key].append(kind)
    phrases: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], str]]] = {}
    for key, kinds in kinds_of.items():
        # "e-mail address" and "email address", "opt-out" and "opt out" are one key
        phrases.setdefault(key[0], []).append((key, tuple(kinds), "".join(key)))
    for options in phrases.values():
        options.sort(key=lambda item: -len(item[0]))
    number_words = {stems(w)[0]: _NUMBER_VALUES.get(w, w) for w in read_lexicon("number")}
    units: dict[str, tuple[str, ...]] = {}
    for entry in read_lexicon("units"):
        key = stems(entry)
        units.setdefault(key[0], key)
        if len(key) > len(units[key[0]]):
            units[key[0]] = key
    references = frozenset(stems(w)[0] for w in read_lexicon("references"))
    months = "|".join(sorted((re.escape(m) for m in read_lexicon("date")), key=len, reverse=True))
    return _Lexicons(phrases, number_words, units,
                     frozenset(key[1:] for key in phrases if key.startswith("=")),
                     frozenset(w.lower() for w in read_lexicon("date")), references, months,
                     {key: (o[1], o[2]) for key, options in phrases.items() for o in options if len(o[0]) == 1},
                     frozenset((o[0][0], o[0][1]) for options in phrases.values() for o in options if len(o[0]) > 1),
                     frozenset(o[0][0] for options in phrases.values() for o in options if len(o[0]) > 1))


# ------------------------------------------------------------------------------------------------
# Signals of one text

_DIGITS = r"\d+(?:[.,]\d+)*"


@lru_cache(maxsize=1)
def _date_re() -> re.Pattern[str]:
    month = rf"(?:{lexicons().months})\.?"
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    return re.compile(
        rf"\b(?:{month}\s+{day},?\s+\d{{4}}|{day}\s+(?:of\s+)?{month},?\s+\d{{4}}|{month},?\s+\d{{4}}"
        rf"|{month}\s+{day}\b|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})",
        re.IGNORECASE,
    )


_DIGIT = re.compile(r"\d")
_CURRENCY = re.compile(r"[$\u00a3\u20ac\u00a5]")
# Patterns begin with a digit, not a look-behind, so that the engine skips to digits at C speed.
_NUMERIC_DATE = re.compile(r"\d(?:\d{3}-\d{1,2}-\d{1,2}|\d?[/.]\d{1,2}[/.]\d{2,4})(?![\w])")
_NUMBER = re.compile(rf"{_DIGITS}(?:\s*%)?")
_LINE_START_LABEL = re.compile(
    r"^[ \t]*(?:\(?(?:\d+(?:\.\d+)*|[a-zA-Z]|[ivxlcdm]+)[.)]|\d+(?:\.\d+)+)(?:\s|(?=[^\W\d_])|(?=[\"'\u201c\u2018(\[]))",
    re.IGNORECASE | re.MULTILINE)
"""A list or section number where a line starts: numbering, not an amount."""
_INLINE_LABEL = re.compile(
    r"[(\d](?:(?<=\()\d{1,2}\)|(?<=\d)(?<![\w.,]\d)\d?[.)](?=\s+[a-z])|(?<=:\s\d)\d?[.)](?=\s|\Z))")
r"""A list number in brackets (``(2)``), or before a lower-case word and glued to no word or number
(``2. the``), or after a colon (``: 2.``). The pattern begins with the first character, ``(`` or
a digit, and each branch checks it behind: the engine skips in C to where one stands, instead of
trying every offset (``\(\d{1,2}\)|(?<![\w.,])\d{1,2}[.)](?=\s+[a-z])|(?<=:\s)\d{1,2}[.)](?=\s|\Z)``,
as written before, matches the same)."""
_DIGIT_CLOSED = re.compile(r"\d[.)]")
"""What every inline label holds; a pattern that begins with a digit is skipped to in C, so a text
without one is not searched for labels at every offset."""
# Possessive: a word run is never given back (what follows it is no word character), so the
# engine need not remember where it could; the same words, a fifth faster.
_WORD_SPLIT = re.compile(r"([^\W_]++(?:['\u2019][^\W_]++)*+)")
_ASCII_WORD_SPLIT = re.compile(r"([a-z0-9]++(?:'[a-z0-9]++)*+)")
"""``_WORD_SPLIT`` for a lower-case ASCII text: the same words, a third faster (no Unicode tables)."""
_APOSTROPHE = re.compile("['\u2019]")
_BASES = {"ca": "can", "wo": "will", "sha": "shall"}

Hit = tuple[int, str, str, str]
"""(offset, kind, key, shown): one signal term found in a text."""


@dataclass(frozen=True, slots=True)
class Hits:
    """Every signal term of one text, by offset: what :func:`terms_between` counts for any span."""

    offsets: list[int]
    hits: list[Hit]


_NO_HITS = Hits([], [])


def _unless_amount(m: re.Match[str], text: str, lex: _Lexicons) -> str:
    """A bracketed or inline list number blanked out, unless a unit follows (``thirty (30) days``)."""
    if _unit(lex, _words(text[m.end() : m.end() + 30])[:3]):
        return m.group()
    return " " * len(m.group())


def _blank_line_labels(text: str) -> str:
    """``_LINE_START_LABEL`` blanked out: tried where lines start only (the engine would try
    every offset, as its pattern begins with ``^``)."""
    pieces: list[str] = []
    done = 0
    at = 0
    while at >= 0:
        if at >= done:
            m = _LINE_START_LABEL.match(text, at)
            if m is not None:
                pieces += [text[done:at], " " * (m.end() - at)]
                done = m.end()
        at = text.find("\n", at)
        if at >= 0:
            at += 1
    return "".join(pieces) + text[done:] if pieces else text


def _glued(text: str, at: int) -> bool:
    """A digit run that continues a word or a number (``ISO27001``, ``.5``): not a number of its own."""
    return at > 0 and (text[at - 1].isalnum() or text[at - 1] in "_.,")


def _dates(text: str, lower: str, words: list[str], lex: _Lexicons) -> list[re.Match[str]]:
    """The dates of a text, in order. The full pattern is tried only near a month name (found
    with plain string search, far cheaper than the pattern at every offset) and numeric forms."""
    found: dict[int, re.Match[str]] = {
        m.start(): m for m in _NUMERIC_DATE.finditer(text) if not _glued(text, m.start())
    }
    pattern = _date_re()
    for month in lex.month_words.intersection(words):
        at = lower.find(month)
        while at >= 0:
            window_start, window_end = max(0, at - 16), min(len(text), at + len(month) + 24)
            # Every form of a date with a month name holds a day or a year in digits: a window
            # without a digit (the modal "may" in a sentence) is not searched with the pattern.
            if _DIGIT.search(text, window_start, window_end) is not None:
                m = pattern.search(text, window_start, window_end)
                if m is not None and m.start() <= at < m.end():
                    found.setdefault(m.start(), m)
            at = lower.find(month, at + len(month))
    out: list[re.Match[str]] = []
    for start in sorted(found):  # keep the first of overlapping matches
        if not out or start >= out[-1].end():
            out.append(found[start])
    return out


_GAP_ONLY = "\u2022\u25cf\u25aa\u25e6\u00b7\u201c\u201d\u2018\u2013\u2014\u2026\u00a0\u00a9\u00ae"
"""Characters outside ASCII that are never part of a word (list bullets, double and opening
quotes, dashes, the ellipsis, no-break space, the copyright and registered signs); the closing
single quote is not among them, as it joins a word (``don\u2019t``)."""


def _ascii_but_gaps(text: str) -> bool:
    """Whether every character of ``text`` past ASCII is one of ``_GAP_ONLY`` (bullets, curly
    double quotes, dashes: most pages of a policy)."""
    if text.isascii():
        return True
    rest = text
    for gap in _GAP_ONLY:
        if gap in rest:
            rest = rest.replace(gap, "")
    return rest.isascii()


def _word_parts(lower: str, plain: bool | None = None) -> list[str]:
    """A lower-case text split into gap, word, gap, ..., gap (words joined by apostrophes).
    ``plain``: ``_ascii_but_gaps(lower)``, when already known."""
    # Such a text has the same words with the ASCII pattern, which is faster.
    plain = _ascii_but_gaps(lower) if plain is None else plain
    return (_ASCII_WORD_SPLIT if plain else _WORD_SPLIT).split(lower)


_PLAIN_GAPS = bytes(code if code >= 128 or re.fullmatch("[a-z0-9']", chr(code)) else ord(" ") for code in range(256))
"""For ``bytes.translate``: every ASCII character that is no part of a lower-case word,
apostrophes aside, made a space (one character for one). A bytes table is read in C per byte; a
dict given to ``str.translate`` is looked up once per distinct character per call, raising a
``KeyError`` for each it keeps."""
_LONE_APOSTROPHE = re.compile(r"'(?:(?<![a-z0-9]')|(?![a-z0-9]))")
"""An apostrophe that does not join two words (``'quoted'``): a gap."""


def _words_and_offsets(lower: str, plain: bool) -> tuple[list[str], list[int]]:
    """The words of ``_word_parts(lower, plain)`` and where each begins. A plain text's gaps are
    made spaces (one for one, so offsets stay) and it is split at each space in C, several times
    faster than the pattern; the empty pieces between spaces are gaps."""
    if not plain:
        parts = _word_parts(lower, plain)
        return parts[1::2], list(islice(accumulate(map(len, parts)), 0, len(parts) - 1, 2))
    if not lower.isascii():  # translation is fast on ASCII only: the other gaps are made spaces first
        for gap in _GAP_ONLY:
            if gap in lower:
                lower = lower.replace(gap, " ")
    if "'" in lower:
        lower = _LONE_APOSTROPHE.sub(" ", lower)
    pieces = lower.encode("ascii").translate(_PLAIN_GAPS).decode("ascii").split(" ")
    # A piece begins after the pieces before it and one space each; the words are the pieces
    # that are not empty.
    starts = accumulate(map(add, map(len, pieces), repeat(1)), initial=0)
    return list(filter(None, pieces)), list(compress(starts, pieces))


def _has_digit(text: str, plain: bool | None = None) -> bool:
    """Whether ``text`` holds a digit (``\\d``): ten plain searches for an ASCII text (bullets,
    quotes and dashes aside), not a pattern tried at every offset. ``plain``: whether the text, or
    its lower case, is ASCII but for those (no digit past ASCII has a case, so either tells)."""
    plain = _ascii_but_gaps(text) if plain is None else plain
    if plain:
        return any(map(text.__contains__, "0123456789"))
    return _DIGIT.search(text) is not None


def _with_apostrophe(lower: str, words: list[str], offsets: list[int]) -> list[int]:
    """Indices of the words (as they now stand) with an apostrophe inside, in order: found from the
    few apostrophes of the text, not by searching every word."""
    found: dict[int, None] = {}
    for m in _APOSTROPHE.finditer(lower):
        k = bisect.bisect_right(offsets, m.start()) - 1
        if k >= 0 and m.start() < offsets[k] + len(words[k]):
            found[k] = None
    return list(found)


def text_hits(text: str) -> Hits:
    """The signal terms of a whole text (a diff's side), each with its offset."""
    lex = lexicons()
    hits: list[Hit] = []
    lower = text.lower()
    # The words and their offsets come from one split, summed in C: far cheaper than a match
    # object per word.
    plain = _ascii_but_gaps(lower)
    words, offsets = _words_and_offsets(lower, plain)
    if _has_digit(text, plain):
        # Dates first; their words are read no further (the month "May" is no modal verb).
        pieces = []
        last = 0
        for m in _dates(text, lower, words, lex):
            key = " ".join(m.group().lower().replace(",", " ").replace(".", " ").split())
            hits.append((m.start(), "date", key, m.group()))
            pieces += [text[last : m.start()], " " * (m.end() - m.start())]
            last = m.end()
            for k in range(bisect.bisect_left(offsets, m.start()), bisect.bisect_left(offsets, m.end())):
                words[k] = ""
        masked = "".join(pieces) + text[last:]
        # A list number where a line starts, or one in brackets or before a lower-case word
        # anywhere (a list run into a paragraph), is numbering.
        masked = _blank_line_labels(masked)
        if _DIGIT_CLOSED.search(masked) is not None:
            masked = _INLINE_LABEL.sub(lambda m: _unless_amount(m, masked, lex), masked)
        for m in _NUMBER.finditer(masked):
            if _glued(masked, m.start()):
                continue
            before = _last_word(masked, max(0, m.start() - 40), m.start())
            if before and _STEMS[before.lower()] in lex.references:
                continue  # a cross-reference: renumbered with the document
            value = m.group().replace(",", "").replace(" ", "")
            unit = _unit(lex, _words(masked[m.end() : m.end() + 40])[:3])
            if not unit and "." in value and "%" not in value and not _CURRENCY.search(masked, max(0, m.start() - 2), m.start()):
                continue  # "3.2", "9.0": a section or a version, not an amount
            hits.append((m.start(), "number", value + (" " + " ".join(unit) if unit else ""),
                         m.group() + _shown_unit(masked, m.end(), unit)))
    apostrophes = "'" in lower or "\u2019" in lower
    for k in _with_apostrophe(lower, words, offsets) if apostrophes else ():
        # don't -> do + not; can't -> can + not; data's -> data
        word = words[k].replace("\u2019", "'")
        if word.endswith("n't"):
            words[k] = _BASES.get(word[:-3], word[:-3])
            hits.append((offsets[k], "negation", "not", "not"))
        elif word.endswith("'s"):
            words[k] = word[:-2]
    if "cannot" in lower and "cannot" in words:  # a search in C before a word by word one
        for k in compress(range(len(words)), map("cannot".__eq__, words)):
            words[k] = "can"
            hits.append((offsets[k], "negation", "not", "not"))
    # Only the words that may be a term are looked at, found in C by one look-up per word (of
    # what is known of each distinct word, worked out once): the rest of the loop is per term.
    # At each, in order: a number word before a unit ("thirty days", not "one of"); where a
    # longer entry may begin (its first two stems stand there) or a word is matched as written,
    # the longest entry that matches there, whose words are taken by none after it; else the
    # entry that is the word by itself.
    infos = list(map(_WORD_INFO.__getitem__, words))
    last = len(words) - 1
    first_pairs = lex.first_pairs
    stem_of = _STEMS.__getitem__  # names looked up once, not at every term
    add_hit = hits.append
    free = 0  # the first word not taken by an earlier match
    for i in compress(count(), infos):
        stem, may_begin, options, one_word, number = infos[i]  # type: ignore[misc]  # compress kept the words with one
        if number is not None:
            unit = _unit(lex, words[i + 1 : i + 4])
            if unit:
                add_hit((offsets[i], "number", number + " " + " ".join(unit),
                         " ".join(words[i : i + 1 + len(unit)])))
        if may_begin is not None and (may_begin or (i < last and (stem, stem_of(words[i + 1])) in first_pairs)):
            if i < free:
                continue
            for phrase, kinds, joined in options:
                size = len(phrase)
                # Every option begins with this word (its stem, or its "=word" as written), so a
                # one-word option matches; a longer phrase is stems only.
                if size == 1 or tuple(map(stem_of, words[i : i + size])) == phrase:
                    shown = words[i] if size == 1 else " ".join(words[i : i + size])
                    hits.extend([(offsets[i], kind, joined, shown) for kind in kinds])
                    free = i + size
                    break
        elif one_word is not None and i >= free:
            kinds, joined = one_word
            for kind in kinds:
                add_hit((offsets[i], kind, joined, words[i]))
    if not hits:
        return _NO_HITS
    hits.sort(key=itemgetter(0))  # stable: hits at one offset keep the order they were found in
    return Hits(list(map(itemgetter(0), hits)), hits)


@dataclass(slots=True)
class _Features:
    terms: dict[str, dict[str, int]]
    """Kind -> term keys (stems, or number / date values) with their counts."""
    surface: dict[tuple[str, str], str]
    """(Kind, term key) -> the words as first written."""


_NO_TERMS = _Features({}, {})
"""The terms of an empty side (read only)."""


def terms_between(found: Hits, start: int, end: int) -> _Features:
    """The signal terms of ``found`` that begin in ``[start, end)``, by kind."""
    terms: dict[str, dict[str, int]] = {}
    surface: dict[tuple[str, str], str] = {}
    if start < end:
        offsets = found.offsets
        for _, kind, key, shown in found.hits[bisect.bisect_left(offsets, start) : bisect.bisect_left(offsets, end)]:
            counter = terms.get(kind)
            if counter is None:
                counter = terms[kind] = {}
            counter[key] = counter.get(key, 0) + 1
            name = (kind, key)
            if name not in surface:
                surface[name] = _as_shown(shown)
    return _Features(terms, surface)


def features(text: str) -> _Features:
    """The signal terms of one text, by kind."""
    return terms_between(text_hits(text), 0, len(text))


_LAST_WORD_REVERSED = re.compile(r"[^\w]*+([^\W\d_]++)")
r"""``([^\W\d_]+)[^\w]*\Z`` read backwards: the letters that end a text, but for characters that are
no part of a word after them."""


def _last_word(text: str, start: int, end: int) -> str | None:
    """The last word of ``text[start:end]`` when only characters that are no part of a word follow
    it (``section ``: ``section``), else None. Matched at the start of the reversed text: searching
    forwards tries every offset, each running through the rest of its word (quadratic in a word)."""
    if end <= start:
        return None
    found = _LAST_WORD_REVERSED.match(text[end - 1 : start - 1 if start else None : -1])
    return found.group(1)[::-1] if found else None


def _unit(lex: _Lexicons, following: list[str]) -> tuple[str, ...]:
    """The unit that the words after a number begin with (stems), or ()."""
    if not following:
        return ()
    first = _STEMS[following[0]]
    unit = lex.units.get(first)
    if unit is None:
        return ()
    if tuple(map(_STEMS.__getitem__, following[: len(unit)])) == unit:
        return unit
    return (first,)


@lru_cache(maxsize=8)
def _unit_words(size: int) -> re.Pattern[str]:
    """``size`` words after a number, past white space and closing brackets."""
    return re.compile(r"[\s)\]]*(" + r"\W+".join(r"[^\W_]+" for _ in range(size)) + ")")


def _shown_unit(text: str, at: int, unit: tuple[str, ...]) -> str:
    if not unit:
        return ""
    m = _unit_words(len(unit)).match(text, at)  # matched in place: no copy of the rest of the text
    return " " + m.group(1) if m else ""


def signals(old: str, new: str) -> tuple[Signal, ...]:
    """The signals that differ between an old and a new text (either may be empty)."""
    return signals_between(features(old), features(new))


def signals_between(a: _Features, b: _Features) -> tuple[Signal, ...]:
    """The signals that differ between the terms of an old and of a new text (when one of them is
    empty, every kind counts either way: the fitted model weighs it)."""
    # A sentence inserted or deleted whole differs in every term it has: a modal verb too (nearly
    # every sentence has one, so the fitted model, not this, weighs a modal alone).
    out = []
    if not (a.terms and b.terms):
        # One side has no term (a sentence inserted or deleted whole, most changes of a rewrite):
        # each kind of the other side is lost or gained whole, each term once, in its order.
        only, lost_all = (a, True) if a.terms else (b, False)
        for kind in sorted(only.terms, key=_KIND_ORDER.__getitem__):
            shown = ", ".join([only.surface[kind, key] for key in only.terms[kind]])
            out.append(_one_sided(kind, shown, lost_all))
        return tuple(out)
    empty: dict[str, int] = {}
    for kind in SIGNAL_KINDS:
        if kind not in a.terms and kind not in b.terms:
            continue
        old_terms, new_terms = a.terms.get(kind, empty), b.terms.get(kind, empty)
        if old_terms == new_terms:
            continue  # the same terms as often as before: nothing lost or gained
        if kind in ("number", "date"):  # a value said twice is still one value
            # Listed in the order the text says them, so the same two files always give the same
            # output (a set difference would follow the strings' hashes, which change per run).
            lost = {key: 1 for key in old_terms if key not in new_terms}
            gained = {key: 1 for key in new_terms if key not in old_terms}
        else:  # what one side says more often than the other, in the order that side says it
            lost = {key: n - new_terms.get(key, 0) for key, n in old_terms.items() if n > new_terms.get(key, 0)}
            gained = {key: n - old_terms.get(key, 0) for key, n in new_terms.items() if n > old_terms.get(key, 0)}
        if lost or gained:
            out.append(Signal(kind, _shown(lost, a, kind), _shown(gained, b, kind)))
    return tuple(out)


def _as_shown(written: str) -> str:
    """A term as a signal shows it: its white space evened out (a word of letters and digits, most
    terms, has none)."""
    return written if written.isalnum() else " ".join(written.split())


def _one_sided(kind: str, shown: str, lost_all: bool) -> Signal:
    """A signal of a kind the old side has and the new lacks (``lost_all``), or the reverse."""
    return Signal(kind, shown, "") if lost_all else Signal(kind, "", shown)


def whole_sentence_signals(found: Hits, start: int, end: int, lost_all: bool) -> tuple[Signal, ...]:
    """``signals_between`` of a sentence inserted (``lost_all`` False) or deleted whole, whose terms
    are those of ``found`` in ``[start, end)``, and of nothing: each kind once, its terms each
    once as first written, in the order the sentence says them; without counting the terms."""
    offsets = found.offsets
    by_kind: dict[str, dict[str, str]] = {}
    for _, kind, key, shown in found.hits[bisect.bisect_left(offsets, start) : bisect.bisect_left(offsets, end)]:
        keys = by_kind.get(kind)
        if keys is None:
            keys = by_kind[kind] = {}
        if key not in keys:
            keys[key] = _as_shown(shown)
    out = []
    for kind in sorted(by_kind, key=_KIND_ORDER.__getitem__):
        shown = ", ".join(by_kind[kind].values())
        out.append(_one_sided(kind, shown, lost_all))
    return tuple(out)


def _shown(keys: dict[str, int], found: _Features, kind: str) -> str:
    return ", ".join(found.surface[kind, key] for key in keys)


@lru_cache(maxsize=1)
def _period_keys() -> frozenset[tuple[str, ...]]:
    """The entries of ``periods.txt`` as the lexicons match them."""
    return frozenset(stems(entry) for entry in read_lexicon("periods"))


_CLAUSE_END = re.compile(r"[,;:.!?()\[\]\n\u2013\u2014]")
_TRAILING_FUNCTION_WORDS = frozenset(
    ("a", "an", "the", "to", "of", "and", "or", "for", "with", "in", "on", "by", "as", "that", "which", "your", "our",
     "during", "from", "at", "is", "are"))
_CLAUSE_VERBS = frozenset(("may", "will", "must", "shall", "can", "should", "could", "would", "might"))
"""A period phrase that reaches its clause's verb has ended (``the retention period`` may depend...)."""
PERIOD_PHRASE_WORDS = 12
"""Most words a period phrase shows (``retain your data for as long as your account is open``)."""


def _period_phrase(sentence: str, term: str) -> tuple[int, str] | None:
    """Where a period word stands in its sentence and the phrase it begins: the word and what
    follows it up to the clause's end, at most ``PERIOD_PHRASE_WORDS`` words, no dangling ``the``."""
    pattern = r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, term.split())) + r"(?![^\W_])"
    found = re.search(pattern, sentence, re.IGNORECASE)
    if found is None:
        return None
    rest = sentence[found.end() :]
    stop = _CLAUSE_END.search(rest)
    words = (rest[: stop.start()] if stop else rest).split()[: max(0, PERIOD_PHRASE_WORDS - len(term.split()))]
    verb = next((k for k, word in enumerate(words) if word.lower() in _CLAUSE_VERBS), None)
    if verb is not None:
        words = words[:verb]
    while words and words[-1].lower() in _TRAILING_FUNCTION_WORDS:
        words.pop()
    return found.start(), " ".join([" ".join(found.group().split()), *words]).strip("*_`")


def with_period_phrases(found: tuple[Signal, ...], old: str, new: str) -> tuple[Signal, ...]:
    """The signals as shown: a ``number`` term that is a period said in words (``retain``, ``for as
    long as``: ``periods.txt``) reads as its phrase in the sentence (``retain your data for as long
    as your account is open``), not as a bare word under ``number``; a phrase already shown by an
    earlier one of the same sentence is dropped. Only the shown words change, never the decision."""
    if not any(s.kind == "number" for s in found):
        return found
    keys = _period_keys()

    def phrases(terms: str, sentence: str) -> str:
        out: list[str] = []
        covered: list[tuple[int, int]] = []
        for term in terms.split(", ") if terms else ():
            if not term or stems(term) not in keys:
                out.append(term)
                continue
            located = _period_phrase(sentence, term)
            if located is None:
                out.append(term)
                continue
            at, phrase = located
            if any(start <= at < end for start, end in covered):
                continue  # inside a phrase already shown ("retain your data for as long as ...")
            covered.append((at, at + len(phrase)))
            out.append(phrase)
        return ", ".join(out)

    return tuple(Signal(s.kind, phrases(s.old, old), phrases(s.new, new)) if s.kind == "number" else s for s in found)


# ------------------------------------------------------------------------------------------------
# Cosmetic changes: the minor kinds, judged with the ignore options' comparison keys

_BULLETS = re.compile(r"[-*+\u2022\u25aa\u25cf\u25e6\u2023\u2043\u00b7\u2013\u2014\s]*")
_HAS_WORD = re.compile(r"[^\W_]")
_ALNUM = re.compile(r"[\W_]+")
_COSMETIC_OPTIONS = (
    ("case", Options(ignore_case=True)),
    ("typography", Options(ignore_typography=True)),
    ("numbering", Options(ignore_numbering=True)),
)


def cosmetic_kind(old: str, new: str, deleted: str, inserted: str) -> str | None:
    """What a change that leaves the words alone changed (``white space``, ``numbering``...), or
    None when words changed. ``old``/``new`` are the sentences, ``deleted``/``inserted`` the edits."""
    edits = deleted + inserted
    if not edits.strip():
        return "paragraph breaks" if "\n" in edits else "white space"
    if _BULLETS.fullmatch(deleted) and _BULLETS.fullmatch(inserted):
        return "list bullets"
    if not (old and new):
        return None  # a sentence inserted or deleted whole, with words
    from policydiff.core.worddiff import word_keys
    a, b = _letters_and_digits(old), _letters_and_digits(new)
    if a != b and a.casefold() != b.casefold():
        # Other letters or digits: only a list number where a line starts can be all it is.
        if not (_line_label(old) or _line_label(new)):
            return None
        numbering = Options(ignore_numbering=True)
        return "numbering" if word_keys(old, numbering) == word_keys(new, numbering) else None
    plain = Options()
    if word_keys(old, plain) == word_keys(new, plain):
        if word_keys(old, Options(ignore_typography=True, ignore_whitespace=True)) == word_keys(
            new, Options(ignore_typography=True, ignore_whitespace=True)
        ) and not _HAS_WORD.search(edits) and _typographic(old, new):
            return "typography"
        return "punctuation only"
    for name, options in _COSMETIC_OPTIONS:
        if word_keys(old, options) == word_keys(new, options):
            return name
    everything = Options(ignore_case=True, ignore_typography=True, ignore_numbering=True, ignore_whitespace=True)
    if word_keys(old, everything) == word_keys(new, everything):
        return "typography"
    return None


def _line_label(text: str) -> bool:
    """A list number where a line of ``text`` starts (``worddiff._LINE_LABEL``). Lines start at the
    text's start or after a line break: a text with no line break is tried at its start only, not
    at every offset."""
    from policydiff.core.worddiff import _LINE_BREAKS, _LINE_LABEL

    if any(map(text.__contains__, _LINE_BREAKS)):
        return _LINE_LABEL.search(text) is not None
    return _LINE_LABEL.match(text) is not None


_ASCII_GAPS = bytes(code for code in range(128) if _ALNUM.match(chr(code)))
"""The ASCII characters ``_ALNUM`` drops, for ``bytes.translate`` (read in C per byte; a dict
given to ``str.translate`` is looked up once per distinct character per call)."""


def _letters_and_digits(text: str) -> str:
    """``_ALNUM.sub("", text)``. An ASCII text (once bullets, curly double quotes and dashes, all
    dropped anyway, are taken out) loses its gaps by translation, many times faster than the
    pattern; any other text is left to the pattern (translation is slower past ASCII)."""
    rest = text
    if not rest.isascii():
        for gap in _GAP_ONLY:
            if gap in rest:
                rest = rest.replace(gap, "")
        if not rest.isascii():
            return _ALNUM.sub("", text)
    return rest.encode("ascii").translate(None, _ASCII_GAPS).decode("ascii")


def _typographic(old: str, new: str) -> bool:
    """The texts are the same once quotes, dashes and spaces are made plain."""
    from policydiff.core.worddiff import _TYPOGRAPHY

    return " ".join(old.translate(_TYPOGRAPHY).split()) == " ".join(new.translate(_TYPOGRAPHY).split())


# ------------------------------------------------------------------------------------------------
# Sentences

_STOP = re.compile(r"[.!?;][\"'\u201d\u2019)\]]*+(\s++)(?=[\"'\u201c\u2018(\[]?[^\W_a-z])")
"""A stop, its closing quotes or brackets (which belong to the sentence it ends), then the white
space that separates it from a next sentence, which begins with no lower-case letter."""
_LINE_BREAK = re.compile(r"\n\s*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence: white space around it excluded; lines always end one.

    A sentence ends where a run of white space holds a line break, or follows a stop (``.``,
    ``!``, ``?``, ``;`` and any closing quotes) before a word that is not lower-case. Both are
    found by patterns that begin with a plain character, which the engine skips to in C; a pattern
    that may begin anywhere in white space is tried at every offset, several times slower."""
    # Where a sentence ends -> where the next may begin. A run's white space before its line break
    # is left to the sentence, which is stripped; a stop's run that holds a line break is then
    # found twice, and the second, empty, is skipped.
    if "\n" not in text and not any(map(text.__contains__, ".!?;")):  # one line, no stop: one sentence
        kept = text.strip()
        lead = len(text) - len(text.lstrip())
        return [(lead, lead + len(kept))] if kept else []
    breaks = {m.start(): m.end() for m in _LINE_BREAK.finditer(text)}
    for m in _STOP.finditer(text):
        breaks.setdefault(m.start(1), m.end(1))
    spans: list[tuple[int, int]] = []
    # Every break ends where white space does (both patterns take the whole run), so only the
    # first piece may begin with white space: the others are stripped on the right only, one
    # copy each instead of three.
    start = len(text) - len(text.lstrip())
    for end in (*sorted(breaks), len(text)):  # no break begins at the end: each holds a character
        if end > start:
            length = len(text[start:end].rstrip())
            if length:
                spans.append((start, start + length))
        start = breaks.get(end, end)
    return spans


def _covering(spans: list[tuple[int, int]], starts: list[int], a: int, b: int) -> tuple[int, int]:
    """Indices ``[first, last)`` of the sentences the edit ``[a, b)`` touches; an insertion point
    (``a == b``) touches the sentence it falls strictly inside, else none."""
    if a == b:
        k = bisect.bisect_right(starts, a) - 1
        if k >= 0 and spans[k][0] < a < spans[k][1]:
            return k, k + 1
        return k + 1, k + 1
    first = bisect.bisect_right(starts, a) - 1
    if first < 0 or spans[first][1] <= a:
        first += 1
    last = bisect.bisect_left(starts, b)
    return first, max(first, last)


def _whole(spans: list[tuple[int, int]], found: tuple[int, int], a: int, b: int) -> bool:
    """Every sentence in ``found`` lies inside the edit ``[a, b)``: the sentences are in order and
    do not overlap, so the first and the last tell."""
    first, end = found
    return first >= end or (a <= spans[first][0] and spans[end - 1][1] <= b)


def _adjacent(spans: list[tuple[int, int]], starts: list[int], a: int) -> tuple[int, int]:
    """The sentence that ``a`` ends or begins (or falls inside), else none."""
    k = bisect.bisect_right(starts, a) - 1
    if k >= 0 and spans[k][0] <= a <= spans[k][1]:
        return k, k + 1
    if k + 1 < len(spans) and spans[k + 1][0] == a:
        return k + 1, k + 2
    return max(k + 1, 0), max(k + 1, 0)


# ------------------------------------------------------------------------------------------------
# Changes of one diff


@dataclass(slots=True)
class _Run:
    first_op: int
    end_op: int
    a: int
    a_end: int
    b: int
    b_end: int
    old_sents: tuple[int, int]
    new_sents: tuple[int, int]


def _runs(ops: Sequence[Op]) -> list[tuple[int, int, int, int, int, int]]:
    """Consecutive ``-``/``+`` ops: (first op, end op, old start, old end, new start, new end)."""
    out: list[tuple[int, int, int, int, int, int]] = []
    a = b = 0
    for i, op in enumerate(ops):
        if op.kind in "-+":
            if out and out[-1][1] == i:
                f, _, a0, a1, b0, b1 = out[-1]
                out[-1] = (f, i + 1, a0, a1 + len(op.old), b0, b1 + len(op.new))
            else:
                out.append((i, i + 1, a, a + len(op.old), b, b + len(op.new)))
        a += len(op.old)
        b += len(op.new)
    return out


def diff_changes(
    ops: Sequence[Op],
    pair: int,
    where: Literal["body", "title", "moved"] = "body",
    *,
    skip_old: Sequence[tuple[int, int]] = (),
    skip_new: Sequence[tuple[int, int]] = (),
) -> list[Change]:
    """The changes of one word diff, each classified. Sentences wholly inside a ``skip_old``
    (``skip_new``) span of the old (new) text and only deleted (inserted) are left out: they are
    moved passages, counted once as such."""
    raw = _runs(ops)
    if not raw:
        return []
    old_text = "".join([op.old for op in ops])
    new_text = "".join([op.new for op in ops])
    old_spans, new_spans = sentence_spans(old_text), sentence_spans(new_text)
    old_starts, new_starts = [s for s, _ in old_spans], [s for s, _ in new_spans]
    merged: list[_Run] = []
    for first, end, a0, a1, b0, b1 in raw:
        olds = _covering(old_spans, old_starts, a0, a1)
        news = _covering(new_spans, new_starts, b0, b1)
        # One side touches no sentence: right when the other side's sentences are all edit (a
        # sentence inserted whole); else the edit is at a sentence's edge ("data" -> "data with
        # advertisers" at a line end), and that sentence is its other side.
        if olds[0] == olds[1] and news[0] < news[1] and not _whole(new_spans, news, b0, b1):
            olds = _adjacent(old_spans, old_starts, a0)
        elif news[0] == news[1] and olds[0] < olds[1] and not _whole(old_spans, olds, a0, a1):
            news = _adjacent(new_spans, new_starts, b0)
        if merged:
            last = merged[-1]
            if (olds[0] < last.old_sents[1] and olds[0] < olds[1]) or (
                news[0] < last.new_sents[1] and news[0] < news[1]
            ):
                last.end_op, last.a_end, last.b_end = end, a1, b1
                last.old_sents = (min(last.old_sents[0], olds[0]), max(last.old_sents[1], olds[1]))
                last.new_sents = (min(last.new_sents[0], news[0]), max(last.new_sents[1], news[1]))
                continue
        merged.append(_Run(first, end, a0, a1, b0, b1, olds, news))
    out: list[Change] = []
    sides: dict[bool, Hits] = {}
    lead_ins: dict[str, _Features] = {}  # a list's lead-in line -> its terms (one list, many items)
    read = {True: 0, False: 0}  # characters read sentence by sentence, per side
    # A side whose changed sentences are more than an eighth of it (a rewrite) is read whole from
    # the first sentence asked for: read sentence by sentence first, its first eighth was read
    # twice, once alone and once in the whole. (Read when first asked for: a side whose changes
    # are all cosmetic is not read.)
    whole = {side: sum(spans[k][1] - spans[k][0] for run in merged
                       for k in range(*(run.old_sents if side else run.new_sents))) > len(text) // 8
             for side, spans, text in ((True, old_spans, old_text), (False, new_spans, new_text))}

    def hits_of(old_side: bool, span: tuple[int, int]) -> tuple[Hits, int, int]:
        """The signal terms found where one side's span lies, and the span in them: read from
        the side's whole text when most of it is needed (a rewrite), else from the sentence alone
        (a small edit in a long section)."""
        start, end = span
        text = old_text if old_side else new_text
        found = sides.get(old_side)
        if found is None and not whole[old_side] and read[old_side] + end - start <= len(text) // 8:
            read[old_side] += end - start
            return text_hits(text[start:end]), 0, end - start
        if found is None:
            found = sides[old_side] = text_hits(text)
        return found, start, end

    def terms(old_side: bool, span: tuple[int, int]) -> _Features:
        if span[1] <= span[0]:
            return _NO_TERMS
        return terms_between(*hits_of(old_side, span))

    def classified(old: tuple[int, int], new: tuple[int, int], deleted: str, inserted: str,
                   ops: tuple[int, int]) -> Change:
        old_sentence, new_sentence = old_text[old[0] : old[1]], new_text[new[0] : new[1]]
        cosmetic = cosmetic_kind(old_sentence, new_sentence, deleted, inserted)
        if cosmetic is not None:
            return Change(pair, where, "cosmetic", (), old_sentence, new_sentence, ops, cosmetic)
        if (old[1] <= old[0]) != (new[1] <= new[0]):
            # A sentence inserted or deleted whole (most changes of a rewrite): its signals are its
            # terms, read straight from the side's terms; the terms by kind are needed only when
            # there is none (for the context rule), and then they are empty.
            lost_all = old[1] > old[0]
            found = whole_sentence_signals(*hits_of(lost_all, old if lost_all else new), lost_all)
            a = b = _NO_TERMS
        else:
            a, b = terms(True, old), terms(False, new)
            # No signal term on either side: no signal to weigh (its context may still give one).
            found = signals_between(a, b) if a.terms or b.terms else ()
        if not found and where != "title":
            # No term of its own: its context may give it one.
            shown = context_signals(old_text, new_text, old, new, a, b, deleted, inserted, lead_ins)
            if shown and change_model.in_context(old_sentence, new_sentence, where):
                return Change(pair, where, "substantive", shown, old_sentence, new_sentence, ops)
            return Change(pair, where, "editorial", (), old_sentence, new_sentence, ops)
        if not change_model.substantive(found, old_sentence, new_sentence, where):
            return Change(pair, where, "editorial", (), old_sentence, new_sentence, ops)
        shown = with_period_phrases(found, old_sentence, new_sentence)
        return Change(pair, where, "substantive", shown, old_sentence, new_sentence, ops)

    for run in merged:
        deleted = "".join([op.old for op in ops[run.first_op : run.end_op]])
        inserted = "".join([op.new for op in ops[run.first_op : run.end_op]])
        o0, o1 = run.old_sents
        n0, n1 = run.new_sents
        rewritten = (
            max(o1 - o0, n1 - n0) > 1
            and _whole(old_spans, run.old_sents, run.a, run.a_end)
            and _whole(new_spans, run.new_sents, run.b, run.b_end)
        )
        if (o0 == o1) != (n0 == n1) or rewritten:
            # Whole sentences inserted or deleted (a passage rewritten whole is both): one change
            # each, moved ones left out.
            for s, e in old_spans[o0:o1]:
                if not (skip_old and any(k0 <= s and e <= k1 for k0, k1 in skip_old)):
                    out.append(classified((s, e), (0, 0), old_text[s:e], "", (run.first_op, run.end_op)))
            for s, e in new_spans[n0:n1]:
                if not (skip_new and any(k0 <= s and e <= k1 for k0, k1 in skip_new)):
                    out.append(classified((0, 0), (s, e), "", new_text[s:e], (run.first_op, run.end_op)))
            continue
        old = (old_spans[o0][0], old_spans[o1 - 1][1]) if o1 > o0 else (0, 0)
        new = (new_spans[n0][0], new_spans[n1 - 1][1]) if n1 > n0 else (0, 0)
        out.append(classified(old, new, deleted, inserted, (run.first_op, run.end_op)))
    return out


_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+\u2022\u25aa\u25cf\u25e6]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})\\?[.)])[ \t]+")
"""A list item's marker where its line starts (``* ``, ``1. ``, ``(a) ``, ``a. ``)."""
LEAD_IN_LINES = 40
"""Most lines looked back over for a list item's lead-in (the items of one list come before it)."""
_DUTY_KINDS = ("modal", "negation")
_LEAD_KINDS = ("modal", "negation", "party", "data", "right", "purpose", "law", "scope")
"""Kinds a list's lead-in passes to its items (``Do not:``, ``We may share it with:``,
``We collect:``): a number or date in the lead-in says nothing of the items."""


def _lead_in(text: str, start: int) -> str:
    """The sentence that introduces the list item beginning at ``start`` (its first sentence only):
    the last sentence of the nearest line before it that is less indented, or no list item; ''
    when there is none."""
    line_start = text.rfind("\n", 0, start) + 1
    marker = _LIST_ITEM.match(text, line_start)
    if marker is None:
        return ""
    indent = len(marker.group()) - len(marker.group().lstrip())
    if start not in (marker.end(), line_start + indent):  # the item's first sentence, marker or not
        return ""
    end = line_start - 1
    for _ in range(LEAD_IN_LINES):
        if end < 0:
            return ""
        begin = text.rfind("\n", 0, end) + 1
        line = text[begin:end]
        end = begin - 1
        stripped = line.lstrip()
        if not stripped:
            continue
        depth = len(line) - len(stripped)
        item = _LIST_ITEM.match(line)
        if depth < indent or (item is None and depth <= indent):
            # Its last sentence: the one that leads into the list ("NEC does not sell it. We
            # share it with the following recipients:" introduces recipients, not what is not sold).
            spans = sentence_spans(line)
            return line[spans[-1][0] : spans[-1][1]] if spans else ""
    return ""


def _lead_in_terms(text: str, start: int, cache: dict[str, _Features]) -> tuple[str, _Features]:
    line = _lead_in(text, start)
    if not line:
        return "", _NO_TERMS
    found = cache.get(line)
    if found is None:
        found = cache[line] = features(line)
    return line, found


def context_signals(old_text: str, new_text: str, old: tuple[int, int], new: tuple[int, int],
                    a: _Features, b: _Features, deleted: str, inserted: str,
                    cache: dict[str, _Features]) -> tuple[Signal, ...]:
    """The signals a change with no signal term of its own takes from its context, or ().

    Two shapes change what a text binds without a term of a lexicon in the sentence: a list item
    inserted or deleted whole under a lead-in that states a duty, a permission, a recipient or a
    kind of data (``Do not:``, ``We may share your data with:``) takes the lead-in's kinds
    (``negation: ∅ → not (list: Do not)``); a sentence that states a duty or a permission (a modal
    verb or a negation, in it or in its list's lead-in) edited in place to add or drop a clause
    (two words or more come, at most one goes, or the reverse: ``report posts, accounts, or direct
    messages``) has its scope changed (``scope: ∅ → or direct messages``). Words swapped one for
    one (``Community`` → ``User``) are wording."""
    one_sided = (old[1] <= old[0]) != (new[1] <= new[0])
    text, span, sentence_terms = (new_text, new, b) if new[1] > new[0] else (old_text, old, a)
    lead, lead_terms = _lead_in_terms(text, span[0], cache)
    kinds = [kind for kind in _LEAD_KINDS if kind in lead_terms.terms]
    if one_sided:
        marker = _LIST_ITEM.match(lead)
        shown_lead = " ".join(lead[marker.end() if marker else 0 :].strip("*_#>: \t").split()[:8])
        listed = [f"{_shown(lead_terms.terms[kind], lead_terms, kind)} (list: {shown_lead})" for kind in kinds]
        return tuple(Signal(kind, "", words) if new[1] > new[0] else Signal(kind, words, "")
                     for kind, words in zip(kinds, listed))
    duty = any(kind in sentence_terms.terms or kind in a.terms for kind in _DUTY_KINDS)
    if not (duty or "modal" in kinds or "negation" in kinds):
        return ()
    # Stems: a word made plural or singular (``team`` -> ``teams``) is wording, not a clause.
    old_words = set(map(_STEMS.__getitem__, change_model._words(old_text[old[0] : old[1]].lower())))
    new_words = set(map(_STEMS.__getitem__, change_model._words(new_text[new[0] : new[1]].lower())))
    gained, lost = len(new_words - old_words), len(old_words - new_words)
    if not ((gained >= 2 and lost <= 1) or (lost >= 2 and gained <= 1)):
        return ()
    if _clause_moved(old_text, new_text, deleted, inserted):
        return ()
    return (Signal("scope", " ".join(deleted.split()).strip(" ,;:"), " ".join(inserted.split()).strip(" ,;:")),)


def _clause_moved(old_text: str, new_text: str, deleted: str, inserted: str) -> bool:
    """The clause a sentence gained or lost is said as often in the other version of its section
    (of three words or more): it moved from one sentence to another (``including sponsored
    content`` taken from the item on spam and given to the item on fraud), the section binds
    nothing more or less."""
    clause = " ".join((deleted if deleted.strip() else inserted).lower().split()).strip(" ,;:")
    if clause.count(" ") < 2:
        return False
    old_count = " ".join(old_text.lower().split()).count(clause)
    new_count = " ".join(new_text.lower().split()).count(clause)
    return new_count >= old_count if deleted.strip() else old_count >= new_count


def _spans_of(text: str, passages: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for passage in passages:
        at = text.find(passage)
        if at >= 0:
            spans.append((at, at + len(passage)))
    return spans


def classify(comparison: Comparison) -> tuple[Change, ...]:
    """Every change of the comparison, in the order of its pairs (titles first, then bodies; moved
    passages where they went), each classified."""
    moved_from: dict[int, list[str]] = {}
    moved_to: dict[int, list[str]] = {}
    for passage in comparison.moved_passages:
        moved_from.setdefault(passage.old_pair, []).append(passage.old_text)
        moved_to.setdefault(passage.new_pair, []).append(passage.new_text)
    moved_at: dict[int, list[int]] = {}
    for n, passage in enumerate(comparison.moved_passages):
        moved_at.setdefault(passage.new_pair, []).append(n)
    out: list[Change] = []
    titles: set[tuple[str, str]] = set()  # the entries of a merge or split share a title
    for k, pair in enumerate(comparison.pairs):
        if any(op.kind in "-+" for op in pair.title_diff.ops):
            for change in diff_changes(pair.title_diff.ops, k, "title"):
                if (change.old, change.new) not in titles:
                    titles.add((change.old, change.new))
                    out.append(change)
        ops = pair.body_diff.ops
        if any(op.kind in "-+" for op in ops):
            # The texts are joined here only when a passage moved from or to this pair.
            skip_old = _spans_of("".join([op.old for op in ops]), moved_from[k]) if k in moved_from else []
            skip_new = _spans_of("".join([op.new for op in ops]), moved_to[k]) if k in moved_to else []
            out.extend(diff_changes(ops, k, "body", skip_old=skip_old, skip_new=skip_new))
        for n in moved_at.get(k, ()):
            out.append(_moved(k, n, comparison))
    return tuple(_moved_sentences(out, comparison))


_LEADING_LABEL = re.compile(r"^(?:(?:\(?(?:\d+(?:\.\d+)*|[a-z]|[ivxlcdm]+)[.)]|\d+(?:\.\d+)+)\s*)+")


def _document_text(document: Document) -> str:
    """The document as its sentences are found in it: every line, lower-cased."""
    return (document.reading or "\n".join(t for s in document.flat() for t in (s.title, s.body))).lower()


def _moved_sentences(changes: list[Change], comparison: Comparison) -> list[Change]:
    """A substantive change whose old sentence is still in the new version and whose new sentence
    was already in the old one (a heading that became a line of text when the outline changed, a
    sentence moved to another section) adds and removes nothing: it becomes editorial."""
    texts: dict[bool, str] = {}

    def still(text: str, in_old: bool) -> bool:
        if not text:
            return True  # the side of a sentence inserted or deleted whole
        flat = text.strip().lower()
        label = _LEADING_LABEL.match(flat)  # anchored: .sub would try the pattern at every offset
        if label is not None:
            flat = flat[label.end() :]
        if not flat:
            return True
        if flat.count(" ") < 2:
            return False
        if in_old not in texts:
            texts[in_old] = _document_text(comparison.old if in_old else comparison.new)
        return flat in texts[in_old]

    out = []
    for change in changes:
        if change.change_class == "substantive" and still(change.old, False) and still(change.new, True):
            change = Change(change.pair, change.where, "editorial", (), change.old, change.new, change.ops, None,
                            change.moved)
        out.append(change)
    return out


def _moved(pair: int, n: int, comparison: Comparison) -> Change:
    """A moved passage: substantive if edited on the way with a signal; else editorial, or
    cosmetic when only what the minor badges name changed on the way."""
    passage = comparison.moved_passages[n]
    # A sentence the passage gained that the old version already had elsewhere (a paragraph that
    # joined its neighbour on the way) adds nothing, as in the body (``_moved_sentences``).
    edits = _moved_sentences(diff_changes(passage.diff.ops, pair, "moved"), comparison)
    found = tuple(s for change in edits for s in change.signals)
    if found:
        return Change(pair, "moved", "substantive", found, passage.old_text, passage.new_text, moved=n)
    return Change(pair, "moved", "editorial", (), passage.old_text, passage.new_text, moved=n)


def counts(changes: Iterable[Change]) -> dict[str, int]:
    """How many changes of each class (every class present, 0 when none)."""
    found = Counter(change.change_class for change in changes)
    return {cls: found.get(cls, 0) for cls in CLASSES}


@dataclass(frozen=True, slots=True)
class KeyChange:
    """A substantive change as the report's *Key changes* list shows it."""

    section: str
    """The title of the section it is in (``old → new`` when renamed)."""
    anchor: str
    """The report's anchor of that section (``pair-3``)."""
    signals: tuple[str, ...]
    """Its signals, ``modal: may → will``."""
    old: str
    new: str
    where: str


def key_changes(comparison: Comparison) -> list[KeyChange]:
    """Every substantive change, in reading order, with its section and the report's anchor."""
    out = []
    for change in comparison.changes:
        if change.change_class != "substantive":
            continue
        pair = comparison.pairs[change.pair]
        out.append(KeyChange(pair.display_title, f"pair-{change.pair + 1}", tuple(map(str, change.signals)),
                             change.old, change.new, change.where))
    return out


# ------------------------------------------------------------------------------------------------
# For the window: what it needs to mark, count and step through (it only reads the comparison)


def changes_of_pair(comparison: Comparison, index: int) -> list[Change]:
    """The changes of one pair (``Comparison.pairs[index]``), in order."""
    return [change for change in comparison.changes if change.pair == index]


def substantive_counts(comparison: Comparison) -> dict[int, int]:
    """Pair index -> how many substantive changes it holds (pairs with none left out): the
    outline's count and filter."""
    found: dict[int, int] = {}
    for change in comparison.changes:
        if change.change_class == "substantive":
            found[change.pair] = found.get(change.pair, 0) + 1
    return found


def change_at(comparison: Comparison, index: int, op: int, where: Literal["body", "title"] = "body") -> Change | None:
    """The change that op ``op`` of the pair's body (or title) diff belongs to, if any: its
    ``tip`` is the tooltip of the mark (``modal: may → will``), its class decides whether F8 stops."""
    for change in comparison.changes:
        if change.pair == index and change.where == where and change.ops[0] <= op < change.ops[1]:
            if change.change_class == "substantive" or change.cosmetic is None:
                return change  # a run cut into sentences: the substantive one first
    for change in comparison.changes:
        if change.pair == index and change.where == where and change.ops[0] <= op < change.ops[1]:
            return change
    return None


def change_tips(comparison: Comparison, index: int) -> dict[int, str]:
    """The view's change number (``Frag.change``: the title's runs of edits first, then the
    body's, a run that is only spaces within a paragraph not counted) -> the tooltip of its
    substantive change (``modal: may → will``); changes that are not substantive have none."""
    pair = comparison.pairs[index]
    tips: dict[int, str] = {}
    number = 0
    for where, ops in (("title", pair.title_diff.ops), ("body", pair.body_diff.ops)):
        first = None
        for k, op in enumerate((*ops, None)):
            if op is not None and op.kind in "-+":
                first = k if first is None else first
                continue
            if first is None:
                continue
            texts = "".join(o.old + o.new for o in ops[first:k])
            if texts.strip() or "\n" in texts:
                found = [c for c in comparison.changes if c.pair == index and c.where == where
                         and c.change_class == "substantive" and c.ops[0] < k and first < c.ops[1]]
                if found:
                    tips[number] = "\n".join(dict.fromkeys(str(s) for c in found for s in c.signals))
                number += 1
            first = None
    return tips
