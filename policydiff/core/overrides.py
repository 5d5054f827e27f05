"""The user's corrections to the pairing as commands: pair with, unpair, reset, with undo and redo.

As Meld keeps sync points, a correction is a small edit of ``Overrides`` that the engine applies
(``compare.with_overrides``); the window only issues the commands and shows their messages. Each
command is a pure function of the comparison (or the overrides) it starts from, so it is tested
without a window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policydiff.core.compare import similarity_of
from policydiff.core.invisible import visible_text
from policydiff.core.model import Comparison, Overrides


@dataclass(frozen=True, slots=True)
class Edit:
    """A correction: the overrides to realign with, and what to tell the user."""

    overrides: Overrides
    message: str
    old_index: int | None
    new_index: int | None
    """The sections to show afterwards."""


@dataclass(frozen=True, slots=True)
class Choice:
    """A section the selected one may be paired with."""

    title: str
    note: str
    """How alike it is, and what it is paired with now."""
    index: int
    """Its flat index in its document."""


@dataclass(frozen=True, slots=True)
class PartnerChoices:
    """What "Pair With" offers for one section: the other version's sections, most alike first."""

    from_old: bool
    """The selected section is an old one (its partners are new sections)."""
    prompt: str
    choices: tuple[Choice, ...]
    current: int | None
    """The flat index of its partner now (None when unpaired)."""


def partner_choices(comparison: Comparison, pair_index: int) -> PartnerChoices:
    """The sections of the other version the section of ``comparison.pairs[pair_index]`` (its old
    section, or the new one when it was added) may be paired with, most alike first."""
    pair = comparison.pairs[pair_index]
    from_old = pair.old is not None
    other_doc = comparison.new if from_old else comparison.old
    mine = pair.old if from_old else pair.new
    assert mine is not None
    mine_title = visible_text(mine.title or "Preamble")
    partner_of: dict[int, str] = {}
    for p in comparison.pairs:
        if p.old is not None and p.new is not None and p.old_index is not None and p.new_index is not None:
            if from_old:
                partner_of[p.new_index] = p.old.title or "Preamble"
            else:
                partner_of[p.old_index] = p.new.title or "Preamble"
    scored = []
    for j, section in enumerate(other_doc.flat()):
        o, n = (pair.old_index, j) if from_old else (j, pair.new_index)
        assert o is not None and n is not None
        scored.append((similarity_of(comparison, o, n), j, section))
    scored.sort(key=lambda item: (-item[0], item[1]))  # most alike first
    choices = []
    for score, j, section in scored:
        note = f"{score:.0%} alike to \u201c{mine_title}\u201d"
        note += f"; now paired with \u201c{visible_text(partner_of[j])}\u201d" if j in partner_of else "; unpaired"
        choices.append(Choice(visible_text(section.title or "Preamble"), note, j))
    side = "old" if from_old else "new"
    other_side = "new" if from_old else "old"
    prompt = (
        f"Pair the {side} section \u201c{mine_title}\u201d with this section of the {other_side} version "
        "(most alike first):"
    )
    return PartnerChoices(from_old, prompt, tuple(choices), pair.new_index if from_old else pair.old_index)


def pair_with(comparison: Comparison, old_index: int, new_index: int) -> Edit:
    """Pair two sections by hand: each loses its other pairs made by hand, and neither stays
    forced apart."""
    before = comparison.overrides
    overrides = Overrides(
        pairs=tuple(p for p in before.pairs if p[0] != old_index and p[1] != new_index) + ((old_index, new_index),),
        unpaired_old=tuple(i for i in before.unpaired_old if i != old_index),
        unpaired_new=tuple(j for j in before.unpaired_new if j != new_index),
        unpaired_pairs=tuple(p for p in before.unpaired_pairs if p != (old_index, new_index)),
    )
    title_old = comparison.old.flat()[old_index].title or "Preamble"
    title_new = comparison.new.flat()[new_index].title or "Preamble"
    return Edit(overrides, f"Paired by hand: \u201c{title_old}\u201d with \u201c{title_new}\u201d", old_index, new_index)


def unpair(comparison: Comparison, pair_index: int) -> Edit | None:
    """Take the pair ``comparison.pairs[pair_index]`` apart (None when it is no pair). A pair made
    by hand is forgotten (the automatic pairing comes back); out of a merge only the old section
    leaves (the new one keeps the others), out of a split only the new one; a one-to-one pair
    comes apart on both sides."""
    pair = comparison.pairs[pair_index]
    if pair.old is None or pair.new is None or pair.old_index is None or pair.new_index is None:
        return None
    o, n = pair.old_index, pair.new_index
    before = comparison.overrides
    if (o, n) in before.pairs:
        overrides = Overrides(
            pairs=tuple(p for p in before.pairs if p != (o, n)),
            unpaired_old=before.unpaired_old,
            unpaired_new=before.unpaired_new,
            unpaired_pairs=before.unpaired_pairs,
        )
        message = f"Pairing by hand undone: \u201c{pair.display_title}\u201d is paired automatically again"
        return Edit(overrides, message, o, n)
    free_old = not pair.new_group
    free_new = not pair.old_group
    overrides = Overrides(
        pairs=tuple(
            p for p in before.pairs if p != (o, n) and (p[0] != o or not free_old) and (p[1] != n or not free_new)
        ),
        unpaired_old=tuple(i for i in before.unpaired_old if i != o) + ((o,) if free_old else ()),
        unpaired_new=tuple(j for j in before.unpaired_new if j != n) + ((n,) if free_new else ()),
        unpaired_pairs=tuple(p for p in before.unpaired_pairs if p != (o, n)) + ((o, n),),
    )
    return Edit(overrides, f"Unpaired by hand: \u201c{pair.display_title}\u201d", o, None)


@dataclass
class EditHistory:
    """Undo and redo over the overrides a comparison was aligned with."""

    undone: list[Overrides] = field(default_factory=list)
    """Overrides before each edit, the last one on top."""
    redone: list[Overrides] = field(default_factory=list)

    def record(self, current: Overrides) -> None:
        """A new edit leaves ``current``: it can be undone; what was undone before cannot be redone."""
        self.undone.append(current)
        self.redone.clear()

    def undo(self, current: Overrides) -> Overrides | None:
        """The overrides before the last edit (None when there is nothing to undo)."""
        if not self.undone:
            return None
        self.redone.append(current)
        return self.undone.pop()

    def redo(self, current: Overrides) -> Overrides | None:
        """The overrides of the edit just undone (None when there is nothing to redo)."""
        if not self.redone:
            return None
        self.undone.append(current)
        return self.redone.pop()

    def clear(self) -> None:
        self.undone.clear()
        self.redone.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self.undone)

    @property
    def can_redo(self) -> bool:
        return bool(self.redone)
