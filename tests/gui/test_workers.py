"""Comparisons off the GUI thread: stale results are dropped by sequence number."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QThreadPool  # noqa: E402

from policydiff.core.corpus import showcase_pair  # noqa: E402
from policydiff.gui.workers import Comparer, Job  # noqa: E402


def test_only_the_latest_result_arrives(qtbot):
    comparer = Comparer()
    old, new = showcase_pair()
    got = []
    comparer.comparison_finished.connect(lambda job, c: got.append(job.context))
    comparer.request(Job(old=str(old), new=str(new), context="first"))
    with qtbot.waitSignal(comparer.comparison_finished, timeout=30_000):
        comparer.request(Job(old=str(new), new=str(old), context="second"))
    QThreadPool.globalInstance().waitForDone(30_000)
    qtbot.wait(50)  # deliver any queued (stale) result
    assert got == ["second"]
    assert not comparer.busy


def test_failure_is_reported(qtbot, tmp_path):
    comparer = Comparer()
    with qtbot.waitSignal(comparer.comparison_failed, timeout=30_000) as blocker:
        comparer.request(Job(old=str(tmp_path / "nope.md"), new=str(tmp_path / "nope2.md")))
    job, exc = blocker.args
    assert "nope.md" in str(exc)
