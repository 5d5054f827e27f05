"""Word-level diff of two texts, lossless, with ignore options and a budget that is never silent.

How it works: each side is cut into tokens (words, single punctuation marks, runs of white
space). Every distinct *comparison key* (the token normalised by the ignore options) becomes one
code point, and diff-match-patch diffs those code-point strings: the ``diff_linesToChars`` idea
applied to words, so no hunk edge can fall inside a word. Cleanup (dropping trivial equalities,
sliding edits to natural boundaries) is done here on tokens, identically for both back ends.

Back ends: ``fast_diff_match_patch`` (C++) when importable, else the pure-Python
``diff_match_patch``. Both run with no time limit (a timed-out diff-match-patch silently returns
"delete all, insert all") and their raw diffs are identical, so results do not depend on which
one ran. Myers' algorithm costs about (n + m) * D token steps, so long *and* unrelated texts are
the one expensive case. Each back end has a documented budget (``PURE_BUDGET``,
``ACCEL_MAX_TOKENS``, ``ACCEL_TIMELIMIT``); a pair over it is aligned paragraph by paragraph
first, any block still over it is replaced wholesale, and ``WordDiff.coarse`` says so in a
sentence. Within budget ``coarse`` is None and the diff is exact.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from types import ModuleType
from typing import Final, Iterable, Iterator

from diff_match_patch import diff_match_patch  # type: ignore[import-untyped]

from policydiff.core.model import DiffStats, Op, OpKind, Options, WordDiff
from policydiff.core.invisible import SOFT_HYPHEN, is_invisible

_fast: ModuleType | None
try:
    import fast_diff_match_patch as _fast  # type: ignore[import-not-found, no-redef]
except ImportError:  # optional accelerator: the pure back end always works
    _fast = None

ACCELERATED: Final[bool] = _fast is not None
"""Whether the C++ accelerator ``fast_diff_match_patch`` is importable."""

PURE_BUDGET: int = 3_000_000
"""Work budget of the pure-Python back end, in Myers steps (~3 million a second here).

The whole-text diff may spend it all; the paragraph-aligned fallback then gets half of it again,
so the worst case stays under 1.5 s of diffing here."""

ACCEL_MAX_TOKENS: int = 50_000
"""The accelerated back end diffs at most this many differing tokens (both sides) in one go.

Its worst case (no common text) costs about (n + m)**2 steps: ~1.2 s at 50 000 tokens here,
i.e. two unrelated texts of ~70 KB each. The budget is (n + m)**2 summed over the calls."""

ACCEL_TIMELIMIT: float = 0.8
"""Seconds for one attempt at a pair over ``ACCEL_MAX_TOKENS`` (0: no attempt).

