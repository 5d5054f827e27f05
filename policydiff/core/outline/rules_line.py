"""Rules on paragraph lines: which are headings the markup does not declare. They run in order on
each line; the first to give a verdict decides (see ``engine.LINE_RULES``)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from policydiff.core.outline.block import COLON, Block, FIGURE, carries_on, has_word, next_index, requires, short_line
from policydiff.core.outline.lines import (
    followed_by_text_or_child,
    next_number,
    opens_numbering,
    over_subsection,
    sibling_of_previous,
)
from policydiff.core.outline.lists import links_only, opens_with_anchors
from policydiff.core.outline.state import OutlineState, Verdict
from policydiff.core.sections import split_number
from policydiff.core.shapes import (
    NAVIGATION_RE,
    SENTENCE_END,
    TRAILING_FUNCTION_WORDS,
    dotted,
    is_heading_text,
    is_prose,
    is_title_case,
    title_key,
)

_DIGIT_RE = re.compile(r"\d")


def _unremarkable(state: OutlineState, i: int) -> bool:
    """A line too long to pass for a title, a sentence, or a line with no letter is not
    heading-like: a rule's "no" on it is not worth a decision. A shorter one's is recorded, so ``--explain`` names the rule
    that turned down every line a reader might take for a heading."""
    text, limit = state.blocks[i].text, state.thresholds.max_title_words
    if len(text) > 8 * limit:  # (before splitting: most lines turned down are long paragraphs)
        return True
    words = len(text.split())
    # A sentence (longer than a title that may end with a full stop) is no title either.
    sentence = text[-1:] in SENTENCE_END and not text.endswith("?") and words > state.thresholds.title_period_words
    return words > limit or sentence or not any(c.isalpha() for c in text)


def navigation_line(state: OutlineState, i: int) -> Verdict | None:
    """A page's navigation line (``Back to top``, ``Skip to content``) is set aside."""
    if NAVIGATION_RE.match(state.blocks[i].text):
        return Verdict(False, "navigation phrase", metadata="navigation", quiet=True)
    return None


def _label_over_prose(state: OutlineState, i: int) -> bool:
    """A short plain title-shaped label ending in a colon, directly over a sentence of prose that
    is not itself a lead-in."""
    block = state.blocks[i]
    if block.kind != "line" or block.emphasis or block.link_only or block.in_table or block.metadata:
        return False
    text = block.text
    if not text.endswith(":") or len(text.split()) > state.thresholds.label_words:
        return False
    if split_number(text)[0] is not None or not is_heading_text(text[:-1], allow_period=False):
        return False
    k = next_index(state.blocks, i)
    if k is None:
        return False
    following = state.blocks[k]
    return (following.kind == "line" and not following.emphasis and is_prose(following.text)
            and not following.text.endswith(":") and not carries_on(following.text))


def _sibling_labels(state: OutlineState) -> set[int]:
    candidates = [k for k, block in enumerate(state.blocks) if block.kind == "line" and _label_over_prose(state, k)]
    # A label that recurs (``For example:``) is a lead-in phrase, where parallel kinds differ.
    repeats = Counter(title_key(state.blocks[k].text) for k in candidates)
    found: set[int] = set()
    group: list[int] = []
    boundaries = [k for k, block in enumerate(state.blocks) if block.kind == "heading"]
    for k in candidates:
        if repeats[title_key(state.blocks[k].text)] > 1:
            continue
        if group and bisect_left(boundaries, k) != bisect_left(boundaries, group[-1]):  # a heading between
            if len(group) >= state.thresholds.label_siblings:
                found.update(group)
            group = []
        group.append(k)
    if len(group) >= state.thresholds.label_siblings:
        found.update(group)
    return found


@requires(COLON)
def label_over_prose(state: OutlineState, i: int) -> Verdict | None:
    """Plain labels ending in a colon, each over its own prose (``Session cookies:`` / ``Persistent
    cookies:``; ``Online:`` / ``Mail:``), are parallel subsections when two or more stand under one
    declared heading; a single one (``Please note:``) is a lead-in, and a label over a further
    lead-in or an address is no title."""
    if state.labels_over_prose is None:
        state.labels_over_prose = _sibling_labels(state)
    if i in state.labels_over_prose:
        return Verdict(True, "one of parallel plain labels, each over its own prose", kind="line")
    return None


