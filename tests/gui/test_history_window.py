"""The window on a version history, driven through its actions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gui_helpers import WAIT_MS
from policydiff.core.history import open_history
from policydiff.gui import dialogs

FIXTURES = Path(__file__).parents[1] / "core" / "fixtures" / "history" / "bluesky-privacy-policy"


@pytest.fixture
def history_window(qtbot, window, tmp_path):
    folder = tmp_path / "versions"
    shutil.copytree(FIXTURES, folder)
    history = open_history([folder])
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        window.open_history(history)
    qtbot.waitUntil(lambda: window.history.since is not None, timeout=WAIT_MS)
    yield window
    window.history.shutdown()


def shown(qtbot, w, action) -> None:
    with qtbot.waitSignal(w.comparison_shown, timeout=WAIT_MS):
        action()


def test_opens_on_the_latest_change_and_steps(qtbot, history_window, errors):
    w = history_window
    h = w.history
    assert (h.old, h.new) == (2, 3)
    assert "2024-08-07" in w.windowTitle() and "2025-08-15" in w.windowTitle()
    assert w.comparison.new.name.endswith("2025-08-15 \u00b7 2025-08-15.md")
    assert not h.acts.next_step.isEnabled()
    shown(qtbot, w, h.acts.prev_step.trigger)
    assert (h.old, h.new) == (1, 2) and "2024-05-22" in w.windowTitle()
    shown(qtbot, w, h.acts.prev_step.trigger)
    assert (h.old, h.new) == (0, 1) and not h.acts.prev_step.isEnabled()
    shown(qtbot, w, h.acts.next_step.trigger)
    assert (h.old, h.new) == (1, 2)
    # Any two versions: select them in the list.
    shown(qtbot, w, lambda: h.timeline.pair_requested.emit(0, 3))
    assert w.comparison.old.name.startswith("versions @ 2024-03-14")
    assert h.timeline.items[0].text(0).endswith("OLD") and h.timeline.items[3].text(0).endswith("NEW")
    assert not errors


def test_timeline_sizes_and_biggest_change(qtbot, history_window):
    w = history_window
    h = w.history
    sizes = h.timeline.strip.sizes
    assert len(sizes) == 4 and all(a + d > 0 for a, d in sizes[1:])
    shown(qtbot, w, h.acts.biggest_step.trigger)
    assert (h.old, h.new) == (2, 3)  # the 2025 rewrite
    assert h.timeline.items[3].text(2)  # words of each version


def test_since_when_notes_and_link(qtbot, history_window):
    w = history_window
    h = w.history
    with qtbot.waitSignal(w.view.painted, timeout=WAIT_MS):
        h.acts.since_when.trigger()
    text = w.view.browser.toPlainText().replace("\u00a0", " ")
    assert "since 2024-03-14" in text and "new in this version" in text
    from PySide6.QtCore import QUrl

    shown(qtbot, w, lambda: w.view.browser.anchorClicked.emit(QUrl("since:2")))
    assert (h.old, h.new) == (1, 2)
    h.acts.since_when.trigger()
    qtbot.waitUntil(lambda: not w.view.building and "since\u00a020" not in w.view.browser.toPlainText()
                    and "since 20" not in w.view.browser.toPlainText(), timeout=WAIT_MS)


def test_section_history_from_the_outline(qtbot, history_window, monkeypatch):
    w = history_window
    h = w.history
    index = next(k for k, p in enumerate(w.comparison.pairs) if p.new is not None and p.new.title.endswith("Cookies"))
    w.outline.select_pair(index)
    offered = []

    def choose(parent, title, prompt, labels, current):
        offered.extend(labels)
        return labels[-1][3]  # the oldest event: where the section first appears

    monkeypatch.setattr(dialogs, "choose_section", choose)
    assert h.acts.section_history in w.outline.context_actions
    h.acts.section_history.trigger()
    assert offered and offered[-1][2] == "first appears"


def test_report_names_the_versions(history_window):
    from policydiff.core.report import render_report

    html = render_report(history_window.comparison)
    assert "2024-08-07" in html and "2025-08-15" in html


def test_a_step_built_ahead_reads_as_one_built_on_screen(qtbot, history_window, errors):
    """The neighbouring steps' documents are built in the prefetch thread: stepping shows one,
    and it holds what building it in the window gives (text, pairs, changes)."""
    w = history_window
    h = w.history
    qtbot.waitUntil(lambda: bool(h._prefetching) and all(f.done() for f in h._prefetching), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: w.view.receive_offers() or len(w.view._prebuilt) >= 1, timeout=WAIT_MS)
    ahead = next(iter(w.view._prebuilt.values()))[2]
    shown(qtbot, w, h.acts.prev_step.trigger)
    assert (h.old, h.new) == (1, 2) and "2024-05-22" in w.windowTitle()
    assert w.view.rendering is ahead and w.view.browser.document() is ahead.document
    from policydiff.core import present

    # The stops are this comparison's, not the previous document's (it stays shown until this one is).
    assert w.view.changed_pairs() == [v.index for v in present.present(w.comparison) if v.stop]
    text = ahead.document.toPlainText()
    with qtbot.waitSignal(w.view.rendered, timeout=WAIT_MS):
        w.view.rerender()  # built on screen this time: a document built ahead is shown once
    built = w.view.rendering
    assert built is not ahead
    assert built.document.toPlainText() == text
    assert (built.pair_positions, built.changes, built.change_names) == (
        ahead.pair_positions, ahead.changes, ahead.change_names)
    assert not errors


def test_since_when_notes_are_built_ahead_too(qtbot, history_window, errors):
    """With since-when on, the neighbours are built with their own notes ("new in this version"
    names the pair's newer version): stepping shows one, reading as one built on screen."""
    w = history_window
    h = w.history
    with qtbot.waitSignal(w.view.painted, timeout=WAIT_MS):
        h.acts.since_when.trigger()
    qtbot.waitUntil(lambda: bool(h._prefetching) and all(f.done() for f in h._prefetching), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: w.view.has_prebuilt(h.history.cached_comparison(1, 2, w.options())), timeout=WAIT_MS)
    shown(qtbot, w, h.acts.prev_step.trigger)
    ahead = w.view.rendering
    text = ahead.document.toPlainText()
    assert "new in this version" in text.replace("\u00a0", " ")
    with qtbot.waitSignal(w.view.rendered, timeout=WAIT_MS):
        w.view.rerender()
    assert w.view.rendering is not ahead and w.view.rendering.document.toPlainText() == text
    assert not errors


def test_timeline_counts_are_the_comparisons(qtbot, history_window):
    """The list's count of a step is the header's and ``--history --json``'s: words inserted and
    deleted by the comparison (a quick estimate by lines is marked as one until then)."""
    from policydiff.core.history import history_json

    w = history_window
    h = w.history
    counted = history_json(h.history, workers=1)
    steps, versions = counted["steps"], counted["versions"]
    # Every step is counted in the background, without stepping to it: the list holds the
    # comparison's counts of all of them, and each version's words as --json counts them.
    qtbot.waitUntil(lambda: len(h.timeline.exact) == len(steps) and len(h.timeline.exact_words) == len(versions),
                    timeout=WAIT_MS)
    for k, step in enumerate(steps):
        assert h.timeline.items[k + 1].text(1) == (f"+{step['words_inserted']:,} \u2212{step['words_deleted']:,}"
                                                   if step["words_inserted"] or step["words_deleted"]
                                                   else "no wording changed")
    assert [h.timeline.items[k].text(2) for k in range(len(versions))] == [f"{v['words']:,}" for v in versions]
    for old in (2, 1, 0):
        if (h.old, h.new) != (old, old + 1):
            shown(qtbot, w, lambda: h.show_pair(old, old + 1))
        words = w.comparison.stats.words
        step = steps[old]
        assert (words.words_inserted, words.words_deleted) == (step["words_inserted"], step["words_deleted"])
        item = h.timeline.items[old + 1]
        assert item.text(1) == f"+{step['words_inserted']:,} \u2212{step['words_deleted']:,}"
        assert h.timeline.strip.sizes[old + 1] == (step["words_inserted"], step["words_deleted"])
        assert item.text(2) == f"{versions[old + 1]['words']:,}"
    # Not truncated: the change column holds its widest text beside the bar.
    from policydiff.gui.timeline import BAR_WIDTH

    column = h.timeline.list.header().sectionSize(1)
    metrics = h.timeline.list.fontMetrics()
    for item in h.timeline.items:
        assert BAR_WIDTH + 10 + metrics.horizontalAdvance(item.text(1)) <= column, item.text(1)


def test_timeline_colours_each_step_by_its_substantive_changes(qtbot, history_window):
    """Every step is coloured by its substantive changes as ``--history --json`` counts them, with
    a legend and a tooltip naming the signals; counted in the background (the window answers
    meanwhile)."""
    from PySide6.QtCore import QPoint

    from policydiff.core.history import history_json
    from policydiff.gui.timeline import SUBSTANTIVE_SCALE, changes_tip, substantive_colour

    w = history_window
    h = w.history
    steps = history_json(h.history, workers=1)["steps"]
    qtbot.waitUntil(lambda: len(h.timeline.strip.changes) == len(steps), timeout=WAIT_MS)
    for k, step in enumerate(steps):
        assert h.timeline.strip.changes[k + 1] == (step["changes_substantive"], step["signals"])
    assert any(step["changes_substantive"] for step in steps)
    # The band shows each step's colour: sample the strip's pixels under the bars.
    strip = h.timeline.strip
    image = strip.grab().toImage()
    y = strip.height() - 18 - strip.BAND // 2
    for i in range(1, len(steps) + 1):
        x = int((strip._x(i) + strip._x(i + 1)) / 2)
        expected = substantive_colour(steps[i - 1]["changes_substantive"])
        assert image.pixelColor(QPoint(x, y)).name() == expected.name(), i
    # A darker colour for more substantive changes: luminance never rises along the scale.
    lightness = [substantive_colour(least).lightness() for least, _colour, _label in SUBSTANTIVE_SCALE]
    assert lightness == sorted(lightness, reverse=True) and len(set(lightness)) == len(lightness)
    # The legend names every class; the list's tooltip names the signals of the step.
    legend_text = " ".join(label.text() for label in h.timeline.legend.findChildren(type(h.timeline.caption)))
    assert "Substantive changes" in legend_text and all(label in legend_text for *_, label in SUBSTANTIVE_SCALE)
    busiest = max(range(len(steps)), key=lambda k: steps[k]["changes_substantive"])
    tip = h.timeline.items[busiest + 1].toolTip(1)
    assert f"{steps[busiest]['changes_substantive']} substantive" in tip
    assert steps[busiest]["signals"][0] in tip
    assert changes_tip(3, ["number: 30 days \u2192 3 years", "modal: may \u2192 will"]) == (
        "3 substantive: number: 30 days \u2192 3 years; modal: may \u2192 will")
    # Other options, other counts: the band is counted again, not left with the old colours.
    h.timeline.forget_exact()
    assert not h.timeline.strip.changes


def _a_few_dozen_versions(folder: Path, count: int = 30) -> list[str]:
    """A history of ``count`` versions: the four recorded ones in turn, each recorded several
    times over with its links' tracking parameters changed (as archives record web pages)."""
    import re

    recorded = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("*.md"))]
    folder.mkdir()
    texts = []
    for k in range(count):
        text = re.sub(r"\]\((https://[^)\s?#]*)\)", rf"](\1?ref=capture{k})", recorded[k * len(recorded) // count])
        (folder / f"2024-{1 + k // 28:02d}-{1 + k % 28:02d}.md").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def test_since_when_is_ready_before_any_step_is_counted(qtbot, window, tmp_path):
    """Since-when reads every version and compares nothing: its notes are on screen before the
    first run of steps is counted (the signals' order, not a timing), and every step is counted
    after it as ``--history --json`` counts it."""
    from policydiff.core.history import history_json

    texts = _a_few_dozen_versions(tmp_path / "versions")
    history = open_history([tmp_path / "versions"])
    assert len(history) == len(texts)
    with qtbot.waitSignal(window.comparison_shown, timeout=WAIT_MS):
        window.open_history(history)
    h = window.history
    events: list[str] = []
    h.since_ready.connect(lambda: events.append("since-when ready"))
    h._relay.counted.connect(lambda result: events.append(f"steps counted from {result[0]}"))
    h.pair_shown.connect(lambda old, new: events.append("pair shown"))
    try:
        with qtbot.waitSignal(h.since_ready, timeout=WAIT_MS * 4):
            h.acts.since_when.trigger()
        assert events == ["since-when ready"]  # no step counted yet: it did not wait for them
        qtbot.waitUntil(lambda: not window.view.building, timeout=WAIT_MS)
        notes = window.view.browser.toPlainText().replace("\u00a0", " ")
        assert "since 2024-01-01 (first version)" in notes
        # A version that changed only its links' addresses reads as the one before it.
        assert h.since.parsed <= 4 and h.since.step_words[1] == (0, 0)
        counted = history_json(history, workers=1)
        qtbot.waitUntil(lambda: len(h.timeline.exact) == len(counted["steps"]), timeout=WAIT_MS * 4)
        assert events.index("since-when ready") < min(k for k, e in enumerate(events) if e.startswith("steps"))
        for k, step in enumerate(counted["steps"]):
            assert h.timeline.strip.sizes[k + 1] == (step["words_inserted"], step["words_deleted"])
    finally:
        h.shutdown()
