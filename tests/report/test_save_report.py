"""save_report: atomic, no partial or stray files, refuses to overwrite unless asked."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from policydiff.core.report import render_report, save_report

HTML = "<!DOCTYPE html><title>r\u00e9port \u2192</title><p>caf\u00e9</p>"


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_writes_utf8(tmp_path):
    target = tmp_path / "r.html"
    save_report(target, HTML)
    assert target.read_bytes() == HTML.encode("utf-8")
    assert listing(tmp_path) == ["r.html"]


def test_accepts_str_paths_and_follows_umask(tmp_path):
    target = tmp_path / "r.html"
    save_report(str(target), HTML)
    umask = os.umask(0)
    os.umask(umask)
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_refuses_to_overwrite(tmp_path):
    target = tmp_path / "r.html"
    target.write_text("precious")
    with pytest.raises(FileExistsError) as info:
        save_report(target, HTML)
    assert str(target) in str(info.value) and "overwrite" in str(info.value)
    assert target.read_text() == "precious"
    assert listing(tmp_path) == ["r.html"]


def test_refuses_a_dangling_symlink(tmp_path):
    link = tmp_path / "r.html"
    link.symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(FileExistsError):
        save_report(link, HTML)
    assert not (tmp_path / "elsewhere.html").exists()


def test_overwrites_when_asked(tmp_path):
    target = tmp_path / "r.html"
    target.write_text("old")
    save_report(target, HTML, overwrite=True)
    assert target.read_text(encoding="utf-8") == HTML
    assert listing(tmp_path) == ["r.html"]


def test_creation_race_is_caught(tmp_path, monkeypatch):
    """The file appears between the check and the creation: still FileExistsError, still intact."""
    target = tmp_path / "r.html"
    real_link = os.link

    def racing_link(src, dst, *a, **kw):
        Path(dst).write_text("the other writer")
        return real_link(src, dst, *a, **kw)

    monkeypatch.setattr(os, "link", racing_link)
    with pytest.raises(FileExistsError):
        save_report(target, HTML)
    assert target.read_text() == "the other writer"
    assert listing(tmp_path) == ["r.html"]


def test_failed_replace_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError(errno.EIO, "disk on fire")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError) as info:
        save_report(target, HTML, overwrite=True)
    assert "disk on fire" in str(info.value) and str(target) in str(info.value)
    assert target.read_text() == "old"
    assert listing(tmp_path) == ["r.html"]


def test_failed_replace_without_hard_links_leaves_nothing(tmp_path, monkeypatch):
    """No hard links on this file system (falls back to os.replace), and that fails too."""
    target = tmp_path / "r.html"

    def no_link(src, dst, *a, **kw):
        raise OSError(errno.EPERM, "links not supported")

    def broken_replace(src, dst):
        raise OSError(errno.EIO, "disk on fire")

    monkeypatch.setattr(os, "link", no_link)
    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_report(target, HTML)
    assert listing(tmp_path) == []


def test_without_hard_links_still_saves(tmp_path, monkeypatch):
    def no_link(src, dst, *a, **kw):
        raise OSError(errno.EPERM, "links not supported")

    monkeypatch.setattr(os, "link", no_link)
    target = tmp_path / "r.html"
    save_report(target, HTML)
    assert target.read_text(encoding="utf-8") == HTML
    with pytest.raises(FileExistsError):
        save_report(target, "other")
    assert listing(tmp_path) == ["r.html"]


def test_failed_link_leaves_nothing(tmp_path, monkeypatch):
    def broken_link(src, dst, *a, **kw):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(os, "link", broken_link)
    with pytest.raises(OSError) as info:
        save_report(tmp_path / "r.html", HTML)
    assert info.value.errno == errno.EIO
    assert listing(tmp_path) == []


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    target = tmp_path / "r.html"
    with pytest.raises(OSError) as info:
        save_report(target, HTML)
    assert info.value.errno == errno.ENOSPC and "No space left" in str(info.value)
    assert listing(tmp_path) == []


def test_missing_directory_is_a_clear_error(tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "r.html"
    with pytest.raises(FileNotFoundError) as info:
        save_report(target, HTML)
    assert str(target) in str(info.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_is_a_clear_error(tmp_path):
    directory = tmp_path / "ro"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        with pytest.raises(PermissionError) as info:
            save_report(directory / "r.html", HTML)
        assert "r.html" in str(info.value)
    finally:
        directory.chmod(0o700)


def test_saves_a_rendered_report_with_odd_characters(tmp_path, sample):
    from dataclasses import replace

    odd = "nul\x00 vt\x0b surrogate\udc80 nonchar\ufffe end"
    c = replace(sample, old=replace(sample.old, title=odd))
    html = render_report(c)
    target = tmp_path / "r.html"
    save_report(target, html)
    from report_helpers import parse, text_of

    text = text_of(parse(target.read_text(encoding="utf-8")))
    assert "nul\u2400 vt\u240b surrogate\ufffd nonchar\ufffd end" in text


# -- targets that are never written, whatever overwrite says ---------------------------------------

from policydiff.core.report import STALE_TEMP_SECONDS, ReportTargetError  # noqa: E402


def test_refuses_an_input_also_through_links(tmp_path):
    source = tmp_path / "policy.md"
    source.write_text("the input")
    link = tmp_path / "link.html"
    link.symlink_to(source)
    hard = tmp_path / "hard.html"
    os.link(source, hard)
    for target in (source, link, hard):
        with pytest.raises(ReportTargetError) as info:
            save_report(target, HTML, overwrite=True, inputs=(None, str(source)))
        assert info.value.strerror == "is one of the input files; choose another name for the report"
        assert str(info.value) == f"{target}: {info.value.strerror}"
    assert source.read_text() == "the input" and link.is_symlink()
    assert sorted(listing(tmp_path)) == ["hard.html", "link.html", "policy.md"]


def test_refuses_folders_devices_and_fifos(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    cases = {
        str(folder): "is a folder, not a file",
        str(tmp_path / "new-folder") + os.sep: "is a folder, not a file",
        os.devnull: "is a character device, not a regular file",
        str(fifo): "is a FIFO (named pipe), not a regular file",
    }
    for target, problem in cases.items():
        with pytest.raises(ReportTargetError) as info:
            save_report(target, HTML, overwrite=True)
        assert info.value.strerror == problem
    assert sorted(listing(tmp_path)) == ["fifo", "folder"]


def _stale_temp(directory: Path, name: str, age: float) -> Path:
    path = directory / name
    path.write_text("half a report")
    old = path.stat().st_mtime - age
    os.utime(path, (old, old))
    return path


def test_a_killed_save_leaves_no_temp_file_after_the_next_one(tmp_path):
    stale = _stale_temp(tmp_path, ".r.html.policydiff-report-0123456789ab.tmp", STALE_TEMP_SECONDS + 60)
    other_report = _stale_temp(tmp_path, ".other.html.policydiff-report-ba9876543210.tmp", STALE_TEMP_SECONDS + 60)
    save_report(tmp_path / "r.html", HTML)
    assert not stale.exists() and not other_report.exists()
    assert listing(tmp_path) == ["r.html"]


def test_clean_up_leaves_fresh_foreign_and_locked_files_alone(tmp_path):
    import fcntl

    old_enough = STALE_TEMP_SECONDS + 60
    fresh = _stale_temp(tmp_path, ".r.html.policydiff-report-0123456789ab.tmp", 0)  # a save in progress
    foreign = [
        _stale_temp(tmp_path, ".r.html.0123456789ab.tmp", old_enough),  # someone else's pattern
        _stale_temp(tmp_path, "r.html.policydiff-report-0123456789ab.tmp", old_enough),  # not hidden
        _stale_temp(tmp_path, ".r.html.policydiff-report-0123456789ab.tmp.keep", old_enough),
    ]
    locked = _stale_temp(tmp_path, ".x.html.policydiff-report-aaaaaaaaaaaa.tmp", old_enough)
    folder = tmp_path / ".d.policydiff-report-bbbbbbbbbbbb.tmp"
    folder.mkdir()
    with open(locked, "rb") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)  # another policydiff still writing it
        save_report(tmp_path / "r.html", HTML)
    assert fresh.exists() and locked.exists() and folder.is_dir()
    assert all(path.exists() for path in foreign)


def test_temp_files_are_named_for_the_clean_up(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(os.path.basename(src))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    save_report(tmp_path / "r.html", HTML, overwrite=True)
    from policydiff.core.report import _TEMP_NAME

    assert len(seen) == 1 and _TEMP_NAME.match(seen[0])
