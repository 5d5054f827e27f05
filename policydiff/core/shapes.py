"""What a line looks like: the shape tests that structure recovery shares between markdown and plain
text. They judge form (length, case, punctuation, numbering, dates), never particular wordings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from policydiff.core.sections import split_number

MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DATE = (
    rf"(?:{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 1, 2002
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS},?\s+\d{{4}}"  # 31 December 2019
    rf"|{MONTHS},?\s+\d{{4}}"  # September 2024
    r"|\d{4}-\d{1,2}-\d{1,2}"  # 2018-05-25
    r"|\d{1,2}\s*[./]\s*\d{1,2}\s*[./]\s*\d{2,4})"  # 21.5. 2018, 05/25/2018
)
DATE_CUES = (  # strongest first: a "last updated" line beats an "established" line
    r"last\s+(?:updated?|modified|revised|changed|amended|reviewed)",
    r"effective(?:\s+date)?|effective\s+as\s+of",
    r"(?:revised|updated|modified)(?:\s+on)?",
)
# (Every date starts with a month's first letter or a digit: the lookahead, a set of characters,
# turns down the other places at once, where the pattern itself tries every month name at each.)
_DATE_RE = re.compile(rf"(?=[jfmasond\d]){DATE}", re.IGNORECASE)
_CUED_DATE_RES = tuple(  # one per cue, strongest first
    re.compile(rf"\b(?:{cue})\b\s*(?:on|as of|:|-|\u2013)?\s*:?\s*\**\s*:?\s*({DATE})", re.IGNORECASE)
    for cue in DATE_CUES
)
# Every DATE has a four-digit year or figures split by "." or "/": a cheap test that rules most
# lines out before the date pattern itself (slow: it tries every month name at every character).
_DATE_FIGURES_RE = re.compile(r"\d(?:\d{3}|\s*[./]\s*\d)")
_DIGIT_RE = re.compile(r"\d")
_SPACES_RE = re.compile(r"\s+")
_WWW_RE = re.compile(r"\bwww\.")
_DOTTED_RE = re.compile(r"\d+(?:\.\d+)*")
_ANY_CUE_RE = re.compile(
    r"\b(?:" + "|".join(DATE_CUES) + r"|dated?|version|as of|in effect|valid from|published)\b", re.IGNORECASE
)
SENTENCE_END = ".!?"
_NON_WORD_RE = re.compile(r"[\W_]+")
_LETTERS_RE = re.compile(r"[^\W\d_]{2,}")
# A link's text holds no "[": each try stops at the next one, so a run of "[" costs linear time.
_LINK_RE = re.compile(r"\[([^\[\]]*)\]\([^)]*\)")
_ESCAPED_RE = re.compile(r"\\(.)")
_EMPHASIS_RE = re.compile(r"\*\*|__|\*|_")
NAVIGATION_RE = re.compile(
    r"^(?:(?:back|return|go) to (?:the )?top(?: of (?:the |this )?page)?|(?:page )?top of (?:the |this )?page"
    r"|page top|to top|you are here"
    r"|skip to (?:main )?content|skip navigation|print(?: this page)?|share this page|breadcrumbs?)\W*$",
    re.IGNORECASE,
)
"""A page's navigation line (``Back to top``, ``Skip to content``): set aside, never a section."""
TRAILING_FUNCTION_WORDS = frozenset(
    "a an the of to and or nor for with when by in on at as that which if your our their its is are from "
    "such than whether where".split()
)


def may_hold_figure(text: str) -> bool:
    """Whether ``text`` may hold a figure: an ASCII digit, or any non-ASCII character (other
    scripts' digits). (Ten substring scans, several times quicker than a pattern stepping through
    every character; written out, as ``any(map(...))`` over the digits took five times as long.)"""
    return not text.isascii() or (
        "0" in text or "1" in text or "2" in text or "3" in text or "4" in text
        or "5" in text or "6" in text or "7" in text or "8" in text or "9" in text
    )


def find_date(lines: Sequence[str]) -> str | None:
    """The date a policy states for itself, as written (``March 1, 2002``)."""
    dated = [line for line in lines if may_hold_figure(line) and _DATE_FIGURES_RE.search(line)]
    for pattern in _CUED_DATE_RES:
        for line in dated:
            match = pattern.search(line)
            if match:
                return _SPACES_RE.sub(" ", match.group(1)).strip()
    return None


def is_date_stamp(plain: str) -> bool:
    """A line that only dates the document: ``Effective June 10, 2022``, ``Last update: 01/02/2023``,
    ``This Privacy Statement is effective as of 31 December 2019.``"""
    if len(plain) > 160 or not _DATE_FIGURES_RE.search(plain):  # a stamp is short and has a date
        return False
    date = _DATE_RE.search(plain)
    if date is None:
        return False
    rest = (plain[: date.start()] + plain[date.end() :]).strip(" .:-\u2013()*_")
    return not rest or (_ANY_CUE_RE.search(rest) is not None and len(rest.split()) <= 10)


def plain(text: str) -> str:
    """Text without markdown emphasis, escapes, link targets and pipes, for judging a line's shape."""
    if "[" in text:
        text = _LINK_RE.sub(r"\1", text)
    if "\\" in text:
        text = _ESCAPED_RE.sub(r"\1", text)
    if "*" in text or "_" in text:
        text = _EMPHASIS_RE.sub("", text)
    return " ".join(text.split())


