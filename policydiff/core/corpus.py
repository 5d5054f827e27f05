"""The policy texts shipped with policydiff."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def corpus_path(name: str) -> Path:
    """Path of a shipped corpus file (``nec-2002.md``, ``extra/ibm-2018-06-22.md``)."""
    resource = files("policydiff.corpus").joinpath(*name.split("/"))
    with as_file(resource) as path:  # a real file for normal and editable installs
        return Path(path)


def showcase_pair() -> tuple[Path, Path]:
    """NEC's 2002 Online Privacy Statement and its 2024 Global Privacy Notice."""
    return corpus_path("nec-2002.md"), corpus_path("nec-2024.txt")
