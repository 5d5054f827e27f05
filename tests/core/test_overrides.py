"""Manual pairing as engine commands (pair with, unpair, undo, redo): pure, without a window."""

from __future__ import annotations

from policydiff.core import overrides as edits
from policydiff.core.compare import compare, with_overrides
from policydiff.core.model import Kind, Overrides
from policydiff.core.structure import parse_document


def _doc(sections: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    return parse_document("# Policy\n\n" + "".join(f"## {t}\n\n{b}\n\n" for t, b in sections), name="p.md")


OLD = _doc([
    ("Contact us", "Write to us at the address below for any question about this policy."),
    ("Cookies", "We use cookies and web beacons to remember your settings and count visits."),
    ("Browsing", "Our servers log the pages you view and the browser you use."),
])
NEW = _doc([
    ("Contact us", "Write to us at the address below for any question about this notice."),
    ("Cookies", "We use cookies and web beacons to remember your settings and count visits."),
    ("Retention", "We keep personal data for as long as the law requires and no longer."),
])


def _index(document, title: str) -> int:  # type: ignore[no-untyped-def]
    return next(k for k, s in enumerate(document.flat()) if s.title == title)


def _pair_index(comparison, old_title: str | None, new_title: str | None) -> int:  # type: ignore[no-untyped-def]
    return next(
        k for k, p in enumerate(comparison.pairs)
        if (p.old.title if p.old else None) == old_title and (p.new.title if p.new else None) == new_title
    )


def test_pair_with_makes_a_manual_pair_and_the_choices_put_the_most_alike_first() -> None:
    comparison = compare(OLD, NEW)
    browsing = _pair_index(comparison, "Browsing", None)
    offer = edits.partner_choices(comparison, browsing)
    assert offer.from_old and offer.current is None
    assert sorted(c.index for c in offer.choices) == list(range(len(NEW.flat())))
    shares = [float(c.note.split("%")[0]) for c in offer.choices]
    assert shares == sorted(shares, reverse=True)  # most alike first
    assert any("now paired with" in c.note for c in offer.choices)
    edit = edits.pair_with(comparison, _index(OLD, "Browsing"), _index(NEW, "Retention"))
    assert edit.overrides.pairs == ((_index(OLD, "Browsing"), _index(NEW, "Retention")),)
    assert "Paired by hand" in edit.message
    after = with_overrides(comparison, edit.overrides)
    made = after.pairs[_pair_index(after, "Browsing", "Retention")]
    assert made.manual and made.why == "paired by hand"


def test_unpair_forces_both_apart_and_unpairing_a_manual_pair_forgets_it() -> None:
    comparison = compare(OLD, NEW)
    cookies = _pair_index(comparison, "Cookies", "Cookies")
    edit = edits.unpair(comparison, cookies)
    assert edit is not None
    o, n = _index(OLD, "Cookies"), _index(NEW, "Cookies")
    assert o in edit.overrides.unpaired_old and n in edit.overrides.unpaired_new
    after = with_overrides(comparison, edit.overrides)
    kinds = {(p.old.title if p.old else None, p.new.title if p.new else None): p.kind for p in after.pairs}
    assert kinds[("Cookies", None)] is Kind.REMOVED and kinds[(None, "Cookies")] is Kind.ADDED
    assert edits.unpair(after, _pair_index(after, "Cookies", None)) is None  # no pair to take apart

    manual = with_overrides(comparison, edits.pair_with(comparison, _index(OLD, "Browsing"), _index(NEW, "Retention")).overrides)
    forget = edits.unpair(manual, _pair_index(manual, "Browsing", "Retention"))
    assert forget is not None and forget.overrides == Overrides()
    assert "paired automatically again" in forget.message


def test_undo_and_redo_walk_the_edits_back_and_forth() -> None:
    history = edits.EditHistory()
    assert not history.can_undo and history.undo(Overrides()) is None
    first = Overrides(pairs=((1, 2),))
    second = Overrides(unpaired_old=(3,))
    history.record(Overrides())
    history.record(first)
    assert history.undo(second) == first
    assert history.undo(first) == Overrides()
    assert history.undo(Overrides()) is None
    assert history.redo(Overrides()) == first
    assert history.can_redo
    history.record(first)  # a new edit: what was undone cannot be redone
    assert not history.can_redo and history.redo(first) is None
