"""Rules on declared headings (ATX and setext, also a setext title cut off from its underline)."""

from __future__ import annotations

from policydiff.core.outline.block import EMPTY, FIGURE, has_word, next_index, requires
from policydiff.core.outline.state import OutlineState, Verdict
from policydiff.core.shapes import is_heading_text, is_prose, title_key


@requires(FIGURE)
def date_stamp_heading(state: OutlineState, i: int) -> Verdict | None:
    """A declared heading that only dates the document (``## Last updated: May 1, 2024``) is a
    section, being declared, but a leaf nothing nests under."""
    block = state.blocks[i]
    if not block.date_stamp:
        return None
    return Verdict(True, f"declared heading that is a date stamp (level {block.level}; kept as a leaf)", kind="leaf")


@requires(EMPTY)
def empty_heading(state: OutlineState, i: int) -> Verdict | None:
    """A declared heading with no words (its text is an image, or the converter put the words on the
    next line): the title-shaped line below it is the heading at its level; when the line below is a
    label that every such heading repeats, the title-shaped line above it is."""
    blocks, block = state.blocks, state.blocks[i]
    if block.text:
        return None
    k = next_index(blocks, i)
    following = blocks[k] if k is not None else None
    limit = state.thresholds.max_title_words
    if k is None or following is None or following.kind != "line" or not is_heading_text(
        following.text, allow_period=False, max_words=limit
    ):
        return Verdict(False, "empty declared heading with no title line below it", quiet=True)
    if state.empty_labels[title_key(following.text)] >= state.thresholds.label_repeats:
        above = blocks[i - 1] if i > 0 else None
        if above is None or above.kind != "line" or above.metadata or above.rank or not is_heading_text(
            above.text, allow_period=False, max_words=limit
        ):
            return Verdict(False, "empty declared heading over a repeated label", quiet=True)
        return Verdict(True, f"title above an empty declared heading over a repeated label (level {block.level})",
                       kind="declared", target=i - 1)
    return Verdict(True, f"title of an empty declared heading (level {block.level})", kind="declared", target=k)


def contents_entry(state: OutlineState, i: int) -> Verdict | None:
    """An empty declared heading repeating a heading declared further down, in a run of declared
    headings with no text between them, half of which repeat later headings, is an entry of a table
    of contents (a page's navigation sidebar recorded as headings): set aside, the heading stands
    below. The run's entries naming other pages stay sections: a declared heading's words always
    stand in the outline. (The same rule as on plain lines, ``rules_line.contents_entry``; a
    declared heading needs the run to show it, where a plain line needs only the repetition.)"""
    if state.contents_runs is None:
        state.contents_runs = _contents_runs(state)
    if i in state.contents_runs:
        return Verdict(False, "entry of a run of empty declared headings repeating later ones (contents)",
                       metadata="table of contents")
    return None


def _contents_runs(state: OutlineState) -> set[int]:
    blocks, limits = state.blocks, state.thresholds
    found: set[int] = set()
    # Only a heading repeated further down can be an entry: most documents have none, and then no
    # run needs finding (walking every block for the runs was most of the heading rules' time).
    if not any(
        block.kind == "heading" and block.text and state.later.get(block.key, -1) > k for k, block in enumerate(blocks)
    ):
        return found
    run: list[int] = []

    def close(run: list[int]) -> None:
        if len(run) >= limits.contents_run:
            repeated = sum(state.later.get(blocks[r].key, -1) > run[-1] for r in run)
            if repeated * 2 >= len(run):  # (the entries naming other pages stay: declared, and nowhere else)
                found.update(r for r in run if state.later.get(blocks[r].key, -1) > run[-1])

    for k, block in enumerate([*blocks, None]):
        if block is not None and block.kind == "heading" and block.text and k != state.title:
            if block.key in {blocks[r].key for r in run}:
                close(run)  # an entry's own heading: the document proper starts here
                run = []
            run.append(k)
            continue
        if block is not None and (not has_word(block.text) or run and block.kind == "line" and (
            is_heading_text(block.text, allow_period=False) and not is_prose(block.text)
        )):
            continue  # debris, rules and a group's label line ("Other pages") between entries do not end it
        close(run)
        run = []
    return found


def declared_heading(state: OutlineState, i: int) -> Verdict:
    """What the markup declares is a heading at its declared level."""
    block = state.blocks[i]
    if block.detached:
        return Verdict(True, f"setext heading whose underline a blank line cut off (level {block.level})",
                       kind="declared")
    evidence = _DECLARED_EVIDENCE.get((block.setext, block.level))
    return Verdict(True, evidence or _declared_evidence(block.setext, block.level), kind="declared")


def _declared_evidence(setext: bool, level: int) -> str:
    return f"declared {'setext' if setext else 'ATX'} heading (level {level})"


_DECLARED_EVIDENCE = {
    (setext, level): _declared_evidence(setext, level) for setext in (False, True) for level in range(1, 7)
}
"""``declared_heading``'s evidence for each kind and level, written once (it is given for most headings)."""
