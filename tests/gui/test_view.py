"""The diff view: policy text is text (never HTML), rows stay level, dark palettes stay readable."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtGui import QColor, QPalette, QTextDocument  # noqa: E402

from policydiff.core.model import Op  # noqa: E402
from policydiff.gui import settings  # noqa: E402
from policydiff.gui.diff_view import Colors, SafeBrowser, side_rows  # noqa: E402

WAIT_MS = 30_000
# Markup written as text (escaped in the markdown) must be shown as text; raw HTML in markdown is
# read as a browser shows it (no tags), and must load nothing either.
HOSTILE = (
    "# Policy\n\n## Tracking\n\n"
    "We &lt;script&gt;alert('x')&lt;/script&gt; track you. &lt;img src=\"http://example.com/pixel.png\"&gt;\n\n"
    "<img src=\"http://example.com/pixel.png\"> <a href=\"http://example.com/\">click</a> <style>body{display:none}</style>\n"
)


def test_policy_markup_is_shown_as_text(qtbot, window, tmp_path, open_pair):
    old = tmp_path / "a.md"
    new = tmp_path / "b.md"
    old.write_text("# Policy\n\n## Tracking\n\nWe track you.\n", encoding="utf-8")
    new.write_text(HOSTILE, encoding="utf-8")
    requested = []
    original = SafeBrowser.loadResource

    def spy(self, kind, url):
        requested.append(url.toString())
        return original(self, kind, url)

    qtbot.addWidget(window)
    SafeBrowser.loadResource = spy
    try:
        open_pair(window, old, new)
        for layout in ("inline", "side-by-side"):
            with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
                window.set_layout(layout)
            doc = window.view.browser.document()
            text = doc.toPlainText()
            assert "<script>alert('x')</script>" in text
            assert "<img src=" in text
            block = doc.begin()
            while block.isValid():
                it = block.begin()
                while not it.atEnd():
                    fmt = it.fragment().charFormat()
                    assert not fmt.isAnchor() and not fmt.isImageFormat()
                    it += 1
                block = block.next()
    finally:
        SafeBrowser.loadResource = original
    assert not any(u.startswith("http") for u in requested)
    browser = window.view.browser
    assert not browser.openLinks() and not browser.openExternalLinks()
    assert browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl("http://example.com/x.png")) is None


def test_side_rows_keep_shared_paragraphs_level():
    ops = (
        Op("=", "One.\nTwo ", "One.\nTwo "),
        Op("-", "old", ""),
        Op("+", "", "new\nextra para"),
        Op("=", ".\nThree.", ".\nThree."),
    )
    grouped = [(op, i if op.kind in "-+" else -1) for i, op in enumerate(ops)]
    rows = side_rows(grouped)
    texts = [(["".join(r[0] for r in p) for p in left], ["".join(r[0] for r in p) for p in right]) for left, right in rows]
    assert texts == [(["One."], ["One."]), (["Two old."], ["Two new", "extra para."]), (["Three."], ["Three."])]


def test_colors_follow_a_dark_palette():
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e6e6e6"))
    dark = Colors.from_palette(palette)
    assert dark.deleted_fg.lightness() > 128 and dark.inserted_fg.lightness() > 128
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#000000"))
    light = Colors.from_palette(palette)
    assert light.deleted_fg.lightness() < 128 and light.inserted_fg.lightness() < 128


def test_deletions_struck_and_insertions_underlined(nec):
    doc = nec.view.browser.document()
    struck = underlined = 0
    block = doc.begin()
    while block.isValid() and (not struck or not underlined):
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            struck += fmt.fontStrikeOut()
            underlined += fmt.fontUnderline()
            it += 1
        block = block.next()
    assert struck and underlined


def test_zoom_changes_text_size_and_remembers_it(qtbot, nec):
    window = nec
    start = window.view.font_point_size
    with qtbot.waitSignal(window.view.rendered, timeout=20_000):
        window.acts.zoom_in.trigger()
    assert window.view.font_point_size > start
    assert settings.value("view/text_size") == window.view.font_point_size
    with qtbot.waitSignal(window.view.rendered, timeout=20_000):
        window.acts.zoom_reset.trigger()
    assert window.view.font_point_size == start == 11.0
    for _ in range(20):  # stops at the smallest size instead of going below it
        window.zoom(-1)
    qtbot.waitUntil(lambda: not window.view.building, timeout=20_000)
    assert window.view.font_point_size == 8.0
    assert "smallest" in window.statusBar().currentMessage()


def test_a_message_shown_while_the_view_rebuilds_survives_the_rebuild(qtbot, nec, monkeypatch):
    """A loaded machine, made certain: every build spans turns of the event loop. Only the
    "Comparing..." note is the view's to clear when it is done; a newer message stays."""
    from policydiff.gui import diff_view
    from policydiff.gui.main_window import COMPARING

    window = nec
    assert window.statusBar().currentMessage() != COMPARING  # the comparison's note went when it was shown
    monkeypatch.setattr(diff_view, "SLICE_SECONDS", 0.0)
    with qtbot.waitSignal(window.view.rendered, timeout=20_000):
        window.zoom(1)
        assert window.view.building
        window.statusBar().showMessage("newer than the re-render")
    assert window.statusBar().currentMessage() == "newer than the re-render"