def heading_shape(state: OutlineState, i: int) -> Verdict | None:
    """Only a heading-shaped line is judged further: short, starting like a title, not ending like a
    sentence or a lead-in (a bold title may end in a colon over text, or when written in title case
    over a list); a numbered line is judged by its text after the number."""
    block, following = state.blocks[i], state.following
    text, limits = block.text, state.thresholds
    colon_title = block.emphasis and text.endswith(":") and following is not None and (
        following.kind == "line" or is_title_case(text[:-1])
        or following.kind == "list" and not completed_by_list(text[:-1])
    )
    shape = text[:-1] if colon_title else text
    shaped = (
        is_heading_text(shape, allow_period=len(shape.split()) <= limits.title_period_words,
                        max_words=limits.max_title_words)
        if block.emphasis
        else is_heading_text(text, allow_period=False)
    )
    # A number that may carry the numbering on lets the title after it run as long as any title.
    if shaped or (state.number is not None and is_heading_text(state.rest, allow_period=True,
                                                                max_words=limits.max_title_words)):
        return None
    return Verdict(False, "not shaped like a title", quiet=_unremarkable(state, i))


_LEAD_IN_WORDS = frozenset(
    "must should shall can cannot may might will would could include includes including following "
    "below means mean".split()
)
"""Words that leave a sentence open for the list below to finish (a modal verb, "include"):
a lead-in, not a title."""
_IMPERATIVE_STARTS = frozenset(
    "do don't don’t never please avoid when whenever if unless where before after while once because".split()
)
"""First words of an instruction whose objects the list gives ("Do not post or share:"), or of a
clause whose sentence the list finishes ("When you create an account:")."""


def completed_by_list(text: str) -> bool:
    """The words before a colon are a sentence the list below finishes ("Live broadcasts must:",
    "Severe violations include:", "… should not be used to:"), not a title naming what the list
    holds ("Examples of content that is considered adult:")."""
    words = [w.strip(".,;()\"'").lower() for w in text.split()]
    return bool(words) and (
        words[-1] in TRAILING_FUNCTION_WORDS or any(w in _LEAD_IN_WORDS for w in words)
        or words[0] in _IMPERATIVE_STARTS
    )


def table_cell(state: OutlineState, i: int) -> Verdict | None:
    """An unnumbered line of a table's cells is never a section: header cells, first-column labels,
    group rows and terms of a glossary are not titles. (A numbered title in a page laid out as a
    table, ``(1) IP Address``, is judged by its numbering before this rule.)"""
    return Verdict(False, "text of a table cell") if state.blocks[i].in_table else None


def link_only(state: OutlineState, i: int) -> Verdict | None:
    """A line that is only links (or images) is navigation or a reference, not a section."""
    return Verdict(False, "link only, not a section") if state.blocks[i].link_only else None


def parenthesised_note(state: OutlineState, i: int) -> Verdict | None:
    """A line wholly in parentheses is a note, not a section."""
    text = state.blocks[i].text
    if text.startswith("(") and text.endswith(")") and state.number is None:
        return Verdict(False, "parenthesised note, not a section")
    return None


@requires(FIGURE)
def date_stamp_line(state: OutlineState, i: int) -> Verdict | None:
    """A line that only dates the document (``Effective: May 1, 2024``) is set aside."""
    if state.blocks[i].date_stamp:
        return Verdict(False, "date stamp, not a section", metadata="date stamp")
    return None


def contents_entry(state: OutlineState, i: int) -> Verdict | None:
    """A plain line repeating a heading that stands further down is an entry of a table of contents:
    a repeat that comes before the text it names. Not when the line heads text of its own and the
    repeat below heads none (a closing "Up next" link to the first topic, with only links or nothing
    after it): there the line is the heading, and the repeat is navigation."""
    block = state.blocks[i]
    later = state.later.get(title_key(block.text), -1)
    if later > i and not block.emphasis and not (_over_prose(state, i) and not _heads_own_text(state.blocks, later)):
        return Verdict(False, "contents entry: the heading stands below", metadata="table of contents")
    return None


def _heads_own_text(blocks: list[Block], i: int) -> bool:
    """Block ``i`` heads something of its own: the next block with a word in it is no line or list
    of links only (a "Read next" link), and there is one (the document's end heads nothing)."""
    k = next_index(blocks, i)
    if k is None:
        return False
    below = blocks[k]
    return not (below.link_only or below.kind == "list" and links_only(below))


