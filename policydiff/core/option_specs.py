"""The ignore options and the report colour styles, by name: one definition for the menu, the
settings, the command line and the report (re-exported by :mod:`policydiff.core.present`).

A module of its own, light to import, so that the command line can list them without loading
what the window and the report show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from policydiff.core.model import Options


@dataclass(frozen=True, slots=True)
class OptionSpec:
    attr: str
    """The :class:`~policydiff.core.model.Options` field (``ignore_case``)."""
    menu: str
    """Menu text with its mnemonic (``Ignore &Case``)."""
    tip: str
    """One line: what it does."""
    short: str
    """In the window's summary line (``case``)."""
    label: str
    """In the report (``letter case``)."""

    @property
    def cli(self) -> str:
        """The command-line flag (``--ignore-case``)."""
        return "--" + self.attr.replace("_", "-")


OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("ignore_case", "Ignore &Case", "Treat Data and data as the same word", "case", "letter case"),
    OptionSpec("ignore_whitespace", "Ignore &Whitespace", "Treat any run of spaces and line breaks as the same",
               "whitespace", "white space and line breaks"),
    OptionSpec("ignore_typography", "Ignore &Typography",
               "Treat curly/straight quotes, dashes and non-breaking spaces as the same",
               "typography", "typography (quotes, dashes, non-breaking spaces)"),
    OptionSpec("ignore_numbering", "Ignore &Numbering", "Treat section and list numbers (6., (b), 12.1) as the same",
               "numbering", "section and list numbering"),
)


def options_from(values: dict[str, bool]) -> Options:
    """Options from ``{attr: bool}`` (missing ones off)."""
    return Options(**{spec.attr: bool(values.get(spec.attr, False)) for spec in OPTIONS})


Style = Literal["standard", "colorblind", "blackline"]
STYLES: dict[str, str] = {
    "standard": "Red deletions struck through, green insertions underlined",
    "colorblind": "Colour-blind safe: orange deletions struck through, blue insertions underlined",
    "blackline": "Legal blackline: red deletions struck through, blue insertions double-underlined",
}
