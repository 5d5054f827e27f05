"""A self-contained HTML report of a :class:`~policydiff.core.model.Comparison`.

The report is one HTML5 file: inline CSS, no JavaScript, no external request of any kind
(a Content-Security-Policy meta element forbids them), every piece of document text escaped
by jinja2's autoescaping. It opens in any browser, prints as a legal redline, and can be
archived or mailed as is.

Public API (others code against it; keep names and signatures):

* :func:`render_report` -- the HTML text;
* :func:`default_report_name` -- ``nec-2002-vs-nec-2024.html``;
* :func:`save_report` -- atomic write, refuses to overwrite unless asked, and never writes over
  an input, a folder or anything that is not a regular file (:class:`ReportTargetError`).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Iterator, Literal, Sequence

import jinja2
from markupsafe import Markup, escape

import policydiff
from policydiff.core import changes, invisible, present
from policydiff.core.model import Comparison, Document, OmittedLine

__all__ = ["render_report", "default_report_name", "save_report", "ReportTargetError", "check_report_target"]

Layout = Literal["side-by-side", "inline"]

_TEMPLATES = Path(__file__).with_name("templates")
KEY_CHANGES_SHOWN = 12
"""Key changes listed openly at the top of the report; the rest are folded below them."""

# A URL is shown as a link only when it is plainly http(s) with nothing a browser would strip or
# reinterpret (white space, control characters, quotes, angle brackets, backslashes).
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"'`\\]+", re.IGNORECASE)


def _safe_url(url: str) -> bool:
    """Plainly http(s), and nothing in it a reader cannot see (a bidi override could disguise it)."""
    return bool(_SAFE_URL.fullmatch(url)) and not invisible.has_invisible(url)

# Characters HTML5 forbids in a document (controls other than tab/LF/FF/CR, noncharacters) and lone
# surrogates (not encodable as UTF-8). Document text is replaced in the final output: C0 controls and
# DEL by their visible Unicode "control pictures", the rest by U+FFFD. Markup never contains them.
_INVALID_CHARS = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


# --------------------------------------------------------------------------------------------
# The view model: the pairs come from present.py (shared with the window); the documents from here


@dataclass(frozen=True, slots=True)
class _DocView:
    role: str  # "old" / "new"
    name: str
    title: str | None
    date: str | None
    source: str | None
    source_href: str | None
    archived: str | None
    sha256: str
    encoding: str
    sections: int
    omitted: tuple[OmittedLine, ...]
    label: str  # short name used in the legend and column heads


def _doc_label(doc: Document) -> str:
    return doc.date or doc.name or "unnamed"


def _doc_view(doc: Document, role: str, label: str) -> _DocView:
    source = doc.source.strip() if doc.source else None
    href = source if source and _safe_url(source) else None
    return _DocView(
        role=role,
        name=doc.name,
        title=doc.title,
        date=doc.date,
        source=source,
        source_href=href,
        archived=doc.archived,
        sha256=doc.sha256,
        encoding=doc.encoding,
        sections=len(doc.flat()) - 1,
        omitted=doc.omitted,
        label=label,
    )


def _style_css(style: str) -> Markup:
    """The colour variables of ``style`` (light, dark on screen, light in print) from present.py."""

    def block(pal: present.Palette) -> str:
        lines = [f"--{name.replace('_', '-')}: {getattr(pal, name)};" for name in (
            "bg", "fg", "muted", "line", "del_fg", "del_bg", "ins_fg", "ins_bg", "ign", "invis_fg", "invis_bg", "dim")]
        lines.append(f"--panel: {pal.band}; --empty: {pal.band}; --accent: {pal.badges['document'][0]};")
        for key, (fg, bg) in pal.badges.items():
            lines.append(f"--b-{key}-fg: {fg}; --b-{key}-bg: {bg};")
        lines.append(f"--ins-line: {'double' if pal.double_underline else 'solid'};")
        return "\n  ".join(lines)

    light, dark = present.palette(style, False), present.palette(style, True)
    css = (f":root {{\n  {block(light)}\n}}\n"
           f"@media screen and (prefers-color-scheme: dark) {{\n  :root {{\n  {block(dark)}\n  }}\n}}\n")
    return Markup(css)


# --------------------------------------------------------------------------------------------
# Rendering


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,  # every template, whatever its name: document text is never trusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        finalize=_finalize,
    )
    env.filters["vis_change"] = _visible_change
    env.filters["plain"] = _plain
    env.filters["lines"] = _cell_lines
    env.filters["blocks"] = _blocks
    return env


def _cell_lines(value: object) -> Markup:
    """Text of a table cell: each line break inside the cell (a ``<br>`` of the source) a ``<br>``."""
    text = value if isinstance(value, Markup) else _finalize(value)
    html = text if isinstance(text, Markup) else escape(str(text))
    return html.replace(present.LINE_BREAK, Markup("<br>")) if present.LINE_BREAK in html else html


def _blocks(paras: Sequence[present.Para]) -> list[tuple[str, list[present.Para]]]:
    """Paragraphs grouped for the template: ``("p", [para])`` or ``("table", [rows...])`` for the
    rows of one table (a header row starts a new table)."""
    out: list[tuple[str, list[present.Para]]] = []
    for para in paras:
        if para.cells:
            last = out[-1] if out else None
            if last is not None and last[0] == "table" and not para.header and \
                    len(last[1][-1].cells) == len(para.cells):
                last[1].append(para)
            else:
                out.append(("table", [para]))
        else:
            out.append(("p", [para]))
    return out


def _visible_html(text: str, *, soft_hyphens: bool) -> Markup:
    parts = []
    for segment in invisible.segments(text, soft_hyphens=soft_hyphens):
        if segment.marked:
            parts.append(Markup('<span class="invis" title="{}">{}</span>').format(segment.title, segment.text))
        else:
            parts.append(escape(segment.text))
    return Markup("").join(parts)


def _finalize(value: object) -> object:
    """Every ``{{ }}`` of document text: invisible characters become boxed markers with a title.

    Our own markup (macros, ``Markup``) passes unchanged; attribute values and ``<title>`` must
    use the ``plain`` filter instead (a marker element cannot go there).
    """
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    if not invisible.has_invisible(value, soft_hyphens=False):
        return value  # autoescaped as usual
    return _visible_html(value, soft_hyphens=False)


def _visible_change(value: str) -> Markup:
    """Inserted or deleted text: soft hyphens are marked too (an insertion of one must show)."""
    return _visible_html(str(value), soft_hyphens=True)


def _plain(value: object) -> Markup:
    """For attribute values and ``<title>``: escaped text with markers as plain characters."""
    return Markup(escape(invisible.visible_text(str(value))))


@lru_cache(maxsize=1)
def _css() -> Markup:
    css = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    if "</" in css:  # cannot happen with our own file; guards the raw insertion into <style>
        raise ValueError("report.css must not contain '</'")
    return Markup(css)


def _document_texts(comparison: Comparison) -> Iterator[str]:
    for doc in (comparison.old, comparison.new):
        yield doc.name
        yield doc.title or ""
        yield doc.source or ""
        for section in doc.flat():
            yield section.title
            yield section.body
        for omitted in doc.omitted:
            yield omitted.text


def _format_time(moment: datetime) -> tuple[str, str]:
    """(machine-readable, human-readable) forms of the generation time."""
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        human = moment.strftime("%Y-%m-%d %H:%M")
        offset = moment.strftime("%z")
        human += " UTC" if offset in ("+0000", "-0000") else f" (UTC{offset[:3]}:{offset[3:]})"
    else:
        human = moment.strftime("%Y-%m-%d %H:%M")
    return moment.isoformat(timespec="seconds"), human


def render_report(
    comparison: Comparison,
    *,
    layout: Literal["side-by-side", "inline"] = "side-by-side",
    changed_only: bool = False,
    generated_at: datetime | None = None,
    style: str = "standard",
) -> str:
    """The comparison as one self-contained HTML5 document (no script, no external resource).

    ``layout`` is ``"side-by-side"`` (old | new columns, stacked on narrow screens) or
    ``"inline"`` (a single-column redline). With ``changed_only`` the unchanged sections are
    collapsed (still present, in ``<details>``). ``generated_at`` defaults to now (local time).
    ``style`` picks the colours: ``standard`` (red / green), ``colorblind`` (orange / blue) or
    ``blackline`` (red struck through / blue double-underlined, the legal convention).
    """
    if layout not in ("side-by-side", "inline"):
        raise ValueError(f"layout must be 'side-by-side' or 'inline', not {layout!r}")
    if style not in present.STYLES:
        raise ValueError(f"style must be one of {', '.join(present.STYLES)}, not {style!r}")
    if generated_at is None:
        generated_at = datetime.now().astimezone()
    old_label, new_label = _doc_label(comparison.old), _doc_label(comparison.new)
    if old_label == new_label:
        old_label, new_label = f"old ({old_label})", f"new ({new_label})"
    old = _doc_view(comparison.old, "old", old_label)
    new = _doc_view(comparison.new, "new", new_label)
    pairs = present.present(comparison, layout)
    stats = comparison.stats
    pilcrows = any(
        frag.kind in ("-p", "+p")
        for p in pairs
        for group in (p.paras, p.title_paras, *(side for row in (*p.rows, *p.title_rows) for side in row))
        for para in group
        for frag in para.frags
    )
    dimmed = any(para.dim for p in pairs for group in (p.paras, *(side for row in p.rows for side in row))
                 for para in group)
    iso, human = _format_time(generated_at)
    template = _environment().get_template("report.html.j2")
    html = template.render(
        css=_css(),
        style_css=_style_css(style),
        style=style,
        style_note=present.STYLES[style],
        layout=layout,
        changed_only=changed_only,
        old=old,
        new=new,
        docs=(old, new),
        pairs=pairs,
        counts=present.counts(comparison, pairs),
        labels=present.STATUS_LABELS,
        move_mark=present.MOVE_MARK,
        differing=stats.sections_changed + stats.sections_added + stats.sections_removed,
        stats=stats,
        words=stats.words,
        ignored_options=present.ignored_labels(comparison.options),
        overrides=comparison.overrides,
        manual_pairs=sum(1 for p in comparison.pairs if p.manual),
        identical=comparison.identical,
        hidden=sum((p.invisible for p in pairs), invisible.InvisibleChanges()),
        markers=any(invisible.has_invisible(t, soft_hyphens=False) for t in _document_texts(comparison)),
        pilcrows=pilcrows,
        dimmed=dimmed,
        generated_iso=iso,
        generated_human=human,
        version=policydiff.__version__,
        key_changes=changes.key_changes(comparison),  # the opening Key changes list
        key_shown=KEY_CHANGES_SHOWN,
        change_counts=changes.counts(comparison.changes),
    )
    return _INVALID_CHARS.sub(_visible, html)


# --------------------------------------------------------------------------------------------
# File names and saving

_UNSAFE_NAME = re.compile(r"[^\w.\-]+", re.UNICODE)


def _stem(name: str, fallback: str) -> str:
    stem = PurePath(name.replace("\\", "/")).stem if name else ""
    stem = _UNSAFE_NAME.sub("-", stem).strip("-.")
    return stem[:80] or fallback


def default_report_name(comparison: Comparison) -> str:
    """``<old stem>-vs-<new stem>.html``, e.g. ``nec-2002-vs-nec-2024.html``; safe as a file name."""
    return f"{_stem(comparison.old.name, 'old')}-vs-{_stem(comparison.new.name, 'new')}.html"


# errno values for which a hard link is impossible here (file system, platform), not an error.
_NO_LINK = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOSYS, errno.EACCES,
            getattr(errno, "ENOTSUP", -1), getattr(errno, "EOPNOTSUPP", -1)}


class ReportTargetError(OSError):
    """The report may not be written there at all (an input, a folder, a device, a FIFO...).

    ``strerror`` is the problem alone (``is one of the input files``), ``filename`` the path as
    given; ``str(error)`` is ``<path>: <problem>``.
    """

    def __init__(self, path: str | os.PathLike[str], problem: str, code: int = errno.EINVAL) -> None:
        super().__init__(code, problem, os.fspath(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def check_report_target(
    path: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str] | None] = ()
) -> None:
    """Raise :class:`ReportTargetError` if a report must never be written at ``path``.

    Refused, whatever ``overwrite`` says: a folder (or a name ending in a path separator), an
    existing path that is not a regular file (device, FIFO, socket: ``os.replace`` would swap the
    device node itself for a file), and the very file of an input, however it is reached (symbolic
    or hard link, other spelling). A target that does not exist yet is fine.
    """
    raw = os.fspath(path)
    if not raw:
        raise ReportTargetError(path, "no file name given")
    if raw.endswith(("/", os.sep)) or (os.altsep and raw.endswith(os.altsep)):
        raise ReportTargetError(path, "is a folder, not a file", errno.EISDIR)
    try:
        info = os.stat(raw)  # follows symbolic links: what would really be replaced or written
    except FileNotFoundError:
        return  # new file (or a dangling link, which the exists check handles)
    except OSError as exc:
        raise ReportTargetError(path, f"cannot check the target ({exc.strerror or exc})", exc.errno or errno.EIO) from None
    if stat.S_ISDIR(info.st_mode):
        raise ReportTargetError(path, "is a folder, not a file", errno.EISDIR)
    if not stat.S_ISREG(info.st_mode):
        kind = next((what for test, what in _KINDS if test(info.st_mode)), "a special file")
        raise ReportTargetError(path, f"is {kind}, not a regular file")
    for item in inputs:
        if item is None:
            continue
        try:
            same = os.path.samefile(raw, os.fspath(item))
        except OSError:
            continue
        if same:
            raise ReportTargetError(path, "is one of the input files; choose another name for the report")


def save_report(
    path: str | os.PathLike[str], html: str, *, overwrite: bool = False,
    inputs: Sequence[str | os.PathLike[str] | None] = (),
) -> None:
    """Write ``html`` (UTF-8) to ``path`` atomically.

    The text goes to a temporary file in the same directory, flushed to disk, then moved into
    place: ``path`` either keeps its previous state or holds the whole report, never a part.
    Raises :class:`ReportTargetError` when :func:`check_report_target` refuses ``path`` (checked
    against ``inputs``, the compared files). Without ``overwrite``, raises
    :class:`FileExistsError` if ``path`` exists (checked and created in one step with a hard link
    where the file system allows it). Other failures raise :class:`OSError` naming the path.
    Temporary files left by an earlier, killed save in that directory are removed.
    """
    check_report_target(path, inputs)
    target = os.path.abspath(os.fspath(path))
    directory = os.path.dirname(target)
    data = html.encode("utf-8")

    if not overwrite and os.path.lexists(target):
        raise _exists(target)

    _remove_stale_temps(directory)
    tmp = None
    try:
        fd, tmp = _create_temp(directory, os.path.basename(target))
        with os.fdopen(fd, "wb") as fh:
            _lock(fh.fileno())  # tells another run's clean-up that this file is in use
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, target)
            tmp = None
        else:
            try:
                os.link(tmp, target)  # fails if target exists: check and create in one step
            except FileExistsError:
                raise _exists(target) from None
            except (OSError, AttributeError, NotImplementedError) as exc:
                if isinstance(exc, OSError) and exc.errno not in _NO_LINK:
                    raise
                # No hard links here (FAT, some network shares): check, then rename. The window
                # between the two is tiny; os.replace itself is still atomic.
                if os.path.lexists(target):
                    raise _exists(target) from None
                os.replace(tmp, target)
                tmp = None
            else:
                os.unlink(tmp)
                tmp = None
        _fsync_dir(directory)
    except FileExistsError:
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise OSError(exc.errno, f"Cannot save the report to {target}: {reason}", target) from exc
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _exists(target: str) -> FileExistsError:
    return FileExistsError(
        errno.EEXIST, f"{target} already exists (pass overwrite=True to replace it)", target
    )


_TEMP_MARK = "policydiff-report"
_TEMP_NAME = re.compile(r"\A\..{0,100}\." + _TEMP_MARK + r"-[0-9a-f]{12}\.tmp\Z", re.DOTALL)
STALE_TEMP_SECONDS = 10 * 60
"""A temp file of ours untouched this long is left over from a killed save (a save takes seconds)."""


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        pass


def _in_use(path: str) -> bool:
    """True if another save still holds the file's lock (POSIX; elsewhere the age alone decides)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return True  # cannot even look at it: leave it alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also releases our probe lock
    return False


def _remove_stale_temps(directory: str, *, now: float | None = None) -> None:
    """Delete temp files a killed save left in ``directory``: only our own naming pattern, only
    regular files of this user, only when older than :data:`STALE_TEMP_SECONDS` and not locked."""
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if not _TEMP_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_TEMP_SECONDS:
            continue
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            continue
        if _in_use(entry.path):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            pass


def _create_temp(directory: str, base: str) -> tuple[int, str]:
    """A new, exclusively created temp file next to the target; mode follows the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        name = os.path.join(directory, f".{base[:100]}.{_TEMP_MARK}-{secrets.token_hex(6)}.tmp")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "could not create a temporary file", directory)


def _fsync_dir(directory: str) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
