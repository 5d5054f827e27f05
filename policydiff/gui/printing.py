"""Printing and PDF export from the window (File > Print…, File > Export PDF…).

The printed comparison follows the report's order: the two versions, the summary, then every
section pair with its badges and word counts, in the chosen layout (side by side or inline
redline) and colours, always on a light page. It is one QTextDocument built by the diff view's
own builder, so the page shows the same paragraphs, cells and marks as the window; Qt lays it
out on the printer's page and numbers the pages.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import (
    QColor,
    QFont,
    QPageLayout,
    QPageSize,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter

from policydiff.core import present
from policydiff.core.invisible import visible_text
from policydiff.core.model import Comparison, Document
from policydiff.gui.diff_view import Colors, DocumentBuilder, Formats

PRINT_POINT_SIZE = 8.5
"""The text size on paper: the report's printed size."""
MARGINS_MM = QMarginsF(12, 12, 12, 12)


def _light_palette() -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#000000"))
    return palette


def _describe(doc: Document) -> str:
    parts = [doc.name, doc.title or "(no title)"]
    if doc.date:
        parts.append(doc.date)
    return visible_text(" \u00b7 ".join(parts))


def print_document(comparison: Comparison, layout: str = "side-by-side", style: str = "standard",
                   point_size: float = PRINT_POINT_SIZE) -> QTextDocument:
    """The whole comparison as one document for paper: a head (the two versions and the summary
    line), then every section pair as the view shows it."""
    font = QFont()
    font.setPointSizeF(point_size)
    formats = Formats(Colors.from_palette(_light_palette(), style), font)
    builder = DocumentBuilder(comparison, layout, formats, font)
    builder.one_column_whole = True
    cursor = builder.cursor
    kicker = QTextCharFormat(formats.meta)
    cursor.insertText("policydiff \u00b7 privacy policy comparison", kicker)
    cursor.insertBlock()
    cursor.insertText(visible_text(f"{comparison.old.name} \u2192 {comparison.new.name}"), formats.title(formats.normal))
    for role, doc in (("Old", comparison.old), ("New", comparison.new)):
        cursor.insertBlock()
        cursor.insertText(f"{role}: ", formats.meta)
        cursor.insertText(_describe(doc), formats.normal)
    summary = QTextBlockFormat()
    summary.setTopMargin(point_size * 0.6)
    cursor.insertBlock(summary)
    views = [present.present_pair(comparison, i, None) for i in range(len(comparison.pairs))]
    cursor.insertText(present.summary_line(comparison, views), formats.normal)
    cursor.insertBlock()
    for _ in builder.steps():
        pass
    document = builder.rendering.document
    document.setDocumentMargin(0)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle,
                                visible_text(f"{comparison.old.name} \u2192 {comparison.new.name}"))
    return document


def a4_printer(mode: QPrinter.PrinterMode = QPrinter.PrinterMode.HighResolution) -> QPrinter:
    """A printer set up as the report prints: A4, portrait, 12 mm margins."""
    printer = QPrinter(mode)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      MARGINS_MM, QPageLayout.Unit.Millimeter))
    printer.setCreator("policydiff")
    return printer


def print_comparison(printer: QPrinter, comparison: Comparison, layout: str = "side-by-side",
                     style: str = "standard") -> None:
    """Print ``comparison`` on ``printer`` (a real printer, or a PDF file)."""
    document = print_document(comparison, layout, style)
    printer.setDocName(document.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
    # Laid out on the page's printable area in points (the font's unit), with no margin of its own:
    # an unpaginated document would get Qt's 2 cm margins on top of the printer's.
    document.setPageSize(printer.pageLayout().paintRectPoints().size().toSizeF())
    document.print_(printer)


def export_pdf(path: str | os.PathLike[str], comparison: Comparison, layout: str = "side-by-side",
               style: str = "standard") -> None:
    """Write ``comparison`` as an A4 PDF at ``path`` (never over one of the compared files)."""
    from policydiff.core.report import check_report_target

    check_report_target(path, (comparison.old.path, comparison.new.path))
    printer = a4_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(os.fspath(path))
    print_comparison(printer, comparison, layout, style)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        raise OSError(f"the PDF could not be written to {os.fspath(path)}")


__all__ = ["print_document", "a4_printer", "print_comparison", "export_pdf"]