Long but similar texts are cheap in fact, so they get one time-limited C++ run. Its result is
kept only if no change region deletes and inserts a common token: an optimal diff never does,
and a timed-out sub-diff ("delete all, insert all") does, so a timeout is detected, not kept."""

# --------------------------------------------------------------------------------------------
# Tokens

_APOSTROPHES = "'\u2018\u2019\u201a\u201b"
# Hyphens (and the soft hyphen) join word pieces anywhere: "third-party", "e\u2011mail".
_HYPHENS = "\\-\u2010\u2011\u00ad"
# Dashes and number separators only join digits: "2002\u20132024", "1,000", "12.1".
_DIGIT_JOINERS = ".,\u2012\u2013\u2014\u2015\u2212"
# Scripts written without spaces: one token per character, or a sentence would be one "word".
_CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003ffff"
)
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

_NUM = r"\d+(?:\.\d+)*"
_ROMAN = r"(?:(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})|(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3}))"
_LABEL = re.compile(
    rf"(?:\((?:{_NUM}|[A-Za-z]|{_ROMAN})\)|(?:{_NUM}|[A-Za-z]|{_ROMAN})[.)]|\d+(?:\.\d+)+)(?=\s|\Z)"
)
"""A list / section number at the start of a line: ``6.``, ``12.1``, ``12.1.``, ``(b)``, ``iv)``."""


def _esc(cp: int) -> str:
    return f"\\U{cp:08x}"


@lru_cache(maxsize=1)
def _token_re() -> re.Pattern[str]:
    # Combining marks stay with their base character (NFD "e\u0301" is one letter), as do
    # zero-width joiners and emoji skin-tone modifiers. Built lazily: scanning costs ~15 ms.
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x20000):
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    ranges += [(0x200C, 0x200D), (0x1F3FB, 0x1F3FF), (0xE0100, 0xE01EF)]
    marks = "[" + "".join(f"{_esc(a)}-{_esc(b)}" for a, b in ranges) + "]"
    letter = f"[^\\W_{_CJK}]"
    piece = f"{letter}(?:{letter}|{marks})*"
    word = f"{piece}(?:(?:[{_APOSTROPHES}{_HYPHENS}]|(?<=\\d)[{_DIGIT_JOINERS}](?=\\d)){piece})*"
    return re.compile(
        rf"\s+|{word}|[{_CJK}]{marks}*|\.\.\.|.{marks}*",
        re.DOTALL,
    )


@lru_cache(maxsize=1)
def _plain_token_re() -> re.Pattern[str]:
    """``_token_re()`` for texts with no combining mark and no CJK character: the same tokens,
    about four times faster (no mark classes to scan after every letter)."""
    # Possessive: nothing follows a word or a space run in its alternative, so giving characters
    # back can never make a match; not trying saves a quarter of the scan.
    piece = "[^\\W_]++"
    joined = f"[{_APOSTROPHES}{_HYPHENS}]{piece}|(?<=\\d)[{_DIGIT_JOINERS}](?=\\d){piece}"
    return re.compile(rf"{piece}(?:{joined})*+|\s++|\.\.\.|.", re.DOTALL)


_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F),
               (0x20000, 0x3FFFF))
_PLAIN_CHAR: dict[str, bool] = {}
_PAST_U02FF = re.compile(r"[^\x00-\u02ff]")


def _is_plain(text: str) -> bool:
    """Whether ``text`` has no character that the plain token pattern would read differently:
    combining marks (and the joiners, modifiers and selectors kept with them) and CJK."""
    if text.isascii():
        return True
    for char in set(_PAST_U02FF.findall(text)):  # the few characters that may matter, found in C
        plain = _PLAIN_CHAR.get(char)
        if plain is None:
            cp = ord(char)
            plain = _PLAIN_CHAR[char] = not (
                unicodedata.category(char)[0] == "M"
                or 0x200C <= cp <= 0x200D
                or 0x1F3FB <= cp <= 0x1F3FF
                or 0xE0100 <= cp <= 0xE01EF
                or any(lo <= cp <= hi for lo, hi in _CJK_RANGES)
            )
        if not plain:
            return False
    return True


def _at_line_start(tokens: list[str], i: int) -> bool:
    """Whether only indentation stands between token ``i`` and a line break or the text start."""
    if i == 0:
        return True
    before = tokens[i - 1]
    return before[0].isspace() and (i == 1 or not _LINE_BREAKS.isdisjoint(before))


_LINE_LABEL = re.compile(
    "(?:\\A|[" + "".join(sorted(_LINE_BREAKS)) + "])\\s*(" + _LABEL.pattern + ")"
)
"""A list / section number where a line starts (after its indentation)."""


class _TokenCache:
    """Tokens of each text seen during one comparison, shared by the title and body diffs, the
    group diffs and the verdict; equal tokens are stored once (``canon``) to keep memory low."""

    __slots__ = ("tokens", "canon", "alphabet")

    def __init__(self) -> None:
        self.tokens: dict[str, list[str]] = {}
        self.canon: dict[str, str] = {}
        self.alphabet: _Alphabet | None = None
        """One alphabet for every diff without ignore options (codes only need to be distinct)."""


_CACHE: ContextVar[_TokenCache | None] = ContextVar("policydiff_token_cache", default=None)


@contextmanager
def shared_tokens() -> Iterator[None]:
    """Within this block, each distinct text is tokenized once (per thread); results are the same."""
    if _CACHE.get() is not None:
        yield
        return
    token = _CACHE.set(_TokenCache())
    try:
        yield
    finally:
        _CACHE.reset(token)


def _tokens(text: str) -> list[str]:
    """``tokenize(text)``, from the shared cache when one is active: callers must not change it."""
    cache = _CACHE.get()
    if cache is None:
        return _tokenize(text)
    found = cache.tokens.get(text)
    if found is None:
        canon, fresh = cache.canon, _tokenize(text)
        found = cache.tokens[text] = list(map(canon.setdefault, fresh, fresh))
    return found


def tokenize(text: str) -> list[str]:
    """Split text into tokens; ``''.join(tokenize(t)) == t`` always.

    Tokens are: runs of white space (a whole run, line breaks included, is one token); words
    (letters and digits with their combining marks, joined by internal apostrophes and hyphens,
    and digits joined by ``.`` ``,`` or dashes: ``don't``, ``third-party``, ``1,000``, ``12.1``);
    single CJK characters; ``...``; any other single character. A list number at the start of a
    line (``6.``, ``(b)``, ``iv)``) is one token.
    """
    return list(_tokens(text))


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = (_plain_token_re() if _is_plain(text) else _token_re()).findall(text)
    labels = [m.span(1) for m in _LINE_LABEL.finditer(text)]
    if labels:
        offsets = list(itertools.accumulate(map(len, tokens), initial=0))
        # Last first, so that merging never moves the tokens of the labels still to do.
        for start, end in reversed(labels):
            k = bisect.bisect_left(offsets, start)
            j = bisect.bisect_left(offsets, end, k)
            if j > k + 1 and j < len(offsets) and offsets[j] == end:
                tokens[k:j] = [text[start:end]]  # the label spans several tokens: one
    return tokens


class _Flags(dict[str, int]):
    """Per distinct token: 1 a word (holds a letter or a digit), 2 an invisible character, 0 else."""

    def __missing__(self, token: str) -> int:
        if len(self) > 1_000_000:
            self.clear()
        flag = self[token] = 1 if any(c.isalnum() for c in token) else 2 if is_invisible(token) else 0
        return flag


_FLAGS = _Flags()


def _is_word(token: str) -> bool:
    return _FLAGS[token] == 1


def _word_count(tokens: list[str]) -> int:
    return list(map(_FLAGS.__getitem__, tokens)).count(1)


def word_keys(text: str, options: Options) -> list[str]:
    """The words of ``text`` in order, each as its comparison key under ``options``: two texts have
    "the same words" when these lists are equal (punctuation, white space and markup aside).

    Invisible and bidi control characters count as words here: a right-to-left override changes
    what a reader sees (``30 days`` shown reversed) without changing any word, so two texts that
    differ by one are not the same (a soft hyphen is typography, set aside with it)."""
    tokens = _tokens(text)
    keys = _keys(tokens, options)
    flags = list(map(_FLAGS.__getitem__, tokens))
    if 2 not in flags:
        return [key for key, flag in zip(keys, flags) if flag]
    drop_shy = options.ignore_typography
    return [
        key if flag == 1 else "\0" + token
        for token, key, flag in zip(tokens, keys, flags)
        if flag == 1 or (flag == 2 and not (drop_shy and token == SOFT_HYPHEN))
    ]


def count_words(text: str) -> int:
    """Number of words in ``text``: tokens containing a letter or a digit."""
    return _word_count(_tokens(text))


# --------------------------------------------------------------------------------------------
# Comparison keys

_TYPOGRAPHY: Final = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys(
            "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
            "\u202f\u205f\u3000",
            " ",
        ),
        "\u2026": "...",
        "\u00ad": None,
    }
)
_NUMBER_KEY: Final = "#"


def _keys(tokens: list[str], options: Options) -> list[str]:
    """One comparison key per token: equal keys mean "the same" under ``options``."""
    if not (
        options.ignore_case
        or options.ignore_whitespace
        or options.ignore_typography
        or options.ignore_numbering
    ):
        return tokens
    keys: list[str] = []
    for i, token in enumerate(tokens):
        # The word / non-word prefix keeps a key from equating a word with a non-word (casefold
        # turns some combining marks into letters), so a "~" run has the same words both sides.
        kind = "w" if _is_word(token) else "p"
        if (
            options.ignore_numbering
            and kind == "w"
            and _LABEL.fullmatch(token)
            and _at_line_start(tokens, i)
        ):
            keys.append(_NUMBER_KEY)
            continue
        key = token
        if options.ignore_typography:
            key = key.translate(_TYPOGRAPHY)
        if options.ignore_whitespace and token[0].isspace():
            key = " "
        if options.ignore_case:
            key = key.casefold()
        keys.append(kind + key)
    return keys


def _token_class(token: str) -> str:
    """b blank line, n line break, s space, e sentence end, p punctuation, w word."""
    if token[0].isspace():
        breaks = sum(token.count(c) for c in "\n\r\u2028\u2029") - token.count("\r\n")
        return "b" if breaks >= 2 else "n" if breaks else "s"
    if _is_word(token):
        return "w"
    return "e" if token in ".!?;:" else "p"


# --------------------------------------------------------------------------------------------
# Code points: one per distinct key, skipping the surrogates U+D800..U+DFFF (not valid text
# for the C++ back end) and starting at U+0100 to keep clear of control characters.

_FIRST_CP: Final = 0x100
_MAX_CODES: Final = 0x110000 - _FIRST_CP - 0x800



def _code_point(index: int) -> str:
    cp = _FIRST_CP + index
    return chr(cp + 0x800 if cp >= 0xD800 else cp)


class _TokenInfo(dict[str, tuple[int, str, int]]):
    """Per distinct token: its weight (the text length semantic cleanup reasons about), its class
    (``_token_class``) and its length if it is a word (else 0)."""

    def __missing__(self, token: str) -> tuple[int, str, int]:
        if len(self) > 1_000_000:
            self.clear()
        cls = _token_class(token)
        info = self[token] = (max(1, len(token)), cls, len(token) if cls == "w" else 0)
        return info


_TOKEN_INFO = _TokenInfo()


class _AlphabetFull(Exception):
    """More distinct tokens than code points."""


class _Alphabet:
    """Maps keys to single characters and remembers, per character, a weight and a class."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.weight: dict[str, int] = {}
        self.cls: dict[str, str] = {}
        self.wordlen: dict[str, int] = {}

    def encode(self, tokens: list[str], keys: list[str]) -> str:
        codes = self.codes
        fresh = [key for key in dict.fromkeys(keys) if key not in codes]  # in order of appearance
        if fresh:
            if len(codes) + len(fresh) > _MAX_CODES:
                raise _AlphabetFull
            # Each new key is described by the first token that has it.
            if keys is tokens:
                described = fresh
            else:
                first = dict(zip(reversed(keys), reversed(tokens)))
                described = list(map(first.__getitem__, fresh))
            new_codes = list(map(_code_point, range(len(codes), len(codes) + len(fresh))))
            codes.update(zip(fresh, new_codes))
            info = list(map(_TOKEN_INFO.__getitem__, described))
            self.weight.update(zip(new_codes, (i[0] for i in info)))
            self.cls.update(zip(new_codes, (i[1] for i in info)))
            self.wordlen.update(zip(new_codes, (i[2] for i in info)))
        return "".join(map(codes.__getitem__, keys))


