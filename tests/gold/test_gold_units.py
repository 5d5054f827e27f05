"""The chained gold's unit is a declared heading and its text up to the next declared heading: the
evaluation reads policydiff's sections recovered from undeclared lines as pieces of that unit."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import chained_gold as cg  # noqa: E402
import eval_chained as ec  # noqa: E402

from policydiff.core.structure import parse_document  # noqa: E402

TEXT = """# Terms

Welcome.

## 15. Limitations on liability

_Amount_

Our total liability is limited to the amount you paid us in the last six months.

_Exclusions_

Nothing in these terms limits liability for fraud or for death or personal injury.

## 16. No liability for third parties

Third parties provide some content, and they answer for it.
"""


def test_sections_from_undeclared_lines_belong_to_the_declared_section_before_them() -> None:
    document = parse_document(TEXT, name="terms.md")
    flat = document.flat()
    titles = [s.title for s in flat]
    assert "Amount" in titles and "Exclusions" in titles  # policydiff recovers the italic lines
    lines = frozenset(s.line for s in cg.declared_sections(TEXT))
    units = ec.units_of(lines, document)
    limitations = next(j for j, s in enumerate(flat) if s.title.startswith("15."))
    third = next(j for j, s in enumerate(flat) if s.title.startswith("16."))
    assert units[titles.index("Amount")] == units[titles.index("Exclusions")] == limitations
    assert units[limitations] == limitations and units[third] == third
    assert units[0] == 0