def repeated_label(state: OutlineState, i: int) -> Verdict | None:
    """Words set in bold before many sections (``In short``), or standing as a plain line of their
    own as often over no prose of their own (an author's byline over each article's date), are a
    label, not a section."""
    block = state.blocks[i]
    key = title_key(block.text)
    count = state.label_counts[key]
    following = state.following
    # (A plain title repeated in every chapter over its own text, "Examples", stays one; a label
    # over a list of links only is link_list_label's to explain.)
    if not block.emphasis and not (following is not None and (
        following.kind == "line" and is_prose(following.text) or following.kind == "list" and links_only(following)
    )):
        if state.plain_counts is None:  # (only lines short enough to be titles can be labels)
            limit = 8 * state.thresholds.max_title_words
            state.plain_counts = Counter(
                title_key(b.text) for b in state.blocks
                if b.kind == "line" and len(b.text) <= limit and not b.emphasis and b.paragraph_start
            )
        count = max(count, state.plain_counts[key])
    if count >= state.thresholds.label_repeats:
        return Verdict(False, f"repeated label ({count} times), not a section")
    return None


def _numbered_depth(state: OutlineState, i: int) -> int:
    """The depth of line ``i``'s number in the numbering it stands in (0: it does not continue it),
    worked out once per line for the numbered rules: reading it moves the numbering on. A ``1.``
    followed by a ``2.`` after a numbered sequence starts a second sequence."""
    if state.numbered_line == i:
        return state.numbered_line_depth
    number, blocks, limits = state.number or "", state.blocks, state.thresholds
    if dotted(number) == (1,) and state.numbering.top and next_number(blocks, i, limits.number_restart_reach) == (2,):
        state.numbering.restart()
    depth = state.numbering.depth(number, state.rest, allow_period_words=_period_words(state, i),
                                  max_words=state.thresholds.max_title_words)
    state.numbered_line, state.numbered_line_depth = i, depth
    return depth


def _period_words(state: OutlineState, i: int) -> int:
    """How many words a numbered title ending with a full stop may have: a numbered sentence ends
    with one too; a title that does is written in title case."""
    limits = state.thresholds
    if is_title_case(state.rest):
        return limits.numbered_period_words_title_case
    return limits.numbered_period_words_bold if state.blocks[i].emphasis else limits.numbered_period_words_plain


def _heads_text(state: OutlineState, i: int, number: str) -> bool:
    """The numbered line heads text or its own first subsection, or carries on the numbered heading
    before it with something below it."""
    following = state.following
    return followed_by_text_or_child(state.blocks[i], following, number) or (
        sibling_of_previous(number, state.blocks, i) and following is not None
    )


def clause_numbering_carried_on(state: OutlineState, i: int) -> Verdict | None:
    """A numbered title that does not continue the numbered titles, numbered one past the numbered
    paragraphs above it (``12. Applicable law`` after clauses ``1.`` to ``11.`` that start with
    their text), heads text: the clauses, not titles, carried the numbering on."""
    number = state.number
    if number is None or _numbered_depth(state, i):
        return None
    if not continues_numbered_paragraphs(state, i, number, _period_words(state, i)) or not _heads_text(
        state, i, number
    ):
        return None
    state.numbering.declare(number)
    return Verdict(True, "numbered title line continuing the numbered paragraphs above it", kind="numbered", depth=1)


def numbered_over_subsection(state: OutlineState, i: int) -> Verdict | None:
    """A numbered title line that continues the numbering, with no text of its own before its
    first subsection, an unnumbered title over prose (``2. General Policies`` over **Prohibited
    practices**; ``1. Overview`` over the plain ``Understanding our standards``), heads it, as it
    would a numbered first subsection. (Its own kind of markup: a plain subsection under a plain
    numbered line, or a bold or italic one.)"""
    number = state.number
    if number is None or not _numbered_depth(state, i) or _heads_text(state, i, number):
        return None
    for emphasised, kind in ((True, "a bold or italic title"), (False, "a plain title")):
        if over_subsection(state.blocks, i, state.following, emphasised=emphasised):
            return Verdict(True, f"numbered title line over its first subsection, {kind} over text",
                           kind="numbered", depth=state.numbered_line_depth)
    return None


