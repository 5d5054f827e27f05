"""The report in a real browser (headless Chromium): it renders, prints, runs no script, logs no
CSP violation and makes no network request. Skipped when Chromium is not installed (CI installs it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from report_helpers import FIXED_TIME

from policydiff.core.report import render_report, save_report

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and os.path.exists(p)), None)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (/usr/bin/chromium); "
                                                "CI installs it: apt-get install -y chromium"),
]
TIMEOUT = 20


def chromium(tmp_path: Path, url: str, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
            f"--user-data-dir={profile}", *extra, url]
    try:
        return subprocess.run(args, capture_output=True, timeout=TIMEOUT, text=True, errors="replace")
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium took more than {TIMEOUT} s: {' '.join(args)}")


def page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked the network for (the browser's own background traffic has no
    origin and is left out)."""
    text = netlog.read_text(errors="replace").rstrip().rstrip(",")
    if not text.endswith("}"):
        text += "]}"  # log cut short at exit: close the events list
    log = json.loads(text)
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log.get("events", []):
        params = event.get("params") or {}
        if event.get("type") == start and "url" in params and params.get("initiator") != "not an origin":
            urls.append(params["url"])
    return urls


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Content Security Policy" in line]


@pytest.fixture(params=["sample", "nec"])
def report_file(request, tmp_path) -> Path:
    comparison = request.getfixturevalue(request.param)
    path = tmp_path / f"{request.param}.html"
    save_report(path, render_report(comparison, generated_at=FIXED_TIME))
    return path


def test_harness_detects_requests_and_console_errors(tmp_path):
    """Sanity check of the checks below: a page that breaks the rules is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>bad</title></head><body>"
        "<img src='http://127.0.0.1:9/x.png'><script>console.error('ran')</script></body></html>"
    )
    netlog = tmp_path / "bad.netlog.json"
    result = chromium(tmp_path, bad.as_uri(), "--enable-logging=stderr", "--v=0",
                      f"--log-net-log={netlog}", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert any("127.0.0.1:9" in u for u in page_requests(netlog))
    assert console_lines(result.stderr)


def test_report_in_browser_no_script_no_request(report_file, tmp_path):
    netlog = tmp_path / "netlog.json"
    result = chromium(tmp_path, report_file.as_uri(), "--enable-logging=stderr", "--v=0",
                      f"--log-net-log={netlog}", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert page_requests(netlog) == []
    assert console_lines(result.stderr) == []
    import html5lib

    dom = html5lib.parse(result.stdout, namespaceHTMLElements=False)  # the live DOM, as Chromium built it
    assert dom.find(".//script") is None and dom.find(".//iframe") is None
    metas = [m for m in dom.iter("meta") if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1 and "default-src 'none'" in metas[0].get("content")
    for el in dom.iter():
        assert el.get("src") is None, el.tag
        href = el.get("href")
        assert href is None or href.startswith("#") or href.startswith(("http://", "https://")), href
    assert len(list(dom.iter("section"))) > 3


@pytest.mark.parametrize("layout", ["side-by-side", "inline"])
def test_screenshot(request, tmp_path, layout):
    comparison = request.getfixturevalue("sample")
    path = tmp_path / f"report-{layout}.html"
    save_report(path, render_report(comparison, layout=layout, generated_at=FIXED_TIME))
    png = tmp_path / "shot.png"
    result = chromium(tmp_path, path.as_uri(), f"--screenshot={png}", "--window-size=1280,2000")
    assert result.returncode == 0, result.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 1280
    assert len(data) > 30_000  # a blank page compresses to a few KB


def test_print_to_pdf(report_file, tmp_path):
    pdf = tmp_path / "report.pdf"
    result = chromium(tmp_path, report_file.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert result.returncode == 0, result.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000


PDFTOTEXT = shutil.which("pdftotext")


def test_nec_prints_on_14_pages_with_every_summary_line_whole(tmp_path):
    """Sections flow (no forced page breaks): the NEC report's 35 section pairs print on at most
    14 A4 pages, and every line of the contents (title, status, change) is whole on paper: no
    change column clipped ("+27 −25 words (")."""
    import re

    from policydiff.core import present
    from policydiff.core.compare import compare
    from policydiff.core.load import load_document
    from report_helpers import CORPUS

    c = compare(load_document(CORPUS / "nec-2002.md"), load_document(CORPUS / "nec-2024.txt"))
    path = tmp_path / "nec.html"
    save_report(path, render_report(c, generated_at=FIXED_TIME))
    pdf = tmp_path / "nec.pdf"
    result = chromium(tmp_path, path.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert result.returncode == 0, result.stderr[-2000:]
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
    assert 1 <= pages <= 14
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the page count was checked, not the text")
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    words = " ".join(text.split())
    for view in present.present(c):
        assert view.change_text in words, view.change_text
