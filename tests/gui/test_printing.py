"""File > Export PDF… and File > Print…: the comparison on A4 paper, every changed word on it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import unicodedata  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from policydiff.core import present  # noqa: E402
from policydiff.gui import dialogs  # noqa: E402

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed; "
                                                               "CI installs it")
_WORD = re.compile(r"\w+")


def pdf_text(path: Path) -> str:
    text = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFKC", text)  # ligatures (ﬀ, ﬁ) read as letters


def pdf_words(path: Path) -> set[str]:
    return set(_WORD.findall(pdf_text(path)))


def changed_words(comparison) -> set[str]:
    """Every word of every deleted or inserted run, as the views show them."""
    words: set[str] = set()
    for view in present.present(comparison):
        for row in (*view.title_rows, *view.rows):
            for side in row:
                for para in side:
                    for frag in para.frags:
                        if frag.kind in ("-", "+"):
                            words.update(_WORD.findall(frag.text))
    return words


def _menu_texts(window, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_file_menu_has_print_and_export_pdf(nec):
    texts = _menu_texts(nec, "File")
    assert "Print…" in texts and "Export PDF…" in texts
    assert nec.acts.print_.isEnabled() and nec.acts.export_pdf.isEnabled()


@needs_pdftotext
@pytest.mark.parametrize("layout", ["side-by-side", "inline"])
def test_export_pdf_holds_every_changed_word(nec, qtbot, monkeypatch, tmp_path, layout):
    if nec.view.layout_name != layout:
        nec.set_layout(layout)
    target = tmp_path / "nec.pdf"
    monkeypatch.setattr(dialogs, "get_pdf_path", lambda *args: str(target))
    with qtbot.waitSignal(nec.pdf_exported, timeout=30_000):
        nec.acts.export_pdf.trigger()
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert 5 <= pages <= 30
    # A redline sets a deletion right against the insertion ("Amendments14."): looked up as text.
    text = pdf_text(target)
    missing = {word for word in changed_words(nec.comparison) - pdf_words(target) if word not in text}
    assert not missing, sorted(missing)[:20]


def test_export_pdf_never_writes_over_an_input(nec, monkeypatch, errors):
    old_path = nec.comparison.old.path
    before = Path(old_path).read_bytes()
    monkeypatch.setattr(dialogs, "get_pdf_path", lambda *args: old_path)
    nec.acts.export_pdf.trigger()
    assert errors and errors[-1][0] == "Cannot export PDF"
    assert Path(old_path).read_bytes() == before


@needs_pdftotext
def test_print_goes_to_the_printer_the_dialog_set_up(nec, monkeypatch, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    target = tmp_path / "printed.pdf"

    def accept(parent, printer):  # the user picks "print to file" in the dialog
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    monkeypatch.setattr(dialogs, "ask_print", accept)
    nec.acts.print_.trigger()
    assert target.read_bytes().startswith(b"%PDF")
    assert {"NEC", "Privacy"} <= pdf_words(target)


def test_print_cancelled_prints_nothing(nec, monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(dialogs, "ask_print", lambda parent, printer: seen.append(printer) or False)
    nec.acts.print_.trigger()
    assert len(seen) == 1 and not seen[0].outputFileName()
