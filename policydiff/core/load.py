"""Bytes to text: size and binary guards, encoding detection, newline normalisation.

Every failure is a :class:`LoadError` whose message names the file and the problem in one line.
Files are only ever opened for reading.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policydiff.core.model import Document

MAX_BYTES = 20 * 1024 * 1024
"""Largest file accepted (20 MiB): far above any real policy, small enough to diff interactively."""

# Magic numbers of formats people may pick by mistake; named so the message can say what it is.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"{\\rtf", "an RTF document"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class LoadError(Exception):
    """A file that cannot be read as a policy text. ``str(error)`` is the one-line message."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True, slots=True)
class LoadedText:
    """A file's text, ready for structure recovery."""

    text: str
    """Decoded text with ``\\n`` newlines only and no BOM."""
    encoding: str
    """The encoding used to decode it."""
    sha256: str
    """SHA-256 of the file's bytes, hex."""


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "is a FIFO (named pipe), not a file"),
    (stat.S_ISCHR, "is a device, not a file"),
    (stat.S_ISBLK, "is a device, not a file"),
    (stat.S_ISSOCK, "is a socket, not a file"),
)


def _not_a_file(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISREG(mode):
        return None
    return next((reason for test, reason in _SPECIAL_KINDS if test(mode)), "is not a regular file")


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file's bytes, refusing folders, FIFOs, devices, missing, unreadable and oversized files.

    Only regular files are read: a FIFO or a device would block or never end. The kind is checked
    before opening, and again on the open file (opened without blocking) in case it was swapped.
    """
    p = Path(path)
    try:
        info = p.stat()
    except FileNotFoundError:
        raise LoadError(path, "no such file") from None
    except OSError as exc:
        raise LoadError(path, f"cannot read file ({exc.strerror or exc})") from None
    problem = _not_a_file(info.st_mode)
    if problem:
        raise LoadError(path, problem)
    if info.st_size > max_bytes:
        raise LoadError(
            path, f"file is too large ({_megabytes(info.st_size)}; the limit is {_megabytes(max_bytes)})"
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(p, flags)
    except PermissionError:
        raise LoadError(path, "permission denied") from None
    except OSError as exc:
        raise LoadError(path, f"cannot read file ({exc.strerror or exc})") from None
    try:
        with open(fd, "rb", closefd=True) as handle:
            problem = _not_a_file(os.fstat(handle.fileno()).st_mode)
            if problem:  # replaced by something else between stat and open
                raise LoadError(path, problem)
            data = handle.read(max_bytes + 1)
    except LoadError:
        raise
    except PermissionError:
        raise LoadError(path, "permission denied") from None
    except OSError as exc:
        raise LoadError(path, f"cannot read file ({exc.strerror or exc})") from None
    if data is None:  # pragma: no cover - a non-blocking read of a regular file always returns
        raise LoadError(path, "cannot read file (not ready)")
    if len(data) > max_bytes:  # grew while we read
        raise LoadError(path, f"file is too large (over {_megabytes(max_bytes)})")
    return data


def decode(data: bytes, path: str | os.PathLike[str] = "<text>") -> LoadedText:
    """Decode bytes to normalised text, or raise :class:`LoadError` saying why not."""
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        return LoadedText("", "utf-8", digest)
    encoding = _bom_encoding(data)
    if encoding is None:
        for signature, what in _SIGNATURES:
            if data.startswith(signature):
                raise LoadError(path, f"this is {what}, not a text file")
        if b"\x00" in data:  # the whole file: a NUL at 1 MB is as telling as one at 1 KB
            encoding = _bomless_utf16(data)
            if encoding is None:
                raise LoadError(path, "binary content (contains NUL bytes), not a text file")
    try:
        if encoding is None:
            text = data.decode("utf-8")
            encoding = "utf-8"
        else:
            text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding in ("utf-16-le", "utf-16-be") and not _bom_encoding(data):
            raise LoadError(path, "binary content (contains NUL bytes), not a text file") from None
        if encoding not in (None, "utf-8"):
            raise LoadError(path, f"the file says it is {encoding.upper()} but is not valid {encoding.upper()}") from None
        encoding, text = _detect(data, path)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _control_ratio(text) > 0.05:
        raise LoadError(path, "binary content (mostly control characters), not a text file")
    return LoadedText(text, encoding, digest)


def load_text(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> LoadedText:
    """Read and decode a file."""
    return decode(read_bytes(path, max_bytes=max_bytes), path)


def load_document(
    path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES, disabled_rules: frozenset[str] = frozenset()
) -> Document:
    """Read a policy file into a :class:`~policydiff.core.model.Document` (``disabled_rules``: outline
    rules switched off)."""
    from policydiff.core.structure import parse_document  # local: structure imports this module

    loaded = load_text(path, max_bytes=max_bytes)
    return parse_document(
        loaded.text, name=Path(path).name, path=str(path), sha256=loaded.sha256, encoding=loaded.encoding,
        disabled_rules=disabled_rules,
    )


# When several code pages read the bytes equally well, the one policies are most often written in
# wins: charset-normalizer alone ranks rare code pages (cp775, cp1125) first on short Western texts.
_COMMON_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "shift_jis", "cp932", "euc_jp", "gb18030", "big5",
                     "euc_kr", "cp1251", "cp1250", "iso8859_2")


def _detect(data: bytes, path: str | os.PathLike[str]) -> tuple[str, str]:
    import charset_normalizer  # only for files that are not UTF-8: its import costs ~30 ms

    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise LoadError(path, "cannot tell which text encoding the file uses")
    best_chaos = min(m.chaos for m in matches)
    plausible = {m.encoding: m for m in matches if m.chaos <= best_chaos + 0.05}
    for encoding in _COMMON_ENCODINGS:
        if encoding in plausible:
            return encoding, str(plausible[encoding])
    best = matches[0]
    return best.encoding, str(best)


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` for UTF-16 saved without a byte order mark, else None.

    Such text has a NUL in the high byte of every ASCII character: NULs cluster at odd offsets
    (little-endian) or even ones (big-endian), while the other parity has almost none (only
    characters like U+4E00 put a NUL there). Binary data has NULs at both. Whether the bytes then
    decode, and decode to text rather than control characters, is checked by the caller.
    """
    if len(data) < 2 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)  # C-speed, whole file
    units = len(data) // 2
    if odd >= units // 20 + 1 and odd >= 20 * even:
        return "utf-16-le"
    if even >= units // 20 + 1 and even >= 20 * odd:
        return "utf-16-be"
    return None


# Control characters other than the line and page breaks and tabs a text file may hold.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\r]")


def _control_ratio(text: str) -> float:
    """Share of control characters in the whole text (one pass, at C speed)."""
    if not text:
        return 0.0
    return len(_CONTROL_RE.findall(text)) / len(text)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
