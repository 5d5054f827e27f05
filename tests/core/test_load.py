"""Loading: encodings, newlines, and a clear one-line error for every kind of bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.core.load import LoadError, decode, load_document, load_text

TEXT = "Privacy Policy\n\nWe collect your “personal data” — café, naïve, ©.\n1. Scope\nThis applies.\n"


@pytest.mark.parametrize(
    "encoded, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16-le"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_unicode_encodings_with_and_without_bom(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes(encoded)
    loaded = load_text(path)
    assert loaded.text == TEXT
    assert loaded.encoding == encoding


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_legacy_western_encodings_are_detected(tmp_path: Path, codec: str) -> None:
    text = ("Our privacy statement covers the café and the naïve résumé of every employee. " * 8) + "\n"
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(codec))
    assert load_text(path).text == text


def test_shift_jis_is_detected(tmp_path: Path) -> None:
    text = "個人情報保護方針\n当社は、お客様の個人情報を適切に取り扱います。個人情報の利用目的を明確にします。\n" * 4
    path = tmp_path / "sjis.txt"
    path.write_bytes(text.encode("shift_jis"))
    assert load_text(path).text == text


def test_crlf_and_cr_newlines_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "dos.txt"
    path.write_bytes(b"Title\r\n\r\nOne.\rTwo.\r\n")
    assert load_text(path).text == "Title\n\nOne.\nTwo.\n"


def test_empty_file_is_an_empty_document(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    doc = load_document(path)
    assert doc.sections == () and doc.preamble.body == "" and doc.title is None


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (b"PK\x03\x04" + bytes(100), "ZIP archive"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (b"some text\x00\x00\x01 more", "NUL bytes"),
        (bytes(range(1, 32)) * 50, "control characters"),
    ],
)
def test_binary_content_is_refused_with_a_clear_message(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "policy.md"
    path.write_bytes(content)
    with pytest.raises(LoadError) as caught:
        load_document(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and reason in message and "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load_document(tmp_path / "nope.md")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="folder"):
        load_document(tmp_path)


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 1000)
    with pytest.raises(LoadError, match="too large"):
        load_text(path, max_bytes=1000)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "secret.md"
    path.write_text("x")
    path.chmod(0)
    with pytest.raises(LoadError, match="permission denied"):
        load_document(path)


def test_input_file_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes(b"\xef\xbb\xbfTitle\r\n\r\nBody text here.\r\n")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_document(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_a_document_or_a_clear_error(data: bytes) -> None:
    try:
        loaded = decode(data, "input.bin")
    except LoadError as error:
        assert str(error).startswith("input.bin: ") and "\n" not in str(error)
    else:
        assert "\r" not in loaded.text and not loaded.text.startswith("\ufeff")


# -- UTF-16 without a byte order mark, NULs anywhere, FIFOs and devices ----------------------------

import stat  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from policydiff.core.load import read_bytes  # noqa: E402


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "# 個人情報保護方針\n\n当社は、お客様の個人情報 (personal data) を適切に取り扱います。一\n",
    ],
)
def test_utf16_without_bom_is_read_as_utf16(tmp_path: Path, codec: str, text: str) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes(text.encode(codec))
    loaded = load_text(path)
    assert loaded.text == text
    assert loaded.encoding == codec


def test_utf16_without_bom_but_broken_is_binary(tmp_path: Path) -> None:
    data = TEXT.encode("utf-16-le") + "\ud800".encode("utf-16-le", "surrogatepass") + b"x\x00"
    path = tmp_path / "policy.txt"
    path.write_bytes(data)
    with pytest.raises(LoadError, match="binary content"):
        load_text(path)


@pytest.mark.parametrize("where", [10, 65535, 65536, 70_000, 1_000_000])
def test_a_nul_byte_anywhere_is_binary(tmp_path: Path, where: int) -> None:
    data = bytearray(b"Privacy policy text. " * (where // 21 + 10))
    data[where] = 0
    path = tmp_path / "policy.md"
    path.write_bytes(bytes(data))
    with pytest.raises(LoadError) as caught:
        load_document(path)
    assert str(caught.value) == f"{path}: binary content (contains NUL bytes), not a text file"


def test_binary_with_nuls_at_both_parities_is_not_utf16(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(LoadError, match="NUL bytes"):
        load_text(path)


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "policy.md"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "policydiff", str(fifo), "--outline"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == f"policydiff: {fifo}: is a FIFO (named pipe), not a file\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_fifo_behind_a_symlink_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "policy.md"
    link.symlink_to(fifo)
    with pytest.raises(LoadError) as caught:
        read_bytes(link)
    assert str(caught.value) == f"{link}: is a FIFO (named pipe), not a file"


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_is_refused(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    with pytest.raises(LoadError) as caught:
        load_document(device)
    assert str(caught.value) == f"{device}: is a device, not a file"


def test_a_fifo_swapped_in_after_the_check_does_not_block(tmp_path: Path, monkeypatch) -> None:
    """The path was a file at stat() time and is a FIFO at open(): opened without blocking, refused."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    real_stat = Path.stat
    monkeypatch.setattr(Path, "stat", lambda self, **kw: real_stat(Path(__file__)))
    with pytest.raises(LoadError, match="FIFO"):
        read_bytes(fifo)