# --------------------------------------------------------------------------------------------
# Back ends

_EQ: Final = 0
_DEL: Final = -1
_INS: Final = 1
_Diffs = list[tuple[int, str]]

_DMP = diff_match_patch()
_DMP.Diff_Timeout = 0.0


class _OverBudget(Exception):
    """The pure back end spent its work budget."""


class _Meter:
    """Work budget of the pure back end, in Myers steps."""

    def __init__(self, budget: int) -> None:
        self.left = budget

    def charge(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise _OverBudget


class _BisectClock:
    """Passed to ``diff_bisect`` where it expects a deadline, to meter work deterministically.

    ``diff_bisect`` compares the time with its deadline once per edit distance d, and the d-th
    round costs about 2 (d + 1) steps. Raising (never answering "deadline passed") keeps the
    library from silently replacing the sub-diff by "delete all, insert all".
    """

    __slots__ = ("meter", "d")

    def __init__(self, meter: _Meter) -> None:
        self.meter = meter
        self.d = 0

    def _tick(self) -> None:
        self.d += 1
        self.meter.charge(2 * self.d)

    # `time.time() > deadline` reaches __lt__ (reflected); the others are for other spellings.
    def __lt__(self, other: object) -> bool:
        self._tick()
        return False

    def __le__(self, other: object) -> bool:
        self._tick()
        return False

    def __gt__(self, other: object) -> bool:
        self._tick()
        return True

    def __ge__(self, other: object) -> bool:
        self._tick()
        return True


class _MeteredDMP(diff_match_patch):  # type: ignore[misc]
    """diff-match-patch with no time limit and a deterministic work meter instead."""

    def __init__(self) -> None:
        super().__init__()
        self.Diff_Timeout = 0.0  # also disables the non-optimal half-match shortcut

    def diff_bisect(self, text1: str, text2: str, deadline: object) -> _Diffs:
        meter = deadline.meter if isinstance(deadline, _BisectClock) else deadline
        if isinstance(meter, _Meter):
            meter.charge(len(text1) + len(text2))  # the two vectors it allocates
            deadline = _BisectClock(meter)
        result: _Diffs = super().diff_bisect(text1, text2, deadline)
        return result


def _trim(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix after it."""
    prefix = _DMP.diff_commonPrefix(a, b)
    suffix = _DMP.diff_commonSuffix(a[prefix:], b[prefix:])
    return prefix, suffix


class _Engine:
    """One back end with what is left of its budget; ``diff`` returns None when over it."""

    accelerated = False
    name = "pure-Python"

    def __init__(self, budget: int | None = None) -> None:
        self.meter = _Meter(PURE_BUDGET if budget is None else budget)

    def diff(self, a: str, b: str) -> _Diffs | None:
        if a == b or not a or not b:
            return _DMP.diff_main(a, b, False)  # type: ignore[no-any-return]
        if self.meter.left <= 0:
            return None
        try:
            return _MeteredDMP().diff_main(a, b, False, self.meter)  # type: ignore[no-any-return]
        except _OverBudget:
            return None


class _FastEngine(_Engine):
    accelerated = True
    name = "accelerated"

    def __init__(self) -> None:
        super().__init__()
        self.left = ACCEL_MAX_TOKENS**2
        self.may_try = ACCEL_TIMELIMIT > 0

    def diff(self, a: str, b: str) -> _Diffs | None:
        prefix, suffix = _trim(a, b)
        cost = (len(a) + len(b) - 2 * (prefix + suffix)) ** 2
        if cost <= self.left:
            self.left -= cost
            return _fast_diff(a, b, 0)
        if not self.may_try:
            return None
        self.may_try = False
        diffs = _fast_diff(a, b, ACCEL_TIMELIMIT)
        if _no_shared_tokens(diffs):
            return diffs
        self.left //= 4  # time was spent: keep the fallback short
        return None


def _fast_diff(a: str, b: str, timelimit: float) -> _Diffs:
    assert _fast is not None
    counts = _fast.diff(a, b, timelimit=timelimit, checklines=False, cleanup="No", counts_only=True)
    diffs: _Diffs = []
    i = j = 0
    for op, n in counts:
        if op == "=":
            diffs.append((_EQ, a[i : i + n]))
            i += n
            j += n
        elif op == "-":
            diffs.append((_DEL, a[i : i + n]))
            i += n
        else:
            diffs.append((_INS, b[j : j + n]))
            j += n
    return diffs


def _no_shared_tokens(diffs: _Diffs) -> bool:
    """No change region deletes and inserts a common token (true of every optimal diff)."""
    deleted: set[str] = set()
    inserted: set[str] = set()
    for op, s in [*diffs, (_EQ, "")]:
        if op == _EQ:
            if not deleted.isdisjoint(inserted):
                return False
            deleted.clear()
            inserted.clear()
        else:
            (deleted if op == _DEL else inserted).update(s)
    return True


# --------------------------------------------------------------------------------------------
# Over budget: align by paragraph, then word-diff the changed blocks that fit.


def _wholesale(a: str, b: str) -> _Diffs:
    prefix, suffix = _trim(a, b)
    diffs: _Diffs = []
    if prefix:
        diffs.append((_EQ, a[:prefix]))
    if len(a) > prefix + suffix:
        diffs.append((_DEL, a[prefix : len(a) - suffix]))
    if len(b) > prefix + suffix:
        diffs.append((_INS, b[prefix : len(b) - suffix]))
    if suffix:
        diffs.append((_EQ, a[len(a) - suffix :]))
    return diffs


def _lines(codes: str, alphabet: _Alphabet) -> list[str]:
    """Cut a code string after every white-space token that holds a line break."""
    lines: list[str] = []
    start = 0
    for i, c in enumerate(codes):
        if alphabet.cls[c] in "bn":
            lines.append(codes[start : i + 1])
            start = i + 1
    if start < len(codes):
        lines.append(codes[start:])
    return lines


def _anchored(
    a: str, b: str, alphabet: _Alphabet, engine: _Engine, hopeless: int
) -> tuple[_Diffs, int, int, int, int]:
    """Paragraph-first diff: diffs, changed blocks, blocks replaced wholesale, their words per side.

    Blocks of ``hopeless`` tokens or more are not tried: the whole diff already failed at that size.
    """
    lines_a, lines_b = _lines(a, alphabet), _lines(b, alphabet)
    line_codes: dict[str, str] = {}
    la = "".join(line_codes.setdefault(x, _code_point(len(line_codes))) for x in lines_a)
    lb = "".join(line_codes.setdefault(x, _code_point(len(line_codes))) for x in lines_b)
    line_diffs = engine.diff(la, lb)
    if line_diffs is None:
        line_diffs = _wholesale(la, lb)
    # In order: equal stretches (old text, None) and changed blocks (old text, new text).
    pieces: list[tuple[str, str | None]] = []
    ia = ib = 0
    for op, s in line_diffs:
        n = len(s)
        if op == _EQ:
            pieces.append(("".join(lines_a[ia : ia + n]), None))
            ia += n
            ib += n
            continue
        old, new = pieces.pop() if pieces and pieces[-1][1] is not None else ("", "")
        assert new is not None
        if op == _DEL:
            pieces.append((old + "".join(lines_a[ia : ia + n]), new))
            ia += n
        else:
            pieces.append((old, new + "".join(lines_b[ib : ib + n])))
            ib += n
    blocks = [i for i, (_, new) in enumerate(pieces) if new is not None]
    done: dict[int, _Diffs] = {}
    wholesale_blocks = words_a = words_b = 0
    # Smallest blocks first: the budget then covers as many blocks as it can.
    for i in sorted(blocks, key=lambda i: len(pieces[i][0]) + len(pieces[i][1] or "")):
        old, new = pieces[i]
        assert new is not None
        diffs = engine.diff(old, new) if len(old) + len(new) < hopeless else None
        if diffs is None:
            diffs = _wholesale(old, new)
            wholesale_blocks += 1
            words_a += _code_words(old, alphabet)
            words_b += _code_words(new, alphabet)
        done[i] = diffs
    out: _Diffs = []
    for i, (old, new) in enumerate(pieces):
        out.extend(done[i] if new is not None else [(_EQ, old)])
    return out, len(blocks), wholesale_blocks, words_a, words_b


def _code_words(codes: str, alphabet: _Alphabet) -> int:
    return sum(alphabet.wordlen[c] > 0 for c in codes)


def _token_diff(
    a: str, b: str, alphabet: _Alphabet, accelerated: bool
) -> tuple[_Diffs, str | None]:
    """Raw token diff within budget, and the sentence explaining any coarsening."""
    engine: _Engine = _FastEngine() if accelerated else _Engine()
    diffs = engine.diff(a, b)
    if diffs is not None:
        return diffs, None
    if not accelerated:
        engine = _Engine(PURE_BUDGET // 2)  # the fallback's own, smaller budget
    prefix, suffix = _trim(a, b)
    hopeless = len(a) + len(b) - 2 * (prefix + suffix)
    diffs, blocks, lost, lost_a, lost_b = _anchored(a, b, alphabet, engine, hopeless)
    size = f"{_code_words(a, alphabet)} and {_code_words(b, alphabet)} words"
    budget = f"the {engine.name} word-diff budget"
    if lost == 0:
        note = f"aligned paragraph by paragraph first: one word diff of {size} exceeds {budget}"
    elif blocks == 1:
        note = f"replaced wholesale: the differing text ({lost_a} and {lost_b} words) exceeds {budget}"
    else:
        note = (
            f"aligned paragraph by paragraph, as one word diff of {size} exceeds {budget}; "
            f"{lost} of {blocks} changed blocks ({lost_a} and {lost_b} words) replaced wholesale"
        )
    if not accelerated:
        note += "; installing fast-diff-match-patch raises the budget"
    return diffs, note


# --------------------------------------------------------------------------------------------
# Cleanup on tokens (shared by both back ends, so their results stay identical)


def _eliminate(diffs: _Diffs, alphabet: _Alphabet, semantic: bool) -> _Diffs:
    """Absorb equalities sandwiched between changes into them.

    Chaff (only white space / punctuation and at most one one-letter word) always goes. With
    ``semantic``, so does an equality no heavier than the changes on either side, as
    ``diff_cleanupSemantic`` does, but weighed in characters of whole tokens. Absorbing only
    grows the neighbouring changes, so a stack reaches the fixpoint in one pass.
    """
    weight, wordlen = alphabet.weight, alphabet.wordlen
    runs: list[_Diffs] = [[]]  # runs[k] is the change run before eqs[k]
    sizes: list[list[int]] = [[0, 0]]  # deleted / inserted weight of each run
    eqs: list[str] = []

    def absorbable(eq: str, before: list[int], after: list[int]) -> bool:
        if not (max(before) and max(after)):
            return False
        if sum(map(wordlen.__getitem__, eq)) <= 1:
            return True
        if not semantic:
            return False
        w = sum(map(weight.__getitem__, eq))
        return w <= max(before) and w <= max(after)

    for op, s in diffs:
        if op == _EQ:
            eqs.append(s)
            runs.append([])
            sizes.append([0, 0])
            continue
        runs[-1].append((op, s))
        sizes[-1][op == _INS] += sum(map(weight.__getitem__, s))
        while eqs and absorbable(eqs[-1], sizes[-2], sizes[-1]):
            eq, after, after_size = eqs.pop(), runs.pop(), sizes.pop()
            runs[-1] += [(_DEL, eq), (_INS, eq), *after]
            w = sum(map(weight.__getitem__, eq))
            sizes[-1] = [sizes[-1][0] + w + after_size[0], sizes[-1][1] + w + after_size[1]]
    out: _Diffs = []
    for k, run in enumerate(runs):
        deleted = "".join(s for op, s in run if op == _DEL)
        inserted = "".join(s for op, s in run if op == _INS)
        if deleted:
            out.append((_DEL, deleted))
        if inserted:
            out.append((_INS, inserted))
        if k < len(eqs):
            out.append((_EQ, eqs[k]))
    return out


def _boundary_score(one: str, two: str, cls: dict[str, str]) -> int:
    """How natural a cut between ``one`` and ``two`` is: 6 text edge ... 0 inside a phrase."""
    if not one or not two:
        return 6
    c1, c2 = cls[one[-1]], cls[two[0]]
    if "b" in (c1, c2):
        return 5
    if "n" in (c1, c2):
        return 4
    if c1 in "ep" and c2 == "s":
        return 3
    if "s" in (c1, c2):
        return 2
    if c1 in "ep" or c2 in "ep":
        return 1
    return 0


def _slide(diffs: _Diffs, cls: dict[str, str]) -> None:
    """Slide each lone edit between equalities to the most natural token boundary, in place.

    ``diff_cleanupSemanticLossless`` on tokens: its own scoring would look at our code points
    as if they were characters.
    """
    i = 1
    while i < len(diffs) - 1:
        if diffs[i - 1][0] == _EQ and diffs[i + 1][0] == _EQ:
            eq1, edit, eq2 = diffs[i - 1][1], diffs[i][1], diffs[i + 1][1]
            common = _DMP.diff_commonSuffix(eq1, edit)
            if common:
                eq1, edit, eq2 = eq1[:-common], edit[-common:] + edit[:-common], edit[-common:] + eq2
            best = (_boundary_score(eq1, edit, cls) + _boundary_score(edit, eq2, cls), eq1, edit, eq2)
            while edit and eq2 and edit[0] == eq2[0]:
                eq1, edit, eq2 = eq1 + edit[0], edit[1:] + eq2[0], eq2[1:]
                score = _boundary_score(eq1, edit, cls) + _boundary_score(edit, eq2, cls)
                if score >= best[0]:  # >= prefers trailing white space on edits
                    best = (score, eq1, edit, eq2)
            _, eq1, edit, eq2 = best
            if eq1 != diffs[i - 1][1]:
                replacement = [(_EQ, eq1)] if eq1 else []
                replacement.append((diffs[i][0], edit))
                if eq2:
                    replacement.append((_EQ, eq2))
                diffs[i - 1 : i + 2] = replacement
                i += len(replacement) - 3
        i += 1


def _split_overlaps(diffs: _Diffs) -> None:
    """Turn a deletion ending as the next insertion starts into an equality, in place.

    As ``diff_cleanupSemantic`` does, and only when the overlap is at least half of either.
    """
    i = 1
    while i < len(diffs):
        if diffs[i - 1][0] == _DEL and diffs[i][0] == _INS:
            deletion, insertion = diffs[i - 1][1], diffs[i][1]
            o1 = _DMP.diff_commonOverlap(deletion, insertion)
            o2 = _DMP.diff_commonOverlap(insertion, deletion)
            if o1 >= o2 and (o1 >= len(deletion) / 2 or o1 >= len(insertion) / 2):
                diffs[i - 1 : i + 1] = [
                    (_DEL, deletion[: len(deletion) - o1]),
                    (_EQ, insertion[:o1]),
                    (_INS, insertion[o1:]),
                ]
                i += 1
            elif o2 > o1 and (o2 >= len(deletion) / 2 or o2 >= len(insertion) / 2):
                diffs[i - 1 : i + 1] = [
                    (_INS, insertion[: len(insertion) - o2]),
                    (_EQ, deletion[:o2]),
                    (_DEL, deletion[o2:]),
                ]
                i += 1
            i += 1
        i += 1
    diffs[:] = [d for d in diffs if d[1]]


def _cleanup(diffs: _Diffs, alphabet: _Alphabet) -> _Diffs:
    diffs = _eliminate(diffs, alphabet, semantic=True)
    _DMP.diff_cleanupMerge(diffs)
    _slide(diffs, alphabet.cls)
    _split_overlaps(diffs)
    # Sliding and overlaps can expose new chaff; this last pass only absorbs, never re-factors.
    return _eliminate(diffs, alphabet, semantic=False)


# --------------------------------------------------------------------------------------------
# Ops and stats


class _Piece:
    """A run being built: kind, the text it takes from each side, and its words."""

    __slots__ = ("kind", "old", "new", "words")

    def __init__(self, kind: OpKind, old: str, new: str, words: int) -> None:
        self.kind, self.old, self.new, self.words = kind, old, new, words

    def extend(self, old: str, new: str, words: int) -> None:
        self.old += old
        self.new += new
        self.words += words


def _build_ops(
    runs: Iterable[tuple[int, int]], old_tokens: list[str], new_tokens: list[str]
) -> tuple[tuple[Op, ...], DiffStats]:
    """Ops and word counts from the diff as (op, number of tokens) runs."""
    pieces: list[_Piece] = []
    ia = ib = 0
    for op, n in runs:
        if op == _DEL:
            part = old_tokens[ia : ia + n]
            pieces.append(_Piece("-", "".join(part), "", _word_count(part)))
            ia += n
        elif op == _INS:
            part = new_tokens[ib : ib + n]
            pieces.append(_Piece("+", "", "".join(part), _word_count(part)))
            ib += n
        elif old_tokens[ia : ia + n] == new_tokens[ib : ib + n]:
            part = old_tokens[ia : ia + n]
            text = "".join(part)
            if pieces and pieces[-1].kind == "=":
                pieces[-1].extend(text, text, _word_count(part))
            else:
                pieces.append(_Piece("=", text, text, _word_count(part)))
            ia += n
            ib += n
        else:
            # Equal keys: "=" where the texts are equal too, "~" where only the keys are.
            for told, tnew in zip(old_tokens[ia : ia + n], new_tokens[ib : ib + n]):
                kind: OpKind = "=" if told == tnew else "~"
                if pieces and pieces[-1].kind == kind:
                    pieces[-1].extend(told, tnew, _is_word(told))
                else:
                    pieces.append(_Piece(kind, told, tnew, int(_is_word(told))))
            ia += n
            ib += n
    merged: list[_Piece] = []
    for k, piece in enumerate(pieces):
        # A word-less "=" between two "~" runs reads as part of them: "Data Protection" ~
        # "data protection" is one run, not two.
        if (
            piece.kind == "="
            and piece.words == 0
            and merged
            and merged[-1].kind == "~"
            and k + 1 < len(pieces)
            and pieces[k + 1].kind == "~"
        ):
            piece.kind = "~"
        if merged and merged[-1].kind == piece.kind:
            merged[-1].extend(piece.old, piece.new, piece.words)
        else:
            merged.append(piece)
    counts = {"=": 0, "-": 0, "+": 0, "~": 0}
    for piece in merged:
        counts[piece.kind] += piece.words
    stats = DiffStats(
        words_inserted=counts["+"],
        words_deleted=counts["-"],
        words_unchanged=counts["="],
        words_ignored=counts["~"],
    )
    return tuple(Op(p.kind, p.old, p.new) for p in merged), stats


def _mirror(ops: tuple[Op, ...]) -> tuple[Op, ...]:
    """The diff of (new, old) from the diff of (old, new); each change still deletes first."""
    out: list[Op] = []
    for op in ops:
        kind: OpKind = "+" if op.kind == "-" else "-" if op.kind == "+" else op.kind
        mirrored = Op(kind, op.new, op.old)
        if kind == "-" and out and out[-1].kind == "+":
            out.insert(len(out) - 1, mirrored)
        else:
            out.append(mirrored)
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Entry point


def diff_words(
    old: str, new: str, options: Options = Options(), *, accelerate: bool | None = None
) -> WordDiff:
    """Word diff of ``old`` -> ``new``; lossless: the ops' old / new texts rebuild each side.

    ``accelerate``: None uses ``fast_diff_match_patch`` when importable, True requires it
    (ImportError otherwise), False uses the pure-Python back end. Both give the same result
    unless a budget is exceeded, which is reported in ``WordDiff.coarse``, never silently.
    """
    if accelerate and _fast is None:
        raise ImportError("fast_diff_match_patch is not installed (pip install fast-diff-match-patch)")
    accelerated = _fast is not None if accelerate is None else accelerate
    if old == new:
        ops = (Op("=", old, old),) if old else ()
        return WordDiff(ops, DiffStats(words_unchanged=count_words(old)))
    if not old or not new:
        return _one_sided(old, new, options)
    # Diff in one canonical direction and mirror, so swapping the texts mirrors the result
    # exactly (Myers breaks ties asymmetrically).
    if old > new:
        flipped = _diff(new, old, options, accelerated)
        s = flipped.stats
        return WordDiff(
            _mirror(flipped.ops),
            DiffStats(s.words_deleted, s.words_inserted, s.words_unchanged, s.words_ignored),
            flipped.coarse,
        )
    return _diff(old, new, options, accelerated)


def _one_sided(old: str, new: str, options: Options) -> WordDiff:
    """The diff when one side is empty (an added or removed section): all of the other side,
    as the full diff would give it, without encoding, diffing and cleaning up its tokens."""
    tokens = _tokens(old or new)
    words = _word_count(tokens)
    coarse = None
    if len(dict.fromkeys(_keys(tokens, options))) > _MAX_CODES:  # what the full diff would say
        coarse = f"replaced wholesale: more than {_MAX_CODES} distinct words"
    if new:
        return WordDiff((Op("+", "", new),), DiffStats(words_inserted=words), coarse)
    return WordDiff((Op("-", old, ""),), DiffStats(words_deleted=words), coarse)


def _diff(old: str, new: str, options: Options, accelerated: bool) -> WordDiff:
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    old_keys, new_keys = _keys(old_tokens, options), _keys(new_tokens, options)
    runs = _substitution(old_keys, new_keys, accelerated)
    if runs is not None:
        ops, stats = _build_ops(runs, old_tokens, new_tokens)
        return WordDiff(ops, stats, None)
    cache = _CACHE.get()
    # Without ignore options a key is its token, described by itself: one alphabet can serve
    # every diff of the comparison (a diff only tells codes apart), so each token is described once.
    shared = cache is not None and old_keys is old_tokens and new_keys is new_tokens
    try:
        if shared:
            assert cache is not None
            try:
                if cache.alphabet is None:
                    cache.alphabet = _Alphabet()
                alphabet = cache.alphabet
                a = alphabet.encode(old_tokens, old_keys)
                b = alphabet.encode(new_tokens, new_keys)
            except _AlphabetFull:  # full of other diffs' tokens: start afresh
                alphabet = cache.alphabet = _Alphabet()
                a = alphabet.encode(old_tokens, old_keys)
                b = alphabet.encode(new_tokens, new_keys)
        else:
            alphabet = _Alphabet()
            a = alphabet.encode(old_tokens, old_keys)
            b = alphabet.encode(new_tokens, new_keys)
    except _AlphabetFull:
        ops = tuple(op for op in (Op("-", old, ""), Op("+", "", new)) if op.old or op.new)
        stats = DiffStats(words_inserted=count_words(new), words_deleted=count_words(old))
        return WordDiff(ops, stats, f"replaced wholesale: more than {_MAX_CODES} distinct words")
    if accelerated and _fast is not None and _fast.CHAR_WIDTH == 2 and max(a + b, default="") >= "\U00010000":
        accelerated = False  # a 2-byte wchar_t build (Windows) cannot take code points past U+FFFF
    if a == b:
        diffs: _Diffs = [(_EQ, a)]
        coarse = None
    else:
        diffs, coarse = _token_diff(a, b, alphabet, accelerated)
        diffs = _cleanup(diffs, alphabet)
    ops, stats = _build_ops([(op, len(s)) for op, s in diffs], old_tokens, new_tokens)
    return WordDiff(ops, stats, coarse)


SUBSTITUTION_TOKENS: int = 1_000
"""Most differing tokens (both sides) a one-stretch substitution is read off directly
(``_substitution``); 0 sends every diff through the back ends. Within every back end's budget."""


def _substitution(old_keys: list[str], new_keys: list[str], accelerated: bool) -> list[tuple[int, int]] | None:
    """The diff, as (op, token count) runs, when the keys differ in one stretch whose two sides
    share no key (a renumbered title, one word replaced): equal before, delete the old stretch,
    insert the new one, equal after. Else None.

    That is what the back ends and the cleanup give such a pair: diff-match-patch trims the common
    prefix and suffix, and two strings with no common character diff to "delete all, insert all";
    cleanup finds no equality between changes to absorb, no lone edit to slide, no common prefix,
    suffix or overlap of the deletion and the insertion. Read off, it skips encoding the tokens,
    the back end and the cleanup (most changed pairs of a long comparison are of this kind)."""
    shorter = min(len(old_keys), len(new_keys))
    prefix = 0
    while prefix < shorter and old_keys[prefix] == new_keys[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shorter - prefix and old_keys[-1 - suffix] == new_keys[-1 - suffix]:
        suffix += 1
    deleted, inserted = len(old_keys) - prefix - suffix, len(new_keys) - prefix - suffix
    if not (deleted and inserted) or deleted + inserted > SUBSTITUTION_TOKENS:
        return None
    # The pure back end's budget must hold "delete all, insert all" without a shared character
    # (its bisection runs every edit distance up to half the length), as the accelerated one's does.
    if deleted + inserted + (deleted + inserted + 4) ** 2 > (ACCEL_MAX_TOKENS**2 if accelerated else PURE_BUDGET):
        return None
    if len(old_keys) + len(new_keys) > _MAX_CODES:
        return None  # more distinct tokens than code points: replaced wholesale instead
    if not set(old_keys[prefix : prefix + deleted]).isdisjoint(new_keys[prefix : prefix + inserted]):
        return None
    runs = [(_EQ, prefix), (_DEL, deleted), (_INS, inserted), (_EQ, suffix)]
    return [run for run in runs if run[1]]
