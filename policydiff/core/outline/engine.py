"""The outline engine: named rules, in order, decide which blocks are headings, at which rank, and
why; in the shape of markdown-it-py's own parser (a ``Ruler`` of named rules per kind of block, a
state object the rules read and write).

Each block is judged by the chain of its kind: the first rule that gives a verdict decides. A line
made an unnumbered heading is offered to the veto rules. A rule that raises on a block is skipped for that block (and named in the
decisions): the document still opens. ``--disable-rule NAME`` switches a rule off.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any, Callable

from markdown_it.ruler import Ruler

from policydiff.core.outline import rules_heading, rules_line, rules_list, rules_plain
from policydiff.core.outline.block import COLON, EMPTY, FIGURE, Block, next_index
from policydiff.core.outline.lines import (
    numbered_heading_rank,
    roman_below,
)
from policydiff.core.outline.state import OutlineState, Verdict  # noqa: F401 (Verdict: the rules' type)
from policydiff.core.outline.thresholds import DEFAULT, Thresholds
from policydiff.core.sections import split_number
from policydiff.core.shapes import Numbering, dotted

Rule = Callable[[Any, int], "Verdict | None"]
"""A rule: (the state, index of the block judged) -> its verdict, or None."""

HEADING_RULES: tuple[Rule, ...] = (
    rules_heading.date_stamp_heading,
    rules_heading.empty_heading,
    rules_heading.contents_entry,
    rules_heading.declared_heading,
)
"""Declared headings, in order."""
LIST_RULES: tuple[Rule, ...] = (
    rules_list.contents_list,
    rules_list.list_item_sections,
    rules_list.flattened_outline,
)
"""Lists, in order."""
LINE_RULES: tuple[Rule, ...] = (
    rules_line.navigation_line,
    rules_line.label_over_prose,
    rules_line.heading_shape,
    rules_line.link_only,
    rules_line.parenthesised_note,
    rules_line.date_stamp_line,
    rules_line.contents_entry,
    rules_line.repeated_label,
    rules_line.clause_numbering_carried_on,
    rules_line.numbered_over_subsection,
    rules_line.numbered_title,
    rules_line.table_cell,
    rules_line.last_line,
    rules_line.sentence_carries_on,
    rules_line.bold_over_numbered_sections,
    rules_line.bold_label_run,
    rules_line.bold_over_text,
    rules_line.list_as_paragraphs,
    rules_line.question_title,
    rules_line.plain_title_shape,
    rules_line.address_line,
    rules_line.prose_below_title,
    rules_line.plain_over_subsection,
    rules_line.plain_over_prose,
)
"""Paragraph lines, in order."""
VETO_RULES: tuple[Rule, ...] = (rules_line.contents_label, rules_line.link_list_label)
"""Tried on a line that a line rule made an unnumbered heading."""

PLAIN_RULES: tuple[Rule, ...] = (
    rules_line.navigation_line,
    rules_plain.wrapped_paragraph,
    rules_line.heading_shape,
    rules_line.clause_numbering_carried_on,
    rules_line.numbered_title,
    rules_line.question_title,
    rules_line.plain_title_shape,
    rules_plain.plain_contents_entry,
    rules_plain.plain_title_over_prose,
)
"""Paragraphs of a text with no markup, in order."""

CHAINS = {"heading": HEADING_RULES, "list": LIST_RULES, "line": LINE_RULES, "veto": VETO_RULES,
          "plain": PLAIN_RULES}
RULE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(rule.__name__ for chain in CHAINS.values() for rule in chain))
"""Every rule's name, as ``--disable-rule`` and the decisions give it. A rule may judge blocks of
two kinds under one name (``contents_entry``: plain lines and declared headings); disabling it
switches off both."""


_TOO_LONG_FACTOR = 10
"""A line longer than this many characters per word a title may have is never heading-shaped
(``shapes.is_heading_text`` turns down more than 8 per word; 10 leaves a number's room)."""


Chain = list[tuple[str, Rule]]
_FEATURE_SETS = range(EMPTY | FIGURE | COLON + 1)
"""Every combination of the bits ``block.text_features`` gives."""


@lru_cache(maxsize=16)
def rulers(disabled: frozenset[str] = frozenset()) -> dict[str, list[Chain]]:
    """The active rules of each chain, as (name, rule), with ``disabled`` switched off: one list per
    combination of a block's features (``block.text_features``), without the rules that require
    features it lacks (the Ruler's chains, one per kind of block, in markdown-it-py's manner)."""
    unknown = disabled - set(RULE_NAMES)
    if unknown:
        raise ValueError(f"no outline rule named {', '.join(sorted(unknown))} (rules: {', '.join(RULE_NAMES)})")
    active: dict[str, list[Chain]] = {}
    for chain, rules in CHAINS.items():
        ruler: Ruler[Rule] = Ruler()
        for rule in rules:
            ruler.push(rule.__name__, rule)
        ruler.disable(sorted(disabled), ignoreInvalid=True)
        enabled = ruler.getRules("")
        active[chain] = [
            [(rule.__name__, rule) for rule in enabled if getattr(rule, "requires", 0) & ~features == 0]
            for features in _FEATURE_SETS
        ]
    return active


def classify(
    blocks: list[Block], title: int | None, undeclared: bool, *, disabled: frozenset[str] = frozenset(),
    thresholds: Thresholds = DEFAULT, plain: bool = False,
) -> list[tuple[int, str, str]]:
    """Decide which blocks are headings, at which rank, and why (written into the blocks). Returns
    the rules that raised, as (block index, rule, what it raised): each was skipped on its block.
    The blocks of a text with no markup at all (``plain``) are judged by the plain chain: its lines
    are paragraphs, not lines of a paragraph, and declare nothing."""
    state = _start(blocks, title, thresholds)
    chains = rulers(disabled)
    if plain:
        state.later = rules_plain.later_short_lines(blocks, title)
    # A line far longer than any title is turned down by heading_shape, quietly, before any rule
    # with an effect has seen it (the rules before it look for short phrases): most lines of a
    # policy are such paragraphs, and judging them was half the engine's time on a short one.
    too_long = _TOO_LONG_FACTOR * thresholds.max_title_words if "heading_shape" not in disabled else None
    heading_chains, list_chains, line_chains, veto_chains = (
        chains["heading"], chains["list"], chains["line"], chains["veto"]
    )
    for i, block in enumerate(blocks):
        if i == title or block.metadata or block.rank:  # (the title of an empty heading is ranked)
            continue
        kind = block.kind
        if too_long is not None and kind == "line" and len(block.text) > too_long:
            continue
        if plain:
            if kind != "line":
                continue
            state.following = _following(blocks, i)
            state.number, state.rest = block.split
            verdict = _judge(state, i, chains["plain"][block.features])
        elif kind == "heading":
            verdict = _judge(state, i, heading_chains[block.features])
        elif not undeclared or kind not in ("list", "line"):
            continue
        elif kind == "list":
            verdict = _judge(state, i, list_chains[block.features])
        else:
            state.following = _following(blocks, i)
            state.number, state.rest = block.split
            features = block.features
            verdict = _judge(state, i, line_chains[features])
            if verdict is not None and verdict.heading and verdict.kind == "line":
                verdict = _judge(state, i, veto_chains[features]) or verdict
        if verdict is not None:
            _apply(state, i, verdict)
    return [(i, verdict.rule, verdict.evidence) for i, verdict in state.decisions]


def _start(blocks: list[Block], title: int | None, thresholds: Thresholds) -> OutlineState:
    """The state the rules start from, read in one pass over the blocks (four passes were a fifth of
    the engine's time on a short policy): the level declared headings start at, the bold lines'
    counts, the last place each heading-like title stands, and the labels below empty headings."""
    top_declared = 7
    label_counts: Counter[str] = Counter()
    later: dict[str, int] = {}  # title key -> its last occurrence as a declared or bold line
    empty_labels: Counter[str] = Counter()  # the lines below empty declared headings
    above: Block | None = None
    for i, block in enumerate(blocks):
        kind = block.kind
        if kind == "heading":
            if i != title:
                if block.text and block.level < top_declared and not block.date_stamp:
                    top_declared = block.level
                key = block.key
                if key:
                    later[key] = i
        elif kind == "line":
            if block.emphasis:
                key = block.key
                label_counts[key] += 1
                if i != title and key:
                    later[key] = i
            if above is not None and above.kind == "heading" and not above.text:
                empty_labels[block.key] += 1
        above = block
    # (the rank pseudo-headings sit under)
    rank = (top_declared if top_declared < 7 else 2) - 1
    state = OutlineState(blocks, title, thresholds, label_counts=label_counts, empty_labels=empty_labels, later=later,
                         anchor_rank=rank, declared_rank=rank)
    if empty_labels:
        label_counts.update({key: count for key, count in empty_labels.items() if count >= thresholds.label_repeats})
    return state


def _following(blocks: list[Block], i: int) -> Block | None:
    k = next_index(blocks, i)
    return None if k is None else blocks[k]


def _judge(state: Any, i: int, chain: Chain) -> Verdict | None:
    """The first verdict of the chain's rules on block ``i``, with the rule's name."""
    for name, rule in chain:
        try:
            verdict = rule(state, i)
        except Exception as error:  # noqa: BLE001 - one rule's failure must not stop the document
            state.decisions.append(
                (i, Verdict(False, f"rule raised {type(error).__name__}: {error}; skipped", rule=name))
            )
            continue
        if verdict is not None:
            verdict.rule = name
            return verdict
    return None


def _apply(state: OutlineState, i: int, verdict: Verdict) -> None:
    """Write the verdict into the block, rank a heading, and move the numbering context on."""
    block = state.blocks[i]
    if verdict.metadata:
        block.metadata = verdict.metadata
    if not verdict.heading:
        if not verdict.quiet:
            block.rule, block.evidence = verdict.rule, verdict.evidence
        return
    if verdict.kind == "items":
        base = state.numbered_rank or state.anchor_rank
        first = next((split_number(item.text)[0] for item in verdict.items if item.rank == 1), None)
        if state.numbered_depth == 1 and state.numbering.top and dotted(first) == (state.numbering.top[-1] + 1,):
            base = state.numbered_rank - 1  # items numbered on from a numbered title line: its siblings
        for item in verdict.items:
            if item.rule:  # the list helpers say which shape of item it is
                item.rule, item.evidence = verdict.rule, item.rule
            if item.rank == 1:  # a numbered title item: a numbered line after the list carries it on
                state.numbering.declare(split_number(item.text)[0])
            if item.rank:  # relative to the list: 1 for its titles, 2 for theirs
                item.rank = min(base + item.rank, 6)
        block.items = verdict.items
        return
    target = state.blocks[verdict.target] if verdict.target is not None else block
    target.rule, target.evidence = verdict.rule, verdict.evidence
    kind = verdict.kind
    if kind == "leaf":
        target.rank = 6
    elif kind == "declared":
        target.level = block.level
        target.rank = target.level
        number = target.split[0]
        parts = dotted(number)
        if parts:  # (an unnumbered heading declares no number)
            state.numbering.declare_parts(parts)
        state.anchor_rank, state.anchor_depth, state.numbered_rank = target.rank, len(parts), 0
        state.numbered_depth = 0
        state.item_number, state.letter, state.declared_rank = None, None, target.rank
    elif kind == "parent":  # a chapter: its numbered sections count again from 1 below it
        target.rank = min(state.declared_rank + 1, 6)
        state.numbering = Numbering()
        state.anchor_rank, state.anchor_depth, state.numbered_rank = target.rank, 0, 0
        state.numbered_depth = 0
        state.item_number, state.letter = None, None
    elif kind == "numbered" and verdict.depth > 0:
        target.rank = numbered_heading_rank(verdict.depth, state.anchor_rank, state.anchor_depth)
        state.numbered_rank, state.numbered_depth, state.letter = target.rank, verdict.depth, None
    elif kind == "numbered":
        number = target.split[0] or ""
        letter = state.letter
        if letter is not None and roman_below(number, letter[0]):  # c. then its i., ii.
            target.rank = min(letter[1] + 1, 6)
        else:
            target.rank = min((state.numbered_rank or state.anchor_rank) + 1, 6)
            # "i." is the letter after "h." (or "v." after "u."), else a roman one.
            follows = letter is not None and ord(letter[0]) == ord(number[:1] or " ") - 1
            is_letter = len(number) == 1 and number.isalpha() and (number not in "ivxIVX" or follows)
            state.letter = (number, target.rank) if is_letter else None
    elif kind == "over":  # a parent title over a declared heading stands above that heading's level
        target.rank = min((state.numbered_rank or state.anchor_rank) + 1, 6)
        if verdict.depth:
            target.rank = max(1, min(target.rank, verdict.depth - 1))
    elif kind == "top":
        target.rank = min(state.anchor_rank + 1, 6)
    else:  # "line"
        target.rank = min((state.numbered_rank or state.anchor_rank) + 1, 6)