def is_heading_text(text: str, *, allow_period: bool, max_words: int = 14) -> bool:
    """Short, starts like a title, and does not end like a sentence, a lead-in or a wrapped line."""
    if len(text) > 8 * max_words:  # (before splitting: most lines judged are long paragraphs)
        return False
    words = text.split()
    if not 1 <= len(words) <= max_words:
        return False
    # An address or link on its own line is content. (Substring tests first: an alternation with no
    # common first character makes the pattern try each branch at every character.)
    if "@" in text or "://" in text or ("www." in text and _WWW_RE.search(text)):
        return False
    if not _LETTERS_RE.search(text):  # a number, a code or a time stamp, not a title
        return False
    first = text.lstrip("\"'\u201c\u2018(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    last = text[-1]
    if last in ",;:" or (last == "." and not allow_period):
        return False
    # A heading does not stop on a function word; a line that does is a wrapped sentence.
    # (Case-sensitive: "Part A" ends on a label, "the data of a" on a word.)
    if text.isupper() and len(words) >= 12:  # a long ALL-CAPS line is a wrapped legal paragraph
        return False
    last_word = words[-1]
    if text.isupper() and len(last_word) > 1:  # ALL-CAPS text wraps on "OR", "THE" too
        last_word = last_word.lower()
    return last_word not in TRAILING_FUNCTION_WORDS


def is_title_case(text: str) -> bool:
    """Every longer word capitalised, as in a title ("Creator Conduct Requirements"), where a
    sentence or a lead-in ("We may share it with") has lower-case words."""
    long_words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 4]
    return len(long_words) >= 2 and all(w[0].isupper() for w in long_words)


def is_prose(text: str) -> bool:
    """A sentence or paragraph of running text, not another short label."""
    words = text.split()
    if not words:
        return False
    # Ends like a sentence, or is long; a mid-length line counts when it has no figures (an address does).
    if text[-1] in SENTENCE_END + ":;":
        return len(words) >= 4  # "Hitachi, Ltd." closes a signature block, not a sentence
    return len(words) >= 12 or (len(words) >= 7 and not _DIGIT_RE.search(text))


def title_key(text: str) -> str:
    """A title compared without markup, numbering, case or punctuation (to find a TOC's targets)."""
    return bare_title_key(split_number(plain(text))[1])


def bare_title_key(bare: str) -> str:
    """``title_key`` of a title already without markup and numbering."""
    lowered = bare.lower()
    # (Most titles are words between single spaces: already their own key, no pattern needed.)
    if "  " not in lowered and lowered.replace(" ", "").isalnum():
        return lowered.strip()
    return " ".join(_NON_WORD_RE.split(lowered)).strip()


def dotted(number: str | None) -> tuple[int, ...]:
    """The parts of a hierarchical number as integers: ``6.1`` -> (6, 1); ``3.a.ii`` -> (3, 1, 2)
    (a letter below a number, a lower-case roman numeral below a letter); () for other numbers."""
    if not number:
        return ()
    if _DOTTED_RE.fullmatch(number):
        return tuple(map(int, number.split(".")))
    match = re.fullmatch(r"(\d+)\.([a-z])(?:\.([ivx]+))?", number)
    if not match:
        return ()
    digits, letter, roman = match.groups()
    return (int(digits), ord(letter) - ord("a") + 1) + ((_roman(roman),) if roman else ())


def _roman(numeral: str) -> int:
    """Value of a lower-case roman numeral, also written additively (``iiii``)."""
    values = [{"i": 1, "v": 5, "x": 10}[c] for c in numeral]
    return sum(-v if v < following else v for v, following in zip(values, values[1:] + [0]))


@dataclass
class Numbering:
    """The numbering context that numbered headings must continue."""

    top: list[int] = field(default_factory=list)
    """Numbers of depth-1 numbered headings seen so far."""
    current: tuple[int, ...] = ()
    """Full number of the last dotted heading (``(6, 1)`` for 6.1)."""

    def declare(self, number: str | None) -> None:
        """A declared heading carrying a number sets the context others continue."""
        self.declare_parts(dotted(number))

    def declare_parts(self, parts: tuple[int, ...]) -> None:
        """``declare`` of a number already split into its parts (``dotted``)."""
        if parts:
            self.current = parts
            if len(parts) == 1:
                self.top.append(parts[0])

    def restart(self) -> None:
        """A new sequence starts at 1 (a second part of the document, numbered afresh)."""
        self.top, self.current = [], ()

    def depth(self, number: str, rest: str, *, allow_period_words: int = 6, max_words: int = 14) -> int:
        """Depth of a numbered heading line (1 for ``6``, 2 for ``6.1``), 0 when the numbering or the
        shape says it is not one; -1 for ``(a)``, ``A.``, ``IV.`` (one below the enclosing number)."""
        if not is_heading_text(rest, allow_period=len(rest.split()) <= allow_period_words, max_words=max_words):
            return 0
        parts = dotted(number)
        if not parts:
            return -1
        if len(parts) == 1:
            previous = self.top[-1] if self.top else 0
            if not previous < parts[0] <= previous + 3:
                return 0
            self.top.append(parts[0])
        else:
            if parts[:-1] != self.current[: len(parts) - 1]:  # 6.1 only inside 6
                return 0
            if self.top and parts[0] != self.top[-1]:
                return 0
        self.current = parts
        return len(parts)