def numbered_title(state: OutlineState, i: int) -> Verdict | None:
    """A numbered title line is a heading when its number continues the numbering it stands in
    (``4.`` after ``3.``, ``4.1`` inside ``4.``) and it heads text or its own first subsection; a
    ``1.`` followed by a ``2.`` after a numbered sequence starts a second sequence."""
    number, block = state.number, state.blocks[i]
    if number is None:
        return None
    depth = _numbered_depth(state, i)
    if not depth:
        return Verdict(False, "numbered line that does not continue the numbering")
    if not _heads_text(state, i, number):
        if block.text.endswith("?") and dotted(number) == ():
            return None  # a lettered question ("Q. How do you ...?" over "A. We ..."): judged as a question
        return Verdict(False, "numbered line with no text of its own (a list or contents)")
    return Verdict(True, "numbered title line" + (" (bold)" if block.emphasis else ""), kind="numbered", depth=depth)


def continues_numbered_paragraphs(state: OutlineState, i: int, number: str, allow_period_words: int) -> bool:
    """A title-shaped line numbered ``n`` (one part) whose closest numbered paragraph above it, a
    clause that starts with its text (``11. The Services are provided ...``), is numbered ``n - 1``,
    past every numbered title so far: a numbered agreement whose clauses are paragraphs, and whose
    one titled clause carries their numbering on."""
    parts = dotted(number)
    rest = state.rest
    if len(parts) != 1 or not is_heading_text(rest, allow_period=len(rest.split()) <= allow_period_words):
        return False
    if state.numbering.top and parts[0] <= state.numbering.top[-1] + 1:
        return False  # (the numbered titles' own sequence decides there)
    blocks = state.blocks
    for k in range(i - 1, max(-1, i - 1 - state.thresholds.number_restart_reach), -1):
        above = blocks[k]
        if above.kind != "line" or above.rank:
            if above.rank:
                return False  # a heading between: the clauses above belong to it
            continue
        before, words = split_number(above.text)
        if len(dotted(before)) != 1 or not any(c.isalpha() for c in words):
            continue  # (a lettered or deeper clause, a page number, a lone figure)
        return dotted(before) == (parts[0] - 1,) and is_prose(above.text)
    return False


def last_line(state: OutlineState, i: int) -> Verdict | None:
    """An unnumbered line with nothing after it heads nothing."""
    return Verdict(False, "nothing follows", quiet=_unremarkable(state, i)) if state.following is None else None


def bold_over_numbered_sections(state: OutlineState, i: int) -> Verdict | None:
    """A bold line over a title numbered 1 is a chapter: its numbered sections count from 1 under it."""
    if state.blocks[i].emphasis and opens_numbering(state.following):
        return Verdict(True, "bold line over the first of its numbered sections", kind="parent")
    return None


def bold_label_run(state: OutlineState, i: int) -> Verdict | None:
    """Bold short lines one after another are labels (an address, a signature), not sections."""
    block, following, blocks = state.blocks[i], state.following, state.blocks
    if not block.emphasis or following is None:
        return None
    if following.kind == "line" and following.emphasis and short_line(following.text):
        return Verdict(False, "bold line over another bold line (a run of labels)")
    if i >= 2 and all(
        b.kind == "line" and b.emphasis and short_line(b.text) and not b.rank for b in blocks[i - 2 : i]
    ):
        return Verdict(False, "last bold line of a run of labels (an address, a signature)")
    return None


def bold_over_text(state: OutlineState, i: int) -> Verdict | None:
    """A title-shaped line all in bold or italic heads the text below it."""
    if state.blocks[i].emphasis:
        return Verdict(True, "bold or italic line over text", kind="line")
    return None


def _previous_index(state: OutlineState, i: int) -> int | None:
    """The block before ``i`` with a word in it."""
    for k in range(i - 1, -1, -1):
        if has_word(state.blocks[k].text):
            return k
    return None


def _is_question_line(state: OutlineState, k: int | None) -> bool:
    block = state.blocks[k] if k is not None else None
    return block is not None and block.kind == "line" and not block.link_only and block.text.endswith("?")


def question_title(state: OutlineState, i: int) -> Verdict | None:
    """A title-shaped question heads what follows it (a Q&A page): a list, a paragraph of prose, or a
    short plain title over prose (the first of the answers' sub-titles, which it heads)."""
    following, blocks = state.following, state.blocks
    if following is None or not blocks[i].text.endswith("?"):
        return None
    if following.kind == "list":
        return Verdict(True, "question over a list", kind="line")
    if following.kind == "line" and is_prose(following.text) and not carries_on(following.text):
        return Verdict(True, "question over prose", kind="line")
    if over_subsection(blocks, i, following):
        return Verdict(True, "question over its first subsection", kind="line")
    return None


