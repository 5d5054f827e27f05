"""The frozen classes whose ``__init__`` stores through their slots (``model.stored_through_slots``)
behave as the dataclasses they are: same fields and defaults, equal, hashable, frozen, picklable."""

import dataclasses
import pickle

import pytest

from policydiff.core.structure import parse_document
from policydiff.core.changes import Change, Signal
from policydiff.core.compare import compare
from policydiff.core.model import Decision, Document, OmittedLine, Section


def test_constructed_values_defaults_and_keywords() -> None:
    section = Section("1. Scope", "1", 1, 3, "Text.")
    assert (section.title, section.number, section.level, section.line, section.body, section.children) == (
        "1. Scope", "1", 1, 3, "Text.", ())
    assert Section(title="1. Scope", number="1", level=1, line=3, body="Text.") == section
    assert Decision(4, "Scope", True, "declared_heading").evidence == ""
    with pytest.raises(TypeError):
        Section("1. Scope", "1", 1, 3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Decision(4, "Scope", True, "rule", "evidence", "one too many")  # type: ignore[call-arg]


@pytest.mark.parametrize("cls", [Section, OmittedLine, Decision, Document, Change, Signal])
def test_frozen_equal_hashable_picklable_replaceable(cls: type) -> None:
    document = parse_document("# Policy\n\n## Scope\n\nWe keep data.\n\n## Rights\n\nYou may ask.\n", name="p.md")
    instances = {Section: document.sections[0], Document: document, Decision: document.decisions[0],
                 OmittedLine: OmittedLine(1, "Back to top", "navigation")}
    if cls in (Change, Signal):
        later = parse_document("# Policy\n\n## Scope\n\nWe keep data for 30 days.\n\n## Rights\n\nYou must ask.\n",
                               name="q.md")
        change = next(c for c in compare(document, later).changes if c.signals)
        instances[Change], instances[Signal] = change, change.signals[0]
    made = instances[cls]
    again = pickle.loads(pickle.dumps(made))
    assert again == made and hash(again) == hash(made)
    first = dataclasses.fields(made)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, first, getattr(made, first))
    assert dataclasses.replace(made) == made
