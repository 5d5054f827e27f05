"""A heading's numbering ("6.1", "(a)", "IV."): split from its title, or stripped.

Apart from :mod:`policydiff.core.sections` (which re-exports it) so that the model's
``Section.bare_title`` uses it with no import cycle: this module imports nothing of the package.
"""

from __future__ import annotations

import re

# Numbering at the start of a heading: "1.", "1.Site", "6.1", "12.10", "(1)", "A.", "IV.", "Article 3".
NUMBER_RE = re.compile(
    r"""^\s*(?:
        (?P<dotted>\d{1,3}(?:\.\d{1,3})*                                 # 1.  1.Site  6.1  12.10  3)
            (?:\.[a-z](?=[.)\s])(?:\.[ivx]{1,5}(?=[.)\s]))?)?)               # 2.a.Title  3.a.ii.Title
        (?:\.|\)|(?=\s)|(?=[A-Za-z]))
      | \((?P<paren>\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})\)                    # (1) (a) (iv)
      | (?P<roman>[IVX]{2,5}|[ivx]{2,5})\.(?=\s)                         # IV.  ii.
      | (?P<letter>[A-Za-z])[.)](?=\s)                                  # A.  B)  a.  i.
    )\s*""",
    re.VERBOSE,
)


def split_number(title: str) -> tuple[str | None, str]:
    """Split ``'6.1 International Data Transfers'`` into ``('6.1', 'International Data Transfers')``."""
    first = title[:1]
    if first.isascii() and first.isalpha() and first not in "IVXivx" and title[1:2] not in (".", ")"):
        # A number starts with a digit, "(", a roman numeral's letter or a letter before "." or
        # ")": a title starting with any other letter has none, and skips the pattern's branches.
        return None, title.strip()
    match = NUMBER_RE.match(title)
    if not match or match.end() >= len(title):
        return None, title.strip()
    dotted, paren, letter, roman = match.group("dotted", "paren", "letter", "roman")
    number = dotted or (f"({paren})" if paren else None) or letter or roman
    return number, title[match.end() :].strip()


def strip_number(title: str) -> str:
    """The title without its numbering: a renumbering alone is not a rename."""
    return split_number(title)[1]