def plain_title_shape(state: OutlineState, i: int) -> Verdict | None:
    """A plain line with figures or a colon is not a title; nor an exclamation of more than one
    word (a greeting; "Welcome!" alone over the text it opens is a title)."""
    text = state.blocks[i].text
    if _DIGIT_RE.search(text) or ":" in text or text.endswith("!") and len(text.split()) > 1:
        return Verdict(False, "plain line with figures, a colon or an exclamation", quiet=_unremarkable(state, i))
    return None


def sentence_carries_on(state: OutlineState, i: int) -> Verdict | None:
    """A line whose sentence goes on in lower case below it was cut by a page's width, or is the
    term a glossary's definition goes on from (**Personal Data** over "means any information …"),
    in bold or not: a heading's text starts a sentence of its own."""
    following = state.following
    if following is not None and following.kind == "line" and carries_on(following.text):
        return Verdict(False, "line whose sentence goes on below it (cut by the page's width, or a defined term)")
    return None


def _sentence(text: str) -> bool:
    """Ends like a sentence or runs long: no item of a list of names (where ``is_prose`` also takes
    a seven-word name, "U.S. Department of Housing and Urban Development", for running text)."""
    return text[-1:] in SENTENCE_END or len(text.split()) >= 12


def list_as_paragraphs(state: OutlineState, i: int) -> Verdict | None:
    """A list recorded as paragraphs (its bullets lost, or its answers folded away) is a list: its
    lines head nothing. Two shapes say a run of one-line paragraphs is a list: three or more
    questions with nothing between them (an FAQ's collapsed questions: a question that heads
    something is followed by its answer, or by one sub-question at most), and two or more short
    title-shaped lines after a line ending in a colon, whose last line is the list's last item, not
    a title over the prose after the list."""
    block = state.blocks[i]
    if block.emphasis or state.number is not None:
        return None
    limits = state.thresholds
    if block.text.endswith("?") and not block.link_only:
        run, k = 1, _previous_index(state, i)
        while _is_question_line(state, k) and run < limits.question_run:
            run, k = run + 1, _previous_index(state, k)  # type: ignore[arg-type]
        k = next_index(state.blocks, i)
        while _is_question_line(state, k) and run < limits.question_run:
            run, k = run + 1, next_index(state.blocks, k)  # type: ignore[arg-type]
        if run >= limits.question_run:
            return Verdict(False, f"one of {run}+ questions with nothing between them (a list of questions)")
    if _DIGIT_RE.search(block.text) or ":" in block.text:
        return None  # (a list item names a thing; figures and colons are an address's, a label's)
    run, k = 0, _previous_index(state, i)
    while k is not None:
        above = state.blocks[k]
        if above.kind != "line" or above.emphasis or above.rank or above.link_only or not above.paragraph_start or (
            _sentence(above.text) or not is_heading_text(above.text, allow_period=False)
            or _DIGIT_RE.search(above.text) or ":" in above.text
        ):
            break  # (an item is a title-shaped line of its own: not a link, a sentence, an address line)
        run, k = run + 1, _previous_index(state, k)
    if k is not None and run >= limits.lead_in_items and state.blocks[k].kind == "line" and (
        state.blocks[k].text.endswith(":")
    ):
        return Verdict(False, f"last of {run + 1} short lines after a lead-in ending in a colon (a list)")
    return None


def prose_below_title(state: OutlineState, i: int) -> Verdict | None:
    """A plain line that stands right below a plain title, where it was the prose that made that
    line a title, is the title's first sentence (a deck, a summary), not a section of its own: one
    line cannot be both the text under a title and a title."""
    block, k = state.blocks[i], _previous_index(state, i)
    if block.emphasis or state.number is not None or k is None or not is_prose(block.text):
        return None
    above = state.blocks[k]
    if above.kind == "line" and above.rank and above.rule == "plain_over_prose" and not above.emphasis:
        return Verdict(False, "sentence right below a plain title, the prose that made it one")
    return None


def _over_prose(state: OutlineState, i: int) -> bool:
    following, text = state.following, state.blocks[i].text
    return following is not None and (
        following.kind == "list" and not is_prose(text) or following.kind == "line" and is_prose(following.text)
    )


