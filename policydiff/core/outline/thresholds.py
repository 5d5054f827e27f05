"""Every number the outline rules use, in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """The outline engine's thresholds. Counts of words are of the line's plain text."""

    max_title_words: int = 16
    """Most words in a title set in bold or italic, or written as a list item: a longer emphasised
    line is a sentence in bold (a warning, a lead-in)."""
    title_period_words: int = 8
    """A bold title of up to this many words may end with a full stop (``Cookies.``); a longer one
    that does is a sentence."""
    numbered_period_words_title_case: int = 14
    """A numbered line in title case may end with a full stop up to this many words
    (``4. Limitation Of Liability And Indemnity.``)."""
    numbered_period_words_bold: int = 8
    """... and a numbered bold line not in title case up to this many."""
    numbered_period_words_plain: int = 6
    """... and a numbered plain line up to this many (a numbered sentence ends with a full stop)."""
    label_repeats: int = 3
    """A bold line whose words stand this often in the document is a label (``In short``), not a
    section; so is the line below an empty declared heading when that many such lines repeat."""
    number_restart_reach: int = 200
    """How many blocks ahead a ``1.`` looks for the ``2.`` that makes it the start of a second
    sequence numbered afresh."""
    address_line_words: int = 2
    """A line of at most this many words inside a block of short lines is one line of an address or
    signature, not a title over the prose below."""

    question_run: int = 3
    """This many questions one after another with nothing between them are a list of questions
    (answers folded away); two may be a question over its one sub-question."""
    lead_in_items: int = 2
    """This many short plain lines (at least) after a line ending in a colon are the items of the
    list it introduces, so the next short line is its last item, not a title."""

    label_words: int = 4
    """Most words in a plain label ending in a colon (``Session cookies:``) that can head the prose
    below it; a longer line ending in a colon is a lead-in."""
    label_siblings: int = 2
    """This many such labels over prose under one heading (a set of parallel kinds or routes) make
    them sections; one alone (``Please note:``) is a lead-in."""

    contents_run: int = 3
    """This many declared headings in a row with no text between them, half of them repeating a
    heading declared further down, are a table of contents."""


DEFAULT = Thresholds()
"""The thresholds the engine runs with unless told otherwise."""
