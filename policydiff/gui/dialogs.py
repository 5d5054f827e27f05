"""Every modal dialog the window opens, as module-level functions tests can monkeypatch."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

POLICY_FILTER = "Policies (*.md *.markdown *.txt *.html *.htm);;All files (*)"
REPORT_FILTER = "HTML report (*.html *.htm);;All files (*)"


def get_open_path(parent: QWidget | None, caption: str, directory: str) -> str:
    """One policy file to open, or '' when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, caption, directory, POLICY_FILTER)
    return path


def get_save_path(parent: QWidget | None, caption: str, suggested: str) -> str:
    """Where to save the report ('' when cancelled); the dialog itself confirms overwriting."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, REPORT_FILTER)
    return path


def get_report_path(parent: QWidget | None, caption: str, suggested: str, style: str) -> tuple[str, str]:
    """Where to save the report and in which colours: (path, style), path '' when cancelled.
    The colour style is picked by the file type (standard, colour-blind safe, legal blackline)."""
    from policydiff.core.present import STYLES

    filters = {f"HTML report \u2014 {text} (*.html *.htm)": name for name, text in STYLES.items()}
    chosen = next((f for f, name in filters.items() if name == style), next(iter(filters)))
    path, selected = QFileDialog.getSaveFileName(parent, caption, suggested, ";;".join(filters), chosen)
    return path, filters.get(selected, style)


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def show_about(parent: QWidget | None, text: str) -> None:
    QMessageBox.about(parent, "About policydiff", text)


def choose_section(
    parent: QWidget | None, title: str, prompt: str, labels: list[tuple[str, int, str, int]], current: int | None
) -> int | None:
    """Let the user pick one section: ``labels`` are (text, level, note, key) in the order shown;
    returns the chosen key (``current`` is a key too) or None."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(900, 560)
    layout = QVBoxLayout(dialog)
    caption = QLabel(prompt)
    caption.setTextFormat(Qt.TextFormat.PlainText)
    caption.setWordWrap(True)
    layout.addWidget(caption)
    listing = QListWidget()
    for text, level, note, index in labels:
        shown = "    " * max(level - 1, 0) + text + (f"   \u2014 {note}" if note else "")
        item = QListWidgetItem(shown)
        item.setData(Qt.ItemDataRole.UserRole, index)
        item.setToolTip(f"{text}\n{note}" if note else text)
        listing.addItem(item)
    keys = [label[3] for label in labels]
    if current is not None and current in keys:
        listing.setCurrentRow(keys.index(current))
    layout.addWidget(listing)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    listing.itemDoubleClicked.connect(lambda _item: dialog.accept())
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted or listing.currentItem() is None:
        return None
    return int(listing.currentItem().data(Qt.ItemDataRole.UserRole))


PDF_FILTER = "PDF document (*.pdf);;All files (*)"


def get_pdf_path(parent: QWidget | None, caption: str, suggested: str) -> str:
    """Where to export the PDF ('' when cancelled); the dialog itself confirms overwriting."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, PDF_FILTER)
    if path and not path.lower().endswith(".pdf") and "." not in path.rsplit("/", 1)[-1]:
        path += ".pdf"
    return path


def ask_print(parent: QWidget | None, printer: QPrinter) -> bool:
    """The system's print dialog for ``printer``; True when the user chose to print."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print Comparison")
    return dialog.exec() == QDialog.DialogCode.Accepted


def show_text(parent: QWidget | None, title: str, text: str) -> None:
    """A read-only text in a dialog (the keyboard shortcuts): monospace columns, selectable."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(620, 640)
    layout = QVBoxLayout(dialog)
    view = QPlainTextEdit(text)
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    font = view.font()
    font.setFamilies(["monospace"])
    font.setStyleHint(font.StyleHint.Monospace)
    view.setFont(font)
    layout.addWidget(view)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.exec()