def address_line(state: OutlineState, i: int) -> Verdict | None:
    """A very short line that carries on a block of short lines is a line of an address or a
    signature, not a title over the prose below."""
    block, blocks = state.blocks[i], state.blocks
    if not _over_prose(state, i) or block.paragraph_start:
        return None
    if len(block.text.split()) <= state.thresholds.address_line_words and i > 0 and not is_prose(blocks[i - 1].text):
        return Verdict(False, "line of a block of short lines (an address, a signature)")
    return None


_TRAIL_MARKS = (">", "›", "»")
"""Marks between the steps of a breadcrumb trail (``Home > Privacy Policy``): such a line is a
page's navigation, never a parent title."""


def plain_over_subsection(state: OutlineState, i: int) -> Verdict | None:
    """A short plain line, a paragraph of its own after text (not one of a run of short lines: a
    list's items, a table's cells), sitting directly on top of a title of a deeper shape that heads
    text of its own, is the parent title of that first subsection and its siblings, not a stray line
    over no prose: a declared heading with words over prose or a list (``Submission of requests``
    over ``### Online``), or a bold, italic or plain title over prose (``Analytics and Advertising
    Services`` over ``Provided by Others``). A line repeating the heading above it is that heading's
    echo; a breadcrumb trail is navigation; nothing stands above the document's title or a declared
    level-1 heading (a further page's title)."""
    blocks, block, following = state.blocks, state.blocks[i], state.following
    if block.emphasis or block.link_only or block.in_table or state.number is not None or (
        not block.paragraph_start or following is None or following.in_table or is_prose(block.text)
        or any(mark in block.text for mark in _TRAIL_MARKS)
    ):
        return None
    k = next_index(blocks, i)
    if k != i + 1 or k is None or k == state.title:
        return None  # (a block without words between, debris or a rule: the line does not stand on the title)
    p = _previous_index(state, i)
    if p is not None:
        above = blocks[p]
        if above.key == block.key or above.kind == "line" and not above.rank and not above.link_only and (
            short_line(above.text) and not _sentence(above.text)
        ):
            return None
    after = next_index(blocks, k)
    body = blocks[after] if after is not None else None
    if body is None or body.kind not in ("line", "list") or body.link_only or (
        body.kind == "line" and (not _sentence(body.text) or body.text.endswith("?") or carries_on(body.text))
    ) or (body.kind == "list" and links_only(body)):
        return None  # (the title must head text of its own)
    if following.kind == "heading":  # (nothing stands above a declared level-1 heading: a new page's title)
        if has_word(following.text) and not following.date_stamp and following.level > 1:
            return Verdict(True, f"plain title over its first subsection, a declared heading (level "
                           f"{following.level})", kind="over", depth=following.level)
        return None
    text = following.text
    if following.kind != "line" or following.link_only or not following.paragraph_start or is_prose(text) or (
        text.endswith(("?", "!")) or ":" in text or _DIGIT_RE.search(text)
        or not is_heading_text(text, allow_period=False)
    ):
        return None
    shape = "a bold or italic title" if following.emphasis else "a plain title"
    return Verdict(True, f"plain title over its first subsection, {shape} over prose", kind="over")


def plain_over_prose(state: OutlineState, i: int) -> Verdict | None:
    """A short plain line over prose (or over a list, when it is no sentence itself) is a heading;
    one over anything else (a table, a label, a title) heads nothing. (The last line rule: every
    heading-like line leaves with a verdict that ``--explain`` names.)"""
    if _over_prose(state, i):
        return Verdict(True, "short plain line over prose", kind="line")
    return Verdict(False, "plain line over no prose or list", quiet=_unremarkable(state, i))


def contents_label(state: OutlineState, i: int) -> Verdict | None:
    """(Veto on an unnumbered heading.) A line over a list that opens with links to anchors is the
    label of a table of contents, not a section."""
    following = state.following
    if following is not None and following.kind == "list" and opens_with_anchors(following):
        return Verdict(False, "label of a table of contents, not a section", metadata="table of contents")
    return None


def link_list_label(state: OutlineState, i: int) -> Verdict | None:
    """(Veto on an unnumbered heading.) A line over a list whose every item is only a link labels
    those links (``Related information``, ``Learn more``): a reference, not a section."""
    following = state.following
    if following is not None and following.kind == "list" and links_only(following):
        return Verdict(False, "label over a list of links only, not a section")
    return None
